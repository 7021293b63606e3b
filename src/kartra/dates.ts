/**
 * Date shapes seen in Kartra exports and in files re-saved by spreadsheets (kartra-exports.md §1.4, §3.4, §3.5, §5):
 * ISO `2024-03-09 14:05:00`, slashed `3/9/2026 14:05` (day or month first), `09 Mar 2026` and `09 Mar 2026 14:05:00`.
 */

export type DateShape =
  | 'YYYY-MM-DD'
  | 'YYYY-MM-DD HH:mm:ss'
  | 'YYYY/MM/DD'
  | 'slash-date'
  | 'slash-datetime'
  | 'DD Mon YYYY'
  | 'DD Mon YYYY HH:mm:ss';

export interface DateMatch {
  shape: DateShape;
  /** For slashed dates: the first and second numbers, to decide day-first or month-first per column. */
  first?: number;
  second?: number;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}| ?E[SD]T)?)?$/;
const YMD_SLASH = /^\d{4}\/\d{1,2}\/\d{1,2}$/;
const SLASHED = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})(\s+\d{1,2}:\d{2}(:\d{2})?(\s?[AP]M)?)?$/i;
const DAY_MONTH_NAME = /^\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{4}( \d{2}:\d{2}(:\d{2})?)?$/i;

/** The shape of a date value, or undefined when it is not a date at all. Takes a trimmed, non-empty value. */
export function matchDate(v: string): DateMatch | undefined {
  const c = v.charCodeAt(0);
  if (c < 48 || c > 57) return undefined; // every accepted shape starts with a digit
  const iso = ISO.exec(v);
  if (iso) {
    const month = Number(iso[2]);
    const day = Number(iso[3]);
    if (month === 0 || month > 12 || day === 0 || day > 31) return undefined;
    return { shape: iso[4] === undefined ? 'YYYY-MM-DD' : 'YYYY-MM-DD HH:mm:ss' };
  }
  const slashed = SLASHED.exec(v);
  if (slashed) {
    const first = Number(slashed[1]);
    const second = Number(slashed[2]);
    if (first === 0 || second === 0 || first > 31 || second > 31 || (first > 12 && second > 12)) return undefined;
    return { shape: slashed[4] === undefined ? 'slash-date' : 'slash-datetime', first, second };
  }
  if (YMD_SLASH.test(v)) return { shape: 'YYYY/MM/DD' };
  const named = DAY_MONTH_NAME.exec(v);
  if (named) return { shape: named[2] === undefined ? 'DD Mon YYYY' : 'DD Mon YYYY HH:mm:ss' };
  return undefined;
}

/** Shapes that carry a time of day. */
export function hasTime(shape: DateShape): boolean {
  return shape.endsWith('HH:mm:ss') || shape === 'slash-datetime';
}

/**
 * Day-first or month-first for one column of slashed dates: any first number above 12 means day-first, any second
 * number above 12 means month-first, both means the column mixes the two. With no evidence either way Kartra's
 * default (a US account) is month-first, and the profile says the choice was not proven.
 */
export type SlashOrder = 'month-first' | 'day-first' | 'ambiguous' | 'conflicting';

export function slashOrder(sawFirstOver12: boolean, sawSecondOver12: boolean): SlashOrder {
  if (sawFirstOver12 && sawSecondOver12) return 'conflicting';
  if (sawFirstOver12) return 'day-first';
  if (sawSecondOver12) return 'month-first';
  return 'ambiguous';
}
