import { describe, expect, it } from 'vitest';
import { call, errorOf, sandbox } from './helpers.js';

describe('auth', () => {
  it('generates a random API key per sandbox and accepts it as a Bearer token', async () => {
    const a = await sandbox();
    const b = await sandbox();
    expect(a.sb.apiKey).not.toBe(b.sb.apiKey);
    expect(a.sb.apiKey.length).toBeGreaterThanOrEqual(20);
    expect((await a.call('GET', '/rest/people')).status).toBe(200);
  });

  it('takes the API key from the options', async () => {
    const t = await sandbox({ apiKey: 'my-test-key-123' });
    expect(t.sb.apiKey).toBe('my-test-key-123');
    expect((await t.call('GET', '/rest/people')).status).toBe(200);
  });

  it.each([
    ['no Authorization header', undefined, 'Missing authentication token'],
    ['a wrong key', 'Bearer not-the-key', 'Token invalid.'],
    ['a key without Bearer', 'KEY', 'Token invalid.'],
  ])('answers 401 with Twenty\'s error body for %s, on record and metadata routes', async (_what, header, message) => {
    const t = await sandbox();
    for (const path of ['/rest/people', '/rest/metadata/objects', '/rest/batch/people']) {
      const res = await fetch(`${t.sb.url}${path}`, { headers: header === undefined ? {} : { authorization: header === 'KEY' ? t.sb.apiKey : header } });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ statusCode: 401, error: 'UnauthorizedException', messages: [message], code: 'UNAUTHENTICATED' });
    }
    expect(t.sb.stats().unauthorized).toBe(3);
    expect(t.sb.records('people')).toEqual([]);
  });

  it('serves /healthz without a key and 404s outside /rest', async () => {
    const t = await sandbox();
    expect((await fetch(`${t.sb.url}/healthz`)).status).toBe(200);
    const res = await t.call('GET', '/graphql');
    expect(res.status).toBe(404);
  });
});

describe('record routes and their response keys', () => {
  it('POST /rest/{plural} creates one record: 201 createPerson', async () => {
    const t = await sandbox();
    const res = await t.call('POST', '/rest/people', { name: { firstName: 'Ada', lastName: 'Lovelace' }, emails: { primaryEmail: 'ada@example.com' }, jobTitle: 'CTO' });
    expect(res.status).toBe(201);
    const person = res.body.data.createPerson;
    expect(person).toMatchObject({ name: { firstName: 'Ada', lastName: 'Lovelace' }, emails: { primaryEmail: 'ada@example.com', additionalEmails: null }, jobTitle: 'CTO', deletedAt: null, companyId: null });
    expect(person.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(person.createdBy).toEqual({ source: 'API', workspaceMemberId: null, name: 'Sandbox API key', context: {} });
    expect(t.sb.records('people')).toHaveLength(1);
  });

  it('POST /rest/batch/{plural} creates many: 201 createPeople, createCompanies, createOpportunities', async () => {
    const t = await sandbox();
    const people = await t.call('POST', '/rest/batch/people', [{ name: { firstName: 'A' } }, { name: { firstName: 'B' } }]);
    expect(people.status).toBe(201);
    expect(people.body.data.createPeople.map((p: { name: { firstName: string } }) => p.name.firstName)).toEqual(['A', 'B']);
    const companies = await t.call('POST', '/rest/batch/companies', [{ name: 'Acme' }]);
    expect(companies.body.data.createCompanies).toHaveLength(1);
    const opportunities = await t.call('POST', '/rest/batch/opportunities', [{ name: 'Deal', stage: 'MEETING', amount: { amountMicros: 1_500_000_000, currencyCode: 'USD' } }]);
    expect(opportunities.body.data.createOpportunities[0]).toMatchObject({ stage: 'MEETING', amount: { amountMicros: 1_500_000_000, currencyCode: 'USD' } });
  });

  it('refuses a batch body that is not an array, and an empty one', async () => {
    const t = await sandbox();
    expect(errorOf(await t.call('POST', '/rest/batch/people', { name: {} }))).toEqual({ status: 400, code: undefined, message: 'Body must be an array' });
    expect(errorOf(await t.call('POST', '/rest/batch/people', []))).toEqual({ status: 400, code: undefined, message: 'Input must not be empty' });
  });

  it('GET /rest/{plural}/{id} finds one: data.person; unknown id → RECORD_NOT_FOUND', async () => {
    const t = await sandbox({ profile: 'v2' });
    const { id } = (await t.call('POST', '/rest/companies', { name: 'Acme' })).body.data.createCompany;
    const res = await t.call('GET', `/rest/companies/${id}`);
    expect(res.status).toBe(200);
    expect(res.body.data.company).toMatchObject({ id, name: 'Acme' });
    const missing = await t.call('GET', '/rest/companies/00000000-0000-4000-8000-000000000000');
    expect(errorOf(missing)).toEqual({ status: 404, code: 'RECORD_NOT_FOUND', message: 'Record not found' });
  });

  it('PATCH /rest/{plural}/{id} updates: updatePerson, composites merged subfield by subfield', async () => {
    const t = await sandbox();
    const created = (await t.call('POST', '/rest/people', { name: { firstName: 'Ada', lastName: 'L' } })).body.data.createPerson.id;
    const res = await t.call('PATCH', `/rest/people/${created}`, { name: { lastName: 'Lovelace' }, jobTitle: 'Countess' });
    expect(res.status).toBe(200);
    expect(res.body.data.updatePerson).toMatchObject({ id: created, name: { firstName: 'Ada', lastName: 'Lovelace' }, jobTitle: 'Countess' });
    expect(errorOf(await t.call('PATCH', '/rest/people/00000000-0000-4000-8000-000000000000', { jobTitle: 'x' })).code).toBe('RECORD_NOT_FOUND');
    const put = await t.call('PUT', `/rest/people/${created}`, { jobTitle: 'Mathematician' });
    expect(put.body.data.updatePerson.jobTitle).toBe('Mathematician');
    expect(errorOf(await t.call('PATCH', `/rest/people/${created}`, { nope: 1 })).code).toBe('INVALID_ARGS_DATA');
  });

  it('DELETE /rest/{plural}/{id} destroys by default: deletePerson {id}, the row is gone', async () => {
    const t = await sandbox();
    const { id } = (await t.call('POST', '/rest/people', { name: { firstName: 'A' } })).body.data.createPerson;
    const res = await t.call('DELETE', `/rest/people/${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { deletePerson: { id } } });
    expect(t.sb.records('people')).toEqual([]);
    expect(errorOf(await t.call('DELETE', `/rest/people/${id}`)).code).toBe('RECORD_NOT_FOUND');
  });

  it('DELETE ?soft_delete=true sets deletedAt; the row is hidden from finds but kept; restore brings it back', async () => {
    const t = await sandbox();
    const { id } = (await t.call('POST', '/rest/people', { name: { firstName: 'A' } })).body.data.createPerson;
    const soft = await t.call('DELETE', `/rest/people/${id}?soft_delete=true`);
    expect(soft.status).toBe(200);
    expect(soft.body.data.deletePerson.deletedAt).toEqual(expect.any(String));
    expect(t.sb.records('people')[0]!.deletedAt).toEqual(expect.any(String));
    expect((await t.call('GET', '/rest/people')).body.data.people).toEqual([]);
    expect((await t.call('GET', `/rest/people/${id}`)).status).toBe(404);
    const deleted = await t.call('GET', '/rest/people?filter=deletedAt[is]:NOT_NULL');
    expect(deleted.body.data.people.map((p: { id: string }) => p.id)).toEqual([id]);

    const restored = await t.call('PATCH', `/rest/restore/people/${id}`);
    expect(restored.status).toBe(200);
    expect(restored.body.data.restorePerson).toMatchObject({ id, deletedAt: null });
    expect((await t.call('GET', `/rest/people/${id}`)).status).toBe(200);
  });

  it('destroying a company sets people.companyId to null; destroying a note cascades to its targets', async () => {
    const t = await sandbox({ profile: 'v1' });
    const company = (await t.call('POST', '/rest/companies', { name: 'Acme' })).body.data.createCompany;
    const person = (await t.call('POST', '/rest/people', { name: { firstName: 'A' }, companyId: company.id })).body.data.createPerson;
    expect(person.companyId).toBe(company.id);
    const note = (await t.call('POST', '/rest/notes', { title: 'Call', bodyV2: { markdown: 'Hello' } })).body.data.createNote;
    await t.call('POST', '/rest/batch/noteTargets', [{ noteId: note.id, personId: person.id }]);
    expect(t.sb.records('noteTargets')).toHaveLength(1);
    await t.call('DELETE', `/rest/companies/${company.id}`);
    expect(t.sb.records('people')[0]!.companyId).toBeNull();
    await t.call('DELETE', `/rest/notes/${note.id}`);
    expect(t.sb.records('noteTargets')).toEqual([]);
  });

  it('unknown object → 400 "object … not found", with a hint for a singular name', async () => {
    const t = await sandbox();
    expect(errorOf(await t.call('GET', '/rest/widgets'))).toEqual({ status: 400, code: undefined, message: "object 'widgets' not found. eg: companies" });
    expect(errorOf(await t.call('GET', '/rest/person')).message).toBe("object 'person' not found. Did you mean 'people'?");
  });

  it('invalid JSON → 400 with the parser message; unsupported many-record routes say so', async () => {
    const t = await sandbox();
    const res = await fetch(`${t.sb.url}/rest/people`, { method: 'POST', headers: { authorization: `Bearer ${t.sb.apiKey}`, 'content-type': 'application/json' }, body: '{"name":' });
    expect(res.status).toBe(400);
    const patch = await t.call('PATCH', '/rest/people?filter=id[eq]:x', { jobTitle: 'x' });
    expect(errorOf(patch)).toMatchObject({ status: 400, code: 'NOT_IMPLEMENTED' });
    const soft = await t.call('DELETE', '/rest/people?filter=jobTitle[eq]:x&soft_delete=true');
    expect(errorOf(soft)).toMatchObject({ status: 400, code: 'NOT_IMPLEMENTED' });
  });

  it('DELETE by filter destroys what the filter matches (a filter required, at most 100 records)', async () => {
    const t = await sandbox();
    const ids: string[] = [];
    for (const name of ['A', 'B', 'C']) ids.push((await t.call('POST', '/rest/people', { name: { firstName: name }, jobTitle: 'bulk' })).body.data.createPerson.id);
    const gone = await t.call('DELETE', `/rest/people?filter=id[in]:[${ids[0]},${ids[1]}]`);
    expect(gone.status).toBe(200);
    expect(gone.body.data.destroyPeople.map((r: { id: string }) => r.id).sort()).toEqual([ids[0], ids[1]].sort());
    expect((await t.call('GET', '/rest/people?filter=jobTitle[eq]:bulk')).body.data.people.map((p: { id: string }) => p.id)).toEqual([ids[2]]);
    expect(errorOf(await t.call('DELETE', '/rest/people')).message).toMatch(/Filters are mandatory/);
    for (let i = 0; i < 101; i++) await t.call('POST', '/rest/people', { name: { firstName: `N${i}` }, jobTitle: 'many' });
    expect(errorOf(await t.call('DELETE', '/rest/people?filter=jobTitle[eq]:many')).message).toMatch(/at most 100/);
  });

  it('depth=1 nests the MANY_TO_ONE target and ONE_TO_MANY lists', async () => {
    const t = await sandbox();
    const company = (await t.call('POST', '/rest/companies', { name: 'Acme' })).body.data.createCompany;
    const person = (await t.call('POST', '/rest/people', { name: { firstName: 'A' }, companyId: company.id })).body.data.createPerson;
    const p = (await t.call('GET', `/rest/people/${person.id}?depth=1`)).body.data.person;
    expect(p.company).toMatchObject({ id: company.id, name: 'Acme' });
    const c = (await t.call('GET', `/rest/companies/${company.id}?depth=1`)).body.data.company;
    expect(c.people.map((x: { id: string }) => x.id)).toEqual([person.id]);
    expect(errorOf(await t.call('GET', '/rest/people?depth=2')).message).toBe("'depth=2' parameter invalid. Allowed values are 0, 1");
  });

  it('counts calls per route', async () => {
    const t = await sandbox();
    await t.call('GET', '/rest/people');
    await t.call('GET', '/rest/people');
    await t.call('POST', '/rest/batch/companies', [{ name: 'A' }]);
    await t.call('GET', '/rest/metadata/objects');
    const { calls, requests } = t.sb.stats();
    expect(calls).toEqual({ 'GET /rest/people': 2, 'POST /rest/batch/companies': 1, 'GET /rest/metadata/objects': 1 });
    expect(requests).toBe(4);
    t.sb.resetStats();
    expect(t.sb.stats().calls).toEqual({});
  });

  it('listens on 127.0.0.1 on a random port by default', async () => {
    const t = await sandbox();
    expect(t.sb.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(t.sb.port).toBeGreaterThan(0);
    const other = await call(t.sb, 'GET', '/rest/notes');
    expect(other.body.data.notes).toEqual([]);
  });
});
