/**
 * Rollback: undo what the migration wrote, from its journal. Records it created are destroyed (a hard delete: a
 * soft-deleted record would come back on re-import through upsert); records it updated get back the values their
 * fields had. A record someone changed in Twenty after the import (its `updatedAt` is later than the import's write)
 * is kept and listed. Each record ends reversed, kept or errored; the journal records the reversed ones, so a rollback
 * stopped midway goes on where it stopped, and a later import sees them as not imported.
 */
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { TwentyClient } from '../twenty/client.js';
import { isIn, where } from '../twenty/filters.js';
import type { TwentyRecord } from '../twenty/records.js';
import { JOURNAL_FILE, PHASE_OBJECT, readJournalState, stateKey, type Phase, type RowOutcome } from './engine.js';
import { runTrackedJob } from './job.js';
import { Journal, scanJournal } from './journal.js';
import { holdsValue, pluralOf } from './matching.js';

/** Later records point to earlier ones: undo opportunities first, companies last. */
const UNDO_ORDER: readonly Phase[] = ['noteTargets', 'notes', 'subscriptions', 'transactions', 'people', 'companies'];
const BATCH = 100;

export type RollbackPlan = { phase: Phase; destroy: number; restore: number }[];

export type RollbackEnd = { phase: Phase; key: string; id: string; reason: string };
export type RollbackResult = {
  reversed: Record<Phase, { destroyed: number; restored: number }>;
  /** With `removeSchema`: the custom fields deleted and the options removed that the migration had added. */
  schemaRemoved: string[];
  kept: RollbackEnd[];
  errored: RollbackEnd[];
  cancelled: boolean;
};

const undoable = (o: RowOutcome): boolean => o.id !== undefined && (o.outcome === 'created' || o.outcome === 'updated');

/** What a rollback would do, from the journal alone. */
export async function planRollback(dir: string): Promise<RollbackPlan> {
  const state = await readJournalState(dir);
  return UNDO_ORDER.map((phase) => {
    const outcomes = [...state.outcomes.values()].filter((o) => o.phase === phase && undoable(o));
    return { phase, destroy: outcomes.filter((o) => o.outcome === 'created').length, restore: outcomes.filter((o) => o.outcome === 'updated').length };
  }).filter((p) => p.destroy + p.restore > 0);
}

/**
 * Edited in Twenty after the import wrote it: its updatedAt is later than the one the write returned, and later than
 * any this tool gave it since through another migration (`byTool`: a delta's update, that delta's rollback).
 */
function editedSince(record: TwentyRecord, outcome: RowOutcome, byTool?: number): boolean {
  if (!outcome.updatedAt || typeof record.updatedAt !== 'string') return false;
  return Date.parse(record.updatedAt) > Math.max(Date.parse(outcome.updatedAt), byTool ?? Number.NEGATIVE_INFINITY);
}

const MIGRATION_DIR = /^m-[0-9a-f]{12}$/;

/**
 * The latest `updatedAt` this tool gave each record through the other migrations kept beside `dir` (the same
 * MIGRATION_HOME): a delta's writes to records an earlier migration created, and the restores of that delta's
 * rollback. Those are not someone's edits in Twenty, so they do not keep a record from its own migration's rollback.
 * A journal that cannot be read counts for nothing: its records' changes stay unexplained, and such records are kept.
 */
async function writesByOtherMigrations(dir: string): Promise<Map<string, number>> {
  const latest = new Map<string, number>();
  const note = (id: unknown, at: unknown): void => {
    const time = typeof at === 'string' ? Date.parse(at) : Number.NaN;
    if (typeof id === 'string' && Number.isFinite(time) && time > (latest.get(id) ?? Number.NEGATIVE_INFINITY)) latest.set(id, time);
  };
  const home = dirname(dir);
  const names = await readdir(home).catch(() => [] as string[]);
  for (const name of names) {
    if (name === basename(dir) || !MIGRATION_DIR.test(name)) continue;
    await scanJournal(join(home, name, JOURNAL_FILE), (entry) => {
      if (entry.t === 'done' || entry.t === 'rows') {
        for (const r of (entry.records as RowOutcome[] | undefined) ?? []) if (r.outcome === 'created' || r.outcome === 'updated') note(r.id, r.updatedAt);
      }
      if (entry.t === 'reversed') for (const [id, at] of Object.entries((entry.restored as Record<string, string> | undefined) ?? {})) note(id, at);
    }).catch(() => undefined);
  }
  return latest;
}

export async function runRollback(
  dir: string,
  client: TwentyClient,
  options: { signal?: AbortSignal; onProgress?: (done: number) => void; removeSchema?: boolean } = {},
): Promise<RollbackResult> {
  const state = await readJournalState(dir);
  const journal = await Journal.open(join(dir, JOURNAL_FILE));
  const result: RollbackResult = {
    reversed: Object.fromEntries(UNDO_ORDER.map((p) => [p, { destroyed: 0, restored: 0 }])) as RollbackResult['reversed'],
    schemaRemoved: [],
    kept: [],
    errored: [],
    cancelled: false,
  };
  let done = 0;
  const byTool = await writesByOtherMigrations(dir);
  /** Ids that records kept in Twenty point to; undone later in the order, they are kept too. */
  const linkedFromKept = new Set<string>();
  try {
    for (const phase of UNDO_ORDER) {
      const plural = pluralOf(PHASE_OBJECT[phase]);
      const outcomes = [...state.outcomes.values()].filter((o) => o.phase === phase && undoable(o));
      for (let i = 0; i < outcomes.length; i += BATCH) {
        if (options.signal?.aborted) {
          result.cancelled = true;
          return result;
        }
        const batch = outcomes.slice(i, i + BATCH);
        const current = new Map<string, TwentyRecord>();
        for await (const page of client.find(plural, { filter: where(isIn('id', batch.map((o) => o.id!))) })) {
          for (const record of page.records) current.set(String(record.id), record);
        }
        const reversed: string[] = [];
        const restored: Record<string, string> = {};
        /** Created records still there: destroyed together, in one call where the workspace allows it. */
        const toDestroy: RowOutcome[] = [];
        for (const o of batch) {
          const end = { phase, key: o.key, id: o.id! };
          const record = current.get(o.id!);
          try {
            if (record && o.outcome === 'updated' && editedSince(record, o, byTool.get(o.id!)) && Object.entries(o.previous ?? {}).every(([field, value]) => holdsValue(value, record[field]))) {
              // Restored already: a rollback stopped after its restore reached Twenty, before the journal said so (or
              // someone put those values back by hand). Either way the record is as this rollback would leave it.
              result.reversed[phase].restored++;
              if (typeof record.updatedAt === 'string') restored[o.id!] = record.updatedAt;
              reversed.push(stateKey(phase, o.key));
              continue;
            }
            if (record && editedSince(record, o, byTool.get(o.id!))) {
              result.kept.push({ ...end, reason: `changed in Twenty since the import (updatedAt ${String(record.updatedAt)}); left as it is` });
              for (const [field, value] of Object.entries(record)) if (field.endsWith('Id') && typeof value === 'string') linkedFromKept.add(value);
              continue;
            }
            if (o.outcome === 'created' && linkedFromKept.has(o.id!)) {
              // A kept record points to it (an edited person's company): destroying it would cut that link.
              result.kept.push({ ...end, reason: 'a record kept in Twenty (changed since the import) links to it; left as it is' });
              continue;
            }
            if (o.outcome === 'created') {
              if (record) {
                toDestroy.push(o);
                continue;
              }
              result.reversed[phase].destroyed++; // gone already
            } else if (record) {
              const restoredRecord = await client.update(plural, o.id!, o.previous ?? {});
              if (typeof restoredRecord.updatedAt === 'string') restored[o.id!] = restoredRecord.updatedAt;
              result.reversed[phase].restored++;
            } else {
              result.kept.push({ ...end, reason: 'deleted in Twenty since the import; nothing to restore' });
              continue;
            }
            reversed.push(stateKey(phase, o.key));
          } catch (error) {
            result.errored.push({ ...end, reason: (error as Error).message.slice(0, 300) });
          }
        }
        if (toDestroy.length > 0) {
          try {
            await client.destroyMany(plural, toDestroy.map((o) => o.id!));
            result.reversed[phase].destroyed += toDestroy.length;
            for (const o of toDestroy) reversed.push(stateKey(phase, o.key));
          } catch (error) {
            for (const o of toDestroy) result.errored.push({ phase, key: o.key, id: o.id!, reason: (error as Error).message.slice(0, 300) });
          }
        }
        // `restored`: the updatedAt each restore left, so a rollback of the migration that created the record can tell
        // this change (the tool's) from an edit made in Twenty.
        if (reversed.length > 0) await journal.append({ t: 'reversed', keys: reversed, ...(Object.keys(restored).length > 0 ? { restored } : {}) });
        done += batch.length;
        options.onProgress?.(done);
      }
    }
    if (options.removeSchema && result.kept.length === 0 && result.errored.length === 0) await removeSchema(dir, client, journal, result);
  } finally {
    await journal.close();
  }
  return result;
}

/**
 * A rollback as a job: under the migration's lock (refused while an import or another rollback of it runs, from any
 * process) and tracked in status.json like an import, so `status` and import_status tell a rollback stopped midway
 * (interrupted, cancelled, failed) from the import before it.
 */
export async function runRollbackJob(
  dir: string,
  migrationId: string,
  client: TwentyClient,
  options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void; removeSchema?: boolean } = {},
): Promise<RollbackResult> {
  let total = 0;
  const prepare = async (): Promise<number> => (total = (await planRollback(dir)).reduce((n, p) => n + p.destroy + p.restore, 0));
  return runTrackedJob({ dir, migrationId, stage: 'rollback', holder: 'rollback' }, prepare, async (tracker) => {
    const result = await runRollback(dir, client, {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.removeSchema ? { removeSchema: true } : {}),
      onProgress: (done) => {
        tracker.advance(done);
        options.onProgress?.(done, total);
      },
    });
    for (const e of result.errored.slice(0, 5)) tracker.error(`${e.phase} ${e.key}: ${e.reason}`);
    return result;
  });
}

/**
 * Deletes the custom fields the migration created and removes the options it added, newest first. Only once every
 * record is reversed: a kept record may still hold values in those fields.
 */
async function removeSchema(dir: string, client: TwentyClient, journal: Journal, result: RollbackResult): Promise<void> {
  const changes: { created: { object: string; field: string }[]; options: { object: string; field: string; values: string[] }[] }[] = [];
  await scanJournal(join(dir, JOURNAL_FILE), (entry) => {
    if (entry.t === 'schema') changes.push(entry as never);
    if (entry.t === 'schema-removed') changes.length = 0;
  });
  for (const change of changes.reverse()) {
    for (const o of change.options) {
      const removed = await client.removeSelectOptions(o.object, o.field, o.values);
      if (removed.length > 0) result.schemaRemoved.push(`${removed.length} options of ${o.object}.${o.field}`);
    }
    for (const f of change.created) {
      if (await client.removeCustomField(f.object, f.field)) result.schemaRemoved.push(`${f.object}.${f.field}`);
    }
  }
  if (changes.length > 0) await journal.append({ t: 'schema-removed', removed: result.schemaRemoved });
}
