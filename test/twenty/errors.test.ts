import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import {
  TwentyAuthError,
  TwentyBatchTooLargeError,
  TwentyNotFoundError,
  TwentyRateLimitError,
  TwentyResponseError,
  TwentyUnavailableError,
  TwentyValidationError,
} from '../../src/twenty/errors.js';
import { errorForStatus } from '../../src/twenty/http.js';
import { createRedactor } from '../../src/twenty/redact.js';

const KEY = 'eyJhbGciOiJIUzI1NiJ9.test-api-key-Zm9vYmFyYmF6.c2lnbmF0dXJl';

const call = { method: 'POST', path: '/rest/batch/people' };
const ORIGIN = 'http://127.0.0.1:1';

function body(status: number, message: string, code?: string): string {
  return JSON.stringify({ statusCode: status, error: 'BadRequestException', messages: [message], ...(code ? { code } : {}) });
}

describe('error mapping', () => {
  it('maps 401 and 403 to TwentyAuthError telling to check the key and its role', () => {
    for (const status of [401, 403]) {
      const e = errorForStatus(status, body(status, 'Unauthorized'), {}, {}, call, ORIGIN);
      expect(e).toBeInstanceOf(TwentyAuthError);
      expect(e).toBeInstanceOf(UserError);
      expect(e.status).toBe(status);
      expect(e.message).toMatch(/check the key in TWENTY_API_KEY and its role/i);
    }
  });

  it('maps INVALID_ARGS_DATA to TwentyValidationError with object, field, value and the verbatim message', () => {
    const msg = `Invalid value 'FOO' for field "stage"`;
    const e = errorForStatus(400, body(400, msg, 'INVALID_ARGS_DATA'), {}, { object: 'opportunities' }, call, ORIGIN);
    expect(e).toBeInstanceOf(TwentyValidationError);
    const v = e as TwentyValidationError;
    expect(v.serverMessage).toBe(msg);
    expect(v.code).toBe('INVALID_ARGS_DATA');
    expect(v.object).toBe('opportunities');
    expect(v.field).toBe('stage');
    expect(v.value).toBe('FOO');
    expect(v.message).toContain(msg);
  });

  it('reads the field of an unknown-key message', () => {
    const e = errorForStatus(400, body(400, `Object person doesn't have any "foo" field.`, 'INVALID_ARGS_DATA'), {}, {}, call, ORIGIN) as TwentyValidationError;
    expect(e.field).toBe('foo');
  });

  it('maps DUPLICATE_ENTRY_DETECTED (400 or 409) to TwentyValidationError that explains soft-deleted holders', () => {
    for (const status of [400, 409]) {
      const e = errorForStatus(status, body(status, 'A duplicate entry was detected', 'DUPLICATE_ENTRY_DETECTED'), {}, {}, call, ORIGIN);
      expect(e).toBeInstanceOf(TwentyValidationError);
      expect(e.code).toBe('DUPLICATE_ENTRY_DETECTED');
      expect(e.message).toMatch(/soft-deleted/);
    }
  });

  it('maps 429 and the old 400 LIMIT_REACHED to TwentyRateLimitError, reading Retry-After when present', () => {
    const a = errorForStatus(429, body(429, 'Limit reached (100 tokens per 60000 ms)', 'LIMIT_REACHED'), {}, {}, call, ORIGIN);
    expect(a).toBeInstanceOf(TwentyRateLimitError);
    expect((a as TwentyRateLimitError).retryAfterMs).toBeUndefined();
    const b = errorForStatus(400, body(400, 'Limit reached (100 tokens per 60000 ms)', 'LIMIT_REACHED'), {}, {}, call, ORIGIN);
    expect(b).toBeInstanceOf(TwentyRateLimitError);
    const c = errorForStatus(429, '', { 'retry-after': '3' }, {}, call, ORIGIN) as TwentyRateLimitError;
    expect(c.retryAfterMs).toBe(3000);
  });

  it('maps TOO_MANY_RECORDS_TO_UPDATE to TwentyBatchTooLargeError with the stated maximum', () => {
    const e = errorForStatus(400, body(400, 'Maximum number of records to upsert is 60.', 'TOO_MANY_RECORDS_TO_UPDATE'), {}, { records: 200 }, call, ORIGIN);
    expect(e).toBeInstanceOf(TwentyBatchTooLargeError);
    expect((e as TwentyBatchTooLargeError).maximum).toBe(60);
    expect((e as TwentyBatchTooLargeError).sent).toBe(200);
  });

  it('maps 5xx to TwentyUnavailableError, 404 to TwentyNotFoundError, a redirect to TwentyResponseError', () => {
    const e500 = errorForStatus(500, body(500, 'Internal server error'), {}, {}, call, ORIGIN);
    expect(e500).toBeInstanceOf(TwentyUnavailableError);
    expect((e500 as TwentyUnavailableError).mayHaveApplied).toBe(true);
    expect((errorForStatus(503, '', {}, {}, call, ORIGIN) as TwentyUnavailableError).mayHaveApplied).toBe(false);
    expect(errorForStatus(404, body(404, 'Record not found'), {}, {}, call, ORIGIN)).toBeInstanceOf(TwentyNotFoundError);
    const r = errorForStatus(302, '', { location: 'https://login.example.com/' }, {}, call, ORIGIN);
    expect(r).toBeInstanceOf(TwentyResponseError);
    expect(r.message).toContain('login.example.com');
  });

  it('takes a non-JSON error body as the message', () => {
    const e = errorForStatus(400, '<html>Bad gateway thing</html>', {}, {}, call, ORIGIN);
    expect(e).toBeInstanceOf(TwentyValidationError);
    expect(e.serverMessage).toBe('<html>Bad gateway thing</html>');
  });
});


describe('redaction', () => {
  it('replaces the key and its encoded forms', () => {
    const redact = createRedactor(KEY);
    const text = `a ${KEY} b ${encodeURIComponent(KEY)} c Bearer ${KEY}`;
    expect(redact(text)).not.toContain(KEY);
    expect(redact(text)).toBe('a [redacted] b [redacted] c Bearer [redacted]');
  });

  it('replaces a key that needs URL or JSON escaping in every form', () => {
    const odd = 'k3y/with+odd"chars\\and=more';
    const redact = createRedactor(odd);
    const text = `${odd} ${encodeURIComponent(odd)} ${JSON.stringify(odd)}`;
    expect(redact(text)).not.toContain(odd);
    expect(redact(text)).not.toContain(encodeURIComponent(odd));
    expect(redact(text)).not.toContain(JSON.stringify(odd).slice(1, -1));
  });
});
