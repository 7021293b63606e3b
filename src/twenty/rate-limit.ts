/**
 * Client-side scheduler for Twenty's API rate limit (twenty-api.md §5): two token buckets per workspace, one token
 * per call, by default 100 calls per 1000 ms and 100 per 60,000 ms, so 100 calls a minute in effect.
 *
 * Calls are SPREAD, one every max(window / limit) ms plus a small margin, never burst: Twenty's bucket
 * (`ThrottlerService.tokenBucketThrottleOrThrow`, throttler.service.ts@02e13c8d cited in §5) refills
 * `floor(elapsed × limit / window)` tokens and restarts its refill clock at every call, so the fraction of a token
 * earned by a call that arrives early is lost for good. Calls spaced exactly at window/limit drain the bucket by
 * one token every time network jitter brings two calls a little closer; the margin (3 % by default) absorbs that.
 *
 * On a 429 (Twenty sends no Retry-After, §5; one is honoured when present) the scheduler:
 * - learns the limit when the message states it (`Limit reached (50 tokens per 60000 ms)`: cloud workspaces run
 *   stricter limits than the defaults, issue #14122), else slows down by a factor (another client may be using the
 *   same workspace's quota);
 * - pauses every call for the Retry-After delay, or for one refill interval;
 * - retries the call. After `maxWaits` limits in a row for one call it gives up with a TwentyRateLimitError.
 * The spacing creeps back towards the configured rate while calls succeed.
 *
 * p-queue bounds how many calls run at once (a call slower than the spacing overlaps the next ones).
 */
import PQueue from 'p-queue';
import { TwentyConfigError, TwentyRateLimitError } from './errors.js';
import type { EventSink } from './events.js';

export interface Bucket {
  /** Calls allowed per window. */
  limit: number;
  windowMs: number;
}

export interface RateLimitOptions {
  /** Default: Twenty's defaults, `[{limit: 100, windowMs: 1000}, {limit: 100, windowMs: 60_000}]`. */
  buckets?: Bucket[];
  /** Calls in flight at once. Default 8. */
  concurrency?: number;
  /** Extra spacing over window/limit, as a fraction. Default 0.03. */
  safetyMargin?: number;
  /** Spacing multiplier on a 429 the server did not explain. Default 1.5. */
  slowdownFactor?: number;
  /** 429s in a row for one call before giving up. Default 10. */
  maxWaits?: number;
  /** A Retry-After longer than this is not waited out: the call fails with TwentyRateLimitError. Default 120,000 ms. */
  maxRetryAfterMs?: number;
}

export const TWENTY_DEFAULT_BUCKETS: readonly Bucket[] = [
  { limit: 100, windowMs: 1000 },
  { limit: 100, windowMs: 60_000 },
];

export interface SchedulerStats {
  /** Calls started (each attempt counts). */
  started: number;
  /** 429s met. */
  rateLimited: number;
  /** Current spacing between call starts. */
  intervalMs: number;
  /** The spacing the buckets allow (with the margin); intervalMs is never below it. */
  baseIntervalMs: number;
  buckets: Bucket[];
  queued: number;
  running: number;
}

export interface SchedulerHooks {
  onEvent?: EventSink;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const LIMIT_MESSAGE = /Limit reached \((\d+) tokens per (\d+) ?ms\)/i;

/** The limit a 429 message states, e.g. `Limit reached (100 tokens per 60000 ms)`. */
export function limitFromMessage(message: string | undefined): Bucket | undefined {
  const m = message === undefined ? null : LIMIT_MESSAGE.exec(message);
  if (m === null) return undefined;
  const limit = Number(m[1]);
  const windowMs = Number(m[2]);
  return limit >= 1 && windowMs > 0 ? { limit, windowMs } : undefined;
}

function checkBucket(b: Bucket): Bucket {
  if (!Number.isInteger(b.limit) || b.limit < 1 || !Number.isFinite(b.windowMs) || b.windowMs <= 0) {
    throw new TwentyConfigError(
      `Rate limit "${b.limit} per ${b.windowMs} ms" is not usable: give a whole number of calls (at least 1) per a positive number of milliseconds.`,
    );
  }
  return { limit: b.limit, windowMs: b.windowMs };
}

export class Scheduler {
  private readonly queue: PQueue;
  private buckets: Bucket[];
  private readonly margin: number;
  private readonly slowdown: number;
  private readonly maxWaits: number;
  private readonly maxRetryAfterMs: number;
  private readonly onEvent: EventSink | undefined;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  private baseIntervalMs: number;
  private intervalMs: number;
  /** Earliest start of the next reservation. */
  private nextSlot = 0;
  /** When the last call actually started. */
  private lastStart = Number.NEGATIVE_INFINITY;
  /** Bumped on every 429: reservations made before it are void and taken again. */
  private epoch = 0;
  private lastAdaptAt = Number.NEGATIVE_INFINITY;
  private started = 0;
  private rateLimited = 0;

  constructor(options: RateLimitOptions = {}, hooks: SchedulerHooks = {}) {
    this.buckets = (options.buckets ?? TWENTY_DEFAULT_BUCKETS).map(checkBucket);
    if (this.buckets.length === 0) throw new TwentyConfigError('The rate limit needs at least one bucket (calls per window).');
    const concurrency = options.concurrency ?? 8;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new TwentyConfigError(`Concurrency ${concurrency} is not usable: give a whole number of at least 1.`);
    }
    this.queue = new PQueue({ concurrency });
    this.margin = Math.max(0, options.safetyMargin ?? 0.03);
    this.slowdown = Math.max(1, options.slowdownFactor ?? 1.5);
    this.maxWaits = options.maxWaits ?? 10;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 120_000;
    this.onEvent = hooks.onEvent;
    this.now = hooks.now ?? (() => performance.now());
    this.sleep = hooks.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.baseIntervalMs = this.spacingFor(this.buckets);
    this.intervalMs = this.baseIntervalMs;
  }

  private spacingFor(buckets: Bucket[]): number {
    return Math.max(...buckets.map((b) => b.windowMs / b.limit)) * (1 + this.margin);
  }

  /**
   * Runs `task` when the rate limit allows, retrying it after 429s (the task is one HTTP call). Once `signal` is
   * aborted the task is not started (the promise rejects with the signal's reason).
   */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.queue.add(async () => {
      for (let waits = 0; ; ) {
        signal?.throwIfAborted();
        await this.acquire();
        signal?.throwIfAborted();
        const startedAt = this.now();
        this.started++;
        try {
          const result = await task();
          this.recover();
          return result;
        } catch (error) {
          if (!(error instanceof TwentyRateLimitError)) throw error;
          this.rateLimited++;
          waits++;
          if (error.retryAfterMs !== undefined && error.retryAfterMs > this.maxRetryAfterMs) throw error;
          if (waits > this.maxWaits) {
            throw new TwentyRateLimitError(error.serverMessage, {
              waits: waits - 1,
              ...(error.status === undefined ? {} : { status: error.status }),
              ...(error.code === undefined ? {} : { code: error.code }),
              ...(error.call === undefined ? {} : { call: error.call }),
            });
          }
          this.adapt(error, startedAt);
        }
      }
    });
  }

  /** Waits for this call's turn: at least one interval after the previous start, and after any pause. */
  private async acquire(): Promise<void> {
    for (;;) {
      const now = this.now();
      const slot = Math.max(now, this.nextSlot, this.lastStart + this.intervalMs);
      this.nextSlot = slot + this.intervalMs;
      const epoch = this.epoch;
      if (slot > now) await this.sleep(slot - now);
      if (epoch !== this.epoch) continue;
      // a timer that fired early, or a call that started late before this one, must not shorten the gap
      const early = this.lastStart + this.intervalMs - this.now();
      if (early > 0) {
        await this.sleep(early);
        if (epoch !== this.epoch) continue;
      }
      this.lastStart = this.now();
      return;
    }
  }

  private adapt(error: TwentyRateLimitError, startedAt: number): void {
    const learned = limitFromMessage(error.serverMessage);
    if (learned !== undefined) {
      const same = this.buckets.findIndex((b) => b.windowMs === learned.windowMs);
      if (same >= 0) this.buckets[same] = learned;
      else this.buckets.push(learned);
      this.baseIntervalMs = this.spacingFor(this.buckets);
    }
    // One slowdown per episode: calls already in flight when the spacing last changed report the same shortage.
    if (startedAt >= this.lastAdaptAt) {
      const cap = Math.max(this.baseIntervalMs, ...this.buckets.map((b) => b.windowMs));
      this.intervalMs =
        this.baseIntervalMs > this.intervalMs ? this.baseIntervalMs : Math.min(cap, this.intervalMs * this.slowdown);
      this.lastAdaptAt = this.now();
    }
    const waitMs = error.retryAfterMs ?? this.intervalMs;
    this.epoch++;
    this.nextSlot = this.now() + waitMs; // reservations are void (epoch): they queue again after the pause
    this.lastStart = Math.max(this.lastStart, this.now() + waitMs - this.intervalMs);
    this.onEvent?.({
      type: 'rate-limited',
      waitMs: Math.round(waitMs),
      intervalMs: Math.round(this.intervalMs),
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
      ...(learned === undefined ? {} : { learned }),
    });
  }

  /** After a success, brings the spacing 5 % of the way back towards the base rate. */
  private recover(): void {
    if (this.intervalMs > this.baseIntervalMs) {
      this.intervalMs = this.baseIntervalMs + (this.intervalMs - this.baseIntervalMs) * 0.95;
      if (this.intervalMs - this.baseIntervalMs < 0.5) this.intervalMs = this.baseIntervalMs;
    }
  }

  stats(): SchedulerStats {
    return {
      started: this.started,
      rateLimited: this.rateLimited,
      intervalMs: this.intervalMs,
      baseIntervalMs: this.baseIntervalMs,
      buckets: this.buckets.map((b) => ({ ...b })),
      queued: this.queue.size,
      running: this.queue.pending,
    };
  }

  /** Resolves when no call is queued or running. */
  onIdle(): Promise<void> {
    return this.queue.onIdle();
  }
}
