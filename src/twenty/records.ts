/**
 * Records: batch upsert, find with cursor paging, update, destroy, restore (twenty-api.md §1).
 *
 * Batches are all-or-nothing on Twenty's side (one `repository.insert`), so one bad record fails its whole batch.
 * upsertMany splits a refused batch in halves until each bad record stands alone, writes everything else, and
 * reports each bad record's index with the server's message verbatim. Every write is `?upsert=true`: matched on
 * `id` and the unique fields (the migration's unique external-id field), so replaying a batch whose answer was lost
 * updates the same records instead of duplicating them.
 */
import type { BatchLimit } from './capabilities.js';
import {
  TwentyBatchTooLargeError,
  TwentyConfigError,
  TwentyNotFoundError,
  TwentyResponseError,
  TwentyValidationError,
} from './errors.js';
import type { EventSink } from './events.js';
import { isIn, where } from './filters.js';
import { restPath, type Send } from './http.js';
import { isRecord, listIn, pageInfoIn, singleIn, str, type PageInfo } from './response.js';

/** A record as Twenty sends and takes it: field name → value (composites are objects). */
export type TwentyRecord = Record<string, unknown>;

export interface WrittenRecord {
  /** Position of the record in the input array. */
  index: number;
  /** Twenty's id of the created or updated record. */
  id: string;
  /** The record as Twenty returned it. */
  record: TwentyRecord;
}

export interface RejectedRecord {
  /** Position of the record in the input array. */
  index: number;
  /** The server's message, verbatim (redacted of the API key). */
  message: string;
  /** `INVALID_ARGS_DATA`, `DUPLICATE_ENTRY_DETECTED`, ... when the server sent one. */
  code?: string;
  field?: string;
  value?: string;
  status?: number;
}

export interface UpsertResult {
  /** In input order. */
  written: WrittenRecord[];
  /** In input order. */
  rejected: RejectedRecord[];
  /** Input positions never sent because the caller's signal stopped the upsert; write them on a later run. */
  unsent: number[];
}

export interface UpsertOptions {
  /**
   * The unique field Twenty matches records on (the migration's external id, e.g. `kartraLeadId`). With it, records
   * that lack a value, or repeat another record's value, are rejected before anything is sent: only then is
   * replaying a batch whose answer was lost guaranteed not to create a second record.
   */
  matchOn?: string;
  /** Stops sending further batches: those are returned in `unsent`; a batch already sent is let finish and reported. */
  signal?: AbortSignal;
  /** Called after every batch that settled, with running totals. */
  onProgress?: (progress: { written: number; rejected: number; total: number }) => void;
}

export interface FindQuery {
  /** Twenty filter syntax; build it with filters.ts (`where(eq('kartraLeadId', '123'))`). */
  filter?: string;
  /** `field[AscNullsFirst|AscNullsLast|DescNullsFirst|DescNullsLast]`; Twenty appends `id` as tie-breaker. */
  orderBy?: string;
  /** Records per page. Default: the batch maximum (200, or what the server accepts). */
  pageSize?: number;
  /** Only these fields (newer servers; older ones ignore it). */
  fields?: string[];
  depth?: 0 | 1;
  /** Resume after this cursor (`pageInfo.endCursor` of an earlier page). */
  startingAfter?: string;
  signal?: AbortSignal;
}

export interface TwentyPage {
  records: TwentyRecord[];
  pageInfo: PageInfo;
  /** Matching records in all pages, when the server says. */
  totalCount: number | undefined;
}

export interface RecordDeps {
  send: Send;
  batchLimit: BatchLimit;
  onEvent?: EventSink;
}

const PLURAL = /^[a-z][a-zA-Z0-9]*$/;

function checkPlural(plural: string): void {
  if (!PLURAL.test(plural)) {
    throw new TwentyConfigError(`"${plural.slice(0, 80)}" is not a Twenty object name (the plural API name, e.g. "people").`);
  }
}

function checkId(id: string): void {
  if (id.trim() === '') throw new TwentyConfigError('A record id is required.');
}

interface Item {
  index: number;
  record: TwentyRecord;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Creates or updates `records` in batches (`POST /rest/batch/{plural}?upsert=true`), chunked to the batch maximum.
 * A batch refused as too large lowers the maximum for good (200 → 60, or what the server stated) and is re-sent in
 * smaller batches. A batch refused for its data is split until each bad record is isolated; those are returned in
 * `rejected`, everything else is written. Errors that no split can fix (key, server down, rate limit exhausted,
 * unknown object) are thrown.
 *
 * Replaying is safe when every record carries a value for a unique field (the migration's external id): the server
 * matches on it instead of creating a second record. Pass it as `matchOn` and upsertMany checks that it is so.
 * Two input records that end up on one Twenty record (they shared a unique value such as an email) are never both
 * reported written: the later ones are rejected with the reason.
 */
export async function upsertMany(deps: RecordDeps, plural: string, records: readonly TwentyRecord[], options: UpsertOptions = {}): Promise<UpsertResult> {
  checkPlural(plural);
  const written: WrittenRecord[] = [];
  const rejected: RejectedRecord[] = [];
  const unsent: number[] = [];
  if (records.length === 0) return { written, rejected, unsent };
  const path = restPath('batch', plural);
  // One failure that no split can fix stops every batch not yet sent. The signal is checked before a batch goes
  // out, never passed to a request under way: an answered batch must be reported, not thrown away.
  const stop = new AbortController();
  const progress = (): void => options.onProgress?.({ written: written.length, rejected: rejected.length, total: records.length });

  const write = async (items: Item[]): Promise<void> => {
    if (options.signal?.aborted) {
      unsent.push(...items.map((i) => i.index)); // the caller stopped: reported, not thrown, with what was written
      return;
    }
    stop.signal.throwIfAborted();
    let answer: unknown;
    try {
      answer = await deps.send({
        method: 'POST',
        path,
        query: { upsert: 'true' },
        body: items.map((i) => i.record),
        object: plural,
        records: items.length,
        ...(options.signal === undefined ? {} : { queueSignal: options.signal }),
      });
    } catch (error) {
      if (options.signal?.aborted && error === options.signal.reason) {
        unsent.push(...items.map((i) => i.index)); // stopped while waiting for its turn: never sent
        return;
      }
      if (error instanceof TwentyBatchTooLargeError && items.length > 1) {
        const max = deps.batchLimit.lower(error.maximum, items.length);
        await Promise.all(chunks(items, max).map(write));
        return;
      }
      if (error instanceof TwentyValidationError && isAboutRecords(error)) {
        if (items.length === 1 && items[0] !== undefined) {
          rejected.push({
            index: items[0].index,
            message: error.serverMessage ?? error.message,
            ...(error.code === undefined ? {} : { code: error.code }),
            ...(error.field === undefined ? {} : { field: error.field }),
            ...(error.value === undefined ? {} : { value: error.value }),
            ...(error.status === undefined ? {} : { status: error.status }),
          });
          progress();
          return;
        }
        // §1: all-or-nothing batches: nothing of this batch was written; split it to isolate the bad records.
        deps.onEvent?.({ type: 'batch-split', object: plural, size: items.length, ...(error.code === undefined ? {} : { code: error.code }) });
        const half = Math.ceil(items.length / 2);
        await Promise.all([write(items.slice(0, half)), write(items.slice(half))]);
        return;
      }
      throw error;
    }
    const rows = listIn(answer, plural);
    if (rows === undefined || rows.length !== items.length) {
      throw new TwentyResponseError(`sent ${items.length} records, got ${rows === undefined ? 'no list' : `${rows.length} back`}`, {
        call: { method: 'POST', path },
      });
    }
    rows.forEach((row, k) => {
      const item = items[k];
      const id = isRecord(row) ? str(row.id) : undefined;
      if (item === undefined || id === undefined || !isRecord(row)) {
        throw new TwentyResponseError('a returned record has no id', { call: { method: 'POST', path } });
      }
      written.push({ index: item.index, id, record: row });
    });
    progress();
  };

  const items: Item[] = [];
  const firstWithValue = new Map<unknown, number>();
  records.forEach((record, index) => {
    const refusal = options.matchOn === undefined ? undefined : matchRefusal(record, options.matchOn, index, firstWithValue);
    if (refusal) rejected.push(refusal);
    else items.push({ index, record });
  });
  try {
    await Promise.all(chunks(items, deps.batchLimit.value).map(write));
  } catch (error) {
    stop.abort(error);
    throw error;
  }
  written.sort((a, b) => a.index - b.index);
  rejectSharedRecords(written, rejected);
  rejected.sort((a, b) => a.index - b.index);
  unsent.sort((a, b) => a - b);
  return { written, rejected, unsent };
}

/**
 * Validation codes that are about the records sent (a split can isolate them). Anything else (an unknown object, a
 * bad path) fails every half the same way: splitting would only multiply the calls.
 */
const RECORD_CODES = new Set([
  'INVALID_ARGS_DATA',
  'DUPLICATE_ENTRY_DETECTED',
  'UPSERT_MULTIPLE_MATCHING_RECORDS_CONFLICT',
  'CONNECT_RECORD_NOT_FOUND',
  'CONNECT_UNIQUE_CONSTRAINT_ERROR',
  'BAD_USER_INPUT',
]);

function isAboutRecords(error: TwentyValidationError): boolean {
  if (error.code !== undefined) return RECORD_CODES.has(error.code);
  // No code (older servers, and Twenty's unknown-object answer): about the data unless it names a missing object.
  return !/^object '[^']*' not found/i.test(error.serverMessage ?? error.message);
}

/** Why a record cannot be written safely under `matchOn`: no value, or the value of an earlier record. */
function matchRefusal(record: TwentyRecord, matchOn: string, index: number, firstWithValue: Map<unknown, number>): RejectedRecord | undefined {
  const value = record[matchOn];
  if (value === undefined || value === null || value === '') {
    return { index, message: `no value for ${matchOn}, the field records are matched on: it could be written twice` };
  }
  const earlier = firstWithValue.get(value);
  if (earlier !== undefined) return { index, message: `same ${matchOn} as record ${earlier}: one Twenty record cannot hold both` };
  firstWithValue.set(value, index);
  return undefined;
}

/** Input records that Twenty wrote onto one record (they shared a unique value): the first keeps it. */
function rejectSharedRecords(written: WrittenRecord[], rejected: RejectedRecord[]): void {
  const firstById = new Map<string, number>();
  for (let i = 0; i < written.length; i++) {
    const entry = written[i]!;
    const first = firstById.get(entry.id);
    if (first === undefined) {
      firstById.set(entry.id, entry.index);
      continue;
    }
    rejected.push({ index: entry.index, message: `written onto the same Twenty record as record ${first} (they share a unique value, such as an email)` });
    written.splice(i--, 1);
  }
}

/** Every page of `GET /rest/{plural}` matching the query, following `pageInfo.endCursor` (`starting_after`). */
export async function* findPages(deps: RecordDeps, plural: string, query: FindQuery = {}): AsyncGenerator<TwentyPage, void, undefined> {
  checkPlural(plural);
  const path = restPath(plural);
  const pageSize = query.pageSize ?? deps.batchLimit.value;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new TwentyConfigError(`Page size ${pageSize} is not usable: give a whole number of at least 1.`);
  let after = query.startingAfter;
  const seen = new Set<string>();
  for (;;) {
    const answer = await deps.send({
      method: 'GET',
      path,
      query: {
        limit: pageSize,
        ...(query.filter === undefined ? {} : { filter: query.filter }),
        ...(query.orderBy === undefined ? {} : { order_by: query.orderBy }),
        ...(query.fields === undefined ? {} : { fields: query.fields.join(',') }),
        ...(query.depth === undefined ? {} : { depth: query.depth }),
        ...(after === undefined ? {} : { starting_after: after }),
      },
      object: plural,
      ...(query.signal === undefined ? {} : { signal: query.signal }),
    });
    const rows = listIn(answer, plural);
    if (rows === undefined) throw new TwentyResponseError(`expected {"data": {"${plural}": [...]}}`, { call: { method: 'GET', path } });
    const pageInfo = pageInfoIn(answer, plural);
    const total = isRecord(answer) && typeof answer.totalCount === 'number' ? answer.totalCount : undefined;
    yield { records: rows.filter(isRecord), pageInfo, totalCount: total };
    if (!pageInfo.hasNextPage || rows.length === 0) return;
    const cursor = pageInfo.endCursor;
    if (cursor === undefined || seen.has(cursor)) {
      throw new TwentyResponseError('the next page was announced without a new cursor', { call: { method: 'GET', path } });
    }
    seen.add(cursor);
    after = cursor;
  }
}

/** `GET /rest/{plural}/{id}`; undefined when there is no such record. */
export async function findOne(deps: RecordDeps, plural: string, id: string): Promise<TwentyRecord | undefined> {
  checkPlural(plural);
  checkId(id);
  const path = restPath(plural, id);
  try {
    return singleIn(await deps.send({ method: 'GET', path, object: plural }), { method: 'GET', path });
  } catch (error) {
    if (error instanceof TwentyNotFoundError) return undefined;
    throw error;
  }
}

/** `PATCH /rest/{plural}/{id}` with the fields to change; resolves with the updated record. */
export async function updateRecord(deps: RecordDeps, plural: string, id: string, patch: TwentyRecord): Promise<TwentyRecord> {
  checkPlural(plural);
  checkId(id);
  const path = restPath(plural, id);
  return singleIn(await deps.send({ method: 'PATCH', path, body: patch, object: plural }), { method: 'PATCH', path });
}

/**
 * `DELETE /rest/{plural}/{id}`: Twenty's default delete is a hard destroy (§1). Resolves true when the record was
 * destroyed, false when it did not exist (also after a retried call whose first attempt destroyed it).
 */
export async function destroyRecord(deps: RecordDeps, plural: string, id: string): Promise<boolean> {
  checkPlural(plural);
  checkId(id);
  try {
    await deps.send({ method: 'DELETE', path: restPath(plural, id), object: plural });
    return true;
  } catch (error) {
    if (error instanceof TwentyNotFoundError) return false;
    throw error;
  }
}

/** `MUTATION_MAXIMUM_AFFECTED_RECORDS` (§5): the most records one delete by filter may touch. */
export const DESTROY_MANY_MAX = 100;

/** What a workspace refuses a delete by filter with when its common API is off (rest-api-core.service.ts). */
const BULK_DELETE_OFF = /feature flag/i;

/**
 * Destroys records by id, 100 per `DELETE /rest/{plural}?filter=id[in]:[…]` call; where the workspace refuses deletes
 * by filter, one `DELETE /rest/{plural}/{id}` each (remembered in `bulk` for the next calls). Resolves with how
 * many records were destroyed (ids that no longer exist are not counted, also after a retried call).
 */
export async function destroyRecords(deps: RecordDeps, plural: string, ids: readonly string[], bulk: { on: boolean }): Promise<number> {
  checkPlural(plural);
  for (const id of ids) checkId(id);
  let destroyed = 0;
  for (let i = 0; i < ids.length; i += DESTROY_MANY_MAX) {
    const chunk = ids.slice(i, i + DESTROY_MANY_MAX);
    if (bulk.on) {
      try {
        const answer = await deps.send({ method: 'DELETE', path: restPath(plural), query: { filter: where(isIn('id', chunk)) }, object: plural });
        const data = (answer as { data?: Record<string, unknown> } | undefined)?.data;
        const list = data ? Object.values(data).find(Array.isArray) : undefined;
        destroyed += list ? list.length : chunk.length;
        continue;
      } catch (error) {
        if (!(error instanceof TwentyValidationError && BULK_DELETE_OFF.test(error.serverMessage ?? error.message))) throw error;
        bulk.on = false;
      }
    }
    for (const id of chunk) if (await destroyRecord(deps, plural, id)) destroyed++;
  }
  return destroyed;
}

/** `PATCH /rest/restore/{plural}/{id}`: brings back a soft-deleted record. */
export async function restoreRecord(deps: RecordDeps, plural: string, id: string): Promise<TwentyRecord> {
  checkPlural(plural);
  checkId(id);
  const path = restPath('restore', plural, id);
  return singleIn(await deps.send({ method: 'PATCH', path, object: plural }), { method: 'PATCH', path });
}
