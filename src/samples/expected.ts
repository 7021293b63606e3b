import { z } from 'zod';
import { FINDING_CODES, type FindingCode } from '../kartra/findings.js';

/**
 * expected.json: what a correct reader must report for a generated set. Every figure is the generator's own record
 * of what it wrote, never a re-reading of the files.
 *
 * Counting conventions (the reader's, see src/kartra/findings.ts):
 * - Lines are physical: the header is line 1 and a quoted newline moves the next record down.
 * - Cell findings count every data row, rejected and duplicate rows included. Rejected, duplicate and ragged rows
 *   are generated without any other finding, so a reader that skips them counts the same.
 * - Transactions: `rows` counts every data row; `byType` and `netRevenue` count each transaction ID once (a
 *   concatenated export repeats one row verbatim, listed in `duplicateIds`).
 * - Companies: the distinct companies of the people kept (people_detail; a rejected row brings none), one per key of
 *   `companyKey` (src/samples/companies.ts, where the normalisation rule is written out).
 */

const FINDING_CODE_VALUES = Object.keys(FINDING_CODES) as [FindingCode, ...FindingCode[]];
const count = z.number().int().nonnegative();
/** Every finding code, with 0 when the file kind cannot have it. */
const FindingCountsSchema = z.record(z.enum(FINDING_CODE_VALUES), count);

const RowRefSchema = z.object({ file: z.string(), line: z.number().int().min(2) });

export const TRANSACTION_TYPES = ['Sale', 'Rebill', 'Failed', 'Cancellation', 'Request Can.', 'Revert Can.', 'Refund', 'Partial refund', 'Chargeback'] as const;
export const SUBSCRIPTION_STATUSES = ['Active', 'Pending Cancellation', 'Cancelled', 'Terminated', 'Paused'] as const;
/** The transaction types that decide a subscription's state (kartra-exports.md §3.6). */
export const LIFECYCLE_EVENTS = ['Sale', 'Rebill', 'Request Can.', 'Revert Can.', 'Cancellation'] as const;

export type TransactionType = (typeof TRANSACTION_TYPES)[number];
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];
export type LifecycleEvent = (typeof LIFECYCLE_EVENTS)[number];

export const PersonDetailSchema = z.object({
  file: z.string(),
  line: z.number().int().min(2),
  kartraLeadId: z.string(),
  /** Trimmed and lowercased. */
  email: z.string(),
  /** As written, trimmed (a pre-garbled name stays garbled). */
  firstName: z.string(),
  lastName: z.string(),
  /** The company cell as written, trimmed; null when blank. Companies are counted in the top-level `companies`. */
  company: z.string().nullable(),
  /** Split, trimmed, case-insensitively deduplicated; a duplicate row's values appended after the winner's. */
  tags: z.array(z.string()),
  lists: z.array(z.string()),
  phoneE164: z.string().nullable(),
  /** date_joined read as America/New_York wall time, ISO 8601 with offset; null when there is no date. */
  createdAt: z.string().nullable(),
});

export const LeadChunkSchema = z.object({
  file: z.string(),
  encoding: z.enum(['utf-8', 'windows-1252']),
  bom: z.boolean(),
  eol: z.enum(['lf', 'crlf']),
  /** Separator of tags, lists and checkbox custom fields. */
  separator: z.enum([';', ',']),
  rows: count,
  blankFinalLine: z.boolean(),
});

export const ExpectedSchema = z.object({
  version: z.literal(1),
  seed: z.number().int(),
  leadsRequested: count,
  messy: z.boolean(),
  customFields: count,
  headerStyle: z.enum(['api', 'label', 'mixed']),
  /** Eastern wall time of the export, `YYYY-MM-DD HH:MM:SS`; every date in the set is earlier. */
  exportedAt: z.string(),
  files: z.object({
    leads: z.array(z.string()),
    transactions: z.array(z.string()),
    subscriptions: z.array(z.string()),
  }),
  leads: z.object({
    chunks: z.array(LeadChunkSchema),
    /** Data rows across the lead files (no header, no blank lines). */
    rows: count,
    /** rows − rejects − duplicates. */
    people: count,
    rejects: z.array(RowRefSchema.extend({ reason: z.enum(['missing_email', 'invalid_email', 'ragged_row']) })),
    duplicates: z.array(RowRefSchema.extend({ duplicateOf: RowRefSchema, key: z.enum(['id', 'email']) })),
    /** One entry per person, in file then line order; left out above 5,000 leads. */
    people_detail: z.array(PersonDetailSchema).optional(),
    findings: FindingCountsSchema,
  }),
  transactions: z.object({
    rows: count,
    /** Distinct transaction IDs. */
    distinctRows: count,
    byType: z.record(z.enum(TRANSACTION_TYPES), count),
    /** Sum of `Revenue (USD)` over distinct rows (Sale and Rebill positive; Refund, Partial refund, Chargeback negative). */
    netRevenue: z.string().regex(/^-?\d+\.\d{2}$/),
    /** Transaction IDs written more than once, with every line they are on. */
    duplicateIds: z.array(z.object({ id: z.string(), lines: z.array(z.number().int().min(2)) })),
    /** Distinct `lead_id`s that no lead file contains (deleted leads). */
    leadIdsMissingFromLeads: z.array(z.string()),
    /** Subscriptions whose rebills carry a different Buyer_Email than their sale. */
    buyerEmailChanges: z.array(z.object({ subscriptionId: z.string(), leadId: z.string(), saleEmail: z.string(), laterEmail: z.string() })),
    findings: FindingCountsSchema,
  }),
  subscriptions: z.object({
    rows: count,
    byStatus: z.record(z.enum(SUBSCRIPTION_STATUSES), count),
    /** Active + Pending Cancellation in the subscriptions file. */
    active: count,
    /** Subscriptions by their last lifecycle event in the transactions file. */
    byLastEvent: z.record(z.enum(LIFECYCLE_EVENTS), count),
    /**
     * Subscriptions whose last event is Sale, Rebill, Revert Can. or Request Can. A pause writes no transaction, so
     * this equals `active` + Paused: the transactions alone cannot see a pause.
     */
    activeByLastEvent: count,
    /** Rows whose `Subscription ID` is not the transactions' `subscription_id` (PayPal's own id was exported). */
    idMismatches: z.array(z.object({ line: z.number().int().min(2), subscriptionId: z.string(), transactionsSubscriptionId: z.string() })),
    findings: FindingCountsSchema,
  }),
  /** Counted whether or not people_detail is written. */
  companies: z.object({
    count,
    /** One display name per company, the first spelling in people_detail order (file, then line). */
    names: z.array(z.string()),
  }).refine((c) => c.count === c.names.length, { message: 'companies.count must equal the number of names' }),
  /** The opportunities a migration creates, for reconciliation: `transactions.distinctRows` and `subscriptions.rows`. */
  opportunities: z.object({
    fromTransactions: count,
    fromSubscriptions: count,
  }),
});

export type Expected = z.infer<typeof ExpectedSchema>;
export type PersonDetail = z.infer<typeof PersonDetailSchema>;
export type LeadChunk = z.infer<typeof LeadChunkSchema>;
