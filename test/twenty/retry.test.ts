import { afterEach, describe, expect, it } from 'vitest';
import {
  TwentyAuthError,
  TwentyNotFoundError,
  TwentyUnavailableError,
  TwentyValidationError,
  type TwentyClientEvent,
} from '../../src/twenty/index.js';
import { drop, json, rejection, startServer, twentyError, type Hit, type TestServer } from './helpers.js';
import { testClient } from './test-client.js';
import type { ServerResponse } from 'node:http';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server whose first `failures` answers are `fail`, then 200. */
async function failingFirst(failures: number, fail: (hit: Hit, res: ServerResponse) => void): Promise<TestServer> {
  let n = 0;
  server = await startServer((hit, res) => {
    n++;
    if (n <= failures) return fail(hit, res);
    return json(res, 200, { data: { people: [{ id: 'p1' }] }, pageInfo: { hasNextPage: false } });
  });
  return server;
}

describe('retries', () => {
  it('retries a 500 and succeeds', async () => {
    const s = await failingFirst(2, (_h, res) => twentyError(res, 500, 'Internal server error'));
    const events: TwentyClientEvent[] = [];
    const client = testClient(s.url, { onEvent: (e) => events.push(e) });
    const answer = await client.request({ method: 'GET', path: '/rest/people' });
    expect(answer).toMatchObject({ data: { people: [{ id: 'p1' }] } });
    expect(s.hits).toHaveLength(3);
    expect(client.stats().retries).toBe(2);
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(2);
    await client.close();
  });

  it('retries a dropped connection and succeeds', async () => {
    const s = await failingFirst(1, (_h, res) => drop(res));
    const client = testClient(s.url);
    await client.request({ method: 'POST', path: '/rest/batch/people', query: { upsert: 'true' }, body: [{ a: 1 }] });
    expect(s.hits).toHaveLength(2);
    await client.close();
  });

  it('retries a request that timed out and succeeds', async () => {
    const s = await failingFirst(1, () => undefined); // the first request hangs
    const client = testClient(s.url, { timeoutMs: 150 });
    await client.request({ method: 'GET', path: '/rest/people' });
    expect(s.hits).toHaveLength(2);
    await client.close();
  });

  it('never retries a 400 validation error', async () => {
    const s = await failingFirst(5, (_h, res) => twentyError(res, 400, 'Invalid value', 'INVALID_ARGS_DATA'));
    const client = testClient(s.url);
    expect(await rejection(client.request({ method: 'POST', path: '/rest/batch/people', body: [] }))).toBeInstanceOf(TwentyValidationError);
    expect(s.hits).toHaveLength(1);
    await client.close();
  });

  it('never retries 401 or 404', async () => {
    let status = 401;
    server = await startServer((_h, res) => twentyError(res, status, 'nope'));
    const client = testClient(server.url);
    expect(await rejection(client.request({ method: 'GET', path: '/rest/people' }))).toBeInstanceOf(TwentyAuthError);
    status = 404;
    expect(await rejection(client.request({ method: 'GET', path: '/rest/people/x' }))).toBeInstanceOf(TwentyNotFoundError);
    expect(server.hits).toHaveLength(2);
    await client.close();
  });

  it('gives up after the configured retries with the attempt count in the error', async () => {
    const s = await failingFirst(100, (_h, res) => twentyError(res, 503, 'Service unavailable'));
    const client = testClient(s.url, { maxRetries: 2 });
    const e = await rejection(client.request({ method: 'GET', path: '/rest/people' }));
    expect(e).toBeInstanceOf(TwentyUnavailableError);
    expect((e as TwentyUnavailableError).attempts).toBe(3);
    expect((e as Error).message).toMatch(/3 attempts/);
    expect((e as Error).message).toMatch(/HTTP 503/);
    expect(s.hits).toHaveLength(3);
    await client.close();
  });

  it('backs off between attempts', async () => {
    const s = await failingFirst(2, (_h, res) => twentyError(res, 502, 'Bad gateway'));
    const client = testClient(s.url, { retryDelay: { minMs: 40, maxMs: 1000 } });
    await client.request({ method: 'GET', path: '/rest/people' });
    const [a, b, c] = s.hits.map((h) => h.at);
    // jittered exponential: first delay in [40, 80), second in [80, 160)
    expect(b! - a!).toBeGreaterThanOrEqual(35);
    expect(c! - b!).toBeGreaterThanOrEqual(75);
    await client.close();
  });
});
