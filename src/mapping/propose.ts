/**
 * The deterministic mapping proposer: for every column of an export, a destination in Twenty (a standard field, a new
 * custom field, or skip), a tier, a score, runner-ups and a one-line reason. Evidence, strongest first:
 * 1. Kartra's own column names (lead API and label spellings, the 57 transaction columns) → `exact`;
 * 2. curated synonyms (other CRMs, French, German, Spanish) on normalised headers → `confident`;
 * 3. fuse.js over Twenty labels, field names and synonyms → `confident` or `suggested` by score;
 * 4. the sample values, which veto a destination that cannot hold them or propose one that can.
 * Standard fields are then assigned globally, best candidate first, so the column that fits a field best gets it.
 */
import Fuse from 'fuse.js';
import { MAX_IDENTIFIER_LENGTH } from '../twenty-contract.js';
import type { Expected, TwentyObject } from './corpus.js';
import { TWENTY_2X_FIELDS, type CandidateField } from './baseline-twenty-matcher.js';
import type { Tier } from './score.js';
import { SKIP_HEADERS, norm, synonymEntries, synonymHits, synonymSuffixHits } from './synonyms.js';
import { LEAD_FIELDS, leadFieldOf, transactionColumnKey, TRANSACTION_COLUMN_KEYS, type LeadField } from '../kartra/columns.js';

export type ProposeColumn = {
  header: string;
  samples: readonly string[];
  /** A ColumnProfile-like inferred value type, when the reader profiled the column. */
  valueType?: string;
};

export type Proposal = {
  header: string;
  destination: Expected;
  tier: Tier;
  score: number;
  alternatives: { destination: Expected; score: number; reason: string }[];
  reason: string;
};

/** Twenty's importable fields (as the baseline offers them) plus `createdAt`, which an import may set. */
export const PROPOSER_FIELDS: readonly CandidateField[] = [
  ...TWENTY_2X_FIELDS,
  { object: 'person', field: 'createdAt', label: 'Creation date' },
  { object: 'company', field: 'createdAt', label: 'Creation date' },
  { object: 'opportunity', field: 'createdAt', label: 'Creation date' },
];

// ---------------------------------------------------------------------------------------------------------------
// Value evidence

export type ValueKind =
  | 'empty' | 'email' | 'phone' | 'callingCode' | 'date' | 'datetime' | 'money' | 'integer' | 'number' | 'boolean'
  | 'linkedin' | 'url' | 'salutation' | 'multi' | 'text';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const CALLING = /^\+\d{1,4}$/;
const PHONE = /^\+?[\d\s().\-/]{6,}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(:\d{2})?/;
const DMY = /^\d{1,2}([./-])\d{1,2}\1\d{4}$/;
const DMY_TIME = /^\d{1,2}([./-])\d{1,2}\1\d{4}[ T]\d{1,2}:\d{2}/;
const MONEY = /^[$€£]\s?-?\d[\d,]*(\.\d+)?$|^-?\d[\d,]*\.\d{2}$/;
const INTEGER = /^-?\d+$/;
const NUMBER = /^-?\d+(\.\d+)?$/;
const BOOL = /^(yes|no|true|false|y|n|oui|non|ja|nein|si|sí)$/i;
const URL = /^(https?:\/\/|www\.)\S+$|^[a-z0-9-]+(\.[a-z0-9-]+)+\/\S*$/i;
const LINKEDIN = /^(https?:\/\/)?([a-z]+\.)?linkedin\.com\//i;
const SALUTATION = /^(mr|mrs|ms|miss|mx|dr|prof|herr|frau|m|mme|mlle|sr|sra|srta)\.?$/i;

export function valueKindOf(v: string): ValueKind {
  const s = v.trim();
  if (s === '') return 'empty';
  if (EMAIL.test(s)) return 'email';
  if (CALLING.test(s)) return 'callingCode';
  if (LINKEDIN.test(s)) return 'linkedin';
  if (URL.test(s)) return 'url';
  if (DATE_TIME.test(s) || DMY_TIME.test(s)) return 'datetime';
  if (ISO_DATE.test(s) || DMY.test(s)) return 'date';
  if (BOOL.test(s)) return 'boolean';
  if (SALUTATION.test(s)) return 'salutation';
  if (MONEY.test(s)) return 'money';
  if (INTEGER.test(s) && (s.replace('-', '').length < 7 || !/^0/.test(s))) return 'integer';
  if (NUMBER.test(s) && !INTEGER.test(s)) return 'number';
  if (PHONE.test(s) && s.replace(/\D/g, '').length >= 6) return 'phone';
  if (/,\s*\S/.test(s) && s.split(',').every((p) => p.trim().length > 0 && p.trim().length <= 30)) return 'multi';
  return 'text';
}

const BARE_DOMAIN = /^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}(\/\S*)?$/i;

/** A URL, a LinkedIn address or a bare domain ("initech.io"). */
const looksLikeLink = (v: string): boolean => URL.test(v) || LINKEDIN.test(v) || BARE_DOMAIN.test(v);

/** The kind every non-empty sample shares, or 'text' when they differ, 'empty' when there are none. */
export function columnKind(samples: readonly string[]): ValueKind {
  const kinds = new Set(samples.map(valueKindOf).filter((k) => k !== 'empty'));
  if (kinds.size === 0) return 'empty';
  if (kinds.size === 1) return [...kinds][0]!;
  const has = (...ks: ValueKind[]): boolean => [...kinds].every((k) => ks.includes(k));
  if (has('date', 'datetime')) return 'datetime';
  if (has('integer', 'number', 'money')) return kinds.has('money') ? 'money' : 'number';
  if (has('url', 'linkedin')) return 'url';
  if (has('phone', 'integer')) return 'phone';
  return 'text';
}

const KIND_PHRASE: Partial<Record<ValueKind, string>> = {
  email: 'an email', phone: 'a phone number', callingCode: 'a calling code', date: 'a date', datetime: 'a date-time',
  money: 'an amount', integer: 'a number', number: 'a number', boolean: 'yes/no', linkedin: 'a LinkedIn URL', url: 'a URL',
  salutation: 'a salutation',
};

/** ColumnProfile value types (src/kartra/profile.ts) as value kinds. */
const PROFILE_KINDS: Record<string, ValueKind> = {
  email: 'email', phone: 'phone', date: 'date', datetime: 'datetime', number: 'number', money: 'money',
  boolean: 'boolean', url: 'url', 'multi-value': 'multi',
};

/**
 * What a destination can hold: the value kinds it accepts (undefined: anything textual). `customType` is the type of
 * a custom field already in the workspace, which its name says nothing about.
 */
function accepts(d: Expected, customType?: string): readonly ValueKind[] | 'text' | 'any' {
  if (d.kind === 'skip') return 'any';
  if (d.kind === 'custom') {
    switch (d.type) {
      case 'EMAILS': return ['email'];
      case 'PHONES': return ['phone', 'integer'];
      case 'ADDRESS': return ADDRESS_KINDS;
      // A handle ("@ana") is not a link: Twenty would keep it as a broken URL.
      case 'LINKS': return ['url', 'linkedin'];
      case 'DATE': case 'DATE_TIME': return ['date', 'datetime'];
      default: return 'any';
    }
  }
  // An existing custom field takes what its type takes (0/1 counts as yes/no, a number as a rating).
  switch (customType) {
    case undefined: break;
    case 'EMAILS': return ['email'];
    case 'PHONES': return ['phone', 'integer'];
    case 'DATE': case 'DATE_TIME': return ['date', 'datetime'];
    case 'NUMBER': case 'NUMERIC': case 'CURRENCY': case 'RATING': return ['integer', 'number', 'money'];
    case 'BOOLEAN': return ['boolean', 'integer'];
    default: return 'any';
  }
  const key = d.subfield ?? d.field;
  switch (key) {
    case 'primaryEmail': case 'additionalEmails': return ['email'];
    case 'pointOfContact': return ['email', 'text'];
    case 'primaryPhoneNumber': case 'additionalPhones': return ['phone', 'integer'];
    case 'primaryPhoneCallingCode': return ['callingCode', 'integer'];
    case 'createdAt': case 'closeDate': return ['date', 'datetime'];
    case 'amountMicros': return ['money', 'integer', 'number'];
    case 'primaryLinkUrl': return d.field === 'linkedinLink' ? ['linkedin'] : ['url', 'text'];
    case 'addressStreet1': case 'addressStreet2': case 'addressCity': case 'addressState': case 'addressPostcode': case 'addressCountry':
      return ADDRESS_KINDS;
    default: return 'text';
  }
}

/** Parts of an address: text, numbers and phone-like postcodes ("02134-1234"). */
const ADDRESS_KINDS: readonly ValueKind[] = ['text', 'multi', 'integer', 'phone', 'salutation'];

/** Value kinds a plain text field (a name, a title, a company) must not receive. */
const NOT_TEXT: readonly ValueKind[] = ['email', 'phone', 'callingCode', 'date', 'datetime', 'boolean', 'linkedin', 'url', 'money', 'integer', 'number'];

/** Why the column's values cannot go to the destination, or null when they can. */
function veto(d: Expected, kind: ValueKind, header: string, linkless: boolean, customType?: string): string | null {
  if (kind === 'empty') return null;
  const ok = accepts(d, customType);
  // Dates are recognisable: a date destination whose values are not dates is refuted.
  if (Array.isArray(ok) && ok.includes('date') && (kind === 'text' || kind === 'multi')) return `the values are not dates, which ${describe(d)} needs`;
  if (customType !== undefined && Array.isArray(ok) && (kind === 'text' || kind === 'multi')) return `the values are text, which the ${customType} field ${describe(d)} cannot hold`;
  // Links are recognisable too: a column where nothing looks like a link (handles, names) is not one; Twenty would
  // store its values as broken URLs. A few handles among URLs and bare domains do not refute it.
  if (linkless && Array.isArray(ok) && !ok.includes('text') && (ok.includes('url') || ok.includes('linkedin'))) return `no value is a link, which ${describe(d)} needs`;
  if (kind === 'text' || kind === 'multi') return null;
  if (ok === 'any') return null;
  const phrase = KIND_PHRASE[kind] ?? kind;
  if (ok === 'text') {
    if (NOT_TEXT.includes(kind) || (kind === 'salutation' && d.kind === 'field' && d.field === 'jobTitle')) {
      return `every value is ${phrase}, which '${header}' as ${describe(d)} cannot hold`;
    }
    return null;
  }
  if (kind === 'salutation') return null;
  // Links that are all LinkedIn profiles belong to a LinkedIn field, not a generic website.
  if (kind === 'linkedin' && ok.includes('url')) return `every value is a LinkedIn URL`;
  if (kind === 'linkedin' && ok.includes('text')) return null;
  return ok.includes(kind) ? null : `every value is ${phrase}, which ${describe(d)} cannot hold`;
}

/** Destinations the values alone point to (used when the header says nothing, or something the values refute). */
function valueCandidates(object: TwentyObject, kind: ValueKind): { destination: Expected; score: number }[] {
  const fd = (field: string, subfield?: string): Expected =>
    subfield === undefined ? { kind: 'field', object, field } : { kind: 'field', object, field, subfield };
  if (object === 'person') {
    if (kind === 'email') return [{ destination: fd('emails', 'primaryEmail'), score: 0.6 }, { destination: fd('emails', 'additionalEmails'), score: 0.55 }];
    if (kind === 'phone') return [{ destination: fd('phones', 'primaryPhoneNumber'), score: 0.6 }];
    if (kind === 'callingCode') return [{ destination: fd('phones', 'primaryPhoneCallingCode'), score: 0.6 }];
    if (kind === 'linkedin') return [{ destination: fd('linkedinLink', 'primaryLinkUrl'), score: 0.6 }];
  }
  if (object === 'company' && kind === 'linkedin') return [{ destination: fd('linkedinLink', 'primaryLinkUrl'), score: 0.6 }];
  if (object === 'opportunity' && kind === 'email') return [{ destination: fd('pointOfContact'), score: 0.5 }];
  return [];
}

// ---------------------------------------------------------------------------------------------------------------
// Kartra's own columns

const f = (object: TwentyObject, field: string, subfield?: string): Expected =>
  subfield === undefined ? { kind: 'field', object, field } : { kind: 'field', object, field, subfield };
const custom = (type: Extract<Expected, { kind: 'custom' }>['type'], name?: string): Expected =>
  name === undefined ? { kind: 'custom', type } : { kind: 'custom', type, name };
const SKIP: Expected = { kind: 'skip' };

/** Where each Kartra lead field goes (issue 4, "Kartra decisions"). */
export const KARTRA_LEAD_DESTINATIONS: Record<LeadField, Expected> = {
  id: custom('TEXT', 'kartraLeadId'),
  first_name: f('person', 'name', 'firstName'),
  middle_name: custom('TEXT', 'middleName'),
  last_name: f('person', 'name', 'lastName'),
  last_name2: custom('TEXT', 'lastName2'),
  email: f('person', 'emails', 'primaryEmail'),
  phone_country_code: f('person', 'phones', 'primaryPhoneCallingCode'),
  phone: f('person', 'phones', 'primaryPhoneNumber'),
  company: f('person', 'company'),
  address: custom('ADDRESS', 'address'),
  city: custom('ADDRESS', 'address'),
  zip: custom('ADDRESS', 'address'),
  state: custom('ADDRESS', 'address'),
  country: custom('ADDRESS', 'address'),
  date_joined: f('person', 'createdAt'),
  website: custom('LINKS', 'website'),
  ip: custom('TEXT', 'kartraIp'),
  ip_country: custom('TEXT', 'kartraIpCountry'),
  facebook: custom('LINKS', 'facebook'),
  twitter: custom('LINKS', 'twitter'),
  linkedin: f('person', 'linkedinLink', 'primaryLinkUrl'),
  google_plus: SKIP,
  sales_tax_id: custom('TEXT', 'salesTaxId'),
  lead_picture: SKIP,
  source: custom('SELECT', 'kartraSource'),
  source_id: custom('TEXT', 'kartraSourceId'),
  score: custom('NUMBER', 'kartraScore'),
  referring_id: custom('TEXT', 'kartraReferringId'),
  blacklisted: custom('BOOLEAN', 'kartraBlacklisted'),
  notes: custom('TEXT', 'kartraNotes'),
  lead_preferred_time_zone: custom('TEXT', 'preferredTimeZone'),
  lead_deleted: custom('BOOLEAN', 'kartraLeadDeleted'),
  lead_deleted_date: custom('DATE_TIME', 'kartraLeadDeletedDate'),
  gdpr_lead_status: custom('SELECT', 'gdprLeadStatus'),
  gdpr_lead_status_date: custom('DATE_TIME', 'gdprLeadStatusDate'),
  gdpr_lead_status_ip: custom('TEXT', 'gdprLeadStatusIp'),
  gdpr_lead_communications: custom('TEXT', 'gdprLeadCommunications'),
  tags: custom('MULTI_SELECT', 'kartraTags'),
  lists: custom('MULTI_SELECT', 'kartraLists'),
  sequences: custom('MULTI_SELECT', 'kartraSequences'),
};

const SKIP_REASON: Partial<Record<LeadField, string>> = {
  google_plus: 'Google+ no longer exists',
  lead_picture: 'a Kartra-hosted picture URL Twenty cannot import as an avatar',
};

const o = (field: string, subfield?: string): Expected => f('opportunity', field, subfield);
const buyerSkip = 'buyer details belong to the Person the transaction points to';
const shippingSkip = 'shipping details are not kept on an Opportunity';

/** Where each of the 57 transaction columns goes, by transactionColumnKey; a string is a skip's reason. */
export const KARTRA_TRANSACTION_DESTINATIONS: Record<string, Expected | string> = {
  id: custom('TEXT', 'kartraTransactionId'),
  transaction_type: custom('SELECT', 'transactionType'),
  date: o('closeDate'),
  product: o('name'),
  price_point: custom('TEXT', 'pricePoint'),
  quantity: custom('NUMBER', 'quantity'),
  seller_username: 'the seller is the account owner itself',
  buyer_username: buyerSkip,
  buyer_name: buyerSkip,
  buyer_company: o('company'),
  sales_tax_id: custom('TEXT', 'salesTaxId'),
  buyer_email: o('pointOfContact'),
  buyer_country: buyerSkip,
  buyer_state: buyerSkip,
  buyer_city: buyerSkip,
  buyer_zip: buyerSkip,
  buyer_address: buyerSkip,
  buyer_phone_country: buyerSkip,
  buyer_phone: buyerSkip,
  buyer_ip: buyerSkip,
  amount: o('amount', 'amountMicros'),
  base_price: custom('CURRENCY', 'basePrice'),
  sales_tax: custom('CURRENCY', 'salesTax'),
  shipping_cost: custom('CURRENCY', 'shippingCost'),
  coupon_code: custom('TEXT', 'couponCode'),
  coupon_discount: custom('CURRENCY', 'couponDiscount'),
  revenue: custom('CURRENCY', 'revenue'),
  affiliate_username: custom('TEXT', 'affiliateUsername'),
  affiliate_name: custom('TEXT', 'affiliateName'),
  affiliate_email: custom('TEXT', 'affiliateEmail'),
  affiliate_revenue: custom('CURRENCY', 'affiliateRevenue'),
  jv_username: custom('TEXT', 'jvUsername'),
  jv_name: custom('TEXT', 'jvName'),
  jv_email: custom('TEXT', 'jvEmail'),
  jv_revenue: custom('CURRENCY', 'jvRevenue'),
  your_net_profit: custom('CURRENCY', 'netProfit'),
  tracking_link: custom('LINKS', 'trackingLink'),
  tracking_id1: custom('TEXT', 'trackingId1'),
  tracking_id2: custom('TEXT', 'trackingId2'),
  landing_page: custom('LINKS', 'landingPage'),
  processor: custom('SELECT', 'processor'),
  processor_transaction_id: custom('TEXT', 'processorTransactionId'),
  processor_subscription_id: custom('TEXT', 'processorSubscriptionId'),
  subscription_id: custom('TEXT', 'paymentSubscriptionId'),
  lead_id: custom('TEXT', 'kartraLeadId'),
  affiliate_id: custom('TEXT', 'kartraAffiliateId'),
  jv_id: custom('TEXT', 'kartraJvId'),
  shipping_name: shippingSkip,
  shipping_address: shippingSkip,
  shipping_city: shippingSkip,
  shipping_zip: shippingSkip,
  shipping_country: shippingSkip,
  shipping_state: shippingSkip,
  trial: custom('BOOLEAN', 'trial'),
  automatic_cancellation: custom('BOOLEAN', 'automaticCancellation'),
  subscription_payment_number: custom('NUMBER', 'subscriptionPaymentNumber'),
  rebill_reattempt: custom('BOOLEAN', 'rebillReattempt'),
};

/** The subscriptions report's own columns (the others mean what they mean in transactions), by transactionColumnKey. */
export const KARTRA_SUBSCRIPTION_DESTINATIONS: Record<string, Expected> = {
  // In the subscriptions report the subscription id is the record's key (in a payment, only a reference).
  subscription_id: custom('TEXT', 'kartraSubscriptionId'),
  status: custom('SELECT', 'subscriptionStatus'),
  recurrence_term: custom('SELECT', 'recurrenceTerm'),
  start_date: custom('DATE', 'subscriptionStartDate'),
  next_payment_date: custom('DATE', 'nextPaymentDate'),
  next_payment_amount: custom('CURRENCY', 'nextPaymentAmount'),
  payments_made: custom('NUMBER', 'paymentsMade'),
  // "Unlimited" or a count: text keeps both.
  payments_left: custom('TEXT', 'paymentsLeft'),
};

const COMPACT_LEAD_FIELDS = new Map(LEAD_FIELDS.map((l) => [l.replace(/_/g, ''), l] as const));

/** The Kartra lead field a header names (leadFieldOf, also for "LinkedIn", which normalises to `linked_in`). */
export function kartraLeadFieldOf(header: string): LeadField | undefined {
  return leadFieldOf(header) ?? COMPACT_LEAD_FIELDS.get(norm(header).replace(/_/g, ''));
}

/** Whether a header is one of Kartra's own columns for an export of this object (leads, or transactions). */
export function isKartraColumn(object: TwentyObject, header: string, subscriptions = false): boolean {
  if (object === 'person') return kartraLeadFieldOf(header) !== undefined;
  if (object === 'opportunity') return kartraOpportunityColumn(header, subscriptions) !== undefined;
  return false;
}

/**
 * Where a Kartra transaction (or, in a subscriptions report, subscription) column goes; a string is a skip's reason.
 * "Status" means a subscription's status only in Kartra's subscriptions report, not in any export of payments.
 */
function kartraOpportunityColumn(header: string, subscriptions = false): Expected | string | undefined {
  const key = transactionColumnKey(header);
  if (subscriptions && Object.hasOwn(KARTRA_SUBSCRIPTION_DESTINATIONS, key)) return KARTRA_SUBSCRIPTION_DESTINATIONS[key];
  return TRANSACTION_COLUMN_KEYS.has(key) ? KARTRA_TRANSACTION_DESTINATIONS[key] : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Custom-field plans for columns no standard field takes

/** "How did you hear about us?" → "howDidYouHearAboutUs"; a leading digit gets a "field" prefix. */
export function camelName(header: string): string {
  const parts = norm(header).split('_').filter(Boolean);
  if (parts.length === 0) return 'customField';
  const name = parts.map((p, i) => (i === 0 ? p : p[0]!.toUpperCase() + p.slice(1))).join('');
  return (/^[a-z]/.test(name) ? name : `field${name[0]!.toUpperCase()}${name.slice(1)}`).slice(0, MAX_IDENTIFIER_LENGTH);
}

const SELECT_WORDS = /(^|_)(status|stage|type|gender|industry|method|pipeline|source|category|segment|level|tier|hear|plan|preference|preferred|lifecycle|channel|language)(_|$)/;
const MULTI_WORDS = /(^|_)(tags|interests|lists|skills|topics|categories|groups|segments)(_|$)/;
const LINK_WORDS = /(^|_)(website|url|link|page|instagram|facebook|twitter|tiktok|youtube|x_handle|handle)(_|$)/;
const ID_WORDS = /(^|_)(id|uid|code|number|no)$/;
const IDENTIFIER_HEADER = /_(id|uid|guid|uuid)$/;
const RANGE = /^[<>≤≥]?\s*[$€£]?\d+[kKmM]?\+?(\s*[-–]\s*[$€£]?\d+[kKmM]?)?\+?$/;

/** A new custom field for a column, typed from its header and values. */
export function customPlan(header: string, samples: readonly string[], kind: ValueKind): { destination: Expected; reason: string } {
  const key = norm(header);
  const name = camelName(header);
  const plan = (type: Extract<Expected, { kind: 'custom' }>['type'], reason: string) => ({ destination: custom(type, name), reason });
  const filled = samples.map((s) => s.trim()).filter(Boolean);
  if (MULTI_WORDS.test(key) || kind === 'multi') return plan('MULTI_SELECT', kind === 'multi' ? 'values hold several items each' : `'${header}' names a list of values`);
  if (/rating/.test(key) && filled.every((s) => /^[0-5]$/.test(s))) return plan('RATING', 'a 0–5 rating');
  // A handle ("@ana.r") is not a link: Twenty would store it as a broken URL.
  if (LINK_WORDS.test(key) && (kind === 'url' || kind === 'linkedin' || kind === 'empty')) return plan('LINKS', `'${header}' names a link`);
  switch (kind) {
    case 'email': return plan('EMAILS', 'every value is an email');
    case 'phone': return plan('PHONES', 'every value is a phone number');
    case 'url': case 'linkedin': return plan('LINKS', 'every value is a URL');
    case 'date': return plan('DATE', 'every value is a date');
    case 'datetime': return plan('DATE_TIME', 'every value is a date-time');
    case 'boolean': return plan('BOOLEAN', 'every value is yes/no');
    case 'money': return plan('CURRENCY', 'every value is an amount');
    default: break;
  }
  const identifier = ID_WORDS.test(key) || (filled.length > 0 && filled.every((s) => /^\d{9,}$/.test(s)));
  if ((kind === 'integer' || kind === 'number') && !identifier) return plan('NUMBER', 'every value is a number');
  if (identifier) return plan('TEXT', 'an identifier, kept as text');
  if (filled.length > 0 && filled.every((s) => RANGE.test(s) && /\d/.test(s) && /[-–<>+k]/i.test(s))) return plan('SELECT', 'values are ranges (buckets)');
  if (kind === 'salutation') return plan('SELECT', 'every value is a salutation');
  if (SELECT_WORDS.test(key)) return plan('SELECT', `'${header}' names a category`);
  if (filled.length >= 2 && new Set(filled).size < filled.length) return plan('SELECT', 'values repeat');
  return plan('TEXT', 'free text');
}

// ---------------------------------------------------------------------------------------------------------------
// Proposing

type Candidate = { destination: Expected; score: number; tier: Tier; reason: string };

const destKey = (d: Expected): string =>
  d.kind === 'field' ? `${d.object}.${d.field}${d.subfield ? `.${d.subfield}` : ''}` : d.kind === 'custom' ? `custom:${d.type}:${d.name ?? ''}` : 'skip';

export function describe(d: Expected): string {
  if (d.kind === 'field') return `${d.object}.${d.field}${d.subfield ? `.${d.subfield}` : ''}`;
  if (d.kind === 'custom') return `new ${d.type} field${d.name ? ` ${d.name}` : ''}`;
  return 'skip';
}

type FuseDoc = { destination: Expected; text: string };

function fuseFor(object: TwentyObject, fields: readonly CandidateField[]): Fuse<FuseDoc> {
  const docs: FuseDoc[] = [];
  const seen = new Set<string>();
  for (const c of fields) {
    if (c.object !== object) continue;
    const d: Expected = c.subfield === undefined ? f(c.object, c.field) : f(c.object, c.field, c.subfield);
    docs.push({ destination: d, text: c.label.replace(/\s*\/\s*/g, ' ').trim().toLowerCase() });
    const k = destKey(d);
    if (!seen.has(k)) {
      seen.add(k);
      docs.push({ destination: d, text: (c.subfield ?? c.field).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase() });
    }
  }
  for (const e of synonymEntries(object)) {
    if (e.weak || e.destination.kind !== 'field') continue;
    for (const h of e.headers) docs.push({ destination: e.destination, text: h.replace(/_/g, ' ') });
  }
  return new Fuse(docs, { keys: ['text'], includeScore: true, ignoreLocation: true, threshold: 0.3 });
}

/** Fuse scores above this are too loose to propose even as a suggestion ("Account" is not "Country Code"). */
const FUZZY_MAX = 0.25;

const isStandard = (d: Expected): d is Extract<Expected, { kind: 'field' }> => d.kind === 'field';

function candidatesOf(
  object: TwentyObject,
  column: ProposeColumn,
  fuse: Fuse<FuseDoc>,
  /** The fields offered, by destination key; the value is the type of a custom field already in the workspace. */
  fieldKeys: Map<string, string | undefined>,
  kartra: { ownExport: boolean; subscriptions: boolean },
): { list: Candidate[]; vetoes: string[]; kind: ValueKind } {
  const { header, samples } = column;
  const sampled = columnKind(samples);
  // The reader's profile saw the whole column: it decides when the samples alone say nothing specific.
  const profiled = column.valueType === undefined ? undefined : PROFILE_KINDS[column.valueType];
  // and sentences with commas in five samples are not a list, nor postcodes phone numbers, when the whole column
  // says otherwise.
  const kind =
    (sampled === 'empty' || sampled === 'text') && profiled !== undefined
      ? profiled
      : (sampled === 'multi' || sampled === 'phone') && column.valueType !== undefined && profiled !== sampled
        ? (profiled ?? 'text')
        : sampled;
  const filled = samples.map((v) => v.trim()).filter(Boolean);
  const linkless = filled.length > 0 && !filled.some(looksLikeLink);
  const list: Candidate[] = [];
  const add = (c: Candidate): void => {
    if (isStandard(c.destination) && !fieldKeys.has(destKey(c.destination)) && c.destination.field !== 'createdAt') return;
    list.push(c);
  };

  // (1) Kartra's own columns.
  if (object === 'person' && kartra.ownExport) {
    const lead = kartraLeadFieldOf(header);
    if (lead) {
      const d = KARTRA_LEAD_DESTINATIONS[lead];
      const reason = d.kind === 'skip' ? `Kartra field \`${lead}\`: ${SKIP_REASON[lead] ?? 'not imported'}` : `Kartra API field \`${lead}\``;
      add({ destination: d, score: 1, tier: 'exact', reason });
    }
  }
  if (object === 'opportunity' && kartra.ownExport) {
    const t = kartraOpportunityColumn(header, kartra.subscriptions);
    if (t !== undefined) {
      if (typeof t === 'string') add({ destination: SKIP, score: 1, tier: 'exact', reason: `Kartra transaction column \`${header}\`: ${t}` });
      else add({ destination: t, score: 1, tier: 'exact', reason: `Kartra transaction column \`${header}\`` });
    }
  }

  // Other CRMs' bookkeeping columns.
  const skip = SKIP_HEADERS.get(norm(header));
  if (skip !== undefined) add({ destination: SKIP, score: 0.92, tier: 'confident', reason: `'${header}': ${skip}` });

  // (2) Curated synonyms.
  for (const hit of synonymHits(object, header)) {
    add({
      destination: hit.destination,
      score: hit.weak ? 0.7 : 0.9,
      tier: hit.weak ? 'suggested' : 'confident',
      reason: `header '${header}' is a known name for ${describe(hit.destination)}`,
    });
  }

  // (3) Fuzzy match over labels, field names and synonyms; a header such as "Surname / Company" also by its parts.
  // Prefixes such as Pipedrive's "Person - " make " - " a separator too.
  const parts = header.split(/\s*[/|]\s*|\s+[-–]\s+/).filter((p) => p.trim() !== '');
  const queries = [{ text: header, factor: 1 }, ...(parts.length > 1 ? parts.map((text, i) => ({ text, factor: 0.8 - 0.05 * i })) : [])];
  const best = new Map<string, Candidate>();
  for (const q of queries) {
    const query = norm(q.text).replace(/_/g, ' ');
    if (query.length < 3) continue;
    for (const hit of q.factor < 1 ? synonymHits(object, q.text) : []) {
      const k = destKey(hit.destination);
      const score = (hit.weak ? 0.7 : 0.9) * q.factor;
      if ((best.get(k)?.score ?? 0) < score) best.set(k, { destination: hit.destination, score, tier: 'suggested', reason: `part '${q.text}' of '${header}' is a known name for ${describe(hit.destination)}` });
    }
    for (const r of fuse.search(query)) {
      const s = r.score ?? 1;
      if (s > FUZZY_MAX) continue;
      const k = destKey(r.item.destination);
      const score = 0.85 * (1 - s) * q.factor;
      if ((best.get(k)?.score ?? 0) >= score) continue;
      best.set(k, {
        destination: r.item.destination,
        score,
        tier: s <= 0.01 && q.factor === 1 ? 'confident' : 'suggested',
        reason: `label '${q.text}' matched '${r.item.text}' fuzzily (${s.toFixed(2)})`,
      });
    }
  }
  // A header that ends with a known name ("Mailing City", "Street Address 1") is a suggestion, never auto-accepted.
  for (const hit of synonymSuffixHits(object, header)) {
    const k = destKey(hit.destination);
    if ((best.get(k)?.score ?? 0) < 0.72) best.set(k, { destination: hit.destination, score: 0.72, tier: 'suggested', reason: `'${header}' ends with '${hit.synonym.replace(/_/g, ' ')}', a known name for ${describe(hit.destination)}` });
  }
  for (const c of best.values()) add(c);

  // (4) Value evidence: veto what the values refute, boost what they confirm, propose what they point to.
  const vetoes: string[] = [];
  const kept: Candidate[] = [];
  for (const c of list) {
    const why = veto(c.destination, kind, header, linkless, c.destination.kind === 'field' ? fieldKeys.get(destKey(c.destination)) : undefined);
    if (why) vetoes.push(`${describe(c.destination)}: ${why}`);
    else kept.push(c);
  }
  const phrase = KIND_PHRASE[kind];
  for (const c of kept) {
    const ok = accepts(c.destination);
    if (phrase && Array.isArray(ok) && ok.includes(kind) && c.destination.kind === 'field') {
      c.score = Math.min(1, c.score + 0.05);
      if (c.tier === 'suggested' && c.score >= 0.85) c.tier = 'confident';
    }
  }
  for (const v of valueCandidates(object, kind)) {
    if (kept.some((c) => destKey(c.destination) === destKey(v.destination))) continue;
    kept.push({ ...v, tier: 'suggested', reason: `every value is ${phrase ?? kind}` });
  }
  // "Company ID" names an identifier: a standard field found by its other words is at most a suggestion.
  if (IDENTIFIER_HEADER.test(norm(header))) {
    for (const c of kept) if (c.tier === 'confident' && c.destination.kind === 'field') c.tier = 'suggested';
  }
  return { list: kept, vetoes, kind };
}

/** Secondary parts and the primary one they stand behind. */
const PRIMARY_OF: readonly (readonly [secondary: string, primary: string, field: string])[] = [
  ['additionalEmails', 'primaryEmail', 'emails'],
  ['additionalPhones', 'primaryPhoneNumber', 'phones'],
];

/**
 * A second email or phone is second to something: when no column fills the primary part, the column picked for the
 * additional part fills the primary one instead ("Emails" alone is the person's email).
 */
function promoteToPrimary(object: TwentyObject, chosen: Map<number, Candidate>, taken: Set<string>): void {
  for (const [secondary, primary, field] of PRIMARY_OF) {
    const primaryKey = destKey(f(object, field, primary));
    if (taken.has(primaryKey)) continue;
    for (const [col, c] of chosen) {
      if (c.destination.kind !== 'field' || c.destination.subfield !== secondary) continue;
      chosen.set(col, { ...c, destination: f(object, field, primary), reason: `${c.reason}; no other column gives the ${primary === 'primaryEmail' ? 'main email' : 'main phone'}, so this one does` });
      taken.delete(destKey(c.destination));
      taken.add(primaryKey);
      break;
    }
  }
}

export type ProposeOptions = {
  fields?: readonly CandidateField[];
  /**
   * The export is one of Kartra's own (the reader recognised a leads, transactions or subscriptions export): only then
   * are Kartra's column names evidence. A "state" column in another tool's export may be anything. Default true.
   */
  kartra?: boolean;
  /** The export is Kartra's subscriptions report: its own columns (Status, Payments left...) are known exactly. */
  subscriptions?: boolean;
};

/** Propose a destination for every column of one export, whose rows become records of `object`. */
export function proposeMapping(object: TwentyObject, columns: readonly ProposeColumn[], options: ProposeOptions = {}): Proposal[] {
  const fields = options.fields ?? PROPOSER_FIELDS;
  const fieldKeys = new Map(
    fields
      .filter((c) => c.object === object)
      .map((c) => [destKey(c.subfield === undefined ? f(c.object, c.field) : f(c.object, c.field, c.subfield)), c.custom ? c.type : undefined] as const),
  );
  const fuse = fuseFor(object, fields);
  const kartra = { ownExport: options.kartra ?? true, subscriptions: options.subscriptions ?? false };
  const perColumn = columns.map((c) => candidatesOf(object, c, fuse, fieldKeys, kartra));

  // Global assignment: every (column, destination) pair, best first; a standard field goes to one column only.
  const all = perColumn.flatMap((p, col) => p.list.map((c) => ({ col, c })));
  all.sort((a, b) => b.c.score - a.c.score || a.col - b.col);
  const chosen = new Map<number, Candidate>();
  const taken = new Set<string>();
  for (const { col, c } of all) {
    if (chosen.has(col)) continue;
    if (isStandard(c.destination)) {
      const k = destKey(c.destination);
      if (taken.has(k)) continue;
      taken.add(k);
    }
    chosen.set(col, c);
  }
  promoteToPrimary(object, chosen, taken);

  return columns.map((column, i) => {
    const p = perColumn[i]!;
    let pick = chosen.get(i);
    if (!pick) {
      const filled = column.samples.some((s) => s.trim() !== '');
      const vetoNote = p.vetoes.length > 0 ? ` (${p.vetoes[0]})` : '';
      if (!filled) {
        pick = { destination: SKIP, score: 0, tier: 'none', reason: `no standard field fits '${column.header}' and the samples are empty${vetoNote}` };
      } else {
        const plan = customPlan(column.header, column.samples, p.kind);
        pick = { destination: plan.destination, score: 0.3, tier: 'suggested', reason: `no standard field fits '${column.header}'; new field: ${plan.reason}${vetoNote}` };
      }
    } else if (p.vetoes.length > 0 && pick.tier !== 'exact') {
      pick = { ...pick, reason: `${pick.reason}; not ${p.vetoes[0]}` };
    }
    const pickKey = destKey(pick.destination);
    const seen = new Set([pickKey]);
    const alternatives: Proposal['alternatives'] = [];
    for (const c of [...p.list].sort((a, b) => b.score - a.score)) {
      const k = destKey(c.destination);
      if (seen.has(k)) continue;
      seen.add(k);
      alternatives.push({ destination: c.destination, score: round(c.score), reason: c.reason });
      if (alternatives.length === 3) break;
    }
    return { header: column.header, destination: pick.destination, tier: pick.tier, score: round(pick.score), alternatives, reason: pick.reason };
  });
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
