import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, extname, join, relative, resolve } from 'node:path';
import { ExportFileError, UserError } from '../errors.js';
import { DuplicateFinder, type Duplicate } from './dedupe.js';
import { countByCode, countedFinding, sortFindings, type FindingCode } from './findings.js';
import { inspectFile, type InspectedFile } from './inspect-file.js';
import { fileSystemError } from './read.js';
import type { ExportKind } from './kind.js';

export const EXPORT_EXTENSIONS = ['.csv', '.tsv', '.txt'];

/** The files of one kind read as one dataset: a leads export split into chunks is one list of leads. */
export interface Dataset {
  kind: ExportKind;
  files: string[];
  rows: number;
  rejectedRows: number;
  duplicates: Duplicate[];
  /** Rows a migration would bring over: rows − rejected − duplicates. */
  uniqueRows: number;
  findingCounts: Partial<Record<FindingCode, number>>;
}

export interface FileFailure {
  file: string;
  error: string;
}

export interface Inspection {
  files: InspectedFile[];
  datasets: Dataset[];
  /** Files that could not be read, each with what to do. Never silently left out. */
  failures: FileFailure[];
}

/**
 * Inspects exports given as files or folders. A file that cannot be read becomes a failure with its reason, and the
 * others are still inspected; only a path that names nothing readable at all throws.
 */
export async function inspectExports(paths: string[]): Promise<Inspection> {
  const files = await listExportFiles(paths);
  const names = displayNames(files);
  const inspected: InspectedFile[] = [];
  const failures: FileFailure[] = [];
  const finders = new Map<ExportKind, DuplicateFinder>();
  for (const [i, file] of files.entries()) {
    try {
      // The kind is known only once the header is read, so each file registers into its kind's finder afterwards.
      const finder = new DuplicateFinder();
      const result = await inspectFile(file, finder, names[i]);
      inspected.push(result);
      finders.set(result.kind.kind, mergeFinders(finders.get(result.kind.kind), finder));
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      failures.push({ file: names[i]!, error: error.message });
    }
  }
  const datasets = groupDatasets(inspected, finders);
  return { files: inspected, datasets, failures };
}

function mergeFinders(into: DuplicateFinder | undefined, from: DuplicateFinder): DuplicateFinder {
  if (!into) return from;
  into.absorb(from);
  return into;
}

function groupDatasets(files: InspectedFile[], finders: Map<ExportKind, DuplicateFinder>): Dataset[] {
  const kinds = [...new Set(files.map((f) => f.kind.kind))];
  return kinds.map((kind) => {
    const members = files.filter((f) => f.kind.kind === kind);
    const duplicates = kind === 'unknown' ? [] : (finders.get(kind)?.duplicates() ?? []);
    attachDuplicateFindings(members, duplicates);
    const rows = sum(members.map((f) => f.rows));
    const rejectedRows = sum(members.map((f) => f.rejectedRows));
    return {
      kind,
      files: members.map((f) => f.name),
      rows,
      rejectedRows,
      duplicates,
      uniqueRows: rows - rejectedRows - duplicates.length,
      findingCounts: countByCode(members.flatMap((f) => f.findings)),
    };
  });
}

/** Duplicates are found across files, but reported in the file (and at the line) of the row that loses. */
function attachDuplicateFindings(files: InspectedFile[], duplicates: Duplicate[]): void {
  for (const file of files) {
    for (const key of ['id', 'email'] as const) {
      const mine = duplicates.filter((d) => d.file === file.name && d.key === key);
      if (mine.length === 0) continue;
      const code = key === 'id' ? 'duplicate_id' : 'duplicate_email';
      file.findings.push(countedFinding(code, mine.length, mine.map((d) => d.line), { file: file.name }));
    }
    sortFindings(file.findings);
  }
}

/** Expands folders into the export files they hold (not recursively); refuses a folder with none. */
export async function listExportFiles(paths: string[]): Promise<string[]> {
  if (paths.length === 0) throw new UserError('No export given. Name one or more Kartra CSV files or folders.');
  const files: string[] = [];
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      throw fileSystemError(error, path);
    }
    if (!info.isDirectory()) {
      files.push(path);
      continue;
    }
    let entries;
    try {
      entries = await readdir(path, { withFileTypes: true });
    } catch {
      throw new ExportFileError(path, 'this folder cannot be listed (permission denied)', 'Give your user read access to it');
    }
    // A symbolic link to an export counts as the export: stat follows it (isFile on the entry would not).
    const candidates = entries
      .filter((e) => !e.name.startsWith('.') && EXPORT_EXTENSIONS.includes(extname(e.name).toLowerCase()))
      .map((e) => join(path, e.name));
    const found: string[] = [];
    for (const candidate of candidates.sort()) {
      if ((await stat(candidate).catch(() => undefined))?.isFile()) found.push(candidate);
    }
    if (found.length === 0) {
      throw new ExportFileError(path, `no export files (${EXPORT_EXTENSIONS.join(', ')}) in this folder`, 'Put the CSV files downloaded from Kartra in it');
    }
    files.push(...found);
  }
  // The same file named twice (a folder and a file in it, "d/x.csv" and "d/./x.csv", a link) is read once.
  const real = new Map<string, string>();
  for (const file of files) {
    const key = await realpath(file).catch(() => resolve(file));
    if (!real.has(key)) real.set(key, file);
  }
  return [...real.values()];
}

/**
 * What reports call each file: its base name, or, when two files share one ("jan/contacts.csv" and
 * "feb/contacts.csv"), enough of their paths to tell them apart. Duplicates are reported by these names.
 */
function displayNames(files: string[]): string[] {
  const counts = new Map<string, number>();
  for (const file of files) counts.set(basename(file), (counts.get(basename(file)) ?? 0) + 1);
  return files.map((file) => (counts.get(basename(file))! > 1 ? relative(process.cwd(), resolve(file)) || basename(file) : basename(file)));
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
