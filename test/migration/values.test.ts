import { TZDate, tzOffset } from '@date-fns/tz';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DateFormat } from '../../src/mapping/document.js';
import { planOptions } from '../../src/mapping/options.js';
import {
  convertBoolean,
  convertCountry,
  convertDate,
  convertEmail,
  convertLink,
  convertMoney,
  convertMultiSelect,
  convertNumber,
  convertPhone,
  emptyCell,
  optionFor,
  splitFullName,
  type Converted,
} from '../../src/migration/values.js';
import { normalizePhone } from '../../src/sandbox/phones.js';
import { normalizeUrl } from '../../src/sandbox/validate.js';

const NY = 'America/New_York';
const NBSP = '\u00a0';
const ZWSP = '\u200b';

function value<T>(r: Converted<T>): T {
  if (!r.ok) throw new Error(`expected a value, got the problem "${r.problem}"`);
  return r.value;
}

function problemOf<T>(r: Converted<T>): string {
  if (r.ok) throw new Error(`expected a problem, got ${JSON.stringify(r.value)}`);
  return r.problem;
}

describe('emptyCell', () => {
  it.each(['', '   ', `${NBSP}${ZWSP}`, 'N/A', 'n/a', '#N/A', 'NULL', 'null', '-', '--', '—', 'none', 'None', ' N/A '])(
    '%j is no value',
    (raw) => expect(emptyCell(raw)).toBe(true),
  );
  // "NA" is Namibia, "Nan" and "Nil" are first names, 0 and "no" are values.
  it.each(['NA', 'Nan', 'Nil', '0', 'no', 'x', '0000-00-00'])('%j is a value', (raw) => expect(emptyCell(raw)).toBe(false));
});

describe('convertEmail', () => {
  it.each([
    ['ann@example.com', 'ann@example.com'],
    ['  Ann.Lee@Example.COM ', 'ann.lee@example.com'],
    [`${NBSP}ann@example.com${ZWSP}`, 'ann@example.com'],
    ['mailto:Ann@example.com', 'ann@example.com'],
    ['ann+tag@sub.example.co.uk', 'ann+tag@sub.example.co.uk'],
  ])('%j → %j', (raw, expected) => expect(value(convertEmail(raw))).toBe(expected));

  it.each([
    ['john@', 'not an email address'],
    ['@example.com', 'not an email address'],
    ['ann@example', 'not an email address'],
    ['ann lee@example.com', 'not an email address'],
    ['N/A', 'not an email address'],
    ['', 'no email address'],
    ['a@example.com; b@example.com', 'more than one email address in one cell'],
    ['a@example.com, b@example.com', 'more than one email address in one cell'],
  ])('%j is refused: %s', (raw, expected) => expect(problemOf(convertEmail(raw))).toBe(expected));

  it('never returns an uppercase letter, and its result converts to itself', () => {
    fc.assert(
      fc.property(fc.oneof(fc.emailAddress(), fc.string()), fc.boolean(), (email, shout) => {
        const r = convertEmail(shout ? ` ${email.toUpperCase()} ` : email);
        if (!r.ok) return;
        expect(r.value).toBe(r.value.toLowerCase());
        expect(convertEmail(r.value)).toEqual(r);
      }),
    );
  });
});

describe('convertPhone', () => {
  const phone = (number: string, country: string, calling: string) => ({
    primaryPhoneNumber: number,
    primaryPhoneCountryCode: country,
    primaryPhoneCallingCode: calling,
  });

  it.each<[string, Parameters<typeof convertPhone>[1], ReturnType<typeof phone>]>([
    // +1 numbers, with and without Kartra's calling code column
    ['(212) 555-0147', { callingCode: '+1' }, phone('2125550147', 'US', '+1')],
    ['212.555.0147', { callingCode: '1' }, phone('2125550147', 'US', '+1')],
    ['2125550147', { callingCode: '' }, phone('2125550147', 'US', '+1')],
    ['+1 212 555 0147', {}, phone('2125550147', 'US', '+1')],
    ['+12125550147', { callingCode: '+1' }, phone('2125550147', 'US', '+1')],
    ['12125550147', { callingCode: '+1' }, phone('2125550147', 'US', '+1')],
    ['1-212-555-0147', { callingCode: '' }, phone('2125550147', 'US', '+1')],
    ['613-555-0123', { callingCode: '+1' }, phone('6135550123', 'CA', '+1')],
    // UK and German national numbers with their calling code
    ['07400 123456', { callingCode: '+44' }, phone('7400123456', 'GB', '+44')],
    ['020 7946 0958', { callingCode: '44' }, phone('2079460958', 'GB', '+44')],
    ['7400 123456', { callingCode: '+44' }, phone('7400123456', 'GB', '+44')],
    ['030 12345678', { callingCode: '+49' }, phone('3012345678', 'DE', '+49')],
    ['0151 12345678', { callingCode: '49' }, phone('15112345678', 'DE', '+49')],
    ['+49 (0)30 12345678', { callingCode: '+49' }, phone('3012345678', 'DE', '+49')],
    ['0049 30 12345678', {}, phone('3012345678', 'DE', '+49')],
    // the number's own code wins over a calling code column that says otherwise
    ['+44 20 7946 0958', { callingCode: '+1' }, phone('2079460958', 'GB', '+44')],
    ['+(44) 20 7946 0958', {}, phone('2079460958', 'GB', '+44')],
    // hints for national numbers: the row's country, then the column's phone country, then Kartra's +1
    ['07400 123456', { callingCode: '', country: 'United Kingdom' }, phone('7400123456', 'GB', '+44')],
    ['07400 123456', { country: 'GB' }, phone('7400123456', 'GB', '+44')],
    ['07400 123456', { defaultCountry: 'GB' }, phone('7400123456', 'GB', '+44')],
    ['030 12345678', { country: 'Germany', defaultCountry: 'US' }, phone('3012345678', 'DE', '+49')],
    ['(212) 555-0147', { country: 'Narnia', defaultCountry: 'US' }, phone('2125550147', 'US', '+1')],
    // a number valid in the row's country is read there first: 0212 is Solingen
    ['(212) 555-0147', { country: 'Germany', defaultCountry: 'US' }, phone('2125550147', 'DE', '+49')],
    ['(212) 555-0147', { callingCode: '', country: 'United Kingdom' }, phone('2125550147', 'US', '+1')],
    // untrusted cell noise
    [`${NBSP}(212)${NBSP}555-0147${ZWSP} `, { callingCode: ` +1${NBSP}` }, phone('2125550147', 'US', '+1')],
    ["'+442079460958", {}, phone('2079460958', 'GB', '+44')],
  ])('%j with %j', (raw, context, expected) => expect(value(convertPhone(raw, context))).toEqual(expected));

  it.each<[string, Parameters<typeof convertPhone>[1], RegExp]>([
    ['5.55123E+09', { callingCode: '+1' }, /scientific notation/],
    ['5.55E+09', {}, /scientific notation/],
    ['1.2e+10', { callingCode: '' }, /scientific notation/],
    ['2125550147', {}, /without a calling code or country/],
    ['2125550147', { country: 'Narnia' }, /without a calling code or country/],
    ['12', { callingCode: '+1' }, /not a valid phone number with calling code \+1/],
    ['x12', { callingCode: '+1' }, /not a phone number/],
    ['call me', { callingCode: '+1' }, /not a phone number/],
    ['212-555-0147 x12', { callingCode: '+1' }, /extension/],
    ['212-555-0147 ext. 12', { callingCode: '+1' }, /extension/],
    ['07400 123456', { callingCode: '+1' }, /calling code \+1/],
    ['2125550147', { callingCode: '+999' }, /\+999 is not a calling code/],
    ['+999 123 456 789', {}, /not a valid phone number/],
    ['555 0147', { callingCode: '', country: 'United States' }, /^not a valid phone number with the row’s country \(\+1\)$/],
    ['555 0147', { callingCode: '', country: 'France' }, /^not a valid phone number with the row’s country \(\+33\), or Kartra’s default calling code \+1$/],
    ['', { callingCode: '+1' }, /no phone number/],
  ])('%j with %j is refused', (raw, context, expected) => expect(problemOf(convertPhone(raw, context))).toMatch(expected));

  it('gives values Twenty’s phone normalisation keeps as they are (the sandbox’s transformPhonesValue)', () => {
    for (const [raw, callingCode] of [
      ['(212) 555-0147', '+1'],
      ['07400 123456', '+44'],
      ['030 12345678', '+49'],
      ['0412 345 678', '+61'],
      ['55 1234 5678', '+52'],
    ] as const) {
      const v = value(convertPhone(raw, { callingCode }));
      expect(normalizePhone({ number: v.primaryPhoneNumber, callingCode: v.primaryPhoneCallingCode, countryCode: v.primaryPhoneCountryCode })).toEqual({
        number: v.primaryPhoneNumber,
        callingCode: v.primaryPhoneCallingCode,
        countryCode: v.primaryPhoneCountryCode,
      });
    }
  });
});

describe('convertDate', () => {
  const date = (raw: string, format: DateFormat, timeZone?: string) =>
    convertDate(raw, timeZone === undefined ? { format, type: 'DATE' } : { format, timeZone, type: 'DATE' });
  const dateTime = (raw: string, format: DateFormat, timeZone?: string) =>
    convertDate(raw, timeZone === undefined ? { format, type: 'DATE_TIME' } : { format, timeZone, type: 'DATE_TIME' });

  it.each<[string, DateFormat, string]>([
    ['2024-03-09', 'YYYY-MM-DD', '2024-03-09'],
    ['2024-03-09 14:05:00', 'YYYY-MM-DD HH:mm:ss', '2024-03-09'],
    ['2024/03/09', 'YYYY/MM/DD', '2024-03-09'],
    ['09 Mar 2026', 'DD Mon YYYY', '2026-03-09'],
    ['09 March 2026', 'DD Mon YYYY', '2026-03-09'],
    ['2024-02-29', 'YYYY-MM-DD', '2024-02-29'],
    // day-first and month-first slashed formats: the column decides
    ['03/04/2026', 'MM/DD/YYYY', '2026-03-04'],
    ['03/04/2026', 'DD/MM/YYYY', '2026-04-03'],
    ['3/9/2026', 'MM/DD/YYYY', '2026-03-09'],
    ['3/9/2026', 'DD/MM/YYYY', '2026-09-03'],
    ['09.03.2026', 'DD/MM/YYYY', '2026-03-09'],
    ['3/9/2026 14:05', 'MM/DD/YYYY HH:mm', '2026-03-09'],
    // a value that proves its own order is read that way, whatever the column says
    ['25/04/2026', 'MM/DD/YYYY', '2026-04-25'],
    ['04/25/2026', 'DD/MM/YYYY', '2026-04-25'],
    ['05/05/2026', 'YYYY-MM-DD', '2026-05-05'],
    // another unambiguous shape than the column's
    ['2026-03-04', 'DD/MM/YYYY', '2026-03-04'],
    ['04 Mar 2026', 'MM/DD/YYYY', '2026-03-04'],
    // a DATE keeps the date as written, whatever the zone
    ['2024-03-09T23:30:00Z', 'YYYY-MM-DD', '2024-03-09'],
    [` 2024-03-09${NBSP}`, 'YYYY-MM-DD', '2024-03-09'],
  ])('DATE %j in %s → %s', (raw, format, expected) => expect(value(date(raw, format, NY))).toBe(expected));

  it.each<[string, DateFormat, string | undefined, string]>([
    // Kartra's date_joined: naive US-Eastern wall time
    ['2017-01-01 13:35:54', 'YYYY-MM-DD HH:mm:ss', NY, '2017-01-01T13:35:54-05:00'],
    ['2017-07-01 13:35:54', 'YYYY-MM-DD HH:mm:ss', NY, '2017-07-01T13:35:54-04:00'],
    // spring forward, 2024-03-10: 02:00 EST becomes 03:00 EDT
    ['2024-03-10 01:59:59', 'YYYY-MM-DD HH:mm:ss', NY, '2024-03-10T01:59:59-05:00'],
    ['2024-03-10 03:00:00', 'YYYY-MM-DD HH:mm:ss', NY, '2024-03-10T03:00:00-04:00'],
    // fall back, 2024-11-03: 01:00–01:59 happen twice; the first (daylight) reading is taken
    ['2024-11-03 00:59:59', 'YYYY-MM-DD HH:mm:ss', NY, '2024-11-03T00:59:59-04:00'],
    ['2024-11-03 01:30:00', 'YYYY-MM-DD HH:mm:ss', NY, '2024-11-03T01:30:00-04:00'],
    ['2024-11-03 02:00:00', 'YYYY-MM-DD HH:mm:ss', NY, '2024-11-03T02:00:00-05:00'],
    // the old US rule: DST began on the first Sunday of April in 2006
    ['2006-04-02 03:00:00', 'YYYY-MM-DD HH:mm:ss', NY, '2006-04-02T03:00:00-04:00'],
    ['2006-03-12 03:00:00', 'YYYY-MM-DD HH:mm:ss', NY, '2006-03-12T03:00:00-05:00'],
    // slashed date-times, 12-hour clock
    ['3/9/2026 14:05', 'MM/DD/YYYY HH:mm', NY, '2026-03-09T14:05:00-04:00'],
    ['9/3/2026 14:05', 'DD/MM/YYYY HH:mm', NY, '2026-03-09T14:05:00-04:00'],
    ['3/9/2026 2:05 PM', 'MM/DD/YYYY HH:mm', NY, '2026-03-09T14:05:00-04:00'],
    ['1/9/2026 12:05 AM', 'MM/DD/YYYY HH:mm', NY, '2026-01-09T00:05:00-05:00'],
    ['09 Mar 2026 14:05:00', 'DD Mon YYYY HH:mm:ss', NY, '2026-03-09T14:05:00-04:00'],
    // a date without a time is midnight in the zone
    ['2026-01-09', 'YYYY-MM-DD', NY, '2026-01-09T00:00:00-05:00'],
    ['2026-03-09', 'YYYY-MM-DD', NY, '2026-03-09T00:00:00-04:00'],
    // no zone set: UTC
    ['2017-01-01 13:35:54', 'YYYY-MM-DD HH:mm:ss', undefined, '2017-01-01T13:35:54+00:00'],
    ['2017-01-01 13:35:54', 'YYYY-MM-DD HH:mm:ss', 'Asia/Kolkata', '2017-01-01T13:35:54+05:30'],
    // an offset in the value is the instant; the column's zone only writes it
    ['2024-07-01T12:00:00Z', 'YYYY-MM-DD HH:mm:ss', NY, '2024-07-01T08:00:00-04:00'],
    ['2024-07-01T12:00:00.250+02:00', 'YYYY-MM-DD HH:mm:ss', undefined, '2024-07-01T10:00:00.250+00:00'],
    // before 1883 New York kept local mean time (-4:56:02): written in UTC rather than moved by two seconds
    ['1880-01-01 13:35:54', 'YYYY-MM-DD HH:mm:ss', NY, '1880-01-01T18:31:56+00:00'],
    // Kartra's IPN: "… EST" means the account's Eastern time, summer included
    ['2024-07-01 12:00:00 EST', 'YYYY-MM-DD HH:mm:ss', undefined, '2024-07-01T12:00:00-04:00'],
    ['2024-01-01 12:00:00 EST', 'YYYY-MM-DD HH:mm:ss', 'UTC', '2024-01-01T17:00:00+00:00'],
  ])('DATE_TIME %j in %s, zone %s → %s', (raw, format, timeZone, expected) => {
    const out = value(dateTime(raw, format, timeZone));
    expect(out).toBe(expected);
    expect(Number.isNaN(Date.parse(out))).toBe(false);
  });

  it.each<[string, DateFormat, string | undefined, RegExp]>([
    ['2024-03-10 02:30:00', 'YYYY-MM-DD HH:mm:ss', NY, /02:30 on 2024-03-10 does not exist in America\/New_York/],
    ['2024-03-10 02:00:00', 'YYYY-MM-DD HH:mm:ss', NY, /does not exist/],
    ['03/04/2026', 'YYYY-MM-DD', NY, /03\/04 could be 3 April or 4 March/],
    ['3/9/26', 'MM/DD/YYYY', NY, /two digits/],
    ['0000-00-00 00:00:00', 'YYYY-MM-DD HH:mm:ss', NY, /0000-00-00/],
    ['0000-00-00', 'YYYY-MM-DD', NY, /no date/],
    ['N/A', 'DD/MM/YYYY', NY, /^not a date in the format DD\/MM\/YYYY$/],
    ['', 'YYYY-MM-DD', NY, /no date/],
    ['2023-02-29', 'YYYY-MM-DD', NY, /not a date/],
    ['31/04/2026', 'DD/MM/YYYY', NY, /not a date/],
    ['2024-01-01 25:00:00', 'YYYY-MM-DD HH:mm:ss', NY, /not a date/],
    ['3/9/2026 13:05 PM', 'MM/DD/YYYY HH:mm', NY, /12-hour clock/],
    ['45123', 'YYYY-MM-DD', NY, /not a date/],
    ['Mar 9, 2026', 'DD Mon YYYY', NY, /not a date/],
    ['2024-01-01 10:00:00', 'YYYY-MM-DD HH:mm:ss', 'Mars/Olympus', /unknown time zone/],
    ['0999-01-01', 'YYYY-MM-DD', NY, /year 999/],
  ])('%j in %s is refused', (raw, format, timeZone, expected) => {
    expect(problemOf(dateTime(raw, format, timeZone))).toMatch(expected);
  });

  it('reads any Eastern wall time back to that wall time, with the offset in force at the instant', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2037, 11, 31) }), (ms) => {
        const instant = Math.floor(ms / 1000) * 1000;
        const wall = new TZDate(instant, NY);
        const p = (n: number, w = 2) => String(n).padStart(w, '0');
        const text = `${p(wall.getFullYear(), 4)}-${p(wall.getMonth() + 1)}-${p(wall.getDate())} ${p(wall.getHours())}:${p(wall.getMinutes())}:${p(wall.getSeconds())}`;
        const out = value(dateTime(text, 'YYYY-MM-DD HH:mm:ss', NY));
        expect(out.slice(0, 19)).toBe(text.replace(' ', 'T'));
        const read = Date.parse(out);
        const offset = tzOffset(NY, new Date(read));
        const sign = offset < 0 ? '-' : '+';
        expect(out.slice(19)).toBe(`${sign}${p(Math.floor(Math.abs(offset) / 60))}:${p(Math.abs(offset) % 60)}`);
        // the same instant, except the repeated fall-back hour, which reads as its first (daylight) occurrence
        expect([0, 3_600_000]).toContain(instant - read);
      }),
    );
  });
});

describe('convertMoney', () => {
  it.each<[string, string | undefined, number, string]>([
    ['$1,234.50', undefined, 1_234_500_000, 'USD'],
    ['1,234.50', undefined, 1_234_500_000, 'USD'],
    ['1.234,50 €', undefined, 1_234_500_000, 'EUR'],
    [`1${NBSP}234,50${NBSP}€`, undefined, 1_234_500_000, 'EUR'],
    ['€1.234,50', 'USD', 1_234_500_000, 'EUR'],
    ["CHF 1'234.50", undefined, 1_234_500_000, 'CHF'],
    ['USD 1,234.00', undefined, 1_234_000_000, 'USD'],
    ['12.50 usd', 'EUR', 12_500_000, 'USD'],
    ['£49', undefined, 49_000_000, 'GBP'],
    ['49.00', 'GBP', 49_000_000, 'GBP'],
    ['$49', 'CAD', 49_000_000, 'CAD'],
    ['$49', 'EUR', 49_000_000, 'USD'],
    ['C$49', undefined, 49_000_000, 'CAD'],
    ['¥1,234', undefined, 1_234_000_000, 'JPY'],
    ['¥1,234', 'CNY', 1_234_000_000, 'CNY'],
    ['kr 100', 'SEK', 100_000_000, 'SEK'],
    ['KRW 100', undefined, 100_000_000, 'KRW'],
    ['$0', undefined, 0, 'USD'],
    ['0.125', undefined, 125_000, 'USD'],
    ['12,5', undefined, 12_500_000, 'USD'],
    ['1,234,567.891', undefined, 1_234_567_891_000, 'USD'],
    ['1.234.567,891', undefined, 1_234_567_891_000, 'USD'],
    // a lone separator before three digits groups thousands in a two-decimal currency
    ['1,234', undefined, 1_234_000_000, 'USD'],
    ['1.234 €', undefined, 1_234_000_000, 'EUR'],
    ['1234.567', undefined, 1_234_567_000, 'USD'],
    // negative amounts (Kartra writes refunds negative)
    ['-12.5', undefined, -12_500_000, 'USD'],
    ['-49.00', undefined, -49_000_000, 'USD'],
    ['(12.50)', undefined, -12_500_000, 'USD'],
    ['($1,234.50)', undefined, -1_234_500_000, 'USD'],
    ['$(1,234.50)', undefined, -1_234_500_000, 'USD'],
    ['(12.50) EUR', undefined, -12_500_000, 'EUR'],
    ['EUR (12.50)', undefined, -12_500_000, 'EUR'],
    ['$12.50 USD', undefined, 12_500_000, 'USD'],
    ['-$12.50', undefined, -12_500_000, 'USD'],
    ['$-12.50', undefined, -12_500_000, 'USD'],
    ['\u221212.50 €', undefined, -12_500_000, 'EUR'],
    ['-0.00', undefined, 0, 'USD'],
    ['+12.50', undefined, 12_500_000, 'USD'],
    // huge, at the edge of what a JavaScript number holds exactly
    ['9007199254.740991', undefined, Number.MAX_SAFE_INTEGER, 'USD'],
    ['-9,007,199,254.740991', undefined, -Number.MAX_SAFE_INTEGER, 'USD'],
    ['0.000001', undefined, 1, 'USD'],
  ])('%j (default %s) → %d %s', (raw, defaultCurrency, amountMicros, currencyCode) => {
    const out = value(convertMoney(raw, defaultCurrency));
    expect(out).toEqual({ amountMicros, currencyCode });
    expect(Object.is(out.amountMicros, -0)).toBe(false);
  });

  it.each<[string, string | undefined, RegExp]>([
    ['9007199254.740992', undefined, /too large/],
    ['1,000,000,000,000', undefined, /too large/],
    ['1.2345678', undefined, /six decimal places/],
    ['5.55E+09', undefined, /scientific notation/],
    ['kr 100', undefined, /SEK, NOK, DKK, ISK/],
    ['1,234', 'KWD', /could be 1234 or 1.234/],
    ['$12 EUR', undefined, /two different currencies/],
    ['(-12.50)', undefined, /both parentheses and a sign/],
    ['-(12.50)', undefined, /both parentheses and a sign/],
    ['((12.50))', undefined, /not an amount/],
    ['12', 'DOLLARS', /not an ISO 4217 code/],
    ['12', 'XYZ', /not an ISO 4217 code/],
    ['abc', undefined, /not an amount/],
    ['$', undefined, /not an amount/],
    ['12 apples', undefined, /not an amount/],
    ['1,2,3', undefined, /not thousands/],
    ['1,234.56.7', undefined, /do not agree/],
    ['12..5', undefined, /not an amount/],
    ['--12', undefined, /not an amount/],
    ['', undefined, /no amount/],
  ])('%j (default %s) is refused', (raw, defaultCurrency, expected) => {
    expect(problemOf(convertMoney(raw, defaultCurrency))).toMatch(expected);
  });

  const amounts = fc
    .tuple(fc.bigInt({ min: 0n, max: 9_007_199_253n }), fc.integer({ min: 0, max: 6 }), fc.bigInt({ min: 0n, max: 999_999n }), fc.boolean())
    .map(([units, places, fraction, negative]) => {
      const decimals = places === 0 ? '' : String(fraction).padStart(6, '0').slice(0, places);
      const micros = (units * 1_000_000n + BigInt(decimals.padEnd(6, '0'))) * (negative ? -1n : 1n);
      return { units: String(units), decimals, negative, micros };
    });

  it('reads a generated plain decimal string exactly (decimal.js, no float on the way)', () => {
    fc.assert(
      fc.property(amounts, ({ units, decimals, negative, micros }) => {
        // "1.234" alone groups thousands in a two-decimal currency; the grouped test below covers those amounts
        fc.pre(!(decimals.length === 3 && /^[1-9]\d{0,2}$/.test(units)));
        const text = `${negative ? '-' : ''}${units}${decimals === '' ? '' : `.${decimals}`}`;
        expect(convertMoney(text)).toEqual({ ok: true, value: { amountMicros: Number(micros), currencyCode: 'USD' } });
      }),
    );
  });

  it('reads the same amount written in English or continental style, with a sign, parentheses or a code', () => {
    const group = (digits: string, separator: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
    fc.assert(
      fc.property(amounts, fc.constantFrom('en', 'de', 'fr', 'ch'), fc.constantFrom('minus', 'parentheses'), (a, style, negativeAs) => {
        const [thousands, point] = { en: [',', '.'], de: ['.', ','], fr: [NBSP, ','], ch: ["'", '.'] }[style] as [string, string];
        const body = `${group(a.units, thousands)}${a.decimals === '' ? '' : `${point}${a.decimals}`}`;
        // "12.345" has no thousands to group, so its lone separator groups them (see the table above)
        fc.pre(!(a.decimals.length === 3 && /^[1-9]\d{0,2}$/.test(a.units)));
        const signed = !a.negative ? body : negativeAs === 'minus' ? `-${body}` : `(${body})`;
        expect(convertMoney(`${signed} EUR`)).toEqual({ ok: true, value: { amountMicros: Number(a.micros), currencyCode: 'EUR' } });
      }),
    );
  });
});

describe('convertNumber', () => {
  it.each<[string, number]>([
    ['42', 42],
    ['-42', -42],
    ['+42', 42],
    ['3.14', 3.14],
    ['0.1', 0.1],
    ['.5', 0.5],
    ['1,234', 1234],
    ['1,234.5', 1234.5],
    ['1.234,5', 1234.5],
    ['1 234 567', 1_234_567],
    ['12,5', 12.5],
    ['1.234', 1.234],
    ['-0', 0],
    [` 42${NBSP}`, 42],
    ["'0042", 42],
    ['9007199254740992', 9007199254740992],
  ])('%j → %d', (raw, expected) => expect(value(convertNumber(raw))).toBe(expected));

  it.each<[string, RegExp]>([
    ['12%', /percentage/],
    ['5.55123E+09', /scientific notation/],
    ['9007199254740993', /more digits than a number field can hold exactly/],
    ['12345678901234567891', /more digits/],
    ['0.12345678901234567', /more digits/],
    ['$12', /not a number/],
    ['twelve', /not a number/],
    ['1e3', /not a number/],
    ['Infinity', /not a number/],
    ['1-2', /not a number/],
    ['', /no number/],
  ])('%j is refused', (raw, expected) => expect(problemOf(convertNumber(raw))).toMatch(expected));

  it('reads back any double written without an exponent', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        const text = String(n);
        fc.pre(!/e/i.test(text));
        expect(convertNumber(text)).toEqual({ ok: true, value: n === 0 ? 0 : n });
      }),
    );
  });
});

describe('convertBoolean', () => {
  it.each(['yes', 'Yes', 'YES', 'y', 'true', 'TRUE', '1', 'on', 'oui', 'ja', 'sí', 'si', 'checked', ` Yes${NBSP}`])('%j → true', (raw) =>
    expect(value(convertBoolean(raw))).toBe(true),
  );
  it.each(['no', 'No', 'n', 'false', 'FALSE', '0', 'off', 'non', 'nein', 'unchecked'])('%j → false', (raw) =>
    expect(value(convertBoolean(raw))).toBe(false),
  );
  it.each(['maybe', '2', 'yes!', 't', '', 'N/A'])('%j is refused', (raw) => expect(problemOf(convertBoolean(raw))).toBe('not a yes/no value'));
});

describe('convertLink', () => {
  it.each([
    ['example.com', 'https://example.com'],
    ['www.example.com', 'https://www.example.com'],
    ['WWW.Example.COM/Path/', 'https://www.example.com/Path'],
    ['HTTP://Example.com/', 'http://example.com'],
    ['https://Example.com/A/B/?q=Yes#Top', 'https://example.com/A/B/?q=Yes#Top'],
    ['https://x.com/a//', 'https://x.com/a'],
    ['http://a.co/#', 'http://a.co'],
    ['http://a.co/?#/', 'http://a.co'],
    ['//cdn.example.com/x', 'https://cdn.example.com/x'],
    ['linkedin.com/in/ana-lopez', 'https://linkedin.com/in/ana-lopez'],
    ['https://example.com:8080/', 'https://example.com:8080'],
    ['münchen.de', 'https://xn--mnchen-3ya.de'],
    [` https://example.com${ZWSP}${NBSP}`, 'https://example.com'],
  ])('%j → %j', (raw, expected) => expect(value(convertLink(raw))).toBe(expected));

  it.each([
    ['javascript:alert(1)', /only http and https/],
    ['JavaScript:alert(1)', /only http and https/],
    ['data:text/html,hi', /only http and https/],
    ['mailto:ann@example.com', /an email address/],
    ['ftp://example.com', /only http and https/],
    ['ann@example.com', /an email address/],
    ['@ann_lopez', /a handle/],
    ['not a url', /spaces/],
    ['https://exa mple.com', /spaces/],
    ['localhost:3000', /no domain name/],
    ['http://192.168.0.1', /no domain name/],
    ['https://', /not a link/],
    ['http://user:secret@example.com', /user name or password/],
    ['', /no link/],
  ])('%j is refused', (raw, expected) => expect(problemOf(convertLink(raw))).toMatch(expected));

  it('gives what Twenty’s own URL normalisation keeps unchanged, and converts its own output to itself', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.boolean(), (url, shout) => {
        const r = convertLink(shout ? url.replace(/^https?:\/\/[^/]+/, (origin) => origin.toUpperCase()) : url);
        if (!r.ok) return;
        expect(normalizeUrl(r.value)).toBe(r.value);
        expect(convertLink(r.value)).toEqual(r);
      }),
    );
  });
});

describe('convertCountry', () => {
  it.each<[string, string, string]>([
    ['USA', 'United States', 'US'],
    ['U.S.', 'United States', 'US'],
    ['U.S.A.', 'United States', 'US'],
    ['United States of America', 'United States', 'US'],
    ['us', 'United States', 'US'],
    ['united kingdom', 'United Kingdom', 'GB'],
    ['UK', 'United Kingdom', 'GB'],
    ['England', 'United Kingdom', 'GB'],
    ['DE', 'Germany', 'DE'],
    ['DEU', 'Germany', 'DE'],
    ['Deutschland', 'Germany', 'DE'],
    ['Allemagne', 'Germany', 'DE'],
    ['España', 'Spain', 'ES'],
    ['Russian Federation', 'Russia', 'RU'],
    [`  France${NBSP}`, 'France', 'FR'],
    // Twenty's own names read back
    ['Congo - Kinshasa', 'Congo - Kinshasa', 'CD'],
    ['Côte d’Ivoire', 'Côte d’Ivoire', 'CI'],
  ])('%j → %j / %j', (raw, name, iso2) => {
    expect(value(convertCountry(raw, 'name'))).toBe(name);
    expect(value(convertCountry(raw, 'iso2'))).toBe(iso2);
  });

  it.each(['Narnia', 'XX', '', '12'])('%j is refused', (raw) => {
    expect(convertCountry(raw, 'name').ok).toBe(false);
    expect(convertCountry(raw, 'iso2').ok).toBe(false);
  });
});

describe('optionFor and convertMultiSelect', () => {
  const options = planOptions(['VIP', 'vip', 'V.I.P.', 'Gold Member', 'Coaching & Consulting', '2024 launch']);
  const vip = options.find((o) => o.label === 'VIP')!.value;

  it('plans the options these tests read', () => {
    expect(options.map((o) => o.value)).toEqual(['VIP', 'GOLD_MEMBER', 'COACHING_CONSULTING', 'OPTION_2024_LAUNCH']);
  });

  it.each<[string, string | undefined]>([
    ['VIP', vip],
    ['vip', vip],
    [' V.I.P. ', vip],
    [`Gold${NBSP}Member`, 'GOLD_MEMBER'],
    ['coaching & consulting', 'COACHING_CONSULTING'],
    ['GOLD_MEMBER', 'GOLD_MEMBER'],
    ['option_2024_launch', 'OPTION_2024_LAUNCH'],
    ['Platinum', undefined],
    ['', undefined],
  ])('optionFor(%j) = %s', (raw, expected) => expect(optionFor(raw, options)).toBe(expected));

  it('prefers an option whose export spelling matches over another whose label does', () => {
    const crossed = [
      { value: 'A', label: 'Beta', sources: ['Alpha'] },
      { value: 'B', label: 'Alpha', sources: ['Beta'] },
    ];
    expect(optionFor('alpha', crossed)).toBe('A');
    expect(optionFor('B', crossed)).toBe('B');
  });

  it.each<[string, ';' | ',' | '|', string[], string[]]>([
    ['VIP;Gold Member', ';', ['VIP', 'GOLD_MEMBER'], []],
    ['VIP; vip ;V.I.P.;', ';', ['VIP'], []],
    ['Gold Member, Platinum ,platinum', ',', ['GOLD_MEMBER'], ['Platinum']],
    ['Coaching & Consulting|2024 launch|New', '|', ['COACHING_CONSULTING', 'OPTION_2024_LAUNCH'], ['New']],
    ['VIP;Gold Member', ',', [], ['VIP;Gold Member']],
    [` ;;${NBSP}; `, ';', [], []],
    ['', ';', [], []],
  ])('convertMultiSelect(%j, %j)', (raw, separator, values, unknown) => {
    expect(convertMultiSelect(raw, separator, options)).toEqual({ values, unknown });
  });
});

describe('splitFullName', () => {
  it.each<[string, string, string]>([
    ['Ana López', 'Ana', 'López'],
    ['Ana María López', 'Ana María', 'López'],
    ['López, Ana', 'Ana', 'López'],
    ['López García, Ana María', 'Ana María', 'López García'],
    ['Madonna', 'Madonna', ''],
    ['  Ana   López ', 'Ana', 'López'],
    [`Ana${NBSP}López`, 'Ana', 'López'],
    ['Ludwig van Beethoven', 'Ludwig', 'van Beethoven'],
    ['Jean de la Fontaine', 'Jean', 'de la Fontaine'],
    ['Robert De Niro', 'Robert', 'De Niro'],
    ['Van Morrison', 'Van', 'Morrison'],
    ['Martin Luther King Jr.', 'Martin Luther', 'King Jr.'],
    ['John Smith, Jr.', 'John', 'Smith, Jr.'],
    ['J. R. R. Tolkien', 'J. R. R.', 'Tolkien'],
    ['山田 太郎', '太郎', '山田'],
    ['Ана Иванова', 'Ана', 'Иванова'],
    ['Ana,', 'Ana', ''],
    [', Ana', 'Ana', ''],
    ['', '', ''],
  ])('%j → %j + %j', (raw, firstName, lastName) => expect(splitFullName(raw)).toEqual({ firstName, lastName }));

  it('keeps every word of the name, in order', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[A-Za-zÀ-ÿ.'-]{1,12}$/), { maxLength: 6 }), (words) => {
        const { firstName, lastName } = splitFullName(words.join(' '));
        expect([firstName, lastName].filter((p) => p !== '').join(' ')).toBe(words.join(' '));
      }),
    );
  });
});

describe('every converter, on any input', () => {
  const anyCell = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.constantFrom(NBSP, ZWSP, '(', '$', '-', '.', ','));

  it('returns a value or a one-line problem and never throws', () => {
    fc.assert(
      fc.property(anyCell, (raw) => {
        const results: Converted<unknown>[] = [
          convertEmail(raw),
          convertPhone(raw, { callingCode: raw, country: raw, defaultCountry: raw }),
          convertDate(raw, { format: 'MM/DD/YYYY HH:mm', timeZone: NY, type: 'DATE_TIME' }),
          convertDate(raw, { format: 'YYYY-MM-DD', type: 'DATE' }),
          convertMoney(raw, raw),
          convertMoney(raw),
          convertNumber(raw),
          convertBoolean(raw),
          convertLink(raw),
          convertCountry(raw, 'name'),
        ];
        for (const r of results) if (!r.ok) expect(r.problem).toMatch(/^[^\n]+$/);
        emptyCell(raw);
        splitFullName(raw);
        optionFor(raw, []);
        convertMultiSelect(raw, '|', []);
      }),
    );
  });

  it('treats a cell missing from a short row as empty rather than throwing', () => {
    const missing = undefined as unknown as string;
    expect(emptyCell(missing)).toBe(true);
    expect(convertEmail(missing).ok).toBe(false);
    expect(splitFullName(missing)).toEqual({ firstName: '', lastName: '' });
  });
});
