import { categorized } from './errors.js';
import { valueAt } from './filter.js';
import { uniqueIndexPaths, type ObjectMeta, type Profile } from './schema.js';
import type { Store, StoredRecord } from './store.js';

/**
 * Unique indexes. Since PR #14562 they are non-partial: a soft-deleted row still holds its email or domain
 * (twenty-api.md §6 "Soft-deleted rows and uniqueness"), so every check here looks at all rows, deleted or not.
 * A row takes part in an index only when every indexed value is set (Postgres treats NULLs as distinct; an empty
 * composite subfield counts as unset).
 */

export interface UniqueGroup {
  /** Field names, for messages: `emails`, `note, targetPerson`. */
  fields: string[];
  /** Record paths the values are read from: `emails.primaryEmail`, `noteId`. */
  paths: string[];
}

/** `id` first, then every unique index of the object (the conflicting-field groups of get-conflicting-fields.util). */
export function uniqueGroups(object: ObjectMeta): UniqueGroup[] {
  return [{ fields: ['id'], paths: ['id'] }, ...uniqueIndexPaths(object)];
}

const isSet = (v: unknown): boolean => v !== undefined && v !== null && v !== '';

/** The index key of a record (or record input) in a group; undefined when some value is unset. */
export function keyOf(record: Record<string, unknown>, group: UniqueGroup): string | undefined {
  const values = group.paths.map((p) => valueAt(record, p.split('.')));
  return values.every(isSet) ? JSON.stringify(values) : undefined;
}

/** The first group in which two of the rows share a key, if any (for a new unique index over existing data). */
export function findDuplicateGroup(rows: Iterable<StoredRecord>, groups: UniqueGroup[]): UniqueGroup | undefined {
  const all = [...rows];
  for (const group of groups) {
    const seen = new Set<string>();
    for (const row of all) {
      const key = keyOf(row, group);
      if (key === undefined) continue;
      if (seen.has(key)) return group;
      seen.add(key);
    }
  }
  return undefined;
}

export function duplicateError(profile: Profile, object: ObjectMeta, group: UniqueGroup) {
  // 1.x: "A duplicate entry was detected"; newer builds also name the violated constraint (§6 "Duplicate key").
  const column = group.paths.map((p) => p.replace(/\.(\w)/g, (_, c: string) => c.toUpperCase())).join('_');
  const message = profile.categoryStatuses
    ? `A duplicate entry was detected: unique constraint ${object.nameSingular}.IDX_UNIQUE_${column} was violated`
    : 'A duplicate entry was detected';
  return categorized(profile.categoryStatuses, 409, message, 'DUPLICATE_ENTRY_DETECTED');
}

/**
 * Checks that writing `changes` (id → new row) breaks no unique index of the object. Throws DUPLICATE_ENTRY_DETECTED.
 */
export function assertUnique(profile: Profile, object: ObjectMeta, store: Store, changes: ReadonlyMap<string, StoredRecord>): void {
  for (const group of uniqueGroups(object)) {
    if (group.paths[0] === 'id') continue; // ids are the table keys: an insert with a taken id is refused by the caller
    const index = store.uniqueIndex(object.id, group);
    const seen = new Map<string, string>();
    for (const [id, row] of changes) {
      const key = keyOf(row, group);
      if (key === undefined) continue;
      const other = seen.get(key);
      if (other !== undefined && other !== id) throw duplicateError(profile, object, group);
      seen.set(key, id);
      const holder = index.get(key);
      // A holder that is itself being rewritten is judged by its new key (through `seen`).
      if (holder !== undefined && holder !== id && !changes.has(holder)) throw duplicateError(profile, object, group);
    }
  }
}
