import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openExport, readRows, type ExportHead, type ExportRow } from '../../src/kartra/read.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Absolute path of a committed edge-case fixture, e.g. edge('dialect/semicolon.csv'). */
export function edge(relative: string): string {
  return join(REPO_ROOT, 'fixtures', 'edge', relative);
}

export interface ReadExport {
  head: ExportHead;
  rows: ExportRow[];
}

/** Opens an export and reads every row. */
export async function readExport(path: string): Promise<ReadExport> {
  const head = await openExport(path);
  const rows: ExportRow[] = [];
  for await (const row of readRows(head)) rows.push(row);
  return { head, rows };
}

/** A fresh temp dir, removed by the returned cleanup. */
export function tempDir(prefix = 'kartra-edge-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes `content` to `name` inside `dir` and returns the path. */
export function writeTemp(dir: string, name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** The error a promise rejects with; fails the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

export function utf16be(text: string): Buffer {
  const le = Buffer.from(text, 'utf16le');
  for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1]!, le[i]!];
  return le;
}
