/**
 * Property: a table written as CSV (csv-stringify, each supported delimiter and line ending) and encoded in each
 * supported encoding reads back identically through openExport + readRows, NFC-normalised, with the physical line
 * number of every record.
 *
 * What the generator avoids, and why (these are ambiguities no reader can resolve, not leniency):
 * - header names are distinct (case-insensitively, after NFC), non-empty, start with a letter and hold no "@": a
 *   header that looks like data is read as a header-less file by design;
 * - at least two columns: a one-column file has no delimiter to detect;
 * - cp1252 tables whose bytes happen to be valid UTF-8 are skipped: those bytes mean the UTF-8 text, by design;
 * - in the main properties, cells hold the file's own delimiter (quoted by csv-stringify) but not the other
 *   candidates. A separate property puts every delimiter in the cells to test detection itself.
 *
 * Two more restrictions of the main properties dodge delimiter-detection bugs this property found, each kept as a
 * regular test in dialect.test.ts, so that the main properties keep checking everything else; the last property
 * below has neither restriction and fails until those bugs are fixed:
 * - every row's last cell holds a visible character (rows ending in blank cells make detection fall back to ",");
 * - files with CR line endings have no LF inside cells (detection cuts its sample at LF only).
 */
import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import type { Delimiter } from '../../src/kartra/dialect.js';
import { readExport, tempDir, utf16be, writeTemp } from '../helpers/edge.js';

type Encoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1252';

const tmp = tempDir('kartra-roundtrip-');
afterAll(tmp.cleanup);
let fileCounter = 0;

const DELIMITERS: Delimiter[] = [',', ';', '\t'];
const LINE_ENDINGS = ['\n', '\r\n', '\r'] as const;

const ASCII_PIECES = ['a', 'B', 'z', '0', '7', ' ', '  ', '"', '""', '.', '-', "'", '=', '@', '+', '#', 'x y', '\n', '\r', '\r\n', 'N/A'];
const CP1252_PIECES = ['é', 'ü', '€', '’', 'ß', 'Ø', 'œ', '\u00a0', '©', '¿', 'ÿ', 'É', '…'];
const UNICODE_PIECES = [...CP1252_PIECES, '😀', '👍🏽', '名前', 'Жанна', 'e\u0301', 'A\u030a', 'o\u0308\u0301', '\u2028', 'ﬁ'];
const NAME_START = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('');
const NAME_REST = [...NAME_START, '0', '1', '9', '_', ' ', '-'];

function cellArbitrary(pieces: string[]): fc.Arbitrary<string> {
  return fc.array(fc.constantFrom(...pieces), { maxLength: 8 }).map((parts) => parts.join(''));
}

function headerArbitrary(columns: number, extraLetters: string[]): fc.Arbitrary<string[]> {
  const name = fc
    .tuple(fc.constantFrom(...NAME_START), fc.array(fc.constantFrom(...NAME_REST, ...extraLetters), { maxLength: 10 }))
    .map(([first, rest]) => `${first}${rest.join('')}`.trimEnd());
  return fc.uniqueArray(name, { minLength: columns, maxLength: columns, selector: (n) => n.normalize('NFC').toLowerCase() });
}

/** Keeps delimiter detection out of the two known bugs (see the header comment). */
function dodgeKnownDetectionBugs(c: Case): Case {
  const rows = c.rows.map((row) =>
    row.map((cell, i) => {
      let v = c.lineEnding === '\r' ? cell.replace(/\r\n|\n/g, '\r') : cell;
      if (i === row.length - 1 && v.trim() === '') v += 'Z';
      return v;
    }),
  );
  return { ...c, rows };
}

interface Case {
  header: string[];
  rows: string[][];
  delimiter: Delimiter;
  lineEnding: (typeof LINE_ENDINGS)[number];
}

function caseArbitrary(cellPieces: (delimiter: Delimiter) => string[], nameLetters: string[], delimiters = DELIMITERS): fc.Arbitrary<Case> {
  return fc
    .record({ columns: fc.integer({ min: 2, max: 6 }), delimiter: fc.constantFrom(...delimiters), lineEnding: fc.constantFrom(...LINE_ENDINGS) })
    .chain(({ columns, delimiter, lineEnding }) =>
      fc.record({
        header: headerArbitrary(columns, nameLetters),
        rows: fc.array(fc.array(cellArbitrary(cellPieces(delimiter)), { minLength: columns, maxLength: columns }), { minLength: 1, maxLength: 8 }),
        delimiter: fc.constant(delimiter),
        lineEnding: fc.constant(lineEnding),
      }),
    );
}

function encode(text: string, encoding: Encoding): Buffer {
  switch (encoding) {
    case 'utf-8':
      return Buffer.from(text, 'utf8');
    case 'utf-8-bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    case 'utf-16le':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    case 'utf-16be':
      return Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)]);
    case 'windows-1252':
      return iconv.encode(text, 'windows-1252');
  }
}

function isValidUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function writeCsv(c: Case): string {
  return stringify([c.header, ...c.rows], { delimiter: c.delimiter, record_delimiter: c.lineEnding, quote_record_delimiter: true });
}

const lineBreaks = (cell: string): number => cell.match(/\r\n|\r|\n/g)?.length ?? 0;

/** Writes the case, reads it back, and checks header, cells, line numbers and dialect. */
async function roundTrip(c: Case, encoding: Encoding): Promise<void> {
  const bytes = encode(writeCsv(c), encoding);
  if (encoding === 'windows-1252') {
    expect(iconv.decode(bytes, 'windows-1252')).toBe(writeCsv(c)); // the generator only uses cp1252 characters
    fc.pre(!isValidUtf8(bytes) || bytes.every((b) => b < 0x80));
  }
  const path = writeTemp(tmp.dir, `case-${fileCounter++}.csv`, bytes);
  const { head, rows } = await readExport(path);

  expect(head.dialect.delimiter).toBe(c.delimiter);
  expect(head.dialect.hasHeader).toBe(true);
  expect(head.header).toEqual(c.header.map((h) => h.normalize('NFC').trim()));
  // A row whose cells are all blank carries no data: it reads as a blank line, like ",,," in a spreadsheet export.
  const hasData = (r: string[]): boolean => r.some((cell) => cell.trim() !== '');
  expect(rows.map((r) => r.cells)).toEqual(c.rows.filter(hasData).map((r) => r.map((cell) => cell.normalize('NFC'))));
  expect(rows.every((r) => !r.ragged && r.extra.length === 0)).toBe(true);
  let line = 2;
  const expectedLines = c.rows.map((r) => {
    const start = line;
    line += 1 + r.reduce((n, cell) => n + lineBreaks(cell), 0);
    return hasData(r) ? start : undefined;
  });
  expect(rows.map((r) => r.line)).toEqual(expectedLines.filter((l) => l !== undefined));
}

const ownDelimiterOnly = (pieces: string[]) => (delimiter: Delimiter) => [...pieces, delimiter, `${delimiter} `];

describe('CSV round trip (property)', () => {
  const encodings: [Encoding, string[], number][] = [
    ['utf-8', UNICODE_PIECES, 0x5eed01],
    ['utf-8-bom', UNICODE_PIECES, 0x5eed02],
    ['utf-16le', UNICODE_PIECES, 0x5eed03],
    ['utf-16be', UNICODE_PIECES, 0x5eed04],
    ['windows-1252', CP1252_PIECES, 0x5eed05],
  ];

  it.each(encodings)('%s: every table reads back identically', async (encoding, unicode, seed) => {
    const nameLetters = encoding === 'windows-1252' ? ['é', 'ü', 'ß'] : ['é', 'ü', 'ß', 'Ж', '名'];
    await fc.assert(
      fc.asyncProperty(caseArbitrary(ownDelimiterOnly([...ASCII_PIECES, ...unicode]), nameLetters).map(dodgeKnownDetectionBugs), (c) =>
        roundTrip(c, encoding),
      ),
      { numRuns: 40, seed },
    );
  }, 60_000);

  it('utf-8, unrestricted: tables whose cells hold every delimiter, blank trailing cells and any line break', async () => {
    await fc.assert(
      fc.asyncProperty(
        caseArbitrary(() => [...ASCII_PIECES, ...UNICODE_PIECES, ',', ';', '\t', 'Acme, Inc.', 'VIP;Gold'], []),
        (c) => roundTrip(c, 'utf-8'),
      ),
      { numRuns: 60, seed: 0x5eed06 },
    );
  }, 60_000);
});
