import { FINDING_CODES, type FindingCode } from '../kartra/findings.js';

/**
 * The finding rules of src/kartra/findings.ts, applied to the cells the generator writes, as they are written.
 * This is the generator's ground truth: it counts what it put in the files, never what a reader makes of them.
 */

export type FindingCounts = Record<FindingCode, number>;

export const FINDING_CODE_LIST = Object.keys(FINDING_CODES) as FindingCode[];

export function emptyCounts(): FindingCounts {
  return Object.fromEntries(FINDING_CODE_LIST.map((code) => [code, 0])) as FindingCounts;
}

export function addCounts(into: FindingCounts, from: FindingCounts): void {
  for (const code of FINDING_CODE_LIST) into[code] += from[code];
}

const PLACEHOLDERS = new Set(['N/A', 'n/a', '#N/A', 'NULL', 'null']);
const US_NAMES = new Set(['united states', 'us', 'usa', 'united states of america']);
const EXCEL_SCIENTIFIC = /^\d(\.\d+)?E\+\d+$/i;
const SIGNED_NUMBER = /^[+-][\d\s().,/-]*$/;
const MOJIBAKE = /Ã[\u0080-\u00BF]|â€/;
const ACCEPTED_DATES = [
  /^\d{4}-\d{2}-\d{2}$/,
  /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?$/,
  /^\d{1,2}\/\d{1,2}\/\d{4}( \d{1,2}:\d{2}(:\d{2})?)?$/,
  /^\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}( \d{2}:\d{2}:\d{2})?$/,
  /^\d{4}\/\d{2}\/\d{2}$/,
];

export function isPlaceholder(value: string): boolean {
  return PLACEHOLDERS.has(value.trim());
}

export function isValidEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/.test(value.trim());
}

export function isMissingEmail(value: string): boolean {
  return value.trim() === '' || isPlaceholder(value);
}

/** Which columns the per-column rules look at, by position in the header. */
export interface ColumnRoles {
  dates: ReadonlySet<number>;
  zip?: number;
  country?: number;
}

function isAcceptedDate(value: string): boolean {
  return ACCEPTED_DATES.some((re) => re.test(value));
}

/**
 * Adds the cell findings of one row; `record`, when given, is the same row as CSV text. This runs on every cell of
 * millions of rows, so each rule is guarded by a cheap test of the first character or the length.
 */
export function countCellFindings(cells: readonly string[], roles: ColumnRoles, counts: FindingCounts, record?: string): void {
  // `record` is the row as written: garbling that is in a cell is in it, so one scan clears most rows.
  const mayBeGarbled = record === undefined || MOJIBAKE.test(record);
  for (let i = 0; i < cells.length; i++) {
    const raw = cells[i]!;
    const length = raw.length;
    if (length === 0) continue;
    const value = raw.charCodeAt(0) <= 32 || raw.charCodeAt(length - 1) <= 32 ? raw.trim() : raw;
    if (value === '') continue;
    const placeholder = value.length <= 4 && PLACEHOLDERS.has(value);
    if (placeholder) counts.placeholder++;
    const first = value.charCodeAt(0);
    let zero = false;
    if (first >= 48 && first <= 57) {
      if (value.length >= 5 && value.indexOf('+') > 0 && EXCEL_SCIENTIFIC.test(value)) counts.excel_scientific++;
      zero = first === 48 && value.startsWith('0000-00-00');
      if (zero) counts.zero_date++;
    } else if ((first === 61 || first === 43 || first === 45 || first === 64) && !SIGNED_NUMBER.test(value)) {
      counts.formula_like++;
    }
    if (length > 255 && [...raw].length > 255) counts.over_255++;
    if (mayBeGarbled && MOJIBAKE.test(raw)) counts.mojibake++;
    if (roles.dates.has(i) && !placeholder && !zero && !isAcceptedDate(value)) counts.unparseable_date++;
  }
  if (roles.zip !== undefined && roles.country !== undefined) {
    const zip = (cells[roles.zip] ?? '').trim();
    if (zip.length === 4 && /^\d{4}$/.test(zip) && US_NAMES.has((cells[roles.country] ?? '').trim().toLowerCase())) counts.zip_lost_zero++;
  }
}

/** Column roles from a header given as logical (API) keys. */
export function rolesFor(keys: readonly string[], dateKeys: readonly string[], zipKey?: string, countryKey?: string): ColumnRoles {
  const at = (key: string | undefined): number | undefined => {
    const i = key === undefined ? -1 : keys.indexOf(key);
    return i < 0 ? undefined : i;
  };
  const dates = new Set<number>();
  for (const key of dateKeys) {
    const i = at(key);
    if (i !== undefined) dates.add(i);
  }
  const roles: ColumnRoles = { dates };
  const zip = at(zipKey);
  const country = at(countryKey);
  if (zip !== undefined) roles.zip = zip;
  if (country !== undefined) roles.country = country;
  return roles;
}
