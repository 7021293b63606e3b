/**
 * A Twenty that cannot be reached (stopped, restarting): the client retries a refused connection, then fails with an
 * error a person can act on: where, what, how many attempts over how long, and that resuming is safe.
 */
import { describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/index.js';
import { createTwentyClient, TwentyUnavailableError } from '../../src/twenty/index.js';

describe('an unreachable Twenty', () => {
  it('is retried, then reported with the attempts, the time they took and how to resume', async () => {
    const sandbox = await startSandbox({ rateLimit: false });
    const { url, apiKey } = sandbox;
    await sandbox.close(); // nothing listens on its port now
    const client = createTwentyClient({ baseUrl: url, apiKey, maxRetries: 2, retryDelay: { minMs: 100, maxMs: 200 } });
    try {
      const started = Date.now();
      const error = await client.upsertMany('people', [{ name: { firstName: 'A' } }]).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(TwentyUnavailableError);
      const e = error as TwentyUnavailableError;
      expect(e.attempts).toBe(3);
      expect(e.mayHaveApplied).toBe(false);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290); // 100 + 200 ms of backoff at least
      expect(e.message).toMatch(new RegExp(`^Twenty at ${url.replace(/[.]/g, '\\.')} did not answer \\(POST /rest/batch/people\\): connection failed \\(ECONNREFUSED\\)`));
      expect(e.message).toMatch(/\(3 attempts over \d+\.\d s\)\. Check that the server is running and reachable from here, then resume by running the same import or command again: nothing is lost/);
      expect(e.message).not.toContain(apiKey);
      expect(client.stats().retries).toBe(2);
    } finally {
      await client.close();
    }
  });
});
