/**
 * A migration's state on disk: `MIGRATION_HOME/<migration-id>/`, holding its mapping document (and, as the migration
 * engine grows, its plan and journal). Files are replaced atomically (written aside, flushed, renamed), so a crash
 * leaves either the old document or the new one, never half of one.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import { mappingDocumentSchema, type MappingDocument } from '../mapping/document.js';

export const MAPPING_FILE = 'mapping.json';

/** A migration is named by the exports it moves: the same files give the same id, so a re-run finds its state. */
export function migrationIdFor(fileHashes: readonly string[]): string {
  const digest = createHash('sha256').update([...fileHashes].sort().join('\n')).digest('hex');
  return `m-${digest.slice(0, 12)}`;
}

const ID = /^m-[0-9a-f]{12}$/;

export class MigrationStore {
  constructor(readonly home: string) {}

  /** The folder of one migration; refuses anything that is not a migration id (it becomes a path). */
  dir(id: string): string {
    if (!ID.test(id)) throw new UserError(`"${id.slice(0, 40)}" is not a migration id (they look like m-1a2b3c4d5e6f).`);
    return join(this.home, id);
  }

  async saveMapping(document: MappingDocument): Promise<string> {
    const dir = this.dir(document.migrationId);
    try {
      await mkdir(dir, { recursive: true });
    } catch (error) {
      throw storageError(dir, 'cannot be created', error, this.home);
    }
    const path = join(dir, MAPPING_FILE);
    await writeFileAtomic(path, `${JSON.stringify(mappingDocumentSchema.parse(document), null, 2)}\n`, this.home);
    return path;
  }

  /**
   * The other migrations in this home whose mapping names export files of the same names as `document`'s with other
   * content: these exports as they were when those were mapped or previewed, before they changed.
   */
  async changedSince(document: MappingDocument): Promise<{ migrationId: string; files: string[] }[]> {
    const mine = new Map(document.datasets.flatMap((d) => d.files.map((f) => [f.name, f.sha256] as const)));
    const found: { migrationId: string; files: string[] }[] = [];
    for (const name of (await readdir(this.home).catch(() => [] as string[])).sort()) {
      if (!ID.test(name) || name === document.migrationId) continue;
      const other = await this.loadMapping(name).catch(() => undefined);
      const files = (other?.datasets ?? []).flatMap((d) => d.files).filter((f) => mine.has(f.name) && mine.get(f.name) !== f.sha256).map((f) => f.name);
      if (files.length > 0) found.push({ migrationId: name, files });
    }
    return found;
  }

  /** The saved mapping, or undefined when there is none yet. A damaged file is an error that says what to do. */
  async loadMapping(id: string): Promise<MappingDocument | undefined> {
    const path = join(this.dir(id), MAPPING_FILE);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new UserError(`${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unknown error'}). Check the folder's permissions.`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new UserError(`${path}: not valid JSON. Delete it to propose the mapping again (your edits to it are lost).`);
    }
    const parsed = mappingDocumentSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new UserError(`${path}: not a mapping document (${issue.path.join('.') || 'root'}: ${issue.message}). Delete it to propose the mapping again.`);
    }
    return parsed.data;
  }
}

/**
 * Writes a file so that readers see the old content or the new, never a mix: temp file, fsync, rename. A folder this
 * user may not write in, or a full disk, is a `UserError` naming the folder (and `home`, MIGRATION_HOME, when given).
 */
export async function writeFileAtomic(path: string, text: string, home?: string): Promise<void> {
  // One temporary file per write: two saves at once must not write into the same one.
  const temporary = `${path}.${process.pid}.${randomUUID()}.tmp`;
  try {
    const handle = await open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw storageError(path, 'cannot be written', error, home);
  }
}

const NOT_WRITABLE = new Set(['EACCES', 'EPERM', 'EROFS']);
const NO_SPACE = new Set(['ENOSPC', 'EDQUOT']);

/**
 * A failed write of a migration's files, as the user can fix it: a folder this user may not write in, or a full
 * disk, becomes a `UserError` that names the folder and says what to do. Any other error is returned unchanged.
 */
export function storageError(path: string, what: string, error: unknown, home?: string): unknown {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === undefined || error instanceof UserError) return error;
  const folder = dirname(path);
  const where = home ? ` Migrations keep their state in MIGRATION_HOME (${home}).` : '';
  if (NOT_WRITABLE.has(code)) {
    return new UserError(
      `This user may not write in ${folder}, so ${path} ${what} (${code}).${where} Make that folder writable for this user, or set MIGRATION_HOME to a folder it can write, then run again.`,
      { cause: error },
    );
  }
  if (NO_SPACE.has(code)) {
    return new UserError(`The disk holding ${folder} is full, so ${path} ${what} (${code}).${where} Free some disk space, then run again.`, { cause: error });
  }
  return error;
}
