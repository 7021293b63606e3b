import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { TwentyRateLimitError, createTwentyClient, type TwentyClientEvent } from '../../src/twenty/index.js';
import { limitFromMessage } from '../../src/twenty/rate-limit.js';
import { KEY, json, rejection, startServer, twentyError, type TestServer } from './helpers.js';
import { testClient } from './test-client.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/**
 * Twenty's token bucket as throttler.service.ts implements it (twenty-api.md §5): starts full, refills
 * floor(elapsed × limit / window) tokens, and restarts its refill clock at every accepted call.
 */
function twentyBucket(limit: number, windowMs: number): () => boolean {
  let tokens = limit;
  let last = performance.now();
  return () => {
    const now = performance.now();
    const available = Math.min(tokens + Math.floor(((now - last) * limit) / windowMs), limit);
    if (available < 1) return false;
    tokens = available - 1;
    last = now;
    return true;
  };
}

async function bucketServer(limit: number, windowMs: number): Promise<{ server: TestServer; accepted: number[]; refused: () => number }> {
  const take = twentyBucket(limit, windowMs);
  const accepted: number[] = [];
  let refused = 0;
  server = await startServer((hit, res) => {
    if (!take()) {
      refused++;
      return twentyError(res, 429, `Limit reached (${limit} tokens per ${windowMs} ms)`, 'LIMIT_REACHED');
    }
    accepted.push(hit.at);
    return json(res, 200, { data: { ok: true } });
  });
  return { server, accepted, refused: () => refused };
}

/** The most calls found in any window of `windowMs` starting at a call. */
function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j < sorted.length && sorted[j]! - sorted[i]! < windowMs) j++;
    most = Math.max(most, j - i);
  }
  return most;
}

describe('the scheduler', () => {
  it('takes what a full bucket holds at once (2 tokens kept in reserve), then one call per refill interval: no 429', async () => {
    const { server: s, accepted, refused } = await bucketServer(10, 400);
    const client = testClient(s.url, { rateLimit: { buckets: [{ limit: 10, windowMs: 400 }], concurrency: 4, safetyMargin: 0.05 } });
    const started = performance.now();
    await Promise.all(Array.from({ length: 30 }, () => client.request({ method: 'GET', path: '/rest/people' })));
    const elapsed = performance.now() - started;

    expect(refused()).toBe(0);
    expect(accepted).toHaveLength(30);
    // 8 of the bucket's 10 tokens at once; 2 stay with the server for calls jitter brings too close
    const at = accepted.map((t) => t - accepted[0]!);
    expect(at[7]!).toBeLessThan(35);
    // then one call every 400/10 = 40 ms (+5 %). Arrival times carry jitter (a busy machine delaying one send so the
    // next follows closer); calls let through together would show gaps near 0.
    const gaps = accepted.slice(8).map((t, i) => t - accepted[i + 7]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(10);
    expect((accepted[29]! - accepted[7]!) / gaps.length).toBeGreaterThanOrEqual(40);
    expect(elapsed).toBeGreaterThanOrEqual(22 * 40);
    expect(client.stats().rateLimited).toBe(0);
    await client.close();
  });

  it('after a 429 the server\'s bucket is taken as empty: no second burst into it', async () => {
    const { server: s, accepted, refused } = await bucketServer(10, 400);
    // another client of the workspace has used 8 of the 10 tokens just before
    for (let i = 0; i < 8; i++) await (await request(`${s.url}/rest/people`, { headers: { authorization: `Bearer ${KEY}` } })).body.text();
    const client = testClient(s.url, { rateLimit: { buckets: [{ limit: 10, windowMs: 400 }], concurrency: 1, safetyMargin: 0.05 } });
    for (let i = 0; i < 12; i++) await client.request({ method: 'GET', path: '/rest/people' });
    expect(accepted).toHaveLength(8 + 12);
    expect(refused()).toBe(1); // the burst met the other client's use once, then the copy knew better
    expect(client.stats().rateLimited).toBe(1);
    await client.close();
  });

  it('(the same server does refuse a burst, so the test above can fail)', async () => {
    const { server: s, refused } = await bucketServer(5, 200);
    await Promise.all(
      Array.from({ length: 25 }, async () => {
        const res = await request(`${s.url}/rest/people`, { headers: { authorization: `Bearer ${KEY}` } });
        await res.body.text();
      }),
    );
    expect(refused()).toBeGreaterThan(0);
  });

  it('spaces calls by the strictest bucket, with the default buckets giving one call per 618 ms', () => {
    const client = createTwentyClient({ baseUrl: 'http://127.0.0.1:9', apiKey: KEY });
    expect(client.stats().baseIntervalMs).toBeCloseTo(618, 5); // 60,000 / 100 × 1.03
    const strict = createTwentyClient({
      baseUrl: 'http://127.0.0.1:9',
      apiKey: KEY,
      rateLimit: { buckets: [{ limit: 10, windowMs: 1000 }, { limit: 100, windowMs: 2000 }], safetyMargin: 0 },
    });
    expect(strict.stats().baseIntervalMs).toBe(100);
  });
});

describe('429', () => {
  it('without Retry-After: learns the limit the message states, waits a refill interval, retries', async () => {
    let n = 0;
    server = await startServer((_hit, res) => {
      if (++n === 1) return twentyError(res, 429, 'Limit reached (2 tokens per 200 ms)', 'LIMIT_REACHED');
      return json(res, 200, { data: { ok: true } });
    });
    const events: TwentyClientEvent[] = [];
    const client = testClient(server.url, { rateLimit: { buckets: [{ limit: 5, windowMs: 200 }], safetyMargin: 0 }, onEvent: (e) => events.push(e) });
    await client.request({ method: 'GET', path: '/rest/people' });
    const [first, second] = server.hits.map((h) => h.at);
    expect(server.hits).toHaveLength(2);
    expect(second! - first!).toBeGreaterThanOrEqual(95); // 200 / 2 = 100 ms, the learned refill interval
    const stats = client.stats();
    expect(stats.rateLimited).toBe(1);
    expect(stats.baseIntervalMs).toBe(100);
    expect(events).toContainEqual(expect.objectContaining({ type: 'rate-limited', learned: { limit: 2, windowMs: 200 } }));
    await client.close();
  });

  it('without Retry-After or a stated limit: slows down, then creeps back while calls succeed', async () => {
    let n = 0;
    server = await startServer((_hit, res) => {
      if (++n === 1) return json(res, 429, { statusCode: 429, messages: ['Too many requests'] });
      return json(res, 200, { data: { ok: true } });
    });
    const client = testClient(server.url, { rateLimit: { buckets: [{ limit: 5, windowMs: 200 }], safetyMargin: 0 } });
    await client.request({ method: 'GET', path: '/rest/people' });
    const [first, second] = server.hits.map((h) => h.at);
    expect(second! - first!).toBeGreaterThanOrEqual(55); // 40 ms × 1.5
    const slowed = client.stats().intervalMs;
    expect(slowed).toBeGreaterThan(40);
    for (let i = 0; i < 5; i++) await client.request({ method: 'GET', path: '/rest/people' });
    expect(client.stats().intervalMs).toBeLessThan(slowed);
    expect(client.stats().intervalMs).toBeGreaterThanOrEqual(40);
    await client.close();
  });

  it('stating the limit already kept to: slows down by a tenth, not by half (jitter drained the bucket)', async () => {
    let n = 0;
    server = await startServer((_hit, res) => {
      if (++n === 1) return twentyError(res, 429, 'Limit reached (5 tokens per 200 ms)', 'LIMIT_REACHED');
      return json(res, 200, { data: { ok: true } });
    });
    const client = testClient(server.url, { rateLimit: { buckets: [{ limit: 5, windowMs: 200 }], safetyMargin: 0 } });
    await client.request({ method: 'GET', path: '/rest/people' });
    expect(client.stats().intervalMs).toBeCloseTo(43.8, 5); // 40 ms × 1.1, then 5 % of the way back after the retry succeeded
    expect(client.stats().baseIntervalMs).toBe(40);
    await client.close();
  });

  it('honours Retry-After when the server sends one', async () => {
    let n = 0;
    server = await startServer((_hit, res) => {
      if (++n === 1) return twentyError(res, 429, 'Limit reached', 'LIMIT_REACHED', { 'retry-after': '1' });
      return json(res, 200, { data: { ok: true } });
    });
    const client = testClient(server.url);
    await client.request({ method: 'GET', path: '/rest/people' });
    const [first, second] = server.hits.map((h) => h.at);
    expect(second! - first!).toBeGreaterThanOrEqual(980);
    await client.close();
  });

  it('does not wait out a Retry-After longer than allowed: the error says how long', async () => {
    server = await startServer((_hit, res) => twentyError(res, 429, 'Limit reached', 'LIMIT_REACHED', { 'retry-after': '3600' }));
    const client = testClient(server.url, { rateLimit: { maxRetryAfterMs: 5000 } });
    const e = await rejection(client.request({ method: 'GET', path: '/rest/people' }));
    expect(e).toBeInstanceOf(TwentyRateLimitError);
    expect((e as TwentyRateLimitError).retryAfterMs).toBe(3_600_000);
    expect((e as Error).message).toMatch(/3600 s/);
    expect(server.hits).toHaveLength(1);
    await client.close();
  });

  it('gives up after maxWaits limits in a row for one call', async () => {
    server = await startServer((_hit, res) => twentyError(res, 429, 'Limit reached (1000 tokens per 1000 ms)', 'LIMIT_REACHED'));
    const client = testClient(server.url, { rateLimit: { buckets: [{ limit: 1000, windowMs: 1000 }], maxWaits: 2 } });
    const e = await rejection(client.request({ method: 'GET', path: '/rest/people' }));
    expect(e).toBeInstanceOf(TwentyRateLimitError);
    expect((e as TwentyRateLimitError).waits).toBe(2);
    expect((e as Error).message).toMatch(/wait a minute and resume/);
    expect(server.hits).toHaveLength(3);
    await client.close();
  });

  it('reads the limit out of Twenty\'s message', () => {
    expect(limitFromMessage('Limit reached (100 tokens per 60000 ms)')).toEqual({ limit: 100, windowMs: 60_000 });
    expect(limitFromMessage('Too many requests')).toBeUndefined();
    expect(limitFromMessage(undefined)).toBeUndefined();
  });
});
