import { inspect } from 'node:util';
import { z } from 'zod';
import { SandboxHttpError, invalidArgs } from './errors.js';
import { normalizePhone, type PhoneParts } from './phones.js';
import { fieldForKey, type FieldMeta, type ObjectMeta, type Profile } from './schema.js';

/**
 * Record input validation and normalisation, as Twenty's `DataArgProcessor` does it (twenty-api.md §3 "Normalisation
 * and what gets rejected"). Messages are Twenty's, values shown with `util.inspect` as Twenty does.
 */

export interface ValidateContext {
  profile: Profile;
  object: ObjectMeta;
}

/** A relation given as `{"company":{"connect":{"where":{…}}}}`, resolved against the store later. */
export interface PendingConnect {
  field: FieldMeta;
  joinColumn: string;
  where: Record<string, unknown>;
}

export interface ProcessedInput {
  /** Normalised values by record key; composites hold only the subfields that were sent. */
  data: Record<string, unknown>;
  connects: PendingConnect[];
}

const show = (value: unknown): string => inspect(value);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const emailSchema = z.email();

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

// --- scalar validators ------------------------------------------------------------------------------------------

function text(value: unknown, key: string): string | null {
  if (value === null) return null;
  if (typeof value !== 'string') throw invalidArgs(`Invalid string value ${show(value)} for text field "${key}"`);
  return value;
}

function numberValue(value: unknown, key: string): number | null {
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidArgs(`Invalid number value ${show(value)} for field "${key}"`);
  return value;
}

/** NUMERIC (and currency micros): a number or a numeric string. */
function numeric(value: unknown, key: string): number | null {
  if (value === null) return null;
  const n = typeof value === 'number' || (typeof value === 'string' && value.trim() !== '') ? Number(value) : Number.NaN;
  if (!Number.isFinite(n)) throw invalidArgs(`Invalid number value NaN for field "${key}"`);
  return n;
}

function booleanValue(value: unknown, key: string): boolean | null {
  if (value === null) return null;
  if (typeof value !== 'boolean') throw invalidArgs(`Invalid boolean value ${show(value)} for field "${key}"`);
  return value;
}

function uuid(value: unknown, key: string): string | null {
  if (value === null) return null;
  if (!isUuid(value)) throw invalidArgs(`Invalid UUID value ${show(value)} for field "${key}"`);
  return value.toLowerCase();
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

function isRealDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function dateTime(value: unknown, key: string, strict: boolean): string | null {
  if (value === null) return null;
  const fail = (): SandboxHttpError => invalidArgs(`Invalid value ${show(value)} for date-time field "${key}". Expected format: 'YYYY-MM-DDTHH:mm:ssZ'`);
  if (typeof value !== 'string') throw fail();
  if (strict) {
    const m = ISO_DATE_TIME.exec(value.trim());
    if (!m || !isRealDate(+m[1]!, +m[2]!, +m[3]!)) throw fail();
    if (m[4] !== undefined && (+m[4] > 23 || +m[5]! > 59 || (m[6] !== undefined && +m[6] > 59))) throw fail();
    // Postgres reads a time without zone in the session's zone, UTC on Twenty's servers.
    const withZone = m[4] !== undefined && m[7] === undefined ? `${value.trim()}Z` : value.trim();
    return new Date(withZone).toISOString();
  }
  // 1.x: anything `new Date()` reads (twenty-api.md §3 DATE/DATE_TIME).
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime())) throw fail();
  return parsed.toISOString();
}

function date(value: unknown, key: string, strict: boolean): string | null {
  if (value === null) return null;
  const fail = (): SandboxHttpError => invalidArgs(`Invalid value ${show(value)} for date field "${key}". Expected format: 'YYYY-MM-DD'`);
  if (typeof value !== 'string') throw fail();
  const m = ISO_DATE.exec(value.trim());
  if (m) {
    if (!isRealDate(+m[1]!, +m[2]!, +m[3]!)) throw fail();
    return value.trim();
  }
  if (strict) throw fail();
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime())) throw fail();
  return parsed.toISOString().slice(0, 10);
}

/** ARRAY and MULTI_SELECT: a string array (a single string is wrapped); `[]` becomes null. */
function stringArray(value: unknown, key: string): string[] | null {
  if (value === null) return null;
  const items = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(items) || items.some((i) => typeof i !== 'string')) {
    throw invalidArgs(`Invalid value ${show(value)} for field "${key} - Array values need to be string"`);
  }
  return items.length === 0 ? null : (items as string[]);
}

/** RAW_JSON: an object, an array, or a JSON string of one; `{}` and `[]` become null. */
function rawJson(value: unknown, key: string): unknown {
  if (value === null) return null;
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw invalidArgs(`Invalid object value ${show(value)} for field "${key}"`);
    }
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalidArgs(`Invalid object value ${show(value)} for field "${key}"`);
  if (Array.isArray(parsed) ? parsed.length === 0 : Object.keys(parsed).length === 0) return null;
  return parsed;
}

function optionValues(field: FieldMeta): string[] {
  return (field.options ?? []).map((o) => o.value);
}

function select(value: unknown, key: string, field: FieldMeta): string | null {
  const v = text(value, key);
  if (v !== null && !optionValues(field).includes(v)) throw invalidArgs(`Invalid value ${show(value)} for field "${key}"`);
  return v;
}

function multiSelect(value: unknown, key: string, field: FieldMeta): string[] | null {
  const items = stringArray(value, key);
  if (items === null) return null;
  const allowed = optionValues(field);
  if (items.some((i) => !allowed.includes(i))) throw invalidArgs(`Invalid value ${show(value)} for multi select field "${key}"`);
  return items;
}

function position(value: unknown, key: string): number | string {
  if (value === 'first' || value === 'last') return value;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidArgs(`Invalid position value ${show(value)} for field "${key}"`);
  return value;
}

// --- composites -------------------------------------------------------------------------------------------------

/** The object a composite takes, with only known subfields; `{}` means null. */
function compositeObject(value: unknown, key: string, kind: string, subfields: readonly string[]): Record<string, unknown> | null {
  if (value === null) return null;
  if (!isObject(value)) throw invalidArgs(`Invalid object value ${show(value)} for field "${key}"`);
  for (const sub of Object.keys(value)) {
    if (!subfields.includes(sub)) throw invalidArgs(`Invalid subfield ${sub} for ${kind} field "${key}"`);
  }
  return Object.keys(value).length === 0 ? null : value;
}

/**
 * One email, checked as sent (validate-email-value-or-throw @7c38deec, twenty-api.md §3 EMAILS): it must pass the zod
 * email check and already be lowercase, in both profiles. Nothing is trimmed or lowercased here: that is the client's
 * job ("trim and lowercase client-side"), and a rehearsal must not accept what a live server may reject.
 */
function email(value: unknown, path: string): string | null {
  if (value === null) return null;
  if (typeof value !== 'string') throw invalidArgs(`Invalid string value ${show(value)} for email field "${path}"`);
  if (value === '') return '';
  if (value !== value.toLowerCase() || !emailSchema.safeParse(value).success) {
    throw invalidArgs(`Invalid string value ${show(value)} for email field "${path}"`);
  }
  return value;
}

function emails(value: unknown, key: string): Record<string, unknown> | null {
  const obj = compositeObject(value, key, 'emails', ['primaryEmail', 'additionalEmails']);
  if (obj === null) return null;
  const out: Record<string, unknown> = {};
  if ('primaryEmail' in obj) {
    text(obj['primaryEmail'], `${key}.primaryEmail`);
    out['primaryEmail'] = email(obj['primaryEmail'], `${key}.primaryEmail`) ?? '';
  }
  if ('additionalEmails' in obj) {
    const raw = obj['additionalEmails'];
    const path = `${key}.additionalEmails`;
    if (raw === null) out['additionalEmails'] = null;
    else if (typeof raw === 'string') throw invalidArgs(`Invalid string value ${show(raw)} for email field "${path}"`);
    else {
      const list = stringArray(raw, path) ?? [];
      const normalised = list.map((e) => email(e, path)).filter((e): e is string => !!e);
      out['additionalEmails'] = normalised.length > 0 ? normalised : null;
    }
  }
  return out;
}

/** `lowercaseUrlOriginAndRemoveTrailingSlash` (twenty-shared): only http(s) URLs are rewritten. */
export function normalizeUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return raw;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return raw;
  return `${url.origin.toLowerCase()}${url.pathname}${url.search}${url.hash}`.replace(/\/$/, '');
}

function links(value: unknown, key: string): Record<string, unknown> | null {
  const obj = compositeObject(value, key, 'links', ['primaryLinkUrl', 'primaryLinkLabel', 'secondaryLinks']);
  if (obj === null) return null;
  const out: Record<string, unknown> = {};
  if ('primaryLinkUrl' in obj) out['primaryLinkUrl'] = normalizeUrl(text(obj['primaryLinkUrl'], `${key}.primaryLinkUrl`) ?? '');
  if ('primaryLinkLabel' in obj) out['primaryLinkLabel'] = text(obj['primaryLinkLabel'], `${key}.primaryLinkLabel`) ?? '';
  if ('secondaryLinks' in obj) {
    const parsed = rawJson(obj['secondaryLinks'], `${key}.secondaryLinks`);
    if (parsed === null) out['secondaryLinks'] = null;
    else {
      const list = (Array.isArray(parsed) ? parsed : [parsed]) as unknown[];
      const kept = list
        .filter(isObject)
        .map((l) => ({ url: typeof l['url'] === 'string' ? normalizeUrl(l['url']) : '', label: typeof l['label'] === 'string' ? l['label'] : '' }))
        .filter((l) => l.url !== ''); // empty links are dropped
      out['secondaryLinks'] = kept.length > 0 ? kept : null;
    }
  }
  return out;
}

function phones(value: unknown, key: string): Record<string, unknown> | null {
  const obj = compositeObject(value, key, 'phones', ['primaryPhoneNumber', 'primaryPhoneCountryCode', 'primaryPhoneCallingCode', 'additionalPhones']);
  if (obj === null) return null;
  const number = text(obj['primaryPhoneNumber'] ?? null, `${key}.primaryPhoneNumber`);
  const countryCode = text(obj['primaryPhoneCountryCode'] ?? null, `${key}.primaryPhoneCountryCode`);
  const callingCode = text(obj['primaryPhoneCallingCode'] ?? null, `${key}.primaryPhoneCallingCode`);
  const primary = normalizePhone({ number: number ?? undefined, countryCode: countryCode ?? undefined, callingCode: callingCode ?? undefined });
  const out: Record<string, unknown> = {};
  if ('primaryPhoneNumber' in obj) out['primaryPhoneNumber'] = primary.number ?? '';
  if ('primaryPhoneCountryCode' in obj || primary.countryCode) out['primaryPhoneCountryCode'] = primary.countryCode ?? '';
  if ('primaryPhoneCallingCode' in obj || primary.callingCode) out['primaryPhoneCallingCode'] = primary.callingCode ?? '';
  if ('additionalPhones' in obj) {
    const parsed = rawJson(obj['additionalPhones'], `${key}.additionalPhones`);
    const list = parsed === null ? [] : ((Array.isArray(parsed) ? parsed : [parsed]) as unknown[]);
    const normalised = list.filter(isObject).map((p) => {
      const parts: PhoneParts = {
        number: typeof p['number'] === 'string' ? p['number'] : undefined,
        callingCode: typeof p['callingCode'] === 'string' ? p['callingCode'] : undefined,
        countryCode: typeof p['countryCode'] === 'string' ? p['countryCode'] : undefined,
      };
      const n = normalizePhone(parts);
      return { number: n.number ?? '', callingCode: n.callingCode ?? '', countryCode: n.countryCode ?? '' };
    });
    out['additionalPhones'] = normalised.length > 0 ? normalised : null;
  }
  return out;
}

function currency(value: unknown, key: string): Record<string, unknown> | null {
  const obj = compositeObject(value, key, 'currency', ['amountMicros', 'currencyCode']);
  if (obj === null) return null;
  const out: Record<string, unknown> = {};
  if ('amountMicros' in obj) out['amountMicros'] = numeric(obj['amountMicros'], `${key}.amountMicros`);
  if ('currencyCode' in obj) out['currencyCode'] = text(obj['currencyCode'], `${key}.currencyCode`) ?? '';
  return out;
}

function textComposite(value: unknown, key: string, kind: string, subfields: readonly string[], numericSubfields: readonly string[] = []): Record<string, unknown> | null {
  const obj = compositeObject(value, key, kind, subfields);
  if (obj === null) return null;
  const out: Record<string, unknown> = {};
  for (const [sub, v] of Object.entries(obj)) {
    out[sub] = numericSubfields.includes(sub) ? numberValue(v, `${key}.${sub}`) : (text(v, `${key}.${sub}`) ?? '');
  }
  return out;
}

function actor(value: unknown, key: string, profile: Profile): Record<string, unknown> | null {
  const obj = compositeObject(value, key, 'actor', ['source', 'workspaceMemberId', 'name', 'context']);
  if (obj === null) return null;
  const out: Record<string, unknown> = {};
  if ('source' in obj) {
    const source = text(obj['source'], `${key}.source`);
    if (source !== null && !profile.actorSources.includes(source)) throw invalidArgs(`Invalid value ${show(source)} for field "${key}.source"`);
    out['source'] = source;
  }
  if ('workspaceMemberId' in obj) out['workspaceMemberId'] = uuid(obj['workspaceMemberId'], `${key}.workspaceMemberId`);
  if ('name' in obj) out['name'] = text(obj['name'], `${key}.name`);
  if ('context' in obj) out['context'] = rawJson(obj['context'], `${key}.context`) ?? {};
  return out;
}

/** Markdown to a minimal BlockNote document: one paragraph (or heading) per line. */
function markdownToBlocknote(markdown: string): string {
  const blocks = markdown.split('\n').filter((l) => l.trim() !== '').map((line) => {
    const heading = /^(#{1,3})\s+(.*)$/.exec(line);
    return {
      type: heading ? 'heading' : 'paragraph',
      props: heading ? { level: heading[1]!.length } : {},
      content: [{ type: 'text', text: heading ? heading[2]! : line, styles: {} }],
      children: [],
    };
  });
  return JSON.stringify(blocks);
}

function richText(value: unknown, key: string): Record<string, unknown> | null {
  if (value === null) return null;
  if (!isObject(value)) throw invalidArgs(`Invalid rich text v2 value ${show(value)} for field "${key}" - Should be an object`);
  const obj = compositeObject(value, key, 'rich text', ['blocknote', 'markdown']);
  if (obj === null) return null;
  const markdown = 'markdown' in obj ? text(obj['markdown'], `${key}.markdown`) : undefined;
  const blocknote = 'blocknote' in obj ? text(obj['blocknote'], `${key}.blocknote`) : undefined;
  // The server builds the missing side from the other (transform-rich-text-v2 @696e4e94); the sandbox only
  // converts markdown to blocks, the direction an importer relies on.
  return {
    markdown: markdown ?? null,
    blocknote: blocknote ?? (typeof markdown === 'string' ? markdownToBlocknote(markdown) : null),
  };
}

// --- the processor ----------------------------------------------------------------------------------------------

function processField(field: FieldMeta, key: string, value: unknown, ctx: ValidateContext, connects: PendingConnect[]): unknown {
  const { profile } = ctx;
  switch (field.type) {
    case 'UUID':
      return uuid(value, key);
    case 'TEXT': {
      const v = text(value, key);
      return v === '' ? null : v;
    }
    case 'NUMBER':
      return numberValue(value, key);
    case 'NUMERIC':
      return numeric(value, key);
    case 'BOOLEAN':
      return booleanValue(value, key);
    case 'DATE_TIME':
      return dateTime(value, key, profile.strictDates);
    case 'DATE':
      return date(value, key, profile.strictDates);
    case 'SELECT':
    case 'RATING':
      return select(value, key, field);
    case 'MULTI_SELECT':
      return multiSelect(value, key, field);
    case 'ARRAY':
      return stringArray(value, key);
    case 'RAW_JSON':
      return rawJson(value, key);
    case 'POSITION':
      return position(value, key);
    case 'EMAILS':
      return emails(value, key);
    case 'LINKS':
      return links(value, key);
    case 'PHONES':
      return phones(value, key);
    case 'CURRENCY':
      return currency(value, key);
    case 'FULL_NAME':
      return textComposite(value, key, 'full name', ['firstName', 'lastName']);
    case 'ADDRESS':
      return textComposite(
        value, key, 'address',
        ['addressStreet1', 'addressStreet2', 'addressCity', 'addressPostcode', 'addressState', 'addressCountry', 'addressLat', 'addressLng'],
        ['addressLat', 'addressLng'],
      );
    case 'ACTOR':
      return actor(value, key, profile);
    case 'RICH_TEXT':
    case 'RICH_TEXT_V2':
      return richText(value, key);
    case 'RELATION':
      return relation(field, key, value, connects);
  }
}

function relation(field: FieldMeta, key: string, value: unknown, connects: PendingConnect[]): unknown {
  if (field.relation?.type === 'ONE_TO_MANY') {
    throw invalidArgs(`One-to-many relation ${key} field does not support write operations.`);
  }
  const joinColumn = (field.settings?.['joinColumnName'] as string | undefined) ?? `${field.name}Id`;
  if (key === joinColumn) return uuid(value, key);
  // The relation name itself: `null` or `{disconnect:true}` clears it, `{connect:{where:{…}}}` links by a unique field.
  if (value === null || (isObject(value) && value['disconnect'] === true)) return { joinColumn, value: null };
  if (isObject(value) && isObject(value['connect']) && isObject(value['connect']['where'])) {
    connects.push({ field, joinColumn, where: value['connect']['where'] });
    return undefined;
  }
  throw invalidArgs(`Relation "${key}" requires connect or disconnect operation`);
}

/**
 * Validates one record input and returns it normalised. Keys are field names or join columns (`companyId`);
 * relation names with connect/disconnect are turned into their join column.
 */
export function processRecordInput(input: unknown, ctx: ValidateContext): ProcessedInput {
  if (!isObject(input)) throw invalidArgs(`Invalid record ${show(input)}: a record is a JSON object`);
  const data: Record<string, unknown> = {};
  const connects: PendingConnect[] = [];
  for (const [key, value] of Object.entries(input)) {
    const found = fieldForKey(ctx.object, key);
    if (!found) throw invalidArgs(`Object ${ctx.object.nameSingular} doesn't have any "${key}" field.`);
    const { field } = found;
    if (value === null && !field.isNullable && (field.defaultValue === null || field.defaultValue === undefined)) {
      throw invalidArgs(`Field ${key} is not nullable and has no default value.`);
    }
    if (value === undefined) continue;
    const processed = processField(field, key, value, ctx, connects);
    if (field.type === 'RELATION' && !found.isJoinColumn) {
      if (isObject(processed) && 'joinColumn' in processed) data[processed['joinColumn'] as string] = null;
      continue;
    }
    data[key] = processed;
  }
  return { data, connects };
}
