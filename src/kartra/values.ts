/**
 * Tests on single cell values, shared by the profiler, the findings and (later) the transform. Each takes the value
 * already trimmed. The exact rules are the ones src/kartra/findings.ts documents.
 */

/** No white space, control character (ESC, NUL) or format character (a direction override, a zero-width space). */
const EMAIL = /^[^\s@\p{Cc}\p{Cf}]+@[^\s@\p{Cc}\p{Cf}]+\.[^\s@\p{Cc}\p{Cf}]{2,}$/u;
/** Invisible characters the import drops from a typed value (src/migration/values.ts cleanToken). */
const DROPPED_INVISIBLES = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;
const PLACEHOLDERS = new Set(['n/a', '#n/a', 'null']);
const EXCEL_SCIENTIFIC = /^\d(\.\d+)?E\+\d+$/i;
const SIGNED_NUMBER_OR_PHONE = /^[+-][\d\s().,/-]*$/;
const MOJIBAKE = /Ã[\u0080-\u00bf]|â€/;
const URL = /^(https?:\/\/|www\.)[^\s]+\.[^\s]+$/i;
const NUMBER = /^-?\d+(\.\d+)?$/;
const MONEY = /^-?[$€£]?\s?-?\d{1,3}(,\d{3})*(\.\d{1,2})?$|^-?[$€£]\s?-?\d+(\.\d{1,2})?$/;
const BOOLEAN_WORDS = new Set(['yes', 'no', 'true', 'false', 'y', 'n', 'on', 'off']);

export const isEmail = (v: string): boolean => EMAIL.test(v);
/**
 * An email cell as the import will read it: without the zero-width characters it drops, the apostrophe a spreadsheet
 * puts before text, and "mailto:". The reader judges and deduplicates this form, so "ann\u200B@example.com" is the
 * lead ann@example.com (and a duplicate of it), as the import will find, not a different address.
 */
export function emailAsImported(v: string): string {
  return v.replace(DROPPED_INVISIBLES, '').trim().replace(/^'/, '').replace(/^mailto:/i, '').trim();
}
/** N/A, #N/A, NULL: how Kartra's IPN and spreadsheets write "no value". */
export const isPlaceholder = (v: string): boolean => v.length <= 4 && PLACEHOLDERS.has(v.toLowerCase());
export const isExcelScientific = (v: string): boolean => EXCEL_SCIENTIFIC.test(v);
export const isZeroDate = (v: string): boolean => v.startsWith('0000-00-00');
export const hasMojibake = (v: string): boolean => MOJIBAKE.test(v);
export const isUrl = (v: string): boolean => URL.test(v);
export const isNumber = (v: string): boolean => NUMBER.test(v);
/** "$1,234.00", "1,234.50", "-€12": amounts a number column would not accept. */
export const isMoney = (v: string): boolean => MONEY.test(v);
export const isBooleanWord = (v: string): boolean => v.length <= 5 && BOOLEAN_WORDS.has(v.toLowerCase());

/**
 * A cell a spreadsheet would run as a formula: -49.00 and +1 are numbers, =HYPERLINK(...) and @handle are not. The
 * full-width ＝ ＋ － ＠ count as their ASCII forms: Numbers folds them (src/migration/rejects.ts neutralises them too).
 */
export function isFormulaLike(v: string): boolean {
  const first = v.charCodeAt(0);
  if (first === 61 /* = */ || first === 64 /* @ */ || first === 0xff1d /* ＝ */ || first === 0xff20 /* ＠ */) return true;
  if (first === 43 /* + */ || first === 45 /* - */) return !SIGNED_NUMBER_OR_PHONE.test(v);
  if (first === 0xff0b /* ＋ */ || first === 0xff0d /* － */) return !SIGNED_NUMBER_OR_PHONE.test(`-${v.slice(1)}`);
  return false;
}

/** Length as a person counts it (code points): an emoji is one character, not two. */
export function characterCount(v: string): number {
  if (v.length <= 255) return v.length; // cheap path: code points never outnumber UTF-16 units
  let count = 0;
  for (const _ of v) count++;
  return count;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * Phone-shaped: digits with the punctuation people type, 6 to 20 digits, no letters except an extension mark.
 * An IPv4 address (Kartra's `ip` column) has the same characters but is not a phone.
 */
export function isPhoneShaped(v: string): boolean {
  if (!/^[+\d(][\d\s().\-/]*(\s*(x|ext\.?)\s*\d+)?$/i.test(v) || IPV4.test(v)) return false;
  const digits = v.replace(/\D/g, '').length;
  return digits >= 6 && digits <= 20;
}
