import { describe, expect, it } from 'vitest';
import { SUBSCRIPTION_COLUMNS, TRANSACTION_COLUMNS, leadFieldOf, normalizeHeader, transactionColumnKey } from '../../src/kartra/columns.js';
import { detectKind, type KindDetection } from '../../src/kartra/kind.js';
import { openExport } from '../../src/kartra/read.js';
import { edge } from '../helpers/edge.js';

async function kindOf(fixture: string): Promise<KindDetection> {
  const head = await openExport(edge(fixture));
  return detectKind(head.path, head.header, head.dialect.hasHeader);
}

const LABEL_HEADER = ['ID', 'First Name', 'Last Name', 'Email', 'Phone Country Code', 'Phone', 'Date Joined', 'Country', 'Tags'];

describe('detectKind on the fixtures', () => {
  it('API-style leads export named contacts_kartra_<date>_<id>.csv: leads, full confidence', async () => {
    const kind = await kindOf('kinds/contacts_kartra_09-06-2026_6a2803f884d5c.csv');
    expect(kind.kind).toBe('leads');
    expect(kind.confidence).toBe(1);
    expect(kind.reasons.join(' ')).toContain('5 of Kartra\'s lead columns');
    expect(kind.reasons.join(' ')).toContain('file name contacts_kartra_');
  });

  it('label-style leads header ("First Name", "Phone Country Code", "Date Joined"): leads', async () => {
    const kind = await kindOf('kinds/leads-label-header.csv');
    expect(kind.kind).toBe('leads');
    expect(kind.confidence).toBeGreaterThanOrEqual(0.8);
    expect(kind.confidence).toBeLessThan(1);
  });

  it('the exact 57-column transactions header: transactions, full confidence', async () => {
    const kind = await kindOf('kinds/report_all_transactions_09-06-2026_6a2803f8850a1.csv');
    expect(kind).toEqual({
      kind: 'transactions',
      confidence: 1,
      reasons: ['57 of the 57 transaction-report columns', 'file name report_all_transactions'],
    });
  });

  it('subscriptions export: subscriptions, high confidence with its file name', async () => {
    const kind = await kindOf('kinds/subscriptions_09-06-2026_6a2803f8851b2.csv');
    expect(kind.kind).toBe('subscriptions');
    expect(kind.confidence).toBe(1);
    expect(kind.reasons.join(' ')).toContain('6 of the 6 subscription columns');
  });

  it('a generic list with email and name: contact-list', async () => {
    expect(await kindOf('kinds/contact-list-email-name.csv')).toMatchObject({ kind: 'contact-list', confidence: 0.6 });
  });

  it('Kartra\'s header-less TXT import format: contact-list, and says why', async () => {
    const kind = await kindOf('kinds/kartra-import-no-header.txt');
    expect(kind.kind).toBe('contact-list');
    expect(kind.confidence).toBe(0.7);
    expect(kind.reasons[0]).toContain('TXT import format');
  });

  it('no email and no Kartra columns: unknown, confidence 0', async () => {
    expect(await kindOf('kinds/products-unknown.csv')).toMatchObject({ kind: 'unknown', confidence: 0 });
  });

  it.each([
    ['encoding/utf8-no-bom.csv', 'contact-list'],
    ['tags/tags-semicolon.csv', 'contact-list'],
    ['leads-two-chunks/contacts_kartra_08-06-2026_6a2803f884d5a.csv', 'leads'],
    ['findings/leads-every-finding.csv', 'leads'],
  ] as const)('%s is %s', async (fixture, expected) => {
    expect((await kindOf(fixture)).kind).toBe(expected);
  });
});

describe('detectKind: confidence rules', () => {
  it('the Kartra file name adds confidence to the same header', () => {
    const plain = detectKind('/x/leads.csv', LABEL_HEADER, true);
    const named = detectKind('/x/contacts_kartra_09-06-2026_6a2803f884d5c.csv', LABEL_HEADER, true);
    expect(plain.kind).toBe('leads');
    expect(named.kind).toBe('leads');
    expect(named.confidence).toBeGreaterThan(plain.confidence);
  });

  it('a contacts_kartra file name turns an email-only header into leads', () => {
    expect(detectKind('/x/contacts_kartra_09-06-2026_6a2803f884d5c.csv', ['email', 'Name'], true).kind).toBe('leads');
    expect(detectKind('/x/list.csv', ['email', 'Name'], true).kind).toBe('contact-list');
  });

  it('transactions with another currency in the headers are still transactions', () => {
    const header = TRANSACTION_COLUMNS.map((c) => c.replace('(USD)', '(EUR)'));
    expect(detectKind('/x/t.csv', header, true)).toMatchObject({ kind: 'transactions', confidence: 1 });
  });

  it('a partial transactions header is transactions with lower confidence', () => {
    const partial = detectKind('/x/t.csv', TRANSACTION_COLUMNS.slice(0, 30), true);
    expect(partial.kind).toBe('transactions');
    expect(partial.confidence).toBeLessThan(1);
    expect(partial.confidence).toBeGreaterThan(0.5);
  });

  it('subscriptions without the file name are less certain than with it', () => {
    const plain = detectKind('/x/export.csv', [...SUBSCRIPTION_COLUMNS], true);
    const named = detectKind('/x/subscriptions_09-06-2026_abc.csv', [...SUBSCRIPTION_COLUMNS], true);
    expect(plain.kind).toBe('subscriptions');
    expect(named.confidence).toBeGreaterThan(plain.confidence);
  });

  it('a header-less file of another width is a contact-list with low confidence', () => {
    expect(detectKind('/x/a.csv', ['column_1', 'column_2', 'column_3'], false)).toMatchObject({ kind: 'contact-list', confidence: 0.4 });
  });

  it('every confidence is within 0..1', () => {
    const headers: [string, string[], boolean][] = [
      ['/x/contacts_kartra_09-06-2026_6a2803f884d5c.csv', [...LABEL_HEADER, 'Company', 'City', 'Zip', 'State', 'Score', 'Notes'], true],
      ['/x/report_all_transactions_x.csv', [...TRANSACTION_COLUMNS], true],
      ['/x/subscriptions_x.csv', [...SUBSCRIPTION_COLUMNS], true],
      ['/x/a.csv', ['a', 'b'], true],
    ];
    for (const [path, header, hasHeader] of headers) {
      const { confidence } = detectKind(path, header, hasHeader);
      expect(confidence).toBeGreaterThanOrEqual(0);
      expect(confidence).toBeLessThanOrEqual(1);
    }
  });
});

describe('columns: header spellings', () => {
  it.each([
    ['First Name', 'first_name'],
    ['first_name', 'first_name'],
    ['FirstName', 'first_name'],
    ['Amount (USD)', 'amount_usd'],
    ['  Phone Country Code ', 'phone_country_code'],
    ['Prénom', 'prenom'],
  ])('normalizeHeader(%j) = %j', (header, normalized) => {
    expect(normalizeHeader(header)).toBe(normalized);
  });

  it.each([
    ['Email', 'email'],
    ['E-mail', 'email'],
    ['Email Address', 'email'],
    ['Phone Country Code', 'phone_country_code'],
    ['Date Joined', 'date_joined'],
    ['ID', 'id'],
    ['Lead ID', 'id'],
    ['Zip Code', 'zip'],
    ['Tags', 'tags'],
    ['business_type', undefined],
  ] as const)('leadFieldOf(%j) = %j', (header, field) => {
    expect(leadFieldOf(header)).toBe(field);
  });

  it('transaction keys ignore the currency suffix', () => {
    expect(transactionColumnKey('Amount (USD)')).toBe(transactionColumnKey('Amount (EUR)'));
    expect(new Set(TRANSACTION_COLUMNS.map(transactionColumnKey)).size).toBe(57);
  });
});
