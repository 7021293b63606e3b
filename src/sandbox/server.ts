import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { inspect } from 'node:util';
import { badRequest, invalidArgs, SandboxHttpError, type ErrorBody } from './errors.js';
import { DEFAULT_RATE_LIMIT } from './rate-limit.js';
import type { FaultInjector } from './faults.js';
import type { MetadataService } from './metadata.js';
import type { RateLimiter } from './rate-limit.js';
import type { RecordService } from './records.js';
import type { Store } from './store.js';
import type { ObjectMeta } from './schema.js';

/**
 * HTTP routing (twenty-api.md §1 "Routes", §2 "REST metadata"): authentication, body parsing, route dispatch, the
 * rate limiter and fault injection around record routes, and the counters tests read.
 */

export interface SandboxStats {
  /** Every HTTP request received. */
  requests: number;
  /** Authenticated requests per route, e.g. `POST /rest/batch/people`, `GET /rest/people/{id}`. */
  calls: Record<string, number>;
  /** 429 answers sent. */
  rateLimited: number;
  /** 401 answers sent. */
  unauthorized: number;
  /**
   * Faults injected: record requests answered 500, hung, dropped after being applied, answered 429 by a storm,
   * refused for an invalid record, delayed by the added latency.
   */
  faults: { error500: number; hang: number; dropAfterApply: number; rateLimitStorm: number; invalidRecord: number; latency: number };
  /** The records the invalid-record fault refused (`people kartraLeadId=123`), each once, in the order first refused. */
  invalidRecords: string[];
}

export function emptyStats(): SandboxStats {
  return {
    requests: 0,
    calls: {},
    rateLimited: 0,
    unauthorized: 0,
    faults: { error500: 0, hang: 0, dropAfterApply: 0, rateLimitStorm: 0, invalidRecord: 0, latency: 0 },
    invalidRecords: [],
  };
}

export interface ServerDeps {
  store: Store;
  records: RecordService;
  metadata: MetadataService;
  limiter: RateLimiter | undefined;
  faults: FaultInjector;
  now: () => number;
  stats: SandboxStats;
  /** Responses held open by the hang fault, released when the server closes. */
  hung: Set<ServerResponse>;
}

interface Reply {
  status: number;
  body: unknown;
}

const MAX_BODY_BYTES = 50 * 1024 * 1024;

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, error: SandboxHttpError): void {
  send(res, error.status, error.body());
}

function internalError(error: unknown): ErrorBody {
  return { statusCode: 500, error: 'InternalServerErrorException', messages: [`Internal server error: ${(error as Error)?.message ?? String(error)}`], code: 'INTERNAL_SERVER_ERROR' };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new SandboxHttpError(413, 'request entity too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Express's JSON parser: a JSON body when the content type says so, `{}` otherwise. */
function parseJson(req: IncomingMessage, raw: Buffer): unknown {
  const type = req.headers['content-type'] ?? '';
  if (!/\bjson\b/i.test(type) || raw.length === 0) return {};
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw badRequest((error as Error).message);
  }
}

function authorized(header: string | undefined, apiKey: string): 'ok' | 'missing' | 'invalid' {
  if (!header) return 'missing';
  const m = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!m) return 'invalid';
  const given = Buffer.from(m[1]!.trim());
  const expected = Buffer.from(apiKey);
  return given.length === expected.length && timingSafeEqual(given, expected) ? 'ok' : 'invalid';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createRequestHandler(deps: ServerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(deps, req, res).catch((error: unknown) => {
      if (res.headersSent || res.destroyed) return;
      if (error instanceof SandboxHttpError) sendError(res, error);
      else send(res, 500, internalError(error));
    });
  };
}

async function handle(deps: ServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { stats } = deps;
  stats.requests += 1;
  const url = new URL(req.url ?? '/', 'http://sandbox');
  const method = (req.method ?? 'GET').toUpperCase();
  const path = url.pathname.replace(/\/+$/, '') || '/';

  if (path === '/healthz' && method === 'GET') return send(res, 200, { status: 'ok' });
  if (path !== '/rest' && !path.startsWith('/rest/')) {
    return send(res, 404, { statusCode: 404, error: 'NotFoundException', messages: [`Cannot ${method} ${path}`] });
  }

  const auth = authorized(req.headers.authorization, deps.store.apiKey);
  if (auth !== 'ok') {
    stats.unauthorized += 1;
    return send(res, 401, {
      statusCode: 401,
      error: 'UnauthorizedException',
      messages: [auth === 'missing' ? 'Missing authentication token' : 'Token invalid.'],
      code: 'UNAUTHENTICATED',
    });
  }

  const segments = path.split('/').slice(2).map(decodeURIComponent);
  if (segments[0] === 'metadata') {
    const [, kind, id] = segments;
    count(stats, `${method} /rest/metadata/${kind ?? ''}${id ? '/{id}' : ''}`);
    const body = parseJson(req, await readBody(req));
    try {
      const reply = routeMetadata(deps, method, kind, id, segments.length, body);
      return send(res, reply.status, reply.body);
    } catch (error) {
      if (error instanceof SandboxHttpError) return sendError(res, error);
      throw error;
    }
  }
  return handleRecordRoute(deps, req, res, method, segments, url.searchParams);
}

function count(stats: SandboxStats, key: string): void {
  stats.calls[key] = (stats.calls[key] ?? 0) + 1;
}

function routeMetadata(deps: ServerDeps, method: string, kind: string | undefined, id: string | undefined, length: number, body: unknown): Reply {
  const { metadata } = deps;
  const notFound = (): never => {
    throw new SandboxHttpError(404, `Cannot ${method} /rest/metadata/${kind ?? ''}${id ? `/${id}` : ''}`);
  };
  if (length > 3) notFound();
  if (kind === 'objects') {
    if (method === 'GET') return { status: 200, body: id ? metadata.getObject(id) : metadata.listObjects() };
    if (method === 'POST' && !id) return { status: 201, body: metadata.createObject(body) };
    if (method === 'DELETE' && id) return { status: 200, body: metadata.deleteObject(id) };
  }
  if (kind === 'fields') {
    if (method === 'GET') return { status: 200, body: id ? metadata.getField(id) : metadata.listFields() };
    if (method === 'POST' && !id) return { status: 201, body: metadata.createField(body) };
    if ((method === 'PATCH' || method === 'PUT') && id) return { status: 200, body: metadata.updateField(id, body) };
    if (method === 'DELETE' && id) return { status: 200, body: metadata.deleteField(id) };
  }
  return notFound();
}

type RecordRoute =
  | { name: 'createOne' | 'createMany' | 'findMany' | 'deleteMany'; plural: string }
  | { name: 'findOne' | 'updateOne' | 'deleteOne' | 'restoreOne'; plural: string; id: string }
  | { name: 'unsupported'; plural: string; message: string };

function routeRecord(method: string, s: string[]): { route: RecordRoute; key: string } | undefined {
  const [a, b, c] = s;
  if (a === undefined) return undefined;
  const unsupported = (plural: string, what: string, key: string) => ({
    route: { name: 'unsupported' as const, plural, message: `The sandbox does not implement ${what}; address records one by one by id` },
    key,
  });
  switch (method) {
    case 'POST':
      if (a === 'batch' && b !== undefined && c === undefined) return { route: { name: 'createMany', plural: b }, key: `POST /rest/batch/${b}` };
      if (b === 'duplicates' && c === undefined) return unsupported(a, 'the duplicates endpoint', `POST /rest/${a}/duplicates`);
      if (b === undefined) return { route: { name: 'createOne', plural: a }, key: `POST /rest/${a}` };
      return undefined;
    case 'GET':
      if (b === 'groupBy' && c === undefined) return unsupported(a, 'groupBy', `GET /rest/${a}/groupBy`);
      if (b === undefined) return { route: { name: 'findMany', plural: a }, key: `GET /rest/${a}` };
      if (c === undefined) return { route: { name: 'findOne', plural: a, id: b }, key: `GET /rest/${a}/{id}` };
      return undefined;
    case 'PATCH':
    case 'PUT':
      if (a === 'restore' && b !== undefined && c !== undefined && s.length === 3) return { route: { name: 'restoreOne', plural: b, id: c }, key: `PATCH /rest/restore/${b}/{id}` };
      if (b === undefined) return unsupported(a, 'updates of many records by filter', `${method} /rest/${a}`);
      if (c === undefined) return { route: { name: 'updateOne', plural: a, id: b }, key: `${method} /rest/${a}/{id}` };
      return undefined;
    case 'DELETE':
      if (b === undefined) return { route: { name: 'deleteMany', plural: a }, key: `DELETE /rest/${a}` };
      if (c === undefined) return { route: { name: 'deleteOne', plural: a, id: b }, key: `DELETE /rest/${a}/{id}` };
      return undefined;
  }
  return undefined;
}

/** `object 'foo' not found. eg: companies` (or `Did you mean 'people'?` when given a singular name). */
function resolveObject(store: Store, plural: string): ObjectMeta {
  const object = store.objectByPlural(plural);
  if (object) return object;
  const singular = store.objectBySingular(plural);
  throw badRequest(`object '${plural}' not found. ${singular ? `Did you mean '${singular.namePlural}'?` : 'eg: companies'}`);
}

async function handleRecordRoute(deps: ServerDeps, req: IncomingMessage, res: ServerResponse, method: string, segments: string[], query: URLSearchParams): Promise<void> {
  const { stats, faults } = deps;
  const routed = routeRecord(method, segments);
  if (!routed) return send(res, 404, { statusCode: 404, error: 'NotFoundException', messages: [`Cannot ${method} /rest/${segments.join('/')}`] });
  count(stats, routed.key);

  // Faults come first, as a broken network or server would: a 500 or a hang applies nothing and costs no token.
  if (faults.options.latencyMs > 0) {
    stats.faults.latency += 1;
    await sleep(faults.options.latencyMs);
    if (req.socket.destroyed) return; // the client gave up or the server closed meanwhile: nothing is applied
  }
  const fault = faults.next();
  if (fault === 'error500') {
    stats.faults.error500 += 1;
    return send(res, 500, { statusCode: 500, error: 'InternalServerErrorException', messages: ['Internal server error (injected fault)'], code: 'INTERNAL_SERVER_ERROR' });
  }
  if (fault === 'rateLimitStorm') {
    // Other clients drained the workspace's quota: Twenty's answer for its short bucket, nothing applied.
    stats.faults.rateLimitStorm += 1;
    stats.rateLimited += 1;
    const { shortLimit, shortWindowMs } = deps.limiter?.options ?? DEFAULT_RATE_LIMIT;
    return sendError(res, new SandboxHttpError(429, `Limit reached (${shortLimit} tokens per ${shortWindowMs} ms)`, 'LIMIT_REACHED'));
  }
  if (fault === 'hang') {
    stats.faults.hang += 1;
    deps.hung.add(res);
    res.on('close', () => deps.hung.delete(res));
    req.resume();
    return;
  }

  let reply: Reply;
  try {
    const body = parseJson(req, await readBody(req));
    reply = runRecordRoute(deps, routed.route, body, query);
  } catch (error) {
    if (!(error instanceof SandboxHttpError)) throw error;
    if (error.code === 'LIMIT_REACHED') stats.rateLimited += 1;
    reply = { status: error.status, body: error.body() };
  }
  if (fault === 'dropAfterApply') {
    // The request was handled in full (a write is stored); the client sees the connection die, no response.
    stats.faults.dropAfterApply += 1;
    req.socket.destroy();
    return;
  }
  send(res, reply.status, reply.body);
}

function runRecordRoute(deps: ServerDeps, route: RecordRoute, body: unknown, query: URLSearchParams): Reply {
  const { store, records } = deps;
  const object = resolveObject(store, route.plural);
  if (route.name === 'unsupported') throw new SandboxHttpError(400, route.message, 'NOT_IMPLEMENTED');
  const singular = capitalize(object.nameSingular);
  const plural = capitalize(object.namePlural);

  // Shape checks of the REST handler happen before the query runner (and its throttle).
  if (route.name === 'createMany') {
    if (!Array.isArray(body)) throw badRequest('Body must be an array');
    if (body.length === 0) throw badRequest('Input must not be empty');
  }
  if (route.name === 'deleteMany') {
    if (!store.profile.bulkDelete) throw badRequest('Activate feature flag IS_COMMON_API_ENABLED to use Delete in the REST API');
    if (!query.get('filter')) throw badRequest('Filters are mandatory for bulk delete operations. Please provide at least one filter.');
  }
  throttle(deps);
  if (route.name === 'createOne' || route.name === 'createMany') refuseInvalidRecord(deps, object, route.name === 'createOne' ? [body] : (body as unknown[]));

  const upsert = query.get('upsert') === 'true';
  switch (route.name) {
    case 'createOne':
      return { status: 201, body: { data: { [`create${singular}`]: records.createMany(object, [body], upsert)[0] } } };
    case 'createMany':
      return { status: 201, body: { data: { [`create${plural}`]: records.createMany(object, body as unknown[], upsert) } } };
    case 'findMany': {
      const found = records.findMany(object, {
        filter: query.get('filter') ?? undefined,
        limit: query.get('limit') ?? undefined,
        orderBy: query.get('order_by') ?? undefined,
        startingAfter: query.get('starting_after') ?? undefined,
        endingBefore: query.get('ending_before') ?? undefined,
        depth: query.get('depth') ?? undefined,
      });
      return { status: 200, body: { data: { [object.namePlural]: found.records }, pageInfo: found.pageInfo, totalCount: found.totalCount } };
    }
    case 'deleteMany': {
      // soft_delete=true would set deletedAt; the migration only ever destroys (§1 "Delete")
      if (query.get('soft_delete') === 'true') throw new SandboxHttpError(400, 'The sandbox does not implement soft deletes of many records; address them one by one by id', 'NOT_IMPLEMENTED');
      return { status: 200, body: { data: { [`destroy${plural}`]: records.destroyMany(object, query.get('filter')!) } } };
    }
    case 'findOne':
      return { status: 200, body: { data: { [object.nameSingular]: records.findOne(object, route.id, query.get('depth') ?? undefined) } } };
    case 'updateOne':
      return { status: 200, body: { data: { [`update${singular}`]: records.update(object, route.id, body) } } };
    case 'deleteOne': {
      const soft = query.get('soft_delete') === 'true';
      const result = soft ? records.softDelete(object, route.id) : records.destroy(object, route.id);
      return { status: 200, body: { data: { [`delete${singular}`]: result } } };
    }
    case 'restoreOne':
      return { status: 200, body: { data: { [`restore${singular}`]: records.restore(object, route.id) } } };
  }
}

/**
 * The invalid-record fault: Twenty validates every record of a write before its one insert, so a record it refuses
 * fails the whole write with the validation message for that record (400 INVALID_ARGS_DATA), nothing applied.
 */
function refuseInvalidRecord(deps: ServerDeps, object: ObjectMeta, inputs: readonly unknown[]): void {
  const invalid = deps.faults.invalidRecord(object, inputs);
  if (!invalid) return;
  deps.stats.faults.invalidRecord += 1;
  if (!deps.stats.invalidRecords.includes(invalid.identity)) deps.stats.invalidRecords.push(invalid.identity);
  throw invalidArgs(`Invalid value ${inspect(invalid.value)} for field "${invalid.field}" (injected fault: invalid record)`);
}

/** One token per record call from both buckets (§5); 429 `LIMIT_REACHED`, with no Retry-After header. */
function throttle(deps: ServerDeps): void {
  if (!deps.limiter) return;
  const refused = deps.limiter.take(deps.now());
  if (refused) throw new SandboxHttpError(429, refused, 'LIMIT_REACHED');
}
