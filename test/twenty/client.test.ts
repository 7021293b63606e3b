import { describe, expect, it } from 'vitest';
import { TwentyConfigError, clientFromEnvironment, createTwentyClient } from '../../src/twenty/index.js';
import { KEY, json, startServer } from './helpers.js';

describe('clientFromEnvironment', () => {
  it('returns undefined when TWENTY_API_URL is unset or empty (the caller decides on rehearsal)', () => {
    expect(clientFromEnvironment({})).toBeUndefined();
    expect(clientFromEnvironment({ TWENTY_API_URL: '  ', TWENTY_API_KEY: KEY })).toBeUndefined();
  });

  it('refuses a URL without a key, saying what to do', () => {
    expect(() => clientFromEnvironment({ TWENTY_API_URL: 'https://api.twenty.com' })).toThrow(TwentyConfigError);
    expect(() => clientFromEnvironment({ TWENTY_API_URL: 'https://api.twenty.com', TWENTY_API_KEY: '' })).toThrow(/set TWENTY_API_KEY/);
  });

  it('builds a client for the configured URL, which it normalises', async () => {
    const client = clientFromEnvironment({ TWENTY_API_URL: 'https://api.twenty.com/rest/', TWENTY_API_KEY: KEY });
    expect(client?.baseUrl).toBe('https://api.twenty.com');
    await client?.close();
  });

  it('talks to the server TWENTY_API_URL names', async () => {
    const server = await startServer((_hit, res) => json(res, 200, { data: { objects: [] } }));
    const client = clientFromEnvironment({ TWENTY_API_URL: server.url, TWENTY_API_KEY: KEY }, { timeoutMs: 1000 });
    expect((await client?.schema())?.objects).toEqual([]);
    expect(server.hits[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    await client?.close();
    await server.close();
  });
});

describe('createTwentyClient', () => {
  it('refuses unusable options', () => {
    const base = { baseUrl: 'http://127.0.0.1:9', apiKey: KEY };
    expect(() => createTwentyClient({ ...base, timeoutMs: 0 })).toThrow(TwentyConfigError);
    expect(() => createTwentyClient({ ...base, rateLimit: { buckets: [{ limit: 0, windowMs: 1000 }] } })).toThrow(TwentyConfigError);
    expect(() => createTwentyClient({ ...base, rateLimit: { buckets: [] } })).toThrow(TwentyConfigError);
    expect(() => createTwentyClient({ ...base, rateLimit: { concurrency: 0 } })).toThrow(TwentyConfigError);
    expect(() => createTwentyClient({ ...base, baseUrl: 'ftp://x' })).toThrow(TwentyConfigError);
  });

  it('counts calls and waits for calls in flight on close', async () => {
    const server = await startServer((_hit, res) => setTimeout(() => json(res, 200, { data: { ok: true } }), 30));
    const client = createTwentyClient({ baseUrl: server.url, apiKey: KEY, rateLimit: { buckets: [{ limit: 1000, windowMs: 1000 }] } });
    const pending = Promise.all([1, 2, 3].map(() => client.request({ method: 'GET', path: '/rest/people' })));
    await client.close();
    expect(server.hits).toHaveLength(3);
    expect(client.stats().calls).toBe(3);
    await pending;
    await server.close();
  });
});
