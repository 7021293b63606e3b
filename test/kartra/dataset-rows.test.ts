import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDatasetRows } from '../../src/kartra/dataset-rows.js';
import { inspectExports } from '../../src/kartra/inspect.js';

function exportsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dataset-rows-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

async function order(dir: string): Promise<string[]> {
  const { files } = await inspectExports([dir]);
  const ids: string[] = [];
  for await (const row of readDatasetRows(files)) ids.push(row.cells[0]!);
  return ids;
}

const HEADER = 'id,email,date_joined\n';

describe('reading a chunked export as one dataset', () => {
  it('merges chunks oldest first by join date, undated rows last in file order', async () => {
    const dir = exportsDir({
      'contacts_kartra_01-01-2026_aaaaaaaaaaaaa.csv': `${HEADER}1,a@x.com,2020-01-01 00:00:00\n2,b@x.com,2022-01-01 00:00:00\n6,f@x.com,\n`,
      'contacts_kartra_01-01-2026_bbbbbbbbbbbbb.csv': `${HEADER}3,c@x.com,2019-01-01 00:00:00\n4,d@x.com,2021-01-01 00:00:00\n5,e@x.com,\n`,
    });
    expect(await order(dir)).toEqual(['3', '1', '4', '2', '6', '5']);
  });

  it('sorts a chunk whose rows are not oldest first, reading its slashed dates in the column\'s order', async () => {
    const dir = exportsDir({
      // 13/02/2021 proves the column is day-first, so 01/03/2021 is the 1st of March, after 13 February.
      'contacts_kartra_01-01-2026_ccccccccccccc.csv': `${HEADER}1,a@x.com,01/03/2021\n2,b@x.com,13/02/2021\n3,c@x.com,2020-05-05 00:00:00\n`,
    });
    const { files } = await inspectExports([dir]);
    expect(files[0]!.joinOrder).toBe('unordered');
    expect(await order(dir)).toEqual(['3', '2', '1']);
  });

  it('keeps every row, ragged ones included, so none is lost on the way to the migration', async () => {
    const dir = exportsDir({
      'contacts_kartra_01-01-2026_ddddddddddddd.csv': `${HEADER}1,a@x.com,2020-01-01 00:00:00\n2,b@x.com\n3,c@x.com,2021-01-01 00:00:00,extra\n`,
    });
    const { files } = await inspectExports([dir]);
    const rows = [];
    for await (const row of readDatasetRows(files)) rows.push(row);
    expect(rows.map((r) => [r.cells[0], r.ragged])).toEqual([
      ['1', false],
      ['3', true],
      ['2', true],
    ]);
  });
});

describe('large and interrupted dataset reads', () => {
  it('sorts a file far larger than one in-memory run (45,000 rows, shuffled dates) through temporary runs', async () => {
    const rows: string[] = [];
    const count = 45_000;
    for (let i = 0; i < count; i++) {
      const day = (i * 7919) % count; // a permutation of 0..count-1: every date once, in scrambled order
      const date = new Date(Date.UTC(2000, 0, 1) + day * 3_600_000).toISOString().replace('T', ' ').slice(0, 19);
      rows.push(`${day},p${i}@x.com,${date}`);
    }
    const dir = exportsDir({ 'contacts_kartra_01-01-2026_eeeeeeeeeeeee.csv': `${HEADER}${rows.join('\n')}\n` });
    const before = new Set(readdirSync(tmpdir()).filter((n) => n.startsWith('kartra-sort-')));
    const { files } = await inspectExports([dir]);
    expect(files[0]!.joinOrder).toBe('unordered');
    let expected = 0;
    for await (const row of readDatasetRows(files)) {
      expect(row.cells[0]).toBe(String(expected));
      expected++;
    }
    expect(expected).toBe(count);
    const after = readdirSync(tmpdir()).filter((n) => n.startsWith('kartra-sort-') && !before.has(n));
    expect(after).toEqual([]); // the spilled runs are gone
  });

  it('closes every file when the reader stops early', async () => {
    const big = Array.from({ length: 30_000 }, (_, i) => `${i},q${i}@x.com,2020-01-01 00:00:00`).join('\n');
    const dir = exportsDir({
      'contacts_kartra_01-01-2026_fffffffffffff.csv': `${HEADER}${big}\n`,
      'contacts_kartra_01-01-2026_ggggggggggggg.csv': `${HEADER}${big.replaceAll('@x.com', '@y.com')}\n`,
    });
    const { files } = await inspectExports([dir]);
    const openFiles = (): number => readdirSync('/proc/self/fd').length;
    const baseline = openFiles();
    for (let i = 0; i < 20; i++) {
      for await (const _row of readDatasetRows(files)) break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(openFiles()).toBeLessThanOrEqual(baseline + 2);
  });
});

describe('slashed and dotted join dates', () => {
  it('a mostly ISO column with one day-first date sorts that date where it belongs', async () => {
    const dir = exportsDir({
      'contacts_kartra_01-01-2026_hhhhhhhhhhhhh.csv': `${HEADER}1,a@x.com,2026-01-01 00:00:00\n2,b@x.com,25/03/2026\n3,c@x.com,2027-01-01 00:00:00\n`,
    });
    expect(await order(dir)).toEqual(['1', '2', '3']);
  });

  it('dotted day-first dates (13.01.2024) are read in the column\'s order, not as month-first', async () => {
    const dir = exportsDir({
      'contacts_kartra_01-01-2026_iiiiiiiiiiiii.csv': `${HEADER}1,a@x.com,01.02.2024\n2,b@x.com,03.01.2024\n3,c@x.com,13.01.2024\n`,
    });
    const { files } = await inspectExports([dir]);
    expect(files[0]!.columns[2]!.dateOrder).toBe('day-first');
    expect(files[0]!.joinOrder).toBe('unordered');
    // 3 January, 13 January, 1 February
    expect(await order(dir)).toEqual(['2', '3', '1']);
  });
});
