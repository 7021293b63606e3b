import { createTwentyClient, type TwentyClient, type TwentyClientOptions } from '../../src/twenty/index.js';
import { KEY } from './helpers.js';

/**
 * A client against `url` with fast retries and no practical rate limit; override anything (tests of the scheduler
 * set their own limits).
 */
export function testClient(url: string, overrides: Partial<TwentyClientOptions> = {}): TwentyClient {
  return createTwentyClient({
    baseUrl: url,
    apiKey: KEY,
    timeoutMs: 2000,
    maxRetries: 3,
    retryDelay: { minMs: 5, maxMs: 20 },
    rateLimit: { buckets: [{ limit: 100_000, windowMs: 1000 }], safetyMargin: 0 },
    ...overrides,
  });
}

