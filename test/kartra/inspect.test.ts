import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExportFileError, UserError } from '../../src/errors.js';
import { inspectFile } from '../../src/kartra/inspect-file.js';
import { inspectExports, listExportFiles } from '../../src/kartra/inspect.js';
import { edge, rejectionOf, tempDir, writeTemp } from '../helpers/edge.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

describe('inspectExports: datasets group files by kind', async () => {
  const inspection = await inspectExports([edge('kinds')]);
  const dataset = (kind: string) => inspection.datasets.find((d) => d.kind === kind);

  it('reads every file of the folder, in name order', () => {
    expect(inspection.failures).toEqual([]);
    expect(inspection.files.map((f) => f.name)).toEqual([
      'contact-list-email-name.csv',
      'contacts_kartra_09-06-2026_6a2803f884d5c.csv',
      'kartra-import-no-header.txt',
      'leads-label-header.csv',
      'products-unknown.csv',
      'report_all_transactions_09-06-2026_6a2803f8850a1.csv',
      'subscriptions_09-06-2026_6a2803f8851b2.csv',
    ]);
  });

  it('one dataset per kind, each listing its files', () => {
    expect(inspection.datasets.map((d) => [d.kind, d.files])).toEqual([
      ['contact-list', ['contact-list-email-name.csv', 'kartra-import-no-header.txt']],
      ['leads', ['contacts_kartra_09-06-2026_6a2803f884d5c.csv', 'leads-label-header.csv']],
      ['unknown', ['products-unknown.csv']],
      ['transactions', ['report_all_transactions_09-06-2026_6a2803f8850a1.csv']],
      ['subscriptions', ['subscriptions_09-06-2026_6a2803f8851b2.csv']],
    ]);
  });

  it('row counts add up per dataset: rows − rejected − duplicates = unique', () => {
    for (const d of inspection.datasets) {
      expect(d.rows, d.kind).toBe(inspection.files.filter((f) => d.files.includes(f.name)).reduce((n, f) => n + f.rows, 0));
      expect(d.uniqueRows, d.kind).toBe(d.rows - d.rejectedRows - d.duplicates.length);
    }
    expect(dataset('contact-list')).toMatchObject({ rows: 6, duplicates: [], uniqueRows: 6 });
    expect(dataset('transactions')).toMatchObject({ rows: 4, duplicates: [], uniqueRows: 4 });
    expect(dataset('subscriptions')).toMatchObject({ rows: 3, duplicates: [], uniqueRows: 3 });
    expect(dataset('unknown')).toMatchObject({ rows: 2, duplicates: [], uniqueRows: 2 });
  });

  it('duplicates are found across the files of one kind only', () => {
    // The same three people are in both leads files; the API export's join dates are older. Its first record
    // spans lines 2-3 (a bio with a line break), so its next records start on lines 4 and 5.
    const api = 'contacts_kartra_09-06-2026_6a2803f884d5c.csv';
    expect(dataset('leads')!.duplicates).toEqual([
      [2, 2],
      [3, 4],
      [4, 5],
    ].map(([line, winner]) => ({ file: 'leads-label-header.csv', line, key: 'email', duplicateOf: { file: api, line: winner } })));
    expect(dataset('leads')).toMatchObject({ rows: 6, uniqueRows: 3 });
  });

  it('each file reports what it is and how it reads', () => {
    const tx = inspection.files.find((f) => f.kind.kind === 'transactions')!;
    expect(tx).toMatchObject({ encoding: 'utf-8', bom: false, dialect: { delimiter: ',', lineEnding: 'LF', hasHeader: true }, rows: 4 });
    expect(tx.header).toHaveLength(57);
    expect(tx.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('inspectExports: files that cannot be read are failures, never silently left out', () => {
  it('each bad file becomes a failure with its reason; the good ones are still inspected', async () => {
    const inspection = await inspectExports([edge('bad'), edge('encoding/utf8-bom.csv')]);
    expect(inspection.files.map((f) => f.name)).toEqual(['utf8-bom.csv']);
    expect(inspection.failures.map((f) => f.file)).toEqual([
      'duplicate-header.csv',
      'empty.csv',
      'header-only.csv',
      'png-renamed.csv',
      'unterminated-quote.csv',
      'xlsx-renamed.csv',
    ]);
    for (const failure of inspection.failures) expect(failure.error.startsWith(`${failure.file}`)).toBe(true);
    expect(inspection.failures.find((f) => f.file === 'header-only.csv')!.error).toMatch(/has a header but no data rows/);
    expect(inspection.failures.find((f) => f.file === 'unterminated-quote.csv')!.error).toMatch(/^unterminated-quote\.csv:3: /);
  });

  it('inspectFile refuses a header-only file', async () => {
    const error = await rejectionOf(inspectFile(edge('bad/header-only.csv')));
    expect(error).toBeInstanceOf(ExportFileError);
    expect(error.message).toMatch(/^header-only\.csv: the file has a header but no data rows\. /);
  });
});

describe('listExportFiles', () => {
  it('expands a folder into its .csv/.tsv/.txt files, sorted, not recursively, skipping hidden files', async () => {
    const dir = join(tmp.dir, 'mixed');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    for (const name of ['b.csv', 'a.TXT', 'c.tsv', 'notes.md', '.hidden.csv', 'sub/deep.csv', 'd.CSV']) writeTemp(dir, name, 'email\n');
    expect((await listExportFiles([dir])).map((p) => p.slice(dir.length + 1))).toEqual(['a.TXT', 'b.csv', 'c.tsv', 'd.CSV']);
  });

  it('keeps a file given by name whatever its extension, and lists each file once', async () => {
    const file = writeTemp(tmp.dir, 'export.dat', 'email\n');
    expect(await listExportFiles([file, file])).toEqual([file]);
  });

  it('refuses a folder with no exports, naming it and saying what to do', async () => {
    const error = await rejectionOf(listExportFiles([edge('bad/no-exports')]));
    expect(error).toBeInstanceOf(ExportFileError);
    expect(error.message).toBe(`${edge('bad/no-exports')}: no export files (.csv, .tsv, .txt) in this folder. Put the CSV files downloaded from Kartra in it`);
  });

  it('refuses a missing path', async () => {
    const missing = join(tmp.dir, 'missing');
    const error = await rejectionOf(listExportFiles([missing]));
    expect(error).toBeInstanceOf(ExportFileError);
    expect(error.message).toBe(`${missing}: no such file or folder. Check the path and the file name`);
  });

  it('refuses no path at all', async () => {
    const error = await rejectionOf(listExportFiles([]));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(/^No export given\./);
  });
});

describe('files are told apart by path, not by name', () => {
  it('two folders each holding contacts.csv: one duplicate across them, reported once, under distinct names', async () => {
    const root = mkdtempSync(join(tmpdir(), 'same-names-'));
    for (const [folder, rows] of [
      ['jan', '1,a@x.com,2020-01-01 00:00:00\n2,b@x.com,2020-02-01 00:00:00\n'],
      ['feb', '3,c@x.com,2021-01-01 00:00:00\n4,B@X.com,2021-02-01 00:00:00\n'],
    ] as const) {
      mkdirSync(join(root, folder));
      writeFileSync(join(root, folder, 'contacts.csv'), `id,email,date_joined\n${rows}`);
    }
    const inspection = await inspectExports([join(root, 'jan'), join(root, 'feb')]);
    const names = inspection.files.map((f) => f.name);
    expect(new Set(names).size).toBe(2);
    const leads = inspection.datasets.find((d) => d.kind !== 'unknown')!;
    expect(leads.duplicates).toHaveLength(1);
    expect(leads.duplicates[0]).toMatchObject({ file: names[1], line: 3, key: 'email', duplicateOf: { file: names[0], line: 3 } });
    expect(leads.findingCounts.duplicate_email).toBe(1);
  });

  it('the same file named twice ("d/x.csv" and "d/./x.csv", or its folder too) is read once', async () => {
    const root = mkdtempSync(join(tmpdir(), 'same-file-'));
    writeFileSync(join(root, 'contacts.csv'), 'id,email\n1,a@x.com\n2,b@x.com\n');
    const inspection = await inspectExports([join(root, 'contacts.csv'), `${root}/./contacts.csv`, root]);
    expect(inspection.files).toHaveLength(1);
    expect(inspection.datasets[0]!.duplicates).toEqual([]);
  });
});
