/**
 * What the client reports while it works (for progress lines and logs). Events carry no API key and no record
 * values: only counts, timings, codes and redacted server messages.
 */
export type TwentyClientEvent =
  | {
      type: 'rate-limited';
      /** How long calls pause before the next one starts. */
      waitMs: number;
      /** The spacing between calls from now on. */
      intervalMs: number;
      retryAfterMs?: number;
      /** A limit the server stated in its 429 message (`Limit reached (50 tokens per 60000 ms)`). */
      learned?: { limit: number; windowMs: number };
    }
  | { type: 'retry'; method: string; path: string; attempt: number; reason: string }
  | { type: 'batch-max-lowered'; from: number; to: number }
  | { type: 'batch-split'; object: string; size: number; code?: string }
  | { type: 'schema-refreshed'; objects: number };

export type EventSink = (event: TwentyClientEvent) => void;
