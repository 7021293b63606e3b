/**
 * Retries with jittered exponential backoff (p-retry) for failures another attempt may fix: 5xx answers, timeouts
 * and dropped connections (TwentyUnavailableError). Never for 4xx: a validation error, a bad key or a missing
 * record fails the same way every time. 429 never reaches here; the scheduler (rate-limit.ts) handles it.
 *
 * A retried write may already have been applied (a timeout or a reset after sending). That is safe for what this
 * client writes: batch creates are upserts matched on a unique external id, updates and restores are by id, a
 * field or object that already exists is reused, and destroy treats an already-missing record as destroyed.
 */
import pRetry from 'p-retry';
import { TwentyUnavailableError } from './errors.js';
import type { EventSink } from './events.js';

export interface RetryOptions {
  /** Retries after the first attempt. Default 5. */
  retries?: number;
  /** Delay before the first retry, before jitter. Default 1000 ms. */
  minDelayMs?: number;
  /** Longest delay between attempts. Default 30,000 ms. */
  maxDelayMs?: number;
}

export interface RetryContext {
  origin: string;
  method: string;
  path: string;
  onEvent?: EventSink;
  /** Counts every retry (for the client's stats). */
  onRetry?: () => void;
  /** Stops retrying once aborted. */
  signal?: AbortSignal;
}

export function isTransient(error: unknown): error is TwentyUnavailableError {
  return error instanceof TwentyUnavailableError;
}

/**
 * Runs `attempt` until it succeeds, fails with a non-transient error, or the retries are spent. The final
 * TwentyUnavailableError states how many attempts were made.
 */
export async function withRetry<T>(attempt: () => Promise<T>, options: RetryOptions, context: RetryContext): Promise<T> {
  const retries = Math.max(0, options.retries ?? 5);
  const minTimeout = Math.max(0, options.minDelayMs ?? 1000);
  let attempts = 0;
  const started = Date.now();
  try {
    return await pRetry(
      async () => {
        attempts++;
        return await attempt();
      },
      {
        retries,
        factor: 2,
        minTimeout,
        maxTimeout: Math.max(minTimeout, options.maxDelayMs ?? 30_000),
        ...(context.signal === undefined ? {} : { signal: context.signal }),
        randomize: true, // each delay × a random factor in [1, 2): concurrent clients do not retry in step
        shouldRetry: ({ error }) => isTransient(error),
        onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
          if (!isTransient(error) || retriesLeft === 0) return;
          context.onRetry?.();
          context.onEvent?.({
            type: 'retry',
            method: context.method,
            path: context.path,
            attempt: attemptNumber,
            reason: error.reason,
          });
        },
      },
    );
  } catch (error) {
    if (isTransient(error) && attempts > 1) throw error.withAttempts(attempts, context.origin, Date.now() - started);
    throw error;
  }
}
