/**
 * One HTTP call to Twenty: bound to the configured base URL, Bearer auth, JSON both ways, a per-request timeout,
 * and error bodies mapped to the typed errors of errors.ts. No retries and no rate limiting here (retry.ts and
 * rate-limit.ts wrap this).
 */
import { request, type Dispatcher } from 'undici';
import {
  TwentyAuthError,
  TwentyBatchTooLargeError,
  TwentyConfigError,
  TwentyError,
  TwentyNotFoundError,
  TwentyRateLimitError,
  TwentyResponseError,
  TwentyUnavailableError,
  TwentyValidationError,
  type CallInfo,
} from './errors.js';
import { createRedactor, type Redactor } from './redact.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface TwentyRequest {
  method: HttpMethod;
  /** Path below the base URL, e.g. `/rest/batch/people`; build it with restPath() so every segment is encoded. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  /** The object the call is about, named in validation errors. */
  object?: string;
  /** How many records the body carries, named in batch-size errors. */
  records?: number;
  /** Cancels the call (the caller's own cancellation, not a timeout). */
  signal?: AbortSignal;
  /**
   * Cancels the call only while it waits for its turn under the rate limit; once sent it runs to its answer.
   * For writes whose answer must not be thrown away when a caller stops.
   */
  queueSignal?: AbortSignal;
}

/** Sends a request and resolves with the parsed (redacted) JSON body, or rejects with a TwentyError. */
export type Send = (req: TwentyRequest) => Promise<unknown>;

export interface HttpOptions {
  baseUrl: string;
  apiKey: string;
  /** Per request, from sending until the whole answer is read. */
  timeoutMs: number;
  /** An undici dispatcher (Agent, MockAgent); default: undici's global one. */
  dispatcher?: Dispatcher;
}

export interface Http {
  send: Send;
  /** The normalised base URL (origin plus optional path prefix, no trailing slash). */
  baseUrl: string;
  origin: string;
  redact: Redactor;
}

/**
 * Validates and normalises TWENTY_API_URL: http(s) only, no credentials, query or fragment. A trailing `/rest`
 * (a common paste) is dropped, since every path this client sends starts with `/rest/` itself.
 */
export function parseBaseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new TwentyConfigError(
      `TWENTY_API_URL is not a URL ("${raw.slice(0, 100)}"). Set it to the Twenty server's address, e.g. https://api.twenty.com or http://localhost:3000.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TwentyConfigError(`TWENTY_API_URL must start with https:// or http:// (it is ${url.protocol}//...).`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new TwentyConfigError(
      'TWENTY_API_URL must not contain a user name or password. Put the API key in TWENTY_API_KEY instead.',
    );
  }
  if (url.search !== '' || url.hash !== '') {
    throw new TwentyConfigError('TWENTY_API_URL must not contain a query (?...) or fragment (#...). Use the bare server address.');
  }
  url.pathname = url.pathname.replace(/\/+$/, '').replace(/\/rest$/, '') || '/';
  return url;
}

/** `/rest/` + segments, each URL-encoded, so an id or name can never add a path segment or change the host. */
export function restPath(...segments: string[]): string {
  for (const s of segments) {
    if (s === '' || s === '.' || s === '..') throw new TwentyConfigError(`"${s}" cannot be part of a Twenty API path.`);
  }
  return `/rest/${segments.map((s) => encodeURIComponent(s)).join('/')}`;
}

const SAFE_PATH = /^\/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*$/;

/** Refuses any path that could leave the base URL: not absolute, `//`, dot segments (also percent-encoded), `?`, `#`, `\`. */
function checkPath(path: string): void {
  const dotSegment = path.split('/').some((seg) => {
    let decoded = seg;
    try {
      decoded = decodeURIComponent(seg);
    } catch {
      return true;
    }
    return decoded === '.' || decoded === '..';
  });
  if (!SAFE_PATH.test(path) || path.includes('//') || dotSegment) {
    throw new TwentyConfigError(`Refusing to call "${path.slice(0, 100)}": not a path below TWENTY_API_URL.`);
  }
}

/** Codes of failures before anything was sent: the request cannot have been applied. */
const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

const TLS_CODE = /^(CERT_|ERR_TLS_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_SSL_)/;

function errorCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let i = 0; i < 4 && typeof e === 'object' && e !== null; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

interface ErrorBody {
  message: string | undefined;
  code: string | undefined;
}

/** Reads Twenty's REST error body `{statusCode, error, messages, code}` (twenty-api.md §6), and the Nest / GraphQL variants. */
function readErrorBody(text: string): ErrorBody {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    const trimmed = text.trim();
    return { message: trimmed === '' ? undefined : trimmed, code: undefined };
  }
  if (!isRecord(body)) return { message: undefined, code: undefined };
  const messages: string[] = [];
  const push = (v: unknown): void => {
    if (typeof v === 'string' && v.trim() !== '') messages.push(v);
    else if (Array.isArray(v)) v.forEach(push);
  };
  push(body.messages);
  if (messages.length === 0) push(body.message);
  let code = typeof body.code === 'string' ? body.code : undefined;
  if (messages.length === 0 && Array.isArray(body.errors)) {
    for (const e of body.errors) {
      if (!isRecord(e)) continue;
      push(e.message);
      const ext = e.extensions;
      if (code === undefined && isRecord(ext) && typeof ext.code === 'string') code = ext.code;
    }
  }
  if (messages.length === 0 && typeof body.error === 'string') messages.push(body.error);
  return { message: messages.length === 0 ? undefined : messages.join('; '), code };
}

/** `Retry-After` as seconds or an HTTP date; undefined when absent or unreadable. */
function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Best-effort field and value from Twenty's validation messages, e.g. `Invalid value 'FOO' for field "stage"`. */
export function fieldAndValue(message: string): { field?: string; value?: string } {
  const field =
    /\bfield "([^"]+)"/.exec(message)?.[1] ??
    /"([^"]+)" field\b/.exec(message)?.[1] ??
    /\bfield '([^']+)'/.exec(message)?.[1];
  const value = /\bvalue '([^']*)'/.exec(message)?.[1] ?? /\bvalue "([^"]*)"/.exec(message)?.[1];
  return { ...(field === undefined ? {} : { field }), ...(value === undefined ? {} : { value }) };
}

/** Maps a non-2xx answer to the typed error (the body text is already redacted). */
export function errorForStatus(
  status: number,
  text: string,
  headers: Record<string, string | string[] | undefined>,
  req: Pick<TwentyRequest, 'object' | 'records'>,
  call: CallInfo,
  origin: string,
): TwentyError {
  const { message, code } = readErrorBody(text);
  if (status === 401 || status === 403) return new TwentyAuthError(status, message, call);
  // §5: REST answers 429 with LIMIT_REACHED ("Limit reached (100 tokens per 60000 ms)"); old builds answered 400.
  if (status === 429 || code === 'LIMIT_REACHED') {
    const after = retryAfterMs(headers['retry-after']);
    return new TwentyRateLimitError(message, { status, code, call, ...(after === undefined ? {} : { retryAfterMs: after }) });
  }
  // §1: "Maximum number of records to upsert is ${QUERY_MAX_RECORDS}." A proxy's 413 means the same: smaller batches.
  if (code === 'TOO_MANY_RECORDS_TO_UPDATE' || status === 413) {
    const max = /records to (?:upsert|update|create|insert) is (\d+)/i.exec(message ?? '')?.[1];
    return new TwentyBatchTooLargeError(message ?? `HTTP ${status}`, {
      status,
      code,
      call,
      ...(max === undefined ? {} : { maximum: Number(max) }),
      ...(req.records === undefined ? {} : { sent: req.records }),
    });
  }
  if (status >= 500) {
    return new TwentyUnavailableError(`HTTP ${status}${message ? `: ${message}` : ''}`, {
      origin,
      status,
      code,
      call,
      mayHaveApplied: status !== 503,
      ...(message === undefined ? {} : { serverMessage: message }),
    });
  }
  if (status >= 300 && status < 400) {
    const location = headers.location;
    return new TwentyResponseError(
      `HTTP ${status} redirect${typeof location === 'string' ? ` to ${location.slice(0, 200)}` : ''}; set TWENTY_API_URL to the address it redirects to`,
      { status, call },
    );
  }
  // CONNECT_RECORD_NOT_FOUND is about one record's relation (a validation error to isolate), whatever its status.
  if (code !== 'CONNECT_RECORD_NOT_FOUND' && (status === 404 || (code !== undefined && /NOT_FOUND$/.test(code)))) {
    return new TwentyNotFoundError(message, { status, code, call });
  }
  if (status >= 400) {
    const serverMessage = message ?? `HTTP ${status}`;
    return new TwentyValidationError(serverMessage, {
      ...fieldAndValue(serverMessage),
      ...(req.object === undefined ? {} : { object: req.object }),
      status,
      code,
      call,
    });
  }
  return new TwentyResponseError(`unexpected HTTP ${status}`, { status, call });
}

export function createHttp(options: HttpOptions): Http {
  const base = parseBaseUrl(options.baseUrl);
  const basePath = base.pathname === '/' ? '' : base.pathname;
  const origin = base.origin;
  const baseUrl = origin + basePath;
  if (options.apiKey.trim() === '') {
    throw new TwentyConfigError('TWENTY_API_KEY is empty. Create an API key in Twenty (Settings → APIs & Webhooks) and set TWENTY_API_KEY to it.');
  }
  if (/[\r\n]/.test(options.apiKey)) {
    throw new TwentyConfigError('TWENTY_API_KEY contains a line break. Copy the key again, as one line.');
  }
  // One value for both: a key with stray spaces is sent trimmed, so it must be redacted trimmed too.
  const apiKey = options.apiKey.trim();
  const redact = createRedactor(apiKey);
  const authorization = `Bearer ${apiKey}`;

  const send: Send = async (req) => {
    checkPath(req.path);
    const url = new URL(base.href);
    url.pathname = basePath + req.path;
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.append(k, String(v));
    // Belt and braces: whatever the path, the request goes to the configured origin, below its path prefix.
    if (url.origin !== origin || !url.pathname.startsWith(`${basePath}/rest/`)) {
      throw new TwentyConfigError(`Refusing to call "${req.path.slice(0, 100)}": not a path below TWENTY_API_URL.`);
    }
    const call: CallInfo = { method: req.method, path: req.path };
    const headers: Record<string, string> = { authorization, accept: 'application/json' };
    let payload: string | undefined;
    if (req.body !== undefined) {
      payload = JSON.stringify(req.body);
      headers['content-type'] = 'application/json';
    }

    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, options.timeoutMs);
    const onCallerAbort = (): void => controller.abort();
    req.signal?.addEventListener('abort', onCallerAbort, { once: true });

    let status: number;
    let text: string;
    let responseHeaders: Record<string, string | string[] | undefined>;
    try {
      if (req.signal?.aborted) throw req.signal.reason;
      const res = await request(url, {
        method: req.method,
        headers,
        body: payload,
        signal: controller.signal,
        ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
      });
      status = res.statusCode;
      responseHeaders = {};
      for (const [name, value] of Object.entries(res.headers)) {
        responseHeaders[name] = Array.isArray(value) ? value.map(redact) : value === undefined ? undefined : redact(value);
      }
      text = redact(await res.body.text());
    } catch (error) {
      if (req.signal?.aborted) throw req.signal.reason;
      if (timedOut) {
        throw new TwentyUnavailableError(`no answer within ${options.timeoutMs} ms (timed out)`, { origin, call, mayHaveApplied: true });
      }
      const code = errorCode(error);
      if (code !== undefined && TLS_CODE.test(code)) {
        throw new TwentyConfigError(
          `The TLS certificate of ${origin} was not accepted (${code}). Check TWENTY_API_URL, or fix the server's certificate.`,
        );
      }
      if (code === undefined && !(error instanceof Error && /socket|network|fetch|connect|closed/i.test(error.message))) {
        throw error; // not a network failure: a bug, not something to retry
      }
      const detail = error instanceof Error ? redact(error.message) : 'network error';
      throw new TwentyUnavailableError(`connection failed${code ? ` (${code})` : ''}: ${detail}`, {
        origin,
        call,
        mayHaveApplied: code === undefined || !CONNECT_CODES.has(code),
        ...(code === undefined ? {} : { code }),
      });
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onCallerAbort);
    }

    if (status < 200 || status >= 300) throw errorForStatus(status, text, responseHeaders, req, call, origin);
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new TwentyResponseError(`HTTP ${status} with a body that is not JSON ("${text.slice(0, 80)}")`, { status, call });
    }
  };

  return { send, baseUrl, origin, redact };
}
