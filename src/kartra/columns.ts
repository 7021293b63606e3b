/**
 * Kartra's own column names, in the spellings its exports use. See ../shared/docs/kartra-exports.md §1.4 (lead API
 * fields), §3.2 (the 57 transaction columns) and §3.5 / Fixture spec F3 (subscriptions).
 */

/** "First Name", "first_name", "FirstName", "Amount (USD)" → "first_name", "first_name", "first_name", "amount_usd". */
export function normalizeHeader(header: string): string {
  return header
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** The lead fields of Kartra's API (§1.4), plus the multi-valued columns an export adds. */
export const LEAD_FIELDS = [
  'id', 'first_name', 'middle_name', 'last_name', 'last_name2', 'email', 'phone_country_code', 'phone', 'company',
  'address', 'city', 'zip', 'state', 'country', 'date_joined', 'website', 'ip', 'ip_country', 'facebook', 'twitter',
  'linkedin', 'google_plus', 'sales_tax_id', 'lead_picture', 'source', 'source_id', 'score', 'referring_id',
  'blacklisted', 'notes', 'lead_preferred_time_zone', 'lead_deleted', 'lead_deleted_date', 'gdpr_lead_status',
  'gdpr_lead_status_date', 'gdpr_lead_status_ip', 'gdpr_lead_communications', 'tags', 'lists', 'sequences',
] as const;

export type LeadField = (typeof LEAD_FIELDS)[number];

/** Label-style spellings whose normalised form differs from the API name. */
const LEAD_ALIASES: Record<string, LeadField> = {
  first: 'first_name',
  last: 'last_name',
  lead_id: 'id',
  contact_id: 'id',
  email_address: 'email',
  e_mail: 'email',
  phone_number: 'phone',
  country_code: 'phone_country_code',
  phone_code: 'phone_country_code',
  company_name: 'company',
  zip_code: 'zip',
  postal_code: 'zip',
  postcode: 'zip',
  joined: 'date_joined',
  join_date: 'date_joined',
  date_added: 'date_joined',
  signup_date: 'date_joined',
  last_name_2: 'last_name2',
  second_last_name: 'last_name2',
  ip_address: 'ip',
  lead_score: 'score',
  blacklist: 'blacklisted',
  time_zone: 'lead_preferred_time_zone',
  preferred_time_zone: 'lead_preferred_time_zone',
  gdpr_status: 'gdpr_lead_status',
  gdpr_communications: 'gdpr_lead_communications',
  tag: 'tags',
  list: 'lists',
  sequence: 'sequences',
};

const LEAD_FIELD_SET = new Set<string>(LEAD_FIELDS);

/** The Kartra lead field a header names, in any of its spellings, or undefined for a custom field. */
export function leadFieldOf(header: string): LeadField | undefined {
  const normalized = normalizeHeader(header);
  if (LEAD_FIELD_SET.has(normalized)) return normalized as LeadField;
  return LEAD_ALIASES[normalized];
}

/** Kartra's lead fields that hold dates. */
const LEAD_DATE_FIELDS = new Set<LeadField>(['date_joined', 'gdpr_lead_status_date', 'lead_deleted_date']);
/** The transactions report's `Date`, the subscriptions export's `Start date` and `Next payment date`. */
const REPORT_DATE_COLUMNS = new Set(['date', 'start_date', 'next_payment_date']);

/**
 * A column Kartra fills with dates: a value in it that is not a date is reported (unparseable_date) whatever most of
 * the column holds, so an export whose join dates are nearly all damaged does not read as a clean text column.
 */
export function isKartraDateColumn(header: string): boolean {
  const field = leadFieldOf(header);
  return (field !== undefined && LEAD_DATE_FIELDS.has(field)) || REPORT_DATE_COLUMNS.has(normalizeHeader(header));
}

/** The 57 columns of `report_all_transactions`, exactly as Kartra writes them (§3.2). */
export const TRANSACTION_COLUMNS = [
  'ID', 'Transaction_Type', 'Date', 'Product', 'Price_point', 'Quantity', 'Seller_username', 'Buyer_Username',
  'Buyer_Name', 'Buyer_Company', 'Sales_Tax_ID', 'Buyer_Email', 'Buyer_Country', 'Buyer_State', 'Buyer_City',
  'Buyer_ZIP', 'Buyer_Address', 'Buyer_Phone_Country', 'Buyer_Phone', 'Buyer_IP', 'Amount (USD)', 'Base_Price (USD)',
  'Sales_tax (USD)', 'Shipping_cost (USD)', 'Coupon_code', 'Coupon_discount (USD)', 'Revenue (USD)',
  'Affiliate_Username', 'Affiliate_Name', 'Affiliate_Email', 'Affiliate_Revenue (USD)', 'JV_Username', 'JV_Name',
  'JV_Email', 'JV_Revenue (USD)', 'Your_Net_Profit (USD)', 'Tracking_link', 'TrackingID1', 'TrackingID2',
  'Landing_page', 'Processor', 'Processor_transaction_id', 'Processor_subscription_id', 'subscription_id', 'lead_id',
  'affiliate_id', 'jv_id', 'Shipping_Name', 'Shipping_Address', 'Shipping_City', 'Shipping_ZIP', 'Shipping_Country',
  'Shipping_State', 'Trial', 'Automatic_Cancellation', 'Subscription_payment_number', 'Rebill_reattempt',
] as const;

/** Transaction headers compared without their currency suffix: another account writes "Amount (EUR)". */
export function transactionColumnKey(header: string): string {
  return normalizeHeader(header.replace(/\(\s*[A-Z]{3}\s*\)\s*$/i, ''));
}

export const TRANSACTION_COLUMN_KEYS = new Set(TRANSACTION_COLUMNS.map(transactionColumnKey));

/** Subscriptions export columns: five seen in real code, the rest inferred (Fixture spec F3). */
export const SUBSCRIPTION_COLUMNS = [
  'Subscription ID', 'Lead ID', 'Buyer Name', 'Buyer Email', 'Product', 'Price point', 'Status', 'Recurrence_Term',
  'Start date', 'Next payment date', 'Next payment amount', 'Payments made', 'Payments left', 'Processor',
] as const;

/** The columns only a subscriptions export has; `Product` and `Processor` are shared with transactions. */
export const SUBSCRIPTION_MARKERS = new Set(
  ['Status', 'Recurrence_Term', 'Next payment date', 'Next payment amount', 'Payments made', 'Payments left'].map(
    normalizeHeader,
  ),
);

/** Kartra's header-less contact import format (TXT): first, last, email, city, zip, state, phone. */
export const TXT_IMPORT_COLUMNS = ['first', 'last', 'email', 'city', 'zip', 'state', 'phone'] as const;
