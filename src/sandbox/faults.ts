import { mulberry32 } from '../seeded-random.js';
import { UserError } from '../errors.js';
import { valueAt } from './filter.js';
import { uniqueIndexPaths, type ObjectMeta } from './schema.js';

/**
 * Fault injection for record routes (tests and benchmarks): each record request draws one number from a seeded PRNG
 * and gets at most one fault, so a run with the same seed and the same request order sees the same faults.
 *
 * - `error500Rate`: answered 500 before anything is applied or throttled;
 * - `hangRate`: never answered (nothing applied) until the server closes;
 * - `dropAfterApplyRate`: the request is handled in full (a write is stored) and the connection is destroyed before
 *   any response byte is sent, the ambiguous failure a retrying client must survive;
 * - `latencyMs`: added before every record request is handled;
 * - `rateLimitStormRate`: starts a 429 storm: this request and the `rateLimitStormLength - 1` record requests after
 *   it (default 5 in all) are answered `429 LIMIT_REACHED` with Twenty's message for the short bucket, before anything
 *   is applied, as when other clients of the workspace drain its quota (requests during a storm draw no number);
 * - `invalidRecordRate`: not drawn per request but per record: each record a create or batch write carries is
 *   invalid with this probability, decided by a hash of the seed, the object and the record's identity (its first
 *   unique value, custom fields first, else its whole content), so the same record is refused every time it is sent,
 *   in any batch. A write carrying one is refused whole, `400 INVALID_ARGS_DATA` with Twenty's validation message
 *   naming the field (Twenty validates every record before its one insert, so one bad record fails its batch).
 */

export interface FaultOptions {
  error500Rate?: number;
  hangRate?: number;
  dropAfterApplyRate?: number;
  rateLimitStormRate?: number;
  /** Record requests answered 429 by one storm, the one that starts it included. Default 5. */
  rateLimitStormLength?: number;
  invalidRecordRate?: number;
  latencyMs?: number;
  seed?: number;
}

export type Fault = 'none' | 'error500' | 'hang' | 'dropAfterApply' | 'rateLimitStorm';

/** Rates drawn per request: at most one of these faults per request, so they add up to at most 1. */
const RATE_KEYS = ['error500Rate', 'hangRate', 'dropAfterApplyRate', 'rateLimitStormRate'] as const;
const KNOWN_KEYS = [...RATE_KEYS, 'rateLimitStormLength', 'invalidRecordRate', 'latencyMs', 'seed'];

/** Checks fault options (from code or `--faults` JSON); throws a UserError naming the bad one. */
export function resolveFaults(input: unknown): Required<FaultOptions> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new UserError('faults must be a JSON object, e.g. {"error500Rate":0.1}');
  const raw = input as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!KNOWN_KEYS.includes(key)) throw new UserError(`faults: unknown option "${key}" (known: ${KNOWN_KEYS.join(', ')})`);
  }
  const out: Required<FaultOptions> = {
    error500Rate: 0,
    hangRate: 0,
    dropAfterApplyRate: 0,
    rateLimitStormRate: 0,
    rateLimitStormLength: 5,
    invalidRecordRate: 0,
    latencyMs: 0,
    seed: 1,
  };
  for (const key of [...RATE_KEYS, 'invalidRecordRate'] as const) {
    const v = raw[key] ?? 0;
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new UserError(`faults: ${key} must be a number from 0 to 1 (got ${JSON.stringify(v)})`);
    out[key] = v;
  }
  if (RATE_KEYS.reduce((sum, key) => sum + out[key], 0) > 1) throw new UserError(`faults: the rates add up to more than 1 (${RATE_KEYS.join(' + ')})`);
  const length = raw['rateLimitStormLength'] ?? 5;
  if (typeof length !== 'number' || !Number.isInteger(length) || length < 1) throw new UserError(`faults: rateLimitStormLength must be a whole number of requests ≥ 1 (got ${JSON.stringify(length)})`);
  out.rateLimitStormLength = length;
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
  /** Record requests still to be refused by the storm under way. */
  private stormLeft = 0;

  constructor(readonly options: Required<FaultOptions>) {
    this.random = mulberry32(options.seed);
  }

  get active(): boolean {
    const o = this.options;
    return RATE_KEYS.some((key) => o[key] > 0) || o.invalidRecordRate > 0 || o.latencyMs > 0;
  }

  /** The fault for the next record request. */
  next(): Fault {
    if (this.stormLeft > 0) {
      this.stormLeft -= 1;
      return 'rateLimitStorm';
    }
    const { error500Rate, hangRate, dropAfterApplyRate, rateLimitStormRate } = this.options;
    if (error500Rate + hangRate + dropAfterApplyRate + rateLimitStormRate === 0) return 'none';
    const r = this.random();
    if (r < error500Rate) return 'error500';
    if (r < error500Rate + hangRate) return 'hang';
    if (r < error500Rate + hangRate + dropAfterApplyRate) return 'dropAfterApply';
    if (r < error500Rate + hangRate + dropAfterApplyRate + rateLimitStormRate) {
      this.stormLeft = this.options.rateLimitStormLength - 1;
      return 'rateLimitStorm';
    }
    return 'none';
  }

  /**
   * The first record of `inputs` the invalid-record fault refuses, with the field its message names and the
   * record's identity (`kartraLeadId=123`); undefined when every record passes. The same record gets the same answer
   * on every call.
   */
  invalidRecord(object: ObjectMeta, inputs: readonly unknown[]): InvalidRecord | undefined {
    const rate = this.options.invalidRecordRate;
    if (rate === 0) return undefined;
    for (const input of inputs) {
      if (typeof input !== 'object' || input === null || Array.isArray(input)) continue; // the validator refuses it anyway
      const { field, value, identity } = identityOf(object, input as Record<string, unknown>);
      if (unitHash(`${this.options.seed}\u0000${object.namePlural}\u0000${identity}`) < rate) return { field, value, identity: `${object.namePlural} ${identity}` };
    }
    return undefined;
  }
}

export interface InvalidRecord {
  /** The field Twenty's message names. */
  field: string;
  /** Its value as the message shows it. */
  value: string;
  /** `people kartraLeadId=123`: which record, for the sandbox's list of refused records. */
  identity: string;
}

const isSet = (v: unknown): boolean => v !== undefined && v !== null && v !== '';

/** A record's identity: its first set single-field unique value (custom fields first), else its whole content. */
function identityOf(object: ObjectMeta, record: Record<string, unknown>): { field: string; value: string; identity: string } {
  const groups = uniqueIndexPaths(object).filter((g) => g.paths.length === 1);
  const custom = (g: { fields: string[] }): boolean => object.fields.find((f) => f.name === g.fields[0])?.isCustom === true;
  for (const group of [...groups.filter(custom), ...groups.filter((g) => !custom(g))]) {
    const path = group.paths[0]!;
    const value = valueAt(record, path.split('.'));
    if (isSet(value)) return { field: path, value: String(value), identity: `${path}=${String(value)}` };
  }
  const content = stableJson(record);
  const field = Object.keys(record).sort()[0] ?? 'id';
  const value = record[field];
  return { field, value: typeof value === 'string' ? value : JSON.stringify(value) ?? '', identity: content };
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** FNV-1a over the text, then a murmur finaliser: a number in [0, 1). */
function unitHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}
