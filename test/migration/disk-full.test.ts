/**
 * The disk filling up under a running import (issue: "MIGRATION_HOME ... full"): the journal's writes start failing
 * with ENOSPC at some batch, in the middle of a phase, while the next batch is being read and a batch write may be on
 * its way. The import must stop with the journal's error (a sentence saying to free disk space), never as an
 * unhandled rejection (which ends a CLI with a stack trace and takes the whole MCP server down), and never close the
 * journal under a batch still on its way; with space back, the resumed import ends with every record once.
 *
 * And a journal path that is no regular file (the stress tests simulate a full disk with a link to /dev/full, which
 * reads as endless zeros) is read up to its size, not forever.
 */
import { mkdtemp, open, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { UserError } from '../../src/errors.js';
import { JOURNAL_FILE, readJournalState, runImport, type RowOutcome } from '../../src/migration/engine.js';
import { Journal, readJournal, scanJournal } from '../../src/migration/journal.js';
import type { TwentyClient } from '../../src/twenty/client.js';
import { mulberry32 } from '../../src/seeded-random.js';
import { REPO_ROOT } from '../helpers/edge.js';
import { openWorkspace, prepareMigration, readJournalLines, type Migration, type Workspace } from './engine-helpers.js';

let root: string;
let workspace: Workspace;
let migration: Migration;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kartra-disk-full-'));
  workspace = await openWorkspace('v2');
  migration = await prepareMigration(workspace, join(REPO_ROOT, 'fixtures', 'samples', 'messy'));
}, 30_000);

afterAll(async () => {
  await workspace?.close();
  await rm(root, { recursive: true, force: true });
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** The FileHandle class is not exported; its prototype is reached through an open handle. */
async function fileHandlePrototype(): Promise<{ write: (...args: unknown[]) => Promise<unknown> }> {
  const handle = await open(join(root, 'probe'), 'a');
  await handle.close();
  return Object.getPrototypeOf(handle) as { write: (...args: unknown[]) => Promise<unknown> };
}

/** From the `allowed`th journal write on, every journal write fails as on a full disk (other files are written). */
async function diskFullAfter(allowed: number): Promise<void> {
  const proto = await fileHandlePrototype();
  const write = proto.write;
  let journalWrites = 0;
  vi.spyOn(proto, 'write').mockImplementation(function (this: unknown, ...args: unknown[]) {
    const bytes = args[0];
    if (Buffer.isBuffer(bytes) && bytes.subarray(0, 6).toString('utf8') === '{"t":"' && ++journalWrites > allowed) {
      return Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
    }
    return write.apply(this, args);
  });
}

/** Batches of 20, and a little latency on every write, so a batch is always on its way while the next is read. */
function slowSmallBatches(client: TwentyClient): TwentyClient {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'capabilities') return async () => ({ ...(await target.capabilities()), batchMax: 20 });
      if (property === 'upsertMany') {
        return async (...args: Parameters<TwentyClient['upsertMany']>) => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          return target.upsertMany(...args);
        };
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

describe('an import whose disk fills up in the middle', () => {
  it('stops with the journal\'s sentence every time, without an unhandled rejection, and resumes to every record once', async () => {
    const seed = Number(process.env.STRESS_SEED) || 1 + (Date.now() % 1_000_000);
    const random = mulberry32(seed);
    const context = `seed ${seed}`;
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const dir = join(root, 'migration');
    const client = slowSmallBatches(workspace.client);
    const stops: number[] = [];
    try {
      // The disk fills after a few journal writes, four times, at a different point each time.
      for (let i = 0; i < 4; i++) {
        const allowed = 2 + Math.floor(random() * 20);
        stops.push(allowed);
        await diskFullAfter(allowed);
        const failed = runImport({ dir, inspection: migration.inspection, mapping: migration.mapping, client, policy: 'fill-empty', stage: 'full' });
        await expect(failed, `${context}: stop ${i + 1} after ${allowed} journal writes`).rejects.toThrow(UserError);
        await expect(failed).rejects.toThrow(/the migration journal cannot be written \(ENOSPC\)\. Free some disk space/);
        vi.restoreAllMocks();
        // Whatever a batch still on its way did ends before the next run reads the journal.
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(unhandled.map(String), `${context}: unhandled rejections after stop ${i + 1}`).toEqual([]);
      }
      const result = await runImport({ dir, inspection: migration.inspection, mapping: migration.mapping, client, policy: 'fill-empty', stage: 'full' });
      expect(result.cancelled).toBe(false);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled.map(String), context).toEqual([]);

    const people = workspace.sandbox.records('people').map((p) => String(p.kartraLeadId));
    expect(people.length, `${context} (stops after ${stops.join(', ')} journal writes)`).toBe(migration.expected.leads.people);
    expect(new Set(people).size).toBe(people.length);
    const opportunities = workspace.sandbox.records('opportunities').length;
    expect(opportunities).toBe(migration.expected.opportunities.fromTransactions + migration.expected.opportunities.fromSubscriptions);
    const titles = workspace.sandbox.records('notes').map((n) => String(n.title));
    expect(new Set(titles).size, 'notes twice').toBe(titles.length);
    const state = await readJournalState(dir);
    expect(state.pending).toEqual([]);
    const seen = new Map<string, number>();
    for (const line of await readJournalLines(dir)) {
      if (line.t !== 'done' && line.t !== 'rows') continue;
      for (const r of line.records as unknown as RowOutcome[]) seen.set(`${r.phase}|${r.key}`, (seen.get(`${r.phase}|${r.key}`) ?? 0) + 1);
    }
    expect([...seen].filter(([, n]) => n > 1).map(([k]) => k), 'rows journalled twice').toEqual([]);
  }, 60_000);
});

describe('a journal path that is no regular file', () => {
  it('is read up to its size (a link to /dev/full reads as empty, not as endless zeros) and its writes fail with ENOSPC', async () => {
    const path = join(root, 'device', JOURNAL_FILE);
    await Journal.open(join(root, 'device', 'other.jsonl')).then((j) => j.close()); // the folder
    await symlink('/dev/full', path);
    const read = await Promise.race([readJournal(path), new Promise((resolve) => setTimeout(() => resolve('still reading after 5 s'), 5_000))]);
    expect(read).toEqual({ entries: [], cutTail: false, lines: 0 });
    expect(await scanJournal(path, () => undefined)).toEqual({ cutTail: false, lines: 0 });
    const journal = await Journal.open(path);
    await expect(journal.append({ t: 'row' })).rejects.toThrow(`${path}: the migration journal cannot be written (ENOSPC). Free some disk space (the disk holding ${join(root, 'device')} is full)`);
    await journal.close();
  }, 20_000);
});
