import { TZDate } from '@date-fns/tz';
import { formatISO } from 'date-fns';

/**
 * Kartra writes wall-clock times in the account's zone (US Eastern) with no offset. The generator therefore works
 * in "naive seconds": seconds since 1970 of the wall-clock reading, computed with UTC arithmetic so that no host
 * time zone or DST rule can change the output. Only `easternIso` attaches a real offset, for expected.json.
 */

export const DAY = 86_400;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

export function naive(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  return Date.UTC(year, month - 1, day, hour, minute, second) / 1000;
}

/** The moment every sample set is "exported" (Eastern wall time); all dates in the files lie before it. */
export const EXPORT_AT = naive(2026, 6, 9, 8, 15, 42);
/** Leads joined between these two moments (the fixture spec's 2017–2026). */
export const JOINED_FROM = naive(2017, 1, 1);
export const JOINED_UNTIL = naive(2026, 6, 1);

interface Parts {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
}

/** Calendar fields of naive seconds, by integer arithmetic (Hinnant's civil_from_days): no Date per call. */
function parts(sec: number): Parts {
  const days = Math.floor(sec / DAY);
  const rest = sec - days * DAY;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const mo = mp < 10 ? mp + 3 : mp - 9;
  return {
    y: yoe + era * 400 + (mo <= 2 ? 1 : 0),
    mo,
    d,
    h: Math.floor(rest / 3600),
    mi: Math.floor((rest % 3600) / 60),
    s: rest % 60,
  };
}

const p2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** `2026-03-09 14:05:33`, Kartra's date_joined and the transactions `Date`. */
export function isoDateTime(sec: number): string {
  const p = parts(sec);
  return `${p.y}-${p2(p.mo)}-${p2(p.d)} ${p2(p.h)}:${p2(p.mi)}:${p2(p.s)}`;
}

/** `2026-03-09`. */
export function isoDate(sec: number): string {
  const p = parts(sec);
  return `${p.y}-${p2(p.mo)}-${p2(p.d)}`;
}

/** `09 Mar 2026`, the subscriptions export style. */
export function dayMonYear(sec: number): string {
  const p = parts(sec);
  return `${p2(p.d)} ${MONTHS[p.mo - 1]} ${p.y}`;
}

/** `09 Mar 2026 14:05:33`, the GDPR status date style. */
export function dayMonYearTime(sec: number): string {
  const p = parts(sec);
  return `${dayMonYear(sec)} ${p2(p.h)}:${p2(p.mi)}:${p2(p.s)}`;
}

/** `3/9/2026 14:05`: what a US spreadsheet writes back after opening the file (seconds are lost). */
export function usSpreadsheet(sec: number): string {
  const p = parts(sec);
  return `${p.mo}/${p.d}/${p.y} ${p2(p.h)}:${p2(p.mi)}`;
}

/** `03/09/1985` (MM/DD/YYYY), `1985/03/09`: birthday spellings people type. */
export function mmddyyyy(sec: number): string {
  const p = parts(sec);
  return `${p2(p.mo)}/${p2(p.d)}/${p.y}`;
}

export function yyyymmddSlash(sec: number): string {
  const p = parts(sec);
  return `${p.y}/${p2(p.mo)}/${p2(p.d)}`;
}

/** `09-06-2026`, the date in Kartra's export file names. */
export function fileNameDate(sec: number): string {
  const p = parts(sec);
  return `${p2(p.d)}-${p2(p.mo)}-${p.y}`;
}

/** Drops the seconds, for values that are written without them. */
export function floorMinute(sec: number): number {
  return sec - (sec % 60);
}

/** Adds calendar months; callers keep the day of month at most 28 so no month overflows. */
export function addMonths(sec: number, months: number): number {
  const t = new Date(sec * 1000);
  t.setUTCMonth(t.getUTCMonth() + months);
  return t.getTime() / 1000;
}

/**
 * The wall time read as America/New_York, as ISO 8601 with its offset. Generated times avoid 00:00–06:59, so the
 * DST gap and the repeated hour never make this ambiguous.
 */
export function easternIso(sec: number): string {
  const p = parts(sec);
  return formatISO(new TZDate(p.y, p.mo - 1, p.d, p.h, p.mi, p.s, 'America/New_York'));
}
