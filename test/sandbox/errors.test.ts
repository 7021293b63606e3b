import { describe, expect, it } from 'vitest';
import { badRequest, categorized, invalidArgs, SandboxHttpError } from '../../src/sandbox/errors.js';
import { startSandbox, type SandboxRateLimit } from '../../src/sandbox/index.js';
import { DEFAULT_RATE_LIMIT, resolveRateLimit } from '../../src/sandbox/rate-limit.js';
import { defaultOf, PROFILES, standardModel } from '../../src/sandbox/schema.js';

/** The sandbox's own names are not the client's (src/twenty has its own TwentyError and RateLimitOptions). */
describe('sandbox error and rate-limit types', () => {
  it('errors are SandboxHttpErrors carrying Twenty\'s error body', () => {
    for (const error of [badRequest('b'), invalidArgs('i'), categorized(true, 404, 'Record not found', 'RECORD_NOT_FOUND')]) {
      expect(error).toBeInstanceOf(SandboxHttpError);
      expect(error.name).toBe('SandboxHttpError');
    }
    expect(invalidArgs('bad').body()).toEqual({ statusCode: 400, error: 'BadRequestException', messages: ['bad'], code: 'INVALID_ARGS_DATA' });
    expect(new SandboxHttpError(429, 'Limit reached', 'LIMIT_REACHED').body()).toMatchObject({ statusCode: 429, error: 'TooManyRequestsException' });
  });

  it('token buckets are typed SandboxRateLimit, from the index as well', async () => {
    const limit: SandboxRateLimit = { shortLimit: 5, shortWindowMs: 1000, longLimit: 50, longWindowMs: 60_000 };
    expect(resolveRateLimit({ shortLimit: 5, longLimit: 50 })).toEqual(limit);
    const fallback: SandboxRateLimit = DEFAULT_RATE_LIMIT;
    expect(fallback.longLimit).toBe(100);
    const sb = await startSandbox({ rateLimit: limit });
    try {
      expect(sb.rateLimit).toEqual(limit);
    } finally {
      await sb.close();
    }
  });

  it('defaultOf (field defaults in Twenty\'s notation) lives in schema.ts with the model', () => {
    const now = '2025-01-13T10:30:00.000Z';
    const opportunity = standardModel(PROFILES.v2, now).find((o) => o.nameSingular === 'opportunity')!;
    const field = (name: string) => opportunity.fields.find((f) => f.name === name)!;
    expect(defaultOf(field('stage'), now)).toBe('NEW');
    expect(defaultOf(field('name'), now)).toBe('');
    expect(defaultOf(field('createdAt'), now)).toBe(now);
    expect(defaultOf(field('createdBy'), now)).toEqual({ source: 'MANUAL', workspaceMemberId: null, name: '', context: {} });
    expect(defaultOf(field('amount'), now)).toEqual({ amountMicros: null, currencyCode: '' });
  });
});
