import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ExportFileError } from '../../src/errors.js';
import iconv from 'iconv-lite';
import { scanBytes } from '../../src/kartra/encoding.js';
import { inspectFile } from '../../src/kartra/inspect-file.js';
import { edge, readExport, rejectionOf, tempDir, utf16be, writeTemp } from '../helpers/edge.js';

/** The table every encoding fixture holds (see test/helpers/write-edge-fixtures.ts). */
const TABLE = [
  ['first_name', 'last_name', 'email', 'city', 'note'],
  ['Renée', 'Müller', 'renee@example.com', 'Zürich', '€49 paid'],
  ['José', 'Núñez', 'jose@example.com', 'São Paulo', ''],
  ['Zoë', 'O’Brien', 'zoe@example.com', 'Saint-Étienne', 'it’s fine'],
];

const tmp = tempDir();
afterAll(tmp.cleanup);

describe('scanBytes: encoding detection', () => {
  it.each([
    ['encoding/utf8-bom.csv', 'utf-8', true],
    ['encoding/utf8-no-bom.csv', 'utf-8', false],
    ['encoding/utf16le-bom.csv', 'utf-16le', true],
    ['encoding/utf16be-bom.csv', 'utf-16be', true],
    ['encoding/windows-1252.csv', 'windows-1252', false],
    ['encoding/mojibake-jose.csv', 'utf-8', false],
  ] as const)('%s is %s (BOM %s)', async (fixture, encoding, bom) => {
    const scan = await scanBytes(edge(fixture), 'x.csv');
    expect(scan.encoding).toBe(encoding);
    expect(scan.bom).toBe(bom);
  });

  it('reports size and the SHA-256 of the raw bytes', async () => {
    const path = edge('encoding/windows-1252.csv');
    const bytes = readFileSync(path);
    const scan = await scanBytes(path, 'windows-1252.csv');
    expect(scan.sizeBytes).toBe(bytes.length);
    expect(scan.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('gives chardet\'s guess only for a file that is not UTF-8', async () => {
    expect((await scanBytes(edge('encoding/windows-1252.csv'), 'a')).guessed).toEqual(expect.any(String));
    expect((await scanBytes(edge('encoding/utf8-no-bom.csv'), 'b')).guessed).toBeUndefined();
  });

  it('validates the whole file: 64 KB of ASCII followed by cp1252 bytes is windows-1252', async () => {
    const ascii = `email,city\n${'ann@example.com,Paris\n'.repeat(4000)}`; // ~84 KB, all ASCII
    expect(ascii.length).toBeGreaterThan(64 * 1024);
    const tail = Buffer.from([...Buffer.from('zoe@example.com,Z'), 0xfc, ...Buffer.from('rich\n')]); // "Zürich" in cp1252
    const path = writeTemp(tmp.dir, 'late-cp1252.csv', Buffer.concat([Buffer.from(ascii), tail]));
    const scan = await scanBytes(path, 'late-cp1252.csv');
    expect(scan.encoding).toBe('windows-1252');
    const { rows } = await readExport(path);
    expect(rows).toHaveLength(4001);
    expect(rows.at(-1)!.cells).toEqual(['zoe@example.com', 'Zürich']);
  });

  it('a UTF-8 character split across the 64 KB read boundary is still UTF-8', async () => {
    // "é" is C3 A9; put C3 as the last byte of the first 64 KiB chunk.
    const prefix = `email,city\n${'x'.repeat(64 * 1024 - 'email,city\n'.length - 1)}`;
    const path = writeTemp(tmp.dir, 'split-utf8.csv', Buffer.concat([Buffer.from(prefix), Buffer.from('é,Zürich\n')]));
    expect(Buffer.from(prefix).length).toBe(64 * 1024 - 1);
    expect((await scanBytes(path, 'split-utf8.csv')).encoding).toBe('utf-8');
  });

  it('a file that ends in the middle of a UTF-8 character is not UTF-8', async () => {
    const path = writeTemp(tmp.dir, 'truncated-utf8.csv', Buffer.concat([Buffer.from('email,name\na@b.co,Jos'), Buffer.from([0xc3])]));
    expect((await scanBytes(path, 'truncated-utf8.csv')).encoding).toBe('windows-1252');
  });

  it.each([
    ['an empty file', Buffer.alloc(0), /the file is empty/],
    ['PNG bytes', readFileSync(edge('bad/png-renamed.csv')), /binary file, not a CSV export \(byte 0x00 at offset 8\)/],
    ['a zip / xlsx', readFileSync(edge('bad/xlsx-renamed.csv')), /zip archive or an Excel workbook/],
    ['UTF-16 LE without a BOM', Buffer.from('email,name\na@b.co,Ann\n', 'utf16le'), /UTF-16 text without a byte-order mark/],
  ])('rejects %s with an ExportFileError naming the file', async (_what, bytes, message) => {
    const path = writeTemp(tmp.dir, 'bad-input.csv', bytes);
    const error = await rejectionOf(scanBytes(path, 'bad-input.csv'));
    expect(error).toBeInstanceOf(ExportFileError);
    expect(error.message).toMatch(message);
    expect(error.message.startsWith('bad-input.csv: ')).toBe(true);
  });
});

describe('reading each encoding', () => {
  it.each([
    'encoding/utf8-bom.csv',
    'encoding/utf8-no-bom.csv',
    'encoding/utf16le-bom.csv',
    'encoding/utf16be-bom.csv',
    'encoding/windows-1252.csv',
  ])('%s reads back the same table, without a BOM in the first header', async (fixture) => {
    const { head, rows } = await readExport(edge(fixture));
    expect(head.header).toEqual(TABLE[0]);
    expect(head.header[0]!.charCodeAt(0)).not.toBe(0xfeff);
    expect(rows.map((r) => r.cells)).toEqual(TABLE.slice(1));
    expect(rows.map((r) => r.line)).toEqual([2, 3, 4]);
    expect(head.dialect).toEqual({ delimiter: ',', lineEnding: 'LF', hasHeader: true });
  });

  it('keeps mojibake as it is written (JosÃ© is not silently repaired)', async () => {
    const { head, rows } = await readExport(edge('encoding/mojibake-jose.csv'));
    expect(head.bytes.encoding).toBe('utf-8');
    expect(rows[0]!.cells).toEqual(['JosÃ©', 'GarcÃ\u00ada', 'jose@example.com']);
    expect(rows[2]!.cells[1]).toBe('Oâ€™Brien');
  });

  it('reads a UTF-16 BE file whose emoji straddles the 64 KB read boundary', async () => {
    // Each UTF-16 unit is 2 bytes: with the BOM (2 bytes) + 32766 units, the emoji's high surrogate is the last unit
    // of the first 64 KiB chunk and its low surrogate the first unit of the next.
    const header = 'email,name\n';
    const filler = 'a'.repeat(32766 - header.length - 'b@c.co,'.length);
    const text = `${header}b@c.co,${filler}😀x\nd@e.co,Dee\n`;
    const path = writeTemp(tmp.dir, 'emoji-boundary-be.csv', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)]));
    const { rows } = await readExport(path);
    expect(rows.map((r) => r.cells)).toEqual([
      ['b@c.co', `${filler}😀x`],
      ['d@e.co', 'Dee'],
    ]);
  });
});

describe('a UTF-8 file with a few bad bytes', () => {
  const names = Array.from({ length: 50 }, (_, i) => `${i},José Müller,jose${i}@x.com`).join('\n');

  it('is still read as UTF-8; the bad byte is reported as invalid_utf8, not every accent garbled', async () => {
    const bytes = Buffer.concat([Buffer.from(`id,name,email\n${names}\n51,Caf`), Buffer.from([0xe9]), Buffer.from(',cafe@x.com\n')]);
    const path = writeTemp(tmp.dir, 'one-bad-byte.csv', bytes);
    expect((await scanBytes(path, 'one-bad-byte.csv')).encoding).toBe('utf-8');
    const file = await inspectFile(path);
    expect(file.columns[1]!.samples[0]).toBe('José Müller');
    const bad = file.findings.find((f) => f.code === 'invalid_utf8');
    expect(bad).toMatchObject({ count: 1, exampleLines: [52], column: 'name' });
    expect(file.findings.some((f) => f.code === 'mojibake')).toBe(false);
  });

  it('with a BOM, a bad byte is reported too, never silently replaced', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('id,name\n1,Caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
    const file = await inspectFile(writeTemp(tmp.dir, 'bom-bad-byte.csv', bytes));
    expect(file.findings.find((f) => f.code === 'invalid_utf8')).toMatchObject({ count: 1, exampleLines: [2] });
  });

  it('a real Windows-1252 file (every accent a bad UTF-8 byte) is still Windows-1252', async () => {
    const path = writeTemp(tmp.dir, 'cp1252-names.csv', iconv.encode(`id,name\n${names}\n`, 'windows-1252'));
    expect((await scanBytes(path, 'cp1252-names.csv')).encoding).toBe('windows-1252');
  });
});

describe('NFC check across the 64 KB read chunks', () => {
  it('an "e" ending one chunk and a combining accent starting the next: the file is not taken as NFC, the cell is', async () => {
    const header = 'id,name\n1,';
    const filler = 'a'.repeat(65_536 - header.length - 1);
    const bytes = Buffer.concat([Buffer.from(`${header}${filler}e`), Buffer.from('\u0301\n', 'utf8')]);
    expect(bytes.indexOf(Buffer.from('\u0301', 'utf8'))).toBe(65_536);
    const path = writeTemp(tmp.dir, 'split-accent.csv', bytes);
    expect((await scanBytes(path, 'split-accent.csv')).utf8Nfc).toBe(false);
    const { rows } = await readExport(path);
    expect(rows[0]!.cells[1]!.endsWith('é')).toBe(true);
  });
});
