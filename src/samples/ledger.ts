import { SUBSCRIPTION_OFFERS, ONE_TIME_OFFERS, COMP100, NO_COUPON, SAVE10, type Coupon, type MoneyKind, type Offer, type Term } from './catalog.js';
import { DAY, EXPORT_AT, addMonths } from './dates.js';
import type { SubscriptionStatus, TransactionType } from './expected.js';
import { timeOfDay } from './people.js';
import type { Rng } from './random.js';

/**
 * The event stream of the transactions export (fixture spec F2), as plain data: subscription chains and one-time
 * orders with their refunds. No buyer, no file: ledgerWriter.ts attaches people and writes rows.
 */

export interface LedgerEvent {
  type: TransactionType;
  at: number;
  paymentNumber: number;
  money: MoneyKind;
  reattempt: boolean;
  automaticCancellation: boolean;
}

/**
 * How a subscription ends up. `involuntary`: failed payments, then Kartra cancels it (Automatic_Cancellation=Yes).
 * `terminated`: the seller ends it after a chargeback.
 */
export type Fate = 'active' | 'reverted' | 'pending' | 'cancelled' | 'involuntary' | 'terminated' | 'paused';

export const FATE_WEIGHTS: readonly (readonly [Fate, number])[] = [
  ['active', 47], ['cancelled', 22], ['involuntary', 9], ['pending', 6], ['reverted', 5], ['terminated', 2], ['paused', 3],
];

export const STATUS_OF: Record<Fate, SubscriptionStatus> = {
  active: 'Active',
  reverted: 'Active',
  pending: 'Pending Cancellation',
  cancelled: 'Cancelled',
  involuntary: 'Cancelled',
  terminated: 'Terminated',
  paused: 'Paused',
};

export interface SubscriptionTimeline {
  offer: Offer;
  fate: Fate;
  trial: boolean;
  coupon: Coupon;
  start: number;
  events: LedgerEvent[];
  /** Successful payments (Sale and Rebills). */
  paymentsMade: number;
  /** For Active and Paused rows of the subscriptions export; null when none is due. */
  nextPaymentAt: number | null;
}

const MONTHS: Record<Term, number> = { Monthly: 1, Quarterly: 3, Yearly: 12 };
const HOUR = 3600;

/** A day-of-month of at most 28 (so monthly steps never overflow) at a daytime hour. */
function settle(sec: number, rng: Rng): number {
  const date = new Date(sec * 1000);
  const dom = date.getUTCDate();
  const day = Math.floor(sec / DAY) - Math.max(0, dom - 28);
  return day * DAY + timeOfDay(rng);
}

function paymentCount(rng: Rng, term: Term): number {
  const mean = term === 'Monthly' ? 7 : term === 'Quarterly' ? 3 : 1.5;
  const cap = term === 'Monthly' ? 48 : term === 'Quarterly' ? 16 : 6;
  return Math.min(cap, 1 + Math.floor(-Math.log(1 - rng.float()) * mean));
}

interface Options {
  fate?: Fate;
  /** A Paused subscription whose next payment date is already past (messy). */
  pausedPastDue?: boolean;
  minPayments?: number;
}

export function subscriptionTimeline(rng: Rng, options: Options = {}): SubscriptionTimeline {
  const offer = rng.weighted(SUBSCRIPTION_OFFERS);
  const term = offer.term!;
  const months = MONTHS[term];
  const fate = options.fate ?? rng.weighted(FATE_WEIGHTS);
  const trial = offer.pricePoint === 1 && offer.product === 'Pro Membership' && rng.chance(0.15);
  const coupon = rng.chance(0.08) ? SAVE10 : NO_COUPON;
  let n = Math.max(options.minPayments ?? 1, paymentCount(rng, term));
  if (fate === 'terminated') n = Math.max(n, 2);
  const periodDays = months * 28;

  // Anchor the schedule on the moment that matters for the fate, then count back to the start.
  let due: (i: number) => number;
  let start: number;
  const schedule = (first: number): void => {
    start = first;
    due = (i: number) => addMonths(first, i * months);
  };
  if (fate === 'active' || fate === 'reverted' || fate === 'pending') {
    // A reverted cancellation needs a few days after the last payment to be requested and taken back.
    const last = settle(EXPORT_AT - rng.int(fate === 'reverted' ? 6 : 1, periodDays - 1) * DAY, rng);
    schedule(addMonths(last, -(n - 1) * months));
  } else if (fate === 'paused') {
    // The last payment is more than a period old: the next one was due and skipped while paused.
    const last = settle(EXPORT_AT - (months * 31 + rng.int(3, months * 31)) * DAY, rng);
    schedule(addMonths(last, -(n - 1) * months));
  } else {
    // Ended: the cancellation falls at the next due date, some time before the export.
    const end = settle(EXPORT_AT - rng.int(15, 800) * DAY, rng);
    schedule(addMonths(end, -n * months));
  }
  const at = (i: number): number => due!(i);

  const events: LedgerEvent[] = [];
  const push = (type: TransactionType, time: number, paymentNumber: number, money: MoneyKind, extra: Partial<LedgerEvent> = {}): void => {
    events.push({ type, at: time, paymentNumber, money, reattempt: false, automaticCancellation: false, ...extra });
  };

  const revertAfter = fate === 'reverted' ? rng.int(0, n - 1) : -1;
  const chargebackAt = fate === 'terminated' ? n - 1 : -1;
  for (let i = 0; i < n; i++) {
    const when = at(i);
    const room = (i + 1 < n ? at(i + 1) : Math.min(at(i + 1), EXPORT_AT)) - when;
    if (i === 0) push('Sale', when, 1, trial ? 'trial' : 'payment');
    else if (room > 8 * DAY && rng.chance(0.12)) {
      // A card declined, retried, and recovered.
      push('Failed', when, i + 1, 'failed');
      const twice = rng.chance(0.3);
      if (twice) push('Failed', when + 3 * DAY, i + 1, 'failed', { reattempt: true });
      push('Rebill', when + (twice ? 6 : 3) * DAY, i + 1, 'payment', { reattempt: true });
    } else push('Rebill', when, i + 1, 'payment');
    if (i === revertAfter && room > 4 * DAY) {
      push('Request Can.', when + DAY + 2 * HOUR, i + 1, 'none');
      push('Revert Can.', when + 2 * DAY + 5 * HOUR, i + 1, 'none');
    }
    if (i === chargebackAt) push('Chargeback', when + Math.min(20 * DAY, Math.floor(room / 2)), i + 1, 'chargeback');
  }
  // Events must stay in order: the last lifecycle event decides the state.
  events.sort((a, b) => a.at - b.at);

  // A recovered payment can land days after its due date: later events follow the last one written.
  const lastEvent = events[events.length - 1]!.at;
  const nextDue = at(n);
  let nextPaymentAt: number | null = null;
  switch (fate) {
    case 'active':
    case 'reverted':
      nextPaymentAt = nextDue;
      break;
    case 'pending': {
      const latest = Math.min(nextDue, EXPORT_AT) - HOUR;
      push('Request Can.', lastEvent + Math.floor((latest - lastEvent) / 2), n, 'none');
      break;
    }
    case 'cancelled': {
      const requestAt = lastEvent + Math.floor((nextDue - lastEvent) / 3);
      push('Request Can.', requestAt, n, 'none');
      if (rng.chance(0.15)) push('Refund', requestAt + DAY, n, 'refund');
      push('Cancellation', nextDue, n, 'none');
      break;
    }
    case 'involuntary':
      push('Failed', nextDue, n + 1, 'failed');
      push('Failed', nextDue + 3 * DAY, n + 1, 'failed', { reattempt: true });
      push('Failed', nextDue + 6 * DAY, n + 1, 'failed', { reattempt: true });
      push('Cancellation', nextDue + 9 * DAY, n, 'none', { automaticCancellation: true });
      break;
    case 'terminated':
      push('Cancellation', events[events.length - 1]!.at + DAY, n, 'none');
      break;
    case 'paused':
      nextPaymentAt = options.pausedPastDue ? nextDue : EXPORT_AT + rng.int(5, 60) * DAY - (EXPORT_AT % DAY) + timeOfDay(rng);
      break;
  }
  return { offer, fate, trial, coupon, start: start!, events, paymentsMade: n, nextPaymentAt };
}

export interface OrderTimeline {
  offer: Offer;
  coupon: Coupon;
  events: LedgerEvent[];
}

export type AfterSale = 'none' | 'refund' | 'partial' | 'chargeback';

/** A one-time order, sometimes refunded, partly refunded or charged back weeks later. */
export function orderTimeline(rng: Rng, options: { offer?: Offer; after?: AfterSale } = {}): OrderTimeline {
  const offer = options.offer ?? rng.weighted(ONE_TIME_OFFERS);
  const coupon = offer.price.isZero() ? NO_COUPON : rng.weighted([[NO_COUPON, 88], [SAVE10, 9], [COMP100, 3]] as const);
  const at = settle(EXPORT_AT - rng.int(70, 7 * 365) * DAY, rng);
  const events: LedgerEvent[] = [{ type: 'Sale', at, paymentNumber: 0, money: 'payment', reattempt: false, automaticCancellation: false }];
  const free = offer.price.isZero() || coupon === COMP100;
  const after = free ? 'none' : (options.after ?? rng.weighted([['none', 91], ['refund', 6], ['partial', 2], ['chargeback', 1]] as const));
  if (after !== 'none') {
    const type: TransactionType = after === 'refund' ? 'Refund' : after === 'partial' ? 'Partial refund' : 'Chargeback';
    events.push({ type, at: at + rng.int(after === 'chargeback' ? 20 : 1, 60) * DAY + rng.int(0, 3 * HOUR), paymentNumber: 0, money: after, reattempt: false, automaticCancellation: false });
  }
  return { offer, coupon, events };
}
