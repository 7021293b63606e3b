import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { TwentyConfigError, and, connectTwenty, createTwentyClient, eq, type TwentyClient } from '../../src/twenty/index.js';

/** Behaviour a migration relies on that a careless client gets wrong: no record written twice, none lost silently. */

const fast = { rateLimit: { buckets: [{ limit: 500, windowMs: 1_000 }] }, timeoutMs: 2_000, retryDelay: { minMs: 10, maxMs: 50 } };

describe('upsertMany keeps every input record accounted for', () => {
  let sandbox: SandboxHandle;
  let client: TwentyClient;

  beforeAll(async () => {
    sandbox = await startSandbox({ profile: 'v2', rateLimit: false, persistDelayMs: 0 });
    client = createTwentyClient({ baseUrl: sandbox.url, apiKey: sandbox.apiKey, ...fast });
    await client.ensureField({ object: 'person', name: 'kartraLeadId', label: 'Kartra lead id', type: 'TEXT', isUnique: true });
  });

  afterAll(async () => {
    await client.close();
    await sandbox.close();
  });

  it('with matchOn, refuses records without a match value or repeating one, before sending anything', async () => {
    const result = await client.upsertMany(
      'people',
      [
        { kartraLeadId: 'M1', name: { firstName: 'A', lastName: 'B' } },
        { name: { firstName: 'No', lastName: 'Key' } },
        { kartraLeadId: 'M1', name: { firstName: 'Again', lastName: 'B' } },
      ],
      { matchOn: 'kartraLeadId' },
    );
    expect(result.written.map((w) => w.index)).toEqual([0]);
    expect(result.rejected.map((r) => [r.index, r.message])).toEqual([
      [1, expect.stringContaining('no value for kartraLeadId')],
      [2, expect.stringContaining('same kartraLeadId as record 0')],
    ]);
    expect(sandbox.records('people').filter((r) => r.kartraLeadId === 'M1')).toHaveLength(1);
  });

  it('two input records that land on one Twenty record (same email) are not both reported written', async () => {
    const email = { primaryEmail: 'same@x.com', additionalEmails: [] };
    const result = await client.upsertMany('people', [
      { kartraLeadId: 'S1', emails: email, name: { firstName: 'One', lastName: 'S' } },
      { kartraLeadId: 'S2', emails: email, name: { firstName: 'Two', lastName: 'S' } },
    ]);
    expect(result.written).toHaveLength(1);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]!.message).toMatch(/same Twenty record|duplicate/i);
  });

  it('an error about the call, not the records (an unknown object), is thrown once, not split record by record', async () => {
    sandbox.resetStats();
    const records = Array.from({ length: 64 }, (_, i) => ({ name: { firstName: `P${i}`, lastName: 'X' } }));
    await expect(client.upsertMany('peoples', records)).rejects.toThrow();
    const calls = Object.entries(sandbox.stats().calls).filter(([route]) => route.includes('peoples'));
    expect(calls.reduce((n, [, count]) => n + count, 0)).toBeLessThanOrEqual(2);
  });

  it('when the caller stops, batches already sent are reported written, the others unsent; nothing is lost', async () => {
    const slow = await startSandbox({ profile: 'v2', rateLimit: false, persistDelayMs: 0, faults: { latencyMs: 100 } });
    // One call every 50 ms (a bucket of one token, so no burst): the stop at 75 ms comes after two batches went out
    // and before the other two.
    const slowClient = createTwentyClient({ baseUrl: slow.url, apiKey: slow.apiKey, ...fast, rateLimit: { buckets: [{ limit: 1, windowMs: 50 }] }, batchMax: 10 });
    const stop = new AbortController();
    setTimeout(() => stop.abort(new Error('user stop')), 75);
    const records = Array.from({ length: 40 }, (_, i) => ({ name: { firstName: `Q${i}`, lastName: 'Stop' } }));
    const result = await slowClient.upsertMany('people', records, { signal: stop.signal });
    await slowClient.close();
    const stored = slow.records('people').length;
    await slow.close();
    expect(result.written.length).toBe(stored);
    expect(result.written.length + result.unsent.length).toBe(40);
    expect(result.unsent.length).toBeGreaterThan(0);
    expect(result.written.length).toBeGreaterThan(0);
  });
});

describe('the API key with stray spaces', () => {
  it('is redacted as it is sent, trimmed', async () => {
    const key = 'sk-secret-123456';
    const echo = createServer((req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ statusCode: 400, error: 'BadRequestException', messages: [`bad ${req.headers.authorization}`], code: 'INVALID_ARGS_DATA' }));
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const { port } = echo.address() as AddressInfo;
    const client = createTwentyClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: `${key} `, ...fast, maxRetries: 0 });
    const error = await client.update('people', 'x1', { name: 'y' }).catch((e: unknown) => e);
    await client.close();
    echo.close();
    expect(String(error) + JSON.stringify(error)).not.toContain(key);
  });
});

describe('filters Twenty would misread', () => {
  it('an apostrophe alone is fine, combined with another condition it is refused', () => {
    expect(eq('jobTitle', "O'Brien")).toBe(`jobTitle[eq]:"O'Brien"`);
    expect(() => and(eq('jobTitle', "O'Brien"), eq('name.firstName', 'A'))).toThrow(TwentyConfigError);
  });
});

describe('connectTwenty', () => {
  it('closes the embedded sandbox when the client cannot be created (no process left hanging)', async () => {
    await expect(connectTwenty({ MIGRATION_HOME: `/tmp/connect-${process.pid}` }, { timeoutMs: -1 })).rejects.toThrow();
  });
});
