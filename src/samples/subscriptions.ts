import { dayMonYear } from './dates.js';
import type { Money, Offer } from './catalog.js';
import type { SubscriptionStatus } from './expected.js';
import type { Person } from './people.js';
import type { Processor } from './transactions.js';

/**
 * One row of the subscriptions export (fixture spec F3). Five columns are seen in real code (Status,
 * Recurrence_Term, Product, Next payment date, Next payment amount); the others are inferred.
 */

export const SUBSCRIPTION_HEADER = [
  'Subscription ID', 'Lead ID', 'Buyer Name', 'Buyer Email', 'Product', 'Price point', 'Status', 'Recurrence_Term',
  'Start date', 'Next payment date', 'Next payment amount', 'Payments made', 'Payments left', 'Processor',
] as const;

export const SUBSCRIPTION_DATE_KEYS = ['Start date', 'Next payment date'] as const;

export interface SubscriptionRowInput {
  subscriptionId: string;
  buyer: Person;
  buyerEmail: string;
  offer: Offer;
  status: SubscriptionStatus;
  start: number;
  nextPaymentAt: number | null;
  nextPayment: Money;
  paymentsMade: number;
  processor: Processor;
}

export function subscriptionRow(s: SubscriptionRowInput): string[] {
  const due = s.nextPaymentAt !== null && (s.status === 'Active' || s.status === 'Paused');
  return [
    s.subscriptionId,
    String(s.buyer.id),
    `${s.buyer.firstName} ${s.buyer.lastName}`,
    s.buyerEmail,
    s.offer.product,
    String(s.offer.pricePoint),
    s.status,
    s.offer.term ?? '',
    dayMonYear(s.start),
    due ? dayMonYear(s.nextPaymentAt!) : '',
    due ? s.nextPayment.amount : '',
    String(s.paymentsMade),
    'Unlimited',
    s.processor,
  ];
}
