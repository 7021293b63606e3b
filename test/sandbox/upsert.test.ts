import { describe, expect, it } from 'vitest';
import { errorOf, objectMeta, sandbox, type TestSandbox } from './helpers.js';

async function leadIdField(t: TestSandbox) {
  const person = await objectMeta(t, 'people');
  const res = await t.call('POST', '/rest/metadata/fields', { objectMetadataId: person.id, type: 'TEXT', name: 'kartraLeadId', label: 'Kartra lead id', isUnique: true });
  expect(res.status).toBe(201);
}

const people = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => ({ kartraLeadId: `L${from + i}`, name: { firstName: `P${from + i}`, lastName: 'X' }, emails: { primaryEmail: `p${from + i}@example.com` } }));

describe('unique indexes still count soft-deleted rows (twenty-api.md §6)', () => {
  it('a plain create of a duplicate email → DUPLICATE_ENTRY_DETECTED, also when the holder is soft-deleted', async () => {
    const t = await sandbox({ profile: 'v1' });
    const { id } = (await t.call('POST', '/rest/people', { emails: { primaryEmail: 'ada@example.com' } })).body.data.createPerson;
    expect(errorOf(await t.call('POST', '/rest/people', { emails: { primaryEmail: 'ada@example.com' } }))).toEqual({
      status: 400,
      code: 'DUPLICATE_ENTRY_DETECTED',
      message: 'A duplicate entry was detected',
    });
    await t.call('DELETE', `/rest/people/${id}?soft_delete=true`);
    expect(errorOf(await t.call('POST', '/rest/people', { emails: { primaryEmail: 'ada@example.com' } })).code).toBe('DUPLICATE_ENTRY_DETECTED');
    // A hard delete frees the email.
    await t.call('DELETE', `/rest/people/${id}`);
    expect((await t.call('POST', '/rest/people', { emails: { primaryEmail: 'ada@example.com' } })).status).toBe(201);
  });

  it('company domains are unique after normalisation; 2.x answers 409 and names the constraint', async () => {
    const t = await sandbox({ profile: 'v2' });
    await t.call('POST', '/rest/companies', { domainName: { primaryLinkUrl: 'https://acme.com' } });
    const dup = errorOf(await t.call('POST', '/rest/companies', { domainName: { primaryLinkUrl: 'https://ACME.com/' } }));
    expect(dup).toMatchObject({ status: 409, code: 'DUPLICATE_ENTRY_DETECTED' });
    expect(dup.message).toMatch(/^A duplicate entry was detected: unique constraint company\.IDX_UNIQUE_domainNamePrimaryLinkUrl was violated$/);
  });

  it('records without a value never collide (empty emails, no domain)', async () => {
    const t = await sandbox();
    const res = await t.call('POST', '/rest/batch/people', [{ name: { firstName: 'A' } }, { name: { firstName: 'B' } }, { emails: { primaryEmail: '' } }]);
    expect(res.status).toBe(201);
  });

  it('a custom unique field counts soft-deleted rows too', async () => {
    const t = await sandbox();
    await leadIdField(t);
    const { id } = (await t.call('POST', '/rest/people', { kartraLeadId: 'L1' })).body.data.createPerson;
    await t.call('DELETE', `/rest/people/${id}?soft_delete=true`);
    expect(errorOf(await t.call('POST', '/rest/people', { kartraLeadId: 'L1' })).code).toBe('DUPLICATE_ENTRY_DETECTED');
  });

  it('the indexes follow every change: an updated email frees the old one, a renamed unique field keeps its index', async () => {
    const t = await sandbox();
    await leadIdField(t);
    const { id } = (await t.call('POST', '/rest/people', { emails: { primaryEmail: 'old@example.com' }, kartraLeadId: 'L1' })).body.data.createPerson;
    await t.call('PATCH', `/rest/people/${id}`, { emails: { primaryEmail: 'new@example.com' } });
    expect((await t.call('POST', '/rest/people', { emails: { primaryEmail: 'old@example.com' } })).status).toBe(201);
    expect(errorOf(await t.call('POST', '/rest/people', { emails: { primaryEmail: 'new@example.com' } })).code).toBe('DUPLICATE_ENTRY_DETECTED');
    const field = (await objectMeta(t, 'people')).fields.find((f: { name: string }) => f.name === 'kartraLeadId');
    expect((await t.call('PATCH', `/rest/metadata/fields/${field.id}`, { name: 'leadId' })).status).toBe(200);
    expect(errorOf(await t.call('POST', '/rest/people', { leadId: 'L1' })).code).toBe('DUPLICATE_ENTRY_DETECTED');
    const upserted = await t.call('POST', '/rest/people?upsert=true', { leadId: 'L1', jobTitle: 'Found' });
    expect(upserted.body.data.createPerson).toMatchObject({ id, jobTitle: 'Found' });
  });

  it('making a field unique is refused while records share a value', async () => {
    const t = await sandbox();
    const person = await objectMeta(t, 'people');
    const field = (await t.call('POST', '/rest/metadata/fields', { objectMetadataId: person.id, type: 'TEXT', name: 'code', label: 'Code' })).body.data.createOneField;
    await t.call('POST', '/rest/batch/people', [{ code: 'A' }, { code: 'A' }]);
    expect(errorOf(await t.call('PATCH', `/rest/metadata/fields/${field.id}`, { isUnique: true })).code).toBe('INVALID_FIELD_INPUT');
    expect((await t.call('POST', '/rest/people', { code: 'A' })).status).toBe(201);
  });

  it('an update onto a value another row holds is a duplicate', async () => {
    const t = await sandbox();
    await t.call('POST', '/rest/people', { emails: { primaryEmail: 'a@example.com' } });
    const { id } = (await t.call('POST', '/rest/people', { emails: { primaryEmail: 'b@example.com' } })).body.data.createPerson;
    expect(errorOf(await t.call('PATCH', `/rest/people/${id}`, { emails: { primaryEmail: 'a@example.com' } })).code).toBe('DUPLICATE_ENTRY_DETECTED');
    expect(t.sb.records('people').find((p) => p.id === id)!.emails).toMatchObject({ primaryEmail: 'b@example.com' });
  });
});

describe('upsert (?upsert=true)', () => {
  it('is idempotent: the same batch twice gives the same records, no duplicates', async () => {
    const t = await sandbox();
    await leadIdField(t);
    const batch = people(30);
    const first = await t.call('POST', '/rest/batch/people?upsert=true', batch);
    expect(first.status).toBe(201);
    const second = await t.call('POST', '/rest/batch/people?upsert=true', batch);
    expect(second.status).toBe(201);
    const ids = (r: typeof first) => r.body.data.createPeople.map((p: { id: string }) => p.id);
    expect(ids(second)).toEqual(ids(first));
    expect(t.sb.records('people')).toHaveLength(30);
    // Without upsert the replay is refused.
    expect(errorOf(await t.call('POST', '/rest/batch/people', batch)).code).toBe('DUPLICATE_ENTRY_DETECTED');
    expect(t.sb.records('people')).toHaveLength(30);
  });

  it('matches on id', async () => {
    const t = await sandbox();
    const { id } = (await t.call('POST', '/rest/people', { jobTitle: 'A' })).body.data.createPerson;
    const res = await t.call('POST', '/rest/people?upsert=true', { id, jobTitle: 'B' });
    expect(res.body.data.createPerson).toMatchObject({ id, jobTitle: 'B' });
    expect(t.sb.records('people')).toHaveLength(1);
  });

  it('matches on the email (a composite contributes its primary subfield)', async () => {
    const t = await sandbox({ profile: 'v2' });
    const { id } = (await t.call('POST', '/rest/people', { emails: { primaryEmail: 'ada@example.com' }, jobTitle: 'A' })).body.data.createPerson;
    const res = await t.call('POST', '/rest/people?upsert=true', { emails: { primaryEmail: 'ada@example.com' }, jobTitle: 'B' });
    expect(res.body.data.createPerson).toMatchObject({ id, jobTitle: 'B' });
    expect(t.sb.records('people')).toHaveLength(1);
  });

  it('restores a soft-deleted match (deletedAt: null) and keeps its createdBy', async () => {
    const t = await sandbox();
    await leadIdField(t);
    const created = (await t.call('POST', '/rest/people', { kartraLeadId: 'L7', createdBy: { source: 'IMPORT', name: 'First run' } })).body.data.createPerson;
    await t.call('DELETE', `/rest/people/${created.id}?soft_delete=true`);
    expect(t.sb.records('people')[0]!.deletedAt).not.toBeNull();
    const res = await t.call('POST', '/rest/batch/people?upsert=true', [{ kartraLeadId: 'L7', jobTitle: 'Back', createdBy: { source: 'IMPORT', name: 'Second run' } }]);
    expect(res.status).toBe(201);
    expect(res.body.data.createPeople[0]).toMatchObject({ id: created.id, deletedAt: null, jobTitle: 'Back', createdBy: { name: 'First run' } });
    expect(t.sb.records('people')).toHaveLength(1);
    expect(t.sb.records('people')[0]!.deletedAt).toBeNull();
    expect((await t.call('GET', `/rest/people/${created.id}`)).status).toBe(200);
  });

  it('one input matching two records → UPSERT_MULTIPLE_MATCHING_RECORDS_CONFLICT, nothing written', async () => {
    const t = await sandbox();
    await leadIdField(t);
    await t.call('POST', '/rest/people', { kartraLeadId: 'L1', emails: { primaryEmail: 'one@example.com' } });
    await t.call('POST', '/rest/people', { kartraLeadId: 'L2', emails: { primaryEmail: 'two@example.com' } });
    const res = await t.call('POST', '/rest/batch/people?upsert=true', [{ kartraLeadId: 'L3' }, { kartraLeadId: 'L1', emails: { primaryEmail: 'two@example.com' } }]);
    expect(errorOf(res)).toEqual({
      status: 400,
      code: 'UPSERT_MULTIPLE_MATCHING_RECORDS_CONFLICT',
      message: 'Multiple records found with the same unique field values for emails (emails.primaryEmail: two@example.com); kartraLeadId (kartraLeadId: L1). Cannot determine which record to update.',
    });
    expect(t.sb.records('people')).toHaveLength(2);
  });

  it('two new rows sharing a unique value in one batch → DUPLICATE_ENTRY_DETECTED, nothing written', async () => {
    const t = await sandbox();
    const res = await t.call('POST', '/rest/batch/people?upsert=true', [{ emails: { primaryEmail: 'x@example.com' } }, { emails: { primaryEmail: 'x@example.com' } }]);
    expect(errorOf(res).code).toBe('DUPLICATE_ENTRY_DETECTED');
    expect(t.sb.records('people')).toEqual([]);
  });

  it('2.x note targets are unique per (note, target): replaying a target link upserts it', async () => {
    const t = await sandbox({ profile: 'v2' });
    const note = (await t.call('POST', '/rest/notes', { title: 'n' })).body.data.createNote;
    const person = (await t.call('POST', '/rest/people', {})).body.data.createPerson;
    const link = [{ noteId: note.id, targetPersonId: person.id }];
    const a = await t.call('POST', '/rest/batch/noteTargets?upsert=true', link);
    const b = await t.call('POST', '/rest/batch/noteTargets?upsert=true', link);
    expect(b.body.data.createNoteTargets[0].id).toBe(a.body.data.createNoteTargets[0].id);
    expect(errorOf(await t.call('POST', '/rest/batch/noteTargets', link)).code).toBe('DUPLICATE_ENTRY_DETECTED');
    expect(t.sb.records('noteTargets')).toHaveLength(1);
  });
});

describe('batches', () => {
  it.each([
    ['v1', 60],
    ['v2', 200],
  ] as const)('%s: the batch maximum is %i; one more → TOO_MANY_RECORDS_TO_UPDATE', async (profile, max) => {
    const t = await sandbox({ profile });
    const ok = await t.call('POST', '/rest/batch/companies', Array.from({ length: max }, (_, i) => ({ name: `C${i}` })));
    expect(ok.status).toBe(201);
    expect(ok.body.data.createCompanies).toHaveLength(max);
    const over = await t.call('POST', '/rest/batch/companies', Array.from({ length: max + 1 }, (_, i) => ({ name: `D${i}` })));
    expect(errorOf(over)).toEqual({ status: 400, code: 'TOO_MANY_RECORDS_TO_UPDATE', message: `Maximum number of records to upsert is ${max}.` });
    expect(t.sb.records('companies')).toHaveLength(max);
  });

  it('are all-or-nothing: one invalid record fails the whole batch with that record\'s message', async () => {
    const t = await sandbox();
    const batch = [{ name: 'Good 1' }, { name: 'Good 2', employees: 'many' }, { name: 'Good 3' }];
    const res = await t.call('POST', '/rest/batch/companies', batch);
    expect(errorOf(res)).toEqual({ status: 400, code: 'INVALID_ARGS_DATA', message: 'Object company doesn\'t have any "employees" field.' });
    expect(t.sb.records('companies')).toEqual([]);
    const v1 = await sandbox({ profile: 'v1' });
    const res1 = await v1.call('POST', '/rest/batch/companies', batch);
    expect(errorOf(res1).message).toBe('Invalid number value \'many\' for field "employees"');
    expect(v1.sb.records('companies')).toEqual([]);
  });

  it('a duplicate in the middle of a batch fails it whole, and an upsert batch too', async () => {
    const t = await sandbox();
    await t.call('POST', '/rest/people', { emails: { primaryEmail: 'taken@example.com' } });
    const res = await t.call('POST', '/rest/batch/people', [{ emails: { primaryEmail: 'a@example.com' } }, { emails: { primaryEmail: 'taken@example.com' } }]);
    expect(errorOf(res).code).toBe('DUPLICATE_ENTRY_DETECTED');
    expect(t.sb.records('people')).toHaveLength(1);
    const up = await t.call('POST', '/rest/batch/people?upsert=true', [{ emails: { primaryEmail: 'a@example.com' } }, { emails: { primaryEmail: 'b@example.com' }, phones: { primaryPhoneNumber: 'xyz' } }]);
    expect(errorOf(up).code).toBe('INVALID_PHONE_NUMBER');
    expect(t.sb.records('people')).toHaveLength(1);
  });

  it('validation comes before the batch maximum (an oversized batch with a bad row reports the row)', async () => {
    const t = await sandbox({ profile: 'v1' });
    const batch = Array.from({ length: 61 }, (_, i) => (i === 30 ? { name: 'x', nope: 1 } : { name: `C${i}` }));
    expect(errorOf(await t.call('POST', '/rest/batch/companies', batch)).code).toBe('INVALID_ARGS_DATA');
  });
});
