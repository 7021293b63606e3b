import { dayMonYearTime, isoDate, isoDateTime } from './dates.js';
import type { Person } from './people.js';
import { Rng, STREAM } from './random.js';
import { EXTRA_CUSTOM_FIELDS, EXTRA_FIELD_VALUES } from './vocab.js';

/** The contacts export: its columns, and a person turned into one row of it. */

export type HeaderStyle = 'api' | 'label' | 'mixed';

/** kartra-exports.md §1.4 without custom_fields[] (and without the webhook-only and retired fields). */
export const STANDARD_FIELDS = [
  'id', 'first_name', 'middle_name', 'last_name', 'last_name2', 'email', 'phone_country_code', 'phone', 'company', 'address',
  'city', 'zip', 'state', 'country', 'date_joined', 'website', 'ip', 'ip_country', 'facebook', 'twitter', 'linkedin',
  'sales_tax_id', 'lead_picture', 'source', 'source_id', 'score', 'referring_id', 'blacklisted', 'notes',
  'lead_preferred_time_zone', 'lead_deleted', 'gdpr_lead_status', 'gdpr_lead_status_date', 'gdpr_lead_status_ip',
  'gdpr_lead_communications',
] as const;

export const SPEC_CUSTOM_FIELDS = ['business_type', 'how_heard', 'interests', 'bio', 'instagram', 'birthday'] as const;

/** Columns whose values are dates, by logical key; the reader's unparseable_date rule looks only at these. */
export const LEAD_DATE_KEYS = ['date_joined', 'gdpr_lead_status_date', 'birthday'] as const;

export function customFieldKeys(count: number): string[] {
  const keys: string[] = [];
  for (let i = 0; i < count; i++) {
    keys.push(SPEC_CUSTOM_FIELDS[i] ?? EXTRA_CUSTOM_FIELDS[i - SPEC_CUSTOM_FIELDS.length] ?? `custom_field_${i + 1}`);
  }
  return keys;
}

/** Logical column keys in file order: standard fields, tags, lists, then the custom fields. */
export function leadKeys(customFields: number): string[] {
  return [...STANDARD_FIELDS, 'tags', 'lists', ...customFieldKeys(customFields)];
}

const WORDS: Record<string, string> = { id: 'ID', ip: 'IP', gdpr: 'GDPR', linkedin: 'LinkedIn', name2: 'Name 2' };

/** "first_name" → "First Name", "gdpr_lead_status_ip" → "GDPR Lead Status IP", "last_name2" → "Last Name 2". */
export function labelFor(key: string): string {
  return key
    .split('_')
    .map((word) => WORDS[word] ?? word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

/**
 * The header as written. `mixed` is what an account with labelled custom fields shows: API names for Kartra's own
 * fields, labels for tags, lists and custom fields.
 */
export function leadHeader(keys: readonly string[], style: HeaderStyle): string[] {
  const standard = new Set<string>(STANDARD_FIELDS);
  return keys.map((key) => (style === 'api' || (style === 'mixed' && standard.has(key)) ? key : labelFor(key)));
}

export type LeadRecord = Record<string, string>;

/** Separators for multi-value cells: Kartra's import uses ";", some exports use "," (variant B). */
export type Separator = ';' | ',';

/** The clean row of a person. Messy cases then damage individual fields (messy.ts). */
export function leadRecord(seed: number, person: Person, separator: Separator, keys: readonly string[]): LeadRecord {
  const p = person;
  const record: LeadRecord = {
    id: String(p.id),
    first_name: p.firstName,
    middle_name: p.middleName,
    last_name: p.lastName,
    last_name2: p.lastName2,
    email: p.email,
    phone_country_code: p.phoneNational ? p.country.callingCode : '',
    phone: p.phoneNational,
    company: p.company,
    address: p.address,
    city: p.city.name,
    zip: p.zip,
    state: p.city.state,
    country: p.country.name,
    date_joined: isoDateTime(p.joinedAt),
    website: p.website,
    ip: p.ip,
    ip_country: p.country.name,
    facebook: p.facebook,
    twitter: p.twitter,
    linkedin: p.linkedin,
    sales_tax_id: p.salesTaxId,
    lead_picture: p.leadPicture,
    source: p.source,
    source_id: p.sourceId,
    score: String(p.score),
    referring_id: p.referringId,
    blacklisted: p.blacklisted ? '1' : '0',
    notes: p.notes,
    lead_preferred_time_zone: p.country.timeZone,
    lead_deleted: '0',
    gdpr_lead_status: String(p.gdprStatus),
    gdpr_lead_status_date: p.gdprAt === null ? '' : dayMonYearTime(p.gdprAt),
    gdpr_lead_status_ip: p.gdprAt === null ? '' : p.ip,
    gdpr_lead_communications: p.gdprComms,
    tags: p.tags.join(separator),
    lists: p.lists.join(separator),
    business_type: p.businessType,
    how_heard: p.howHeard,
    interests: p.interests.join(separator),
    bio: p.bio,
    instagram: p.instagram,
    birthday: p.birthday === null ? '' : isoDate(p.birthday),
  };
  if (keys.length > STANDARD_FIELDS.length + 2 + SPEC_CUSTOM_FIELDS.length) {
    const rng = new Rng(seed, STREAM.leadRow, p.index, 7);
    for (const key of keys) if (!(key in record)) record[key] = rng.chance(0.5) ? rng.pick(EXTRA_FIELD_VALUES) : '';
  }
  return record;
}

export function recordCells(record: LeadRecord, keys: readonly string[]): string[] {
  return keys.map((key) => record[key] ?? '');
}

/**
 * A multi-value cell as the reader reads it: split on the separator, trim, drop empties, and drop case-insensitive
 * repeats keeping the first spelling. `into` lets a duplicate row's values be united with the winner's.
 */
export function splitValues(cell: string, separator: Separator, into: string[] = []): string[] {
  const seen = new Set(into.map((v) => v.toLowerCase()));
  for (const part of cell.split(separator)) {
    const value = part.trim();
    if (value === '' || seen.has(value.toLowerCase())) continue;
    seen.add(value.toLowerCase());
    into.push(value);
  }
  return into;
}
