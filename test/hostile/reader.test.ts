/**
 * The hostile corpus through the export reader: every file of fixtures/hostile/ (and the two generated from its
 * recipes) gives either an inspection whose findings name what is wrong, or a failure whose one-line message names
 * the file (and the line) and says what to do. Never an uncaught exception, never a hang (each read has a time
 * limit), never a row silently lost: rows read match the records counted by hand, and every rejected row is named by
 * a row finding. The expected outcome of each file is test/hostile/corpus.ts's table, which README.md states in words.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { FINDING_CODES, type FindingCode } from '../../src/kartra/findings.js';
import { inspectExports, type Inspection } from '../../src/kartra/inspect.js';
import { openExport, readRows, type ExportRow } from '../../src/kartra/read.js';
import { isEmail } from '../../src/kartra/values.js';
import { parseKartraPhone } from '../../src/kartra/phone.js';
import { CLI_TIMEOUT_MS, outputLines, runCli } from '../helpers/cli.js';
import { CORPUS, EXPECTED, PER_FILE_MS, committedExports, materialise, readmeTable, recipes, withinTime, type Read } from './corpus.js';

const corpus = materialise();
afterAll(corpus.cleanup);

/** Row findings: each names rows a migration will not import. */
const REJECTING: FindingCode[] = ['ragged_row', 'missing_email', 'invalid_email'];

const STACK = /^\s+at |node:internal|\.ts:\d+:\d+|\.js:\d+:\d+/m;

function totals(inspection: Inspection): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const f of inspection.files[0]!.findings) counts[f.code] = (counts[f.code] ?? 0) + f.count;
  return counts;
}

async function rowsOf(path: string): Promise<{ header: string[]; rows: ExportRow[] }> {
  const head = await openExport(path);
  const rows: ExportRow[] = [];
  for await (const row of readRows(head)) rows.push(row);
  return { header: head.header, rows };
}

describe('the corpus and its README agree', () => {
  it('holds at least 30 committed files, under 3 MB in all', () => {
    const names = committedExports();
    expect(names.length).toBeGreaterThanOrEqual(30);
    const bytes = [...names, 'README.md', 'generated.json'].reduce((n, name) => n + statSync(join(CORPUS, name)).size, 0);
    expect(bytes).toBeLessThan(3 * 1024 * 1024);
  });

  it('every file (committed or generated) has an expected outcome in the table and a row in README.md, and nothing else does', () => {
    const files = [...committedExports(), ...recipes().map((r) => r.name)].sort();
    expect(Object.keys(EXPECTED).sort()).toEqual(files);
    expect([...readmeTable().keys()].sort()).toEqual(files);
  });

  it("README.md's outcome column says error for failures, and names each finding code a file must give", () => {
    const table = readmeTable();
    for (const [name, expected] of Object.entries(EXPECTED)) {
      const said = table.get(name)!;
      if (expected.outcome === 'error') {
        expect(said, name).toMatch(/^error\b/);
        continue;
      }
      expect(said, name).toMatch(/^read\b/);
      const codes = [...said.matchAll(/`([a-z0-9_]+)`/g)].map((m) => m[1]).filter((c) => c! in FINDING_CODES);
      expect(new Set(codes), name).toEqual(new Set(Object.keys(expected.findings)));
    }
  });
});

describe.each(Object.entries(EXPECTED))('%s', (name, expected) => {
  it(expected.outcome === 'error' ? 'fails with one line naming the file and what to do' : 'reads every row, and its findings name what is wrong', async () => {
    const path = join(corpus.dir, name);
    const inspection = await withinTime(inspectExports([path]), PER_FILE_MS, `inspecting ${name}`);
    if (expected.outcome === 'error') {
      expect(inspection.files).toEqual([]);
      expect(inspection.failures).toHaveLength(1);
      const { file, error } = inspection.failures[0]!;
      expect(file).toBe(name);
      const prefix = `${name}${expected.line === undefined ? '' : `:${expected.line}`}: `;
      expect(error.startsWith(prefix), `"${error}" starts with "${prefix}"`).toBe(true);
      expect(error.slice(prefix.length)).toMatch(expected.message);
      expect(error).not.toContain('\n');
      expect(error).not.toMatch(STACK);
      return;
    }
    expect(inspection.failures, JSON.stringify(inspection.failures)).toEqual([]);
    const file = inspection.files[0]!;
    expect(file.kind.kind).toBe(expected.kind);
    if (expected.encoding) expect(file.encoding).toBe(expected.encoding);
    if (expected.bom !== undefined) expect(file.bom).toBe(expected.bom);
    if (expected.delimiter) expect(file.dialect.delimiter).toBe(expected.delimiter);
    if (expected.lineEnding) expect(file.dialect.lineEnding).toBe(expected.lineEnding);
    if (expected.columns !== undefined) expect(file.header).toHaveLength(expected.columns);

    // No silent loss: every record counted by hand is read, and every rejected row is named by a row finding.
    expect(file.rows, 'rows read').toBe(expected.rows);
    expect(file.rejectedRows, 'rows rejected').toBe(expected.rejected);
    const found = totals(inspection);
    expect(found).toEqual(expected.findings);
    const namedRejections = REJECTING.reduce((n, code) => n + (found[code] ?? 0), 0);
    expect(namedRejections, 'each rejected row has its reason').toBe(file.rejectedRows);
    const dataset = inspection.datasets[0]!;
    expect(dataset.uniqueRows).toBe(file.rows - file.rejectedRows - dataset.duplicates.length);
    for (const [code, lines] of Object.entries(expected.findingLines ?? {})) {
      const examples = file.findings.filter((f) => f.code === code).flatMap((f) => f.exampleLines);
      expect([...new Set(examples)].sort((a, b) => a - b), code).toEqual(lines);
    }
    for (const f of file.findings) expect(f.message).toBe(FINDING_CODES[f.code].text);

    if (expected.lines || expected.cells) await checkRows(path, expected);
  });
});

async function checkRows(path: string, expected: Read): Promise<void> {
  const { header, rows } = await rowsOf(path);
  if (expected.lines) expect(rows.map((r) => r.line)).toEqual(expected.lines);
  for (const [line, column, value] of expected.cells ?? []) {
    const row = rows.find((r) => r.line === line);
    expect(row, `a row starts on line ${line}`).toBeDefined();
    const index = header.indexOf(column);
    expect(index, `column ${column}`).not.toBe(-1);
    expect(row!.cells[index], `line ${line}, ${column}`).toBe(value);
  }
}

describe('the whole corpus at once', () => {
  it('inspects every readable file and lists every other one as a failure: none missing, none thrown', async () => {
    const inspection = await withinTime(inspectExports([corpus.dir]), 60_000, 'inspecting the corpus folder');
    const read = inspection.files.map((f) => f.name);
    const failed = inspection.failures.map((f) => f.file);
    const exports = corpus.names.filter((n) => /\.(csv|tsv|txt)$/.test(n));
    expect([...read, ...failed].sort()).toEqual(exports);
    expect(read.sort()).toEqual(Object.entries(EXPECTED).filter(([, e]) => e.outcome === 'read').map(([n]) => n).sort());
  }, 60_000);
});

describe('rules the corpus exposed', () => {
  it('a calling code no country has (+999, +0, 1,000 digits) is an unparseable phone, not an exception', () => {
    for (const code of ['+999', '+0', `+${'1'.repeat(1000)}`]) expect(parseKartraPhone('2125550101', code)).toBeUndefined();
    expect(parseKartraPhone('2125550101', '+1')?.number).toBe('+12125550101');
  });

  it('an address holding a direction override or a control character is not an email', () => {
    for (const address of ['eve@example\u202E.com', 'eve\u2066@example.com', 'x@y.co\u0007', 'a\u0000b@example.com', 'ann\u001b[2J@example.com']) {
      expect(isEmail(address), JSON.stringify(address)).toBe(false);
    }
    expect(isEmail('renée@example.com')).toBe(true);
  });
});

describe('kartra-twenty inspect on hostile files: no stack trace, no hang, nothing that drives the terminal', () => {
  const cli = (name: string) => runCli(['inspect', join(corpus.dir, name)]);
  const clean = (text: string): void => {
    expect(text).not.toMatch(STACK);
    expect(text).not.toContain('internal error');
    // C0 (but tab and newline), DEL, C1 and bidirectional controls would drive or reorder the terminal
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  };

  it.each([
    ['csv-unbalanced-quote.csv', /^kartra-twenty: error: csv-unbalanced-quote\.csv:3: a quoted cell starting on this line is never closed/],
    ['bin-random-no-nul.csv', /^kartra-twenty: error: bin-random-no-nul\.csv: this is a binary file, not a CSV export/],
    ['enc-utf16le-no-bom.csv', /^kartra-twenty: error: enc-utf16le-no-bom\.csv: this looks like UTF-16 text without a byte-order mark/],
  ])('%s: one line naming the file, non-zero exit', (name, message) => {
    const result = cli(name);
    expect(result.signal, 'hung').toBeNull();
    expect(result.status).toBe(1);
    clean(`${result.stdout}${result.stderr}`);
    expect(outputLines(result)).toHaveLength(1);
    expect(result.stderr.trim()).toMatch(message);
  });

  it.each([
    ['leads-unknown-calling-code.csv', 'unparseable_phone'],
    ['inject-ansi-escapes.csv', 'leads'],
    ['text-rtl-zero-width.csv', 'duplicate_email'],
    ['header-10000-char-names.csv', 'leads'],
    ['inject-formula-cells.csv', 'formula_like'],
  ])('%s: inspected (exit 0), its control and direction characters shown as visible marks', (name, says) => {
    const result = cli(name);
    expect(result.signal, 'hung').toBeNull();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    clean(result.stdout);
    expect(result.stdout).toContain(says);
    expect(result.elapsedMs).toBeLessThan(CLI_TIMEOUT_MS);
  });

  it('the whole corpus folder: every unreadable file one line on stderr naming it, the rest reported, exit 1', () => {
    const result = runCli(['inspect', corpus.dir]);
    expect(result.signal, 'hung').toBeNull();
    expect(result.status).toBe(1);
    clean(`${result.stdout}${result.stderr}`);
    const errors = result.stderr.split('\n').filter((l) => l !== '');
    const failing = Object.entries(EXPECTED).filter(([, e]) => e.outcome === 'error').map(([n]) => n);
    expect(errors).toHaveLength(failing.length);
    for (const name of failing) expect(errors.filter((l) => l.startsWith(`kartra-twenty: error: ${name}`)), name).toHaveLength(1);
  }, 40_000);
});
