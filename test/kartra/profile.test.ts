import { describe, expect, it } from 'vitest';
import { inspectFile, type InspectedFile } from '../../src/kartra/inspect-file.js';
import { ColumnProfiler, VALUE_LIST_CAP, type ColumnProfile } from '../../src/kartra/profile.js';
import { edge } from '../helpers/edge.js';

/** Profiles one column the way inspectFile feeds it: each row's cell trimmed, '' for an empty cell, lines from 2. */
function profileOf(name: string, values: string[]): ColumnProfile {
  const profiler = new ColumnProfiler(name, 0);
  values.forEach((v, i) => profiler.add(v.trim(), i + 2));
  return profiler.result();
}

function column(file: InspectedFile, name: string): ColumnProfile {
  const found = file.columns.find((c) => c.name === name);
  if (!found) throw new Error(`no column ${name} in ${file.name}: ${file.columns.map((c) => c.name).join(', ')}`);
  return found;
}

describe('column profiles of fixtures/edge/profile/column-types.csv', async () => {
  const file = await inspectFile(edge('profile/column-types.csv'));

  it.each([
    ['email', 'email'],
    ['phone', 'phone'],
    ['signup_date', 'date'],
    ['last_login', 'datetime'],
    ['visits', 'number'],
    ['price', 'money'],
    ['Amount (USD)', 'money'],
    ['active', 'boolean'],
    ['newsletter', 'boolean'],
    ['website', 'url'],
    ['country', 'country'],
    ['plan', 'enumeration'],
    ['interests', 'multi-value'],
    ['bio', 'long-text'],
    ['nickname', 'text'],
    ['partial', 'text'],
    ['fax', 'empty'],
  ] as const)('%s is %s', (name, type) => {
    expect(column(file, name).type).toBe(type);
  });

  it('every row counts in every column: rows, filled and fill rate', () => {
    for (const c of file.columns) expect(c.rows, c.name).toBe(6);
    expect(column(file, 'email')).toMatchObject({ filled: 6, fillRate: 1 });
    expect(column(file, 'partial')).toMatchObject({ filled: 3, fillRate: 0.5 });
    expect(column(file, 'fax')).toMatchObject({ filled: 0, fillRate: 0, distinct: 0, samples: [] });
  });

  it('date formats', () => {
    expect(column(file, 'signup_date').dateFormat).toBe('YYYY-MM-DD');
    expect(column(file, 'last_login').dateFormat).toBe('YYYY-MM-DD HH:mm:ss');
    expect(column(file, 'signup_date').dateOrder).toBeUndefined();
  });

  it('distinct counts', () => {
    expect(column(file, 'plan').distinct).toBe(2);
    expect(column(file, 'country').distinct).toBe(5);
    expect(column(file, 'active').distinct).toBe(2);
    expect(column(file, 'email').distinct).toBe(6);
    expect(column(file, 'partial').distinct).toBe(3);
  });

  it('the multi-value column names its separator', () => {
    expect(column(file, 'interests').separator).toBe(';');
    expect(column(file, 'plan').separator).toBeUndefined();
  });

  it('samples: at most five distinct values, in order of appearance, each at most 80 characters', () => {
    expect(column(file, 'nickname').samples).toEqual(['Annie', 'Bobby', 'Cle', 'Danny', 'Evie']);
    expect(column(file, 'plan').samples).toEqual(['Gold', 'Silver']);
    const bio = column(file, 'bio').samples;
    expect(bio).toHaveLength(5);
    for (const s of file.columns.flatMap((c) => c.samples)) expect(s.length).toBeLessThanOrEqual(80);
    const long = 'Bob likes long walks on the beach and writes very long notes about it, every week.';
    expect(bio[1]).toBe(`${long.slice(0, 79)}…`);
  });

  it('columns keep their header order and index', () => {
    expect(file.columns.map((c) => c.index)).toEqual(file.columns.map((_, i) => i));
    expect(file.columns.map((c) => c.name)).toEqual(file.header);
  });

  it('type shares are 1 for uniform columns', () => {
    for (const name of ['email', 'phone', 'signup_date', 'price', 'website', 'country']) expect(column(file, name).typeShare, name).toBe(1);
  });
});

describe('slashed dates: day-first or month-first, decided per column', () => {
  it.each([
    ['dates/dates-day-first.csv', 'DD/MM/YYYY', 'day-first'],
    ['dates/dates-month-first.csv', 'MM/DD/YYYY', 'month-first'],
    ['dates/dates-ambiguous.csv', 'MM/DD/YYYY', 'ambiguous'],
  ] as const)('%s → %s (%s)', async (fixture, format, order) => {
    const file = await inspectFile(edge(fixture));
    expect(column(file, 'birthday')).toMatchObject({ type: 'date', dateFormat: format, dateOrder: order });
    expect(column(file, 'signed_up')).toMatchObject({ type: 'datetime', dateFormat: `${format} HH:mm`, dateOrder: order });
  });

  it('a column with both a day > 12 first and a day > 12 second is conflicting', () => {
    expect(profileOf('d', ['25/12/2024', '12/25/2024', '01/02/2024'])).toMatchObject({ type: 'date', dateOrder: 'conflicting' });
  });

  it('evidence anywhere in the column decides, not only in the first value', () => {
    const values = [...Array.from({ length: 30 }, (_, i) => `0${(i % 9) + 1}/0${(i % 7) + 1}/2024`), '13/01/2024'];
    expect(profileOf('d', values)).toMatchObject({ dateFormat: 'DD/MM/YYYY', dateOrder: 'day-first' });
  });

  it('Kartra\'s "DD Mon YYYY" next payment dates', async () => {
    const file = await inspectFile(edge('kinds/subscriptions_09-06-2026_6a2803f8851b2.csv'));
    expect(column(file, 'Next payment date')).toMatchObject({ type: 'date', dateFormat: 'DD Mon YYYY', filled: 2, rows: 3 });
  });
});

describe('ColumnProfiler: value types', () => {
  it('email, with the non-emails counted and located', () => {
    const p = profileOf('email', ['a@b.co', 'c@d.co', 'e@f.co', 'g@h.co', 'john@', 'N/A']);
    expect(p).toMatchObject({ type: 'email', placeholders: 1, filled: 6, nonConforming: 1, nonConformingLines: [6] });
  });

  it('phone: punctuated numbers, or digits under a phone header', () => {
    expect(profileOf('contact', ['(212) 555-0147', '212-555-0148', '+44 7911 123456']).type).toBe('phone');
    expect(profileOf('Buyer_Phone', ['2125550147', '2125550148', '7911123456']).type).toBe('phone');
    expect(profileOf('lead_id', ['2125550147', '2125550148', '7911123456']).type).toBe('number');
  });

  it('money: "$1,234.00" amounts', () => {
    expect(profileOf('paid', ['$1,234.00', '$49.00', '-$12.50', '$0.00']).type).toBe('money');
  });

  it('money: an "Amount (USD)" column of plain decimals', () => {
    expect(profileOf('Amount (USD)', ['49.00', '97.00', '-49.00', '0.00', '12.50']).type).toBe('money');
  });

  it('money: an "Amount (USD)" column of four-figure amounts is money, not phone numbers', () => {
    expect(profileOf('Amount (USD)', ['1997.00', '1997.00', '2497.00', '4997.00', '-1997.00']).type).toBe('money');
  });

  it('number: plain numbers under a neutral header', () => {
    expect(profileOf('score', ['0', '12', '500', '-3', '7.5']).type).toBe('number');
  });

  it.each([
    [['0', '1', '1', '0']],
    [['Yes', 'No', 'No']],
    [['true', 'false']],
  ])('boolean: %j', (values) => {
    expect(profileOf('flag', values).type).toBe('boolean');
  });

  it('a column of one repeated 1 is not called boolean from a single value', () => {
    expect(profileOf('flag', ['1', '1', '1']).type).not.toBe('boolean');
  });

  it('url', () => {
    expect(profileOf('site', ['https://a.example', 'http://b.example/x', 'www.c.example']).type).toBe('url');
  });

  it('country: full names and codes', () => {
    expect(profileOf('where', ['United States', 'Germany', 'US', 'GBR', 'France']).type).toBe('country');
  });

  it('enumeration: few distinct values, repeated', () => {
    const types = ['Sale', 'Rebill', 'Rebill', 'Refund', 'Sale', 'Rebill', 'Request Can.', 'Rebill', 'Sale', 'Rebill', 'Failed', 'Rebill', 'Sale', 'Rebill', 'Failed'];
    const p = profileOf('Transaction_Type', types); // 5 distinct in 15: distinct × 3 ≤ rows
    expect(p).toMatchObject({ type: 'enumeration', distinct: 5 });
  });

  it('multi-value: the separator of the column (";" or ",")', () => {
    expect(profileOf('tags', ['VIP;Gold', 'Gold', 'VIP;Newsletter'])).toMatchObject({ type: 'multi-value', separator: ';' });
    expect(profileOf('tags', ['VIP, Gold', 'Gold', 'VIP, Newsletter'])).toMatchObject({ type: 'multi-value', separator: ',' });
    expect(profileOf('checkbox', ['Yoga, Running', 'Yoga', 'Running, Cycling', 'Cycling, Yoga', 'Yoga'])).toMatchObject({
      type: 'multi-value',
      separator: ',',
    });
  });

  it('long text: a line break, or more than 255 characters', () => {
    expect(profileOf('bio', ['one\ntwo', 'three']).type).toBe('long-text');
    expect(profileOf('notes', ['x'.repeat(300), 'short']).type).toBe('long-text');
  });

  it('text: free, mostly distinct values', () => {
    expect(profileOf('name', ['Ann', 'Bob', 'Cleo', 'Dan']).type).toBe('text');
  });

  it('an all-empty column is empty with fill rate 0', () => {
    expect(profileOf('x', ['', '', ' '])).toMatchObject({ type: 'empty', rows: 3, filled: 0, fillRate: 0 });
  });

  it('fill rate counts placeholders as filled but not as values of the type', () => {
    const p = profileOf('email', ['a@b.co', '', 'N/A', 'c@d.co']);
    expect(p).toMatchObject({ rows: 4, filled: 3, fillRate: 0.75, placeholders: 1, type: 'email', typeShare: 1 });
  });

  it('zero dates are not counted as non-conforming values of a date column', () => {
    const dates = Array.from({ length: 8 }, (_, i) => `2024-01-0${i + 1} 10:00:00`);
    const p = profileOf('date_joined', [...dates, '0000-00-00 00:00:00', 'someday']); // lines 2-9, 10, 11
    expect(p).toMatchObject({ type: 'datetime', nonConforming: 1, nonConformingLines: [11] });
  });

  it('at most five non-conforming example lines, in line order', () => {
    const values = [...Array.from({ length: 40 }, () => '2024-01-01'), 'a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const p = profileOf('d', values);
    expect(p.type).toBe('date');
    expect(p.nonConforming).toBe(7);
    expect(p.nonConformingLines).toEqual([42, 43, 44, 45, 46]);
  });

  it('a truncated sample does not cut a character in half (no lone surrogate before the …)', () => {
    const p = profileOf('t', [`${'a'.repeat(78)}😀😀😀`]);
    const sample = p.samples[0]!;
    expect(sample.endsWith('…')).toBe(true);
    expect(sample).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
  });

  it('samples keep at most five values and truncate to 80 characters', () => {
    const p = profileOf('t', ['a'.repeat(100), 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(p.samples).toEqual([`${'a'.repeat(79)}…`, 'b', 'c', 'd', 'e']);
    expect(p.distinct).toBe(7);
    expect(p.maxLength).toBe(100);
  });
});

describe('Kartra columns that only look like something else', () => {
  it('an ip column of IPv4 addresses is not a phone column', () => {
    const profile = profileOf('ip', ['142.171.99.157', '203.30.61.220', '81.133.36.190', '189.75.146.212']);
    expect(profile.type).not.toBe('phone');
  });

  it('a company column with "Acme, Inc." names repeated is not a multi-value list', () => {
    const names = ['Acme, Inc.', 'Smith & Co.', 'Bolt, LLC', 'Acme, Inc.', 'Northwind', 'Bolt, LLC', 'Acme, Inc.', 'Northwind'];
    expect(profileOf('company', names).type).not.toBe('multi-value');
    expect(profileOf('Company', names).type).not.toBe('multi-value');
  });

  it('a custom checkbox column with the same shape is a multi-value list', () => {
    const values = ['Yoga, Running', 'Running', 'Yoga, Cooking', 'Cooking, Running', 'Yoga', 'Running, Yoga', 'Cooking', 'Yoga, Running'];
    expect(profileOf('interests', values)).toMatchObject({ type: 'multi-value', separator: ',' });
  });
});

describe('money needs evidence of money', () => {
  it('a Price_point column of 1, 2, 3 is a number, an Amount (USD) column with cents is money', () => {
    expect(profileOf('Price_point', ['1', '2', '3', '1', '2']).type).toBe('number');
    expect(profileOf('Subscription_payment_number', ['0', '1', '2', '3', '4']).type).toBe('number');
    expect(profileOf('Amount (USD)', ['55.51', '-55.51', '19.00', '0.00']).type).toBe('money');
  });

  it('samples show values, not placeholders', () => {
    expect(profileOf('subscription_id', ['N/A', 'N/A', '310000', '310001']).samples).toEqual(['310000', '310001']);
  });

  it('lists the distinct values of a choice column, without placeholders, for SELECT options', () => {
    const p = profileOf('business_type', ['Coaching', 'N/A', 'Agency', 'Coaching', '', 'E-commerce']);
    expect(p.values).toEqual(['Coaching', 'Agency', 'E-commerce']);
  });

  it('lists a multi-value column by its items, first spelling kept', () => {
    const p = profileOf('tags', ['VIP;Webinar', 'vip', 'Gold; Webinar', 'VIP;Gold']);
    expect(p.separator).toBe(';');
    expect(p.values).toEqual(['VIP', 'Webinar', 'Gold']);
  });

  it('does not list a column of more than VALUE_LIST_CAP distinct values', () => {
    const p = profileOf('email', Array.from({ length: VALUE_LIST_CAP + 1 }, (_, i) => `lead${i}@example.com`));
    expect(p.values).toBeUndefined();
  });
});
