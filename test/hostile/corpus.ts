/**
 * The hostile-input corpus (fixtures/hostile/, written by test/helpers/write-hostile-fixtures.ts) and what the reader
 * must make of each file: the table below is fixtures/hostile/README.md's "expected outcome" column in a form a test
 * can check. Every file either reads (with the findings that name what is wrong in it) or fails with a one-line
 * message naming the file (and the line, where one applies) and what to do.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FindingCode } from '../../src/kartra/findings.js';
import type { ExportKind } from '../../src/kartra/kind.js';
import { REPO_ROOT } from '../helpers/edge.js';

export const CORPUS = join(REPO_ROOT, 'fixtures', 'hostile');
export const README = join(CORPUS, 'README.md');
/** Recipes of the files too large to commit. */
export const GENERATED = join(CORPUS, 'generated.json');

/** How long one file may take to read before the test calls it a hang. */
export const PER_FILE_MS = 20_000;

export type Failure = {
  outcome: 'error';
  /** What the message must say after "<file>[:line]: ". */
  message: RegExp;
  /** The line the message names, when the problem is on one line. */
  line?: number;
};

export type Read = {
  outcome: 'read';
  kind: ExportKind;
  encoding?: 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';
  bom?: boolean;
  delimiter?: ',' | ';' | '\t';
  lineEnding?: 'CRLF' | 'LF' | 'CR' | 'mixed';
  /** Data records in the file, counted by hand: the reader must read every one. */
  rows: number;
  /** The lines those records start on, when worth checking (quoted line breaks, mixed endings). */
  lines?: number[];
  /** Rows a migration must not import; each must be named by a row finding (ragged, missing or invalid email). */
  rejected: number;
  /** Every finding code the file must give, with its total count over columns; no other code may appear. */
  findings: Partial<Record<FindingCode, number>>;
  /** Example lines a finding must list (its first five). */
  findingLines?: Partial<Record<FindingCode, number[]>>;
  /** Cells that must read exactly so: [line, column, value]. */
  cells?: [number, string, string][];
  columns?: number;
};

export type Expectation = Failure | Read;

const LEADS_HEADER = ['id', 'first_name', 'last_name', 'email', 'phone_country_code', 'phone', 'company', 'country', 'date_joined', 'tags', 'notes'];
export const LEADS_COLUMNS = LEADS_HEADER.length;

const NOT_CLOSED = /a quoted cell starting on this line is never closed.*\. Open the file in a text editor/;
const BINARY = /this is a binary file, not a CSV export.*\. Use the CSV file downloaded from Kartra/;
const UTF16_NO_BOM = /this looks like UTF-16 text without a byte-order mark, which cannot be read safely\. Save it again as "CSV UTF-8"/;

export const EXPECTED: Record<string, Expectation> = {
  // Broken CSV shapes
  'csv-unbalanced-quote.csv': { outcome: 'error', message: NOT_CLOSED, line: 3 },
  'csv-unbalanced-quote-last-line.csv': { outcome: 'error', message: NOT_CLOSED, line: 4 },
  'csv-quote-inside-unquoted-field.csv': {
    outcome: 'read', kind: 'leads', rows: 3, rejected: 0, findings: {},
    cells: [[2, 'first_name', 'Ann "The Hammer"'], [2, 'notes', '6" tall'], [3, 'last_name', 'O"Ray'], [4, 'company', 'Quoted "Co"']],
  },
  // line 3's shifted cells put "United States" under date_joined
  'csv-ragged-more-cells.csv': { outcome: 'read', kind: 'leads', rows: 4, rejected: 2, findings: { ragged_row: 2, unparseable_date: 1 }, findingLines: { ragged_row: [3, 5], unparseable_date: [3] } },
  'csv-ragged-fewer-cells.csv': { outcome: 'read', kind: 'leads', rows: 4, rejected: 2, findings: { ragged_row: 2 }, findingLines: { ragged_row: [2, 4] } },
  'csv-mixed-line-endings.csv': { outcome: 'read', kind: 'leads', lineEnding: 'mixed', rows: 4, lines: [2, 3, 4, 5], rejected: 0, findings: {}, cells: [[4, 'notes', 'cr'], [5, 'notes', 'last']] },
  'csv-lone-cr.csv': { outcome: 'read', kind: 'leads', lineEnding: 'CR', rows: 3, lines: [2, 3, 4], rejected: 0, findings: {}, cells: [[4, 'notes', 'three']] },
  'csv-crlf-in-quoted-cells.csv': {
    outcome: 'read', kind: 'leads', lineEnding: 'CRLF', rows: 3, lines: [2, 6, 8], rejected: 0, findings: {},
    cells: [[2, 'notes', 'line one\r\nline two\r\nline three'], [2, 'company', 'Acme\r\nBuilding 2'], [6, 'notes', 'cr\rinside'], [8, 'notes', 'lf\ninside']],
  },
  'csv-nul-bytes-in-cells.csv': { outcome: 'error', message: /this is a binary file, not a CSV export \(byte 0x00 at offset \d+\)\. Use the CSV file downloaded from Kartra/ },
  'csv-bom-in-middle.csv': {
    outcome: 'read', kind: 'leads', encoding: 'utf-8', bom: true, rows: 4, rejected: 1,
    findings: { invalid_email: 1, unparseable_phone: 1, unparseable_date: 1 }, findingLines: { invalid_email: [4], unparseable_date: [4] },
  },
  'csv-bom-before-id.csv': { outcome: 'read', kind: 'leads', rows: 2, rejected: 0, findings: {}, cells: [[3, 'id', '\uFEFF2']] },
  'csv-delimiters-only.csv': { outcome: 'error', message: /the file holds no rows\. Export it again from Kartra/ },
  'csv-semicolon-commas-in-values.csv': { outcome: 'read', kind: 'leads', delimiter: ';', rows: 3, rejected: 0, findings: {}, cells: [[2, 'company', 'Acme, Inc.'], [4, 'company', 'Quoted; Co']] },
  'csv-tab-delimited.tsv': { outcome: 'read', kind: 'leads', delimiter: '\t', rows: 2, rejected: 0, findings: {}, cells: [[2, 'company', 'Acme, Inc.'], [3, 'notes', 'quoted\ttab']] },

  // Encodings
  'enc-utf16le-bom.csv': { outcome: 'read', kind: 'leads', encoding: 'utf-16le', bom: true, rows: 3, rejected: 0, findings: {}, cells: [[2, 'first_name', 'Renée'], [4, 'last_name', 'Ångström']] },
  'enc-utf16be-bom.csv': { outcome: 'read', kind: 'leads', encoding: 'utf-16be', bom: true, rows: 3, rejected: 0, findings: {}, cells: [[2, 'first_name', 'Renée'], [4, 'last_name', 'Ångström']] },
  'enc-utf16le-no-bom.csv': { outcome: 'error', message: UTF16_NO_BOM },
  'enc-utf16be-no-bom.csv': { outcome: 'error', message: UTF16_NO_BOM },
  'enc-windows-1252.csv': { outcome: 'read', kind: 'leads', encoding: 'windows-1252', rows: 2, rejected: 0, findings: {}, cells: [[2, 'last_name', 'O’Brien'], [2, 'notes', '€49 paid – thanks'], [2, 'company', 'Café “Œuvre”']] },
  'enc-latin1.csv': { outcome: 'read', kind: 'leads', encoding: 'windows-1252', rows: 3, rejected: 0, findings: {}, cells: [[3, 'company', 'Señor Café']] },
  'enc-mixed-utf8-then-latin1.csv': { outcome: 'read', kind: 'leads', encoding: 'utf-8', rows: 13, rejected: 0, findings: { invalid_utf8: 4 }, findingLines: { invalid_utf8: [14] } },
  'enc-mixed-latin1-then-utf8.csv': { outcome: 'read', kind: 'leads', encoding: 'windows-1252', rows: 7, rejected: 0, findings: { mojibake: 3 }, findingLines: { mojibake: [8] } },
  'enc-invalid-utf8-sequences.csv': { outcome: 'read', kind: 'leads', encoding: 'utf-8', rows: 14, rejected: 0, findings: { invalid_utf8: 4 }, findingLines: { invalid_utf8: [12, 13, 14, 15] } },
  'enc-double-bom.csv': { outcome: 'read', kind: 'leads', encoding: 'utf-8', bom: true, rows: 1, rejected: 0, findings: {} },

  // Binary files
  'bin-png-renamed.csv': { outcome: 'error', message: BINARY },
  'bin-zip-renamed.csv': { outcome: 'error', message: /this is a zip archive or an Excel workbook \(\.xlsx\), not a CSV export\. Open it in Excel and save it as "CSV UTF-8"/ },
  'bin-gzip-renamed.csv': { outcome: 'error', message: BINARY },
  'bin-random-no-nul.csv': { outcome: 'error', message: BINARY },

  // Empty files
  'empty-zero-bytes.csv': { outcome: 'error', message: /the file is empty\. Export it again from Kartra/ },
  'empty-header-only.csv': { outcome: 'error', message: /the file has a header but no data rows\. Export it again from Kartra/ },
  'empty-blank-lines-only.csv': { outcome: 'error', message: /the file holds no text, only blank lines\. Export it again from Kartra/ },

  // Headers
  'header-duplicate-names.csv': { outcome: 'error', message: /the header names column "Email" twice \(columns 3 and 4\).*\. Rename one of the two columns/, line: 1 },
  'header-empty-names.csv': { outcome: 'read', kind: 'leads', rows: 2, rejected: 0, findings: {}, columns: 6, cells: [[2, '(unnamed column 2)', 'Ann'], [2, '(unnamed column 4)', 'x']] },
  'header-5000-columns.csv': { outcome: 'read', kind: 'leads', rows: 3, rejected: 0, findings: {}, columns: 5000 },
  'header-10000-char-names.csv': { outcome: 'read', kind: 'leads', rows: 2, rejected: 0, findings: {}, columns: 7 },

  // Injection
  'inject-formula-cells.csv': {
    outcome: 'read', kind: 'leads', rows: 8, rejected: 5,
    findings: { missing_email: 3, invalid_email: 2, placeholder: 1, formula_like: 25 },
    findingLines: { missing_email: [6, 10, 11], invalid_email: [5, 9] },
  },
  'inject-prompt-leads.csv': { outcome: 'read', kind: 'leads', rows: 12, rejected: 0, findings: {} },
  'inject-prompt-control.csv': { outcome: 'read', kind: 'leads', rows: 12, rejected: 0, findings: {} },
  'inject-prompt-headers.csv': { outcome: 'read', kind: 'leads', rows: 3, rejected: 0, findings: {}, columns: 7 },
  'inject-ansi-escapes.csv': { outcome: 'read', kind: 'leads', rows: 3, rejected: 0, findings: {}, cells: [[2, 'first_name', '\u001b[2J\u001b[HAnn']] },

  // Treacherous text
  'text-rtl-zero-width.csv': {
    outcome: 'read', kind: 'leads', rows: 6, rejected: 1,
    // line 6: an override inside the address; line 7: line 4's address without its zero-width space, a duplicate
    findings: { invalid_email: 1, duplicate_email: 1 }, findingLines: { invalid_email: [6], duplicate_email: [7] },
    cells: [[2, 'first_name', 'Ann\u202Egnp.exe']],
  },
  'text-emoji-astral.csv': { outcome: 'read', kind: 'leads', rows: 4, rejected: 0, findings: {}, cells: [[3, 'last_name', '𠀀𠀁𠀂']] },
  'text-prose.txt': { outcome: 'read', kind: 'unknown', rows: 3, rejected: 1, findings: { ragged_row: 1 } },
  'text-html-error-page.csv': { outcome: 'read', kind: 'unknown', rows: 2, rejected: 1, findings: { ragged_row: 1 } },
  'text-json.csv': { outcome: 'read', kind: 'unknown', rows: 3, rejected: 2, findings: { ragged_row: 2 } },

  // Leads with broken values
  'leads-long-email-phone.csv': {
    outcome: 'read', kind: 'leads', rows: 5, rejected: 1,
    findings: { invalid_email: 1, unparseable_phone: 3, over_255: 6, formula_like: 1 }, findingLines: { invalid_email: [6], unparseable_phone: [3, 4, 5] },
  },
  'leads-unknown-calling-code.csv': { outcome: 'read', kind: 'leads', rows: 3, rejected: 0, findings: { unparseable_phone: 2 }, findingLines: { unparseable_phone: [2, 3] } },
  'leads-all-invalid-emails.csv': {
    outcome: 'read', kind: 'leads', rows: 8, rejected: 8,
    findings: { missing_email: 2, invalid_email: 6, placeholder: 1, formula_like: 1 }, findingLines: { missing_email: [6, 7], invalid_email: [2, 3, 4, 5, 8] },
  },
  'leads-impossible-dates.csv': {
    outcome: 'read', kind: 'leads', rows: 12, rejected: 0,
    // 8 values no calendar has, one 0000-00-00, and "-0001-11-30" also starts like a formula
    findings: { unparseable_date: 8, zero_date: 1, formula_like: 1 }, findingLines: { unparseable_date: [2, 3, 4, 6, 7] },
  },

  // Generated at test time from generated.json
  'big-cell-2mb.csv': { outcome: 'read', kind: 'leads', rows: 2, rejected: 0, findings: { over_255: 1 } },
  'big-record-9mb.csv': { outcome: 'error', message: /a record starting on this line is longer than 8 MB.*\. Check the line for a stray double quote/, line: 3 },
};

/** The committed files the tests read as exports (README.md and the recipes are not exports). */
export function committedExports(): string[] {
  return readdirSync(CORPUS).filter((name) => name !== 'README.md' && name !== 'generated.json').sort();
}

type Recipe = { name: string; head: string; cell: string; times: number; tail: string };

export function recipes(): Recipe[] {
  return (JSON.parse(readFileSync(GENERATED, 'utf8')) as { files: Recipe[] }).files;
}

/** A temp copy of the corpus with the generated files written in (into `into` when given); removed by `cleanup`. */
export function materialise(prefix = 'hostile-', into?: string): { dir: string; names: string[]; cleanup: () => void } {
  const dir = into ?? mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(dir, { recursive: true });
  for (const name of committedExports()) copyFileSync(join(CORPUS, name), join(dir, name));
  for (const r of recipes()) writeFileSync(join(dir, r.name), `${r.head}${r.cell.repeat(r.times)}${r.tail}`);
  return { dir, names: readdirSync(dir).sort(), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Rejects after `ms`: a read that hangs fails the test instead of stalling the suite. */
export function withinTime<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms: a hang`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The rows of README.md's corpus table: file name → the expected-outcome cell. */
export function readmeTable(): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of readFileSync(README, 'utf8').split('\n')) {
    const match = /^\| `([^`]+)` \|(.*)\|(.*)\|\s*$/.exec(line);
    if (match) rows.set(match[1]!, match[3]!.trim());
  }
  return rows;
}
