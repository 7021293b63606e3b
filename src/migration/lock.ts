/**
 * One process at a time per migration: two imports writing the same journal and the same records would each count
 * the other's work as their own. The lock is a file, `<migration dir>/lock`, holding who took it; a lock whose
 * process is gone (killed, crashed, machine restarted) is stale and taken over.
 */
import { randomUUID } from 'node:crypto';
import { link, mkdir, open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import { hostname, uptime } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { UserError } from '../errors.js';

export const LOCK_FILE = 'lock';
/** Held for the few milliseconds of a takeover, so two processes that found the same stale lock do not both take it. */
const TAKEOVER_FILE = 'lock.takeover';

const holderSchema = z.object({
  pid: z.number().int().positive(),
  host: z.string(),
  startedAt: z.string(),
  what: z.string().optional(),
});
type Holder = z.infer<typeof holderSchema>;

/** How long to keep trying while other processes are taking the lock over (each takeover takes milliseconds). */
const CONTENDED_MS = 10_000;

export class MigrationLock {
  private released = false;

  private constructor(
    /** The lock file. */
    readonly path: string,
    private readonly content: Buffer,
  ) {}

  /**
   * Takes the migration in `dir` for this process; `what` (e.g. "import --stage full") is shown to anyone refused.
   * Refused with a `UserError` while a live process holds it.
   */
  static async acquire(dir: string, what: string): Promise<MigrationLock> {
    const path = join(dir, LOCK_FILE);
    try {
      await mkdir(dir, { recursive: true });
    } catch (error) {
      throw lockError(path, error);
    }
    const holder: Holder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), what };
    const content = Buffer.from(`${JSON.stringify(holder)}\n`, 'utf8');
    const giveUpAt = Date.now() + CONTENDED_MS;
    while (Date.now() < giveUpAt) {
      if (await createExclusive(path, content)) return new MigrationLock(path, content);
      const existing = await readIfPresent(path);
      if (existing === undefined) continue; // released meanwhile
      const current = parseHolder(existing);
      if (current && !isStale(current)) throw refusal(dir, path, current);
      if (await replaceStale(dir, existing, content)) return new MigrationLock(path, content);
    }
    throw new UserError(
      `${path}: other processes keep taking this migration's lock. Make sure only one import of it runs; if none does, ` +
        `delete ${join(dir, TAKEOVER_FILE)} if it is there, then try again.`,
    );
  }

  /** Gives the lock up, unless it is no longer ours (another process judged it stale and took it). */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    const current = await readIfPresent(this.path, 'released');
    // Nobody replaces a lock whose process is alive, so between this read and the removal it stays ours.
    if (current?.equals(this.content)) await rm(this.path, { force: true });
  }
}

/**
 * Replaces the stale lock `stale` with ours. Under the takeover file, the lock is read again and, still the stale
 * one, replaced by a rename: there is no moment without a lock file, in which a third process could create its own.
 * Returns false when someone else got there first (the caller looks again).
 */
async function replaceStale(dir: string, stale: Buffer, content: Buffer): Promise<boolean> {
  const path = join(dir, LOCK_FILE);
  const guard = join(dir, TAKEOVER_FILE);
  const guardContent = Buffer.from(`${JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString() })}\n`);
  if (!(await createExclusive(guard, guardContent))) {
    const other = await readIfPresent(guard);
    const taker = other && parseHolder(other);
    // A takeover lasts milliseconds; one whose process died in the middle would block every later run.
    if (other && (!taker || isStale(taker))) await removeIfUnchanged(guard, other);
    else await sleep(2 + Math.random() * 5);
    return false;
  }
  try {
    const again = await readIfPresent(path);
    if (again === undefined || !again.equals(stale)) return false;
    const aside = await writeAside(path, content);
    try {
      await rename(aside, path);
    } catch (error) {
      await rm(aside, { force: true });
      throw lockError(path, error);
    }
    return true;
  } finally {
    await rm(guard, { force: true });
  }
}

/**
 * Creates `path` with its whole content or not at all. The content is written aside and hard-linked into place: a
 * lock created empty and filled afterwards could be read, in between, as garbage and "taken over".
 */
async function createExclusive(path: string, content: Buffer): Promise<boolean> {
  const aside = await writeAside(path, content);
  try {
    await link(aside, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // Some file systems (FAT, some network shares) have no hard links: exclusive create, then write.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') return createByOpen(path, content);
    throw lockError(path, error);
  } finally {
    await rm(aside, { force: true });
  }
}

async function createByOpen(path: string, content: Buffer): Promise<boolean> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw lockError(path, error);
  }
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return true;
}

/** A file of its own next to `path` (each call its own name), written and flushed. */
async function writeAside(path: string, content: Buffer): Promise<string> {
  const aside = `${path}.${process.pid}.${randomUUID()}.tmp`;
  // A fresh random name cannot exist already; if it somehow does, that is an error like any other.
  if (!(await createByOpen(aside, content))) throw lockError(path, Object.assign(new Error('EEXIST'), { code: 'EEXIST' }));
  return aside;
}

/**
 * Removes `path` if it still holds `expected`: moved aside first and checked, so a file created there in between is
 * put back instead of deleted.
 */
async function removeIfUnchanged(path: string, expected: Buffer): Promise<void> {
  const aside = `${path}.${process.pid}.${randomUUID()}.stale`;
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw lockError(path, error);
  }
  try {
    const moved = await readFile(aside);
    if (!moved.equals(expected)) await link(aside, path).catch(() => undefined);
  } finally {
    await rm(aside, { force: true });
  }
}

async function readIfPresent(path: string, verb: 'taken' | 'released' = 'taken'): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw lockError(path, error, verb);
  }
}

function parseHolder(bytes: Buffer): Holder | undefined {
  try {
    const parsed = holderSchema.safeParse(JSON.parse(bytes.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Only a process on this machine can be checked. A lock taken before the machine last started is stale whatever its
 * pid: the pid may since belong to an unrelated process.
 */
function isStale(holder: Holder): boolean {
  if (holder.host !== hostname()) return false;
  const started = Date.parse(holder.startedAt);
  const bootedAt = Date.now() - uptime() * 1000;
  // A minute of slack: uptime and the wall clock are not read at the same instant, and clocks get adjusted.
  if (Number.isFinite(started) && started < bootedAt - 60_000) return true;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists but belongs to another user, so it is alive.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function refusal(dir: string, path: string, holder: Holder): UserError {
  const who = `${holder.what ? `${holder.what}, ` : ''}pid ${holder.pid}`;
  if (holder.host !== hostname()) {
    return new UserError(
      `Migration ${basename(dir)} is already running on ${holder.host} (${who}, since ${holder.startedAt}). ` +
        `Wait for it to finish, or stop it first; if it no longer runs there, delete ${path}.`,
    );
  }
  return new UserError(`Migration ${basename(dir)} is already running (${who}, since ${holder.startedAt}). Wait for it to finish, or stop it first.`);
}

/** Named by the lock file, whichever of its helper files failed (a temporary file's name means nothing to a person). */
function lockError(path: string, error: unknown, verb: 'taken' | 'released' = 'taken'): UserError {
  const code = (error as NodeJS.ErrnoException)?.code ?? 'unknown error';
  const folder = dirname(path);
  const advice =
    code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
      ? `this user may not write in ${folder}. Make that folder (and MIGRATION_HOME) writable for this user, then try again.`
      : code === 'ENOSPC' || code === 'EDQUOT'
        ? `the disk holding ${folder} is full. Free some disk space, then try again.`
        : "check the folder's permissions and the disk, then try again.";
  return new UserError(`${join(folder, LOCK_FILE)}: the migration's lock cannot be ${verb} (${code}): ${advice}`, { cause: error });
}
