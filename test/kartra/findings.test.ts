import { afterAll, describe, expect, it } from 'vitest';
import { FINDING_CODES, FindingCollector, MAX_EXAMPLE_LINES, countByCode, type Finding, type FindingCode } from '../../src/kartra/findings.js';
import { inspectFile } from '../../src/kartra/inspect-file.js';
import { inspectExports } from '../../src/kartra/inspect.js';
import { edge, tempDir, writeTemp } from '../helpers/edge.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

type Expected = { code: FindingCode; column?: string; count: number; lines: number[] };

/** fixtures/edge/findings/leads-every-finding.csv: one or two of every finding, at known lines. */
const EVERY_FINDING: Expected[] = [
  { code: 'missing_email', count: 2, lines: [3, 4] },
  { code: 'invalid_email', count: 1, lines: [5] },
  { code: 'duplicate_email', count: 1, lines: [6] },
  { code: 'duplicate_id', count: 1, lines: [8] },
  { code: 'unparseable_phone', count: 2, lines: [9, 10] },
  { code: 'excel_scientific', column: 'phone', count: 1, lines: [10] },
  { code: 'zip_lost_zero', column: 'zip', count: 1, lines: [11] },
  { code: 'placeholder', column: 'email', count: 1, lines: [4] },
  { code: 'placeholder', column: 'zip', count: 1, lines: [12] },
  { code: 'zero_date', column: 'date_joined', count: 1, lines: [13] },
  { code: 'unparseable_date', column: 'date_joined', count: 1, lines: [14] },
  { code: 'formula_like', column: 'first_name', count: 1, lines: [15] },
  { code: 'blacklisted', count: 1, lines: [16] },
  { code: 'test_mode_email', count: 1, lines: [17] },
  { code: 'over_255', column: 'notes', count: 1, lines: [18] },
  { code: 'mojibake', column: 'first_name', count: 1, lines: [19] },
  { code: 'ragged_row', count: 1, lines: [20] },
  { code: 'invalid_utf8', column: 'first_name', count: 1, lines: [21] },
];

function sorted(findings: Expected[]): Expected[] {
  return [...findings].sort((a, b) => `${a.code} ${a.column ?? ''}`.localeCompare(`${b.code} ${b.column ?? ''}`));
}

function summary(findings: Finding[]): Expected[] {
  return sorted(
    findings.map((f) => ({ code: f.code, ...(f.column === undefined ? {} : { column: f.column }), count: f.count, lines: f.exampleLines })),
  );
}

describe('every finding code, with its count and example lines', async () => {
  const inspection = await inspectExports([edge('findings/leads-every-finding.csv')]);
  const file = inspection.files[0]!;

  it('the fixture exercises every code findings.ts defines', () => {
    expect(new Set(file.findings.map((f) => f.code))).toEqual(new Set(Object.keys(FINDING_CODES)));
  });

  it('reports exactly the expected findings', () => {
    expect(summary(file.findings)).toEqual(sorted(EVERY_FINDING));
  });

  it.each(EVERY_FINDING)('$code $column: count $count at lines $lines', ({ code, column, count, lines }) => {
    const finding = file.findings.find((f) => f.code === code && f.column === column);
    expect(finding).toBeDefined();
    expect(finding!.count).toBe(count);
    expect(finding!.exampleLines).toEqual(lines);
    expect(finding!.severity).toBe(FINDING_CODES[code].severity);
    expect(finding!.message).toBe(FINDING_CODES[code].text);
    expect(finding!.file).toBe('leads-every-finding.csv');
  });

  it('counts rows and rejected rows (missing email, invalid email, ragged)', () => {
    expect(file.rows).toBe(20);
    expect(file.rejectedRows).toBe(4);
    expect(inspection.datasets).toEqual([
      expect.objectContaining({ kind: 'leads', rows: 20, rejectedRows: 4, uniqueRows: 14 }),
    ]);
  });

  it('dataset totals per code', () => {
    const totals = countByCode(file.findings);
    expect(totals.placeholder).toBe(2);
    expect(totals.missing_email).toBe(2);
    expect(inspection.datasets[0]!.findingCounts).toEqual(totals);
  });
});

describe('findings in other fixtures', () => {
  it('mojibake per column', async () => {
    const file = await inspectFile(edge('encoding/mojibake-jose.csv'));
    expect(summary(file.findings)).toEqual([
      { code: 'mojibake', column: 'first_name', count: 1, lines: [2] },
      { code: 'mojibake', column: 'last_name', count: 2, lines: [2, 4] },
    ]);
  });

  it('N/A placeholders in a transactions export', async () => {
    const file = await inspectFile(edge('kinds/report_all_transactions_09-06-2026_6a2803f8850a1.csv'));
    expect(summary(file.findings)).toEqual([{ code: 'placeholder', column: 'subscription_id', count: 2, lines: [4, 5] }]);
    expect(file.rejectedRows).toBe(0);
  });

  it('ragged rows are findings and rejected rows, and still counted as rows', async () => {
    const many = await inspectFile(edge('dialect/ragged-too-many-cells.csv'));
    expect(many.rows).toBe(4);
    expect(many.rejectedRows).toBe(1);
    expect(summary(many.findings)).toEqual([{ code: 'ragged_row', count: 1, lines: [3] }]);
    const few = await inspectFile(edge('dialect/ragged-too-few-cells.csv'));
    expect(few.rows).toBe(4);
    expect(summary(few.findings)).toEqual([{ code: 'ragged_row', count: 2, lines: [3, 4] }]);
  });

  it('clean fixtures have no findings', async () => {
    for (const fixture of ['encoding/utf8-bom.csv', 'encoding/windows-1252.csv', 'kinds/kartra-import-no-header.txt', 'kinds/leads-label-header.csv']) {
      expect((await inspectFile(edge(fixture))).findings, fixture).toEqual([]);
    }
  });

  it('cells beyond the header are checked too, under "(beyond the header)"', async () => {
    const path = writeTemp(tmp.dir, 'beyond.csv', 'email,name\na@b.co,Ann,=cmd()\n');
    const file = await inspectFile(path);
    expect(summary(file.findings)).toEqual([
      { code: 'formula_like', column: '(beyond the header)', count: 1, lines: [2] },
      { code: 'ragged_row', count: 1, lines: [2] },
    ]);
  });

  it('a finding seen more than five times keeps its full count and its first five lines', async () => {
    const rows = Array.from({ length: 9 }, (_, i) => `u${i}@example.com,N/A`);
    const file = await inspectFile(writeTemp(tmp.dir, 'many-placeholders.csv', `email,city\n${rows.join('\n')}\n`));
    expect(summary(file.findings)).toEqual([{ code: 'placeholder', column: 'city', count: 9, lines: [2, 3, 4, 5, 6] }]);
  });

  it('the header-less TXT format is checked as leads (missing and invalid emails rejected)', async () => {
    const path = writeTemp(tmp.dir, 'import.txt', 'Ann,Lee,ann@example.com,Austin,73301,TX,5125550147\nBob,Ray,,Miami,33101,FL,3055550123\nCid,Roe,cid@,Reno,89501,NV,7755550100\n');
    const file = await inspectFile(path);
    expect(file.rows).toBe(3);
    expect(file.rejectedRows).toBe(2);
    expect(summary(file.findings)).toEqual([
      { code: 'invalid_email', count: 1, lines: [3] },
      { code: 'missing_email', count: 1, lines: [2] },
    ]);
  });

  it('a 4-digit ZIP outside the US is not a lost zero', async () => {
    const path = writeTemp(tmp.dir, 'au-zip.csv', 'email,first_name,zip,country\na@b.co,Ann,2000,Australia\nc@d.co,Cid,2134,United States\n');
    const file = await inspectFile(path);
    expect(summary(file.findings)).toEqual([{ code: 'zip_lost_zero', column: 'zip', count: 1, lines: [3] }]);
  });
});

describe('FindingCollector', () => {
  it('counts per code and column, keeps five lines, lists in the order of FINDING_CODES', () => {
    const c = new FindingCollector('f.csv');
    for (let line = 2; line < 12; line++) c.add('placeholder', line, 'city');
    c.add('placeholder', 40, 'zip');
    c.add('missing_email', 7);
    c.addCounted('unparseable_date', 3, [9, 10, 11, 12, 13, 14], 'date_joined');
    c.addCounted('unparseable_date', 0, [], 'other');
    const list = c.list();
    expect(list.map((f) => [f.code, f.column, f.count, f.exampleLines])).toEqual([
      ['missing_email', undefined, 1, [7]],
      ['placeholder', 'city', 10, [2, 3, 4, 5, 6]],
      ['placeholder', 'zip', 1, [40]],
      ['unparseable_date', 'date_joined', 3, [9, 10, 11, 12, 13]],
    ]);
    expect(list.every((f) => f.file === 'f.csv')).toBe(true);
    expect(MAX_EXAMPLE_LINES).toBe(5);
  });

  it('countByCode sums over files and columns', () => {
    const a = new FindingCollector('a.csv');
    a.add('placeholder', 2, 'x');
    a.add('placeholder', 3, 'y');
    const b = new FindingCollector('b.csv');
    b.add('placeholder', 2, 'x');
    b.add('ragged_row', 5);
    expect(countByCode([...a.list(), ...b.list()])).toEqual({ placeholder: 3, ragged_row: 1 });
  });
});
