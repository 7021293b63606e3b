/**
 * Seeded randomness. Every value in a sample set comes from here, so the same options give byte-identical files.
 * Streams are cheap to create, which lets a lead be regenerated from (seed, index) alone: the transactions writer
 * re-derives a buyer instead of keeping a million leads in memory.
 */

import { mulberry32 } from '../seeded-random.js';


/** Mixes several integers into one 32-bit seed (murmur3 finaliser), so nearby inputs give unrelated streams. */
export function hashInts(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const v of values) {
    h = Math.imul(h ^ (v >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

export class Rng {
  private readonly next: () => number;

  constructor(...seedParts: number[]) {
    this.next = mulberry32(hashInts(...seedParts));
  }

  /** In [0, 1). */
  float(): number {
    return this.next();
  }

  /** Integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Picks by weight; `entries` are [value, weight] pairs with positive weights. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of entries) total += w;
    let u = this.next() * total;
    for (const [value, w] of entries) {
      u -= w;
      if (u < 0) return value;
    }
    return entries[entries.length - 1]![0];
  }

  /** `count` distinct items, in random order (partial Fisher-Yates on a copy). */
  sample<T>(items: readonly T[], count: number): T[] {
    const copy = items.slice();
    const n = Math.min(count, copy.length);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(this.next() * (copy.length - i));
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy.slice(0, n);
  }

  digits(count: number): string {
    let s = '';
    for (let i = 0; i < count; i++) s += Math.floor(this.next() * 10);
    return s;
  }

  /** About `length` random base-36 characters, six at a time: cheaper than `chars` for long ids. */
  token(length: number): string {
    let s = '';
    while (s.length < length) s += Math.floor(this.next() * 2176782336).toString(36).padStart(6, '0');
    return s.slice(0, length);
  }

  /** Random characters from `alphabet`. */
  chars(alphabet: string, count: number): string {
    let s = '';
    for (let i = 0; i < count; i++) s += alphabet[Math.floor(this.next() * alphabet.length)];
    return s;
  }
}

/** Named stream salts, so adding a new stream never shifts the values of an existing one. */
export const STREAM = {
  person: 1,
  leadCase: 2,
  leadRow: 3,
  forced: 4,
  ledger: 6,
  buyer: 7,
  fileIds: 8,
} as const;
