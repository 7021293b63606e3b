/**
 * Shared set-up and oracles for the migration engine's end-to-end tests: a sandbox workspace with the mapping's
 * schema changes applied, runs of the import into fresh migration folders, the journal read back as plain JSON lines,
 * and the checks of what the sandbox holds against a generated set's expected.json. The oracles read the sources
 * with csv-parse and key companies with the generator's own rule, never with the engine's code.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import DecimalModule from 'decimal.js';
import { getCountryCallingCode, type CountryCode } from 'libphonenumber-js';
import { inspectExports, type Inspection } from '../../src/kartra/inspect.js';
import { buildMapping } from '../../src/mapping/build.js';
import type { MappingDocument } from '../../src/mapping/document.js';
import { runImport, type ImportResult, type Stage } from '../../src/migration/engine.js';
import type { Policy } from '../../src/migration/matching.js';
import { applySchemaChanges, planSchemaChanges } from '../../src/migration/schema-changes.js';
import { companyKey as oracleCompanyKey } from '../../src/samples/companies.js';
import { ExpectedSchema, type Expected } from '../../src/samples/expected.js';
import { startSandbox, type ProfileName, type SandboxHandle, type StoredRecord } from '../../src/sandbox/index.js';
import { createTwentyClient, type TwentyClient } from '../../src/twenty/index.js';

// decimal.js's default export is the constructor at run time; its types describe the namespace.
const Decimal = DecimalModule as unknown as typeof DecimalModule.Decimal;

export const API_KEY = 'sandbox-key-1';
export const MIGRATION_ID = 'm-000000000000';

export type Workspace = { profile: ProfileName; sandbox: SandboxHandle; client: TwentyClient; close: () => Promise<void> };

/** A fresh sandbox without throttling, and a client whose scheduler does not space calls like real Twenty's limits. */
export async function openWorkspace(profile: ProfileName, mapping?: MappingDocument): Promise<Workspace> {
  const sandbox = await startSandbox({ profile, apiKey: API_KEY, rateLimit: false });
  const client = createTwentyClient({ baseUrl: sandbox.url, apiKey: API_KEY, rateLimit: { buckets: [{ limit: 100_000, windowMs: 1000 }], safetyMargin: 0 } });
  if (mapping) await applySchemaChanges(client, planSchemaChanges(mapping, await client.schema({ refresh: true })));
  return {
    profile,
    sandbox,
    client,
    close: async () => {
      await client.close();
      await sandbox.close();
    },
  };
}

export type Migration = { exportsDir: string; inspection: Inspection; mapping: MappingDocument; expected: Expected };

/** Inspects a sample set, proposes its mapping against the workspace's live schema and applies the schema changes. */
export async function prepareMigration(workspace: Workspace, exportsDir: string): Promise<Migration> {
  const inspection = await inspectExports([exportsDir]);
  const mapping = buildMapping({ migrationId: MIGRATION_ID, inspection, schema: await workspace.client.schema(), mode: 'rehearsal' });
  await applySchemaChanges(workspace.client, planSchemaChanges(mapping, await workspace.client.schema({ refresh: true })));
  return { exportsDir, inspection, mapping, expected: await loadExpected(exportsDir) };
}

export async function loadExpected(exportsDir: string): Promise<Expected> {
  return ExpectedSchema.parse(JSON.parse(await readFile(join(exportsDir, 'expected.json'), 'utf8')));
}

let folders = 0;
/** A new migration folder (its journal starts empty) under `root`. */
export async function migrationFolder(root: string): Promise<string> {
  return mkdtemp(join(root, `run-${++folders}-`));
}

export async function importStage(workspace: Workspace, migration: Migration, dir: string, stage: Stage, policy: Policy = 'fill-empty'): Promise<ImportResult> {
  return runImport({ dir, inspection: migration.inspection, mapping: migration.mapping, client: workspace.client, policy, stage });
}

export type JournalLine = { t: string; batch?: string; records?: Record<string, unknown>[]; [k: string]: unknown };

export async function readJournalLines(dir: string): Promise<JournalLine[]> {
  const text = await readFile(join(dir, 'journal.jsonl'), 'utf8');
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as JournalLine);
}

/** Records not soft-deleted. */
export const live = (sandbox: SandboxHandle, plural: string): StoredRecord[] => sandbox.records(plural).filter((r) => r.deletedAt === null || r.deletedAt === undefined);

/** Calls that change something: anything but GET. */
export const writeCalls = (sandbox: SandboxHandle): Record<string, number> =>
  Object.fromEntries(Object.entries(sandbox.stats().calls).filter(([route]) => !route.startsWith('GET ')));

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The transactions' and subscriptions' reference columns, read straight from the CSV. */
export type SourceOpportunity = { id: string; leadId: string; email: string };
export async function readOpportunitySources(migration: Migration): Promise<{ transactions: SourceOpportunity[]; subscriptions: SourceOpportunity[] }> {
  const rows = async (file: string): Promise<Record<string, string>[]> =>
    parse(await readFile(join(migration.exportsDir, file), 'utf8'), { columns: true, bom: true, skip_empty_lines: true }) as Record<string, string>[];
  const transactions: SourceOpportunity[] = [];
  for (const file of migration.expected.files.transactions) {
    for (const r of await rows(file)) transactions.push({ id: r['ID']!, leadId: r['lead_id']!, email: (r['Buyer_Email'] ?? '').trim().toLowerCase() });
  }
  const subscriptions: SourceOpportunity[] = [];
  for (const file of migration.expected.files.subscriptions) {
    for (const r of await rows(file)) subscriptions.push({ id: r['Subscription ID']!, leadId: r['Lead ID']!, email: (r['Buyer Email'] ?? '').trim().toLowerCase() });
  }
  return { transactions, subscriptions };
}

const LIFECYCLE = new Set(['Sale', 'Rebill', 'Cancellation', 'Request Can.', 'Revert Can.']);

/**
 * Each subscription's last lifecycle event in the transactions report (latest date, the later row on a tie), under
 * both of its ids: Kartra's `subscription_id` and the processor's (a PayPal subscription is exported under the latter).
 */
export async function lastLifecycleEvents(migration: Migration): Promise<Map<string, string>> {
  const last = new Map<string, { date: string; type: string }>();
  for (const file of migration.expected.files.transactions) {
    const rows = parse(await readFile(join(migration.exportsDir, file), 'utf8'), { columns: true, bom: true, skip_empty_lines: true }) as Record<string, string>[];
    for (const r of rows) {
      const type = r['Transaction_Type'] ?? '';
      if (!LIFECYCLE.has(type)) continue;
      for (const id of [r['subscription_id'], r['Processor_subscription_id']]) {
        if (!id || id === 'N/A') continue;
        const previous = last.get(id);
        if (!previous || r['Date']! >= previous.date) last.set(id, { date: r['Date']!, type });
      }
    }
  }
  return new Map([...last].map(([id, e]) => [id, e.type]));
}

/** Option value for each spelling a multi-select's planned options were merged from. */
export function optionValueBySpelling(mapping: MappingDocument, field: string): Map<string, string> {
  const planned = mapping.customFields.find((f) => f.object === 'person' && f.name === field);
  const bySpelling = new Map<string, string>();
  for (const option of planned?.options ?? []) for (const spelling of option.sources) bySpelling.set(spelling, option.value);
  return bySpelling;
}

/**
 * What the sandbox holds after a complete import, compared with expected.json. Every list is of mismatches, so a
 * failing test names the records; empty lists mean the figure was reached.
 */
export type Comparison = {
  peopleCount: { expected: number; actual: number };
  unknownPeople: string[];
  duplicateLeadIds: string[];
  identity: string[];
  tags: string[];
  lists: string[];
  phones: string[];
  /** People whose createdAt is not the expected instant, by lead id. */
  createdAt: Map<string, { expected: string; actual: string }>;
  /** Names compared as written, and as companies (the generator's key of each name). */
  companies: { expectedCount: number; actualCount: number; missingNames: string[]; extraNames: string[]; missingKeys: string[]; extraKeys: string[] };
  companyLinks: string[];
  opportunities: { expected: number; actual: number; duplicateKeys: string[]; inBoth: string[] };
  transactionKeys: { missing: string[]; unexpected: string[] };
  subscriptionKeys: { missing: string[]; unexpected: string[] };
  netRevenue: { expected: string; actual: string };
  customers: { expected: number; actual: number };
  cancelled: { expected: number; actual: number };
  /** Subscriptions whose stage is not the one their last lifecycle event gives, by subscription id. */
  stages: Map<string, { event: string | undefined; expected: string | undefined; actual: string }>;
  /** Subscriptions the oracle finds active by their last event: must be `subscriptions.activeByLastEvent`. */
  oracleActive: number;
  contactLinks: string[];
};

export async function compareWithExpected(sandbox: SandboxHandle, client: TwentyClient, migration: Migration): Promise<Comparison> {
  const { expected, mapping } = migration;
  const detail = expected.leads.people_detail ?? [];
  const people = live(sandbox, 'people');
  const companies = live(sandbox, 'companies');
  const opportunities = live(sandbox, 'opportunities');
  const schema = await client.schema({ refresh: true });

  const personByLead = new Map<string, StoredRecord>();
  const duplicateLeadIds: string[] = [];
  for (const p of people) {
    const key = text(p.kartraLeadId);
    if (personByLead.has(key)) duplicateLeadIds.push(key);
    personByLead.set(key, p);
  }
  const expectedIds = new Set(detail.map((d) => d.kartraLeadId));
  const unknownPeople = [...personByLead.keys()].filter((k) => !expectedIds.has(k));

  // Option values for a spelling: the mapping's merged sources first, then an option added during the import.
  const valueOf = (field: string): ((spelling: string) => string) => {
    const bySpelling = optionValueBySpelling(mapping, field);
    const live = schema.field('person', field)?.options ?? [];
    return (spelling) => bySpelling.get(spelling) ?? live.find((o) => o.label === spelling)?.value ?? `<no option for "${spelling}">`;
  };
  const tagValue = valueOf('kartraTags');
  const listValue = valueOf('kartraLists');
  const sortedSet = (values: Iterable<string>): string[] => [...new Set(values)].sort();

  const identity: string[] = [];
  const tags: string[] = [];
  const lists: string[] = [];
  const phones: string[] = [];
  const createdAt = new Map<string, { expected: string; actual: string }>();
  const companyLinks: string[] = [];
  const companyById = new Map(companies.map((c) => [c.id, c]));

  for (const d of detail) {
    const p = personByLead.get(d.kartraLeadId);
    if (!p) continue;
    const name = (p.name ?? {}) as { firstName?: string; lastName?: string };
    const email = text((p.emails as { primaryEmail?: unknown } | null)?.primaryEmail);
    if (email !== d.email || text(name.firstName) !== d.firstName || text(name.lastName) !== d.lastName) {
      identity.push(`${d.kartraLeadId}: expected ${d.email} "${d.firstName}" "${d.lastName}", got ${email} "${text(name.firstName)}" "${text(name.lastName)}"`);
    }
    const wantTags = sortedSet(d.tags.map(tagValue));
    const haveTags = sortedSet((p.kartraTags as string[] | null) ?? []);
    if (JSON.stringify(wantTags) !== JSON.stringify(haveTags)) tags.push(`${d.kartraLeadId}: expected ${wantTags.join(',')} got ${haveTags.join(',')}`);
    const wantLists = sortedSet(d.lists.map(listValue));
    const haveLists = sortedSet((p.kartraLists as string[] | null) ?? []);
    if (JSON.stringify(wantLists) !== JSON.stringify(haveLists)) lists.push(`${d.kartraLeadId}: expected ${wantLists.join(',')} got ${haveLists.join(',')}`);

    const phone = (p.phones ?? {}) as { primaryPhoneNumber?: string; primaryPhoneCallingCode?: string; primaryPhoneCountryCode?: string };
    const number = text(phone.primaryPhoneNumber);
    if (d.phoneE164 === null) {
      if (number !== '') phones.push(`${d.kartraLeadId}: expected no phone, got ${text(phone.primaryPhoneCallingCode)} ${number}`);
    } else {
      const e164 = `${text(phone.primaryPhoneCallingCode)}${number}`;
      const country = text(phone.primaryPhoneCountryCode);
      const consistent = country !== '' && `+${getCountryCallingCode(country as CountryCode)}` === text(phone.primaryPhoneCallingCode);
      if (e164 !== d.phoneE164 || !consistent) phones.push(`${d.kartraLeadId}: expected ${d.phoneE164}, got ${e164} (${country || 'no country'})`);
    }

    if (d.createdAt !== null && Date.parse(text(p.createdAt)) !== Date.parse(d.createdAt)) createdAt.set(d.kartraLeadId, { expected: d.createdAt, actual: text(p.createdAt) });

    const company = typeof p.companyId === 'string' ? companyById.get(p.companyId) : undefined;
    if (d.company === null) {
      if (p.companyId) companyLinks.push(`${d.kartraLeadId}: no company expected, linked to ${text(company?.name) || String(p.companyId)}`);
    } else if (!company || oracleCompanyKey(text(company.name)) !== oracleCompanyKey(d.company)) {
      companyLinks.push(`${d.kartraLeadId}: expected "${d.company}", linked to ${company ? `"${text(company.name)}"` : 'nothing'}`);
    }
  }

  const companyNames = companies.map((c) => text(c.name));
  const companyKeys = companyNames.map(oracleCompanyKey);
  const expectedKeys = expected.companies.names.map(oracleCompanyKey);
  const companiesResult = {
    expectedCount: expected.companies.count,
    actualCount: companies.length,
    missingNames: expected.companies.names.filter((n) => !companyNames.includes(n)),
    extraNames: companyNames.filter((n) => !expected.companies.names.includes(n)),
    missingKeys: expectedKeys.filter((k) => !companyKeys.includes(k)),
    extraKeys: companyKeys.filter((k) => !expectedKeys.includes(k)),
  };

  const sources = await readOpportunitySources(migration);
  const transactionOpps = opportunities.filter((o) => text(o.kartraTransactionId) !== '');
  const subscriptionOpps = opportunities.filter((o) => text(o.kartraSubscriptionId) !== '');
  const keys = [...transactionOpps.map((o) => `transaction ${text(o.kartraTransactionId)}`), ...subscriptionOpps.map((o) => `subscription ${text(o.kartraSubscriptionId)}`)];
  const seenKeys = new Set<string>();
  const duplicateKeys = keys.filter((k) => (seenKeys.has(k) ? true : (seenKeys.add(k), false)));
  const inBoth = opportunities.filter((o) => text(o.kartraTransactionId) !== '' && text(o.kartraSubscriptionId) !== '').map((o) => text(o.name));
  const keyDiff = (want: Iterable<string>, have: Iterable<string>) => {
    const w = new Set(want);
    const h = new Set(have);
    return { missing: [...w].filter((k) => !h.has(k)), unexpected: [...h].filter((k) => !w.has(k)) };
  };

  const txById = new Map(transactionOpps.map((o) => [text(o.kartraTransactionId), o]));
  const subById = new Map(subscriptionOpps.map((o) => [text(o.kartraSubscriptionId), o]));
  let micros = new Decimal(0);
  for (const o of transactionOpps) micros = micros.plus(String((o.revenue as { amountMicros?: unknown } | null)?.amountMicros ?? 0));

  const lastEvents = await lastLifecycleEvents(migration);
  const stages = new Map<string, { event: string | undefined; expected: string | undefined; actual: string }>();
  let oracleActive = 0;
  for (const s of sources.subscriptions) {
    const event = lastEvents.get(s.id);
    const want = event === undefined ? undefined : event === 'Cancellation' ? 'CANCELLED' : 'CUSTOMER';
    if (want === 'CUSTOMER') oracleActive++;
    const actual = text(subById.get(s.id)?.stage);
    if (actual !== want) stages.set(s.id, { event, expected: want, actual });
  }

  // Point of contact: the lead of the row's lead id when that lead was imported; otherwise, if any, the buyer's email.
  const contactLinks: string[] = [];
  const personById = new Map(people.map((p) => [p.id, p]));
  const checkContact = (kind: string, opp: StoredRecord | undefined, source: SourceOpportunity): void => {
    if (!opp) return;
    const lead = personByLead.get(source.leadId);
    const linked = typeof opp.pointOfContactId === 'string' ? personById.get(opp.pointOfContactId) : undefined;
    if (lead) {
      if (linked?.id !== lead.id) contactLinks.push(`${kind} ${source.id}: expected lead ${source.leadId}, linked to ${linked ? text(linked.kartraLeadId) : 'nobody'}`);
    } else if (linked && text((linked.emails as { primaryEmail?: unknown } | null)?.primaryEmail) !== source.email) {
      contactLinks.push(`${kind} ${source.id}: lead ${source.leadId} not imported, linked to ${text(linked.kartraLeadId)} whose email is not ${source.email}`);
    }
  };
  for (const s of sources.transactions) checkContact('transaction', txById.get(s.id), s);
  for (const s of sources.subscriptions) checkContact('subscription', subById.get(s.id), s);

  return {
    peopleCount: { expected: expected.leads.people, actual: people.length },
    unknownPeople,
    duplicateLeadIds,
    identity,
    tags,
    lists,
    phones,
    createdAt,
    companies: companiesResult,
    companyLinks,
    opportunities: {
      expected: expected.opportunities.fromTransactions + expected.opportunities.fromSubscriptions,
      actual: opportunities.length,
      duplicateKeys,
      inBoth,
    },
    transactionKeys: keyDiff(sources.transactions.map((s) => s.id), transactionOpps.map((o) => text(o.kartraTransactionId))),
    subscriptionKeys: keyDiff(sources.subscriptions.map((s) => s.id), subscriptionOpps.map((o) => text(o.kartraSubscriptionId))),
    netRevenue: { expected: expected.transactions.netRevenue, actual: micros.div(1_000_000).toFixed(2) },
    customers: { expected: expected.subscriptions.activeByLastEvent, actual: subscriptionOpps.filter((o) => o.stage === 'CUSTOMER').length },
    cancelled: { expected: expected.subscriptions.byLastEvent.Cancellation ?? 0, actual: subscriptionOpps.filter((o) => o.stage === 'CANCELLED').length },
    stages,
    oracleActive,
    contactLinks,
  };
}

/** The people rows the journal records as skipped, by `file:line`, with their reasons. */
export async function skippedPeople(dir: string): Promise<Map<string, string>> {
  const skipped = new Map<string, string>();
  for (const line of await readJournalLines(dir)) {
    if (line.t !== 'rows' && line.t !== 'done') continue;
    for (const r of line.records ?? []) {
      if (r.phase === 'people' && r.outcome === 'skipped' && typeof r.file === 'string') skipped.set(`${r.file}:${String(r.line)}`, String(r.reason));
    }
  }
  return skipped;
}

/**
 * The records of a workspace as comparable values: system fields left out, relations by the key of the record they
 * point to, each record under its migration key. Two imports of one set compare equal when they wrote the same.
 */
export function canonicalRecords(sandbox: SandboxHandle): Record<string, unknown> {
  const SYSTEM = new Set(['id', 'createdAt', 'updatedAt', 'deletedAt', 'position', 'createdBy', 'updatedBy']);
  const people = live(sandbox, 'people');
  const companies = live(sandbox, 'companies');
  const leadOf = new Map(people.map((p) => [p.id, text(p.kartraLeadId)]));
  const companyOf = new Map(companies.map((c) => [c.id, text(c.kartraCompanyKey)]));
  const strip = (r: StoredRecord): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r)) {
      if (SYSTEM.has(k)) continue;
      if (k === 'companyId') out[k] = typeof v === 'string' ? `company ${companyOf.get(v)}` : v;
      else if (k === 'pointOfContactId') out[k] = typeof v === 'string' ? `lead ${leadOf.get(v)}` : v;
      else out[k] = Array.isArray(v) ? [...v].sort() : v;
    }
    return out;
  };
  const byKey = (records: StoredRecord[], key: (r: StoredRecord) => string) => Object.fromEntries(records.map((r) => [key(r), strip(r)]).sort(([a], [b]) => String(a).localeCompare(String(b))));
  return {
    people: byKey(people, (p) => text(p.kartraLeadId)),
    companies: byKey(companies, (c) => text(c.kartraCompanyKey)),
    opportunities: byKey(live(sandbox, 'opportunities'), (o) => (text(o.kartraTransactionId) ? `t ${text(o.kartraTransactionId)}` : `s ${text(o.kartraSubscriptionId)}`)),
  };
}
