import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { createTwentyClient } from '../../src/twenty/index.js';

let sandbox: SandboxHandle | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function peopleIn(profile: 'v1' | 'v2', count: number) {
  sandbox = await startSandbox({ profile, rateLimit: false, persistDelayMs: 0 });
  const client = createTwentyClient({ baseUrl: sandbox.url, apiKey: sandbox.apiKey, rateLimit: { buckets: [{ limit: 100_000, windowMs: 1000 }], safetyMargin: 0 } });
  const people = Array.from({ length: count }, (_, i) => ({ name: { firstName: `P${i}`, lastName: 'Gone' } }));
  const ids = (await client.upsertMany('people', people)).written.map((w) => String(w.id));
  sandbox.resetStats();
  return { client, ids, sandbox };
}

const deletes = (s: SandboxHandle): Record<string, number> => Object.fromEntries(Object.entries(s.stats().calls).filter(([route]) => route.startsWith('DELETE ')));

describe('destroyMany', () => {
  it('destroys 100 records per call where the workspace deletes by filter (2.x)', async () => {
    const { client, ids, sandbox: s } = await peopleIn('v2', 230);
    expect(await client.destroyMany('people', ids)).toBe(230);
    expect(deletes(s)).toEqual({ 'DELETE /rest/people': 3 });
    expect(s.records('people')).toHaveLength(0);
    await client.close();
  });

  it('falls back to one call per record where deletes by filter are refused (1.x), once told', async () => {
    const { client, ids, sandbox: s } = await peopleIn('v1', 5);
    expect(await client.destroyMany('people', ids.slice(0, 3))).toBe(3);
    expect(await client.destroyMany('people', ids.slice(3))).toBe(2);
    // the refusal is met once; after it, records go one by one
    expect(deletes(s)).toEqual({ 'DELETE /rest/people': 1, 'DELETE /rest/people/{id}': 5 });
    expect(s.records('people')).toHaveLength(0);
    await client.close();
  });

  it('counts only what still existed', async () => {
    const { client, ids } = await peopleIn('v2', 3);
    await client.destroy('people', ids[0]!);
    expect(await client.destroyMany('people', ids)).toBe(2);
    await client.close();
  });
});
