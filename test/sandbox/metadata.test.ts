import { describe, expect, it } from 'vitest';
import { errorOf, objectMeta, sandbox, type TestSandbox } from './helpers.js';

interface FieldOut {
  id: string;
  name: string;
  type: string;
  isUnique: boolean;
  isNullable: boolean;
  options: { value: string; label: string }[] | null;
  relation: null | { type: string; targetObjectMetadata: { nameSingular: string }; targetFieldMetadata: { name: string } };
}

async function createField(t: TestSandbox, plural: string, field: Record<string, unknown>) {
  const object = await objectMeta(t, plural);
  return t.call('POST', '/rest/metadata/fields', { objectMetadataId: object.id, ...field });
}

describe('GET /rest/metadata/objects and /fields', () => {
  it('lists the standard objects with their fields, wrappers stripped', async () => {
    const t = await sandbox();
    const res = await t.call('GET', '/rest/metadata/objects');
    expect(res.status).toBe(200);
    expect(res.body.pageInfo).toMatchObject({ hasNextPage: false });
    const names = res.body.data.objects.map((o: { namePlural: string }) => o.namePlural);
    expect(names).toEqual(['people', 'companies', 'opportunities', 'notes', 'tasks', 'noteTargets', 'taskTargets', 'workspaceMembers']);
    const person = res.body.data.objects[0];
    expect(person).toMatchObject({ nameSingular: 'person', namePlural: 'people', labelSingular: 'Person', isCustom: false, isActive: true });
    const fields = new Map<string, FieldOut>(person.fields.map((f: FieldOut) => [f.name, f]));
    for (const base of ['id', 'createdAt', 'updatedAt', 'deletedAt', 'createdBy']) expect(fields.has(base), base).toBe(true);
    expect(fields.get('emails')).toMatchObject({ type: 'EMAILS', isUnique: true });
    expect(fields.get('company')).toMatchObject({
      type: 'RELATION',
      relation: { type: 'MANY_TO_ONE', targetObjectMetadata: { nameSingular: 'company' }, targetFieldMetadata: { name: 'people' } },
    });
    const opportunity = res.body.data.objects[2];
    const stage = opportunity.fields.find((f: FieldOut) => f.name === 'stage');
    expect(stage.options.map((o: { value: string }) => o.value)).toEqual(['NEW', 'SCREENING', 'MEETING', 'PROPOSAL', 'CUSTOMER']);
    expect(stage.defaultValue).toBe("'NEW'");
    const companies = res.body.data.objects[1];
    expect(companies.fields.find((f: FieldOut) => f.name === 'domainName')).toMatchObject({ type: 'LINKS', isUnique: true });
  });

  it('GET /rest/metadata/objects/{id}, /fields and /fields/{id}', async () => {
    const t = await sandbox();
    const person = await objectMeta(t, 'people');
    const one = await t.call('GET', `/rest/metadata/objects/${person.id}`);
    expect(one.body.data.object.nameSingular).toBe('person');
    const all = await t.call('GET', '/rest/metadata/fields');
    expect(all.body.data.fields.length).toBeGreaterThan(40);
    const field = all.body.data.fields[0];
    expect((await t.call('GET', `/rest/metadata/fields/${field.id}`)).body.data.field).toEqual(field);
    expect(errorOf(await t.call('GET', '/rest/metadata/objects/00000000-0000-4000-8000-000000000000')).code).toBe('OBJECT_METADATA_NOT_FOUND');
  });
});

describe('POST /rest/metadata/fields', () => {
  it.each([
    ['TEXT', {}],
    ['NUMBER', {}],
    ['BOOLEAN', {}],
    ['DATE_TIME', {}],
    ['DATE', {}],
    ['SELECT', { options: [{ value: 'HOT', label: 'Hot', color: 'red' }, { value: 'COLD', label: 'Cold' }], defaultValue: "'COLD'" }],
    ['MULTI_SELECT', { options: [{ value: 'A', label: 'A' }] }],
    ['CURRENCY', {}],
    ['LINKS', {}],
    ['PHONES', {}],
    ['EMAILS', {}],
    ['RAW_JSON', {}],
  ])('creates a custom %s field: 201 createOneField, and records can use it', async (type, extra) => {
    const t = await sandbox();
    const res = await createField(t, 'people', { type, name: 'kartraField', label: 'Kartra field', ...extra });
    expect(res.status).toBe(201);
    expect(res.body.data.createOneField).toMatchObject({ type, name: 'kartraField', label: 'Kartra field', isCustom: true, isActive: true });
    const person = await objectMeta(t, 'people');
    expect(person.fields.some((f: FieldOut) => f.name === 'kartraField')).toBe(true);
    const created = await t.call('POST', '/rest/people', {});
    expect(created.body.data.createPerson).toHaveProperty('kartraField');
  });

  it('creates a unique TEXT field that upserts then match on', async () => {
    const t = await sandbox();
    const res = await createField(t, 'people', { type: 'TEXT', name: 'kartraLeadId', label: 'Kartra lead id', isUnique: true });
    expect(res.body.data.createOneField.isUnique).toBe(true);
    expect((await t.call('POST', '/rest/people', { kartraLeadId: 'L1' })).status).toBe(201);
    expect(errorOf(await t.call('POST', '/rest/people', { kartraLeadId: 'L1' })).code).toBe('DUPLICATE_ENTRY_DETECTED');
  });

  it('an existing name → NOT_AVAILABLE (a field, or a relation join column)', async () => {
    const t = await sandbox();
    expect(errorOf(await createField(t, 'people', { type: 'TEXT', name: 'jobTitle', label: 'Job' }))).toEqual({
      status: 400,
      code: 'NOT_AVAILABLE',
      message: 'Name "jobTitle" is not available as it is already used by another field',
    });
    expect(errorOf(await createField(t, 'people', { type: 'TEXT', name: 'companyId', label: 'Company id' }))).toMatchObject({ code: 'NOT_AVAILABLE' });
    expect((await createField(t, 'people', { type: 'TEXT', name: 'kartraNotes', label: 'Notes' })).status).toBe(201);
    expect(errorOf(await createField(t, 'people', { type: 'TEXT', name: 'kartraNotes', label: 'Notes' })).code).toBe('NOT_AVAILABLE');
  });

  it.each([
    ['a lowercase value', [{ value: 'hot', label: 'Hot' }], 'Value must be in UPPER_CASE and follow snake_case "hot"'],
    ['a camelCase value', [{ value: 'IN_progress', label: 'In progress' }], 'Value must be in UPPER_CASE and follow snake_case "IN_progress"'],
    ['a value over 63 characters', [{ value: 'A'.repeat(64), label: 'Long' }], 'Option value exceeds 63 characters'],
    ['a label over 63 characters', [{ value: 'LONG', label: 'x'.repeat(64) }], 'Option label exceeds 63 characters'],
    ['a label with a comma', [{ value: 'A_B', label: 'A, B' }], 'Label must not contain a comma'],
    ['duplicated values', [{ value: 'A', label: 'A' }, { value: 'A', label: 'B' }], 'Duplicated option value'],
    ['no options', [], 'Options are required for enum fields'],
    ['an unknown color', [{ value: 'A', label: 'A', color: 'chartreuse' }], /^Option color "chartreuse" is not one of/],
  ])('select options: %s → INVALID_FIELD_INPUT', async (_what, options, message) => {
    const t = await sandbox();
    const err = errorOf(await createField(t, 'people', { type: 'SELECT', name: 'kartraStatus', label: 'Status', options }));
    expect(err).toMatchObject({ status: 400, code: 'INVALID_FIELD_INPUT' });
    if (typeof message === 'string') expect(err.message).toBe(message);
    else expect(err.message).toMatch(message);
    expect((await objectMeta(t, 'people')).fields.some((f: FieldOut) => f.name === 'kartraStatus')).toBe(false);
  });

  it('accepts a 63-character UPPER_SNAKE value and a 63-character label', async () => {
    const t = await sandbox();
    const value = `A_${'B'.repeat(61)}`;
    const res = await createField(t, 'people', { type: 'SELECT', name: 'kartraStatus', label: 'Status', options: [{ value, label: 'y'.repeat(63) }] });
    expect(res.status).toBe(201);
  });

  it('refuses a bad name, an unknown key, a bad type, a missing object', async () => {
    const t = await sandbox();
    expect(errorOf(await createField(t, 'people', { type: 'TEXT', name: 'Kartra Field', label: 'x' }))).toMatchObject({ code: 'INVALID_FIELD_INPUT' });
    expect(errorOf(await createField(t, 'people', { type: 'TEXT', name: 'a', label: 'x', colour: 'red' })).message).toBe("Field 'colour' is not defined by type 'CreateFieldInput'.");
    expect(errorOf(await createField(t, 'people', { type: 'GEOMETRY', name: 'a', label: 'x' })).code).toBe('INVALID_FIELD_INPUT');
    const missing = await t.call('POST', '/rest/metadata/fields', { objectMetadataId: '00000000-0000-4000-8000-000000000000', type: 'TEXT', name: 'a', label: 'x' });
    expect(errorOf(missing).code).toBe('OBJECT_METADATA_NOT_FOUND');
  });

  it('creates a RELATION field with its inverse on the target', async () => {
    const t = await sandbox();
    const company = await objectMeta(t, 'companies');
    const res = await createField(t, 'people', {
      type: 'RELATION',
      name: 'employer',
      label: 'Employer',
      relationCreationPayload: { type: 'MANY_TO_ONE', targetObjectMetadataId: company.id, targetFieldLabel: 'Employees', targetFieldIcon: 'IconUsers' },
    });
    expect(res.status).toBe(201);
    expect(res.body.data.createOneField.relation).toMatchObject({ type: 'MANY_TO_ONE', targetObjectMetadata: { nameSingular: 'company' }, targetFieldMetadata: { name: 'employees' } });
    const inverse = (await objectMeta(t, 'companies')).fields.find((f: FieldOut) => f.name === 'employees');
    expect(inverse.relation).toMatchObject({ type: 'ONE_TO_MANY', targetObjectMetadata: { nameSingular: 'person' } });
    const acme = (await t.call('POST', '/rest/companies', { name: 'Acme' })).body.data.createCompany;
    const person = (await t.call('POST', '/rest/people', { employerId: acme.id })).body.data.createPerson;
    expect(person.employerId).toBe(acme.id);
  });
});

describe('PATCH and DELETE /rest/metadata/fields/{id}', () => {
  it('adds select options (updateOneField), keeping the existing ones', async () => {
    const t = await sandbox();
    const field = (await createField(t, 'people', { type: 'MULTI_SELECT', name: 'kartraTags', label: 'Tags', options: [{ value: 'VIP', label: 'VIP' }] })).body.data.createOneField;
    const vip = field.options[0];
    const res = await t.call('PATCH', `/rest/metadata/fields/${field.id}`, { options: [...field.options, { value: 'NEWSLETTER', label: 'Newsletter', position: 1 }] });
    expect(res.status).toBe(200);
    expect(res.body.data.updateOneField.options.map((o: { value: string }) => o.value)).toEqual(['VIP', 'NEWSLETTER']);
    expect(res.body.data.updateOneField.options[0].id).toBe(vip.id);
    expect((await t.call('POST', '/rest/people', { kartraTags: ['NEWSLETTER'] })).status).toBe(201);
    const bad = await t.call('PATCH', `/rest/metadata/fields/${field.id}`, { options: [{ value: 'bad value', label: 'x' }] });
    expect(errorOf(bad).code).toBe('INVALID_FIELD_INPUT');
  });

  it('adds an option to the standard opportunity stage', async () => {
    const t = await sandbox();
    const stage = (await objectMeta(t, 'opportunities')).fields.find((f: FieldOut) => f.name === 'stage');
    const res = await t.call('PATCH', `/rest/metadata/fields/${stage.id}`, { options: [...stage.options, { value: 'WON', label: 'Won', position: 5 }] });
    expect(res.status).toBe(200);
    expect((await t.call('POST', '/rest/opportunities', { stage: 'WON' })).status).toBe(201);
  });

  it('deletes a custom field and its values; standard fields cannot be deleted', async () => {
    const t = await sandbox();
    const field = (await createField(t, 'people', { type: 'TEXT', name: 'kartraNote', label: 'Note' })).body.data.createOneField;
    await t.call('POST', '/rest/people', { kartraNote: 'x' });
    const res = await t.call('DELETE', `/rest/metadata/fields/${field.id}`);
    expect(res.status).toBe(200);
    expect(res.body.data.deleteOneField.id).toBe(field.id);
    expect(t.sb.records('people')[0]).not.toHaveProperty('kartraNote');
    expect(errorOf(await t.call('POST', '/rest/people', { kartraNote: 'x' })).code).toBe('INVALID_ARGS_DATA');
    const jobTitle = (await objectMeta(t, 'people')).fields.find((f: FieldOut) => f.name === 'jobTitle');
    expect(errorOf(await t.call('DELETE', `/rest/metadata/fields/${jobTitle.id}`))).toMatchObject({ status: 400, code: 'INVALID_FIELD_INPUT' });
  });
});

describe('POST /rest/metadata/objects', () => {
  it('creates a custom object with base fields and a name; its records work at once', async () => {
    const t = await sandbox();
    const res = await t.call('POST', '/rest/metadata/objects', { nameSingular: 'affiliate', namePlural: 'affiliates', labelSingular: 'Affiliate', labelPlural: 'Affiliates', icon: 'IconUsers' });
    expect(res.status).toBe(201);
    const object = res.body.data.createOneObject;
    expect(object).toMatchObject({ nameSingular: 'affiliate', namePlural: 'affiliates', isCustom: true });
    expect(object.fields.map((f: FieldOut) => f.name)).toEqual(expect.arrayContaining(['id', 'name', 'createdAt', 'updatedAt', 'deletedAt', 'createdBy']));
    const created = await t.call('POST', '/rest/batch/affiliates', [{ name: 'Jane' }]);
    expect(created.status).toBe(201);
    expect(created.body.data.createAffiliates[0].name).toBe('Jane');
    const field = await t.call('POST', '/rest/metadata/fields', { objectMetadataId: object.id, type: 'NUMBER', name: 'commission', label: 'Commission' });
    expect(field.status).toBe(201);
    const again = await t.call('POST', '/rest/metadata/objects', { nameSingular: 'affiliate', namePlural: 'affiliateList', labelSingular: 'A', labelPlural: 'B' });
    expect(errorOf(again).code).toBe('OBJECT_ALREADY_EXISTS');
    const same = await t.call('POST', '/rest/metadata/objects', { nameSingular: 'thing', namePlural: 'thing', labelSingular: 'A', labelPlural: 'B' });
    expect(errorOf(same).code).toBe('INVALID_OBJECT_INPUT');
  });

  it('DELETE /rest/metadata/objects/{id} removes a custom object, its records and the relations to it', async () => {
    const t = await sandbox();
    const object = (await t.call('POST', '/rest/metadata/objects', { nameSingular: 'affiliate', namePlural: 'affiliates', labelSingular: 'Affiliate', labelPlural: 'Affiliates' })).body.data.createOneObject;
    const person = await objectMeta(t, 'people');
    const relation = await t.call('POST', '/rest/metadata/fields', {
      objectMetadataId: person.id, type: 'RELATION', name: 'referrer', label: 'Referrer',
      relationCreationPayload: { type: 'MANY_TO_ONE', targetObjectMetadataId: object.id, targetFieldLabel: 'Referrals' },
    });
    expect(relation.status).toBe(201);
    const affiliate = (await t.call('POST', '/rest/affiliates', { name: 'Jane' })).body.data.createAffiliate;
    await t.call('POST', '/rest/people', { referrerId: affiliate.id });
    const res = await t.call('DELETE', `/rest/metadata/objects/${object.id}`);
    expect(res.status).toBe(200);
    expect(res.body.data.deleteOneObject.nameSingular).toBe('affiliate');
    expect((await t.call('GET', '/rest/affiliates')).status).toBe(400);
    expect((await objectMeta(t, 'people')).fields.some((f: FieldOut) => f.name === 'referrer')).toBe(false);
    expect(t.sb.records('people')[0]).not.toHaveProperty('referrerId');
    expect(errorOf(await t.call('DELETE', `/rest/metadata/objects/${person.id}`)).code).toBe('INVALID_OBJECT_INPUT');
  });

  it('metadata calls cost no rate-limit token', async () => {
    const t = await sandbox({ rateLimit: { shortLimit: 2, shortWindowMs: 60_000 } });
    for (let i = 0; i < 5; i++) expect((await t.call('GET', '/rest/metadata/objects')).status).toBe(200);
    expect((await t.call('GET', '/rest/people')).status).toBe(200);
    expect((await t.call('GET', '/rest/people')).status).toBe(200);
    expect((await t.call('GET', '/rest/people')).status).toBe(429);
  });
});
