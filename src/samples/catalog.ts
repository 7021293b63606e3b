import DecimalModule from 'decimal.js';

// decimal.js ships CommonJS typings for its ES build: at run time the default import is the class itself.
const Decimal = DecimalModule as unknown as typeof DecimalModule.Decimal;
type Decimal = DecimalModule.Decimal;

/**
 * What the sample business sells, and the money columns of a transaction row. Amounts are computed once per
 * (offer, coupon, affiliate, kind) with decimal.js and then reused as strings, so a million-lead ledger does not
 * redo decimal arithmetic per row and no float ever touches a price.
 */

export type Term = 'Monthly' | 'Quarterly' | 'Yearly';

export interface Offer {
  product: string;
  pricePoint: number;
  price: Decimal;
  term: Term | null;
  shipping: Decimal;
  taxRate: Decimal;
  landingPage: string;
}

const d = (text: string): Decimal => new Decimal(text);
const ZERO = d('0');

function offer(product: string, pricePoint: number, price: string, term: Term | null, extra: { shipping?: string; taxRate?: string } = {}): Offer {
  const slug = product.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return {
    product,
    pricePoint,
    price: d(price),
    term,
    shipping: d(extra.shipping ?? '0'),
    taxRate: d(extra.taxRate ?? '0'),
    landingPage: `https://brightpath.kartra.com/page/${slug}-${pricePoint}`,
  };
}

/** Pro Membership is sold at three price points: the fixture spec's "one product in several price bands". */
export const SUBSCRIPTION_OFFERS: readonly (readonly [Offer, number])[] = [
  [offer('Pro Membership', 1, '47.00', 'Monthly'), 40],
  [offer('Pro Membership', 2, '37.00', 'Monthly'), 12],
  [offer('Pro Membership', 3, '470.00', 'Yearly'), 10],
  [offer('Coaching Club', 1, '197.00', 'Monthly'), 18],
  [offer('Inner Circle Mastermind', 1, '997.00', 'Yearly'), 6],
  [offer('Quarterly Box', 1, '79.00', 'Quarterly', { shipping: '9.95', taxRate: '0.08875' }), 14],
];

export const ONE_TIME_OFFERS: readonly (readonly [Offer, number])[] = [
  [offer('Masterclass Replay', 1, '27.00', null), 30],
  [offer('Starter Kit', 1, '49.00', null, { shipping: '7.50', taxRate: '0.08875' }), 20],
  [offer('Ebook Bundle', 1, '19.00', null), 20],
  [offer('Ebook Bundle', 2, '9.00', null), 8],
  [offer('VIP Day', 1, '1997.00', null), 4],
  [offer('Free Workshop', 1, '0.00', null), 10],
];

export const TRIAL_PRICE = d('1.00');

export interface Coupon {
  code: string;
  share: Decimal;
}

export const NO_COUPON: Coupon = { code: '', share: ZERO };
export const SAVE10: Coupon = { code: 'SAVE10', share: d('0.10') };
/** A 100% coupon: the $0 "comp" rows real ledgers contain (kartra-exports.md §3.4). */
export const COMP100: Coupon = { code: 'COMP100', share: d('1') };

export const AFFILIATE_SHARE = d('0.30');

/** How a row moves money: a payment, an attempt that failed, a refund, or a lifecycle event that moves none. */
export type MoneyKind = 'payment' | 'trial' | 'failed' | 'refund' | 'partial' | 'chargeback' | 'none';

export interface Money {
  amount: string;
  base: string;
  tax: string;
  shipping: string;
  couponCode: string;
  discount: string;
  revenue: string;
  affiliateRevenue: string;
  jvRevenue: string;
  netProfit: string;
  /** Revenue as a decimal, for the expected net revenue. */
  revenueValue: Decimal;
}

const cents = (x: Decimal): Decimal => x.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
const money = (x: Decimal): string => cents(x).toFixed(2);

/**
 * Amount = Base_Price + Sales_tax + Shipping_cost − Coupon_discount. Revenue is the amount collected (zero for a
 * failed attempt), Your_Net_Profit = Revenue − Affiliate_Revenue − JV_Revenue. Refunds and chargebacks negate every
 * column so the identities still hold; a partial refund returns half the payment and no commission.
 */
function compute(offer: Offer, coupon: Coupon, affiliate: boolean, kind: MoneyKind): Money {
  if (kind === 'none') {
    const zero = money(ZERO);
    return { amount: zero, base: zero, tax: zero, shipping: zero, couponCode: '', discount: zero, revenue: zero, affiliateRevenue: zero, jvRevenue: zero, netProfit: zero, revenueValue: ZERO };
  }
  const base = kind === 'trial' ? TRIAL_PRICE : offer.price;
  const discount = kind === 'trial' ? ZERO : cents(base.times(coupon.share));
  const tax = cents(base.minus(discount).times(offer.taxRate));
  const ship = offer.shipping;
  const amount = base.plus(tax).plus(ship).minus(discount);
  const commission = affiliate ? cents(base.minus(discount).times(AFFILIATE_SHARE)) : ZERO;
  const code = kind === 'trial' ? '' : coupon.code;
  if (kind === 'partial') {
    const back = cents(amount.div(2)).negated();
    const zero = money(ZERO);
    return { amount: money(back), base: money(back), tax: zero, shipping: zero, couponCode: code, discount: zero, revenue: money(back), affiliateRevenue: zero, jvRevenue: zero, netProfit: money(back), revenueValue: back };
  }
  const sign = kind === 'refund' || kind === 'chargeback' ? -1 : 1;
  const revenue = kind === 'failed' ? ZERO : amount.times(sign);
  const aff = kind === 'failed' ? ZERO : commission.times(sign);
  return {
    amount: money(amount.times(sign)),
    base: money(base.times(sign)),
    tax: money(tax.times(sign)),
    shipping: money(ship.times(sign)),
    couponCode: code,
    discount: money(discount.times(sign)),
    revenue: money(revenue),
    affiliateRevenue: money(aff),
    jvRevenue: money(ZERO),
    netProfit: money(revenue.minus(aff)),
    revenueValue: revenue,
  };
}

const cache = new Map<string, Money>();

export function moneyFor(offer: Offer, coupon: Coupon, affiliate: boolean, kind: MoneyKind): Money {
  const key = `${offer.product}|${offer.pricePoint}|${coupon.code}|${affiliate}|${kind}`;
  let value = cache.get(key);
  if (!value) {
    value = compute(offer, coupon, affiliate, kind);
    cache.set(key, value);
  }
  return value;
}

export function sumRevenue(counts: ReadonlyMap<Money, number>): string {
  let total = ZERO;
  for (const [m, n] of counts) total = total.plus(m.revenueValue.times(n));
  return total.toFixed(2);
}
