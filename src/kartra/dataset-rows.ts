import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { leadFieldOf } from './columns.js';
import { wallClockMillis } from './dates.js';
import type { InspectedFile } from './inspect-file.js';
import { readRows, type ExportHead, type ExportRow } from './read.js';

export interface DatasetRow extends ExportRow {
  file: string;
  /** The header of the row's own file: chunks of one export may spell their columns differently. */
  header: string[];
}

/**
 * The rows of a dataset's files, oldest to newest by join date (rows without one last, then by file and line),
 * which is the order Kartra gives "first" its meaning in. Files already in that order are merged as streams; a file
 * that is not is sorted in runs spilled to a temporary folder and merged back, so memory stays bounded either way.
 */
export async function* readDatasetRows(files: InspectedFile[]): AsyncGenerator<DatasetRow> {
  const spill = new SpillFolder();
  const sources = files.map((file, index) => (file.joinOrder === 'unordered' ? sorted(keyed(file, index), spill) : keyed(file, index)));
  try {
    for await (const { row } of merge(sources)) yield row;
  } finally {
    // A reader that stops early, or a file that fails, must not leave the other files open.
    await Promise.allSettled(sources.map((s) => s.return(undefined)));
    spill.remove();
  }
}

interface Keyed {
  row: DatasetRow;
  joinedAt: number;
  fileIndex: number;
}

function compare(a: Keyed, b: Keyed): number {
  if (a.joinedAt !== b.joinedAt) return a.joinedAt < b.joinedAt ? -1 : 1;
  return a.fileIndex - b.fileIndex || a.row.line - b.row.line;
}

/** Merges sources that are each already in order. */
async function* merge(sources: AsyncGenerator<Keyed>[]): AsyncGenerator<Keyed> {
  const heads: (Keyed | undefined)[] = [];
  for (const source of sources) heads.push((await source.next()).value ?? undefined);
  for (;;) {
    let pick = -1;
    for (let i = 0; i < heads.length; i++) {
      const head = heads[i];
      if (head !== undefined && (pick === -1 || compare(head, heads[pick]!) < 0)) pick = i;
    }
    if (pick === -1) return;
    yield heads[pick]!;
    heads[pick] = (await sources[pick]!.next()).value ?? undefined;
  }
}

async function* keyed(file: InspectedFile, fileIndex: number): AsyncGenerator<Keyed> {
  const joined = file.header.findIndex((h) => leadFieldOf(h) === 'date_joined');
  const order = file.columns[joined]?.dateOrder;
  for await (const row of readRows(headOf(file))) {
    const raw = joined === -1 ? '' : row.cells[joined]!.trim();
    const joinedAt = (raw ? wallClockMillis(raw, order) : undefined) ?? Number.POSITIVE_INFINITY;
    yield { row: { ...row, file: file.name, header: file.header }, joinedAt, fileIndex };
  }
}

/** Rows per sorted run: a run is held in memory while it is sorted, then written out. */
const RUN_ROWS = 20_000;

/** An external merge sort: sorted runs of RUN_ROWS rows in JSON-lines files, merged back as streams. */
async function* sorted(rows: AsyncGenerator<Keyed>, spill: SpillFolder): AsyncGenerator<Keyed> {
  const runs: string[] = [];
  let run: Keyed[] = [];
  for await (const row of rows) {
    run.push(row);
    if (run.length === RUN_ROWS) {
      runs.push(await spill.write(run.sort(compare)));
      run = [];
    }
  }
  run.sort(compare);
  if (runs.length === 0) {
    yield* run; // small file: one run, never written
    return;
  }
  if (run.length > 0) runs.push(await spill.write(run));
  const readers = runs.map((path) => readRun(path));
  try {
    yield* merge(readers);
  } finally {
    await Promise.allSettled(readers.map((r) => r.return(undefined)));
  }
}

async function* readRun(path: string): AsyncGenerator<Keyed> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) {
      const keyedRow = JSON.parse(line) as Keyed;
      keyedRow.joinedAt ??= Number.POSITIVE_INFINITY; // JSON writes Infinity as null
      yield keyedRow;
    }
  } finally {
    lines.close();
  }
}

/** A temporary folder for sorted runs, created on first use and removed when the read ends. */
class SpillFolder {
  private dir: string | undefined;
  private count = 0;

  async write(run: Keyed[]): Promise<string> {
    this.dir ??= mkdtempSync(join(tmpdir(), 'kartra-sort-'));
    const path = join(this.dir, `run-${this.count++}.jsonl`);
    const out = createWriteStream(path, 'utf8');
    for (const row of run) {
      if (!out.write(`${JSON.stringify(row)}\n`)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'close');
    return path;
  }

  remove(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Re-opens an inspected file with what its inspection found, without scanning its bytes again. */
function headOf(file: InspectedFile): ExportHead {
  return {
    path: file.path,
    name: file.name,
    // utf8Nfc false: always decode and normalise; the raw-bytes shortcut is for the inspection's hot loop.
    bytes: { encoding: file.encoding, bom: file.bom, sizeBytes: file.sizeBytes, sha256: file.sha256, utf8Nfc: false },
    dialect: file.dialect,
    header: file.header,
  };
}
