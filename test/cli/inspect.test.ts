import { chmodSync, closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Inspection } from '../../src/kartra/inspect.js';
import { CLI_TIMEOUT_MS, outputLines, runCli, type CliResult } from '../helpers/cli.js';
import { edge, tempDir, writeTemp } from '../helpers/edge.js';
import { openToOthers } from '../helpers/unprivileged.js';

const tmp = tempDir('kartra-cli-');
afterAll(() => {
  chmodSync(tmp.dir, 0o755);
  tmp.cleanup();
});

/** A clean failure: non-zero exit, no hang, exactly one line of output, the expected message, no stack trace. */
function expectOneLineError(result: CliResult, message: RegExp): string {
  expect(result.signal, 'the CLI was killed: it hung').toBeNull();
  expect(result.status).not.toBe(0);
  expect(result.status).not.toBeNull();
  const all = `${result.stdout}${result.stderr}`;
  expect(all).not.toMatch(/^\s+at /m);
  expect(all).not.toContain('internal error');
  const lines = outputLines(result);
  expect(lines, all).toHaveLength(1);
  expect(lines[0]).toMatch(message);
  return lines[0]!;
}

describe('kartra-twenty inspect <bad input>: one clear line, non-zero exit, no stack trace, no hang', () => {
  it.each([
    ['an empty file', 'bad/empty.csv', /empty\.csv: the file is empty\. Export it again from Kartra/],
    ['a header-only file', 'bad/header-only.csv', /header-only\.csv: the file has a header but no data rows\. Export it again/],
    ['PNG bytes renamed .csv', 'bad/png-renamed.csv', /png-renamed\.csv: this is a binary file, not a CSV export.*\. Use the CSV file downloaded from Kartra/],
    ['an .xlsx renamed .csv', 'bad/xlsx-renamed.csv', /xlsx-renamed\.csv: this is a zip archive or an Excel workbook.*\. Open it in Excel and save it as "CSV UTF-8"/],
    ['an unterminated quote', 'bad/unterminated-quote.csv', /unterminated-quote\.csv:3: a quoted cell starting on this line is never closed.*\. Open the file in a text editor/],
    ['a header naming a column twice', 'bad/duplicate-header.csv', /duplicate-header\.csv:1: the header names column "Email" twice.*\. Rename one/],
    ['a folder with no exports', 'bad/no-exports', /bad\/no-exports: no export files \(\.csv, \.tsv, \.txt\) in this folder\. Put the CSV files/],
    ['a missing file', 'bad/missing.csv', /bad\/missing\.csv: no such file or folder\. Check the path/],
  ])('%s', (_what, fixture, message) => {
    expectOneLineError(runCli(['inspect', edge(fixture)]), message);
  });

  it('a path whose parent is a file (ENOTDIR)', () => {
    expectOneLineError(runCli(['inspect', join(edge('bad/header-only.csv'), 'leads.csv')]), /header-only\.csv\/leads\.csv: .*\. Check the path/);
  });

  it('a 100 MB single-line file: refused at line 1, quickly', () => {
    const path = join(tmp.dir, 'huge-line.csv');
    const fd = openSync(path, 'w');
    const block = Buffer.alloc(1024 * 1024, 'x');
    for (let i = 0; i < 100; i++) writeSync(fd, block);
    closeSync(fd);
    const result = runCli(['inspect', path]);
    expectOneLineError(result, /huge-line\.csv:1: a record starting on this line is longer than \d+ MB.*\. Check the line/);
    expect(result.elapsedMs).toBeLessThan(CLI_TIMEOUT_MS);
  }, 40_000);

  it('an unreadable file (chmod 000), run as a user that permissions apply to', () => {
    // As root, chmod 000 stops nothing, so the CLI runs as nobody (see test/helpers/unprivileged.ts).
    const dir = join(tmp.dir, 'locked-file');
    mkdirSync(dir);
    openToOthers(tmp.dir);
    openToOthers(dir);
    const path = writeTemp(dir, 'locked.csv', 'email,name\na@b.co,Ann\n');
    chmodSync(path, 0o000);
    expectOneLineError(runCli(['inspect', path], { unprivileged: true }), /locked\.csv: permission denied.*\. Give your user read access/);
    chmodSync(path, 0o644); // and the same file, once readable, inspects fine as that user
    expect(runCli(['inspect', path], { unprivileged: true }).status).toBe(0);
  });

  it('an unreadable folder (chmod 000), run as a user that permissions apply to', () => {
    const dir = join(tmp.dir, 'locked-folder');
    mkdirSync(dir);
    writeTemp(dir, 'leads.csv', 'email,name\na@b.co,Ann\n');
    openToOthers(tmp.dir);
    chmodSync(dir, 0o000);
    try {
      expectOneLineError(runCli(['inspect', dir], { unprivileged: true }), /locked-folder: .*permission denied.*\. Give your user read access/);
    } finally {
      chmodSync(dir, 0o755);
    }
  });

  it('no path at all', () => {
    expectOneLineError(runCli(['inspect']), /No export given\. Name one or more Kartra CSV files or folders\./);
  });

  it('an unknown option', () => {
    const line = expectOneLineError(runCli(['inspect', '--bogus', edge('encoding/utf8-bom.csv')]), /Unknown option '--bogus'/);
    expect(line.startsWith('kartra-twenty: ')).toBe(true);
  });

  it('a bad file\'s error goes to stderr (errors.ts: "CLI: one line on stderr"), not into the report on stdout', () => {
    const result = runCli(['inspect', edge('bad/empty.csv')]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/empty\.csv: the file is empty\./);
    expect(result.stdout).not.toMatch(/empty\.csv: the file is empty\./);
  });

  it('a folder with good and bad files: reports the good ones, names each bad one, exits non-zero', () => {
    const result = runCli(['inspect', edge('bad'), edge('encoding/utf8-bom.csv')]);
    expect(result.status).not.toBe(0);
    const all = `${result.stdout}${result.stderr}`;
    expect(all).toContain('utf8-bom.csv');
    for (const name of ['duplicate-header.csv', 'empty.csv', 'header-only.csv', 'png-renamed.csv', 'unterminated-quote.csv', 'xlsx-renamed.csv']) {
      expect(all.split('\n').filter((l) => l.includes(`${name}`) && /error/i.test(l)), name).toHaveLength(1);
    }
    expect(all).not.toMatch(/^\s+at /m);
  });
});

describe('kartra-twenty inspect --json', () => {
  it('prints JSON that parses, for a folder of exports', () => {
    const result = runCli(['inspect', '--json', edge('leads-two-chunks')]);
    expect(result.status).toBe(0);
    const inspection = JSON.parse(result.stdout) as Inspection;
    expect(inspection.files.map((f) => f.name)).toEqual([
      'contacts_kartra_08-06-2026_6a2803f884d5a.csv',
      'contacts_kartra_08-06-2026_6a2803f884d5b.csv',
    ]);
    expect(inspection.datasets).toEqual([expect.objectContaining({ kind: 'leads', rows: 8, uniqueRows: 5 })]);
    expect(inspection.datasets[0]!.duplicates).toHaveLength(3);
    expect(inspection.failures).toEqual([]);
  });

  it.each([
    ['bad/empty.csv', /^empty\.csv: the file is empty\./],
    ['bad/png-renamed.csv', /^png-renamed\.csv: this is a binary file/],
    ['bad/unterminated-quote.csv', /^unterminated-quote\.csv:3: /],
  ])('prints JSON that parses for a bad file (%s), with the failure in it', (fixture, message) => {
    const result = runCli(['inspect', '--json', edge(fixture)]);
    expect(result.status).not.toBe(0);
    expect(result.stdout).not.toMatch(/^\s+at /m);
    const inspection = JSON.parse(result.stdout) as Inspection;
    expect(inspection.files).toEqual([]);
    expect(inspection.failures).toHaveLength(1);
    expect(inspection.failures[0]!.error).toMatch(message);
  });

  it('prints JSON for every kind of export in one run', () => {
    const result = runCli(['inspect', '--json', edge('kinds'), edge('findings'), edge('profile')]);
    expect(result.status).toBe(0);
    const inspection = JSON.parse(result.stdout) as Inspection;
    expect(new Set(inspection.datasets.map((d) => d.kind))).toEqual(new Set(['contact-list', 'leads', 'unknown', 'transactions', 'subscriptions']));
  });
});

describe('kartra-twenty inspect <good input>', () => {
  it('prints each file, its columns, findings and the datasets, and exits 0', () => {
    const result = runCli(['inspect', edge('leads-two-chunks')]);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('contacts_kartra_08-06-2026_6a2803f884d5a.csv');
    expect(result.stdout).toMatch(/kind leads \(confidence/);
    expect(result.stdout).toMatch(/duplicate_id/);
    expect(result.stdout).toMatch(/^\s+leads\s+2\s+8\s+0\s+3\s+5\s*$/m);
  });

  it('shows cell text from exports as inert text: line breaks and control characters are escaped', () => {
    const path = writeTemp(tmp.dir, 'control.csv', 'email,name\na@b.co,"Ann\nLee\u001b[31m"\nc@d.co,Cid\n');
    const result = runCli(['inspect', path]);
    expect(result.status).toBe(0);
    expect(result.stdout).not.toContain('\u001b');
    expect(result.stdout).toContain('"Ann\\nLee\\u001b[31m"');
  });
});
