import { categorized } from './errors.js';
import { valueAt } from './filter.js';
import { uniqueIndexPaths, type ObjectMeta, type Profile } from './schema.js';
import type { StoredRecord } from './store.js';

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

/** Key → record id for one group, over every stored row (soft-deleted included), minus the `skip` ids. */
export function buildIndex(rows: Iterable<StoredRecord>, group: UniqueGroup, skip?: ReadonlySet<string> | ReadonlyMap<string, unknown>): Map<string, string> {
  const index = new Map<string, string>();
  for (const row of rows) {
    if (skip?.has(row.id)) continue;
    const key = keyOf(row, group);
    if (key !== undefined) index.set(key, row.id);
  }
  return index;
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
 * Checks that writing `changes` (id → new row) into `table` breaks no unique index. Throws DUPLICATE_ENTRY_DETECTED.
 */
export function assertUnique(profile: Profile, object: ObjectMeta, table: Map<string, StoredRecord>, changes: Map<string, StoredRecord>): void {
  for (const group of uniqueGroups(object)) {
    if (group.paths[0] === 'id') continue; // ids are the map keys: inserts with a taken id are refused by the caller
    const index = buildIndex(table.values(), group, changes);
    for (const [id, row] of changes) {
      const key = keyOf(row, group);
      if (key === undefined) continue;
      const holder = index.get(key);
      if (holder !== undefined && holder !== id) throw duplicateError(profile, object, group);
      index.set(key, id);
    }
  }
}
