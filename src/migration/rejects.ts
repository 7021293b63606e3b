/**
 * rejects.csv: every source row a migration skipped or failed, with its original values and the reason, in a file a
 * person opens in Excel, Google Sheets or Numbers to fix the rows and import them again.
 *
 * One header row must name every column, but rows arrive one at a time from several datasets whose headers differ, and
 * a rejects file may hold 100,000 rows. So the writer spools each row to a JSON-lines file beside the destination as it
 * arrives (keeping only the union of headers in memory), and writes the CSV on close, reading the spool back as a
 * stream. Taking the headers up front was the other choice; it was not taken because rejects come from several stages
 * (transform, import, reconciliation) that do not know every header of every dataset, and chunk files of one export
 * may spell their columns differently. The CSV is written aside and renamed, so a reader never sees half of one.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { UserError } from '../errors.js';

export type RejectRow = {
  /** The dataset the row belongs to (leads, transactions, ...). */
  dataset: string;
  /** The export file, as reports name it. */
  file: string;
  /** The physical line where the record starts (the header is line 1). */
  line: number;
  outcome: 'skipped' | 'failed';
  /** Why, in words a person can act on. */
  reason: string;
  /** The original row, header → cell, as read from the export. Untrusted data. */
  values: Record<string, string>;
};

export const REJECTS_FIXED_COLUMNS: readonly string[] = Object.freeze(['dataset', 'file', 'line', 'outcome', 'reason']);

/**
 * Neutralises a cell a spreadsheet would run as a formula (OWASP "CSV Injection"): a cell whose first character,
 * after any leading white space, is = + - @ TAB or CR gets a leading apostrophe, so it is shown as text. Nothing else
 * about the cell changes. Spreadsheets skip leading spaces before deciding a cell is a formula, hence "after white
 * space". The full-width = + - @ are included because Numbers folds them to their ASCII forms (csv-stringify's
 * `escape_formulas` found the same by testing).
 *
 * This is deliberately blunt: "+1 555 0100" and "-49.00" get the apostrophe too. A phone like "+1-555-0100" is
 * exactly what Excel would compute (to −654) and show damaged, and a rejects file is for reading and fixing rows, not
 * for arithmetic, so showing every such value as the text it was is the intended outcome.
 */
export function neutralizeFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}
const FORMULA_START = /^\s*[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** A spooled row: its fixed columns, then [header index, value] pairs (a row holds only the columns it had). */
type Spooled = [dataset: string, file: string, line: number, outcome: string, reason: string, values: [number, string][]];

const OUTCOMES = new Set(['skipped', 'failed']);

export class RejectsWriter {
  private readonly headers: string[] = [];
  private readonly headerIndex = new Map<string, number>();
  private rows = 0;
  private state: 'open' | 'closing' | 'closed' = 'open';
  private failure: Error | undefined;

  private constructor(
    private readonly path: string,
    private readonly spoolPath: string,
    private readonly spool: WriteStream,
  ) {
    spool.on('error', (error) => {
      this.failure ??= error;
    });
  }

  /** Starts a rejects file at `path` (written on close). Fails now, not at the end, when the folder is not writable. */
  static async open(path: string): Promise<RejectsWriter> {
    const spoolPath = `${path}.${process.pid}.${randomUUID()}.rows.jsonl`;
    const spool = createWriteStream(spoolPath, { flags: 'wx', mode: 0o600, encoding: 'utf8' });
    try {
      await once(spool, 'open');
    } catch (error) {
      throw cannotWrite(path, error);
    }
    return new RejectsWriter(path, spoolPath, spool);
  }

  /** Adds one row; waits when the spool is behind, so memory stays flat however many rows come. */
  async add(row: RejectRow): Promise<void> {
    if (this.state !== 'open') throw new Error('RejectsWriter.add called after close');
    if (this.failure) throw cannotWrite(this.path, this.failure);
    checkRow(row);
    const values: [number, string][] = [];
    for (const [header, value] of Object.entries(row.values)) values.push([this.columnOf(header), value == null ? '' : String(value)]);
    const spooled: Spooled = [row.dataset, row.file, row.line, row.outcome, row.reason, values];
    this.rows++;
    if (!this.spool.write(`${JSON.stringify(spooled)}\n`)) {
      try {
        await once(this.spool, 'drain');
      } catch (error) {
        throw cannotWrite(this.path, error);
      }
    }
  }

  /** Writes rejects.csv (header row even when no row was rejected) and removes the spool. */
  async close(): Promise<{ rows: number }> {
    if (this.state !== 'open') throw new Error('RejectsWriter.close called twice');
    this.state = 'closing';
    const temporary = `${this.path}.${process.pid}.${randomUUID()}.tmp`;
    try {
      this.spool.end();
      await once(this.spool, 'close');
      if (this.failure) throw this.failure;
      await pipeline(
        Readable.from(this.records()),
        stringify({ bom: true, record_delimiter: 'windows' }),
        createWriteStream(temporary, { flags: 'wx', mode: 0o600 }),
      );
      const handle = await open(temporary, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, this.path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error instanceof UserError ? error : cannotWrite(this.path, error);
    } finally {
      this.spool.destroy();
      await rm(this.spoolPath, { force: true });
      this.state = 'closed';
    }
    return { rows: this.rows };
  }

  private columnOf(header: string): number {
    let index = this.headerIndex.get(header);
    if (index === undefined) {
      index = this.headers.length;
      this.headers.push(header);
      this.headerIndex.set(header, index);
    }
    return index;
  }

  /** The header row, then each spooled row spread over every column; every cell neutralised. */
  private async *records(): AsyncGenerator<string[]> {
    yield [...REJECTS_FIXED_COLUMNS, ...headerNames(this.headers)].map(neutralizeFormula);
    const width = REJECTS_FIXED_COLUMNS.length + this.headers.length;
    const lines = createInterface({ input: createReadStream(this.spoolPath, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
    try {
      for await (const line of lines) {
        if (line === '') continue;
        const [dataset, file, lineNumber, outcome, reason, values] = JSON.parse(line) as Spooled;
        const record = new Array<string>(width).fill('');
        record[0] = dataset;
        record[1] = file;
        record[2] = String(lineNumber);
        record[3] = outcome;
        record[4] = reason;
        for (const [index, value] of values) record[REJECTS_FIXED_COLUMNS.length + index] = value;
        yield record.map(neutralizeFormula);
      }
    } finally {
      lines.close();
    }
  }
}

/**
 * Original headers as column names. One that repeats a fixed column ("reason", "line") would make the file ambiguous,
 * so it is suffixed until it is unique; every other header is kept exactly as the export spelt it.
 */
function headerNames(headers: readonly string[]): string[] {
  const taken = new Set(REJECTS_FIXED_COLUMNS.map((c) => c.toLowerCase()));
  for (const h of headers) taken.add(h.toLowerCase());
  return headers.map((header) => {
    if (!REJECTS_FIXED_COLUMNS.some((c) => c.toLowerCase() === header.toLowerCase())) return header;
    let name = `${header} (export)`;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${header} (export ${n})`;
    taken.add(name.toLowerCase());
    return name;
  });
}

function checkRow(row: RejectRow): void {
  const problem =
    typeof row.dataset !== 'string' || typeof row.file !== 'string'
      ? 'dataset and file must be text'
      : !Number.isInteger(row.line) || row.line < 1
        ? `line must be a line number (1 or more), not ${String(row.line)}`
        : !OUTCOMES.has(row.outcome)
          ? `outcome must be skipped or failed, not ${String(row.outcome).slice(0, 20)}`
          : typeof row.reason !== 'string' || row.reason.trim() === ''
            ? 'a rejected row needs its reason'
            : row.values === null || typeof row.values !== 'object'
              ? 'values must be the original row (header → cell)'
              : undefined;
  if (problem) throw new Error(`Reject row ${String(row.file).slice(0, 80)}:${String(row.line)}: ${problem}`);
}

function cannotWrite(path: string, error: unknown): UserError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const why =
    code === 'ENOENT'
      ? 'its folder does not exist'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'ENOSPC'
          ? 'the disk is full'
          : code === 'EROFS'
            ? 'the disk is read-only'
            : `${code ?? (error as Error | undefined)?.message ?? 'unknown error'}`;
  const action = code === 'ENOSPC' ? 'Free some space and run the step again' : 'Choose a folder you can write to (MIGRATION_HOME) and run the step again';
  return new UserError(`${path}: the rejects file cannot be written (${why}). ${action}.`);
}
