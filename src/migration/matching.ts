/**
 * What Twenty already holds for a batch of drafts, and what to do with each: create it, update it (per policy), leave
 * it unchanged, or skip it. Records are matched by the migration's key first, then by email (people); companies are
 * matched by the key, then by the normalised name of any company already in the workspace.
 */
import type { TwentyClient } from '../twenty/client.js';
import { and, isIn, isNull, where } from '../twenty/filters.js';
import { companyKey } from './companies.js';
import type { TwentyRecord } from '../twenty/records.js';
import type { Draft } from './transform.js';

export const POLICIES = ['create-only', 'fill-empty', 'overwrite'] as const;
export type Policy = (typeof POLICIES)[number];

export type Decision =
  | { action: 'create'; draft: Draft; payload: Record<string, unknown> }
  | { action: 'update'; draft: Draft; id: string; payload: Record<string, unknown>; previous: Record<string, unknown>; matchedBy: string }
  | { action: 'unchanged'; draft: Draft; id: string; matchedBy: string }
  | { action: 'skipped'; draft: Draft; reason: string; id?: string };

const PLURAL: Record<string, string> = { person: 'people', company: 'companies', opportunity: 'opportunities' };
export const pluralOf = (object: string): string => PLURAL[object] ?? `${object}s`;

/** Values Twenty's `in` filter cannot carry are looked up no other way: such a record is treated as new. */
const filterable = (v: string): boolean => v !== '' && !/[",]/.test(v);

export async function findIn(client: TwentyClient, plural: string, field: string, values: string[], trash = false): Promise<TwentyRecord[]> {
  const usable = [...new Set(values.filter(filterable))];
  const found: TwentyRecord[] = [];
  for (let i = 0; i < usable.length; i += 100) {
    const inList = isIn(field, usable.slice(i, i + 100));
    // Twenty lists trashed records only for a filter that names deletedAt.
    const filter = trash ? and(inList, isNull('deletedAt', true)) : inList;
    for await (const page of client.find(plural, { filter })) found.push(...page.records);
  }
  return found;
}

export type Match = { record: TwentyRecord; by: string; trashed?: boolean };

type Known = { id: string; trashed: boolean };

/**
 * What an object already holds in Twenty, read once (live records and the trash, a page of 200 per call, only the
 * fields matching needs): ids by the migration's key, by email (people), by normalised name (companies). Matching a
 * batch is then a lookup in memory; only the records it finds are read whole (for fill-empty and rollback), so an
 * import into an empty workspace spends its calls on writes. Records in the trash count: an upsert would restore and
 * overwrite one that shares a unique value.
 */
export class ExistingIndex {
  /** Per key field, its values' records. */
  private readonly byKey = new Map<string, Map<string, Known>>();
  private readonly byEmail = new Map<string, Known>();
  private readonly byName = new Map<string, Known>();

  private constructor(
    readonly object: string,
    /** The key fields in the workspace (none yet for a dry-run before the schema changes). */
    readonly keyFields: readonly string[],
  ) {
    for (const field of keyFields) this.byKey.set(field, new Map());
  }

  static async read(client: TwentyClient, object: string, keyFields: readonly string[]): Promise<ExistingIndex> {
    const index = new ExistingIndex(object, keyFields);
    const fields = ['id', 'deletedAt', ...keyFields, ...(object === 'person' ? ['emails'] : []), ...(object === 'company' ? ['name'] : [])];
    for (const trash of [false, true]) {
      const query = { fields, ...(trash ? { filter: where(isNull('deletedAt', true)) } : {}) };
      for await (const page of client.find(pluralOf(object), query)) {
        for (const record of page.records) index.add(record, trash);
      }
    }
    return index;
  }

  private add(record: TwentyRecord, trashed: boolean): void {
    const known = { id: String(record.id), trashed };
    for (const [field, values] of this.byKey) {
      const key = record[field];
      if (typeof key === 'string' && key !== '' && !values.has(key)) values.set(key, known);
    }
    const email = (record.emails as { primaryEmail?: string } | undefined)?.primaryEmail?.toLowerCase();
    if (email && !this.byEmail.has(email)) this.byEmail.set(email, known);
    const name = typeof record.name === 'string' ? companyKey(record.name) : '';
    if (name !== '' && !this.byName.has(name)) this.byName.set(name, known);
  }

  /** The record a draft matches, and by what: the key, then email (people) or name (companies). */
  find(draft: Draft): { known: Known; by: string } | undefined {
    const byKey = this.byKey.get(draft.keyField)?.get(draft.key);
    if (byKey) return { known: byKey, by: draft.keyField };
    if (this.object === 'person') {
      const email = (draft.payload.emails as { primaryEmail?: string } | undefined)?.primaryEmail;
      const known = email ? this.byEmail.get(email) : undefined;
      if (known) return { known, by: 'email' };
    }
    if (this.object === 'company') {
      const known = this.byName.get(draft.key);
      if (known) return { known, by: 'name' };
    }
    return undefined;
  }
}

/** Existing records for the drafts, by draft key: found in the index, then read whole (one call per batch at most). */
export async function matchExisting(client: TwentyClient, index: ExistingIndex, drafts: readonly Draft[]): Promise<Map<string, Match>> {
  const found = new Map<string, { known: Known; by: string }>();
  for (const draft of drafts) {
    const hit = index.find(draft);
    if (hit) found.set(draft.key, hit);
  }
  const live = [...found.values()].filter((f) => !f.known.trashed).map((f) => f.known.id);
  const records = new Map<string, TwentyRecord>();
  for (const record of await findIn(client, pluralOf(index.object), 'id', live)) records.set(String(record.id), record);
  const matches = new Map<string, Match>();
  for (const [key, { known, by }] of found) {
    // A record deleted since the index was read is simply not there any more: the draft is created.
    const record = known.trashed ? { id: known.id } : records.get(known.id);
    if (record) matches.set(key, { record, by, ...(known.trashed ? { trashed: true } : {}) });
  }
  return matches;
}

const isEmpty = (v: unknown): boolean =>
  v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(isEmpty));

const same = (a: unknown, b: unknown): boolean => JSON.stringify(normalise(a)) === JSON.stringify(normalise(b));
/** A field's value as Twenty holds it equals `a`: the same, or both empty. */
export const holdsValue = (a: unknown, b: unknown): boolean => (isEmpty(a) && isEmpty(b)) || same(a, b);
function normalise(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalise);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).filter(([, x]) => !isEmpty(x)).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, normalise(x)]));
  }
  return typeof v === 'string' ? v.trim() : v;
}

/**
 * The fields to send for an existing record. fill-empty: only what is empty in Twenty (subfield by subfield for
 * composite fields), so nothing a user typed is overwritten; overwrite: everything that differs. The key is always
 * set, so the next run finds the record by it.
 */
export function patchFor(payload: Record<string, unknown>, existing: TwentyRecord, policy: Policy, keyField: string): { patch: Record<string, unknown>; previous: Record<string, unknown> } {
  const patch: Record<string, unknown> = {};
  const previous: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(payload)) {
    if (isEmpty(value)) continue;
    const current = existing[field];
    if (field === keyField) {
      if (current !== value) {
        patch[field] = value;
        previous[field] = current ?? null;
      }
      continue;
    }
    if (policy === 'overwrite') {
      if (!same(value, current)) {
        patch[field] = value;
        previous[field] = current ?? null;
      }
      continue;
    }
    // fill-empty
    if (isEmpty(current)) {
      patch[field] = value;
      previous[field] = current ?? null;
    } else if (isPlainObject(value) && isPlainObject(current)) {
      const parts = Object.fromEntries(Object.entries(value).filter(([sub, v]) => !isEmpty(v) && isEmpty(current[sub])));
      if (Object.keys(parts).length > 0) {
        patch[field] = { ...current, ...parts };
        previous[field] = current;
      }
    }
  }
  return { patch, previous };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** What to do with each draft of a batch, given what Twenty holds. */
export function decide(drafts: readonly Draft[], existing: Map<string, Match>, policy: Policy): Decision[] {
  return drafts.map((draft) => {
    const match = existing.get(draft.key);
    if (!match) return { action: 'create', draft, payload: draft.payload };
    const id = String(match.record.id);
    if (match.trashed) {
      // Writing it would bring the trashed record back and overwrite it; the user decides what it is.
      return { action: 'skipped', draft, reason: `a record in Twenty's trash has the same ${match.by}; restore it or delete it for good in Twenty, then import again` };
    }
    if (policy === 'create-only') return { action: 'skipped', draft, id, reason: `already in Twenty (found by ${match.by}); the create-only policy leaves it as it is` };
    const { patch, previous } = patchFor(draft.payload, match.record, policy, draft.keyField);
    if (Object.keys(patch).length === 0) return { action: 'unchanged', draft, id, matchedBy: match.by };
    return { action: 'update', draft, id, payload: patch, previous, matchedBy: match.by };
  });
}
