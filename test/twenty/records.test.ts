import { describe, expect, it } from 'vitest';
import {
  TwentyAuthError,
  TwentyBatchTooLargeError,
  eq,
  where,
  type TwentyClient,
  type TwentyClientEvent,
  type TwentyPage,
} from '../../src/twenty/index.js';
import { drop, rejection, twentyError } from './helpers.js';
import { fakeTwentyPerTest } from './test-client.js';

const setup = fakeTwentyPerTest();

function people(n: number, from = 0): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, i) => ({ kartraLeadId: `L${from + i}`, name: { firstName: `P${from + i}`, lastName: 'X' } }));
}

describe('batch upsert', () => {
  it('writes a batch with ?upsert=true and returns each record with its input index and id', async () => {
    const { fake, client } = await setup();
    const result = await client.upsertMany('people', people(3));
    expect(result.rejected).toEqual([]);
    expect(result.written.map((w) => w.index)).toEqual([0, 1, 2]);
    expect(result.written.map((w) => w.id)).toEqual(['L0', 'L1', 'L2'].map((l) => fake.person(l)?.id));
    expect(fake.calls('POST', '/rest/batch/people')[0]?.query.get('upsert')).toBe('true');
  });

  it('isolates one bad record in a batch of 50: every good record written exactly once, the bad one reported verbatim', async () => {
    const events: TwentyClientEvent[] = [];
    const { fake, client } = await setup({}, events);
    const input = people(50);
    input[17] = { ...input[17], bad: true, kartraStatus: 'Gold member' };
    const progress: number[] = [];
    const result = await client.upsertMany('people', input, { onProgress: (p) => progress.push(p.written + p.rejected) });

    expect(result.rejected).toEqual([
      {
        index: 17,
        message: `Invalid value 'Gold member' for field "kartraStatus"`,
        code: 'INVALID_ARGS_DATA',
        field: 'kartraStatus',
        value: 'Gold member',
        status: 400,
      },
    ]);
    expect(result.written).toHaveLength(49);
    expect(result.written.map((w) => w.index)).toEqual([...Array(50).keys()].filter((i) => i !== 17));
    for (let i = 0; i < 50; i++) {
      const lead = `L${i}`;
      expect(fake.writes.get(lead)).toBe(i === 17 ? undefined : 1);
    }
    expect(fake.people).toHaveLength(49);
    // bisection: 1 refused batch of 50, then two halves per level down to the bad record: ⌈log2 50⌉ = 6 levels
    expect(fake.calls('POST', '/rest/batch/people').length).toBeLessThanOrEqual(1 + 2 * 6);
    expect(events.some((e) => e.type === 'batch-split')).toBe(true);
    expect(progress[progress.length - 1]).toBe(50);
  });

  it('isolates several bad records, including neighbours and the ends', async () => {
    const { fake, client } = await setup();
    const input = people(40);
    for (const i of [0, 1, 20, 39]) input[i] = { ...input[i], bad: true, kartraStatus: `B${i}` };
    const result = await client.upsertMany('people', input);
    expect(result.rejected.map((r) => r.index)).toEqual([0, 1, 20, 39]);
    expect(result.rejected[2]?.message).toBe(`Invalid value 'B20' for field "kartraStatus"`);
    expect(result.written).toHaveLength(36);
    expect([...fake.writes.values()].every((n) => n === 1)).toBe(true);
    expect(fake.writes.size).toBe(36);
  });

  it('falls back from 200 to the stated 60 on TOO_MANY_RECORDS_TO_UPDATE and remembers it', async () => {
    const events: TwentyClientEvent[] = [];
    const { fake, client } = await setup({ batchMax: 60 }, events);
    expect((await client.capabilities()).batchMax).toBe(200);
    const first = await client.upsertMany('people', people(250));
    expect(first.written).toHaveLength(250);
    expect(first.rejected).toEqual([]);
    expect((await client.capabilities()).batchMax).toBe(60);
    expect(client.stats().batchMax).toBe(60);
    expect(events).toContainEqual({ type: 'batch-max-lowered', from: 200, to: 60 });
    const sizes = fake.calls('POST', '/rest/batch/people').map((h) => (h.body as unknown[]).length);
    expect(sizes.filter((n) => n > 60)).toEqual([200]); // only the first batch was too large
    expect(fake.people).toHaveLength(250);
    expect([...fake.writes.values()].every((n) => n === 1)).toBe(true);

    const before = fake.calls('POST', '/rest/batch/people').length;
    await client.upsertMany('people', people(130, 1000));
    const later = fake.calls('POST', '/rest/batch/people').slice(before).map((h) => (h.body as unknown[]).length);
    expect(later).toEqual([60, 60, 10]);
  });

  it('falls back to 60 when the server does not state its maximum', async () => {
    const { client } = await setup({ batchMax: 60, statesMax: false });
    await client.upsertMany('people', people(200));
    expect((await client.capabilities()).batchMax).toBe(60);
  });

  it('keeps halving when even 60 is too many', async () => {
    const { fake, client } = await setup({ batchMax: 25, statesMax: false });
    const result = await client.upsertMany('people', people(100));
    expect(result.written).toHaveLength(100);
    expect(client.stats().batchMax).toBeLessThanOrEqual(25);
    expect(fake.people).toHaveLength(100);
  });

  it('throws, without splitting, what no split can fix (a refused key)', async () => {
    const { fake, client } = await setup();
    fake.intercept = (hit, res) => {
      if (hit.path !== '/rest/batch/people') return false;
      twentyError(res, 401, 'Token invalid', 'UNAUTHENTICATED');
      return true;
    };
    expect(await rejection(client.upsertMany('people', people(450)))).toBeInstanceOf(TwentyAuthError);
    await new Promise((r) => setTimeout(r, 50));
    // the three batches were queued together; none was split into smaller ones
    expect(fake.calls('POST', '/rest/batch/people').every((h) => (h.body as unknown[]).length >= 50)).toBe(true);
  });

  it('a single record too large for a batch is an error, not a loop', async () => {
    const { client } = await setup({ batchMax: 0 });
    expect(await rejection(client.upsertMany('people', people(2)))).toBeInstanceOf(TwentyBatchTooLargeError);
  });

  it('replays a write whose answer was lost without duplicating (upsert on the unique external id)', async () => {
    const { fake, client } = await setup();
    let dropped = false;
    fake.intercept = (hit, res) => {
      if (hit.path !== '/rest/batch/people' || dropped) return false;
      dropped = true;
      // apply the batch, then drop the connection before answering
      const records = hit.body as Array<Record<string, unknown>>;
      for (const r of records) fake.people.push({ ...r, id: `applied-${String(r.kartraLeadId)}` });
      for (const r of records) fake.created.set(String(r.kartraLeadId), 1);
      drop(res);
      return true;
    };
    const result = await client.upsertMany('people', people(5));
    expect(result.written).toHaveLength(5);
    expect(fake.people).toHaveLength(5);
    expect([...fake.created.values()]).toEqual([1, 1, 1, 1, 1]);
    expect(result.written[0]?.id).toBe('applied-L0');
    expect(client.stats().retries).toBe(1);
  });

  it('sends nothing for no records and refuses a bad object name', async () => {
    const { fake, client } = await setup();
    expect(await client.upsertMany('people', [])).toEqual({ written: [], rejected: [], unsent: [] });
    expect(fake.hits).toHaveLength(0);
    await expect(client.upsertMany('../metadata', [{}])).rejects.toThrow(/not a Twenty object name/);
  });
});

describe('find', () => {
  it('pages through every record with the cursor, passing filter and order', async () => {
    const { fake, client } = await setup();
    await client.upsertMany('people', people(130));
    const pages: TwentyPage[] = [];
    const filter = where(eq('kartraLeadId', 'L1'));
    for await (const page of client.find('people', { pageSize: 50, filter, orderBy: 'createdAt[AscNullsFirst]' })) pages.push(page);
    expect(pages.map((p) => p.records.length)).toEqual([50, 50, 30]);
    expect(pages[0]?.totalCount).toBe(130);
    const ids = pages.flatMap((p) => p.records.map((r) => r.kartraLeadId));
    expect(new Set(ids).size).toBe(130);
    const gets = fake.calls('GET', '/rest/people');
    expect(gets.map((h) => h.query.get('starting_after'))).toEqual([null, pages[0]?.pageInfo.endCursor, pages[1]?.pageInfo.endCursor]);
    expect(gets.every((h) => h.query.get('filter') === 'and(kartraLeadId[eq]:"L1")')).toBe(true);
    expect(gets[0]?.query.get('order_by')).toBe('createdAt[AscNullsFirst]');
    expect(gets[0]?.query.get('limit')).toBe('50');
  });

  it('stops after one page when there is no next page, and uses the batch maximum as page size', async () => {
    const { fake, client } = await setup();
    await client.upsertMany('people', people(3));
    const pages: TwentyPage[] = [];
    for await (const page of client.find('people')) pages.push(page);
    expect(pages).toHaveLength(1);
    expect(fake.calls('GET', '/rest/people')[0]?.query.get('limit')).toBe('200');
  });

  it('refuses a next page announced without a new cursor (no endless loop)', async () => {
    const { fake, client } = await setup();
    fake.intercept = (hit, res) => {
      if (hit.path !== '/rest/people') return false;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: { people: [{ id: 'a' }] }, pageInfo: { hasNextPage: true, endCursor: 'same' } }));
      return true;
    };
    const run = async (): Promise<number> => {
      let n = 0;
      for await (const _ of client.find('people')) n++;
      return n;
    };
    await expect(run()).rejects.toThrow(/without a new cursor/);
  });
});

describe('one record', () => {
  it('finds, updates, destroys and restores by id', async () => {
    const { fake, client } = await setup();
    const { written } = await client.upsertMany('people', people(2));
    const id = written[0]!.id;
    expect((await client.findOne('people', id))?.kartraLeadId).toBe('L0');
    expect(await client.findOne('people', 'nope')).toBeUndefined();

    const updated = await client.update('people', id, { jobTitle: 'CTO' });
    expect(updated.jobTitle).toBe('CTO');
    expect(fake.calls('PATCH', `/rest/people/${id}`)[0]?.body).toEqual({ jobTitle: 'CTO' });

    const other = written[1]!.id;
    fake.person('L1')!.deletedAt = '2026-01-01T00:00:00Z';
    const restored = await client.restore('people', other);
    expect(restored.deletedAt).toBeNull();
    expect(fake.calls('PATCH', `/rest/restore/people/${other}`)).toHaveLength(1);

    expect(await client.destroy('people', id)).toBe(true);
    expect(fake.calls('DELETE', `/rest/people/${id}`)).toHaveLength(1);
    expect(fake.people.map((p) => p.id)).toEqual([other]);
    expect(await client.destroy('people', id)).toBe(false); // already gone
  });

  it('encodes ids so they stay one path segment', async () => {
    const { fake, client } = await setup();
    expect(await client.findOne('people', '../metadata/objects')).toBeUndefined();
    expect(fake.hits[0]?.path).toBe('/rest/people/..%2Fmetadata%2Fobjects');
  });
});
