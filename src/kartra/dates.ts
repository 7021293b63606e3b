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
const YMD_SLASH = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/;
const SLASHED = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})(\s+\d{1,2}:\d{2}(:\d{2})?(\s?[AP]M)?)?$/i;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY_MONTH_NAME = /^\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{4}( \d{2}:\d{2}(:\d{2})?)?$/i;

/** The shape of a date value, or undefined when it is not a date at all. Takes a trimmed, non-empty value. */
export function matchDate(v: string): DateMatch | undefined {
  const c = v.charCodeAt(0);
  if (c < 48 || c > 57) return undefined; // every accepted shape starts with a digit
  const iso = ISO.exec(v);
  if (iso) {
    if (!isCalendarDate(Number(iso[1]), Number(iso[2]), Number(iso[3]))) return undefined;
    if (iso[4] !== undefined && (Number(iso[4]) > 23 || Number(iso[5]) > 59 || Number(iso[6] ?? 0) > 59)) return undefined;
    return { shape: iso[4] === undefined ? 'YYYY-MM-DD' : 'YYYY-MM-DD HH:mm:ss' };
  }
  const slashed = SLASHED.exec(v);
  if (slashed) {
    const first = Number(slashed[1]);
    const second = Number(slashed[2]);
    const year = Number(slashed[3]) < 100 ? 2000 + Number(slashed[3]) : Number(slashed[3]);
    // Which number is the day is decided per column later; the value must be a real date read one way or the other.
    if (!isCalendarDate(year, first, second) && !isCalendarDate(year, second, first)) return undefined;
    if (!isClockTime(v)) return undefined;
    return { shape: slashed[4] === undefined ? 'slash-date' : 'slash-datetime', first, second };
  }
  const ymd = YMD_SLASH.exec(v);
  if (ymd) return isCalendarDate(Number(ymd[1]), Number(ymd[2]), Number(ymd[3])) ? { shape: 'YYYY/MM/DD' } : undefined;
  const named = DAY_MONTH_NAME.exec(v);
  if (named) {
    const month = MONTHS.indexOf(named[1]!.slice(0, 3).toLowerCase()) + 1;
    const [day, year] = v.match(/\d+/g)!.map(Number) as [number, number];
    if (!isCalendarDate(year, month, day) || !isClockTime(v)) return undefined;
    return { shape: named[2] === undefined ? 'DD Mon YYYY' : 'DD Mon YYYY HH:mm:ss' };
  }
  return undefined;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** 30 February is not a date: a spreadsheet would move it to 1 March without a word. */
function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= DAYS_IN_MONTH[month - 1]! + (leap ? 1 : 0);
}

/** Any HH:MM(:SS) in the value is a real time of day (25:00 is not). */
function isClockTime(v: string): boolean {
  const time = /(\d{1,2}):(\d{2})(?::(\d{2}))?/.exec(v);
  if (!time) return true;
  return Number(time[1]) <= 23 && Number(time[2]) <= 59 && Number(time[3] ?? 0) <= 59;
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

/**
 * A date value as milliseconds of its wall-clock time read as UTC: a sort key for values of one column, which share
 * one time zone (Kartra's is US-Eastern, with no offset written). Slashed dates follow the column's order.
 * Undefined when the value is not a date.
 */
export function wallClockMillis(v: string, order: SlashOrder = 'ambiguous'): number | undefined {
  const fast = isoDateTimeMillis(v);
  if (fast !== undefined) return fast;
  const match = matchDate(v);
  if (!match) return undefined;
  const numbers = v.match(/\d+/g)!.map(Number);
  let year: number, month: number, day: number, rest: number[];
  switch (match.shape) {
    case 'YYYY-MM-DD':
    case 'YYYY-MM-DD HH:mm:ss':
    case 'YYYY/MM/DD':
      [year, month, day, ...rest] = numbers as [number, number, number, ...number[]];
      break;
    case 'DD Mon YYYY':
    case 'DD Mon YYYY HH:mm:ss':
      [day, year, ...rest] = numbers as [number, number, ...number[]];
      month = MONTHS.indexOf(v.replace(/^\d+ /, '').slice(0, 3).toLowerCase()) + 1;
      break;
    default: {
      const [a, b, y, ...time] = numbers as [number, number, number, ...number[]];
      // A value that proves its own order (25/03, 03/25) is read that way, whatever the column decided.
      const dayFirst = a > 12 || (b <= 12 && order === 'day-first');
      [month, day] = dayFirst ? [b, a] : [a, b];
      year = y < 100 ? 2000 + y : y;
      rest = time;
      if (/pm$/i.test(v) && rest[0] !== undefined && rest[0] < 12) rest[0] += 12;
      if (/am$/i.test(v) && rest[0] === 12) rest[0] = 0;
    }
  }
  const [hours = 0, minutes = 0, seconds = 0] = rest;
  if (!isCalendarDate(year, month, day)) return undefined;
  return Date.UTC(year, month - 1, day, hours, minutes, seconds);
}

/** 3/9/2026 or 09.03.2026: a date whose day/month order is decided per column. */
export function isSlashedDate(v: string): boolean {
  return /^\d{1,2}[/.]\d{1,2}[/.]\d/.test(v);
}

/** `YYYY-MM-DD HH:MM:SS`, Kartra's own format, read without regular expressions: a million join dates add up. */
function isoDateTimeMillis(v: string): number | undefined {
  if (v.length !== 19 || v[4] !== '-' || v[7] !== '-' || v[10] !== ' ' || v[13] !== ':' || v[16] !== ':') return undefined;
  const n = (from: number, to: number): number => {
    let value = 0;
    for (let i = from; i < to; i++) {
      const digit = v.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) return Number.NaN;
      value = value * 10 + digit;
    }
    return value;
  };
  const [year, month, day, hours, minutes, seconds] = [n(0, 4), n(5, 7), n(8, 10), n(11, 13), n(14, 16), n(17, 19)];
  if (!isCalendarDate(year, month, day) || !(hours <= 23 && minutes <= 59 && seconds <= 59)) return undefined;
  return Date.UTC(year, month - 1, day, hours, minutes, seconds);
}
