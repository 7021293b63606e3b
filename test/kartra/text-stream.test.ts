import { afterAll, describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { nfcSafeCut, openTextStream } from '../../src/kartra/text-stream.js';
import { readExport, tempDir, writeTemp } from '../helpers/edge.js';

const CHUNK = 64 * 1024; // fs.createReadStream's default highWaterMark
const tmp = tempDir();
afterAll(tmp.cleanup);

async function streamText(path: string, encoding: Parameters<typeof openTextStream>[1]): Promise<{ text: string; chunks: number }> {
  let text = '';
  let chunks = 0;
  for await (const chunk of openTextStream(path, encoding)) {
    expect(typeof chunk).toBe('string');
    text += chunk as string;
    chunks++;
  }
  return { text, chunks };
}

describe('openTextStream: NFC normalisation', () => {
  it('composes a decomposed e + U+0301 into é', async () => {
    const path = writeTemp(tmp.dir, 'decomposed.csv', 'name\nRene\u0301e\n');
    const { text } = await streamText(path, 'utf-8');
    expect(text).toBe('name\nRenée\n');
    expect(text).not.toContain('\u0301');
  });

  it('composes across a 64 KB chunk boundary: the combining mark is the first byte of the second chunk', async () => {
    const head = 'email,name\n';
    const before = `a@b.co,${'x'.repeat(CHUNK - head.length - 'a@b.co,'.length - 1)}e`; // "e" is byte CHUNK - 1
    const bytes = Buffer.from(`${head}${before}\u0301\nc@d.co,Zoe\u0308\n`, 'utf8');
    expect(bytes.subarray(CHUNK - 1, CHUNK + 2)).toEqual(Buffer.from([0x65, 0xcc, 0x81])); // e | CC 81
    const path = writeTemp(tmp.dir, 'boundary.csv', bytes);

    const { text, chunks } = await streamText(path, 'utf-8');
    expect(chunks).toBeGreaterThan(1);
    expect(text).toBe(`${head}${before.slice(0, -1)}é\nc@d.co,Zoë\n`);

    const { rows } = await readExport(path);
    expect(rows.map((r) => r.cells)).toEqual([
      ['a@b.co', `${'x'.repeat(before.length - 'a@b.co,'.length - 1)}é`],
      ['c@d.co', 'Zoë'],
    ]);
    expect(rows[0]!.cells[1]!.endsWith('e\u0301')).toBe(false);
  });

  it('composes when the boundary splits the combining mark\'s own two bytes', async () => {
    const head = 'name\n';
    const before = `${'y'.repeat(CHUNK - head.length - 2)}e`; // e at CHUNK - 2, CC at CHUNK - 1, 81 at CHUNK
    const bytes = Buffer.from(`${head}${before}\u0301\n`, 'utf8');
    expect(bytes[CHUNK - 1]).toBe(0xcc);
    const path = writeTemp(tmp.dir, 'split-mark.csv', bytes);
    const { text } = await streamText(path, 'utf-8');
    expect(text).toBe(`${head}${before.slice(0, -1)}é\n`);
  });

  it('orders and composes several combining marks across the boundary (canonical reordering)', async () => {
    // e + U+0301 (acute, ccc 230) then, in the next chunk, U+0327 (cedilla, ccc 202): NFC is U+0229 U+0301.
    const head = 'name\n';
    const before = `${'z'.repeat(CHUNK - head.length - 3)}e\u0301`; // e at CHUNK-3, CC 81 at CHUNK-2..CHUNK-1
    const bytes = Buffer.from(`${head}${before}\u0327\n`, 'utf8');
    expect(bytes.subarray(CHUNK - 3, CHUNK + 2)).toEqual(Buffer.from([0x65, 0xcc, 0x81, 0xcc, 0xa7]));
    const path = writeTemp(tmp.dir, 'reorder.csv', bytes);
    const { text } = await streamText(path, 'utf-8');
    expect(text).toBe(`${head}${'z'.repeat(CHUNK - head.length - 3)}\u0229\u0301\n`);
    expect(text).toBe(text.normalize('NFC'));
  });

  it('normalises a long run of non-ASCII text (no safe cut point) exactly once, losing nothing', async () => {
    const cyrillic = 'й'.repeat(100_000); // й written decomposed: и + U+0306
    const bytes = Buffer.from(`name\n${cyrillic.normalize('NFD')}\n`, 'utf8');
    const path = writeTemp(tmp.dir, 'no-ascii.csv', bytes);
    const { text } = await streamText(path, 'utf-8');
    expect(text).toBe(`name\n${cyrillic}\n`);
  });

  it.each(['utf-16le', 'utf-16be', 'windows-1252'] as const)('decodes %s and strips its BOM', async (encoding) => {
    const source = 'name,city\nRenée,Zürich\n';
    const bom = encoding === 'utf-16le' ? Buffer.from([0xff, 0xfe]) : encoding === 'utf-16be' ? Buffer.from([0xfe, 0xff]) : Buffer.alloc(0);
    const path = writeTemp(tmp.dir, `decode-${encoding}.csv`, Buffer.concat([bom, iconv.encode(source, encoding)]));
    expect((await streamText(path, encoding)).text).toBe(source);
  });

  it('strips a UTF-8 BOM', async () => {
    const path = writeTemp(tmp.dir, 'bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a,b\n')]));
    expect((await streamText(path, 'utf-8')).text).toBe('a,b\n');
  });
});

describe('nfcSafeCut', () => {
  it('cuts before the base letter of a combining sequence, never between them', () => {
    const text = 'abc' + 'e\u0301\u0323';
    expect(nfcSafeCut(text)).toBe(3);
  });

  it('looks back a bounded distance, so a long run of accented letters with no ASCII still moves along', () => {
    const text = 'é'.repeat(100_000);
    expect(nfcSafeCut(text)).toBeGreaterThanOrEqual(text.length - 64);
  });

  it('a 2 MB Windows-1252 line of é (no ASCII at all) decodes and normalises completely', async () => {
    const path = writeTemp(tmp.dir, 'long-accents.csv', iconv.encode(`name\n${'é'.repeat(2_000_000)}\n`, 'windows-1252'));
    let text = '';
    for await (const chunk of openTextStream(path, 'windows-1252')) text += chunk as string;
    expect(text.length).toBe(2_000_006);
  });
});
