import { randomUUID } from 'node:crypto';
import { badRequest, categorized, SandboxHttpError } from './errors.js';
import { matches, mentionsDeletedAt, parseFilter, valueAt, type Filter } from './filter.js';
import { COMPOSITES, DEFAULT_PAGE_SIZE, MUTATION_MAXIMUM_AFFECTED_RECORDS, defaultOf, fieldForKey, joinColumnOf, type FieldMeta, type ObjectMeta } from './schema.js';
import type { Store, StoredRecord } from './store.js';
import { assertUnique, keyOf, uniqueGroups } from './unique.js';
import { isUuid, normalizeUrl, processRecordInput, type PendingConnect } from './validate.js';

/**
 * Record operations: create (one or a batch, with or without upsert), find, update, destroy, soft delete, restore.
 * Every write is planned in full, checked (unique indexes, foreign keys), then applied, so a failed batch leaves no
 * trace: Twenty inserts a batch in one statement (twenty-api.md §1 "All-or-nothing").
 */

export interface RecordServiceOptions {
  now: () => number;
  /** The API key's name, which Twenty writes into `createdBy.name` (§3 ACTOR). */
  apiKeyName: string;
}

export interface FindQuery {
  filter?: string | undefined;
  limit?: string | undefined;
  orderBy?: string | undefined;
  startingAfter?: string | undefined;
  endingBefore?: string | undefined;
  depth?: string | undefined;
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface FindResult {
  records: Record<string, unknown>[];
  pageInfo: PageInfo;
  totalCount: number;
}

type Direction = 'AscNullsFirst' | 'AscNullsLast' | 'DescNullsFirst' | 'DescNullsLast';
const DIRECTIONS: Direction[] = ['AscNullsFirst', 'AscNullsLast', 'DescNullsFirst', 'DescNullsLast'];
interface OrderKey {
  path: string[];
  direction: Direction;
}

const clone = <T>(value: T): T => structuredClone(value);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export class RecordService {
  private readonly viewCache = new Map<string, { version: number; rows: StoredRecord[] }>();

  constructor(
    private readonly store: Store,
    private readonly options: RecordServiceOptions,
  ) {}

  private get profile() {
    return this.store.profile;
  }

  private nowIso(): string {
    return new Date(this.options.now()).toISOString();
  }

  notFound(): SandboxHttpError {
    return categorized(this.profile.categoryStatuses, 404, 'Record not found', 'RECORD_NOT_FOUND');
  }

  /** The actor Twenty injects from the API key (CreatedByFromAuthContextService). */
  private apiActor(given?: unknown): Record<string, unknown> {
    const base = { source: 'API', workspaceMemberId: null, name: this.options.apiKeyName, context: {} };
    if (!isObject(given)) return base;
    if (typeof given['name'] === 'string' && given['name'] !== '') return { ...base, ...given };
    return { ...base, ...given, name: this.options.apiKeyName, source: given['source'] ?? 'API' };
  }

  // --- writes ---------------------------------------------------------------------------------------------------

  /**
   * `POST /rest/{plural}` and `POST /rest/batch/{plural}`. With upsert, an input matching an existing row (by id or
   * any unique index, soft-deleted rows included) updates it and restores it; otherwise it is inserted.
   */
  createMany(object: ObjectMeta, inputs: unknown[], upsert: boolean): Record<string, unknown>[] {
    const processed = inputs.map((input) => processRecordInput(input, { profile: this.profile, object }));
    // The batch maximum is checked after the data has been validated, as CommonCreateManyQueryRunner.run does.
    if (inputs.length > this.profile.batchMax) {
      throw new SandboxHttpError(400, `Maximum number of records to upsert is ${this.profile.batchMax}.`, 'TOO_MANY_RECORDS_TO_UPDATE');
    }
    for (const p of processed) this.resolveConnects(p.data, p.connects);

    const table = this.store.table(object.id);
    const now = this.nowIso();
    const changes = new Map<string, StoredRecord>();
    const resultIds: string[] = [];
    const groups = uniqueGroups(object);
    // The id group is the table itself; the others are the store's maintained indexes.
    const lookups = upsert ? groups.map((g) => (g.paths[0] === 'id' ? undefined : this.store.uniqueIndex(object.id, g))) : [];

    for (const { data } of processed) {
      let matchId: string | undefined;
      if (upsert) {
        const found = new Set<string>();
        groups.forEach((group, i) => {
          const index = lookups[i];
          if (!index) {
            if (typeof data['id'] === 'string' && table.has(data['id'])) found.add(data['id']);
            return;
          }
          const key = keyOf(data, group);
          const id = key === undefined ? undefined : index.get(key);
          if (id !== undefined) found.add(id);
        });
        if (found.size > 1) throw this.multipleMatches(data, groups);
        matchId = [...found][0];
      }
      if (matchId !== undefined) {
        const current = changes.get(matchId) ?? table.get(matchId)!;
        const { createdBy: _kept, ...rest } = data; // an upsert never overwrites createdBy
        const updated = this.applyUpdate(object, current, { ...rest, id: matchId }, now);
        updated['deletedAt'] = null; // a matched soft-deleted row is restored
        changes.set(matchId, updated);
        resultIds.push(matchId);
      } else {
        const row = this.newRecord(object, data, now);
        if (table.has(row.id) || changes.has(row.id)) {
          throw categorized(this.profile.categoryStatuses, 409, this.profile.categoryStatuses ? 'A duplicate entry was detected: unique constraint on id was violated' : 'A duplicate entry was detected', 'DUPLICATE_ENTRY_DETECTED');
        }
        changes.set(row.id, row);
        resultIds.push(row.id);
      }
    }
    this.commit(object, changes);
    return resultIds.map((id) => this.present(object, table.get(id)!, 0));
  }

  private multipleMatches(data: Record<string, unknown>, groups: ReturnType<typeof uniqueGroups>): SandboxHttpError {
    const described = groups
      .map((group) => {
        const values = group.paths
          .map((p) => ({ p, v: valueAt(data, p.split('.')) }))
          .filter(({ v }) => v !== undefined && v !== null && v !== '')
          .map(({ p, v }) => `${p}: ${String(v)}`);
        return values.length === 0 ? undefined : `${group.fields.join(', ')} (${values.join(', ')})`;
      })
      .filter((d): d is string => d !== undefined)
      .join('; ');
    return new SandboxHttpError(
      400,
      `Multiple records found with the same unique field values for ${described}. Cannot determine which record to update.`,
      'UPSERT_MULTIPLE_MATCHING_RECORDS_CONFLICT',
    );
  }

  /** `PATCH /rest/{plural}/{id}`. */
  update(object: ObjectMeta, id: string, input: unknown): Record<string, unknown> {
    const current = this.liveRecord(object, id);
    const { data, connects } = processRecordInput(input, { profile: this.profile, object });
    this.resolveConnects(data, connects);
    delete data['id'];
    const updated = this.applyUpdate(object, current, data, this.nowIso());
    this.commit(object, new Map([[id, updated]]));
    return this.present(object, updated, 0);
  }

  /** `DELETE /rest/{plural}/{id}`: a hard destroy (the default, §1 "Delete"); relations set to null or cascaded. */
  destroy(object: ObjectMeta, id: string): { id: string } {
    const table = this.store.table(object.id);
    if (!isUuid(id) || !table.has(id)) throw this.notFound();
    this.destroyCascading(object, id);
    this.store.changed();
    return { id };
  }

  /** `DELETE /rest/{plural}?filter=…`: destroys every live record the filter matches, at most 100 (§5). */
  destroyMany(object: ObjectMeta, filter: string): { id: string }[] {
    const rows = this.sortedRows(object, parseFilter(filter, object), parseOrderBy(undefined, object), `${filter}\u0000`);
    if (rows.length > MUTATION_MAXIMUM_AFFECTED_RECORDS) {
      throw badRequest(`The filter matches ${rows.length} records: a delete by filter may affect at most ${MUTATION_MAXIMUM_AFFECTED_RECORDS} (MUTATION_MAXIMUM_AFFECTED_RECORDS)`);
    }
    const ids = rows.map((r) => String(r.id));
    for (const id of ids) this.destroyCascading(object, id);
    if (ids.length > 0) this.store.changed();
    return ids.map((id) => ({ id }));
  }

  private destroyCascading(object: ObjectMeta, id: string): void {
    this.store.deleteRow(object.id, id);
    for (const other of this.store.objects) {
      for (const field of other.fields) {
        const join = joinColumnOf(field);
        if (!join || field.relation?.targetObjectMetadataId !== object.id) continue;
        for (const row of [...this.store.table(other.id).values()]) {
          if (row[join] !== id) continue;
          if (field.settings?.['onDelete'] === 'CASCADE') this.destroyCascading(other, row.id);
          else this.store.putRow(other.id, { ...row, [join]: null });
        }
      }
    }
  }

  /** `DELETE /rest/{plural}/{id}?soft_delete=true`. */
  softDelete(object: ObjectMeta, id: string): Record<string, unknown> {
    const current = this.liveRecord(object, id);
    const updated = { ...current, deletedAt: this.nowIso() };
    this.store.putRow(object.id, updated);
    this.store.changed();
    return this.present(object, updated, 0);
  }

  /** `PATCH /rest/restore/{plural}/{id}`. */
  restore(object: ObjectMeta, id: string): Record<string, unknown> {
    const table = this.store.table(object.id);
    const current = isUuid(id) ? table.get(id) : undefined;
    if (!current) throw this.notFound();
    const restored = { ...current, deletedAt: null };
    this.store.putRow(object.id, restored);
    this.store.changed();
    return this.present(object, restored, 0);
  }

  private liveRecord(object: ObjectMeta, id: string): StoredRecord {
    const row = isUuid(id) ? this.store.table(object.id).get(id) : undefined;
    if (!row || row['deletedAt'] !== null) throw this.notFound();
    return row;
  }

  private newRecord(object: ObjectMeta, data: Record<string, unknown>, now: string): StoredRecord {
    const row: Record<string, unknown> = {};
    for (const field of object.fields) {
      if (field.type === 'RELATION') {
        const join = joinColumnOf(field);
        if (join) row[join] = data[join] ?? null;
        continue;
      }
      const given = data[field.name];
      const fallback = defaultOf(field, now);
      if (field.name === 'createdBy' || field.name === 'updatedBy') row[field.name] = this.apiActor(given);
      else if (field.name === 'updatedAt') row[field.name] = given ?? now;
      else if (field.type === 'POSITION') row[field.name] = this.position(given);
      else if (COMPOSITES[field.type]) row[field.name] = { ...(fallback as object), ...(isObject(given) ? given : {}) };
      else row[field.name] = given === undefined ? fallback : given;
    }
    return row as StoredRecord;
  }

  private position(given: unknown): number {
    if (typeof given === 'number') return given;
    const next = this.store.nextPosition();
    return given === 'first' ? -next : next;
  }

  private applyUpdate(object: ObjectMeta, current: StoredRecord, data: Record<string, unknown>, now: string): StoredRecord {
    const row: Record<string, unknown> = { ...current };
    for (const [key, value] of Object.entries(data)) {
      const found = fieldForKey(object, key);
      if (!found) continue;
      const { field } = found;
      if (field.type === 'POSITION') row[key] = this.position(value);
      else if (COMPOSITES[field.type] && !found.isJoinColumn) {
        const base = value === null ? defaultOf(field, now) : { ...(current[key] as object) };
        row[key] = field.type === 'ACTOR' && isObject(value) ? this.apiActor({ ...(current[key] as object), ...value }) : { ...(base as object), ...(isObject(value) ? value : {}) };
      } else row[key] = value;
    }
    if (!('updatedAt' in data)) row['updatedAt'] = now;
    row['updatedBy'] = this.apiActor();
    return row as StoredRecord;
  }

  /** Connect-by-unique-field: `{"company":{"connect":{"where":{"domainName":{"primaryLinkUrl":"…"}}}}}`. */
  private resolveConnects(data: Record<string, unknown>, connects: PendingConnect[]): void {
    for (const connect of connects) {
      const target = this.store.objectById(connect.field.relation!.targetObjectMetadataId)!;
      const conditions: { path: string[]; value: unknown }[] = [];
      for (const [key, value] of Object.entries(connect.where)) {
        const field = fieldForKey(target, key)?.field;
        if (!field || !(field.isUnique || key === 'id')) {
          throw new SandboxHttpError(400, `Field "${key}" is not a unique field of ${target.nameSingular}; connect needs a unique field`, 'CONNECT_NOT_ALLOWED');
        }
        if (isObject(value)) {
          for (const [sub, v] of Object.entries(value)) {
            conditions.push({ path: [key, sub], value: typeof v === 'string' && field.type === 'LINKS' ? normalizeUrl(v) : typeof v === 'string' && field.type === 'EMAILS' ? v.toLowerCase() : v });
          }
        } else conditions.push({ path: [key], value });
      }
      const found = [...this.store.table(target.id).values()].filter(
        (row) => row['deletedAt'] === null && conditions.every((c) => valueAt(row, c.path) === c.value),
      );
      if (found.length !== 1) {
        const where = conditions.map((c) => `${c.path.join('.')} = ${String(c.value)}`).join(', ');
        throw new SandboxHttpError(
          400,
          `Expected 1 record to connect to ${target.nameSingular} where ${where}, found ${found.length}`,
          found.length === 0 ? 'CONNECT_RECORD_NOT_FOUND' : 'CONNECT_UNIQUE_CONSTRAINT_ERROR',
        );
      }
      data[connect.joinColumn] = found[0]!.id;
    }
  }

  /** Checks unique indexes and foreign keys of the planned rows, then stores them. */
  private commit(object: ObjectMeta, changes: Map<string, StoredRecord>): void {
    assertUnique(this.profile, object, this.store, changes);
    for (const field of object.fields) {
      const join = joinColumnOf(field);
      if (!join) continue;
      const targetId = field.relation!.targetObjectMetadataId;
      const targetTable = this.store.table(targetId);
      for (const row of changes.values()) {
        const ref = row[join];
        if (ref === null || ref === undefined) continue;
        if (!targetTable.has(ref as string) && !(targetId === object.id && changes.has(ref as string))) {
          // A Postgres foreign-key violation surfaces as a plain 400 with the database's message.
          throw badRequest(`insert or update on table "${object.nameSingular}" violates foreign key constraint "FK_${object.nameSingular}_${join}"`);
        }
      }
    }
    for (const row of changes.values()) this.store.putRow(object.id, row);
    this.store.changed();
  }

  // --- reads ----------------------------------------------------------------------------------------------------

  /** `GET /rest/{plural}/{id}`; soft-deleted rows are not found. */
  findOne(object: ObjectMeta, id: string, depth: string | undefined): Record<string, unknown> {
    const d = parseDepth(depth);
    return this.present(object, this.liveRecord(object, id), d);
  }

  /** `GET /rest/{plural}`: filter, order, cursor paging, totalCount (§1 "Find"). */
  findMany(object: ObjectMeta, query: FindQuery): FindResult {
    const depth = parseDepth(query.depth);
    const limit = parseLimit(query.limit, this.profile.batchMax);
    const filter: Filter | undefined = query.filter ? parseFilter(query.filter, object) : undefined;
    const order = parseOrderBy(query.orderBy, object);
    const rows = this.sortedRows(object, filter, order, `${query.filter ?? ''}\u0000${query.orderBy ?? ''}`);

    let start = 0;
    let end = rows.length;
    if (query.startingAfter) {
      const cursor = decodeCursor(query.startingAfter, order);
      start = firstIndex(rows, (r) => compareRows(r, cursor, order) > 0);
    }
    if (query.endingBefore) {
      const cursor = decodeCursor(query.endingBefore, order);
      end = firstIndex(rows, (r) => compareRows(r, cursor, order) >= 0);
    }
    let page: StoredRecord[];
    if (query.endingBefore && !query.startingAfter) {
      const from = Math.max(start, end - limit);
      page = rows.slice(from, end);
      start = from;
    } else {
      page = rows.slice(start, Math.min(end, start + limit));
    }
    const last = page.at(-1);
    const first = page[0];
    return {
      records: page.map((r) => this.present(object, r, depth)),
      pageInfo: {
        hasNextPage: start + page.length < rows.length,
        hasPreviousPage: start > 0,
        startCursor: first ? encodeCursor(first, order) : null,
        endCursor: last ? encodeCursor(last, order) : null,
      },
      totalCount: rows.length,
    };
  }

  /** The rows matching a filter, in order; cached until the object's rows change (paging re-reads the same view). */
  private sortedRows(object: ObjectMeta, filter: Filter | undefined, order: OrderKey[], signature: string): StoredRecord[] {
    const version = this.store.version(object.id);
    const cacheKey = `${object.id}\u0000${signature}`;
    const cached = this.viewCache.get(cacheKey);
    if (cached && cached.version === version) return cached.rows;
    const withDeleted = mentionsDeletedAt(filter);
    const rows = [...this.store.table(object.id).values()].filter(
      (row) => (withDeleted || row['deletedAt'] === null) && (!filter || matches(filter, row, object)),
    );
    rows.sort((a, b) => compareRows(a, b, order));
    if (this.viewCache.size >= 16) this.viewCache.clear();
    this.viewCache.set(cacheKey, { version, rows });
    return rows;
  }

  /** A stored row as the API shows it; with depth 1, MANY_TO_ONE targets and ONE_TO_MANY lists are nested. */
  present(object: ObjectMeta, row: StoredRecord, depth: 0 | 1): Record<string, unknown> {
    const out = clone(row) as Record<string, unknown>;
    if (depth === 0) return out;
    for (const field of object.fields) {
      if (field.type !== 'RELATION' || !field.relation) continue;
      const target = this.store.objectById(field.relation.targetObjectMetadataId);
      if (!target) continue;
      const targetTable = this.store.table(target.id);
      if (field.relation.type === 'MANY_TO_ONE') {
        const ref = row[joinColumnOf(field)!];
        const related = typeof ref === 'string' ? targetTable.get(ref) : undefined;
        out[field.name] = related && related['deletedAt'] === null ? clone(related) : null;
      } else {
        const inverse = target.fields.find((f) => f.id === field.relation!.targetFieldMetadataId);
        const join = inverse ? joinColumnOf(inverse) : undefined;
        out[field.name] = join
          ? [...targetTable.values()].filter((r) => r[join] === row.id && r['deletedAt'] === null).slice(0, this.profile.batchMax).map(clone)
          : [];
      }
    }
    return out;
  }
}

/** The first index whose row satisfies a predicate that is false then true along the sorted rows (binary search). */
function firstIndex(rows: StoredRecord[], after: (row: StoredRecord) => boolean): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (after(rows[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function parseDepth(depth: string | undefined): 0 | 1 {
  if (depth === undefined || depth === '') return 0;
  if (depth === '0' || depth === '1') return Number(depth) as 0 | 1;
  throw badRequest(`'depth=${depth}' parameter invalid. Allowed values are 0, 1`);
}

function parseLimit(limit: string | undefined, max: number): number {
  if (limit === undefined || limit === '') return Math.min(DEFAULT_PAGE_SIZE, max);
  const n = Number(limit);
  if (!Number.isInteger(n) || n < 0) throw new SandboxHttpError(400, `limit '${limit}' is invalid. Should be an integer`, 'INVALID_LIMIT_QUERY_PARAM');
  return Math.min(n, max);
}

/** `order_by=field[AscNullsFirst],other.sub[DescNullsLast]`, with `id` appended as the tie-breaker. */
function parseOrderBy(orderBy: string | undefined, object: ObjectMeta): OrderKey[] {
  const keys: OrderKey[] = [];
  for (const item of (orderBy ?? '').split(',').filter((s) => s.trim() !== '')) {
    const m = /^([^[]+)(?:\[([^\]]*)\])?$/.exec(item.trim());
    const direction = (m?.[2] ?? 'AscNullsFirst') as Direction;
    if (!m || !DIRECTIONS.includes(direction)) {
      throw new SandboxHttpError(
        400,
        `'order_by' direction '${m?.[2] ?? item}' invalid. Allowed values are '${DIRECTIONS.join("', '")}'. eg: ?order_by=field_1[AscNullsFirst],field_2[DescNullsLast],field_3`,
        'INVALID_ORDER_BY_QUERY_PARAM',
      );
    }
    const path = m[1]!.split('.');
    if (!fieldForKey(object, path[0]!)) throw badRequest(`'order_by' field '${m[1]}' does not exist in '${object.nameSingular}' object`);
    keys.push({ path, direction });
  }
  if (!keys.some((k) => k.path.length === 1 && k.path[0] === 'id')) keys.push({ path: ['id'], direction: 'AscNullsFirst' });
  return keys;
}

function compareValues(a: unknown, b: unknown, direction: Direction): number {
  const aNull = a === null || a === undefined;
  const bNull = b === null || b === undefined;
  if (aNull || bNull) {
    if (aNull && bNull) return 0;
    const nullsFirst = direction.endsWith('NullsFirst');
    return aNull === nullsFirst ? -1 : 1;
  }
  let c = 0;
  if (typeof a === 'number' && typeof b === 'number') c = a - b;
  else {
    const sa = typeof a === 'string' ? a : JSON.stringify(a);
    const sb = typeof b === 'string' ? b : JSON.stringify(b);
    c = sa < sb ? -1 : sa > sb ? 1 : 0;
  }
  return direction.startsWith('Desc') ? -c : c;
}

function compareRows(a: Record<string, unknown>, b: Record<string, unknown>, order: OrderKey[]): number {
  for (const key of order) {
    const c = compareValues(valueAt(a, key.path), valueAt(b, key.path), key.direction);
    if (c !== 0) return c;
  }
  return 0;
}

/** Cursors hold the row's order-by values and its id, base64-encoded JSON (as Twenty's encodeCursor). */
function encodeCursor(row: Record<string, unknown>, order: OrderKey[]): string {
  const values: Record<string, unknown> = {};
  for (const key of order) values[key.path.join('.')] = valueAt(row, key.path) ?? null;
  return Buffer.from(JSON.stringify(values)).toString('base64');
}

function decodeCursor(cursor: string, order: OrderKey[]): Record<string, unknown> {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8'));
  } catch {
    values = undefined;
  }
  if (!isObject(values) || typeof values['id'] !== 'string') throw new SandboxHttpError(400, `Invalid cursor: ${cursor}`, 'INVALID_CURSOR');
  const row: Record<string, unknown> = {};
  for (const key of order) {
    let target = row;
    key.path.slice(0, -1).forEach((p) => {
      target[p] ??= {};
      target = target[p] as Record<string, unknown>;
    });
    target[key.path.at(-1)!] = values[key.path.join('.')] ?? null;
  }
  return row;
}

