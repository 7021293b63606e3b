import { badRequest } from './errors.js';
import { COMPOSITES, fieldForKey, type FieldMeta, type ObjectMeta } from './schema.js';

/**
 * The REST `filter` parameter, parsed the way Twenty's REST parsers do it (twenty-api.md §1 "Find"), and evaluated
 * against stored records.
 *
 * `field[.subfield][comparator]:value`, conjunctions `and(…)`, `or(…)`, `not(…)`. Values lose surrounding quotes;
 * `in`/`containsAny` take `[a,b]` split naively on commas. A query is wrapped in `and(…)` only when it does not contain
 * both `(` and `)` (add-default-conjunction @4c93c90e), so a value like `Acme (US)` needs an explicit `and(…)`.
 */

export const COMPARATORS = ['eq', 'neq', 'in', 'containsAny', 'is', 'gt', 'gte', 'lt', 'lte', 'startsWith', 'endsWith', 'like', 'ilike'] as const;
export type Comparator = (typeof COMPARATORS)[number];

export type Filter =
  | { kind: 'and' | 'or'; items: Filter[] }
  | { kind: 'not'; item: Filter }
  | { kind: 'compare'; path: string[]; comparator: Comparator; value: string | string[] };

const CONJUNCTION = /^(or|and|not)\((.+)\)$/s;

function checkBrackets(query: string): void {
  const diff = (query.match(/\(/g) ?? []).length - (query.match(/\)/g) ?? []).length;
  if (diff === 0) return;
  const hint = diff > 0 ? `${diff} close bracket${diff > 1 ? 's are' : ' is'}` : `${-diff} open bracket${-diff > 1 ? 's are' : ' is'}`;
  throw badRequest(`'filter' invalid. ${hint} missing in the query`);
}

/** Splits `and(a,b,or(c,d))` into its top-level predicates (parse-filter-content.util). */
function splitContent(query: string): string[] {
  let brackets = false;
  let double = false;
  let single = false;
  let depth = 0;
  const parts: string[] = [];
  let current = '';
  for (const c of query) {
    let keep = depth >= 1;
    if (c === '(') depth++;
    if (c === ')') {
      depth--;
      keep = depth >= 1;
    }
    if (c === '[' || c === ']') brackets = !brackets;
    if (c === '"') double = !double;
    if (c === "'") single = !single;
    if (c === ',' && depth === 1 && !brackets && !double && !single) {
      parts.push(current);
      current = '';
      keep = false;
    }
    if (keep) current += c;
  }
  parts.push(current);
  return parts;
}

function unquote(value: string): string {
  if ((value[0] === '"' || value[0] === "'") && (value.endsWith('"') || value.endsWith("'")) && value.length >= 2) return value.slice(1, -1);
  return value;
}

function parseBase(predicate: string): Filter {
  if (!/^(.+)\[(.+)\]:(.+)$/s.test(predicate)) throw badRequest(`'filter' invalid for '${predicate}'. eg: price[gte]:10`);
  let fields = '';
  let comparator = '';
  let value = '';
  let inFields = true;
  let inComparator = false;
  let inValue = false;
  for (const c of predicate) {
    if (inValue) value += c;
    if (c === ']' && !inValue) inComparator = false;
    if (c === ':' && !inComparator) inValue = true;
    if (inComparator) comparator += c;
    if (c === '[' && inFields) {
      inFields = false;
      inComparator = true;
    }
    if (inFields) fields += c;
  }
  if (!(COMPARATORS as readonly string[]).includes(comparator)) {
    throw badRequest(`'filter' invalid for '${predicate}', comparator ${comparator} not in ${COMPARATORS.join(', ')}`);
  }
  const op = comparator as Comparator;
  let parsed: string | string[];
  if (op === 'in' || op === 'containsAny') {
    if (value[0] !== '[' || !value.endsWith(']')) {
      throw badRequest(`'filter' invalid for '${op}' operator. Received '${value}' but array value expected eg: 'field[${op}]:[value_1,value_2]'`);
    }
    parsed = value.slice(1, -1).split(',').map(unquote);
  } else {
    parsed = op === 'is' ? value : unquote(value);
  }
  return { kind: 'compare', path: fields.split('.'), comparator: op, value: parsed };
}

function parseNode(query: string): Filter {
  const match = CONJUNCTION.exec(query);
  if (!match) return parseBase(query);
  const kind = match[1] as 'and' | 'or' | 'not';
  const items = splitContent(query).map(parseNode);
  if (kind === 'not') {
    if (items.length > 1) throw badRequest(`'filter' invalid. 'not' conjunction should contain only 1 condition. eg: not(field[eq]:1)`);
    return { kind, item: items[0]! };
  }
  return { kind, items };
}

/** Parses a filter and checks its fields exist on the object. */
export function parseFilter(query: string, object: ObjectMeta): Filter {
  checkBrackets(query);
  const wrapped = query.includes('(') && query.includes(')') ? query : `and(${query})`;
  const filter = parseNode(wrapped);
  checkFields(filter, object);
  return filter;
}

function checkFields(filter: Filter, object: ObjectMeta): void {
  if (filter.kind !== 'compare') {
    for (const f of filter.kind === 'not' ? [filter.item] : filter.items) checkFields(f, object);
    return;
  }
  const [name, sub] = filter.path;
  const found = fieldForKey(object, name ?? '');
  if (!found || (found.field.type === 'RELATION' && !found.isJoinColumn)) {
    throw badRequest(`field '${name}' does not exist in '${object.nameSingular}' object`);
  }
  if (sub !== undefined && (filter.path.length > 2 || !isCompositeSubfield(found.field, sub))) {
    throw badRequest(`field '${filter.path.join('.')}' does not exist in '${object.nameSingular}' object`);
  }
}

function isCompositeSubfield(field: FieldMeta, sub: string): boolean {
  return Object.keys(COMPOSITES[field.type] ?? {}).includes(sub);
}

/** True when the filter mentions `deletedAt`: only then does Twenty include soft-deleted rows. */
export function mentionsDeletedAt(filter: Filter | undefined): boolean {
  if (!filter) return false;
  if (filter.kind === 'compare') return filter.path[0] === 'deletedAt';
  return (filter.kind === 'not' ? [filter.item] : filter.items).some(mentionsDeletedAt);
}

export function valueAt(record: Record<string, unknown>, path: readonly string[]): unknown {
  let v: unknown = record;
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

type Scalar = string | number | boolean;

/** The filter's string converted to the stored value's kind, as Postgres casts it. */
function coerce(raw: string, stored: unknown): Scalar {
  if (typeof stored === 'number') return Number(raw);
  if (typeof stored === 'boolean') return raw.toLowerCase() === 'true';
  return raw;
}

function compareScalars(a: Scalar, b: Scalar, isDate: boolean): number {
  if (isDate && typeof a === 'string' && typeof b === 'string') {
    const da = Date.parse(a);
    const db = Date.parse(b);
    if (!Number.isNaN(da) && !Number.isNaN(db)) return da - db;
  }
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

function likeToRegExp(pattern: string, insensitive: boolean): RegExp {
  const source = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
  return new RegExp(`^${source}$`, insensitive ? 'is' : 's');
}

function isDateField(object: ObjectMeta, path: readonly string[]): boolean {
  const field = fieldForKey(object, path[0] ?? '')?.field;
  return field?.type === 'DATE_TIME' || field?.type === 'DATE';
}

/** Whether a record matches; SQL semantics: a comparison with NULL is never true (except `is`). */
export function matches(filter: Filter, record: Record<string, unknown>, object: ObjectMeta): boolean {
  switch (filter.kind) {
    case 'and':
      return filter.items.every((f) => matches(f, record, object));
    case 'or':
      return filter.items.some((f) => matches(f, record, object));
    case 'not':
      return !matches(filter.item, record, object);
    case 'compare':
      break;
  }
  const stored = valueAt(record, filter.path);
  const { comparator, value } = filter;
  if (comparator === 'is') {
    const want = String(value).toUpperCase();
    return want === 'NULL' ? stored === null || stored === undefined : stored !== null && stored !== undefined;
  }
  if (stored === null || stored === undefined) return false;
  if (comparator === 'containsAny') {
    const list = Array.isArray(stored) ? stored : [stored];
    return (value as string[]).some((v) => list.includes(v));
  }
  if (Array.isArray(stored) || typeof stored === 'object') return false;
  const s = stored as Scalar;
  const isDate = isDateField(object, filter.path);
  switch (comparator) {
    case 'eq':
      return compareScalars(s, coerce(value as string, s), isDate) === 0;
    case 'neq':
      return compareScalars(s, coerce(value as string, s), isDate) !== 0;
    case 'in':
      return (value as string[]).some((v) => compareScalars(s, coerce(v, s), isDate) === 0);
    case 'gt':
      return compareScalars(s, coerce(value as string, s), isDate) > 0;
    case 'gte':
      return compareScalars(s, coerce(value as string, s), isDate) >= 0;
    case 'lt':
      return compareScalars(s, coerce(value as string, s), isDate) < 0;
    case 'lte':
      return compareScalars(s, coerce(value as string, s), isDate) <= 0;
    case 'startsWith':
      return String(s).startsWith(value as string);
    case 'endsWith':
      return String(s).endsWith(value as string);
    case 'like':
      return likeToRegExp(value as string, false).test(String(s));
    case 'ilike':
      return likeToRegExp(value as string, true).test(String(s));
  }
}
