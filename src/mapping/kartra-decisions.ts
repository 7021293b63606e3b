/**
 * Decisions about Kartra's own fields that a user should not have to make (issue 4, "Kartra decisions"): what the
 * migration's fields are called and labelled in Twenty, which are unique keys, which subfield of the address each
 * address column fills, the meanings of the GDPR status codes, and the time zone of Kartra's dates.
 */
import type { LeadField } from '../kartra/columns.js';
import type { TwentyObject } from './corpus.js';

/** Kartra writes its dates without an offset, in US-Eastern wall-clock time (kartra-exports.md §1.4). */
export const KARTRA_TIME_ZONE = 'America/New_York';

/**
 * The external ids of the records a migration writes. Unique, so upserts, resume and rollback can match on them.
 * (A transaction's `lead_id` is not unique on opportunities: a lead buys many times.)
 */
export const UNIQUE_KEYS: Partial<Record<TwentyObject, string>> = {
  person: 'kartraLeadId',
  opportunity: 'kartraTransactionId',
};

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
  kartraAffiliateId: 'Kartra affiliate ID',
  kartraJvId: 'Kartra JV partner ID',
  transactionType: 'Transaction type',
  subscriptionStatus: 'Subscription status',
};
