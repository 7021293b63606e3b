import { afterEach } from 'vitest';
import { createTwentyClient, type TwentyClient, type TwentyClientEvent, type TwentyClientOptions } from '../../src/twenty/index.js';
import { FakeTwenty, type FakeOptions } from './fake-twenty.js';
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


/**
 * A fake Twenty and a test client on it, both closed after each test of the file that calls this at its top level.
 * `setup(options, events?)` starts them; events, when given, collects the client's events.
 */
export function fakeTwentyPerTest(): (options?: FakeOptions, events?: TwentyClientEvent[]) => Promise<{ fake: FakeTwenty; client: TwentyClient }> {
  let fake: FakeTwenty | undefined;
  let client: TwentyClient | undefined;
  afterEach(async () => {
    await client?.close();
    await fake?.close();
    client = undefined;
    fake = undefined;
  });
  return async (options = {}, events) => {
    fake = await FakeTwenty.start(options);
    client = testClient(fake.url, events === undefined ? {} : { onEvent: (e) => events.push(e) });
    return { fake, client };
  };
}
