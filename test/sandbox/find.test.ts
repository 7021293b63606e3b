import { describe, expect, it } from 'vitest';
import { parseFilter } from '../../src/sandbox/filter.js';
import { PROFILES, standardModel } from '../../src/sandbox/schema.js';
import { errorOf, sandbox, type TestSandbox } from './helpers.js';

interface Person {
  id: string;
  name: { firstName: string; lastName: string };
  jobTitle: string;
}

/** Companies with employees: a 1.x field, so these tests use the v1 profile. */
async function seed(t: TestSandbox) {
  const companies = (await t.call('POST', '/rest/batch/companies', [
    { name: 'Acme (US)', domainName: { primaryLinkUrl: 'https://acme.com' }, employees: 50 },
    { name: 'Foo', domainName: { primaryLinkUrl: 'https://foo.io' }, employees: 5 },
    { name: 'Bar', employees: 500 },
    { name: 'Nobody' },
  ])).body.data.createCompanies;
  return companies as { id: string; name: string }[];
}

async function names(t: TestSandbox, query: string): Promise<string[]> {
  const res = await t.call('GET', `/rest/companies?${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data.companies.map((c: { name: string }) => c.name);
}

const q = (filter: string) => `filter=${encodeURIComponent(filter)}&order_by=name`;

describe('GET /rest/{plural} filters (twenty-api.md §1 "Find")', () => {
  it('comparators eq neq in is gt gte lt lte like ilike startsWith endsWith', async () => {
    const t = await sandbox({ profile: 'v1' });
    await seed(t);
    expect(await names(t, q('name[eq]:"Foo"'))).toEqual(['Foo']);
    expect(await names(t, q('name[eq]:Foo'))).toEqual(['Foo']);
    expect(await names(t, q('name[neq]:Foo'))).toEqual(['Acme (US)', 'Bar', 'Nobody']);
    expect(await names(t, q('domainName.primaryLinkUrl[in]:["https://acme.com","https://foo.io"]'))).toEqual(['Acme (US)', 'Foo']);
    expect(await names(t, q('employees[is]:NULL'))).toEqual(['Nobody']);
    expect(await names(t, q('employees[is]:NOT_NULL'))).toEqual(['Acme (US)', 'Bar', 'Foo']);
    expect(await names(t, q('employees[gt]:50'))).toEqual(['Bar']);
    expect(await names(t, q('employees[gte]:50'))).toEqual(['Acme (US)', 'Bar']);
    expect(await names(t, q('employees[lt]:50'))).toEqual(['Foo']);
    expect(await names(t, q('employees[lte]:50'))).toEqual(['Acme (US)', 'Foo']);
    expect(await names(t, q('name[like]:"%o%"'))).toEqual(['Foo', 'Nobody']);
    expect(await names(t, q('name[like]:"%O%"'))).toEqual([]);
    expect(await names(t, q('name[ilike]:"%O%"'))).toEqual(['Foo', 'Nobody']);
    expect(await names(t, q('name[startsWith]:"No"'))).toEqual(['Nobody']);
    expect(await names(t, q('name[endsWith]:"ar"'))).toEqual(['Bar']);
  });

  it('and(…), or(…), not(…), and a default and() for comma-separated predicates', async () => {
    const t = await sandbox({ profile: 'v1' });
    await seed(t);
    expect(await names(t, q('or(name[eq]:"Foo",employees[gt]:100)'))).toEqual(['Bar', 'Foo']);
    expect(await names(t, q('and(employees[gt]:1,employees[lt]:100)'))).toEqual(['Acme (US)', 'Foo']);
    expect(await names(t, q('employees[gt]:1,employees[lt]:100'))).toEqual(['Acme (US)', 'Foo']);
    expect(await names(t, q('not(employees[is]:NULL)'))).toEqual(['Acme (US)', 'Bar', 'Foo']);
    expect(await names(t, q('and(or(name[eq]:Foo,name[eq]:Bar),employees[gte]:100)'))).toEqual(['Bar']);
  });

  it('a value with parentheses needs an explicit and(…), as in Twenty', async () => {
    const t = await sandbox({ profile: 'v1' });
    await seed(t);
    expect(await names(t, q('and(name[eq]:"Acme (US)",employees[gt]:1)'))).toEqual(['Acme (US)']);
    // Without it, the parentheses stop the default and(): the whole string is one predicate whose value is
    // `"Acme (US)",employees[gt]:1`, which matches nothing.
    expect(await names(t, q('name[eq]:"Acme (US)",employees[gt]:1'))).toEqual([]);
  });

  it('filters on composite subfields and join columns', async () => {
    const t = await sandbox({ profile: 'v1' });
    const [acme] = await seed(t);
    await t.call('POST', '/rest/batch/people', [
      { name: { firstName: 'Ada', lastName: 'L' }, emails: { primaryEmail: 'ada@example.com' }, companyId: acme!.id },
      { name: { firstName: 'Bob', lastName: 'M' }, emails: { primaryEmail: 'bob@example.com' } },
    ]);
    const byEmail = await t.call('GET', `/rest/people?filter=${encodeURIComponent('emails.primaryEmail[eq]:"ada@example.com"')}`);
    expect(byEmail.body.data.people.map((p: Person) => p.name.firstName)).toEqual(['Ada']);
    const byCompany = await t.call('GET', `/rest/people?filter=${encodeURIComponent(`companyId[eq]:${acme!.id}`)}`);
    expect(byCompany.body.data.people).toHaveLength(1);
    const byFirstName = await t.call('GET', `/rest/people?filter=${encodeURIComponent('name.firstName[ilike]:"%o%"')}`);
    expect(byFirstName.body.data.people.map((p: Person) => p.name.firstName)).toEqual(['Bob']);
  });

  it('bad filters → 400 with Twenty\'s messages', async () => {
    const t = await sandbox();
    const bad = async (filter: string) => errorOf(await t.call('GET', `/rest/companies?filter=${encodeURIComponent(filter)}`));
    expect(await bad('name=Foo')).toEqual({ status: 400, code: undefined, message: "'filter' invalid for 'name=Foo'. eg: price[gte]:10" });
    expect((await bad('name[equals]:Foo')).message).toBe("'filter' invalid for 'name[equals]:Foo', comparator equals not in eq, neq, in, containsAny, is, gt, gte, lt, lte, startsWith, endsWith, like, ilike");
    expect((await bad('and(name[eq]:Foo')).message).toBe("'filter' invalid. 1 close bracket is missing in the query");
    expect((await bad('name[in]:Foo')).message).toBe("'filter' invalid for 'in' operator. Received 'Foo' but array value expected eg: 'field[in]:[value_1,value_2]'");
    expect((await bad('nope[eq]:1')).message).toBe("field 'nope' does not exist in 'company' object");
  });
});

describe('order_by, limit and cursor paging', () => {
  async function seedPeople(t: TestSandbox, n: number) {
    for (let from = 0; from < n; from += 60) {
      const batch = Array.from({ length: Math.min(60, n - from) }, (_, i) => ({ name: { firstName: `P${String(from + i).padStart(3, '0')}`, lastName: 'X' } }));
      expect((await t.call('POST', '/rest/batch/people', batch)).status).toBe(201);
    }
  }

  it('pages through more than one page with starting_after, pageInfo and totalCount', async () => {
    const t = await sandbox();
    await seedPeople(t, 130);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    for (;;) {
      const res = await t.call('GET', `/rest/people?limit=50${cursor ? `&starting_after=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.totalCount).toBe(130);
      pages += 1;
      seen.push(...res.body.data.people.map((p: Person) => p.id));
      expect(res.body.pageInfo.startCursor).toEqual(expect.any(String));
      if (!res.body.pageInfo.hasNextPage) break;
      cursor = res.body.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(130);
    expect(seen).toEqual([...seen].sort()); // default order: id ascending
  });

  it('the default page size is 60 and limit is capped at the profile maximum', async () => {
    const t = await sandbox({ profile: 'v1' });
    await seedPeople(t, 70);
    const first = await t.call('GET', '/rest/people');
    expect(first.body.data.people).toHaveLength(60);
    expect(first.body.pageInfo.hasNextPage).toBe(true);
    expect((await t.call('GET', '/rest/people?limit=500')).body.data.people).toHaveLength(60);
    expect(errorOf(await t.call('GET', '/rest/people?limit=-1')).message).toBe("limit '-1' is invalid. Should be an integer");
  });

  it('orders by a field, then by id; DescNullsLast puts missing values last', async () => {
    const t = await sandbox({ profile: 'v1' });
    await seed(t);
    expect(await names(t, 'order_by=employees[DescNullsLast]')).toEqual(['Bar', 'Acme (US)', 'Foo', 'Nobody']);
    expect(await names(t, 'order_by=employees[AscNullsFirst]')).toEqual(['Nobody', 'Foo', 'Acme (US)', 'Bar']);
    expect(await names(t, 'order_by=name[DescNullsFirst]')).toEqual(['Nobody', 'Foo', 'Bar', 'Acme (US)']);
    expect(errorOf(await t.call('GET', '/rest/companies?order_by=name[Up]')).code).toBe('INVALID_ORDER_BY_QUERY_PARAM');
  });

  it('paging with an order_by follows that order across pages, and ending_before goes back', async () => {
    const t = await sandbox();
    await seedPeople(t, 25);
    const page = async (extra: string) => (await t.call('GET', `/rest/people?order_by=name.firstName[DescNullsLast]&limit=10${extra}`)).body;
    const p1 = await page('');
    const p2 = await page(`&starting_after=${encodeURIComponent(p1.pageInfo.endCursor)}`);
    const p3 = await page(`&starting_after=${encodeURIComponent(p2.pageInfo.endCursor)}`);
    const all = [p1, p2, p3].flatMap((p) => p.data.people.map((x: Person) => x.name.firstName));
    expect(all).toEqual(Array.from({ length: 25 }, (_, i) => `P${String(24 - i).padStart(3, '0')}`));
    expect(p3.pageInfo.hasNextPage).toBe(false);
    const back = await page(`&ending_before=${encodeURIComponent(p3.pageInfo.startCursor)}`);
    expect(back.data.people.map((x: Person) => x.name.firstName)).toEqual(p2.data.people.map((x: Person) => x.name.firstName));
    expect(errorOf(await t.call('GET', '/rest/people?starting_after=garbage')).code).toBe('INVALID_CURSOR');
  });

  it('rows created while paging by id do not repeat or vanish from later pages', async () => {
    const t = await sandbox();
    await seedPeople(t, 20);
    const first = (await t.call('GET', '/rest/people?limit=10')).body;
    const lastSeen = first.data.people.at(-1).id as string;
    const deleted = first.data.people[0].id as string;
    await t.call('DELETE', `/rest/people/${deleted}`);
    const second = (await t.call('GET', `/rest/people?limit=10&starting_after=${encodeURIComponent(first.pageInfo.endCursor)}`)).body;
    expect(second.data.people.every((p: Person) => p.id > lastSeen)).toBe(true);
    expect(second.data.people).toHaveLength(10);
  });
});

describe('filter parser (unit)', () => {
  const person = standardModel(PROFILES.v2, new Date(0).toISOString())[0]!;

  it('splits on top-level commas only, keeping brackets and quotes together', () => {
    expect(parseFilter('or(name.firstName[eq]:"a,b",emails.primaryEmail[in]:[x,y])', person)).toEqual({
      kind: 'or',
      items: [
        { kind: 'compare', path: ['name', 'firstName'], comparator: 'eq', value: 'a,b' },
        { kind: 'compare', path: ['emails', 'primaryEmail'], comparator: 'in', value: ['x', 'y'] },
      ],
    });
  });

  it('rejects not() with two conditions', () => {
    expect(() => parseFilter('not(jobTitle[eq]:a,jobTitle[eq]:b)', person)).toThrow(/'not' conjunction should contain only 1 condition/);
  });
});
