/**
 * Rollback (issue 5, "Rollback"): after a sample, after a full import (with records that existed before it and were
 * updated under fill-empty or overwrite), after a partial failure, with records edited in Twenty after the import,
 * stopped midway and run again, and followed by a new import. The oracle is the sandbox itself: what it stored before
 * the import, compared with what it stores after the rollback, record by record and field by field.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectExports, type Inspection } from '../../src/kartra/inspect.js';
import { buildMapping } from '../../src/mapping/build.js';
import { readJournalState, type ImportResult, type Phase } from '../../src/migration/engine.js';
import type { Policy } from '../../src/migration/matching.js';
import { planRollback, runRollback, type RollbackResult } from '../../src/migration/rollback.js';
import { applySchemaChanges, planSchemaChanges } from '../../src/migration/schema-changes.js';
import type { Expected } from '../../src/samples/expected.js';
import type { StoredRecord } from '../../src/sandbox/index.js';
import {
  canonicalRecords,
  importStage,
  loadExpected,
  MIGRATION_ID,
  migrationFolder,
  openWorkspace,
  readJournalLines,
  API_KEY,
  type Migration,
  type Workspace,
} from './engine-helpers.js';

const MESSY = 'fixtures/samples/messy';
const OBJECTS = ['people', 'companies', 'opportunities', 'notes', 'noteTargets'] as const;
const KEY_FIELDS = ['kartraLeadId', 'kartraCompanyKey', 'kartraTransactionId', 'kartraSubscriptionId'];

let root: string;
let inspection: Inspection;
let expected: Expected;
const open: Workspace[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'rollback-test-'));
  inspection = await inspectExports([MESSY]);
  expected = await loadExpected(MESSY);
});

afterAll(async () => {
  for (const ws of open) await ws.close();
  await rm(root, { recursive: true, force: true });
});

// Set-up

type Person = NonNullable<Expected['leads']['people_detail']>[number];
const detail = (): Person[] => expected.leads.people_detail ?? [];
/** A lead of the sample (the first people read) and one well past it, neither with a company. */
const sampleLead = (): Person => detail()[0]!;
const laterLead = (): Person => detail().slice(150).find((d) => d.company === null && d.phoneE164 !== null)!;
const collidingLead = (): Person => detail()[1]!;

/** A fresh workspace, before the migration's custom fields exist (as a real one would be). */
async function workspace(): Promise<Workspace> {
  const ws = await openWorkspace('v2');
  open.push(ws);
  return ws;
}

/** Proposes the mapping against the workspace as it is and applies its schema changes. */
async function prepare(ws: Workspace): Promise<Migration> {
  const mapping = buildMapping({ migrationId: MIGRATION_ID, inspection, schema: await ws.client.schema({ refresh: true }), mode: 'rehearsal' });
  await applySchemaChanges(ws.client, planSchemaChanges(mapping, await ws.client.schema({ refresh: true })));
  return { exportsDir: MESSY, inspection, mapping, expected };
}

async function create(ws: Workspace, plural: string, record: Record<string, unknown>): Promise<string> {
  const answer = await ws.client.upsertMany(plural, [record]);
  expect(answer.rejected).toEqual([]);
  return answer.written[0]!.id;
}

/**
 * What users typed in Twenty before the migration: an unrelated company and person (never touched), a person with
 * the email of a lead in the sample and one with the email of a later lead (names spelled their own way, a job title,
 * no phone), and a company the leads name in another spelling ("Ironclad Security" for "Ironclad Security, Inc.").
 */
async function seedExisting(ws: Workspace): Promise<{ unrelated: string[]; inSample: string; later: string; company: string }> {
  const other = await create(ws, 'companies', { name: 'Unrelated Holdings' });
  const una = await create(ws, 'people', { name: { firstName: 'Una', lastName: 'Related' }, emails: { primaryEmail: 'una.related@example.org' }, companyId: other, jobTitle: 'Buyer' });
  const inSample = await create(ws, 'people', { name: { firstName: 'Marky', lastName: '' }, emails: { primaryEmail: sampleLead().email }, jobTitle: 'Owner' });
  const later = await create(ws, 'people', { name: { firstName: laterLead().firstName.toUpperCase(), lastName: 'Typed-By-Hand' }, emails: { primaryEmail: laterLead().email }, jobTitle: 'Typed by hand' });
  const company = await create(ws, 'companies', { name: 'Ironclad Security' });
  return { unrelated: [other, una], inSample, later, company };
}

// Oracles

type Snapshot = Record<(typeof OBJECTS)[number], Map<string, StoredRecord>>;

function snapshot(ws: Workspace): Snapshot {
  return Object.fromEntries(OBJECTS.map((plural) => [plural, new Map(ws.sandbox.records(plural).map((r) => [r.id, r]))])) as Snapshot;
}

/**
 * A record without the audit field every write moves. An empty TEXT is '' in a row that existed before its field was
 * created (the column's default) and null once written through the API (Twenty stores '' as null): both are empty.
 */
const content = (r: StoredRecord | undefined): Record<string, unknown> | undefined => {
  if (!r) return undefined;
  const { updatedAt: _moved, ...rest } = r;
  return Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, v === '' ? null : v]));
};

/** Per object, the records that are not as they were (ids added, missing, or with other field values). */
function differences(before: Snapshot, after: Snapshot, ignore: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  for (const object of OBJECTS) {
    const ids = new Set([...before[object].keys(), ...after[object].keys()]);
    for (const id of ids) {
      if (ignore.has(id)) continue;
      const a = content(before[object].get(id));
      const b = content(after[object].get(id));
      if (!a) out.push(`${object} ${id}: added (${KEY_FIELDS.map((k) => b?.[k]).filter(Boolean).join(' ')})`);
      else if (!b) out.push(`${object} ${id}: gone`);
      else {
        for (const field of new Set([...Object.keys(a), ...Object.keys(b)])) {
          if (JSON.stringify(a[field]) !== JSON.stringify(b[field])) out.push(`${object} ${id}.${field}: was ${JSON.stringify(a[field])}, is ${JSON.stringify(b[field])}`);
        }
      }
    }
  }
  return out;
}

/** Records carrying one of the migration's keys. */
const migrationRecords = (ws: Workspace): StoredRecord[] =>
  OBJECTS.flatMap((o) => ws.sandbox.records(o)).filter((r) => KEY_FIELDS.some((k) => typeof r[k] === 'string' && r[k] !== ''));

type Reversed = Record<Phase, { destroyed: number; restored: number }>;
/** The phases an import counts (the engine's, whatever they are), so every phase it wrote is checked. */
const phasesOf = (result: ImportResult): Phase[] => Object.keys(result.counts) as Phase[];

/** What a rollback of `result` must reverse: per phase, destroy what it created, restore what it updated. */
const written = (result: ImportResult): Reversed =>
  Object.fromEntries(phasesOf(result).map((p) => [p, { destroyed: result.counts[p].created, restored: result.counts[p].updated }])) as Reversed;

const addUp = (phases: Phase[], ...results: RollbackResult[]): Reversed =>
  Object.fromEntries(
    phases.map((p) => [p, { destroyed: results.reduce((n, r) => n + (r.reversed[p]?.destroyed ?? 0), 0), restored: results.reduce((n, r) => n + (r.reversed[p]?.restored ?? 0), 0) }]),
  ) as Reversed;

/** The plan a journal of these writes gives, in any order. */
const planOf = (counts: Reversed) =>
  Object.entries(counts)
    .map(([phase, c]) => ({ phase, destroy: c.destroyed, restore: c.restored }))
    .filter((p) => p.destroy + p.restore > 0)
    .sort((a, b) => a.phase.localeCompare(b.phase));
const sortedPlan = async (dir: string) => [...(await planRollback(dir))].sort((a, b) => a.phase.localeCompare(b.phase));

const deleteCalls = (ws: Workspace): number =>
  Object.entries(ws.sandbox.stats().calls)
    .filter(([route]) => route.startsWith('DELETE '))
    .reduce((n, [, c]) => n + c, 0);

// Tests

describe('rollback after a sample', () => {
  it('destroys what the sample created and restores what it updated: the sandbox is as it was before', async () => {
    const ws = await workspace();
    const existing = await seedExisting(ws);
    const migration = await prepare(ws);
    const before = snapshot(ws);
    const dir = await migrationFolder(root);

    const sample = await importStage(ws, migration, dir, 'sample');
    expect(sample.counts.people.created).toBe(99); // 100 people, one of them already in Twenty
    expect(sample.counts.people.updated).toBe(1);
    expect(sample.counts.companies.updated).toBe(1);
    expect(ws.sandbox.records('people').find((p) => p.id === existing.inSample)?.kartraLeadId).toBe(sampleLead().kartraLeadId);
    expect(await sortedPlan(dir)).toEqual(planOf(written(sample)));

    const result = await runRollback(dir, ws.client);
    expect(result).toMatchObject({ kept: [], errored: [], cancelled: false });
    expect(addUp(phasesOf(sample), result)).toEqual(written(sample));
    const after = snapshot(ws);
    expect(differences(before, after)).toEqual([]);
    // Never touched: not even their updatedAt moved. The later lead's person was never part of the sample.
    for (const id of [...existing.unrelated, existing.later]) {
      expect(after.people.get(id) ?? after.companies.get(id)).toEqual(before.people.get(id) ?? before.companies.get(id));
    }
    expect(await planRollback(dir)).toEqual([]);
  });
});

describe.each(['fill-empty', 'overwrite'] as const)('rollback after a full import (policy %s)', (policy: Policy) => {
  let ws: Workspace;
  let existing: Awaited<ReturnType<typeof seedExisting>>;
  let before: Snapshot;
  let dir: string;
  let migration: Migration;
  let full: ImportResult;
  let imported: Record<string, unknown>;
  let result: RollbackResult;

  beforeAll(async () => {
    ws = await workspace();
    existing = await seedExisting(ws);
    migration = await prepare(ws);
    before = snapshot(ws);
    dir = await migrationFolder(root);
    full = await importStage(ws, migration, dir, 'full', policy);
    imported = canonicalRecords(ws.sandbox);
    result = await runRollback(dir, ws.client);
  });

  it('updated the records that were there before, as its policy says', () => {
    expect(full.counts.people).toMatchObject({ created: expected.leads.people - 2, updated: 2, failed: 0 });
    expect(full.counts.companies).toMatchObject({ created: expected.companies.count - 1, updated: 1, failed: 0 });
    const later = (imported.people as Record<string, { name: { firstName: string; lastName: string } }>)[laterLead().kartraLeadId]!;
    if (policy === 'fill-empty') expect(later.name).toMatchObject({ lastName: 'Typed-By-Hand' });
    else expect(later.name).toMatchObject({ firstName: laterLead().firstName, lastName: laterLead().lastName });
  });

  it('reverses every record it wrote, and nothing else', () => {
    expect(result).toMatchObject({ kept: [], errored: [], cancelled: false });
    expect(addUp(phasesOf(full), result)).toEqual(written(full));
  });

  it('leaves no company, person or opportunity of the migration', () => {
    expect(migrationRecords(ws)).toEqual([]);
    expect(ws.sandbox.records('opportunities')).toEqual([]);
    expect(ws.sandbox.records('notes')).toEqual([]);
    expect(ws.sandbox.records('people').map((p) => p.id).sort()).toEqual([...before.people.keys()].sort());
    expect(ws.sandbox.records('companies').map((c) => c.id).sort()).toEqual([...before.companies.keys()].sort());
  });

  it('gives the records it updated their previous values back exactly, kartraLeadId empty again', () => {
    const after = snapshot(ws);
    expect(differences(before, after)).toEqual([]);
    for (const id of [existing.inSample, existing.later]) expect(after.people.get(id)?.kartraLeadId ?? '').toBe('');
    expect(after.companies.get(existing.company)?.name).toBe('Ironclad Security');
    expect(after.companies.get(existing.company)?.kartraCompanyKey ?? '').toBe('');
  });

  it('a new full import afterwards writes everything again (the journal sees reversed rows as not imported)', async () => {
    const state = await readJournalState(dir);
    expect([...state.outcomes.values()].filter((o) => o.outcome === 'created' || o.outcome === 'updated')).toEqual([]);
    const again = await importStage(ws, migration, dir, 'full', policy);
    for (const phase of phasesOf(full)) {
      expect(again.counts[phase], phase).toMatchObject({ created: full.counts[phase].created, updated: full.counts[phase].updated, failed: 0 });
    }
    expect(canonicalRecords(ws.sandbox)).toEqual(imported);
  });
});

describe('rollback after a partial failure', () => {
  it('undoes what was written and says nothing of the records that failed', async () => {
    const ws = await workspace();
    const migration = await prepare(ws);
    // A person already carries the lead's id under another email, and someone else holds the lead's email: under
    // overwrite, the update that would give the first the second's email cannot be written.
    const lead = collidingLead();
    const holder = await create(ws, 'people', { name: { firstName: 'Old', lastName: 'Record' }, emails: { primaryEmail: 'old.record@elsewhere.test' }, kartraLeadId: lead.kartraLeadId });
    const other = await create(ws, 'people', { name: { firstName: 'Rachel', lastName: 'Other' }, emails: { primaryEmail: lead.email } });
    const before = snapshot(ws);
    const dir = await migrationFolder(root);

    const full = await importStage(ws, migration, dir, 'full', 'overwrite');
    expect(full.counts.people).toMatchObject({ created: expected.leads.people - 1, updated: 0, failed: 1 });
    const failed = [...(await readJournalState(dir)).outcomes.values()].filter((o) => o.outcome === 'failed');
    expect(failed.map((o) => `${o.phase} ${o.key}`)).toEqual([`people ${lead.kartraLeadId}`]);
    expect(failed[0]!.reason).toMatch(/duplicate|multiple/i);
    expect(snapshot(ws).people.get(holder)).toEqual(before.people.get(holder));

    const result = await runRollback(dir, ws.client);
    expect(result).toMatchObject({ kept: [], errored: [], cancelled: false });
    expect(addUp(phasesOf(full), result)).toEqual(written(full));
    const after = snapshot(ws);
    expect(differences(before, after)).toEqual([]);
    expect(after.people.get(holder)).toEqual(before.people.get(holder));
    expect(after.people.get(other)).toEqual(before.people.get(other));
    // The failed row stays failed in the journal: a later import tries it again.
    expect([...(await readJournalState(dir)).outcomes.values()].filter((o) => o.outcome !== 'skipped').map((o) => `${o.phase} ${o.key} ${o.outcome}`)).toEqual([`people ${lead.kartraLeadId} failed`]);
  });
});

describe('rollback with records edited in Twenty after the import', () => {
  it('keeps and lists each edited record with the reason, and reverses the rest', async () => {
    const ws = await workspace();
    const existing = await seedExisting(ws);
    const migration = await prepare(ws);
    const before = snapshot(ws);
    const dir = await migrationFolder(root);
    const full = await importStage(ws, migration, dir, 'full');

    const state = await readJournalState(dir);
    const outcome = (phase: Phase, key: string) => state.outcomes.get(`${phase}|${key}`)!;
    const createdPerson = detail().find((d) => d.company === null && d.kartraLeadId !== sampleLead().kartraLeadId && d.kartraLeadId !== laterLead().kartraLeadId)!;
    const createdCompany = [...state.outcomes.values()].find((o) => o.phase === 'companies' && o.outcome === 'created')!;
    const createdOpportunity = [...state.outcomes.values()].find((o) => o.phase === 'transactions' && o.outcome === 'created')!;
    const edits = [
      { phase: 'people' as const, key: createdPerson.kartraLeadId, plural: 'people', patch: { jobTitle: 'Edited after the import' } },
      { phase: 'people' as const, key: sampleLead().kartraLeadId, plural: 'people', patch: { jobTitle: 'Edited after the import' } },
      { phase: 'companies' as const, key: createdCompany.key, plural: 'companies', patch: { name: 'Edited after the import' } },
      { phase: 'transactions' as const, key: createdOpportunity.key, plural: 'opportunities', patch: { name: 'Edited after the import' } },
    ];
    expect(outcome('people', sampleLead().kartraLeadId).outcome).toBe('updated');
    await new Promise((resolve) => setTimeout(resolve, 5)); // an edit in a later millisecond than the import's write
    for (const e of edits) await ws.client.update(e.plural, outcome(e.phase, e.key).id!, e.patch);

    // Records the import created that an edited record points to (an edited opportunity's person and company) stay
    // too: destroying them would cut the kept record's links.
    const editedIds = new Set(edits.map((e) => outcome(e.phase, e.key).id!));
    const pointedTo = new Set(
      edits.flatMap((e) => {
        const record = OBJECTS.map((o) => snapshot(ws)[o].get(outcome(e.phase, e.key).id!)).find(Boolean) ?? {};
        return Object.entries(record).flatMap(([field, value]) => (field.endsWith('Id') && typeof value === 'string' ? [value] : []));
      }),
    );
    const linked = [...state.outcomes.values()].filter((o) => o.outcome === 'created' && o.id && pointedTo.has(o.id) && !editedIds.has(o.id));

    const result = await runRollback(dir, ws.client);
    expect(result.errored).toEqual([]);
    expect(result.kept.map((k) => `${k.phase} ${k.key}`).sort()).toEqual([...edits, ...linked].map((e) => `${e.phase} ${e.key}`).sort());
    for (const k of result.kept) {
      expect(k.id).toBe(outcome(k.phase, k.key).id);
      expect(k.reason).toMatch(editedIds.has(k.id) ? /changed in Twenty since the import/ : /a record kept in Twenty .* links to it/);
    }
    const expectedReversed = written(full);
    for (const e of [...edits, ...linked]) expectedReversed[e.phase][outcome(e.phase, e.key).outcome === 'created' ? 'destroyed' : 'restored']--;
    expect(addUp(phasesOf(full), result)).toEqual(expectedReversed);

    // The kept records are as the user left them; every other record is as it was before the import.
    const after = snapshot(ws);
    const keptIds = new Set([...editedIds, ...linked.map((o) => o.id!)]);
    for (const e of edits) {
      const record = OBJECTS.map((o) => after[o].get(outcome(e.phase, e.key).id!)).find(Boolean);
      expect(record, `${e.phase} ${e.key}`).toMatchObject(e.patch);
    }
    expect(after.people.get(existing.inSample)?.kartraLeadId).toBe(sampleLead().kartraLeadId);
    expect(differences(before, after, keptIds)).toEqual([]);
    expect(migrationRecords(ws).map((r) => r.id).sort()).toEqual([...keptIds].sort());
  });
});

describe('a rollback stopped midway', () => {
  it('goes on where it stopped when run again, each record reversed once', async () => {
    const ws = await workspace();
    const migration = await prepare(ws);
    const before = snapshot(ws);
    const dir = await migrationFolder(root);
    const full = await importStage(ws, migration, dir, 'full');
    const phases = phasesOf(full);
    const created = phases.reduce((n, p) => n + full.counts[p].created, 0);
    ws.sandbox.resetStats();

    const controller = new AbortController();
    const first = await runRollback(dir, ws.client, { signal: controller.signal, onProgress: (done) => done >= 300 && controller.abort() });
    expect(first.cancelled).toBe(true);
    const firstTotal = phases.reduce((n, p) => n + (first.reversed[p]?.destroyed ?? 0), 0);
    expect(firstTotal).toBeGreaterThanOrEqual(300);
    expect(firstTotal).toBeLessThan(created);
    const left = written(full);
    for (const p of phases) left[p].destroyed -= first.reversed[p]?.destroyed ?? 0;
    expect(await sortedPlan(dir)).toEqual(planOf(left));

    const second = await runRollback(dir, ws.client);
    expect(second).toMatchObject({ cancelled: false, kept: [], errored: [] });
    expect(addUp(phases, first, second)).toEqual(written(full));
    // destroyed 100 per call (deletes by filter), never one record twice
    const calls = deleteCalls(ws);
    expect(calls).toBeLessThanOrEqual(Math.ceil(created / 100) + 2 * phases.length);
    const reversedKeys = (await readJournalLines(dir)).filter((l) => l.t === 'reversed').flatMap((l) => l.keys as string[]);
    expect(reversedKeys.length).toBe(created);
    expect(new Set(reversedKeys).size).toBe(created);
    expect(differences(before, snapshot(ws))).toEqual([]);

    const third = await runRollback(dir, ws.client);
    expect(addUp(phases, third)).toEqual(Object.fromEntries(phases.map((p) => [p, { destroyed: 0, restored: 0 }])));
    expect(deleteCalls(ws)).toBe(calls);
  });
});

describe('a person in Twenty\'s trash with a lead\'s email', () => {
  it('is left alone by the import (its row skipped with what to do) and by the rollback: still in the trash, as it was', async () => {
    const ws = await workspace();
    const migration = await prepare(ws);
    const trashed = await create(ws, 'people', { name: { firstName: 'Trashed', lastName: 'By-A-User' }, emails: { primaryEmail: sampleLead().email }, jobTitle: 'Typed by a user' });
    // The client has no soft delete (a migration never makes one): the user's "delete" in Twenty, sent as Twenty gets it.
    const res = await fetch(`${ws.sandbox.url}/rest/people/${trashed}?soft_delete=true`, { method: 'DELETE', headers: { authorization: `Bearer ${API_KEY}` } });
    expect(res.status).toBe(200);
    const before = snapshot(ws);
    expect(before.people.get(trashed)?.deletedAt).not.toBeNull();
    const dir = await migrationFolder(root);

    const full = await importStage(ws, migration, dir, 'full');
    expect(full.counts.people).toMatchObject({ created: expected.leads.people - 1, updated: 0, failed: 0 });
    const row = (await readJournalState(dir)).outcomes.get(`people|${sampleLead().kartraLeadId}`);
    expect(row).toMatchObject({ outcome: 'skipped' });
    expect(row?.reason).toMatch(/trash/);
    expect(ws.sandbox.records('people').find((p) => p.id === trashed)).toEqual(before.people.get(trashed));

    const result = await runRollback(dir, ws.client);
    expect(result).toMatchObject({ kept: [], errored: [], cancelled: false });
    expect(addUp(phasesOf(full), result)).toEqual(written(full));
    expect(ws.sandbox.records('people').find((p) => p.id === trashed)).toEqual(before.people.get(trashed));
    expect(differences(before, snapshot(ws))).toEqual([]);
  });
});
