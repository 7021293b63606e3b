import { basename } from 'node:path';
import {
  SUBSCRIPTION_MARKERS,
  TXT_IMPORT_COLUMNS,
  TRANSACTION_COLUMN_KEYS,
  TRANSACTION_COLUMNS,
  leadFieldOf,
  normalizeHeader,
  transactionColumnKey,
} from './columns.js';

export type ExportKind = 'leads' | 'transactions' | 'subscriptions' | 'contact-list' | 'unknown';

export interface KindDetection {
  kind: ExportKind;
  /** 0..1: how sure the reader is, from the header first and the file name second. */
  confidence: number;
  /** Why, for a person: "56 of the 57 transaction columns", "file name contacts_kartra_<date>_<id>.csv". */
  reasons: string[];
}

const LEADS_FILE = /^contacts_kartra_\d{2}-\d{2}-\d{4}_[0-9a-f]{13}\b/i;
const TRANSACTIONS_FILE = /^report_all_transactions/i;
const SUBSCRIPTIONS_FILE = /^subscriptions?[_ -]/i;
/** Leads exports always carry these; a generic contact list has an email and little else of Kartra's. */
const LEAD_SIGNATURE = ['id', 'first_name', 'email', 'phone_country_code', 'date_joined'] as const;

/** Which kind of Kartra export a file is, from its header and its name. */
export function detectKind(path: string, header: string[], hasHeader: boolean): KindDetection {
  const name = basename(path);
  if (!hasHeader) {
    const txt = header.length === TXT_IMPORT_COLUMNS.length;
    return {
      kind: 'contact-list',
      confidence: txt ? 0.7 : 0.4,
      reasons: [txt ? "no header, 7 columns: Kartra's TXT import format (first, last, email, city, zip, state, phone)" : 'no header row'],
    };
  }
  const keys = new Set(header.map(transactionColumnKey));
  const transactionHits = [...TRANSACTION_COLUMN_KEYS].filter((k) => keys.has(k)).length;
  if (transactionHits >= 20) {
    const reasons = [`${transactionHits} of the ${TRANSACTION_COLUMNS.length} transaction-report columns`];
    let confidence = transactionHits / TRANSACTION_COLUMNS.length;
    if (TRANSACTIONS_FILE.test(name)) {
      reasons.push('file name report_all_transactions');
      confidence = Math.min(1, confidence + 0.1);
    }
    return { kind: 'transactions', confidence: round(confidence), reasons };
  }

  const normalized = new Set(header.map(normalizeHeader));
  const subscriptionHits = [...SUBSCRIPTION_MARKERS].filter((k) => normalized.has(k)).length;
  if (subscriptionHits >= 3) {
    const reasons = [`${subscriptionHits} of the ${SUBSCRIPTION_MARKERS.size} subscription columns (Status, Recurrence_Term, Next payment date...)`];
    let confidence = 0.5 + (0.4 * subscriptionHits) / SUBSCRIPTION_MARKERS.size;
    if (SUBSCRIPTIONS_FILE.test(name)) {
      reasons.push('file name subscriptions_...');
      confidence += 0.1;
    }
    return { kind: 'subscriptions', confidence: round(Math.min(1, confidence)), reasons };
  }

  const leadFields = new Set(header.map(leadFieldOf).filter((f) => f !== undefined));
  const signature = LEAD_SIGNATURE.filter((f) => leadFields.has(f));
  const namedLeads = LEADS_FILE.test(name);
  if (leadFields.has('email') && (signature.length >= 3 || namedLeads)) {
    const reasons = [`${signature.length} of Kartra's lead columns ${LEAD_SIGNATURE.join(', ')}`, `${leadFields.size} known lead fields in all`];
    let confidence = 0.4 + (0.4 * signature.length) / LEAD_SIGNATURE.length + Math.min(0.1, leadFields.size / 200);
    if (namedLeads) {
      reasons.push('file name contacts_kartra_<DD-MM-YYYY>_<id>.csv');
      confidence += 0.1;
    }
    return { kind: 'leads', confidence: round(Math.min(1, confidence)), reasons };
  }
  if (leadFields.has('email')) {
    return { kind: 'contact-list', confidence: 0.6, reasons: ['an email column, but few of Kartra\'s lead columns'] };
  }
  return { kind: 'unknown', confidence: 0, reasons: ['no email column and no Kartra transaction or subscription columns'] };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
