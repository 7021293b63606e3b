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
}

export interface UpsertOptions {
  /** Stops sending further batches (batches already sent complete). */
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
 * matches on it instead of creating a second record.
 */
export async function upsertMany(deps: RecordDeps, plural: string, records: readonly TwentyRecord[], options: UpsertOptions = {}): Promise<UpsertResult> {
  checkPlural(plural);
  const written: WrittenRecord[] = [];
  const rejected: RejectedRecord[] = [];
  if (records.length === 0) return { written, rejected };
  const path = restPath('batch', plural);
  // One failure that no split can fix stops every batch not yet sent.
  const stop = new AbortController();
  const signal = options.signal === undefined ? stop.signal : AbortSignal.any([stop.signal, options.signal]);
  const progress = (): void => options.onProgress?.({ written: written.length, rejected: rejected.length, total: records.length });

  const write = async (items: Item[]): Promise<void> => {
    let answer: unknown;
    try {
      answer = await deps.send({
        method: 'POST',
        path,
        query: { upsert: 'true' },
        body: items.map((i) => i.record),
        object: plural,
        records: items.length,
        signal,
      });
    } catch (error) {
      if (error instanceof TwentyBatchTooLargeError && items.length > 1) {
        const max = deps.batchLimit.lower(error.maximum, items.length);
        await Promise.all(chunks(items, max).map(write));
        return;
      }
      if (error instanceof TwentyValidationError) {
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

  const items = records.map((record, index) => ({ index, record }));
  try {
    await Promise.all(chunks(items, deps.batchLimit.value).map(write));
  } catch (error) {
    stop.abort(error);
    throw error;
  }
  written.sort((a, b) => a.index - b.index);
  rejected.sort((a, b) => a.index - b.index);
  return { written, rejected };
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

/** `PATCH /rest/restore/{plural}/{id}`: brings back a soft-deleted record. */
export async function restoreRecord(deps: RecordDeps, plural: string, id: string): Promise<TwentyRecord> {
  checkPlural(plural);
  checkId(id);
  const path = restPath('restore', plural, id);
  return singleIn(await deps.send({ method: 'PATCH', path, object: plural }), { method: 'PATCH', path });
}
