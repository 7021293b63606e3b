/**
 * The migration lock: one process per migration; a live holder (this process or another) refuses the next with a
 * message saying who holds it; a dead, rebooted-away or garbled holder is taken over; release leaves another's lock.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { LOCK_FILE, MigrationLock } from '../../src/migration/lock.js';
import { mulberry32 } from '../../src/seeded-random.js';

let home: string;
let counter = 0;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'kartra-lock-'));
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function freshDir(): string {
  counter += 1;
  return join(home, `m-${String(counter).padStart(12, '0')}`);
}

async function writeLock(dir: string, holder: Record<string, unknown> | string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, LOCK_FILE), typeof holder === 'string' ? holder : JSON.stringify(holder));
}

async function holder(dir: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8')) as Record<string, unknown>;
}

/** A pid that belonged to a process which has exited. */
function deadPid(): number {
  const result = spawnSync(process.execPath, ['-e', '0']);
  expect(result.pid).toBeGreaterThan(0);
  return result.pid!;
}

/** Another live process on this machine, asleep until the test kills it. */
function sleeper(): ChildProcess & { pid: number } {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
  children.push(child);
  expect(child.pid).toBeGreaterThan(0);
  return child as ChildProcess & { pid: number };
}

describe('MigrationLock', () => {
  it('writes who holds it, and a second acquire is refused with who, what and since when', async () => {
    const dir = freshDir();
    const lock = await MigrationLock.acquire(dir, 'import --stage full');
    const held = await holder(dir);
    expect(held).toMatchObject({ pid: process.pid, host: hostname(), what: 'import --stage full' });
    expect(Number.isNaN(Date.parse(held.startedAt as string))).toBe(false);

    const second = MigrationLock.acquire(dir, 'rollback');
    await expect(second).rejects.toThrow(UserError);
    await expect(second).rejects.toThrow(
      `Migration ${basename(dir)} is already running (import --stage full, pid ${process.pid}, since ${held.startedAt as string}). Wait for it to finish, or stop it first.`,
    );
    // The refused attempt left the holder's lock as it was.
    expect(await holder(dir)).toEqual(held);
    await lock.release();
  });

  it('can be taken again after release, and release is idempotent', async () => {
    const dir = freshDir();
    const first = await MigrationLock.acquire(dir, 'import');
    await first.release();
    await first.release();
    expect(await readdir(dir)).toEqual([]);
    const second = await MigrationLock.acquire(dir, 'import');
    expect((await holder(dir)).pid).toBe(process.pid);
    await second.release();
  });

  it('refuses a lock held by another live process on this machine', async () => {
    const dir = freshDir();
    const other = sleeper();
    await writeLock(dir, { pid: other.pid, host: hostname(), startedAt: new Date().toISOString(), what: 'migrate' });
    await expect(MigrationLock.acquire(dir, 'import')).rejects.toThrow(
      new RegExp(`^Migration ${basename(dir)} is already running \\(migrate, pid ${other.pid}, since [0-9T:.Z-]+\\)\\. Wait for it to finish, or stop it first\\.$`),
    );
  });

  it('takes over a lock whose process is dead', async () => {
    const dir = freshDir();
    await writeLock(dir, { pid: deadPid(), host: hostname(), startedAt: new Date().toISOString(), what: 'import' });
    const lock = await MigrationLock.acquire(dir, 'import (resumed)');
    expect(await holder(dir)).toMatchObject({ pid: process.pid, what: 'import (resumed)' });
    expect(await readdir(dir)).toEqual([LOCK_FILE]);
    await lock.release();
  });

  it('takes over a lock from before the machine started, even when its pid is now someone else', async () => {
    const dir = freshDir();
    const other = sleeper();
    await writeLock(dir, { pid: other.pid, host: hostname(), startedAt: '2001-01-01T00:00:00.000Z' });
    const lock = await MigrationLock.acquire(dir, 'import');
    expect((await holder(dir)).pid).toBe(process.pid);
    await lock.release();
  });

  it.each([
    ['garbage', 'not a lock at all'],
    ['an empty file', ''],
    ['JSON of the wrong shape', '{"pid":"twelve"}'],
  ])('takes over a lock file holding %s', async (_, text) => {
    const dir = freshDir();
    await writeLock(dir, text);
    const lock = await MigrationLock.acquire(dir, 'import');
    expect((await holder(dir)).pid).toBe(process.pid);
    await lock.release();
  });

  it('refuses a lock held on another machine, which it cannot check, and says how to clear it', async () => {
    const dir = freshDir();
    await writeLock(dir, { pid: deadPid(), host: `not-${hostname()}`, startedAt: '2026-06-09T10:00:00.000Z', what: 'import' });
    const attempt = MigrationLock.acquire(dir, 'import');
    await expect(attempt).rejects.toThrow(UserError);
    await expect(attempt).rejects.toThrow(`is already running on not-${hostname()} (import, pid`);
    await expect(attempt).rejects.toThrow(`delete ${join(dir, LOCK_FILE)}`);
  });

  it('release leaves a lock that another process took over', async () => {
    const dir = freshDir();
    const mine = await MigrationLock.acquire(dir, 'import');
    const theirs = { pid: deadPid(), host: hostname(), startedAt: new Date().toISOString(), what: 'someone else' };
    await writeLock(dir, theirs);
    await mine.release();
    expect(await holder(dir)).toEqual(theirs);
  });

  it('clears a takeover left by a process that died in the middle of one', async () => {
    const dir = freshDir();
    await writeLock(dir, { pid: deadPid(), host: hostname(), startedAt: new Date().toISOString() });
    await writeFile(join(dir, 'lock.takeover'), JSON.stringify({ pid: deadPid(), host: hostname(), startedAt: new Date().toISOString() }));
    const lock = await MigrationLock.acquire(dir, 'import');
    expect((await holder(dir)).pid).toBe(process.pid);
    expect(await readdir(dir)).toEqual([LOCK_FILE]);
    await lock.release();
  });

  it('waits for a takeover under way by a live process', async () => {
    const dir = freshDir();
    const other = sleeper();
    await writeLock(dir, { pid: deadPid(), host: hostname(), startedAt: new Date().toISOString() });
    await writeFile(join(dir, 'lock.takeover'), JSON.stringify({ pid: other.pid, host: hostname(), startedAt: new Date().toISOString() }));
    let settled = false;
    const attempt = MigrationLock.acquire(dir, 'import').finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(settled).toBe(false);
    await rm(join(dir, 'lock.takeover'));
    const lock = await attempt;
    expect((await holder(dir)).pid).toBe(process.pid);
    await lock.release();
  });

  it('lets exactly one of many simultaneous attempts win, also when they race to take over a stale lock', async () => {
    // Started in lock-step the attempts would pass each step together and hide the races; staggered by a random
    // fraction of a file operation, one's "remove the stale lock" lands between another's steps.
    const random = mulberry32(Date.now() % 1_000_000);
    const dead = deadPid();
    for (let round = 0; round < 150; round++) {
      const stale = round % 2 === 1;
      const dir = freshDir();
      if (stale) await writeLock(dir, round % 4 === 1 ? { pid: dead, host: hostname(), startedAt: new Date().toISOString() } : '');
      else await mkdir(dir, { recursive: true });
      const attempts = await Promise.allSettled(
        Array.from({ length: 8 }, async (_, i) => {
          for (let hop = Math.floor(random() * 10); hop > 0; hop--) await new Promise((resolve) => setImmediate(resolve));
          return MigrationLock.acquire(dir, `attempt ${i}`);
        }),
      );
      const won = attempts.filter((a): a is PromiseFulfilledResult<MigrationLock> => a.status === 'fulfilled');
      expect(won, `round ${round}`).toHaveLength(1);
      for (const lost of attempts.filter((a) => a.status === 'rejected')) {
        expect((lost as PromiseRejectedResult).reason).toBeInstanceOf(UserError);
        expect(String((lost as PromiseRejectedResult).reason)).toMatch(/is already running \(attempt \d+, pid/);
      }
      // The file names the winner, and no temporary or moved-aside files are left behind.
      expect(await readdir(dir)).toEqual([LOCK_FILE]);
      const winner = attempts.indexOf(won[0]!);
      expect((await holder(dir)).what, `round ${round}`).toBe(`attempt ${winner}`);
      await won[0]!.value.release();
      expect(await readdir(dir)).toEqual([]);
    }
  });
});
