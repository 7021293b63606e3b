import { mulberry32 } from '../seeded-random.js';
import { UserError } from '../errors.js';

/**
 * Fault injection for record routes (tests and benchmarks): each record request draws one number from a seeded PRNG
 * and gets at most one fault, so a run with the same seed and the same request order sees the same faults.
 *
 * - `error500Rate`: answered 500 before anything is applied or throttled;
 * - `hangRate`: never answered (nothing applied) until the server closes;
 * - `dropAfterApplyRate`: the request is handled in full (a write is stored) and the connection is destroyed before
 *   any response byte is sent, the ambiguous failure a retrying client must survive;
 * - `latencyMs`: added before every record request is handled.
 */

export interface FaultOptions {
  error500Rate?: number;
  hangRate?: number;
  dropAfterApplyRate?: number;
  latencyMs?: number;
  seed?: number;
}

export type Fault = 'none' | 'error500' | 'hang' | 'dropAfterApply';

const RATE_KEYS = ['error500Rate', 'hangRate', 'dropAfterApplyRate'] as const;
const KNOWN_KEYS = [...RATE_KEYS, 'latencyMs', 'seed'];

/** Checks fault options (from code or `--faults` JSON); throws a UserError naming the bad one. */
export function resolveFaults(input: unknown): Required<FaultOptions> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new UserError('faults must be a JSON object, e.g. {"error500Rate":0.1}');
  const raw = input as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!KNOWN_KEYS.includes(key)) throw new UserError(`faults: unknown option "${key}" (known: ${KNOWN_KEYS.join(', ')})`);
  }
  const out: Required<FaultOptions> = { error500Rate: 0, hangRate: 0, dropAfterApplyRate: 0, latencyMs: 0, seed: 1 };
  for (const key of RATE_KEYS) {
    const v = raw[key] ?? 0;
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new UserError(`faults: ${key} must be a number from 0 to 1 (got ${JSON.stringify(v)})`);
    out[key] = v;
  }
  if (out.error500Rate + out.hangRate + out.dropAfterApplyRate > 1) throw new UserError('faults: the rates add up to more than 1');
  const latency = raw['latencyMs'] ?? 0;
  if (typeof latency !== 'number' || !(latency >= 0) || !Number.isFinite(latency)) throw new UserError(`faults: latencyMs must be a number of milliseconds ≥ 0 (got ${JSON.stringify(latency)})`);
  out.latencyMs = latency;
  const seed = raw['seed'] ?? 1;
  if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new UserError(`faults: seed must be a whole number (got ${JSON.stringify(seed)})`);
  out.seed = seed;
  return out;
}

/** `--faults` for the CLI: a JSON object. */
export function parseFaultsSpec(spec: string): Required<FaultOptions> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(spec);
  } catch {
    throw new UserError(`--faults is not valid JSON: ${spec}`);
  }
  return resolveFaults(parsed);
}


export class FaultInjector {
  private readonly random: () => number;

  constructor(readonly options: Required<FaultOptions>) {
    this.random = mulberry32(options.seed);
  }

  get active(): boolean {
    const o = this.options;
    return o.error500Rate > 0 || o.hangRate > 0 || o.dropAfterApplyRate > 0 || o.latencyMs > 0;
  }

  /** The fault for the next record request. */
  next(): Fault {
    const { error500Rate, hangRate, dropAfterApplyRate } = this.options;
    if (error500Rate + hangRate + dropAfterApplyRate === 0) return 'none';
    const r = this.random();
    if (r < error500Rate) return 'error500';
    if (r < error500Rate + hangRate) return 'hang';
    if (r < error500Rate + hangRate + dropAfterApplyRate) return 'dropAfterApply';
    return 'none';
  }
}
