/**
 * Migrations as the MCP tools see them: opened from export files inside KARTRA_EXPORTS_DIR, then named by their id.
 * The export files of a migration are remembered in its folder (`exports.json`), checked again against the allowed
 * folders at every use, and inspected again (once per process while they stay the same size and age), so a tool
 * never works from exports that changed under it: their content decides the migration id.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import type { Inspection } from '../kartra/inspect.js';
import type { MappingDocument } from '../mapping/document.js';
import { JOURNAL_FILE } from '../migration/engine.js';
import { inspectReadable, openMigration, type MigrationSession } from '../migration/session.js';
import { MigrationStore, migrationIdFor, writeFileAtomic } from '../migration/store.js';
import type { ServerContext } from './context.js';
import { exportFoldersFromEnvironment, resolveExportPaths } from './export-paths.js';

export const EXPORTS_FILE = 'exports.json';

const inspections = new Map<string, Inspection>();

/** Inspects files, reusing an inspection of the same files with the same sizes and modification times. */
async function inspect(files: string[]): Promise<Inspection> {
  const stamps = await Promise.all(files.map(async (f) => {
    const s = await stat(f);
    return `${f}\u0000${s.size}\u0000${s.mtimeMs}`;
  }));
  const key = stamps.join('\n');
  const known = inspections.get(key);
  if (known) return known;
  const inspection = await inspectReadable(files);
  inspections.set(key, inspection);
  if (inspections.size > 20) inspections.delete(inspections.keys().next().value!);
  return inspection;
}

/** The export files a request names, inside the allowed folders only. */
export async function exportFiles(ctx: ServerContext, requested: readonly string[]): Promise<string[]> {
  return resolveExportPaths(requested, await exportFoldersFromEnvironment(ctx.env));
}

/** Inspects exports without opening a migration (inspect_exports). */
export async function inspectFiles(ctx: ServerContext, requested: readonly string[]): Promise<{ files: string[]; inspection: Inspection }> {
  const files = await exportFiles(ctx, requested);
  return { files, inspection: await inspect(files) };
}

/** Opens (or proposes) the migration of these exports and remembers its files. */
export async function openFromExports(ctx: ServerContext, requested: readonly string[], fresh: boolean): Promise<MigrationSession> {
  const { files, inspection } = await inspectFiles(ctx, requested);
  const connection = await ctx.connection();
  const session = await openMigration(files, connection, ctx.home, { inspection, fresh, env: ctx.env });
  await writeFileAtomic(join(session.dir, EXPORTS_FILE), `${JSON.stringify({ files }, null, 2)}\n`, ctx.home);
  return session;
}

/** What the migration's journal holds, in brief: reads made before an import wrote more are not reused after it. */
export async function journalStamp(dir: string): Promise<[number, number] | null> {
  const journal = await stat(join(dir, JOURNAL_FILE)).catch(() => undefined);
  return journal ? [journal.size, journal.mtimeMs] : null;
}

/** A migration's folder and saved mapping, by id (no export is read). */
export async function savedMapping(ctx: ServerContext, migrationId: string): Promise<{ dir: string; mapping: MappingDocument }> {
  const store = new MigrationStore(ctx.home);
  const dir = store.dir(migrationId);
  const mapping = await store.loadMapping(migrationId);
  if (!mapping) throw new UserError(`There is no migration ${migrationId} in ${ctx.home}. Run propose_mapping on the exports first: it returns the migration id.`);
  return { dir, mapping };
}

/** A migration the user opened before, by id: its mapping as saved, its exports checked and inspected again. */
export async function sessionById(ctx: ServerContext, migrationId: string): Promise<MigrationSession> {
  const { dir, mapping } = await savedMapping(ctx, migrationId);
  let files: string[];
  try {
    files = (JSON.parse(await readFile(join(dir, EXPORTS_FILE), 'utf8')) as { files: string[] }).files;
  } catch {
    throw new UserError(`Migration ${migrationId} was not opened by this server (no ${EXPORTS_FILE}). Run propose_mapping on its export files: the saved mapping is kept.`);
  }
  let inspection: Inspection;
  try {
    inspection = await inspect(await exportFiles(ctx, files));
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    throw new UserError(`The export files of migration ${migrationId} cannot be read as they were: ${error.message}`);
  }
  if (migrationIdFor(inspection.files.map((f) => f.sha256)) !== migrationId) {
    throw new UserError(
      `The export files of migration ${migrationId} have changed since it was proposed, so its previews no longer describe them. Run propose_mapping on the exports again: changed exports are a new migration (import it with stage "delta" and since "${migrationId}" to write only what changed).`,
    );
  }
  return { migrationId, dir, inspection, mapping, proposed: false };
}
