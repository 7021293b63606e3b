/**
 * The Twenty client: http.ts (one call, bound to TWENTY_API_URL) under rate-limit.ts (spacing, 429s) under
 * retry.ts (5xx, timeouts, dropped connections), with schema discovery, data-model changes and records on top.
 *
 * The API key lives only inside http.ts's closure: the client object has no property holding it, so printing or
 * serialising the client shows no key.
 */
import { Agent, type Dispatcher } from 'undici';
import { setting } from '../config.js';
import { BatchLimit, capabilitiesOf, DEFAULT_BATCH_MAX, type TwentyCapabilities } from './capabilities.js';
import { TwentyConfigError } from './errors.js';
import type { EventSink } from './events.js';
import {
  addSelectOptions,
  removeCustomField,
  removeSelectOptions,
  ensureField,
  ensureObject,
  type AddOptionsResult,
  type EnsureFieldResult,
  type EnsureObjectResult,
  type FieldSpec,
  type ObjectSpec,
  type SelectOptionInput,
} from './fields.js';
import { createHttp, type Send, type TwentyRequest } from './http.js';
import { Scheduler, TWENTY_DEFAULT_BUCKETS, type RateLimitOptions, type SchedulerStats } from './rate-limit.js';
import {
  destroyRecord,
  destroyRecords,
  findOne,
  findPages,
  restoreRecord,
  updateRecord,
  upsertMany,
  type FindQuery,
  type TwentyPage,
  type TwentyRecord,
  type UpsertOptions,
  type UpsertResult,
} from './records.js';
import { withRetry } from './retry.js';
import { SchemaCache, type TwentySchema } from './schema.js';

export interface TwentyClientOptions {
  /** TWENTY_API_URL: `https://api.twenty.com` or a self-hosted server. Every request goes here and nowhere else. */
  baseUrl: string;
  /** TWENTY_API_KEY. Never printed, never in an error. */
  apiKey: string;
  /** Default: Twenty's defaults (100 per 1000 ms and 100 per 60,000 ms), 8 calls in flight. */
  rateLimit?: RateLimitOptions;
  /** Per request, until the whole answer is read. Default 60,000 ms. */
  timeoutMs?: number;
  /** Retries after a 5xx, timeout or dropped connection. Default 5. */
  maxRetries?: number;
  /** Backoff before the first retry and at most (jittered, doubling). Default 1,000 and 30,000 ms. */
  retryDelay?: { minMs?: number; maxMs?: number };
  /** Records per batch to start with. Default 200; lowered (and remembered) when the server refuses a batch. */
  batchMax?: number;
  /** Progress and adaptation events (no key, no record values). */
  onEvent?: EventSink;
  /** An undici dispatcher to use instead of the client's own connection pool (e.g. a MockAgent in tests). */
  dispatcher?: Dispatcher;
}

export interface TwentyClientStats {
  /** Every HTTP attempt started, including retries and calls repeated after a 429. */
  calls: number;
  /** Attempts repeated after a 5xx, timeout or dropped connection. */
  retries: number;
  /** 429s met. */
  rateLimited: number;
  /** Current spacing between calls, and the spacing the configured buckets allow. */
  intervalMs: number;
  baseIntervalMs: number;
  batchMax: number;
  schemaReads: number;
}

export interface TwentyClient {
  /** The normalised base URL (no key in it). */
  readonly baseUrl: string;

  /** The workspace's data model: cached; `{refresh: true}` reads it again. Refreshed after every change made here. */
  schema(options?: { refresh?: boolean }): Promise<TwentySchema>;
  /** Version differences: batch maximum, note/task link columns, standard fields present. */
  capabilities(): Promise<TwentyCapabilities>;

  /** Creates a custom field, or reuses a compatible existing one (adding missing select options). */
  ensureField(spec: FieldSpec): Promise<EnsureFieldResult>;
  /** Adds options to an existing SELECT/MULTI_SELECT, keeping every existing option. */
  addSelectOptions(object: string, field: string, options: readonly SelectOptionInput[]): Promise<AddOptionsResult>;
  /** Creates a custom object, or reuses the one with this singular name. */
  ensureObject(spec: ObjectSpec): Promise<EnsureObjectResult>;
  /** Deletes a custom field and its values; false when it is not there. */
  removeCustomField(object: string, field: string): Promise<boolean>;
  /** Removes options from a select, keeping the others; returns the values removed. */
  removeSelectOptions(object: string, field: string, values: readonly string[]): Promise<string[]>;

  /** Batch upsert; bad records are isolated and reported, the rest written. See records.ts. */
  upsertMany(plural: string, records: readonly TwentyRecord[], options?: UpsertOptions): Promise<UpsertResult>;
  /** Pages of matching records, following the cursor to the last page. */
  find(plural: string, query?: FindQuery): AsyncIterable<TwentyPage>;
  findOne(plural: string, id: string): Promise<TwentyRecord | undefined>;
  update(plural: string, id: string, patch: TwentyRecord): Promise<TwentyRecord>;
  /** Hard delete. True if destroyed, false if there was no such record. */
  destroy(plural: string, id: string): Promise<boolean>;
  /** Hard delete of many, 100 per call where the workspace allows deletes by filter; how many were destroyed. */
  destroyMany(plural: string, ids: readonly string[]): Promise<number>;
  /** Brings back a soft-deleted record. */
  restore(plural: string, id: string): Promise<TwentyRecord>;

  /** Any call below `/rest/`, rate-limited, retried and error-mapped like the others (for what has no method yet). */
  request(req: TwentyRequest): Promise<unknown>;

  stats(): TwentyClientStats;
  /** Waits for calls in flight (those waiting out a retry's backoff too), then closes the connection pool. */
  close(): Promise<void>;
}

export function createTwentyClient(options: TwentyClientOptions): TwentyClient {
  const timeoutMs = options.timeoutMs ?? 60_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new TwentyConfigError(`Timeout ${timeoutMs} ms is not usable: give a positive number of milliseconds.`);
  const onEvent = options.onEvent;
  const hooks = onEvent === undefined ? {} : { onEvent };
  const scheduler = new Scheduler(options.rateLimit, hooks);
  // Twenty throttles record queries only (twenty-api.md §5: the query runner's throttle): data-model calls get a
  // scheduler of their own, held to the shortest bucket alone, so creating 80 fields neither waits a minute nor
  // spends the import's calls. Should a version throttle them too, its 429 says the limit and this one learns it.
  const configured = options.rateLimit?.buckets ?? TWENTY_DEFAULT_BUCKETS;
  const shortest = [...configured].sort((a, b) => a.windowMs - b.windowMs)[0];
  const metadataScheduler = new Scheduler({ ...options.rateLimit, ...(shortest ? { buckets: [shortest] } : {}) }, hooks);
  const schedulerOf = (req: TwentyRequest): Scheduler => (req.path.startsWith('/rest/metadata') ? metadataScheduler : scheduler);
  const ownAgent = options.dispatcher === undefined ? new Agent({ keepAliveTimeout: 10_000, connections: 32 }) : undefined;
  let http: ReturnType<typeof createHttp>;
  try {
    http = createHttp({ baseUrl: options.baseUrl, apiKey: options.apiKey, timeoutMs, dispatcher: options.dispatcher ?? (ownAgent as Agent) });
  } catch (error) {
    void ownAgent?.close();
    throw error;
  }
  let retries = 0;
  /** Every call not yet settled, waiting in a retry's backoff included: close() waits for all of them. */
  const inFlight = new Set<Promise<unknown>>();

  const send: Send = (req) => {
    const call = attempt(req);
    inFlight.add(call);
    void call.finally(() => inFlight.delete(call)).catch(() => {});
    return call;
  };

  const attempt: Send = (req) =>
    withRetry(
      () => schedulerOf(req).run(() => http.send(req), req.signal ?? req.queueSignal),
      {
        retries: options.maxRetries ?? 5,
        ...(options.retryDelay?.minMs === undefined ? {} : { minDelayMs: options.retryDelay.minMs }),
        ...(options.retryDelay?.maxMs === undefined ? {} : { maxDelayMs: options.retryDelay.maxMs }),
      },
      {
        origin: http.origin,
        method: req.method,
        path: req.path,
        onRetry: () => retries++,
        ...(onEvent === undefined ? {} : { onEvent }),
        ...(req.signal === undefined ? {} : { signal: req.signal }),
      },
    );

  const batchLimit = new BatchLimit(options.batchMax ?? DEFAULT_BATCH_MAX, onEvent);
  const schemaCache = new SchemaCache(send, onEvent);
  const schemaDeps = { send, schema: schemaCache };
  const recordDeps = { send, batchLimit, ...(onEvent === undefined ? {} : { onEvent }) };
  /** Deletes by filter work until the workspace says its common API is off; then one record per call. */
  const bulkDelete = { on: true };

  return {
    baseUrl: http.baseUrl,
    schema: (opts) => (opts?.refresh === true ? schemaCache.refresh() : schemaCache.get()),
    capabilities: async () => capabilitiesOf(await schemaCache.get(), batchLimit),
    ensureField: (spec) => ensureField(schemaDeps, spec),
    addSelectOptions: (object, field, opts) => addSelectOptions(schemaDeps, object, field, opts),
    removeCustomField: (object, field) => removeCustomField(schemaDeps, object, field),
    removeSelectOptions: (object, field, values) => removeSelectOptions(schemaDeps, object, field, values),
    ensureObject: (spec) => ensureObject(schemaDeps, spec),
    upsertMany: (plural, records, opts) => upsertMany(recordDeps, plural, records, opts),
    find: (plural, query) => findPages(recordDeps, plural, query),
    findOne: (plural, id) => findOne(recordDeps, plural, id),
    update: (plural, id, patch) => updateRecord(recordDeps, plural, id, patch),
    destroy: (plural, id) => destroyRecord(recordDeps, plural, id),
    destroyMany: (plural, ids) => destroyRecords(recordDeps, plural, ids, bulkDelete),
    restore: (plural, id) => restoreRecord(recordDeps, plural, id),
    request: send,
    stats: () => {
      const s: SchedulerStats = scheduler.stats();
      const m: SchedulerStats = metadataScheduler.stats();
      return {
        calls: s.started + m.started,
        retries,
        rateLimited: s.rateLimited + m.rateLimited,
        intervalMs: s.intervalMs,
        baseIntervalMs: s.baseIntervalMs,
        batchMax: batchLimit.value,
        schemaReads: schemaCache.readCount,
      };
    },
    close: async () => {
      await Promise.allSettled([...inFlight]);
      await Promise.all([scheduler.onIdle(), metadataScheduler.onIdle()]);
      await ownAgent?.close();
    },
  };
}

/**
 * The client for the Twenty named by `TWENTY_API_URL` and `TWENTY_API_KEY`, or undefined when `TWENTY_API_URL` is
 * unset or empty (the caller then decides on rehearsal mode). A URL without a key is a configuration error.
 */
export function clientFromEnvironment(
  env: Record<string, string | undefined> = process.env,
  options: Omit<TwentyClientOptions, 'baseUrl' | 'apiKey'> = {},
): TwentyClient | undefined {
  const baseUrl = setting(env, 'TWENTY_API_URL');
  if (baseUrl === undefined) return undefined;
  const apiKey = setting(env, 'TWENTY_API_KEY');
  if (apiKey === undefined) {
    throw new TwentyConfigError(
      'TWENTY_API_URL is set but TWENTY_API_KEY is not. Create an API key in Twenty (Settings → APIs & Webhooks) and set TWENTY_API_KEY to it, or unset TWENTY_API_URL to rehearse on the local sandbox.',
    );
  }
  return createTwentyClient({ ...options, baseUrl, apiKey });
}
