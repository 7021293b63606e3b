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
 * which is the order Kartra gives "first" its meaning in. Files already in that order (the usual case: Kartra
 * writes chunks oldest first) are merged as streams in bounded memory; a file that is not is sorted in memory.
 */
export async function* readDatasetRows(files: InspectedFile[]): AsyncGenerator<DatasetRow> {
  const sources = files.map((file, index) => source(file, index));
  const heads = await Promise.all(sources.map((s) => s.next()));
  for (;;) {
    let pick = -1;
    for (let i = 0; i < heads.length; i++) {
      const head = heads[i]!;
      if (head.done) continue;
      if (pick === -1 || compare(head.value, (heads[pick] as IteratorYieldResult<Keyed>).value) < 0) pick = i;
    }
    if (pick === -1) return;
    const { value } = heads[pick] as IteratorYieldResult<Keyed>;
    yield value.row;
    heads[pick] = await sources[pick]!.next();
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

async function* source(file: InspectedFile, fileIndex: number): AsyncGenerator<Keyed> {
  const joined = file.header.findIndex((h) => leadFieldOf(h) === 'date_joined');
  const order = file.columns[joined]?.dateOrder;
  const keyed = async function* (): AsyncGenerator<Keyed> {
    for await (const row of readRows(headOf(file))) {
      const raw = joined === -1 ? '' : row.cells[joined]!.trim();
      const joinedAt = (raw ? wallClockMillis(raw, order) : undefined) ?? Number.POSITIVE_INFINITY;
      yield { row: { ...row, file: file.name, header: file.header }, joinedAt, fileIndex };
    }
  };
  if (file.joinOrder !== 'unordered') {
    yield* keyed();
    return;
  }
  const all: Keyed[] = [];
  for await (const k of keyed()) all.push(k);
  all.sort(compare);
  yield* all;
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
