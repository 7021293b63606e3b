/**
 * Typed errors of the Twenty client. Every one is a UserError: its message is complete, says what to do, and is
 * shown as-is. None ever contains the API key: server text is redacted before it reaches these constructors
 * (see redact.ts and http.ts).
 */
import { UserError } from '../errors.js';

/** The call an error is about: method and path (no query string, no host, no headers). */
export interface CallInfo {
  method: string;
  path: string;
}

const MAX_SHOWN = 600;

/** Server text shown inside a message: whitespace collapsed, cut at 600 characters (the property keeps it whole). */
function shown(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_SHOWN ? `${flat.slice(0, MAX_SHOWN)}…` : flat;
}

function where(call: CallInfo | undefined): string {
  return call === undefined ? '' : ` (${call.method} ${call.path})`;
}

/** Base class of every error the Twenty client throws. */
export class TwentyError extends UserError {
  override readonly name: string = 'TwentyError';
  /** HTTP status, when the server answered. */
  readonly status: number | undefined;
  /** Twenty's error code (`INVALID_ARGS_DATA`, `LIMIT_REACHED`, ...), when it sent one. */
  readonly code: string | undefined;
  /** The server's message, verbatim (redacted), when it sent one. */
  readonly serverMessage: string | undefined;
  readonly call: CallInfo | undefined;

  constructor(message: string, details: { status?: number; code?: string; serverMessage?: string; call?: CallInfo } = {}) {
    super(message);
    this.status = details.status;
    this.code = details.code;
    this.serverMessage = details.serverMessage;
    this.call = details.call;
  }
}

/** 401/403: the key is wrong, expired, revoked, or its role may not do this. */
export class TwentyAuthError extends TwentyError {
  override readonly name = 'TwentyAuthError';
  constructor(status: number, serverMessage: string | undefined, call?: CallInfo) {
    const what =
      status === 403
        ? 'Twenty refused this call for the API key'
        : 'Twenty did not accept the API key';
    super(
      `${what} (HTTP ${status}${serverMessage ? `: ${shown(serverMessage)}` : ''})${where(call)}. ` +
        'Check the key in TWENTY_API_KEY and its role: it must be a current key of this workspace whose role can ' +
        'read and write the objects being migrated and change the data model (Settings → APIs & Webhooks).',
      { status, serverMessage, call },
    );
  }
}

export interface ValidationDetails {
  /** The object the call was about (`person`, `people`, a field's object...). */
  object?: string;
  field?: string;
  value?: string;
  status?: number;
  code?: string;
  call?: CallInfo;
  /** Found by this client before sending (the message then says "Twenty would reject"). */
  checkedLocally?: boolean;
}

/** What to do about a rejected value, by Twenty's error code. */
function validationAction(code: string | undefined): string {
  switch (code) {
    case 'DUPLICATE_ENTRY_DETECTED':
      return 'Another record (possibly a soft-deleted one, which still holds its unique values) already has this value: upsert on it, or hard-delete the old record in Twenty.';
    case 'UPSERT_MULTIPLE_MATCHING_RECORDS_CONFLICT':
      return 'The record matches two existing records by different unique fields: merge them in Twenty or drop one of the values.';
    case 'NOT_AVAILABLE':
    case 'RESERVED_KEYWORD':
    case 'FIELD_ALREADY_EXISTS':
      return 'Choose another name.';
    case 'CONNECT_RECORD_NOT_FOUND':
      return 'The related record does not exist yet: create it first, or leave the relation empty.';
    default:
      return 'Fix the value or the mapping for it, then retry this record.';
  }
}

/** 400/409/422: Twenty refused the data. The server message is kept verbatim in `serverMessage`. */
export class TwentyValidationError extends TwentyError {
  override readonly name = 'TwentyValidationError';
  readonly object: string | undefined;
  readonly field: string | undefined;
  readonly value: string | undefined;

  constructor(serverMessage: string, details: ValidationDetails = {}) {
    const subject = [details.object, details.field === undefined ? undefined : `field "${details.field}"`]
      .filter((s) => s !== undefined)
      .join(' ');
    super(
      `Twenty ${details.checkedLocally === true ? 'would reject' : 'rejected'} ${subject === '' ? 'the data' : subject}: ${shown(serverMessage)}` +
        `${details.code ? ` [${details.code}]` : ''}${where(details.call)}. ${validationAction(details.code)}`,
      { status: details.status, code: details.code, serverMessage, call: details.call },
    );
    this.object = details.object;
    this.field = details.field;
    this.value = details.value;
  }
}

/** 429 (or `LIMIT_REACHED`): the workspace's API quota is spent. The scheduler waits and retries; this escapes only when that keeps failing. */
export class TwentyRateLimitError extends TwentyError {
  override readonly name = 'TwentyRateLimitError';
  /** From a `Retry-After` header, when the server sent one (Twenty itself does not: twenty-api.md §5). */
  readonly retryAfterMs: number | undefined;
  /** How many times this call met the limit before giving up (0 when it came straight from the server). */
  readonly waits: number;

  constructor(serverMessage: string | undefined, details: { status?: number; code?: string; retryAfterMs?: number; waits?: number; call?: CallInfo } = {}) {
    const waits = details.waits ?? 0;
    const retry =
      details.retryAfterMs === undefined ? '' : ` Twenty asked to wait ${Math.ceil(details.retryAfterMs / 1000)} s.`;
    super(
      `Twenty's API rate limit was reached${serverMessage ? ` (${shown(serverMessage)})` : ''}${where(details.call)}` +
        `${waits > 0 ? ` and was still reached after ${waits} waits` : ''}.${retry} ` +
        "Another client may be using this workspace's API quota: wait a minute and resume, or lower the configured rate limit.",
      { status: details.status, code: details.code, serverMessage, call: details.call },
    );
    this.retryAfterMs = details.retryAfterMs;
    this.waits = waits;
  }
}

/** 5xx, timeouts and dropped connections, after the retries ran out. */
export class TwentyUnavailableError extends TwentyError {
  override readonly name = 'TwentyUnavailableError';
  /** Why the last attempt failed: `HTTP 503: ...`, `timed out after 60000 ms`, `connection reset (ECONNRESET)`. */
  readonly reason: string;
  readonly attempts: number;
  /**
   * The request may have reached Twenty and been applied although no answer came back (a timeout or a dropped
   * connection after sending). Upserts on a unique key can be replayed safely.
   */
  readonly mayHaveApplied: boolean;
  /** A failure another attempt might fix (every 5xx, timeout and network failure is). */
  readonly transient = true;

  constructor(
    reason: string,
    details: { origin: string; status?: number; serverMessage?: string; code?: string; attempts?: number; spanMs?: number; mayHaveApplied: boolean; call?: CallInfo },
  ) {
    const attempts = details.attempts ?? 1;
    const span = details.spanMs === undefined ? '' : ` over ${(details.spanMs / 1000).toFixed(1)} s`;
    super(
      `Twenty at ${details.origin} did not answer${where(details.call)}: ${shown(reason)}` +
        `${attempts > 1 ? ` (${attempts} attempts${span})` : ''}. ` +
        'Check that the server is running and reachable from here, then resume by running the same import or command again: nothing is lost, and writes are upserts, so repeating them is safe.',
      { status: details.status, code: details.code, serverMessage: details.serverMessage, call: details.call },
    );
    this.reason = reason;
    this.attempts = attempts;
    this.mayHaveApplied = details.mayHaveApplied;
  }

  /** The same failure, counted over `attempts` attempts made over `spanMs` milliseconds. */
  withAttempts(attempts: number, origin: string, spanMs?: number): TwentyUnavailableError {
    return new TwentyUnavailableError(this.reason, {
      origin,
      attempts,
      ...(spanMs === undefined ? {} : { spanMs }),
      mayHaveApplied: this.mayHaveApplied,
      status: this.status,
      serverMessage: this.serverMessage,
      code: this.code,
      call: this.call,
    });
  }
}

/** `TOO_MANY_RECORDS_TO_UPDATE`: the batch is larger than this server's `QUERY_MAX_RECORDS` (twenty-api.md §1). */
export class TwentyBatchTooLargeError extends TwentyError {
  override readonly name = 'TwentyBatchTooLargeError';
  /** The maximum the server stated (`Maximum number of records to upsert is 60.`), when it stated one. */
  readonly maximum: number | undefined;
  readonly sent: number | undefined;

  constructor(serverMessage: string, details: { status?: number; code?: string; maximum?: number; sent?: number; call?: CallInfo } = {}) {
    super(
      `Twenty refused a batch of ${details.sent ?? 'several'} records as too large: ${shown(serverMessage)}${where(details.call)}. ` +
        `Send at most ${details.maximum ?? 60} records per batch.`,
      { status: details.status, code: details.code ?? 'TOO_MANY_RECORDS_TO_UPDATE', serverMessage, call: details.call },
    );
    this.maximum = details.maximum;
    this.sent = details.sent;
  }
}

/** 404: the object, record or route does not exist. */
export class TwentyNotFoundError extends TwentyError {
  override readonly name = 'TwentyNotFoundError';
  constructor(serverMessage: string | undefined, details: { status?: number; code?: string; call?: CallInfo } = {}) {
    super(
      `Twenty found nothing${where(details.call)}${serverMessage ? `: ${shown(serverMessage)}` : ''}. ` +
        'Check that TWENTY_API_URL is the address of the Twenty server (not its web app) and that the object or record exists in this workspace.',
      { status: details.status ?? 404, code: details.code, serverMessage, call: details.call },
    );
  }
}

/** An answer this client cannot read: not JSON, an unexpected shape, a redirect. */
export class TwentyResponseError extends TwentyError {
  override readonly name = 'TwentyResponseError';
  constructor(problem: string, details: { status?: number; call?: CallInfo } = {}) {
    super(
      `Twenty's answer${where(details.call)} was not understood: ${shown(problem)}. ` +
        'Check that TWENTY_API_URL is the address of the Twenty API itself (not a login page or proxy) and that the server is a supported Twenty version.',
      { status: details.status, call: details.call },
    );
  }
}

/** A field or object exists in Twenty in a form the migration cannot use. */
export class TwentySchemaConflictError extends TwentyError {
  override readonly name = 'TwentySchemaConflictError';
  readonly object: string;
  readonly field: string | undefined;
  constructor(object: string, field: string | undefined, problem: string, action: string) {
    super(`${field === undefined ? `Object "${object}"` : `Field "${object}.${field}"`} ${problem}. ${action}`);
    this.object = object;
    this.field = field;
  }
}

/** The client's configuration (TWENTY_API_URL, TWENTY_API_KEY, options) is unusable. */
export class TwentyConfigError extends TwentyError {
  override readonly name = 'TwentyConfigError';
}
