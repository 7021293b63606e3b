import { CASE_NAMES, LEAD_CASES, type LeadCase } from './messy.js';
import { Rng, STREAM } from './random.js';

/**
 * Which messy case each lead row gets. A pure function of (seed, index) plus a small table of forced rows, so the
 * transactions writer can ask whether a lead is clean without the leads being kept in memory.
 *
 * Every case is forced onto one row (taken from the later four fifths, so duplicates find an earlier original):
 * even a 500-lead set shows each kind of damage. Rows that are not forced roll against the case rates.
 */
export class LeadCasePlan {
  private readonly forced = new Map<number, LeadCase>();
  private readonly thresholds: number[] = [];
  private readonly names: LeadCase[] = [];

  constructor(
    private readonly seed: number,
    readonly leads: number,
    readonly messy: boolean,
  ) {
    if (!messy) return;
    let sum = 0;
    for (const name of CASE_NAMES) {
      const rate = LEAD_CASES[name].rate;
      if (rate <= 0) continue;
      sum += rate;
      this.thresholds.push(sum);
      this.names.push(name);
    }
    const rng = new Rng(seed, STREAM.forced);
    const from = Math.floor(leads / 5);
    const room = leads - from;
    for (const name of rng.sample(CASE_NAMES, CASE_NAMES.length)) {
      if (this.forced.size >= room) break;
      let index: number;
      do index = from + rng.int(0, room - 1);
      while (this.forced.has(index));
      this.forced.set(index, name);
    }
  }

  caseOf(index: number): LeadCase {
    if (!this.messy) return 'none';
    const forced = this.forced.get(index);
    if (forced !== undefined) return forced;
    const u = new Rng(this.seed, STREAM.leadCase, index).float();
    for (let i = 0; i < this.thresholds.length; i++) if (u < this.thresholds[i]!) return this.names[i]!;
    return 'none';
  }

  isForced(index: number): boolean {
    return this.forced.has(index);
  }
}
