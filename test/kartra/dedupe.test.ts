import { mkdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { DuplicateFinder, type Duplicate } from '../../src/kartra/dedupe.js';
import { inspectExports } from '../../src/kartra/inspect.js';
import { edge, tempDir, writeTemp } from '../helpers/edge.js';

const A = 'contacts_kartra_08-06-2026_6a2803f884d5a.csv';
const B = 'contacts_kartra_08-06-2026_6a2803f884d5b.csv';
const CHUNKS_EXPECTED: Duplicate[] = [
  // chunk a's 102 joined 2024, chunk b's 102 joined 2019: the older one, in the second chunk, wins
  { file: A, line: 3, key: 'id', duplicateOf: { file: B, line: 2 } },
  // Cleo@Example.com (2023) loses to cleo@example.com (2020) in the second chunk
  { file: A, line: 4, key: 'email', duplicateOf: { file: B, line: 3 } },
  // DAN@EXAMPLE.COM (2022) in the second chunk loses to dan@example.com (2020) in the first
  { file: B, line: 4, key: 'email', duplicateOf: { file: A, line: 5 } },
];

const byPosition = (a: Duplicate, b: Duplicate): number => a.file.localeCompare(b.file) || a.line - b.line;

const tmp = tempDir();
afterAll(tmp.cleanup);

describe('duplicates across the chunks of one leads export', () => {
  it('by id and by case-only-different email, the older date_joined winning wherever it is', async () => {
    const inspection = await inspectExports([edge('leads-two-chunks')]);
    expect(inspection.failures).toEqual([]);
    expect(inspection.files.map((f) => f.name)).toEqual([A, B]);
    expect(inspection.datasets).toHaveLength(1);
    const leads = inspection.datasets[0]!;
    expect(leads).toMatchObject({ kind: 'leads', files: [A, B], rows: 8, rejectedRows: 0, uniqueRows: 5 });
    expect([...leads.duplicates].sort(byPosition)).toEqual(CHUNKS_EXPECTED);
  });

  it('gives the same answer when the chunks are named in the other order', async () => {
    const inspection = await inspectExports([edge(`leads-two-chunks/${B}`), edge(`leads-two-chunks/${A}`)]);
    expect([...inspection.datasets[0]!.duplicates].sort(byPosition)).toEqual(CHUNKS_EXPECTED);
  });

  it('reports each duplicate in the file and at the line of the row that loses', async () => {
    const inspection = await inspectExports([edge('leads-two-chunks')]);
    const findings = (name: string) =>
      inspection.files
        .find((f) => f.name === name)!
        .findings.map((f) => [f.code, f.count, f.exampleLines, f.file])
        .sort();
    expect(findings(A)).toEqual([
      ['duplicate_email', 1, [4], A],
      ['duplicate_id', 1, [3], A],
    ]);
    expect(findings(B)).toEqual([['duplicate_email', 1, [4], B]]);
    expect(inspection.datasets[0]!.findingCounts).toEqual({ duplicate_id: 1, duplicate_email: 2 });
  });

  it('reads each chunk\'s slashed join dates in that chunk\'s own day/month order', async () => {
    const dir = `${tmp.dir}/slashed`;
    mkdirSync(dir);
    // Chunk 1 is day-first (25/12/2021 proves it): 02/03/2020 is 2 March 2020.
    writeTemp(dir, 'contacts_kartra_01-01-2026_0000000000001.csv', 'id,first_name,email,phone_country_code,date_joined\n1,Ann,ann@example.com,+1,02/03/2020\n2,Bob,bob@example.com,+1,25/12/2021\n');
    // Chunk 2: the same email joined 15 February 2020, before 2 March: it wins.
    writeTemp(dir, 'contacts_kartra_01-01-2026_0000000000002.csv', 'id,first_name,email,phone_country_code,date_joined\n3,Ann,ANN@example.com,+1,2020-02-15 00:00:00\n');
    const inspection = await inspectExports([dir]);
    expect(inspection.datasets[0]!.duplicates).toEqual([
      {
        file: 'contacts_kartra_01-01-2026_0000000000001.csv',
        line: 2,
        key: 'email',
        duplicateOf: { file: 'contacts_kartra_01-01-2026_0000000000002.csv', line: 2 },
      },
    ]);
  });

  it('rows without a join date lose to dated rows, and among themselves the first in file order wins', async () => {
    const path = writeTemp(
      tmp.dir,
      'undated.csv',
      'id,first_name,email,phone_country_code,date_joined\n1,Ann,ann@example.com,+1,\n2,Ann,ANN@example.com,+1,2024-01-01 00:00:00\n3,Bob,bob@example.com,+1,\n4,Bob,bob@example.com,+1,\n',
    );
    const inspection = await inspectExports([path]);
    expect([...inspection.datasets[0]!.duplicates].sort(byPosition)).toEqual([
      { file: 'undated.csv', line: 2, key: 'email', duplicateOf: { file: 'undated.csv', line: 3 } },
      { file: 'undated.csv', line: 5, key: 'email', duplicateOf: { file: 'undated.csv', line: 4 } },
    ]);
  });

  it('transactions are deduplicated by ID across files', async () => {
    const dir = `${tmp.dir}/tx`;
    mkdirSync(dir);
    const source = readFileSync(edge('kinds/report_all_transactions_09-06-2026_6a2803f8850a1.csv'), 'utf8').split('\n');
    writeTemp(dir, 'report_all_transactions_part1.csv', `${source.slice(0, 3).join('\n')}\n`); // header, 90001, 90002
    writeTemp(dir, 'report_all_transactions_part2.csv', `${[source[0], source[2], source[3]].join('\n')}\n`); // 90002 again, 90003
    const inspection = await inspectExports([dir]);
    expect(inspection.datasets).toEqual([
      expect.objectContaining({
        kind: 'transactions',
        rows: 4,
        uniqueRows: 3,
        duplicates: [{ file: 'report_all_transactions_part2.csv', line: 2, key: 'id', duplicateOf: { file: 'report_all_transactions_part1.csv', line: 3 } }],
      }),
    ]);
  });
});

describe('DuplicateFinder', () => {
  it('id is checked before email; a loser does not become a winner for its other key', () => {
    const finder = new DuplicateFinder();
    finder.add('f.csv', 2, '1', 'a@x.com', '2020-01-01 00:00:00');
    finder.add('f.csv', 3, '2', 'b@x.com', '2020-01-02 00:00:00');
    finder.add('f.csv', 4, '1', 'b@x.com', '2021-01-01 00:00:00'); // same id as line 2 and same email as line 3
    finder.add('f.csv', 5, '9', 'A@X.COM', '2022-01-01 00:00:00');
    expect(finder.duplicates()).toEqual([
      { file: 'f.csv', line: 4, key: 'id', duplicateOf: { file: 'f.csv', line: 2 } },
      { file: 'f.csv', line: 5, key: 'email', duplicateOf: { file: 'f.csv', line: 2 } },
    ]);
  });

  it('text ids (PayPal I-...) and numeric ids are keys', () => {
    const finder = new DuplicateFinder();
    finder.add('f.csv', 2, 'I-EV375R0H61SM', undefined, undefined);
    finder.add('f.csv', 3, 'I-EV375R0H61SM', undefined, undefined);
    finder.add('f.csv', 4, '42', undefined, undefined);
    finder.add('f.csv', 5, '42', undefined, undefined);
    finder.add('f.csv', 6, '43', undefined, undefined);
    expect(finder.duplicates()).toEqual([
      { file: 'f.csv', line: 3, key: 'id', duplicateOf: { file: 'f.csv', line: 2 } },
      { file: 'f.csv', line: 5, key: 'id', duplicateOf: { file: 'f.csv', line: 4 } },
    ]);
  });

  it('rows with neither an id nor an email are ignored', () => {
    const finder = new DuplicateFinder();
    finder.add('f.csv', 2, undefined, undefined, '2020-01-01');
    finder.add('f.csv', 3, '', '', '2020-01-01');
    expect(finder.duplicates()).toEqual([]);
  });

  it('absorb keeps rows, files and dates of another finder', () => {
    const a = new DuplicateFinder();
    a.add('a.csv', 2, '1', 'x@x.com', '2024-01-01 00:00:00');
    const b = new DuplicateFinder();
    b.add('b.csv', 7, '1', 'y@x.com', '2019-01-01 00:00:00');
    a.absorb(b);
    expect(a.duplicates()).toEqual([{ file: 'a.csv', line: 2, key: 'id', duplicateOf: { file: 'b.csv', line: 7 } }]);
  });
});
