import { describe, expect, it } from 'vitest';
import { parseRateLimitSpec, RateLimiter, TokenBucket } from '../../src/sandbox/rate-limit.js';
import { sandbox } from './helpers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('token buckets over HTTP (twenty-api.md §5)', () => {
  it('defaults to 100 per 1000 ms and 100 per 60 000 ms', async () => {
    const t = await sandbox({ rateLimit: undefined });
    expect(t.sb.rateLimit).toEqual({ shortLimit: 100, shortWindowMs: 1000, longLimit: 100, longWindowMs: 60_000 });
  });

  it('the short bucket: 429 LIMIT_REACHED without Retry-After; one token back per window/limit', async () => {
    let clock = 1_000_000;
    const t = await sandbox({ rateLimit: { shortLimit: 5, shortWindowMs: 200 }, now: () => clock });
    for (let i = 0; i < 5; i++) expect((await t.call('GET', '/rest/people')).status).toBe(200);
    const limited = await t.call('GET', '/rest/people');
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ statusCode: 429, error: 'TooManyRequestsException', messages: ['Limit reached (5 tokens per 200 ms)'], code: 'LIMIT_REACHED' });
    expect(limited.headers.get('retry-after')).toBeNull();
    expect([...limited.headers.keys()].filter((h) => h.startsWith('x-ratelimit'))).toEqual([]);
    clock += 39;
    expect((await t.call('GET', '/rest/people')).status).toBe(429);
    clock += 1; // 40 ms: one token
    expect((await t.call('GET', '/rest/people')).status).toBe(200);
    expect((await t.call('GET', '/rest/people')).status).toBe(429);
    expect(t.sb.stats().rateLimited).toBe(3);
  });

  it('in real time: a burst meets 429 and the bucket is usable again after its window', async () => {
    const t = await sandbox({ rateLimit: { shortLimit: 5, shortWindowMs: 200 } });
    let limited = 0;
    for (let i = 0; i < 60 && limited === 0; i++) if ((await t.call('GET', '/rest/people')).status === 429) limited += 1;
    expect(limited).toBe(1);
    await sleep(220);
    for (let i = 0; i < 5; i++) expect((await t.call('GET', '/rest/people')).status).toBe(200);
  });

  it('the long bucket: its own message, and it binds although the short one has tokens', async () => {
    const t = await sandbox({ rateLimit: { shortLimit: 100, shortWindowMs: 1000, longLimit: 6, longWindowMs: 60_000 } });
    for (let i = 0; i < 6; i++) expect((await t.call('GET', '/rest/companies')).status).toBe(200);
    const limited = await t.call('GET', '/rest/companies');
    expect(limited.status).toBe(429);
    expect(limited.body.messages).toEqual(['Limit reached (6 tokens per 60000 ms)']);
    expect(limited.headers.get('retry-after')).toBeNull();
  });

  it('a batch costs one token whatever its size; a refused write stores nothing', async () => {
    const t = await sandbox({ rateLimit: { shortLimit: 2, shortWindowMs: 60_000 } });
    const batch = Array.from({ length: 150 }, (_, i) => ({ name: `C${i}` }));
    expect((await t.call('POST', '/rest/batch/companies', batch)).status).toBe(201);
    expect((await t.call('POST', '/rest/batch/companies', batch)).status).toBe(201);
    const refused = await t.call('POST', '/rest/batch/companies', batch);
    expect(refused.status).toBe(429);
    expect(t.sb.records('companies')).toHaveLength(300);
  });

  it('every record route costs a token: create, find, update, delete, restore', async () => {
    const t = await sandbox({ rateLimit: { shortLimit: 5, shortWindowMs: 60_000 } });
    const { id } = (await t.call('POST', '/rest/people', {})).body.data.createPerson;
    expect((await t.call('GET', `/rest/people/${id}`)).status).toBe(200);
    expect((await t.call('PATCH', `/rest/people/${id}`, { jobTitle: 'x' })).status).toBe(200);
    expect((await t.call('DELETE', `/rest/people/${id}?soft_delete=true`)).status).toBe(200);
    expect((await t.call('PATCH', `/rest/restore/people/${id}`)).status).toBe(200);
    expect((await t.call('DELETE', `/rest/people/${id}`)).status).toBe(429);
    expect(t.sb.records('people')).toHaveLength(1);
  });

  it('rateLimit: false turns throttling off', async () => {
    const t = await sandbox({ rateLimit: false });
    for (let i = 0; i < 120; i++) expect((await t.call('GET', '/rest/notes')).status).toBe(200);
  });
});

describe('token bucket arithmetic (unit, as ThrottlerService)', () => {
  it('refills floor(elapsed × limit / window) and a successful call resets the refill clock', () => {
    const bucket = new TokenBucket(10, 1000); // one token per 100 ms
    for (let i = 0; i < 10; i++) expect(bucket.take(0)).toBe(true);
    expect(bucket.take(0)).toBe(false);
    expect(bucket.take(99)).toBe(false);
    expect(bucket.take(150)).toBe(true); // 1.5 tokens earned, 1 granted, the half token is lost
    expect(bucket.take(200)).toBe(false); // only 50 ms since the last successful call
    expect(bucket.take(250)).toBe(true);
    expect(bucket.available(10_000)).toBe(10); // never above the maximum
  });

  it('a refused call changes nothing', () => {
    const bucket = new TokenBucket(1, 1000);
    expect(bucket.take(0)).toBe(true);
    for (let t = 100; t < 1000; t += 100) expect(bucket.take(t)).toBe(false);
    expect(bucket.take(1000)).toBe(true);
  });

  it('the short bucket is charged before the long one refuses', () => {
    const limiter = new RateLimiter({ shortLimit: 3, shortWindowMs: 1_000_000, longLimit: 1, longWindowMs: 1_000_000 });
    expect(limiter.take(0)).toBeUndefined();
    expect(limiter.take(0)).toBe('Limit reached (1 tokens per 1000000 ms)');
    expect(limiter.take(0)).toBe('Limit reached (1 tokens per 1000000 ms)');
    expect(limiter.take(0)).toBe('Limit reached (3 tokens per 1000000 ms)');
  });
});

describe('--rate-limit specs', () => {
  it.each([
    ['100/60s', { longLimit: 100, longWindowMs: 60_000 }],
    ['5/200ms', { longLimit: 5, longWindowMs: 200 }],
    ['50/1m', { longLimit: 50, longWindowMs: 60_000 }],
    ['10/1s,100/60s', { shortLimit: 10, shortWindowMs: 1000, longLimit: 100, longWindowMs: 60_000 }],
    ['off', false],
  ])('%s', (spec, expected) => {
    expect(parseRateLimitSpec(spec)).toEqual(expected);
  });

  it.each(['100', '100/', 'x/60s', '0/60s', '10/60 parsecs', '1/1s,2/2s,3/3s'])('refuses %j', (spec) => {
    expect(() => parseRateLimitSpec(spec)).toThrow(/--rate-limit/);
  });
});
