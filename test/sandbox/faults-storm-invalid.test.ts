/**
 * The sandbox's 429 storms and invalid records (src/sandbox/faults.ts), for the soak: both deterministic by seed,
 * both met through the real client too (it rides out a storm; it isolates an invalid record and writes the rest).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FaultInjector, resolveFaults, type Fault } from '../../src/sandbox/faults.js';
import { createTwentyClient, type TwentyClient } from '../../src/twenty/index.js';
import { sandbox, type TestSandbox } from './helpers.js';

const clients: TwentyClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

function clientOf(t: TestSandbox, options: { batchMax?: number } = {}): TwentyClient {
  const client = createTwentyClient({ baseUrl: t.sb.url, apiKey: t.sb.apiKey, rateLimit: { buckets: [{ limit: 100_000, windowMs: 1000 }], safetyMargin: 0 }, retryDelay: { minMs: 10 }, ...options });
  clients.push(client);
  return client;
}

const people = (n: number, domain = 'soak.test') =>
  Array.from({ length: n }, (_, i) => ({ name: { firstName: `P${i}`, lastName: 'Soak' }, emails: { primaryEmail: `p${i}@${domain}` } }));

describe('rateLimitStormRate: bursts of 429s', () => {
  it('a storm answers its record calls 429 LIMIT_REACHED with the short bucket\'s message, applies nothing and spends no token', async () => {
    const t = await sandbox({ faults: { rateLimitStormRate: 1, rateLimitStormLength: 3 }, rateLimit: { shortLimit: 50, shortWindowMs: 500, longLimit: 2, longWindowMs: 60_000 } });
    for (let i = 0; i < 4; i++) {
      const res = await t.call('POST', '/rest/companies', { name: 'A' });
      expect(res.status).toBe(429);
      expect(res.body).toEqual({ statusCode: 429, error: 'TooManyRequestsException', messages: ['Limit reached (50 tokens per 500 ms)'], code: 'LIMIT_REACHED' });
    }
    expect(t.sb.records('companies')).toEqual([]);
    expect((await t.call('GET', '/rest/metadata/objects')).status).toBe(200);
    expect(t.sb.stats().faults).toMatchObject({ rateLimitStorm: 4, error500: 0 });
    expect(t.sb.stats().rateLimited).toBe(4);
  });

  it('without throttling, a storm states Twenty\'s default short bucket', async () => {
    const t = await sandbox({ faults: { rateLimitStormRate: 1 } });
    expect((await t.call('GET', '/rest/people')).body.messages).toEqual(['Limit reached (100 tokens per 1000 ms)']);
  });

  it('a storm lasts rateLimitStormLength record calls, the calls inside it draw nothing, and the sandbox follows the seed', async () => {
    const options = { rateLimitStormRate: 0.1, rateLimitStormLength: 4, error500Rate: 0.05, seed: 11 };
    const oracle = new FaultInjector(resolveFaults(options));
    const predicted: Fault[] = Array.from({ length: 60 }, () => oracle.next());
    expect(predicted).toContain('rateLimitStorm');
    const t = await sandbox({ faults: options });
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await t.call('GET', '/rest/people')).status);
    expect(statuses).toEqual(predicted.map((f) => (f === 'rateLimitStorm' ? 429 : f === 'error500' ? 500 : 200)));

    const injector = new FaultInjector(resolveFaults({ rateLimitStormRate: 0.02, rateLimitStormLength: 5, seed: 3 }));
    const faults = Array.from({ length: 20_000 }, () => injector.next());
    const runs = faults.join(' ').split(/\bnone\b/).map((run) => run.trim()).filter(Boolean).map((run) => run.split(' ').length);
    expect(Math.min(...runs)).toBeGreaterThanOrEqual(5);
    expect(runs.every((n) => n % 5 === 0)).toBe(true); // storms back to back add up
    // 2 % of the draws start a storm; draws happen only outside storms
    const storms = runs.reduce((n, r) => n + r / 5, 0);
    expect(storms / (20_000 - storms * 4)).toBeCloseTo(0.02, 2);
  });

  it('the client waits a storm out: every call succeeds, each 429 counted', async () => {
    const t = await sandbox({ faults: { rateLimitStormRate: 0.2, rateLimitStormLength: 5, seed: 4 } });
    const client = clientOf(t, { batchMax: 1 });
    const written = await client.upsertMany('people', people(30));
    expect(written.written).toHaveLength(30);
    expect(t.sb.stats().faults.rateLimitStorm).toBeGreaterThanOrEqual(5);
    expect(client.stats().rateLimited).toBe(t.sb.stats().faults.rateLimitStorm);
    expect(t.sb.records('people')).toHaveLength(30);
    // a storm without end is an error that says what it is
    const endless = clientOf(await sandbox({ faults: { rateLimitStormRate: 1 } }));
    await expect(endless.upsertMany('people', people(1))).rejects.toThrow(/rate limit was reached \(Limit reached \(100 tokens per 1000 ms\)\).*still reached after 10 waits/);
  });

  it('refuses a bad storm length', () => {
    expect(() => resolveFaults({ rateLimitStormLength: 0 })).toThrow(/rateLimitStormLength must be a whole number of requests ≥ 1/);
    expect(() => resolveFaults({ rateLimitStormRate: 0.6, error500Rate: 0.5 })).toThrow(/the rates add up to more than 1/);
    expect(() => resolveFaults({ invalidRecordRate: 1.5 })).toThrow('faults: invalidRecordRate must be a number from 0 to 1 (got 1.5)');
  });
});

describe('invalidRecordRate: a record refused with Twenty\'s validation error, its whole batch with it', () => {
  /** Which of `records` the sandbox refuses when each is sent alone. */
  async function refusedAlone(t: TestSandbox, records: Record<string, unknown>[]): Promise<string[]> {
    const refused: string[] = [];
    for (const r of records) {
      const res = await t.call('POST', '/rest/batch/people?upsert=true', [r]);
      if (res.status !== 201) refused.push((r.emails as { primaryEmail: string }).primaryEmail);
    }
    return refused;
  }

  it('refuses a batch holding an invalid record, names its field and value, applies nothing; the same record every time', async () => {
    const t = await sandbox({ faults: { invalidRecordRate: 0.1, seed: 5 } });
    const batch = people(60);
    const res = await t.call('POST', '/rest/batch/people', batch);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'BadRequestException', code: 'INVALID_ARGS_DATA' });
    expect(res.body.messages[0]).toMatch(/^Invalid value 'p\d+@soak\.test' for field "emails\.primaryEmail" \(injected fault: invalid record\)$/);
    expect(t.sb.records('people')).toEqual([]);

    const refused = await refusedAlone(t, batch);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.length).toBeLessThan(20);
    expect(res.body.messages[0]).toContain(`'${refused[0]}'`); // the first invalid record of the batch is named
    expect(await refusedAlone(t, batch.filter((r) => refused.includes(r.emails.primaryEmail)))).toEqual(refused);
    expect(t.sb.records('people')).toHaveLength(60 - refused.length);
    expect(t.sb.stats().invalidRecords).toEqual(refused.map((email) => `people emails.primaryEmail=${email}`));
    expect(t.sb.stats().faults.invalidRecord).toBe(1 + refused.length * 2);

    // another seed refuses other records; a single create is refused the same way
    const other = await sandbox({ faults: { invalidRecordRate: 0.1, seed: 6 } });
    expect(await refusedAlone(other, batch)).not.toEqual(refused);
    const one = batch.find((r) => refused.includes(r.emails.primaryEmail))!;
    expect((await t.call('POST', '/rest/people', one)).body.code).toBe('INVALID_ARGS_DATA');
  });

  it('prefers a custom unique field (the migration\'s key) as the record\'s identity, and leaves metadata and reads alone', async () => {
    const t = await sandbox({ faults: { invalidRecordRate: 1 } });
    const object = (await t.call('GET', '/rest/metadata/objects')).body.data.objects.find((o: { namePlural: string }) => o.namePlural === 'people');
    expect((await t.call('POST', '/rest/metadata/fields', { objectMetadataId: object.id, name: 'kartraLeadId', label: 'Kartra lead id', type: 'TEXT', isUnique: true })).status).toBe(201);
    const res = await t.call('POST', '/rest/batch/people', [{ kartraLeadId: '42', emails: { primaryEmail: 'a@b.test' } }]);
    expect(res.body.messages).toEqual(['Invalid value \'42\' for field "kartraLeadId" (injected fault: invalid record)']);
    expect((await t.call('GET', '/rest/people')).status).toBe(200);
    // a record without any unique value is known by its content
    const note = await t.call('POST', '/rest/batch/notes', [{ title: 'Kartra note' }]);
    expect(note.body.messages).toEqual(['Invalid value \'Kartra note\' for field "title" (injected fault: invalid record)']);
    expect(t.sb.stats().invalidRecords).toEqual(['people kartraLeadId=42', 'notes {"title":"Kartra note"}']);
  });

  it('through the client: the batch is split, exactly the invalid records are rejected with the message, all others written', async () => {
    const t = await sandbox({ faults: { invalidRecordRate: 0.05, seed: 9 } });
    const records = people(200, 'client.test');
    const client = clientOf(t, { batchMax: 50 });
    const result = await client.upsertMany('people', records);
    const invalid = t.sb.stats().invalidRecords.map((s) => s.replace('people emails.primaryEmail=', ''));
    expect(invalid.length).toBeGreaterThan(1);
    expect(result.rejected.map((r) => records[r.index]!.emails.primaryEmail).sort()).toEqual([...invalid].sort());
    for (const r of result.rejected) {
      expect(r).toMatchObject({ code: 'INVALID_ARGS_DATA', field: 'emails.primaryEmail', value: records[r.index]!.emails.primaryEmail, status: 400 });
      expect(r.message).toMatch(/\(injected fault: invalid record\)$/);
    }
    expect(result.written).toHaveLength(200 - invalid.length);
    expect(t.sb.records('people')).toHaveLength(200 - invalid.length);
  });
});
