/**
 * The import end to end: the committed sample sets (and one generated set) through inspection, mapping, schema
 * changes and runImport into the sandbox in both Twenty profiles, then what the sandbox holds compared with the
 * set's expected.json. Every import runs in a workspace of its own, so each starts from an empty CRM.
 */
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Counts, ImportResult, Phase } from '../../src/migration/engine.js';
import type { Policy } from '../../src/migration/matching.js';
import { generateSamples } from '../../src/samples/generate.js';
import type { PersonDetail } from '../../src/samples/expected.js';
import type { ProfileName, StoredRecord } from '../../src/sandbox/index.js';
import {
  compareWithExpected,
  importStage,
  live,
  migrationFolder,
  openWorkspace,
  optionValueBySpelling,
  prepareMigration,
  readJournalLines,
  readOpportunitySources,
  skippedPeople,
  writeCalls,
  canonicalRecords,
  type Comparison,
  type Migration,
  type Workspace,
} from './engine-helpers.js';

const MESSY = 'fixtures/samples/messy';
const PHASES: Phase[] = ['companies', 'people', 'transactions', 'subscriptions'];

let root: string;
const open: Workspace[] = [];

async function workspace(profile: ProfileName, migration?: Migration): Promise<Workspace> {
  const ws = await openWorkspace(profile, migration?.mapping);
  open.push(ws);
  return ws;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'engine-test-'));
});

afterAll(async () => {
  for (const ws of open) await ws.close();
  await rm(root, { recursive: true, force: true });
});

type FullRun = {
  workspace: Workspace;
  migration: Migration;
  dir: string;
  dry: ImportResult;
  dryWrites: Record<string, number>;
  dryRecords: number[];
  dryJournal: boolean;
  full: ImportResult;
  comparison: Comparison;
};

/** One workspace per profile with a dry run then a full import of the messy set, shared by the tests that read it. */
const fullRuns = new Map<ProfileName, Promise<FullRun>>();
function fullRun(profile: ProfileName): Promise<FullRun> {
  let run = fullRuns.get(profile);
  if (!run) {
    run = (async () => {
      const ws = await workspace(profile);
      const migration = await prepareMigration(ws, MESSY);
      const dir = await migrationFolder(root);
      ws.sandbox.resetStats();
      const dry = await importStage(ws, migration, dir, 'dry-run');
      const dryWrites = writeCalls(ws.sandbox);
      const dryRecords = ['people', 'companies', 'opportunities'].map((p) => ws.sandbox.records(p).length);
      const dryJournal = await access(join(dir, 'journal.jsonl')).then(() => true, () => false);
      const full = await importStage(ws, migration, dir, 'full');
      const comparison = await compareWithExpected(ws.sandbox, ws.client, migration);
      return { workspace: ws, migration, dir, dry, dryWrites, dryRecords, dryJournal, full, comparison };
    })();
    fullRuns.set(profile, run);
  }
  return run;
}

/** People whose createdAt is not their join date although the run reported no problem with that date. */
function silentlyMisdated(c: Comparison, result: ImportResult): string[] {
  const reported = new Set(result.problems.filter((p) => p.phase === 'people' && /date.?joined/i.test(p.column)).map((p) => p.key));
  return [...c.createdAt.keys()].filter((lead) => !reported.has(lead));
}

/** Subscriptions exported under their processor's id (expected.json's idMismatches). */
const processorIds = (m: Migration): Set<string> => new Set(m.expected.subscriptions.idMismatches.map((x) => x.subscriptionId));

/** The figures of expected.json a complete import must reach (the ones the engine reaches today: see the report). */
function expectReached(c: Comparison, result: ImportResult, migration: Migration): void {
  expect(c.peopleCount.actual).toBe(c.peopleCount.expected);
  expect(c.unknownPeople).toEqual([]);
  expect(c.duplicateLeadIds).toEqual([]);
  expect(c.identity).toEqual([]);
  // A tag spelled with the other chunk's separator in it ("Coaching, Group" in a ';' file) is split: see the report.
  const withSeparator = new Set(migration.expected.leads.people_detail!.filter((d) => [...d.tags, ...d.lists].some((t) => /[,;]/.test(t))).map((d) => d.kartraLeadId));
  expect(c.tags.filter((m) => !withSeparator.has(m.split(':')[0]!))).toEqual([]);
  expect(c.lists.filter((m) => !withSeparator.has(m.split(':')[0]!))).toEqual([]);
  expect(c.phones).toEqual([]);
  expect(silentlyMisdated(c, result)).toEqual([]);
  expect(c.companies.actualCount).toBe(c.companies.expectedCount);
  expect({ missing: c.companies.missingKeys, extra: c.companies.extraKeys }).toEqual({ missing: [], extra: [] });
  expect(c.companyLinks).toEqual([]);
  expect(c.opportunities.actual).toBe(c.opportunities.expected);
  expect(c.opportunities.duplicateKeys).toEqual([]);
  expect(c.opportunities.inBoth).toEqual([]);
  expect(c.transactionKeys).toEqual({ missing: [], unexpected: [] });
  expect(c.subscriptionKeys).toEqual({ missing: [], unexpected: [] });
  expect(c.netRevenue.actual).toBe(c.netRevenue.expected);
  expect(c.oracleActive).toBe(migration.expected.subscriptions.activeByLastEvent);
  const ids = processorIds(migration);
  expect(Object.fromEntries([...c.stages].filter(([id]) => !ids.has(id)))).toEqual({});
  expect(c.contactLinks).toEqual([]);
}

describe.each(['v1', 'v2'] as const)('a full import of the messy set into a %s sandbox', (profile) => {
  let run: FullRun;
  beforeAll(async () => {
    run = await fullRun(profile);
  });

  it('holds every expected person once, with their email and name', () => {
    const c = run.comparison;
    expect(c.peopleCount.actual).toBe(c.peopleCount.expected);
    expect(c.unknownPeople).toEqual([]);
    expect(c.duplicateLeadIds).toEqual([]);
    expect(c.identity).toEqual([]);
  });

  it('gives each person their tags, lists (duplicates united) and phone', () => {
    expect(run.comparison.tags).toEqual([]);
    expect(run.comparison.lists).toEqual([]);
    expect(run.comparison.phones).toEqual([]);
  });

  it('dates each person from their join date, or reports why it could not', () => {
    const { comparison: c, full } = run;
    expect(silentlyMisdated(c, full)).toEqual([]);
    const dated = run.migration.expected.leads.people_detail!.filter((d) => d.createdAt !== null).length;
    expect(dated - c.createdAt.size).toBeGreaterThan(dated * 0.95);
  });

  it('creates one company per distinct company and links people to theirs', () => {
    const c = run.comparison.companies;
    expect(c.actualCount).toBe(c.expectedCount);
    expect({ missing: c.missingKeys, extra: c.extraKeys }).toEqual({ missing: [], extra: [] });
    expect(run.comparison.companyLinks).toEqual([]);
  });

  it('creates one opportunity per distinct transaction and per subscription, none twice', () => {
    const c = run.comparison;
    expect(c.opportunities.actual).toBe(c.opportunities.expected);
    expect(c.opportunities.duplicateKeys).toEqual([]);
    expect(c.opportunities.inBoth).toEqual([]);
    expect(c.transactionKeys).toEqual({ missing: [], unexpected: [] });
    expect(c.subscriptionKeys).toEqual({ missing: [], unexpected: [] });
  });

  it('reaches the net revenue to the cent from the opportunities’ revenue', () => {
    expect(run.comparison.netRevenue.actual).toBe(run.comparison.netRevenue.expected);
  });

  it('stages each subscription by its last lifecycle event', () => {
    const c = run.comparison;
    expect(c.oracleActive).toBe(run.migration.expected.subscriptions.activeByLastEvent);
    const ids = processorIds(run.migration);
    expect(Object.fromEntries([...c.stages].filter(([id]) => !ids.has(id)))).toEqual({});
    expect(c.cancelled.actual).toBe(c.cancelled.expected);
  });

  it('links opportunities to the person they belong to', () => {
    expect(run.comparison.contactLinks).toEqual([]);
  });

  it('skips every rejected and duplicate lead with its reason', async () => {
    const { expected } = run.migration;
    const skipped = await skippedPeople(run.dir);
    expect(run.full.counts.people.skipped).toBe(expected.leads.rejects.length + expected.leads.duplicates.length);
    const want = new Map<string, RegExp>([
      // A placeholder email (N/A) is missing_email for the reader; the engine calls it invalid_email (see the report).
      ...expected.leads.rejects.map((r) => [`${r.file}:${r.line}`, r.reason === 'ragged_row' ? /^ragged_row\b/ : /^(missing|invalid)_email\b/] as const),
      ...expected.leads.duplicates.map((d) => [`${d.file}:${d.line}`, new RegExp(`^duplicate of ${d.duplicateOf.file.replace(/\./g, '\\.')}:${d.duplicateOf.line}\\b`)] as const),
    ]);
    expect([...skipped.keys()].sort()).toEqual([...want.keys()].sort());
    const wrong = [...want].filter(([row, reason]) => !reason.test(skipped.get(row) ?? '')).map(([row]) => `${row}: ${skipped.get(row)}`);
    expect(wrong).toEqual([]);
    const exact = expected.leads.rejects.filter((r) => r.reason !== 'missing_email').filter((r) => !skipped.get(`${r.file}:${r.line}`)?.startsWith(r.reason));
    expect(exact).toEqual([]);
  });

  it('counts what it wrote', () => {
    const { counts } = run.full;
    const { expected } = run.migration;
    expect(counts.people).toEqual({ created: expected.leads.people, updated: 0, unchanged: 0, skipped: expected.leads.rejects.length + expected.leads.duplicates.length, failed: 0 });
    expect(counts.companies).toEqual({ created: expected.companies.count, updated: 0, unchanged: 0, skipped: 0, failed: 0 });
    const repeatedRows = expected.transactions.rows - expected.transactions.distinctRows;
    expect(counts.transactions).toEqual({ created: expected.opportunities.fromTransactions, updated: 0, unchanged: 0, skipped: repeatedRows, failed: 0 });
    expect(counts.subscriptions).toEqual({ created: expected.opportunities.fromSubscriptions, updated: 0, unchanged: 0, skipped: 0, failed: 0 });
  });

  it('a dry run before it wrote nothing, not even a journal, and counted what the full run then did', () => {
    expect(run.dryWrites).toEqual({});
    expect(run.dryRecords).toEqual([0, 0, 0]);
    expect(run.dryJournal).toBe(false);
    expect(run.dry.counts).toEqual(run.full.counts);
    expect(run.dry.problemCount).toBe(run.full.problemCount);
    expect(new Set(run.dry.samples.map((s) => s.phase))).toEqual(new Set(PHASES));
  });
});

describe('a sample, then the full import (v2)', () => {
  let single: FullRun;
  let ws: Workspace;
  let migration: Migration;
  let dir: string;
  let sample: ImportResult;
  let full: ImportResult;
  let afterSample: { people: StoredRecord[]; companies: StoredRecord[]; opportunities: StoredRecord[] };

  beforeAll(async () => {
    single = await fullRun('v2');
    migration = single.migration;
    ws = await workspace('v2', migration);
    dir = await migrationFolder(root);
    sample = await importStage(ws, migration, dir, 'sample');
    afterSample = { people: live(ws.sandbox, 'people'), companies: live(ws.sandbox, 'companies'), opportunities: live(ws.sandbox, 'opportunities') };
    full = await importStage(ws, migration, dir, 'full');
  });

  it('the sample writes the 100 oldest people with their companies and opportunities', async () => {
    const { people, companies, opportunities } = afterSample;
    expect(people).toHaveLength(100);
    expect(sample.counts.people).toEqual({ created: 100, updated: 0, unchanged: 0, skipped: 0, failed: 0 });
    const detail = migration.expected.leads.people_detail!;
    const sampled = new Set(people.map((p) => String(p.kartraLeadId)));
    // Oldest first: no lead left out of the sample joined before one in it.
    const joined = (d: PersonDetail) => (d.createdAt === null ? Infinity : Date.parse(d.createdAt));
    const newestIn = Math.max(...detail.filter((d) => sampled.has(d.kartraLeadId)).map(joined));
    const olderOut = detail.filter((d) => !sampled.has(d.kartraLeadId) && joined(d) < newestIn).map((d) => `${d.kartraLeadId} ${d.createdAt}`);
    expect(olderOut).toEqual([]);

    const companyIds = new Set(people.map((p) => p.companyId).filter((id): id is string => typeof id === 'string'));
    expect(new Set(companies.map((c) => c.id))).toEqual(companyIds);
    expect(sample.counts.companies.created).toBe(companyIds.size);

    const emails = new Set(detail.filter((d) => sampled.has(d.kartraLeadId)).map((d) => d.email));
    const sources = await readOpportunitySources(migration);
    const belongs = (s: { leadId: string; email: string }) => sampled.has(s.leadId) || emails.has(s.email);
    const wanted = new Set([...sources.transactions.filter(belongs).map((s) => `t ${s.id}`), ...sources.subscriptions.filter(belongs).map((s) => `s ${s.id}`)]);
    const written = opportunities.map((o) => (o.kartraTransactionId ? `t ${String(o.kartraTransactionId)}` : `s ${String(o.kartraSubscriptionId)}`));
    expect(written.sort()).toEqual([...wanted].sort());
    const sampleIds = new Set(people.map((p) => p.id));
    expect(opportunities.filter((o) => !sampleIds.has(String(o.pointOfContactId))).map((o) => o.name)).toEqual([]);
  });

  it('the full stage writes the rest: together, what one full import writes', async () => {
    expect(canonicalRecords(ws.sandbox)).toEqual(canonicalRecords(single.workspace.sandbox));
    for (const phase of PHASES) {
      const together = Object.fromEntries(Object.keys(full.counts[phase]).map((o) => [o, sample.counts[phase][o as keyof Counts] + full.counts[phase][o as keyof Counts]]));
      expect(together, phase).toEqual(single.full.counts[phase]);
    }
    expectReached(await compareWithExpected(ws.sandbox, ws.client, migration), full, migration);
  });

  it('a full import run again writes nothing and counts nothing', async () => {
    const before = ['people', 'companies', 'opportunities'].map((p) => ws.sandbox.records(p));
    ws.sandbox.resetStats();
    const again = await importStage(ws, migration, dir, 'full');
    expect(writeCalls(ws.sandbox)).toEqual({});
    for (const phase of PHASES) expect(again.counts[phase], phase).toEqual({ created: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0 });
    expect(['people', 'companies', 'opportunities'].map((p) => ws.sandbox.records(p))).toEqual(before);
  });
});

describe('people and companies already in Twenty (v2), under each policy', () => {
  let migration: Migration;
  let picked: { byEmail: PersonDetail; plain: PersonDetail; keyed: PersonDetail };

  beforeAll(async () => {
    migration = (await fullRun('v2')).migration;
    const detail = migration.expected.leads.people_detail!;
    const buyers = new Set((await readOpportunitySources(migration)).transactions.map((t) => t.leadId));
    const fit = detail.filter((d) => d.phoneE164 !== null && d.tags.length > 0 && d.company !== null && buyers.has(d.kartraLeadId));
    picked = { byEmail: fit[0]!, plain: fit[1]!, keyed: fit[2]! };
  });

  const PRESET_PHONE = { primaryPhoneNumber: '2025550143', primaryPhoneCallingCode: '+1', primaryPhoneCountryCode: 'US' };

  /** Three people and one company typed into Twenty before the import, as their records read back. */
  async function seed(ws: Workspace): Promise<{ byEmail: StoredRecord; plain: StoredRecord; keyed: StoredRecord; company: StoredRecord }> {
    const { byEmail, plain, keyed } = picked;
    const people = await ws.client.upsertMany('people', [
      { emails: { primaryEmail: byEmail.email }, name: { firstName: 'Typed', lastName: 'ByHand' }, jobTitle: 'Head of Growth', phones: PRESET_PHONE },
      { emails: { primaryEmail: plain.email }, name: { firstName: 'Only', lastName: 'Email' } },
      { emails: { primaryEmail: 'old.address@example.org' }, name: { firstName: keyed.firstName, lastName: keyed.lastName }, jobTitle: 'CFO', kartraLeadId: keyed.kartraLeadId },
    ]);
    expect(people.rejected).toEqual([]);
    const companies = await ws.client.upsertMany('companies', [{ name: byEmail.company!.toUpperCase() }]);
    expect(companies.rejected).toEqual([]);
    const stored = (plural: string, id: string) => ws.sandbox.records(plural).find((r) => r.id === id)!;
    const [a, b, c] = people.written.map((w) => stored('people', w.id));
    return { byEmail: a!, plain: b!, keyed: c!, company: stored('companies', companies.written[0]!.id) };
  }

  async function importWith(policy: Policy) {
    const ws = await workspace('v2', migration);
    const before = await seed(ws);
    const dir = await migrationFolder(root);
    const result = await importStage(ws, migration, dir, 'full', policy);
    const after = (r: StoredRecord, plural: string) => ws.sandbox.records(plural).find((x) => x.id === r.id)!;
    const journal = await readJournalLines(dir);
    const updates = journal
      .filter((l) => l.t === 'intent')
      .flatMap((l) => l.records ?? [])
      .filter((r) => r.action === 'update') as { phase: string; key: string; record: Record<string, unknown>; previous: Record<string, unknown> }[];
    return {
      ws,
      before,
      result,
      journal,
      updates,
      now: { byEmail: after(before.byEmail, 'people'), plain: after(before.plain, 'people'), keyed: after(before.keyed, 'people'), company: after(before.company, 'companies') },
    };
  }

  const tagValues = (d: PersonDetail): string[] => {
    const values = optionValueBySpelling(migration.mapping, 'kartraTags');
    return [...new Set(d.tags.map((t) => values.get(t)!))].sort();
  };
  const phoneOf = (r: StoredRecord) => {
    const p = r.phones as Record<string, unknown>;
    return `${String(p.primaryPhoneCallingCode)}${String(p.primaryPhoneNumber)}`;
  };
  const emailOf = (r: StoredRecord) => String((r.emails as { primaryEmail: string }).primaryEmail);
  const nameOf = (r: StoredRecord) => r.name as { firstName: string; lastName: string };
  const oneEach = (ws: Workspace): void => {
    expect(live(ws.sandbox, 'people')).toHaveLength(migration.expected.leads.people);
    expect(live(ws.sandbox, 'companies')).toHaveLength(migration.expected.companies.count);
  };

  it('fill-empty fills only what is empty, sets the key, and journals the previous values', async () => {
    const { ws, before, now, result, updates } = await importWith('fill-empty');
    const { byEmail, plain, keyed } = picked;
    oneEach(ws);
    expect(result.counts.people).toMatchObject({ created: migration.expected.leads.people - 3, updated: 3, failed: 0 });
    expect(result.counts.companies).toMatchObject({ created: migration.expected.companies.count - 1, updated: 1 });

    // What was there stays; what was empty is filled; the key is set.
    expect(now.byEmail).toMatchObject({ jobTitle: 'Head of Growth', phones: PRESET_PHONE, name: { firstName: 'Typed', lastName: 'ByHand' }, kartraLeadId: byEmail.kartraLeadId });
    expect([...(now.byEmail.kartraTags as string[])].sort()).toEqual(tagValues(byEmail));
    expect(now.byEmail.createdAt).toBe(before.byEmail.createdAt);
    expect(now.plain).toMatchObject({ name: { firstName: 'Only', lastName: 'Email' }, kartraLeadId: plain.kartraLeadId });
    expect(phoneOf(now.plain)).toBe(plain.phoneE164);
    expect(now.keyed).toMatchObject({ jobTitle: 'CFO', emails: { primaryEmail: 'old.address@example.org' } });
    expect([...(now.keyed.kartraTags as string[])].sort()).toEqual(tagValues(keyed));
    expect(now.company).toMatchObject({ name: before.company.name, kartraCompanyKey: expect.any(String) });
    expect(String(now.company.kartraCompanyKey)).not.toBe('');
    expect(now.byEmail.companyId).toBe(before.company.id);

    // The journal holds, for every update, the value each changed field had: only empty ones under fill-empty.
    const people = updates.filter((u) => u.phase === 'people');
    expect(people.map((u) => u.key).sort()).toEqual([byEmail.kartraLeadId, plain.kartraLeadId, keyed.kartraLeadId].sort());
    for (const u of people) {
      const was = [before.byEmail, before.plain, before.keyed].find((r) => r.id === u.record.id)!;
      const changed = Object.keys(u.record).filter((f) => f !== 'id' && !(f === 'kartraLeadId' && was.kartraLeadId === u.record.kartraLeadId));
      expect(Object.keys(u.previous).sort(), u.key).toEqual(changed.sort());
      for (const [field, value] of Object.entries(u.previous)) expect(value ?? null, `${u.key} ${field}`).toEqual(was[field] ?? null);
    }
    const previousOf = (r: StoredRecord) => people.find((u) => u.record.id === r.id)!.previous;
    expect(previousOf(before.byEmail)).not.toHaveProperty('jobTitle');
    expect(previousOf(before.byEmail)).not.toHaveProperty('phones');
    expect(previousOf(before.byEmail)).toHaveProperty('kartraTags');
    expect(previousOf(before.plain)).toHaveProperty('phones');
    expect(updates.filter((u) => u.phase === 'companies').map((u) => u.record.id)).toEqual([before.company.id]);
  });

  it('overwrite replaces the fields that differ, keeps the rest, and journals what they were', async () => {
    const { ws, before, now, result, updates } = await importWith('overwrite');
    const { byEmail, keyed } = picked;
    oneEach(ws);
    expect(result.counts.people).toMatchObject({ created: migration.expected.leads.people - 3, updated: 3, failed: 0 });

    expect(phoneOf(now.byEmail)).toBe(byEmail.phoneE164);
    expect(nameOf(now.byEmail)).toEqual({ firstName: byEmail.firstName, lastName: byEmail.lastName });
    expect(now.byEmail).toMatchObject({ jobTitle: 'Head of Growth', kartraLeadId: byEmail.kartraLeadId }); // no column writes jobTitle
    expect(emailOf(now.keyed)).toBe(keyed.email);
    expect(now.keyed.jobTitle).toBe('CFO');

    const previousOf = (r: StoredRecord) => updates.find((u) => u.record.id === r.id)!.previous;
    expect(previousOf(before.byEmail)).toMatchObject({ phones: before.byEmail.phones, name: before.byEmail.name, kartraLeadId: before.byEmail.kartraLeadId ?? null });
    expect(previousOf(before.keyed)).toMatchObject({ emails: before.keyed.emails });
    expect(previousOf(before.keyed)).not.toHaveProperty('jobTitle');
    expect(now.company.name).not.toBe(before.company.name);
    expect(previousOf(before.company)).toMatchObject({ name: before.company.name });
  });

  it('create-only leaves existing records exactly as they were and skips their rows with the reason', async () => {
    const { ws, before, now, result, journal, updates } = await importWith('create-only');
    const { byEmail, plain, keyed } = picked;
    oneEach(ws);
    const rejected = migration.expected.leads.rejects.length + migration.expected.leads.duplicates.length;
    expect(result.counts.people).toEqual({ created: migration.expected.leads.people - 3, updated: 0, unchanged: 0, skipped: rejected + 3, failed: 0 });
    expect(result.counts.companies).toMatchObject({ created: migration.expected.companies.count - 1, updated: 0, skipped: 1 });
    expect(updates).toEqual([]);
    expect(now).toEqual(before);

    const skips = journal.filter((l) => l.t === 'rows').flatMap((l) => l.records ?? []).filter((r) => r.phase === 'people' && r.outcome === 'skipped');
    for (const d of [byEmail, plain, keyed]) {
      const skip = skips.find((r) => r.key === d.kartraLeadId);
      expect(skip?.reason, d.kartraLeadId).toMatch(/already in Twenty.*create-only/);
    }
    // Their opportunities still find them.
    const sources = await readOpportunitySources(migration);
    const tx = sources.transactions.find((s) => s.leadId === byEmail.kartraLeadId)!;
    expect(live(ws.sandbox, 'opportunities').find((o) => o.kartraTransactionId === tx.id)?.pointOfContactId).toBe(before.byEmail.id);
  });
});

describe('a second generated set: 200 leads, seed 3, messy (v2)', () => {
  it('reaches its expected figures too', async () => {
    const dir = join(root, 'generated');
    await generateSamples({ outDir: dir, leads: 200, seed: 3, messy: true });
    const ws = await workspace('v2');
    const migration = await prepareMigration(ws, dir);
    const result = await importStage(ws, migration, await migrationFolder(root), 'full');
    expect(result.counts.people.skipped).toBe(migration.expected.leads.rejects.length + migration.expected.leads.duplicates.length);
    expectReached(await compareWithExpected(ws.sandbox, ws.client, migration), result, migration);
  });
});
