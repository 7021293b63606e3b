import { leadFieldOf, normalizeHeader } from './columns.js';
import {
  BOOLEAN,
  COUNTRY,
  DATE,
  DATE_SHAPES,
  DECIMAL,
  EMAIL,
  FIRST_OVER_12,
  MONEY,
  NUMBER,
  PHONE,
  PHONE_PUNCTUATED,
  PLACEHOLDER,
  SECOND_OVER_12,
  TYPE_EVIDENCE,
  URL,
  ZERO_DATE,
  classifyCell,
  dateShapeOf,
} from './cell-class.js';
import { hasTime, slashOrder, type SlashOrder } from './dates.js';
import { splitMultiValue, uniteMultiValues, type MultiValueSeparator } from './multi-value.js';

export type ValueType =
  | 'empty'
  | 'email'
  | 'phone'
  | 'date'
  | 'datetime'
  | 'number'
  | 'money'
  | 'boolean'
  | 'url'
  | 'country'
  | 'enumeration'
  | 'multi-value'
  | 'long-text'
  | 'text';

export interface ColumnProfile {
  name: string;
  index: number;
  type: ValueType;
  /** Share of the column's real values (not empty, not placeholders) that fit `type`. */
  typeShare: number;
  /** Date columns: the format of most values, e.g. "YYYY-MM-DD HH:mm:ss" or "MM/DD/YYYY HH:mm". */
  dateFormat?: string;
  /** Slashed dates: which number is the day, decided from the whole column. */
  dateOrder?: SlashOrder;
  /** Multi-value columns: the separator this column uses. */
  separator?: MultiValueSeparator;
  rows: number;
  filled: number;
  fillRate: number;
  placeholders: number;
  distinct: number;
  /** Distinct values stopped being counted at DISTINCT_CAP: `distinct` is a lower bound. */
  distinctCapped: boolean;
  maxLength: number;
  /** Up to five distinct values as they appear, truncated to 80 characters. Untrusted data from the export. */
  samples: string[];
  /** Lines of up to five real values that did not fit `type` (a date column's non-dates, an email column's non-emails). */
  nonConformingLines: number[];
  nonConforming: number;
  /**
   * The column's distinct values (for multi-value columns, its distinct items, first spelling kept) when there are
   * at most VALUE_LIST_CAP of them: the options of a SELECT or MULTI_SELECT plan. Untrusted data from the export.
   */
  values?: string[];
}

/** Distinct values are counted exactly up to here, then reported as "10,000+": memory stays flat at any size. */
export const DISTINCT_CAP = 10_000;
/** Beyond this many distinct values a column is not a choice list, and its values are not listed. */
export const VALUE_LIST_CAP = 250;
const SAMPLE_COUNT = 5;
const SAMPLE_LENGTH = 80;
const ITEM_CAP = 2_000;
/** Enough split cells to tell a tags column from free text; splitting every cell of a million rows adds nothing. */
const ITEM_EVIDENCE = 20_000;

const PHONE_HEADER = /(^|_)(phone|tel|telephone|mobile|cell|fax|whatsapp)(_|$)/;
const MONEY_HEADER = /(amount|price|revenue|cost|discount|profit|tax|total|usd|eur|gbp)/;
const SENTENCE_END = /[.!?…]["')]?$/;
const MULTI_HEADER = /^(tags?|lists?|sequences?)$/;

/** Builds one column's profile from its values, streamed once, in bounded memory. */
export class ColumnProfiler {
  private rows = 0;
  private filled = 0;
  private placeholders = 0;
  private zeroDates = 0;
  private readonly seen = new Map<string, number>();
  private distinctCapped = false;
  /** Once the distinct map is full, lookups that almost never hit (ids, emails) are pure cost: they stop. */
  private lookupsAfterCap = 0;
  private hitsAfterCap = 0;
  private lookupsUseful = true;
  /** Per kind of value (its bits): how many, and the lines of the first few, to name non-conforming examples. */
  private readonly tallies = new Map<number, { count: number; lines: number[] }>();
  private readonly shapeCounts = new Array<number>(DATE_SHAPES.length).fill(0);
  private firstOver12 = false;
  private secondOver12 = false;
  private maxLength = 0;
  private totalLength = 0;
  private withNewline = 0;
  private withSemicolon = 0;
  private withComma = 0;
  private sentences = 0;
  private readonly items = new Set<string>();
  private itemCount = 0;
  private readonly samples: string[] = [];

  constructor(
    readonly name: string,
    readonly index: number,
  ) {}

  /**
   * Counts one row of this column; `v` is the cell already trimmed ('' for an empty cell). Returns the value's
   * classification (see cell-class.ts), so the caller reports the cell's findings without classifying it again.
   */
  add(v: string, line: number): number {
    this.rows++;
    if (v.length === 0) return 0;
    this.filled++;
    let bits = this.lookupsUseful ? this.seen.get(v) : undefined;
    if (this.distinctCapped && this.lookupsUseful) this.watchHitRate(bits !== undefined);
    if (bits === undefined) {
      bits = classifyCell(v);
      if (this.seen.size < DISTINCT_CAP) this.seen.set(v, bits);
      else this.distinctCapped = true;
      if (this.samples.length < SAMPLE_COUNT && !(bits & (PLACEHOLDER | ZERO_DATE))) this.samples.push(truncate(v));
    }
    if (bits & (PLACEHOLDER | ZERO_DATE)) {
      if (bits & PLACEHOLDER) this.placeholders++;
      else this.zeroDates++;
      return bits;
    }
    this.tally(bits & TYPE_EVIDENCE, line);
    if (v.length > this.maxLength) this.maxLength = v.length;
    this.totalLength += v.length;
    // Emails, dates, numbers and phones cannot be free text, lists or notes: skip the scans for them.
    if ((bits & TYPE_EVIDENCE & ~COUNTRY) === 0) this.scanText(v);
    return bits;
  }

  /** The real values that are not dates, and the lines of the first few: for a date column typed as something else. */
  nonDates(): { count: number; lines: number[] } {
    let count = 0;
    const lines: number[] = [];
    for (const [bits, tally] of this.tallies) {
      if (bits & DATE) continue;
      count += tally.count;
      lines.push(...tally.lines);
    }
    return { count, lines: lines.sort((a, b) => a - b).slice(0, SAMPLE_COUNT) };
  }

  private tally(bits: number, line: number): void {
    const tally = this.tallies.get(bits);
    if (tally === undefined) this.tallies.set(bits, { count: 1, lines: [line] });
    else {
      tally.count++;
      if (tally.lines.length < SAMPLE_COUNT) tally.lines.push(line);
    }
  }

  /** Evidence for long text and multi-value lists. */
  private scanText(v: string): void {
    if (v.includes('\n')) this.withNewline++;
    const semicolon = v.includes(';');
    const comma = v.includes(',');
    if (semicolon) this.withSemicolon++;
    if (SENTENCE_END.test(v)) this.sentences++;
    if (comma) this.withComma++;
    if ((semicolon || comma) && this.items.size < ITEM_CAP && this.itemCount < ITEM_EVIDENCE) {
      for (const item of splitMultiValue(v, semicolon ? ';' : ',')) {
        this.itemCount++;
        if (this.items.size < ITEM_CAP) this.items.add(item.toLowerCase());
      }
    }
  }

  private watchHitRate(hit: boolean): void {
    this.lookupsAfterCap++;
    if (hit) this.hitsAfterCap++;
    if (this.lookupsAfterCap === DISTINCT_CAP && this.hitsAfterCap < DISTINCT_CAP / 10) this.lookupsUseful = false;
  }

  result(): ColumnProfile {
    const real = this.filled - this.placeholders - this.zeroDates;
    const share = (mask: number): number => (real === 0 ? 0 : this.countWhere((bits) => (bits & mask) !== 0) / real);
    for (const [bits, { count }] of this.tallies) {
      if (bits & DATE) this.shapeCounts[DATE_SHAPES.indexOf(dateShapeOf(bits))]! += count;
      if (bits & FIRST_OVER_12) this.firstOver12 = true;
      if (bits & SECOND_OVER_12) this.secondOver12 = true;
    }
    const { type, fits } = this.decideType(real, share);
    const profile: ColumnProfile = {
      name: this.name,
      index: this.index,
      type,
      typeShare: round(real === 0 ? 0 : this.countWhere(fits) / real),
      rows: this.rows,
      filled: this.filled,
      fillRate: round(this.rows === 0 ? 0 : this.filled / this.rows),
      placeholders: this.placeholders,
      distinct: this.seen.size,
      distinctCapped: this.distinctCapped,
      maxLength: this.maxLength,
      samples: this.samples,
      ...this.nonConformingOf(fits),
    };
    // Decided whenever slashed dates occur, even a few in a mostly ISO column: sorting by join date needs it.
    const order = this.slashedCount() > 0 ? slashOrder(this.firstOver12, this.secondOver12) : undefined;
    if (order) profile.dateOrder = order;
    if (type === 'date' || type === 'datetime') profile.dateFormat = this.dateFormat(order);
    if (type === 'multi-value') profile.separator = this.separator();
    const values = this.distinctValues(profile.separator);
    if (values) profile.values = values;
    return profile;
  }

  /** Real distinct values (or items, given a separator), in first-seen order; undefined past VALUE_LIST_CAP. */
  private distinctValues(separator: MultiValueSeparator | undefined): string[] | undefined {
    if (this.distinctCapped) return undefined;
    const cells: string[] = [];
    for (const [value, bits] of this.seen) if (!(bits & (PLACEHOLDER | ZERO_DATE))) cells.push(value);
    const values = separator === undefined ? cells : uniteMultiValues(...cells.map((c) => splitMultiValue(c, separator)));
    return values.length <= VALUE_LIST_CAP ? values : undefined;
  }

  private decideType(real: number, share: (mask: number) => number): { type: ValueType; fits: (bits: number) => boolean } {
    const has = (mask: number) => (bits: number) => (bits & mask) !== 0;
    const header = normalizeHeader(this.name);
    const distinct = this.seen.size;
    if (real === 0) return { type: 'empty', fits: () => false };
    if (share(EMAIL) >= 0.8) return { type: 'email', fits: has(EMAIL) };
    if (share(DATE) >= 0.8) {
      const timed = this.shapeCounts.reduce((n, c, i) => n + (hasTime(DATE_SHAPES[i]!) ? c : 0), 0);
      return { type: timed * 2 >= share(DATE) * real ? 'datetime' : 'date', fits: has(DATE) };
    }
    if (share(URL) >= 0.8) return { type: 'url', fits: has(URL) };
    if (MULTI_HEADER.test(header)) return { type: 'multi-value', fits: () => true };
    const booleanOnly = this.countWhere(has(BOOLEAN)) === real;
    if (booleanOnly && distinct >= 2 && distinct <= 4 && !this.distinctCapped) return { type: 'boolean', fits: has(BOOLEAN) };
    if (share(PHONE) >= 0.8 && (PHONE_HEADER.test(header) || share(PHONE_PUNCTUATED) >= 0.5)) {
      return { type: 'phone', fits: has(PHONE) };
    }
    // Money needs a currency sign or thousands separator, or a money header over amounts with cents: "Price_point"
    // holding 1, 2, 3 is a number.
    const moneyOnly = this.countWhere((b) => (b & MONEY) !== 0 && (b & NUMBER) === 0);
    const cents = this.countWhere((b) => (b & DECIMAL) !== 0);
    if (share(MONEY | NUMBER) >= 0.95 && (moneyOnly > 0 || (MONEY_HEADER.test(header) && cents > 0))) {
      return { type: 'money', fits: has(MONEY | NUMBER) };
    }
    if (share(NUMBER) >= 0.95) return { type: 'number', fits: has(NUMBER) };
    if (share(COUNTRY) >= 0.8) return { type: 'country', fits: has(COUNTRY) };
    // Kartra's own single-valued fields (company "Acme, Inc.", address) are never lists, however many commas they hold.
    const singleValued = leadFieldOf(this.name) !== undefined;
    if (!singleValued && this.looksMultiValued(real)) return { type: 'multi-value', fits: () => true };
    if (this.maxLength > 255 || this.withNewline > 0 || this.totalLength / real > 80) return { type: 'long-text', fits: () => true };
    // A few values that repeat are choices, unless they read as sentences (a pool of canned bios is still prose).
    if (!this.distinctCapped && distinct <= 30 && distinct * 3 <= real && !this.readsAsProse(real)) return { type: 'enumeration', fits: () => true };
    return { type: 'text', fits: () => true };
  }

  /** Cells hold short items joined by one separator, and the same items come back across rows: tags, checkboxes. */
  private looksMultiValued(real: number): boolean {
    const separated = Math.max(this.withSemicolon, this.withComma);
    if (separated < 2 || separated / real < 0.1 || this.itemCount === 0) return false;
    const itemsRepeat = this.items.size * 2 <= this.itemCount;
    const averageItem = this.totalLength / Math.max(this.itemCount, real);
    // Bios and comments end like sentences; list cells ("VIP, Gold") do not.
    return itemsRepeat && averageItem <= 40 && this.withNewline === 0 && !this.readsAsProse(real);
  }

  /** A third or more of the values end like sentences. */
  private readsAsProse(real: number): boolean {
    return this.sentences * 3 >= real;
  }

  private separator(): MultiValueSeparator {
    return this.withComma > this.withSemicolon ? ',' : ';';
  }

  private slashedCount(): number {
    return this.shapeCounts[DATE_SHAPES.indexOf('slash-date')]! + this.shapeCounts[DATE_SHAPES.indexOf('slash-datetime')]!;
  }

  /** The format of most of the column's dates. */
  private dateFormat(order: SlashOrder | undefined): string {
    let best = 0;
    this.shapeCounts.forEach((c, i) => {
      if (c > this.shapeCounts[best]!) best = i;
    });
    const shape = DATE_SHAPES[best]!;
    if (shape !== 'slash-date' && shape !== 'slash-datetime') return shape;
    const dayMonth = order === 'day-first' ? 'DD/MM/YYYY' : 'MM/DD/YYYY';
    return shape === 'slash-date' ? dayMonth : `${dayMonth} HH:mm`;
  }

  private nonConformingOf(fits: (bits: number) => boolean): Pick<ColumnProfile, 'nonConforming' | 'nonConformingLines'> {
    let nonConforming = 0;
    const lines: number[] = [];
    for (const [bits, { count, lines: examples }] of this.tallies) {
      if (fits(bits)) continue;
      nonConforming += count;
      lines.push(...examples);
    }
    return { nonConforming, nonConformingLines: lines.sort((a, b) => a - b).slice(0, SAMPLE_COUNT) };
  }

  private countWhere(predicate: (bits: number) => boolean): number {
    let n = 0;
    for (const [bits, { count }] of this.tallies) if (predicate(bits)) n += count;
    return n;
  }
}

/** Cuts to SAMPLE_LENGTH characters, never between the two halves of an emoji. */
function truncate(v: string): string {
  if (v.length <= SAMPLE_LENGTH) return v;
  const characters = Array.from(v);
  return characters.length <= SAMPLE_LENGTH ? v : `${characters.slice(0, SAMPLE_LENGTH - 1).join('')}…`;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
