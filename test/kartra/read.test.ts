import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExportFileError } from '../../src/errors.js';
import { TXT_IMPORT_COLUMNS } from '../../src/kartra/columns.js';
import { inspectFile } from '../../src/kartra/inspect-file.js';
import { MAX_RECORD_BYTES, openExport } from '../../src/kartra/read.js';
import { REPO_ROOT, edge, readExport, rejectionOf, tempDir, writeTemp } from '../helpers/edge.js';
import { openToOthers, runUnprivileged } from '../helpers/unprivileged.js';

const CHUNK = 64 * 1024;
const tmp = tempDir();
afterAll(tmp.cleanup);

describe('openExport + readRows: cells', () => {
  it('unquotes doubled quotes', async () => {
    const { rows } = await readExport(edge('dialect/doubled-quotes.csv'));
    expect(rows.map((r) => r.cells)).toEqual([
      ['ann@example.com', 'Ann "The Boss" Lee', 'She said "hi"'],
      ['bob@example.com', '"Bobby"', '"'],
    ]);
  });

  it('keeps "Acme, Inc." whole in a comma file', async () => {
    const { rows } = await readExport(edge('dialect/acme-inc-quoted-comma.csv'));
    expect(rows.map((r) => r.cells[1])).toEqual(['Acme, Inc.', 'Widgets, Ltd.']);
  });

  it('keeps quoted line breaks inside the cell, exactly as written', async () => {
    const { rows } = await readExport(edge('dialect/quoted-newlines-crlf.csv'));
    expect(rows.map((r) => r.cells[2])).toEqual(['one\r\ntwo', 'x\r\ny\r\nz', 'mixed\nLF', 'end']);
  });

  it('CRLF line endings leave no \\r in the cells', async () => {
    const { head, rows } = await readExport(edge('dialect/crlf-line-endings.csv'));
    expect(head.dialect.lineEnding).toBe('CRLF');
    expect(head.header).toEqual(['email', 'first_name']);
    expect(rows.map((r) => r.cells)).toEqual([
      ['ann@example.com', 'Ann'],
      ['bob@example.com', 'Bob'],
    ]);
  });

  it('cells are untrimmed; header names are trimmed; an empty name in the middle gets a synthetic name', async () => {
    const path = writeTemp(tmp.dir, 'spaces.csv', ' email ,,  name\n a@b.co , x ,  Ann  \n');
    const { head, rows } = await readExport(path);
    expect(head.header).toEqual(['email', '(unnamed column 2)', 'name']);
    expect(rows[0]!.cells).toEqual([' a@b.co ', ' x ', '  Ann  ']);
  });

  it('trailing empty columns are kept as unnamed columns and do not make rows ragged', async () => {
    const { head, rows } = await readExport(edge('dialect/trailing-empty-columns.csv'));
    expect(head.header).toEqual(['email', 'first_name', '(unnamed column 3)', '(unnamed column 4)']);
    expect(rows.map((r) => [r.cells, r.ragged, r.extra])).toEqual([
      [['ann@example.com', 'Ann', '', ''], false, []],
      [['bob@example.com', 'Bob', '', ''], false, []],
      [['cleo@example.com', 'Cleo', ' ', ''], false, []],
    ]);
  });

  it('data under an unnamed trailing header column is kept, and rows that leave that column out are not ragged', async () => {
    const path = writeTemp(tmp.dir, 'unnamed-trailing.csv', 'id,email,\n1,a@x.com,foo\n2,b@x.com\n3,c@x.com,,\n');
    const { head, rows } = await readExport(path);
    expect(head.header).toEqual(['id', 'email', '(unnamed column 3)']);
    expect(rows.map((r) => [r.cells, r.ragged])).toEqual([
      [['1', 'a@x.com', 'foo'], false],
      [['2', 'b@x.com', ''], false],
      [['3', 'c@x.com', ''], false],
    ]);
  });
});

describe('openExport + readRows: line numbers (physical start line, header = line 1)', () => {
  it('LF file with quoted newlines, including a blank line inside quotes', async () => {
    const { rows } = await readExport(edge('dialect/quoted-newlines-lf.csv'));
    expect(rows.map((r) => r.line)).toEqual([2, 4, 7]);
    expect(rows[1]!.cells[2]).toBe('A\n\nB');
  });

  it('CRLF file with CRLF inside quotes and blank lines before a record', async () => {
    const { rows } = await readExport(edge('dialect/quoted-newlines-crlf.csv'));
    expect(rows.map((r) => r.line)).toEqual([2, 6, 9, 11]);
  });

  it('blank lines in the middle and at the end are skipped but still counted as lines', async () => {
    const { rows } = await readExport(edge('dialect/blank-lines-middle-and-end.csv'));
    expect(rows.map((r) => [r.line, r.cells[1]])).toEqual([
      [2, 'Ann'],
      [5, 'Bob'],
      [6, 'Cleo'],
    ]);
  });

  it('blank lines before the header shift every line number', async () => {
    const path = writeTemp(tmp.dir, 'blank-before-header.csv', '\n\nemail,name\na@b.co,Ann\n\nc@d.co,Cid\n');
    const { head, rows } = await readExport(path);
    expect(head.header).toEqual(['email', 'name']);
    expect(rows.map((r) => r.line)).toEqual([4, 6]);
  });

  it('bare CR line endings', async () => {
    const path = writeTemp(tmp.dir, 'cr.csv', 'email,note\ra@b.co,"x\ry"\rc@d.co,z\r');
    const { head, rows } = await readExport(path);
    expect(head.dialect.lineEnding).toBe('CR');
    expect(rows.map((r) => [r.line, r.cells])).toEqual([
      [2, ['a@b.co', 'x\ry']],
      [4, ['c@d.co', 'z']],
    ]);
  });

  it('a blank record that spans lines (a quoted line break alone) still counts its lines', async () => {
    // Line 2-3 hold one quoted cell with only a line break in it; the next record starts on line 4.
    for (const [name, text] of [
      ['blank-multiline-1col.csv', 'email\n"\n"\na@b.co\n'],
      ['blank-multiline-2col.csv', 'email,name\n"\n"\na@b.co,Ann\n'],
    ] as const) {
      const { rows } = await readExport(writeTemp(tmp.dir, name, text));
      expect(rows.at(-1)!.line, name).toBe(4);
      expect(rows.at(-1)!.cells[0], name).toBe('a@b.co');
    }
  });

  it('header-less files start at line 1', async () => {
    const { rows } = await readExport(edge('kinds/kartra-import-no-header.txt'));
    expect(rows.map((r) => r.line)).toEqual([1, 2, 3]);
  });

  it.each([
    ['"\\r" is the last byte of a 64 KB chunk', CHUNK - 1],
    ['"\\n" is the last byte of a 64 KB chunk', CHUNK - 2],
  ])('a CRLF split across stream chunks is one line break (%s)', async (_what, crOffset) => {
    const header = 'email,note\r\n';
    const first = 'a@b.co,';
    const filler = 'x'.repeat(crOffset - header.length - first.length);
    const text = `${header}${first}${filler}\r\nc@d.co,two\r\ne@f.co,"three\r\nlines"\r\ng@h.co,four\r\n`;
    expect(Buffer.from(text).subarray(crOffset, crOffset + 2).toString()).toBe('\r\n');
    const { rows } = await readExport(writeTemp(tmp.dir, `crlf-split-${crOffset}.csv`, text));
    expect(rows.map((r) => [r.line, r.cells[0], r.ragged])).toEqual([
      [2, 'a@b.co', false],
      [3, 'c@d.co', false],
      [4, 'e@f.co', false],
      [6, 'g@h.co', false],
    ]);
  });
});

describe('openExport + readRows: ragged rows are reported, never dropped', () => {
  it('too many non-empty cells: ragged, with the extra cells, at its line', async () => {
    const { rows } = await readExport(edge('dialect/ragged-too-many-cells.csv'));
    expect(rows).toHaveLength(4);
    expect(rows.map((r) => [r.line, r.ragged, r.extra])).toEqual([
      [2, false, []],
      [3, true, ['extra', 'more']],
      [4, false, []], // ",," after the last column: a trailing delimiter, harmless
      [5, false, []],
    ]);
    expect(rows[1]!.cells).toEqual(['bob@example.com', 'Bob', 'Ray']);
  });

  it('too few cells: ragged, padded with empty cells, at its line', async () => {
    const { rows } = await readExport(edge('dialect/ragged-too-few-cells.csv'));
    expect(rows).toHaveLength(4);
    expect(rows.map((r) => [r.line, r.ragged, r.cells])).toEqual([
      [2, false, ['ann@example.com', 'Ann', 'Lee']],
      [3, true, ['bob@example.com', 'Bob', '']],
      [4, true, ['cleo@example.com', '', '']],
      [5, false, ['dan@example.com', 'Dan', 'Wu']],
    ]);
  });
});

describe('openExport: header-less and header detection', () => {
  it('names the columns of Kartra\'s TXT import format', async () => {
    const { head, rows } = await readExport(edge('kinds/kartra-import-no-header.txt'));
    expect(head.dialect.hasHeader).toBe(false);
    expect(head.header).toEqual([...TXT_IMPORT_COLUMNS]);
    expect(rows[0]!.cells).toEqual(['John', 'Smith', 'john.smith@example.com', 'Austin', '73301', 'TX', '5125550147']);
  });

  it('synthesises column_N names for another header-less width', async () => {
    const path = writeTemp(tmp.dir, 'no-header-3.csv', 'Ann,ann@example.com,42\nBob,bob@example.com,7\n');
    const { head, rows } = await readExport(path);
    expect(head.header).toEqual(['column_1', 'column_2', 'column_3']);
    expect(rows).toHaveLength(2);
  });

  it('reads a label-style leads header as written', async () => {
    const { head } = await readExport(edge('kinds/leads-label-header.csv'));
    expect(head.header).toEqual(['ID', 'First Name', 'Last Name', 'Email', 'Phone Country Code', 'Phone', 'Date Joined', 'Country', 'Tags']);
  });
});

describe('openExport: resources', () => {
  const openFiles = (): number => readdirSync(existsSync('/proc/self/fd') ? '/proc/self/fd' : '/dev/fd').length;

  it('opening a large export (> 256 KB) leaves no file descriptor open', async () => {
    const path = writeTemp(tmp.dir, 'large.csv', `email,name\n${'ann@example.com,Ann\n'.repeat(60_000)}`); // ~1.2 MB
    await openExport(path); // warm up: lazy module state, first-use handles
    const before = openFiles();
    for (let i = 0; i < 10; i++) await openExport(path);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // A leak of even one descriptor per call shows as 10 here; a long-running MCP server would run out of them.
    expect(openFiles() - before).toBeLessThanOrEqual(2);
  });

  it('inspecting a large export (what the CLI and the server do) leaves no file descriptor open', async () => {
    const path = writeTemp(tmp.dir, 'large-read.csv', `email,name\n${'ann@example.com,Ann\n'.repeat(60_000)}`);
    const before = openFiles();
    for (let i = 0; i < 3; i++) expect((await inspectFile(path)).rows).toBe(60_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(openFiles() - before).toBeLessThanOrEqual(2);
  });
});

describe('openExport: bad inputs are ExportFileErrors naming the file (and line) and what to do', () => {
  async function failure(path: string): Promise<ExportFileError> {
    const error = await rejectionOf(readExport(path));
    expect(error).toBeInstanceOf(ExportFileError);
    return error as ExportFileError;
  }

  it('empty file (0 bytes)', async () => {
    const e = await failure(edge('bad/empty.csv'));
    expect(e.message).toBe('empty.csv: the file is empty. Export it again from Kartra; the download may have been interrupted');
  });

  it('a file of blank lines only', async () => {
    const e = await failure(writeTemp(tmp.dir, 'blank.csv', '\n\r\n\n'));
    expect(e.message).toMatch(/^blank\.csv: .*no text/);
  });

  it('header only: opens, and has no rows', async () => {
    const { head, rows } = await readExport(edge('bad/header-only.csv'));
    expect(head.header).toEqual(['id', 'first_name', 'email', 'phone_country_code', 'date_joined']);
    expect(rows).toEqual([]);
  });

  it('PNG bytes renamed .csv', async () => {
    const e = await failure(edge('bad/png-renamed.csv'));
    expect(e.message).toMatch(/^png-renamed\.csv: this is a binary file, not a CSV export.*\. Use the CSV file downloaded from Kartra$/);
  });

  it('an .xlsx (zip) renamed .csv', async () => {
    const e = await failure(edge('bad/xlsx-renamed.csv'));
    expect(e.message).toMatch(/^xlsx-renamed\.csv: this is a zip archive or an Excel workbook \(\.xlsx\), not a CSV export\. /);
    expect(e.message).toContain('CSV UTF-8');
  });

  it('an unterminated quote names the line where the quoted cell starts', async () => {
    const e = await failure(edge('bad/unterminated-quote.csv'));
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/^unterminated-quote\.csv:3: a quoted cell starting on this line is never closed/);
  });

  it('an unterminated quote after blank lines and a multi-line cell still names its physical line', async () => {
    const path = writeTemp(tmp.dir, 'late-quote.csv', 'email,note\na@b.co,"two\nlines"\n\n\nc@d.co,"never closed\ne@f.co,x\n');
    const e = await failure(path);
    expect(e.line).toBe(6);
  });

  it('a header naming one column twice (case-insensitively) is refused at line 1', async () => {
    const e = await failure(edge('bad/duplicate-header.csv'));
    expect(e.line).toBe(1);
    expect(e.message).toMatch(/^duplicate-header\.csv:1: the header names column "Email" twice \(columns 1 and 3\)/);
  });

  it('a missing file', async () => {
    const e = await failure(join(tmp.dir, 'nope.csv'));
    expect(e.message).toBe('nope.csv: no such file or folder. Check the path and the file name');
  });

  it('a folder is not a file', async () => {
    const e = await failure(edge('bad/no-exports'));
    expect(e.message).toMatch(/^no-exports: not a regular file\. /);
  });

  it('a path whose parent is a file (ENOTDIR) is a user error, not a crash', async () => {
    const e = await failure(join(edge('bad/header-only.csv'), 'leads.csv'));
    expect(e.message).toMatch(/^leads\.csv: /);
  });

  it('an unreadable file (chmod 000) is refused with "permission denied", checked as an unprivileged user', () => {
    // Root reads a chmod 000 file anyway, so the probe runs as the current user if it is not root, else as nobody.
    const dir = join(tmp.dir, 'locked');
    mkdirSync(dir);
    openToOthers(tmp.dir);
    openToOthers(dir);
    const path = writeTemp(dir, 'locked.csv', 'email,name\na@b.co,Ann\n');
    chmodSync(path, 0o000);
    const probe = runUnprivileged(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test/helpers/open-export-probe.ts'), path], { cwd: REPO_ROOT });
    expect(probe.stderr).toBe('');
    expect(JSON.parse(probe.stdout)).toEqual({
      ok: false,
      name: 'ExportFileError',
      message: 'locked.csv: permission denied: the file cannot be read. Give your user read access to the file',
    });
    // The same probe on a readable file succeeds, so the failure above is the permission and nothing else.
    chmodSync(path, 0o644);
    const readable = runUnprivileged(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test/helpers/open-export-probe.ts'), path], { cwd: REPO_ROOT });
    expect(JSON.parse(readable.stdout)).toEqual({ ok: true, header: ['email', 'name'], rows: 1 });
  });

  it('a 100 MB single-line file is refused quickly at line 1, not read into memory', async () => {
    const path = join(tmp.dir, 'one-line-100mb.csv');
    const fd = openSync(path, 'w');
    const block = Buffer.alloc(1024 * 1024, 'abcdefgh,'); // commas, no line break anywhere
    for (let i = 0; i < 100; i++) writeSync(fd, block);
    closeSync(fd);
    const started = Date.now();
    const e = await failure(path);
    expect(e.line).toBe(1);
    expect(e.message).toMatch(
      new RegExp(`^one-line-100mb\\.csv:1: a record starting on this line is longer than ${MAX_RECORD_BYTES / 1024 / 1024} MB`),
    );
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 30_000);

  it('a 100 MB file that opens a quote on line 2 and never closes it is refused at line 2', async () => {
    const path = join(tmp.dir, 'open-quote-100mb.csv');
    const fd = openSync(path, 'w');
    writeSync(fd, 'email,note\na@b.co,"');
    const block = Buffer.alloc(1024 * 1024, 'x');
    for (let i = 0; i < 100; i++) writeSync(fd, block);
    closeSync(fd);
    const e = await failure(path);
    expect(e.line).toBe(2);
    expect(e.message).toMatch(/^open-quote-100mb\.csv:2: /);
  }, 30_000);
});

describe('rows without data', () => {
  it('a line of delimiters only (",,") is a blank line, not a lead without an email', async () => {
    const path = writeTemp(tmp.dir, 'blank-delimiters.csv', 'email,name\na@b.co,Ann\n,\n ,  \nc@d.co,Cid\n');
    const { rows } = await readExport(path);
    expect(rows.map((r) => [r.line, r.cells[0]])).toEqual([
      [2, 'a@b.co'],
      [5, 'c@d.co'],
    ]);
  });
});
