/**
 * What Twenty already holds for a batch of drafts, and what to do with each: create it, update it (per policy), leave
 * it unchanged, or skip it. Records are matched by the migration's key first, then by email (people); companies are
 * matched by the key, then by the normalised name of any company already in the workspace.
 */
import type { TwentyClient } from '../twenty/client.js';
import { and, isIn, isNull } from '../twenty/filters.js';
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

async function findInWithTrash(client: TwentyClient, plural: string, field: string, values: string[]): Promise<{ record: TwentyRecord; trashed: boolean }[]> {
  const live = await findIn(client, plural, field, values);
  const trashed = await findIn(client, plural, field, values, true);
  return [...live.map((record) => ({ record, trashed: false })), ...trashed.map((record) => ({ record, trashed: true }))];
}

export type Match = { record: TwentyRecord; by: string; trashed?: boolean };

/**
 * Existing records for the drafts, by draft key. `keyExists`: whether the key field is in the workspace yet (a dry-run
 * before the schema changes runs without it, and nothing can be matched on it). Records in Twenty's trash count too:
 * an upsert would restore and overwrite one that shares a unique value.
 */
export async function matchExisting(
  client: TwentyClient,
  object: string,
  drafts: readonly Draft[],
  options: { companiesByName?: Map<string, TwentyRecord> | undefined; keyExists: boolean },
): Promise<Map<string, Match>> {
  const plural = pluralOf(object);
  const matches = new Map<string, Match>();
  if (drafts.length === 0) return matches;
  const keyField = drafts[0]!.keyField;
  if (options.keyExists) {
    for (const { record, trashed } of await findInWithTrash(client, plural, keyField, drafts.map((d) => d.key))) {
      const key = record[keyField];
      if (typeof key === 'string') matches.set(key, { record, by: keyField, ...(trashed ? { trashed } : {}) });
    }
  }
  const rest = drafts.filter((d) => !matches.has(d.key));
  if (object === 'person' && rest.length > 0) {
    const byEmail = new Map(rest.map((d) => [((d.payload.emails as { primaryEmail?: string } | undefined)?.primaryEmail ?? ''), d]));
    for (const { record, trashed } of await findInWithTrash(client, plural, 'emails.primaryEmail', [...byEmail.keys()])) {
      const email = ((record.emails as { primaryEmail?: string } | undefined)?.primaryEmail ?? '').toLowerCase();
      const draft = byEmail.get(email);
      if (draft && !matches.has(draft.key)) matches.set(draft.key, { record, by: 'email', ...(trashed ? { trashed } : {}) });
    }
  }
  const companiesByName = options.companiesByName;
  if (object === 'company' && companiesByName) {
    for (const draft of rest) {
      const record = companiesByName.get(draft.key);
      if (record && !matches.has(draft.key)) matches.set(draft.key, { record, by: 'name' });
    }
  }
  return matches;
}

const isEmpty = (v: unknown): boolean =>
  v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(isEmpty));

const same = (a: unknown, b: unknown): boolean => JSON.stringify(normalise(a)) === JSON.stringify(normalise(b));
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
