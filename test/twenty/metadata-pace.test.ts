import { describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/index.js';
import { createTwentyClient } from '../../src/twenty/index.js';

describe('data-model calls', () => {
  it('are not held to the record buckets Twenty throttles (only its shortest one): 12 fields do not wait for minutes', async () => {
    // Twenty's shape scaled down: 100 calls per 100 ms and 5 per 5 s for record queries
    const sandbox = await startSandbox({ profile: 'v2', persistDelayMs: 0, rateLimit: { shortLimit: 100, shortWindowMs: 100, longLimit: 5, longWindowMs: 5_000 } });
    const client = createTwentyClient({ baseUrl: sandbox.url, apiKey: sandbox.apiKey, rateLimit: { buckets: [{ limit: 100, windowMs: 100 }, { limit: 5, windowMs: 5_000 }] } });
    try {
      const started = performance.now();
      for (let i = 0; i < 12; i++) await client.ensureField({ object: 'person', name: `paceField${i}`, label: `Pace field ${i}`, type: 'TEXT' });
      const seconds = (performance.now() - started) / 1000;
      // held to the record buckets, the 24+ calls this takes would need over 20 s (one per 1.03 s after 3 at once)
      expect(seconds).toBeLessThan(5);
      expect(client.stats().rateLimited).toBe(0);
      // record calls are still held to their buckets: 3 at once (2 kept in reserve), then one per 1.03 s
      const t = performance.now();
      for (let i = 0; i < 5; i++) await client.upsertMany('people', [{ name: { firstName: `R${i}` } }]);
      expect(performance.now() - t).toBeGreaterThan(1_000);
      expect(sandbox.stats().rateLimited).toBe(0);
    } finally {
      await client.close();
      await sandbox.close();
    }
  });
});
