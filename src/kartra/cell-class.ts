import { isCountry } from './countries.js';
import { matchDate, type DateShape } from './dates.js';
import type { FindingCode } from './findings.js';
import {
  characterCount,
  hasMojibake,
  isBooleanWord,
  isEmail,
  isExcelScientific,
  isFormulaLike,
  isMoney,
  isNumber,
  isPhoneShaped,
  isPlaceholder,
  isUrl,
  isZeroDate,
} from './values.js';

/**
 * What one cell value looks like, as bits: evidence of its type for the column profile, and the findings that are
 * about the cell alone. One function decides both so that a value repeated down a column (a country, a tag set, a
 * source) is classified once and then looked up.
 */
export const EMAIL = 1 << 0;
export const PHONE = 1 << 1;
export const URL = 1 << 2;
export const NUMBER = 1 << 3;
export const MONEY = 1 << 4;
export const BOOLEAN = 1 << 5;
export const COUNTRY = 1 << 6;
export const DATE = 1 << 7;
export const FIRST_OVER_12 = 1 << 8;
export const SECOND_OVER_12 = 1 << 9;
export const PHONE_PUNCTUATED = 1 << 10;
/** A number with a decimal part: "49.00". */
export const DECIMAL = 1 << 11;
const SHAPE_SHIFT = 12; // bits 12..14: the date shape's index in DATE_SHAPES
export const TYPE_EVIDENCE = (1 << 15) - 1;

export const PLACEHOLDER = 1 << 16;
export const ZERO_DATE = 1 << 17;
const EXCEL_SCIENTIFIC = 1 << 18;
const FORMULA_LIKE = 1 << 19;
const OVER_255 = 1 << 20;
const MOJIBAKE = 1 << 21;
const INVALID_UTF8 = 1 << 22;

/** The cell findings, by the bit that carries each. */
export const CELL_FINDINGS: ReadonlyArray<readonly [number, FindingCode]> = [
  [PLACEHOLDER, 'placeholder'],
  [ZERO_DATE, 'zero_date'],
  [EXCEL_SCIENTIFIC, 'excel_scientific'],
  [FORMULA_LIKE, 'formula_like'],
  [OVER_255, 'over_255'],
  [MOJIBAKE, 'mojibake'],
  [INVALID_UTF8, 'invalid_utf8'],
];
export const ANY_CELL_FINDING = CELL_FINDINGS.reduce((all, [bit]) => all | bit, 0);

export const DATE_SHAPES: readonly DateShape[] = [
  'YYYY-MM-DD',
  'YYYY-MM-DD HH:mm:ss',
  'YYYY/MM/DD',
  'slash-date',
  'slash-datetime',
  'DD Mon YYYY',
  'DD Mon YYYY HH:mm:ss',
];

export function dateShapeOf(bits: number): DateShape {
  return DATE_SHAPES[(bits >> SHAPE_SHIFT) & 7]!;
}

/** Classifies a trimmed, non-empty value. A placeholder or a zero date is only that: it carries no type evidence. */
export function classifyCell(v: string): number {
  if (isPlaceholder(v)) return PLACEHOLDER;
  if (isZeroDate(v)) return ZERO_DATE;
  let bits = typeEvidence(v);
  if (isExcelScientific(v)) bits |= EXCEL_SCIENTIFIC;
  if (isFormulaLike(v)) bits |= FORMULA_LIKE;
  if (v.length > 255 && characterCount(v) > 255) bits |= OVER_255;
  if (hasMojibake(v)) bits |= MOJIBAKE;
  if (v.includes('\uFFFD')) bits |= INVALID_UTF8; // where the decoder met bytes that were not UTF-8
  return bits;
}

function typeEvidence(v: string): number {
  if (v.includes('@')) return isEmail(v) ? EMAIL : 0;
  if (isUrl(v)) return URL;
  const date = matchDate(v);
  if (date) {
    let bits = DATE | (DATE_SHAPES.indexOf(date.shape) << SHAPE_SHIFT);
    if ((date.first ?? 0) > 12) bits |= FIRST_OVER_12;
    if ((date.second ?? 0) > 12) bits |= SECOND_OVER_12;
    return bits;
  }
  let bits = 0;
  if (isNumber(v)) bits |= v.includes('.') ? NUMBER | DECIMAL : NUMBER;
  if (isMoney(v)) bits |= MONEY;
  if (isBooleanWord(v) || v === '0' || v === '1') bits |= BOOLEAN;
  // "1997.00" has phone-like digits, but a number with a decimal part is never a phone.
  if (isPhoneShaped(v) && (bits & DECIMAL) === 0) {
    bits |= PHONE;
    if (!/^\d+$/.test(v)) bits |= PHONE_PUNCTUATED;
  }
  if (bits === 0 && isCountry(v)) bits |= COUNTRY;
  return bits;
}
