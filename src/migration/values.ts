/**
 * One untrusted CSV cell in, the value Twenty's REST API takes out (twenty-api.md §3). Every converter is pure and
 * total: it never throws, and whatever it cannot read without guessing comes back as a one-line problem a person can
 * act on. Callers test `emptyCell` first: an empty or placeholder cell is no value, not a problem.
 *
 * The reading rules live in src/kartra (dates, phones, countries, lists) so that what the inspection reported and
 * what the import writes are the same reading of the same cell.
 */
import { TZDate, tzOffset } from '@date-fns/tz';
import DecimalModule from 'decimal.js';
import countries from 'i18n-iso-countries';
import { getCountryCallingCode, type CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { countryCode } from '../kartra/countries.js';
import { matchDate, wallClockMillis, type DateShape, type SlashOrder } from '../kartra/dates.js';
import { uniteMultiValues } from '../kartra/multi-value.js';
import { parseKartraPhone } from '../kartra/phone.js';
import { isEmail, isExcelScientific, isPlaceholder } from '../kartra/values.js';
import type { DateFormat } from '../mapping/document.js';

// decimal.js ships CommonJS typings for its ES build: at run time the default import is the class itself.
const Decimal = DecimalModule as unknown as typeof DecimalModule.Decimal;

export type Converted<T> = { ok: true; value: T } | { ok: false; problem: string };

const ok = <T>(value: T): Converted<T> => ({ ok: true, value });
/** A setting quoted in a problem: short, on one line (it may come from an edited mapping document). */
const shown = (setting: string, max: number): string => setting.replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, max);
const problem = <T>(text: string): Converted<T> => ({ ok: false, problem: text });

// ---------------------------------------------------------------------------------------------------------------
// Cleaning

/** Characters that never carry meaning in a cell but make an equal value compare unequal. */
const INVISIBLE = /[\u200B\u2060\uFEFF\u00AD]/g;
/** Joiners are part of emoji and Persian or Indic words, so text keeps them inside; typed values drop them. */
const JOINERS = /[\u200C\u200D]/g;
const UNICODE_SPACES = /[\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/g;
const EDGES = /^[\s\u200C\u200D]+|[\s\u200C\u200D]+$/g;

/** A text cell as a person reads it: NFC, no invisible characters, every space a plain space, trimmed. */
function cleanText(raw: unknown): string {
  // Typed as string, but a cell missing from a short row can arrive as undefined from plain JavaScript callers.
  if (typeof raw !== 'string') return '';
  return raw.normalize('NFC').replace(INVISIBLE, '').replace(UNICODE_SPACES, ' ').replace(EDGES, '');
}

/** A typed value (number, date, phone...): also without joiners and without the apostrophe a spreadsheet uses to say "text". */
function cleanToken(raw: unknown): string {
  return cleanText(raw).replace(JOINERS, '').replace(/^'/, '').trim();
}

/** More ways of writing "no value" than Kartra's own (N/A, #N/A, NULL): what people and other tools put in cells. */
const MORE_PLACEHOLDERS = new Set(['-', '--', '---', '–', '—', 'none', 'n.a.', 'undefined', '(blank)', '(empty)', '(none)']);

/** No value, and nothing to report: the cell is empty, or says so (N/A, NULL, -, none). */
export function emptyCell(raw: string): boolean {
  const v = cleanToken(raw);
  return v === '' || isPlaceholder(v) || MORE_PLACEHOLDERS.has(v.toLowerCase());
}

// ---------------------------------------------------------------------------------------------------------------
// Email

/** The check Twenty's server runs (twenty-api.md §3 EMAILS: the zod email check, already lowercase). */
const twentyEmail = z.email();

export function convertEmail(raw: string): Converted<string> {
  const v = cleanToken(raw).replace(/^mailto:/i, '').toLowerCase();
  if (v === '') return problem('no email address');
  if ((v.match(/@/g) ?? []).length > 1 && /[\s,;]/.test(v)) return problem('more than one email address in one cell');
  if (!isEmail(v) || !twentyEmail.safeParse(v).success) return problem('not an email address');
  return ok(v);
}

// ---------------------------------------------------------------------------------------------------------------
// Phone

export type PhoneValue = { primaryPhoneNumber: string; primaryPhoneCountryCode: string; primaryPhoneCallingCode: string };

/**
 * A phone cell. Which calling code a national number gets, first rule that applies:
 * 1. the number's own (`+44…`, `0044…`), whatever the other columns say;
 * 2. `callingCode` (Kartra's phone_country_code) when it has digits: it was typed for this phone, so a number that
 *    is not valid with it is a problem, not a reason to try other countries;
 * 3. otherwise each hint in turn until one reads the number as valid: the row's `country`, then `defaultCountry`
 *    (the column's phone country), then +1 when `callingCode` is present but empty (Kartra's own default).
 * With no hint at all a national number is a problem: its country would be a guess.
 * The country comes from the number itself (a +1 number with a Toronto area code is CA).
 */
export function convertPhone(
  raw: string,
  context: { callingCode?: string; country?: string; defaultCountry?: string } = {},
): Converted<PhoneValue> {
  const v = cleanToken(raw);
  if (v === '') return problem('no phone number');
  if (isExcelScientific(v)) {
    return problem('a spreadsheet turned this number into scientific notation and dropped its last digits: take it from the original export');
  }
  const number = v.replace(/\s*(?:x|ext\.?|extension|#)\s*\d+$/i, '');
  if (!/^\+?\(?\d[\d\s().\-/]*$/.test(number)) return problem('not a phone number');
  if (number !== v) return problem('has an extension, which a Twenty phone field cannot hold');

  const callingCode = cleanToken(context.callingCode ?? '').replace(/\D/g, '');
  if (callingCode !== '' && !isCallingCode(callingCode)) return problem(`+${callingCode.slice(0, 6)} is not a calling code`);

  const international = v.startsWith('+') || v.startsWith('00');
  const attempts: { code: string; from: string }[] = [];
  if (international || callingCode !== '') attempts.push({ code: callingCode, from: `calling code +${callingCode}` });
  else {
    for (const [hint, from] of [
      [context.country, 'the row’s country'],
      [context.defaultCountry, 'the column’s phone country'],
    ] as const) {
      const iso = hint === undefined ? undefined : isoCountry(cleanToken(hint));
      const code = iso === undefined ? undefined : callingCodeOf(iso);
      if (code !== undefined && !attempts.some((a) => a.code === code)) attempts.push({ code, from: `${from} (+${code})` });
    }
    if (context.callingCode !== undefined && !attempts.some((a) => a.code === '1')) {
      attempts.push({ code: '1', from: 'Kartra’s default calling code +1' });
    }
  }
  if (attempts.length === 0) {
    return problem('a national number without a calling code or country: set the column’s phone country');
  }
  for (const { code } of attempts) {
    const parsed = parseKartraPhone(v, code);
    if (!parsed) continue;
    if (!parsed.country) return problem(`+${parsed.countryCallingCode} numbers belong to no country, which a Twenty phone field needs`);
    return ok({
      primaryPhoneNumber: parsed.nationalNumber,
      primaryPhoneCountryCode: parsed.country,
      primaryPhoneCallingCode: `+${parsed.countryCallingCode}`,
    });
  }
  if (international) return problem('not a valid phone number');
  return problem(`not a valid phone number with ${attempts.map((a) => a.from).join(', or ')}`);
}

function callingCodeOf(iso: string): string | undefined {
  try {
    return getCountryCallingCode(iso as CountryCode);
  } catch {
    return undefined; // an ISO country libphonenumber has no numbering plan for (Antarctica)
  }
}

const CALLING_CODES = new Set(
  Object.keys(countries.getAlpha2Codes())
    .map(callingCodeOf)
    .filter((c): c is string => c !== undefined),
);
const isCallingCode = (digits: string): boolean => CALLING_CODES.has(digits);

// ---------------------------------------------------------------------------------------------------------------
// Country

/** What Twenty's address country picker lists and matches by: `Intl.DisplayNames` English region names. */
const REGION_NAMES = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
/** Those names read back (so a value already converted converts to itself), and the languages the mapping knows. */
const MORE_NAMES = new Map<string, string>();
for (const alpha2 of Object.keys(countries.getAlpha2Codes())) {
  const name = REGION_NAMES.of(alpha2);
  if (name) MORE_NAMES.set(foldName(name), alpha2);
}
for (const language of ['de', 'fr', 'es']) {
  for (const [alpha2, names] of Object.entries(countries.getNames(language, { select: 'all' }))) {
    for (const name of names) if (!MORE_NAMES.has(foldName(name))) MORE_NAMES.set(foldName(name), alpha2);
  }
}

function foldName(name: string): string {
  return name.toLowerCase().replace(/[’`]/g, "'").replace(/\s+/g, ' ');
}

/** ISO alpha-2 of a country name or code: the reader's rule first, then the names above. */
function isoCountry(v: string): string | undefined {
  if (v === '' || v.length > 60) return undefined;
  return countryCode(v) ?? MORE_NAMES.get(foldName(v));
}

/**
 * `name`: the English short name Twenty's UI shows for the country ("United States", "United Kingdom"), since Twenty
 * stores an address country as that text and finds its flag by it. `iso2`: the ISO 3166 alpha-2 code.
 */
export function convertCountry(raw: string, as: 'name' | 'iso2'): Converted<string> {
  const v = cleanToken(raw).replace(/\s+/g, ' ');
  if (v === '') return problem('no country');
  const iso = isoCountry(v);
  if (iso === undefined) return problem('not a country name or ISO code');
  if (as === 'iso2') return ok(iso);
  return ok(REGION_NAMES.of(iso) ?? countries.getName(iso, 'en') ?? iso);
}

// ---------------------------------------------------------------------------------------------------------------
// Dates

const DAY_FIRST: readonly DateFormat[] = ['DD/MM/YYYY', 'DD/MM/YYYY HH:mm'];
const MONTH_FIRST: readonly DateFormat[] = ['MM/DD/YYYY', 'MM/DD/YYYY HH:mm'];
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const ISO_PARTS =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s?(Z|[+-]\d{2}:?\d{2}|E[SD]T)?)?$/;

interface Wall {
  year: number;
  month: number;
  day: number;
  hours: number;
  minutes: number;
  seconds: number;
  millis: number;
  /** Minutes east of UTC written in the value itself (`Z`, `+02:00`). */
  offset?: number;
  /** A zone named in the value: Kartra's IPN writes `… EST` for the account's Eastern time, summer or winter. */
  zone?: string;
}

/**
 * A date cell. The column's `format` decides which slashed number is the day; a value in another shape is still read
 * when it can only mean one date (ISO, `09 Mar 2026`, or a slashed date whose day is over 12). DATE keeps the date
 * as written. DATE_TIME reads a time written without an offset as wall-clock time in `timeZone` (UTC when none is
 * set) and writes the offset in force at that instant, so DST is the zone's own. A wall time the clocks skip (02:30
 * on a spring-forward day) is a problem; one they pass twice (01:30 on a fall-back day) is the first, daylight, one.
 */
/**
 * `slashOrder`: how the column's few slashed dates read when its format is another one (an ISO column some spreadsheet
 * re-saved in part), decided by the reader over the whole column; without it an ambiguous slashed date is refused.
 */
export function convertDate(raw: string, options: { format: DateFormat; timeZone?: string; type: 'DATE' | 'DATE_TIME'; slashOrder?: 'month-first' | 'day-first' }): Converted<string> {
  const v = cleanToken(raw).replace(/\s+/g, ' ');
  if (v === '') return problem('no date');
  if (v.startsWith('0000-00-00')) return problem('0000-00-00 is the export’s way of writing "no date"');
  const match = matchDate(v);
  if (!match) return problem(`not a date in the format ${options.format}`);
  const wall = readWall(v, match.shape, options.format, options.slashOrder);
  if (typeof wall === 'string') return problem(wall);
  if (wall.year < 1000) return problem(`year ${wall.year} is not a plausible date`);
  if (options.type === 'DATE') return ok(`${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}`);
  // A zone named in the value reads it; the column's zone (else the value's own, else UTC) writes it.
  return dateTime(wall, wall.zone ?? options.timeZone ?? 'UTC', options.timeZone ?? wall.zone ?? 'UTC');
}

function readWall(v: string, shape: DateShape, format: DateFormat, slashOrder?: 'month-first' | 'day-first'): Wall | string {
  if (shape === 'YYYY-MM-DD' || shape === 'YYYY-MM-DD HH:mm:ss') {
    const m = ISO_PARTS.exec(v);
    if (!m) return `not a date in the format ${format}`;
    const wall: Wall = {
      year: Number(m[1]),
      month: Number(m[2]),
      day: Number(m[3]),
      hours: Number(m[4] ?? 0),
      minutes: Number(m[5] ?? 0),
      seconds: Number(m[6] ?? 0),
      millis: m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0')),
    };
    const zone = m[8];
    if (zone === 'EST' || zone === 'EDT') wall.zone = 'America/New_York';
    else if (zone === 'Z') wall.offset = 0;
    else if (zone !== undefined) {
      const [, sign, hh, mm] = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
      if (Number(hh) > 14 || Number(mm) > 59) return 'has an offset from UTC that does not exist';
      wall.offset = (sign === '-' ? -1 : 1) * (Number(hh) * 60 + Number(mm));
    }
    return wall;
  }
  const slashed = shape === 'slash-date' || shape === 'slash-datetime';
  if (slashed) {
    const [a, b, year] = v.match(/\d+/g)!;
    if (year!.length === 2) return `the year is written with two digits (${year}): its century would be a guess`;
    const first = Number(a);
    const second = Number(b);
    const order: SlashOrder = DAY_FIRST.includes(format) ? 'day-first' : MONTH_FIRST.includes(format) ? 'month-first' : (slashOrder ?? 'ambiguous');
    if (order === 'ambiguous' && first <= 12 && second <= 12 && first !== second) {
      return `${a}/${b} could be ${dayMonth(first, second)} or ${dayMonth(second, first)}; the column’s format is ${format}`;
    }
    const meridiem = /([AP])M$/i.exec(v);
    if (meridiem) {
      const hour = Number(/(\d{1,2}):\d{2}/.exec(v)![1]);
      if (hour < 1 || hour > 12) return 'has an hour that does not exist on a 12-hour clock';
    }
    return wallOf(v, order);
  }
  return wallOf(v, 'ambiguous'); // YYYY/MM/DD and DD Mon YYYY name their parts
}

function wallOf(v: string, order: SlashOrder): Wall | string {
  const millis = wallClockMillis(v, order);
  if (millis === undefined) return 'not a real date';
  const d = new Date(millis);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hours: d.getUTCHours(),
    minutes: d.getUTCMinutes(),
    seconds: d.getUTCSeconds(),
    millis: 0,
  };
}

const dayMonth = (day: number, month: number): string => `${day} ${MONTH_NAMES[month - 1]}`;

function dateTime(wall: Wall, zone: string, outputZone: string): Converted<string> {
  for (const z of [zone, outputZone]) {
    if (Number.isNaN(tzOffset(z, new Date(0)))) return problem(`unknown time zone "${shown(z, 40)}"`);
  }
  let instant: number;
  if (wall.offset !== undefined) {
    instant = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hours, wall.minutes, wall.seconds, wall.millis) - wall.offset * 60_000;
  } else {
    const local = new TZDate(wall.year, wall.month - 1, wall.day, wall.hours, wall.minutes, wall.seconds, wall.millis, zone);
    if (local.getHours() !== wall.hours || local.getMinutes() !== wall.minutes || local.getDate() !== wall.day) {
      return problem(`${pad(wall.hours)}:${pad(wall.minutes)} on ${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)} does not exist in ${zone}: the clocks skipped it`);
    }
    instant = local.getTime();
  }
  return ok(isoInZone(instant, outputZone));
}

/** `2017-01-01T18:35:54-05:00`: the instant as wall time in `zone` with that zone's offset at the instant. */
function isoInZone(instant: number, zone: string): string {
  let offset = tzOffset(zone, new Date(instant));
  // Before standard time, zones ran on local mean time (New York: -4:56:02); an offset in whole minutes would move
  // the instant, so such instants are written in UTC instead.
  if (!Number.isInteger(offset)) offset = 0;
  const t = new Date(instant + offset * 60_000);
  const ms = t.getUTCMilliseconds();
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return (
    `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}` +
    `T${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}${ms ? `.${pad(ms, 3)}` : ''}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

// ---------------------------------------------------------------------------------------------------------------
// Numbers and money

/**
 * The digits of a written number as a plain decimal string ("1.234,50" → "1234.50"), or a problem. Which separator
 * is the decimal one: the last of `.` and `,` when both appear; a separator that repeats groups thousands; one after
 * space or apostrophe grouping is decimal. A lone separator before exactly three digits ("1,234", "1.234") is read
 * as `loneBeforeThree` says, since only the caller knows what the number counts.
 */
function plainDecimal(text: string, loneBeforeThree: (separator: '.' | ',') => 'group' | 'decimal' | 'ambiguous'): string | { problem: string } {
  const t = text.replace(/[’]/g, "'");
  if (!/^(\d|\.\d)[\d.,' ]*$/.test(t) || !/\d$/.test(t) || /[^\d]{2}/.test(t)) return { problem: 'not a number' };
  const separators = t.replace(/\d/g, '');
  const dots = (separators.match(/\./g) ?? []).length;
  const commas = (separators.match(/,/g) ?? []).length;
  const others = separators.replace(/[.,]/g, '');
  let decimal: '.' | ',' | undefined;
  if (dots > 0 && commas > 0) decimal = separators.at(-1) === '.' ? '.' : separators.at(-1) === ',' ? ',' : undefined;
  else if (dots + commas === 1) {
    const separator = dots === 1 ? '.' : ',';
    const [integer = '', fraction = ''] = t.split(separator);
    if (others === '' && fraction.length === 3 && /^[1-9]\d{0,2}$/.test(integer)) {
      const reading = loneBeforeThree(separator);
      if (reading === 'ambiguous') return { problem: `${integer}${separator}${fraction} could be ${integer}${fraction} or ${integer}.${fraction}` };
      decimal = reading === 'decimal' ? separator : undefined;
    } else decimal = separator;
  }
  if ((dots > 0 && commas > 0 && decimal === undefined) || (decimal !== undefined && t.split(decimal).length > 2)) {
    return { problem: 'not a number: its separators do not agree' };
  }
  const [integerPart, fraction] = decimal === undefined ? [t, undefined] : (t.split(decimal) as [string, string]);
  const group = [...new Set(integerPart.replace(/\d/g, ''))];
  if (group.length > 1) return { problem: 'not a number: its separators do not agree' };
  if (group.length === 1 && !new RegExp(`^\\d{1,3}(${escape(group[0]!)}\\d{3})+$`).test(integerPart)) {
    return { problem: 'not a number: its digit groups are not thousands' };
  }
  const integer = integerPart.replace(/\D/g, '') || '0';
  return fraction === undefined ? integer : `${integer}.${fraction}`;
}

const escape = (c: string): string => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A number as written, into a JS number; digits a float cannot hold exactly are refused rather than rounded. */
export function convertNumber(raw: string): Converted<number> {
  const v = cleanToken(raw).replace(/\u2212/g, '-');
  if (v === '') return problem('no number');
  if (isExcelScientific(v)) return problem('a spreadsheet turned this number into scientific notation and may have dropped digits');
  if (v.endsWith('%')) return problem('a percentage: whether 12% is 12 or 0.12 depends on the field, so convert the column first');
  const signed = /^([+-])\s?(.*)$/.exec(v);
  const plain = plainDecimal(signed ? signed[2]! : v, (separator) => (separator === ',' ? 'group' : 'decimal'));
  if (typeof plain !== 'string') return problem(plain.problem);
  const exact = new Decimal(plain).times(signed?.[1] === '-' ? -1 : 1);
  const value = exact.toNumber();
  if (!Number.isFinite(value) || !new Decimal(value).equals(exact)) return problem('has more digits than a number field can hold exactly');
  return ok(value === 0 ? 0 : value);
}

const ISO_4217 = new Set(Intl.supportedValuesOf('currency'));

/** Currency signs, longest first; when one sign serves several currencies the column's default picks, else the first. */
const CURRENCY_SIGNS: readonly { sign: string; currencies: readonly string[]; ambiguous?: true }[] = [
  { sign: 'US$', currencies: ['USD'] },
  { sign: 'CA$', currencies: ['CAD'] },
  { sign: 'AU$', currencies: ['AUD'] },
  { sign: 'NZ$', currencies: ['NZD'] },
  { sign: 'HK$', currencies: ['HKD'] },
  { sign: 'MX$', currencies: ['MXN'] },
  { sign: 'C$', currencies: ['CAD'] },
  { sign: 'A$', currencies: ['AUD'] },
  { sign: 'S$', currencies: ['SGD'] },
  { sign: 'R$', currencies: ['BRL'] },
  { sign: 'zł', currencies: ['PLN'] },
  { sign: 'kr', currencies: ['SEK', 'NOK', 'DKK', 'ISK'], ambiguous: true },
  { sign: '$', currencies: ['USD', 'CAD', 'AUD', 'NZD', 'SGD', 'HKD', 'MXN'] },
  { sign: '€', currencies: ['EUR'] },
  { sign: '£', currencies: ['GBP'] },
  { sign: '¥', currencies: ['JPY', 'CNY'] },
  { sign: '￥', currencies: ['JPY', 'CNY'] },
  { sign: '₹', currencies: ['INR'] },
  { sign: '₩', currencies: ['KRW'] },
  { sign: '₽', currencies: ['RUB'] },
  { sign: '₺', currencies: ['TRY'] },
  { sign: '₪', currencies: ['ILS'] },
  { sign: '₱', currencies: ['PHP'] },
  { sign: '฿', currencies: ['THB'] },
  { sign: '₫', currencies: ['VND'] },
  { sign: '₴', currencies: ['UAH'] },
  { sign: '₦', currencies: ['NGN'] },
];

type CurrencyMark = { currencies: readonly string[]; ambiguous?: true | undefined };

/** An ISO code is tried before the signs, so "KRW 100" is won, not "kr" followed by "W 100". */
function currencyAtStart(s: string): [CurrencyMark, string] | undefined {
  const code = /^([A-Za-z]{3})(?![A-Za-z])/.exec(s)?.[1]?.toUpperCase();
  if (code && ISO_4217.has(code)) return [{ currencies: [code] }, s.slice(3)];
  const c = CURRENCY_SIGNS.find((c) => s.startsWith(c.sign));
  return c ? [c, s.slice(c.sign.length)] : undefined;
}

function currencyAtEnd(s: string): [CurrencyMark, string] | undefined {
  const code = /(?<![A-Za-z])([A-Za-z]{3})$/.exec(s)?.[1]?.toUpperCase();
  if (code && ISO_4217.has(code)) return [{ currencies: [code] }, s.slice(0, -3)];
  const c = CURRENCY_SIGNS.find((c) => s.endsWith(c.sign));
  return c ? [c, s.slice(0, -c.sign.length)] : undefined;
}

const fractionDigits = new Map<string, number>();
function fractionDigitsOf(currency: string): number {
  let digits = fractionDigits.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    fractionDigits.set(currency, digits);
  }
  return digits;
}

/**
 * An amount into micros and its ISO 4217 code. Negative as `-12.50`, `-$12.50`, `$-12.50` or `(12.50)`. The currency is
 * the sign or code in the cell, else `defaultCurrency`, else USD. A lone separator before three digits ("1,234",
 * "1.234 €") groups thousands, since these currencies have at most two decimals; in a three-decimal currency (KWD)
 * it could be either, and is a problem. Micros must be whole and within Number.MAX_SAFE_INTEGER: nothing is rounded.
 */
export function convertMoney(raw: string, defaultCurrency?: string): Converted<{ amountMicros: number; currencyCode: string }> {
  let s = cleanToken(raw).replace(/\u2212/g, '-');
  if (s === '') return problem('no amount');
  if (isExcelScientific(s)) return problem('a spreadsheet turned this amount into scientific notation and may have dropped digits');
  // Peel signs, currency marks and accounting parentheses off both ends, in whatever order they were written:
  // "-$12.50", "$-12.50", "($12.50)", "(12.50) EUR", "EUR (12.50)". Each may appear once; two marks must agree.
  let negative = false;
  let parenthesised = false;
  let sign: string | undefined;
  let mark: CurrencyMark | undefined;
  for (let progress = true; progress; ) {
    progress = false;
    const start = sign === undefined && /^[+-]/.test(s) ? undefined : currencyAtStart(s);
    const end = currencyAtEnd(s);
    if (sign === undefined && /^[+-]/.test(s)) [sign, s, progress] = [s[0], s.slice(1).trimStart(), true];
    else if (!parenthesised && s.startsWith('(') && s.endsWith(')')) [parenthesised, s, progress] = [true, s.slice(1, -1).trim(), true];
    else if (start || end) {
      const [found, rest] = (start ?? end)!;
      if (mark && !sameCurrency(mark, found)) return problem('names two different currencies');
      [mark, s, progress] = [mark ?? found, rest.trim(), true];
    }
  }
  if (parenthesised && sign !== undefined) return problem('not an amount: both parentheses and a sign');
  negative = parenthesised || sign === '-';

  const fallback = defaultCurrency === undefined ? 'USD' : cleanToken(defaultCurrency).toUpperCase();
  if (!mark && !ISO_4217.has(fallback)) return problem(`the column’s currency "${shown(fallback, 10)}" is not an ISO 4217 code`);
  let currency: string;
  if (!mark) currency = fallback;
  else if (mark.currencies.includes(fallback)) currency = fallback;
  else if (mark.ambiguous) return problem(`the currency sign could mean ${mark.currencies.join(', ')}: set the column’s currency`);
  else currency = mark.currencies[0]!;

  if (!/\d/.test(s)) return problem('not an amount');
  const threeDecimals = fractionDigitsOf(currency) >= 3;
  const plain = plainDecimal(s, () => (threeDecimals ? 'ambiguous' : 'group'));
  if (typeof plain !== 'string') return problem(plain.problem.replace(/^not a number/, 'not an amount'));
  const micros = new Decimal(plain).times(1_000_000).times(negative ? -1 : 1);
  if (!micros.isInteger()) return problem('has more than six decimal places');
  if (micros.abs().greaterThan(Number.MAX_SAFE_INTEGER)) return problem('is too large for a Twenty currency field');
  const amountMicros = micros.toNumber();
  return ok({ amountMicros: amountMicros === 0 ? 0 : amountMicros, currencyCode: currency });
}

function sameCurrency(a: CurrencyMark, b: CurrencyMark): boolean {
  return a.currencies.some((c) => b.currencies.includes(c));
}

// ---------------------------------------------------------------------------------------------------------------
// Boolean

const TRUE_WORDS = new Set(['yes', 'y', 'true', '1', 'on', 'oui', 'ja', 'sí', 'si', 'checked']);
const FALSE_WORDS = new Set(['no', 'n', 'false', '0', 'off', 'non', 'nein', 'unchecked']);

export function convertBoolean(raw: string): Converted<boolean> {
  const v = cleanToken(raw).toLowerCase();
  if (TRUE_WORDS.has(v)) return ok(true);
  if (FALSE_WORDS.has(v)) return ok(false);
  return problem('not a yes/no value');
}

// ---------------------------------------------------------------------------------------------------------------
// Link

/**
 * A web address as Twenty stores it (`lowercaseUrlOriginAndRemoveTrailingSlash`): `https://` added to a bare domain,
 * scheme and host lowercased, trailing slashes dropped. Only http(s) to a host with a top-level domain is a link.
 */
export function convertLink(raw: string): Converted<string> {
  let v = cleanToken(raw);
  if (v === '') return problem('no link');
  if (/\s/.test(v)) return problem('not a link: it contains spaces');
  if (v.startsWith('@')) return problem('a handle, not a link');
  if (!v.includes('/') && isEmail(v)) return problem('an email address, not a link');
  if (!/^https?:\/\//i.test(v)) {
    if (/^[a-z][a-z0-9+.-]*:(?!\d)/i.test(v)) return problem('not a web link (only http and https addresses are)');
    v = v.startsWith('//') ? `https:${v}` : `https://${v}`;
  }
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return problem('not a link');
  }
  if (url.username !== '' || url.password !== '') return problem('a link with a user name or password in it');
  const labels = url.hostname.split('.');
  if (labels.length < 2 || labels.some((l) => l === '') || !/^([a-z]{2,63}|xn--[a-z0-9-]+)$/.test(labels.at(-1)!)) {
    return problem('not a link: no domain name');
  }
  // Until nothing changes: dropping a slash can leave an empty "#" or "?" that Twenty's own pass would then drop.
  let link = v;
  for (let i = 0; i < 5; i++) {
    const next = `${url.origin.toLowerCase()}${url.pathname}${url.search}${url.hash}`.replace(/\/+$/, '');
    if (next === link) break;
    link = next;
    url = new URL(link);
  }
  return ok(link);
}

// ---------------------------------------------------------------------------------------------------------------
// Choices

type OptionLike = { value: string; label: string; sources: readonly string[] };

/** The option a cell means: one whose export spellings include it, else one whose value or label it is (case aside). */
export function optionFor(raw: string, options: readonly OptionLike[]): string | undefined {
  const key = cleanText(raw).toLowerCase();
  if (key === '') return undefined;
  const same = (s: string): boolean => cleanText(s).toLowerCase() === key;
  return (
    options.find((o) => o.sources.some(same))?.value ??
    options.find((o) => same(o.value))?.value ??
    options.find((o) => same(o.label))?.value
  );
}

/**
 * A list cell into option values, split as the reader splits lists (items trimmed, empties dropped, case-only
 * duplicates removed) and each item mapped by `optionFor`; two spellings of one option give its value once.
 */
export function convertMultiSelect(
  raw: string,
  separator: ';' | ',' | '|',
  options: readonly OptionLike[],
): { values: string[]; unknown: string[] } {
  const values: string[] = [];
  const unknown: string[] = [];
  for (const item of uniteMultiValues(cleanText(raw).split(separator))) {
    const value = optionFor(item, options);
    if (value === undefined) unknown.push(item);
    else if (!values.includes(value)) values.push(value);
  }
  return { values, unknown };
}

// ---------------------------------------------------------------------------------------------------------------
// Names

const PARTICLES = new Set(['van', 'von', 'der', 'den', 'de', 'del', 'della', 'dela', 'di', 'da', 'das', 'dos', 'du', 'la', 'le', 'ten', 'ter', 'bin', 'ibn', 'al', 'el', 'st.', 'st']);
const SUFFIXES = new Set(['jr', 'jr.', 'sr', 'sr.', 'ii', 'iii', 'iv', 'phd', 'ph.d.', 'md', 'm.d.', 'esq', 'esq.']);
const EAST_ASIAN = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+$/u;

/**
 * One full-name cell into Twenty's first and last name:
 * - "López, Ana" (one comma): last name before it, first name after ("Smith, Jr." is a suffix, not a first name);
 * - one word: first name only;
 * - otherwise the last word is the last name, with the particles before it ("Ludwig van Beethoven", "Jean de la
 *   Fontaine") and a trailing suffix ("King Jr."); every word before is the first name ("Ana María López");
 * - two words in Chinese, Japanese or Korean script are family name first ("山田 太郎").
 * A two-word surname without a particle ("Ana López García") cannot be told from a middle name: it splits as
 * first "Ana López", last "García". Kartra's own exports carry first and last name apart and never need this.
 */
export function splitFullName(raw: string): { firstName: string; lastName: string } {
  const v = cleanText(raw).replace(/\s+/g, ' ');
  const parts = v.split(',').map((p) => p.trim());
  if (parts.length === 2 && parts[0] !== '' && parts[1] !== '') {
    const [before, after] = parts as [string, string];
    if (!SUFFIXES.has(after.toLowerCase())) return { firstName: after, lastName: before };
    const name = splitWords(words(before));
    return { firstName: name.firstName, lastName: name.lastName === '' ? after : `${name.lastName}, ${after}` };
  }
  // Any other comma ("Ana,", "a, b, c") separates nothing we can name: it is read as a space.
  return splitWords(words(v.replace(/,/g, ' ')));
}

const words = (v: string): string[] => v.split(' ').filter((w) => w !== '');

function splitWords(words: string[]): { firstName: string; lastName: string } {
  if (words.length === 0) return { firstName: '', lastName: '' };
  if (words.length === 1) return { firstName: words[0]!, lastName: '' };
  if (words.length === 2 && words.every((w) => EAST_ASIAN.test(w))) return { firstName: words[1]!, lastName: words[0]! };
  let end = words.length;
  if (end > 2 && SUFFIXES.has(words[end - 1]!.toLowerCase())) end--;
  let start = end - 1;
  while (start > 1 && PARTICLES.has(words[start - 1]!.toLowerCase())) start--;
  return { firstName: words.slice(0, start).join(' '), lastName: words.slice(start).join(' ') };
}
