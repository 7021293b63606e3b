import { UserError } from '../errors.js';

/**
 * Twenty's API-key throttling (twenty-api.md §5): two token buckets per workspace, a short and a long one, each call
 * takes one token from the short bucket and then from the long one. Defaults: 100 per 1000 ms and 100 per 60 000 ms,
 * so the effective limit is 100 calls a minute.
 *
 * The bucket copies `ThrottlerService.tokenBucketThrottleOrThrow` (@02e13c8d) exactly, quirks included:
 * - refill is `floor(elapsed × limit / window)` and a successful call resets the refill clock, so the fraction of a
 *   token earned since the last call is lost (a client calling at exactly the refill rate drains slowly);
 * - a refused call changes nothing;
 * - the short bucket is charged before the long one is checked, so a call refused by the long bucket still costs a
 *   short-bucket token.
 */

export interface SandboxRateLimit {
  shortLimit: number;
  shortWindowMs: number;
  longLimit: number;
  longWindowMs: number;
}

export const DEFAULT_RATE_LIMIT: SandboxRateLimit = { shortLimit: 100, shortWindowMs: 1000, longLimit: 100, longWindowMs: 60_000 };

export class TokenBucket {
  private state: { tokens: number; lastRefillAt: number } | undefined;

  constructor(
    readonly maxTokens: number,
    readonly windowMs: number,
  ) {}

  available(now: number): number {
    if (!this.state) return this.maxTokens;
    const refill = Math.floor((now - this.state.lastRefillAt) * (this.maxTokens / this.windowMs));
    return Math.min(this.state.tokens + refill, this.maxTokens);
  }

  /** Takes one token; false (and no change) when none is left. */
  take(now: number): boolean {
    const available = this.available(now);
    if (available < 1) return false;
    this.state = { tokens: available - 1, lastRefillAt: now };
    return true;
  }

  get limitMessage(): string {
    return `Limit reached (${this.maxTokens} tokens per ${this.windowMs} ms)`;
  }
}

export class RateLimiter {
  private readonly short: TokenBucket;
  private readonly long: TokenBucket;

  constructor(readonly options: SandboxRateLimit) {
    this.short = new TokenBucket(options.shortLimit, options.shortWindowMs);
    this.long = new TokenBucket(options.longLimit, options.longWindowMs);
  }

  /** Undefined when the call may go ahead, else Twenty's message for the bucket that refused it. */
  take(now: number): string | undefined {
    if (!this.short.take(now)) return this.short.limitMessage;
    if (!this.long.take(now)) return this.long.limitMessage;
    return undefined;
  }
}

/** Checks rate-limit options; throws a UserError naming the bad one. */
export function resolveRateLimit(options: Partial<SandboxRateLimit> | undefined): SandboxRateLimit {
  const resolved = { ...DEFAULT_RATE_LIMIT, ...options };
  for (const [key, value] of Object.entries(resolved)) {
    if (!Number.isInteger(value) || value < 1) throw new UserError(`rate limit: ${key} must be a positive whole number (got ${String(value)})`);
  }
  return resolved;
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|min|h)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

function parseWindow(spec: string): { limit: number; windowMs: number } {
  const [limitText, windowText] = spec.split('/');
  const limit = Number(limitText);
  const m = DURATION.exec((windowText ?? '').trim());
  if (!Number.isInteger(limit) || limit < 1 || !m) {
    throw new UserError(`--rate-limit "${spec}" is not CALLS/WINDOW, e.g. 100/60s, 100/1s or 5/200ms`);
  }
  const windowMs = Math.round(Number(m[1]) * UNIT_MS[m[2] ?? 's']!);
  if (windowMs < 1) throw new UserError(`--rate-limit "${spec}": the window must be at least 1 ms`);
  return { limit, windowMs };
}

/**
 * `--rate-limit` for the CLI: `100/60s` sets the long bucket (the one that binds, 100 a minute by default);
 * `100/1s,100/60s` sets the short and the long one; `off` disables throttling.
 */
export function parseRateLimitSpec(spec: string): Partial<SandboxRateLimit> | false {
  const trimmed = spec.trim();
  if (trimmed === 'off' || trimmed === 'none') return false;
  const parts = trimmed.split(',').map((p) => p.trim());
  if (parts.length === 1) {
    const long = parseWindow(parts[0]!);
    return { longLimit: long.limit, longWindowMs: long.windowMs };
  }
  if (parts.length === 2) {
    const short = parseWindow(parts[0]!);
    const long = parseWindow(parts[1]!);
    return { shortLimit: short.limit, shortWindowMs: short.windowMs, longLimit: long.limit, longWindowMs: long.windowMs };
  }
  throw new UserError(`--rate-limit "${spec}": give one window (100/60s) or two (100/1s,100/60s)`);
}

export function describeRateLimit(options: SandboxRateLimit | false): string {
  if (!options) return 'off';
  return `${options.shortLimit} calls per ${options.shortWindowMs} ms and ${options.longLimit} calls per ${options.longWindowMs} ms`;
}
