/**
 * Client-side scheduler for Twenty's API rate limit (twenty-api.md §5): two token buckets per workspace, one token
 * per call, by default 100 calls per 1000 ms and 100 per 60,000 ms, so 100 calls a minute in effect.
 *
 * The scheduler keeps its own copy of each bucket, run by Twenty's rule (`ThrottlerService.tokenBucketThrottleOrThrow`,
 * throttler.service.ts@02e13c8d cited in §5): a bucket starts full, refills `floor(elapsed × limit / window)` tokens
 * and restarts its refill clock at every call, so the fraction of a token earned by a call that arrives early is lost
 * for good. A call starts as soon as every copy holds a token: a workspace left idle for a minute takes its first 100
 * calls at once (a small import is over in seconds), then calls come one refill interval apart. Two things absorb
 * network jitter, which can bring two calls closer at the server than they left (and so cost a token the copy did
 * not count): the copies refill a little slower than Twenty's (the margin, 3 % by default), and a burst leaves a
 * tenth of each bucket (at least 2 tokens) unused: the reserve.
 *
 * The copy cannot see other clients of the same workspace, nor a run of this tool killed a moment ago. On a 429
 * (Twenty sends no Retry-After, §5; one is honoured when present) the scheduler:
 * - empties its copies (the server's buckets are emptier than it thought);
 * - learns the limit when the message states it (`Limit reached (50 tokens per 60000 ms)`: cloud workspaces run
 *   stricter limits than the defaults, issue #14122); when it states the limit already kept to, slows down by 10%
 *   (jitter drained the bucket, or another client shares it); without a stated limit, by a factor (1.5);
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
  /** The share of each bucket (at least 2 tokens) a burst leaves to the server, for calls that jitter brings too close. Default 0.1. */
  reserve?: number;
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

/** The spacing multiplier on a 429 that states the limit already kept to. */
const GENTLE_SLOWDOWN = 1.1;

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

/**
 * The scheduler's copy of one of Twenty's buckets: the server's rule, refilled `margin` slower. Times are the
 * scheduler's clock; reservations are made in order, so a copy's clock never goes back.
 */
class BucketCopy {
  private tokens: number;
  private lastRefillAt: number;
  private readonly refillMs: number;
  /** The copy holds at most this: the rest of the server's bucket is kept in reserve. */
  private readonly capacity: number;

  constructor(bucket: Bucket, margin: number, reserve: number, now: number, full: boolean) {
    this.refillMs = (bucket.windowMs / bucket.limit) * (1 + margin);
    this.capacity = Math.max(1, bucket.limit - Math.max(2, Math.ceil(bucket.limit * reserve)));
    this.tokens = full ? this.capacity : 0;
    this.lastRefillAt = now;
  }

  private available(at: number): number {
    // the epsilon keeps a refill computed at exactly readyAt() from rounding down to nothing
    const refill = Math.floor((at - this.lastRefillAt) / this.refillMs + 1e-9);
    return Math.min(this.tokens + Math.max(0, refill), this.capacity);
  }

  /** The earliest time from `at` on when the copy holds a token. */
  readyAt(at: number): number {
    return this.available(at) >= 1 ? at : this.lastRefillAt + (1 - this.tokens) * this.refillMs;
  }

  take(at: number): void {
    this.tokens = this.available(at) - 1;
    this.lastRefillAt = at;
  }
}

export class Scheduler {
  private readonly queue: PQueue;
  private buckets: Bucket[];
  private copies: BucketCopy[];
  private readonly margin: number;
  private readonly reserveShare: number;
  private readonly slowdown: number;
  private readonly maxWaits: number;
  private readonly maxRetryAfterMs: number;
  private readonly onEvent: EventSink | undefined;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  private baseIntervalMs: number;
  /** The spacing between calls: the base one, or more after a 429 the server did not explain. */
  private intervalMs: number;
  /** No call starts before this (a 429's pause). */
  private pausedUntil = Number.NEGATIVE_INFINITY;
  /** The start time given to the latest reservation. */
  private lastReservation = Number.NEGATIVE_INFINITY;
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
    this.reserveShare = Math.min(1, Math.max(0, options.reserve ?? 0.1));
    this.slowdown = Math.max(1, options.slowdownFactor ?? 1.5);
    this.maxWaits = options.maxWaits ?? 10;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 120_000;
    this.onEvent = hooks.onEvent;
    this.now = hooks.now ?? (() => performance.now());
    this.sleep = hooks.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.copies = this.copiesOf(this.buckets, this.now(), true);
    this.baseIntervalMs = this.spacingFor(this.buckets);
    this.intervalMs = this.baseIntervalMs;
  }

  private copiesOf(buckets: Bucket[], now: number, full: boolean): BucketCopy[] {
    return buckets.map((b) => new BucketCopy(b, this.margin, this.reserveShare, now, full));
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

  /**
   * Reserves the earliest start the copies allow (after any pause, and one slowed interval after the previous
   * reservation while slowed down) and takes its tokens. `paced` says the call waited for a refill.
   */
  private reserve(now: number): { at: number; paced: boolean } {
    const slowed = this.intervalMs > this.baseIntervalMs;
    const earliest = Math.max(now, this.pausedUntil, this.lastReservation + (slowed ? this.intervalMs : 0));
    const at = Math.max(earliest, ...this.copies.map((c) => c.readyAt(earliest)));
    for (const c of this.copies) c.take(at);
    this.lastReservation = at;
    return { at, paced: at > earliest || slowed };
  }

  /** Waits for this call's turn. */
  private async acquire(): Promise<void> {
    for (;;) {
      const now = this.now();
      const { at, paced } = this.reserve(now);
      const epoch = this.epoch;
      if (at > now) await this.sleep(at - now);
      if (epoch !== this.epoch) continue;
      // A paced call must not follow the previous call's actual start closer than the interval: a timer that fired
      // early, or a call before this one that started late (a busy event loop), would otherwise cost Twenty a token.
      const early = paced ? this.lastStart + this.intervalMs - this.now() : 0;
      if (early > 0) {
        await this.sleep(early);
        if (epoch !== this.epoch) continue;
      }
      this.lastStart = this.now();
      return;
    }
  }

  private adapt(error: TwentyRateLimitError, startedAt: number): void {
    const now = this.now();
    const learned = limitFromMessage(error.serverMessage);
    // The limit it states is the one already kept to: calls arrived closer than they left (jitter, a busy event
    // loop) and drained the bucket a token at a time, or another client took a share. Slow down a little and often
    // rather than by half at once, which costs some ten intervals per 429 while the spacing creeps back.
    const known = learned !== undefined && this.buckets.some((b) => b.limit === learned.limit && b.windowMs === learned.windowMs);
    if (learned !== undefined) {
      const same = this.buckets.findIndex((b) => b.windowMs === learned.windowMs);
      if (same >= 0) this.buckets[same] = learned;
      else this.buckets.push(learned);
      this.baseIntervalMs = this.spacingFor(this.buckets);
    }
    // The server's buckets are emptier than the copies said: another client, or an earlier run, used them.
    this.copies = this.copiesOf(this.buckets, now, false);
    // One slowdown per episode: calls already in flight when the spacing last changed report the same shortage.
    if (startedAt >= this.lastAdaptAt) {
      const cap = Math.max(this.baseIntervalMs, ...this.buckets.map((b) => b.windowMs));
      this.intervalMs =
        this.baseIntervalMs > this.intervalMs ? this.baseIntervalMs : Math.min(cap, this.intervalMs * (known ? GENTLE_SLOWDOWN : this.slowdown));
      this.lastAdaptAt = now;
    }
    const waitMs = error.retryAfterMs ?? this.intervalMs;
    this.epoch++;
    this.pausedUntil = now + waitMs; // reservations are void (epoch): they queue again after the pause
    this.lastReservation = now;
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
