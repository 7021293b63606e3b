/**
 * Decisions about Kartra's own fields that a user should not have to make (issue 4, "Kartra decisions"): what the
 * migration's fields are called and labelled in Twenty, which are unique keys, which subfield of the address each
 * address column fills, the meanings of the GDPR status codes, and the time zone of Kartra's dates.
 */
import type { LeadField } from '../kartra/columns.js';
import type { ExportKind } from '../kartra/kind.js';
import type { TwentyObject } from './corpus.js';

/** Kartra writes its dates without an offset, in US-Eastern wall-clock time (kartra-exports.md §1.4). */
export const KARTRA_TIME_ZONE = 'America/New_York';

/**
 * The field each Kartra export's records are found again by: unique in Twenty, so upserts, resume and rollback match
 * on it. Subscriptions get their own key: a payment's subscription id is not unique (a subscription has many
 * payments), so transactions keep theirs in `paymentSubscriptionId`.
 */
export const RECORD_KEYS: Partial<Record<ExportKind, { object: TwentyObject; field: string }>> = {
  leads: { object: 'person', field: 'kartraLeadId' },
  transactions: { object: 'opportunity', field: 'kartraTransactionId' },
  subscriptions: { object: 'opportunity', field: 'kartraSubscriptionId' },
};

/** Companies come from the leads' company column: found again by their normalised name, kept in this field. */
export const COMPANY_KEY = 'kartraCompanyKey';

/**
 * A column sent to a record's `noteTargets` (its notes, in Twenty's model) becomes a Note attached to the record:
 * Kartra's notes column goes there, not into a text field nobody reads.
 */
export const NOTES_FIELD = 'noteTargets';

/** Where a phone that is not a valid number is kept, as written, so it is never dropped. */
export const PHONE_AS_WRITTEN = 'kartraPhoneAsWritten';

/** Fields the import needs whatever the columns say; kept in a mapping even when no column fills them. */
export function isImportField(object: TwentyObject, field: string): boolean {
  return (object === 'company' && field === COMPANY_KEY) || (object === 'person' && field === PHONE_AS_WRITTEN);
}

/** Whether a field is one of the migration's record keys (unique TEXT, never renamed or retyped). */
export function isRecordKey(object: TwentyObject, field: string): boolean {
  return (object === 'company' && field === COMPANY_KEY) || Object.values(RECORD_KEYS).some((k) => k.object === object && k.field === field);
}

/** Kartra's address columns fill one ADDRESS field, each its own part. */
export const ADDRESS_SUBFIELDS: Partial<Record<LeadField, string>> = {
  address: 'addressStreet1',
  city: 'addressCity',
  zip: 'addressPostcode',
  state: 'addressState',
  country: 'addressCountry',
};

/** `gdpr_lead_status` codes and what they mean (kartra-exports.md §1.2). */
export const GDPR_STATUS_MEANINGS: readonly (readonly [code: string, label: string])[] = [
  ['0', 'GDPR off'],
  ['1', 'Not subject to GDPR'],
  ['2', 'Accepted'],
  ['3', 'Not accepted'],
  ['4', 'Unknown'],
  ['5', 'Pending'],
];

/** Readable labels for the fields this tool creates; other planned fields are labelled by their column's header. */
export const FIELD_LABELS: Record<string, string> = {
  kartraLeadId: 'Kartra lead ID',
  kartraTags: 'Kartra tags',
  kartraLists: 'Kartra lists',
  kartraSequences: 'Kartra sequences',
  kartraSource: 'Kartra source',
  kartraSourceId: 'Kartra source ID',
  kartraScore: 'Kartra score',
  kartraBlacklisted: 'Blacklisted in Kartra',
  kartraReferringId: 'Kartra referring ID',
  kartraNotes: 'Kartra notes',
  kartraIp: 'IP address (Kartra)',
  kartraIpCountry: 'IP country (Kartra)',
  kartraLeadDeleted: 'Deleted in Kartra',
  kartraLeadDeletedDate: 'Deleted in Kartra on',
  gdprLeadStatus: 'GDPR status',
  gdprLeadStatusDate: 'GDPR status date',
  gdprLeadStatusIp: 'GDPR status IP',
  gdprLeadCommunications: 'GDPR communications',
  kartraTransactionId: 'Kartra transaction ID',
  kartraSubscriptionId: 'Kartra subscription ID',
  paymentSubscriptionId: 'Kartra subscription ID (of this payment)',
  kartraCompanyKey: 'Kartra company key',
  kartraPhoneAsWritten: 'Phone as written in Kartra',
  kartraAffiliateId: 'Kartra affiliate ID',
  kartraJvId: 'Kartra JV partner ID',
  transactionType: 'Transaction type',
  subscriptionStatus: 'Subscription status',
};
