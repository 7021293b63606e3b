/**
 * Builders for Twenty's REST `filter` parameter (twenty-api.md §1, Find): `field[.subfield][comparator]:value`,
 * combined with `and(...)`, `or(...)`, `not(...)`. Values are double-quoted.
 *
 * Twenty's parser has sharp edges, so these builders refuse what it would misread: `in` lists are split naively on
 * commas (a value with a comma would break in two), and quotes inside values are stripped. `where()` always wraps
 * in `and(...)` because Twenty adds its default conjunction only when the string has no parentheses, so a value
 * such as `Acme (US)` would otherwise be misparsed.
 */
import { TwentyConfigError } from './errors.js';

export type Comparator =
  | 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte'
  | 'startsWith' | 'endsWith' | 'like' | 'ilike';

export type FilterValue = string | number | boolean;

const FIELD_PATH = /^[a-zA-Z][a-zA-Z0-9]*(\.[a-zA-Z][a-zA-Z0-9]*)?$/;

function checkField(field: string): void {
  if (!FIELD_PATH.test(field)) throw new TwentyConfigError(`"${field.slice(0, 80)}" is not a field name usable in a Twenty filter.`);
}

function quote(value: FilterValue): string {
  if (typeof value !== 'string') return String(value);
  if (value.includes('"')) {
    throw new TwentyConfigError('A Twenty filter value cannot contain a double quote (Twenty strips quotes from filter values).');
  }
  return `"${value}"`;
}

/** `field[comparator]:"value"`, e.g. `compare('emails.primaryEmail', 'eq', 'ada@example.com')`. */
export function compare(field: string, comparator: Comparator, value: FilterValue): string {
  checkField(field);
  return `${field}[${comparator}]:${quote(value)}`;
}

export function eq(field: string, value: FilterValue): string {
  return compare(field, 'eq', value);
}

/** `field[in]:["a","b"]`. Refuses values containing a comma (Twenty splits the list on every comma). */
export function isIn(field: string, values: readonly FilterValue[]): string {
  checkField(field);
  if (values.length === 0) throw new TwentyConfigError('A Twenty "in" filter needs at least one value.');
  for (const v of values) {
    if (typeof v === 'string' && v.includes(',')) {
      throw new TwentyConfigError(`The value "${v.slice(0, 80)}" contains a comma, which Twenty's "in" filter cannot carry: filter on it with eq instead.`);
    }
  }
  return `${field}[in]:[${values.map(quote).join(',')}]`;
}

/** `field[is]:NULL` or `field[is]:NOT_NULL`. */
export function isNull(field: string, negate = false): string {
  checkField(field);
  return `${field}[is]:${negate ? 'NOT_NULL' : 'NULL'}`;
}

/**
 * Twenty's parser treats an apostrophe as a quote when it splits and()/or() into conditions, so "O'Brien" next to
 * another condition silently matches nothing. Alone it works; combined it is refused rather than misread.
 */
function checkCombinable(conditions: string[]): void {
  if (conditions.length > 1 && conditions.some((c) => c.includes("'"))) {
    throw new TwentyConfigError("A value with an apostrophe (O'Brien) cannot be combined with other conditions in one Twenty filter; filter on it alone.");
  }
}

export function and(...conditions: string[]): string {
  checkCombinable(conditions);
  return `and(${conditions.join(',')})`;
}

export function or(...conditions: string[]): string {
  checkCombinable(conditions);
  return `or(${conditions.join(',')})`;
}

export function not(condition: string): string {
  return `not(${condition})`;
}

/** All conditions, always inside `and(...)`. */
export function where(...conditions: string[]): string {
  return and(...conditions);
}
