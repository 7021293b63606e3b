import type { Money, Offer } from './catalog.js';
import { isoDateTime } from './dates.js';
import type { LedgerEvent } from './ledger.js';
import type { Person } from './people.js';
import type { Rng } from './random.js';

/** One row of the transactions export: the exact 57-column header of kartra-exports.md §3.2. */

export const TRANSACTION_HEADER = [
  'ID', 'Transaction_Type', 'Date', 'Product', 'Price_point', 'Quantity', 'Seller_username', 'Buyer_Username', 'Buyer_Name',
  'Buyer_Company', 'Sales_Tax_ID', 'Buyer_Email', 'Buyer_Country', 'Buyer_State', 'Buyer_City', 'Buyer_ZIP', 'Buyer_Address',
  'Buyer_Phone_Country', 'Buyer_Phone', 'Buyer_IP', 'Amount (USD)', 'Base_Price (USD)', 'Sales_tax (USD)', 'Shipping_cost (USD)',
  'Coupon_code', 'Coupon_discount (USD)', 'Revenue (USD)', 'Affiliate_Username', 'Affiliate_Name', 'Affiliate_Email',
  'Affiliate_Revenue (USD)', 'JV_Username', 'JV_Name', 'JV_Email', 'JV_Revenue (USD)', 'Your_Net_Profit (USD)', 'Tracking_link',
  'TrackingID1', 'TrackingID2', 'Landing_page', 'Processor', 'Processor_transaction_id', 'Processor_subscription_id',
  'subscription_id', 'lead_id', 'affiliate_id', 'jv_id', 'Shipping_Name', 'Shipping_Address', 'Shipping_City', 'Shipping_ZIP',
  'Shipping_Country', 'Shipping_State', 'Trial', 'Automatic_Cancellation', 'Subscription_payment_number', 'Rebill_reattempt',
] as const;

export const TRANSACTION_DATE_KEYS = ['Date'] as const;

export type Processor = 'Stripe' | 'PayPal' | 'Authorize.net' | 'Braintree' | 'Square';
export const PROCESSOR_WEIGHTS: readonly (readonly [Processor, number])[] = [['Stripe', 55], ['PayPal', 25], ['Authorize.net', 8], ['Braintree', 7], ['Square', 5]];

export interface Affiliate {
  id: string;
  username: string;
  name: string;
  email: string;
}

export const AFFILIATES: readonly Affiliate[] = [
  { id: '5101', username: 'jv_ana', name: 'Ana Ruiz', email: 'ana@ruizmarketing.com' },
  { id: '5107', username: 'podcastpete', name: 'Pete Walsh', email: 'pete@walshpodcast.com' },
  { id: '5122', username: 'fitwithkim', name: 'Kim Osei', email: 'kim@fitwithkim.co' },
  { id: '5140', username: 'growthlab', name: 'Growth Lab Ltd', email: 'partners@growthlab.io' },
  { id: '5188', username: 'coachmarco', name: 'Marco Bianchi', email: 'marco@coachmarco.it' },
];

const ALNUM_UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** PayPal recurring profiles are `I-` and 12 characters (kartra-exports.md §2.3, IPN `transaction_subscription_id`). */
export function processorSubscriptionId(rng: Rng, processor: Processor): string {
  if (processor === 'PayPal') return `I-${rng.chars(ALNUM_UPPER, 12)}`;
  if (processor === 'Stripe') return `sub_${rng.chars(ALNUM, 14)}`;
  return '';
}

/** One per money row, millions of them: built from base-36 chunks rather than character by character. */
export function processorTransactionId(rng: Rng, processor: Processor): string {
  switch (processor) {
    case 'Stripe':
      return `ch_3${rng.token(23)}`;
    case 'PayPal':
      return rng.token(17).toUpperCase();
    case 'Authorize.net':
      return String(rng.int(40_000_000_000, 69_999_999_999));
    case 'Braintree':
      return rng.token(8);
    case 'Square':
      return rng.token(22).toUpperCase();
  }
}

/** What all rows of one subscription or order share. */
export interface Purchase {
  offer: Offer;
  buyer: Person;
  processor: Processor;
  processorSubscriptionId: string;
  /** Kartra's internal subscription id, or N/A on one-time rows (kartra-exports.md §3.4). */
  subscriptionId: string;
  affiliate: Affiliate | null;
  trial: boolean;
}

/** The row of one event; `id` is the Kartra transaction ID. */
export function transactionRow(t: Purchase, id: string, event: LedgerEvent, money: Money, buyerEmail: string, processorTransactionId: string): string[] {
  const b = t.buyer;
  const name = `${b.firstName} ${b.lastName}`;
  const shipped = !t.offer.shipping.isZero() && (event.type === 'Sale' || event.type === 'Rebill');
  const sale = event.type === 'Sale';
  const a = t.affiliate;
  return [
    id,
    event.type,
    isoDateTime(event.at),
    t.offer.product,
    String(t.offer.pricePoint),
    '1',
    'brightpathcoaching',
    '',
    name,
    b.company,
    b.salesTaxId,
    buyerEmail,
    b.country.name,
    b.city.state,
    b.city.name,
    b.zip,
    b.address,
    b.phoneNational ? b.country.callingCode : '',
    b.phoneNational,
    b.ip,
    money.amount,
    money.base,
    money.tax,
    money.shipping,
    money.couponCode,
    money.discount,
    money.revenue,
    a?.username ?? '',
    a?.name ?? '',
    a?.email ?? '',
    money.affiliateRevenue,
    '',
    '',
    '',
    money.jvRevenue,
    money.netProfit,
    a && sale ? `https://brightpath.kartra.com/aff/${a.username}` : '',
    '',
    '',
    sale ? t.offer.landingPage : '',
    t.processor,
    processorTransactionId,
    t.processorSubscriptionId,
    t.subscriptionId,
    String(b.id),
    a?.id ?? '',
    '',
    shipped ? name : '',
    shipped ? b.address : '',
    shipped ? b.city.name : '',
    shipped ? b.zip : '',
    shipped ? b.country.name : '',
    shipped ? b.city.state : '',
    t.trial && sale ? 'Yes' : 'No',
    event.automaticCancellation ? 'Yes' : 'No',
    String(event.paymentNumber),
    event.reattempt ? '1' : '0',
  ];
}
