import { join } from 'node:path';
import { ONE_TIME_OFFERS, moneyFor, sumRevenue, type Coupon, type Money, type MoneyKind } from './catalog.js';
import { CsvSink } from './csvSink.js';
import { DAY, JOINED_FROM, JOINED_UNTIL } from './dates.js';
import { LIFECYCLE_EVENTS, SUBSCRIPTION_STATUSES, TRANSACTION_TYPES, type Expected, type LifecycleEvent } from './expected.js';
import { countCellFindings, emptyCounts, rolesFor } from './findings.js';
import { STATUS_OF, orderTimeline, subscriptionTimeline, type AfterSale, type Fate, type LedgerEvent } from './ledger.js';
import { makePerson, type Person } from './people.js';
import { LeadCasePlan } from './plan.js';
import { Rng, STREAM } from './random.js';
import { SUBSCRIPTION_DATE_KEYS, SUBSCRIPTION_HEADER, subscriptionRow } from './subscriptions.js';
import {
  AFFILIATES, PROCESSOR_WEIGHTS, TRANSACTION_DATE_KEYS, TRANSACTION_HEADER, processorSubscriptionId, processorTransactionId,
  transactionRow, type Processor, type Purchase,
} from './transactions.js';

/**
 * Writes the transactions and subscriptions exports side by side (each subscription chain yields its ledger rows
 * and its one subscriptions row), and records the figures a reader must reach.
 */

/** Plain data only: the options cross into a worker thread (see ledgerWorker.ts). */
export interface LedgerOptions {
  outDir: string;
  seed: number;
  leads: number;
  messy: boolean;
  transactionsName: string;
  subscriptionsName: string;
}

export interface LedgerResult {
  files: string[];
  transactions: Expected['transactions'];
  subscriptions: Expected['subscriptions'];
}

/** The fixture spec's ~150 subscriptions and ~200 one-time orders per 500 leads. */
const SUBSCRIPTIONS_PER_LEAD = 0.3;
const ORDERS_PER_LEAD = 0.4;

/** Fates given to the first subscriptions and orders, so even a tiny set has all nine types and five statuses. */
const FORCED_FATES: readonly Fate[] = ['cancelled', 'involuntary', 'pending', 'reverted', 'terminated', 'paused', 'active'];
const FORCED_AFTER_SALES: readonly AfterSale[] = ['refund', 'partial', 'chargeback'];
const FORCED_PAUSED_PAST_DUE = FORCED_FATES.indexOf('paused');
/** Messy placements, by subscription / order number (after the forced fates). */
const PAYPAL_MISMATCH_SUB = FORCED_FATES.length;
const EMAIL_CHANGE_SUB = FORCED_FATES.length + 1;
const DELETED_BUYER_SUB = FORCED_FATES.length + 2;
const DELETED_BUYER_ORDER = FORCED_AFTER_SALES.length + 2;

const SPAN_DAYS = Math.floor((JOINED_UNTIL - JOINED_FROM) / DAY);

export async function writeLedger(opts: LedgerOptions): Promise<LedgerResult> {
  const { seed, leads, messy } = opts;
  // Rebuilt rather than passed: it is a pure function of these three, and a worker cannot receive a class instance.
  const plan = new LeadCasePlan(seed, leads, messy);
  const subCount = Math.round(leads * SUBSCRIPTIONS_PER_LEAD);
  const orderCount = Math.round(leads * ORDERS_PER_LEAD);
  const txName = opts.transactionsName;
  const subName = opts.subscriptionsName;
  const tx = await CsvSink.open({ path: join(opts.outDir, txName), encoding: 'utf-8', bom: false, eol: '\n' });
  const subs = await CsvSink.open({ path: join(opts.outDir, subName), encoding: 'utf-8', bom: false, eol: '\n' });
  tx.writeHeader(TRANSACTION_HEADER);
  subs.writeHeader(SUBSCRIPTION_HEADER);
  const txRoles = rolesFor(TRANSACTION_HEADER, TRANSACTION_DATE_KEYS, 'Buyer_ZIP', 'Buyer_Country');
  const subRoles = rolesFor(SUBSCRIPTION_HEADER, SUBSCRIPTION_DATE_KEYS);

  const txFindings = emptyCounts();
  const subFindings = emptyCounts();
  const byType = Object.fromEntries(TRANSACTION_TYPES.map((t) => [t, 0])) as Record<(typeof TRANSACTION_TYPES)[number], number>;
  const byStatus = Object.fromEntries(SUBSCRIPTION_STATUSES.map((s) => [s, 0])) as Record<(typeof SUBSCRIPTION_STATUSES)[number], number>;
  const byLastEvent = Object.fromEntries(LIFECYCLE_EVENTS.map((e) => [e, 0])) as Record<LifecycleEvent, number>;
  const revenue = new Map<Money, number>();
  const missingLeadIds = new Set<string>();
  const emailChanges: Expected['transactions']['buyerEmailChanges'] = [];
  const idMismatches: Expected['subscriptions']['idMismatches'] = [];
  let nextTxId = 9_100_001;
  let deleted = 0;
  let duplicate: { cells: string[]; line: number } | undefined;
  const duplicateSub = messy ? Math.floor(subCount / 2) : -1;

  /** A lead that signed up before `at` and is written clean, so its email and id join as they are. */
  const buyerBefore = (rng: Rng, at: number, forceDeleted: boolean): Person => {
    if (messy && (forceDeleted || rng.chance(0.01))) {
      const person = makePerson(seed, leads + 1000 + deleted++, leads);
      missingLeadIds.add(String(person.id));
      return person;
    }
    const day = Math.floor((at - JOINED_FROM) / DAY);
    const limit = Math.max(1, Math.min(leads, Math.floor((day * leads) / SPAN_DAYS)));
    for (let attempt = 0; attempt < 64; attempt++) {
      const index = rng.int(0, limit - 1);
      if (plan.caseOf(index) !== 'none') continue;
      const person = makePerson(seed, index, leads);
      if (person.joinedAt < at) return person;
    }
    for (let index = 0; index < leads; index++) if (plan.caseOf(index) === 'none') return makePerson(seed, index, leads);
    return makePerson(seed, 0, leads);
  };

  const writeTx = (cells: string[], type: (typeof TRANSACTION_TYPES)[number], money: Money): number => {
    const line = tx.writeRow(cells);
    countCellFindings(cells, txRoles, txFindings, tx.lastRecord);
    byType[type]++;
    revenue.set(money, (revenue.get(money) ?? 0) + 1);
    return line;
  };

  const emitEvents = (
    rng: Rng,
    events: readonly LedgerEvent[],
    purchase: Purchase,
    coupon: Coupon,
    emailFor: (event: LedgerEvent) => string,
    keepSale: boolean,
  ): void => {
    const moneys: Partial<Record<MoneyKind, Money>> = {};
    for (const event of events) {
      const money = (moneys[event.money] ??= moneyFor(purchase.offer, coupon, purchase.affiliate !== null, event.money));
      const ptid = event.money === 'none' ? '' : processorTransactionId(rng, purchase.processor);
      const cells = transactionRow(purchase, String(nextTxId++), event, money, emailFor(event), ptid);
      const line = writeTx(cells, event.type, money);
      if (keepSale && event.type === 'Sale') duplicate = { cells, line };
    }
  };

  const writeSubscription = (s: number): void => {
    const rng = new Rng(seed, STREAM.ledger, 1, s);
    const forcedFate = FORCED_FATES[s];
    const emailChange = messy && (s === EMAIL_CHANGE_SUB || rng.chance(0.005));
    const timeline = subscriptionTimeline(rng, {
      ...(forcedFate ? { fate: forcedFate } : emailChange ? { fate: 'active' as const } : {}),
      pausedPastDue: messy && s === FORCED_PAUSED_PAST_DUE,
      minPayments: emailChange ? 3 : 1,
    });
    const buyer = buyerBefore(new Rng(seed, STREAM.buyer, 1, s), timeline.start, s === DELETED_BUYER_SUB && messy);
    const processor: Processor = messy && s === PAYPAL_MISMATCH_SUB ? 'PayPal' : rng.weighted(PROCESSOR_WEIGHTS);
    const subscriptionId = String(310_000 + s);
    const paypalId = processorSubscriptionId(rng, processor);
    const affiliate = rng.chance(0.2) ? rng.pick(AFFILIATES) : null;
    const laterEmail = `${buyer.email.split('@')[0]}.new@${rng.pick(['gmail.com', 'outlook.com', 'proton.me'])}`;
    const changeFrom = 3;
    if (emailChange) emailChanges.push({ subscriptionId, leadId: String(buyer.id), saleEmail: buyer.email, laterEmail });

    emitEvents(
      rng,
      timeline.events,
      { offer: timeline.offer, buyer, processor, processorSubscriptionId: paypalId, subscriptionId, affiliate, trial: timeline.trial },
      timeline.coupon,
      (event) => (emailChange && event.paymentNumber >= changeFrom ? laterEmail : buyer.email),
      s === duplicateSub,
    );

    const last = [...timeline.events].reverse().find((e) => (LIFECYCLE_EVENTS as readonly string[]).includes(e.type));
    if (last) byLastEvent[last.type as LifecycleEvent]++;
    const status = STATUS_OF[timeline.fate];
    byStatus[status]++;
    // Kartra shows PayPal's own profile id for some PayPal subscriptions (kartra-exports.md §5).
    const shownId = messy && s === PAYPAL_MISMATCH_SUB ? paypalId : subscriptionId;
    const cells = subscriptionRow({
      subscriptionId: shownId,
      buyer,
      buyerEmail: buyer.email,
      offer: timeline.offer,
      status,
      start: timeline.start,
      nextPaymentAt: timeline.nextPaymentAt,
      nextPayment: moneyFor(timeline.offer, timeline.coupon, affiliate !== null, 'payment'),
      paymentsMade: timeline.paymentsMade,
      processor,
    });
    const line = subs.writeRow(cells);
    countCellFindings(cells, subRoles, subFindings, subs.lastRecord);
    if (shownId !== subscriptionId) idMismatches.push({ line, subscriptionId: shownId, transactionsSubscriptionId: subscriptionId });
  };

  const writeOrder = (o: number): void => {
    const rng = new Rng(seed, STREAM.ledger, 2, o);
    const after = FORCED_AFTER_SALES[o];
    const forcedOffer = o === FORCED_AFTER_SALES.length ? 'Free Workshop' : o === FORCED_AFTER_SALES.length + 1 ? 'VIP Day' : undefined;
    const offer = forcedOffer ? ONE_TIME_OFFERS.find(([x]) => x.product === forcedOffer)?.[0] : undefined;
    const timeline = orderTimeline(rng, { ...(offer ? { offer } : {}), ...(after ? { after } : {}) });
    const buyer = buyerBefore(new Rng(seed, STREAM.buyer, 2, o), timeline.events[0]!.at, o === DELETED_BUYER_ORDER && messy);
    const processor = rng.weighted(PROCESSOR_WEIGHTS);
    const affiliate = rng.chance(0.2) ? rng.pick(AFFILIATES) : null;
    emitEvents(
      rng,
      timeline.events,
      { offer: timeline.offer, buyer, processor, processorSubscriptionId: '', subscriptionId: 'N/A', affiliate, trial: false },
      timeline.coupon,
      () => buyer.email,
      false,
    );
  };

  // Subscriptions and orders interleave as they would in a real account's history.
  const order = new Rng(seed, STREAM.ledger, 0);
  let s = 0;
  let o = 0;
  while (s < subCount || o < orderCount) {
    const takeSub = o >= orderCount || (s < subCount && order.float() < (subCount - s) / (subCount - s + orderCount - o));
    if (takeSub) writeSubscription(s++);
    else writeOrder(o++);
    if (tx.full) await tx.flush();
    if (subs.full) await subs.flush();
  }

  // A concatenated export: the same sale row appears twice, the second copy at the end.
  const duplicateIds: Expected['transactions']['duplicateIds'] = [];
  if (duplicate) {
    const line = tx.writeRow(duplicate.cells);
    countCellFindings(duplicate.cells, txRoles, txFindings);
    txFindings.duplicate_id++;
    duplicateIds.push({ id: duplicate.cells[0]!, lines: [duplicate.line, line] });
  }
  await tx.close();
  await subs.close();

  const active = byStatus.Active + byStatus['Pending Cancellation'];
  return {
    files: [join(opts.outDir, txName), join(opts.outDir, subName)],
    transactions: {
      rows: tx.rows,
      distinctRows: tx.rows - duplicateIds.length,
      byType,
      netRevenue: sumRevenue(revenue),
      duplicateIds,
      leadIdsMissingFromLeads: [...missingLeadIds].sort(),
      buyerEmailChanges: emailChanges,
      findings: txFindings,
    },
    subscriptions: {
      rows: subs.rows,
      byStatus,
      active,
      byLastEvent,
      activeByLastEvent: byLastEvent.Sale + byLastEvent.Rebill + byLastEvent['Revert Can.'] + byLastEvent['Request Can.'],
      idMismatches,
      findings: subFindings,
    },
  };
}
