import { describe, expect, it } from 'vitest';
import {
  TwentySchemaConflictError,
  TwentyValidationError,
  checkOptions,
  type TwentyClient,
} from '../../src/twenty/index.js';
import type { FakeTwenty } from './fake-twenty.js';
import { rejection } from './helpers.js';
import { fakeTwentyPerTest } from './test-client.js';

const setup = fakeTwentyPerTest();

const objectReads = (f: FakeTwenty): number => f.calls('GET', '/rest/metadata/objects').length;

describe('schema discovery', () => {
  it('reads objects, fields, types, options, unique flags and relations', async () => {
    const { client } = await setup();
    const schema = await client.schema();
    const person = schema.object('people');
    expect(person?.nameSingular).toBe('person');
    expect(schema.object('person')).toBe(person);
    expect(schema.field('person', 'emails')).toMatchObject({ type: 'EMAILS', isUnique: true });
    expect(schema.field('person', 'kartraStatus')?.options).toEqual([
      { id: 'opt-active', value: 'ACTIVE', label: 'Active', color: 'green', position: 0 },
    ]);
    expect(schema.field('person', 'company')).toMatchObject({
      type: 'RELATION',
      joinColumnName: 'companyId',
      relation: { type: 'MANY_TO_ONE', targetObject: { nameSingular: 'company' } },
    });
    expect(schema.field('person', 'nope')).toBeUndefined();
  });

  it('reads the fields separately when objects come without them', async () => {
    const { fake, client } = await setup({ objectsWithoutFields: true });
    const schema = await client.schema();
    expect(schema.field('person', 'kartraScore')?.type).toBe('NUMBER');
    expect(fake.calls('GET', '/rest/metadata/fields')).toHaveLength(1);
  });

  it('caches the schema per client: one read for many uses, a new read on refresh', async () => {
    const { fake, client } = await setup();
    await Promise.all([client.schema(), client.schema(), client.capabilities()]);
    await client.schema();
    expect(objectReads(fake)).toBe(1);
    await client.schema({ refresh: true });
    expect(objectReads(fake)).toBe(2);
    expect(client.stats().schemaReads).toBe(2);
  });
});

describe('capabilities', () => {
  it('detects Twenty 1.x: personId link columns, city and xLink present', async () => {
    const { client } = await setup({ profile: 'v1' });
    const caps = await client.capabilities();
    expect(caps.noteTargets).toEqual({
      object: 'noteTarget',
      namePlural: 'noteTargets',
      parentColumn: 'noteId',
      style: 'plain',
      columns: { person: 'personId', company: 'companyId', opportunity: 'opportunityId' },
    });
    expect(caps.taskTargets).toBeUndefined();
    expect(caps.hasField('person', 'city')).toBe(true);
    expect(caps.missingStandardFields).not.toContain('person.city');
  });

  it('detects Twenty 2.x: targetPersonId link columns, no city or xLink', async () => {
    const { client } = await setup({ profile: 'v2' });
    const caps = await client.capabilities();
    expect(caps.noteTargets?.style).toBe('target');
    expect(caps.noteTargets?.columns.person).toBe('targetPersonId');
    expect(caps.hasField('person', 'city')).toBe(false);
    expect(caps.missingStandardFields).toEqual(expect.arrayContaining(['person.city', 'person.xLink']));
    expect(caps.batchMax).toBe(200);
  });
});

describe('custom fields', () => {
  it('creates a field, then refreshes the cached schema so it shows', async () => {
    const { fake, client } = await setup();
    await client.schema();
    expect(objectReads(fake)).toBe(1);
    const result = await client.ensureField({ object: 'person', name: 'kartraLeadId', label: 'Kartra lead id', type: 'TEXT', isUnique: true });
    expect(result.status).toBe('created');
    expect(result.field).toMatchObject({ name: 'kartraLeadId', type: 'TEXT', isUnique: true });
    expect(objectReads(fake)).toBe(2);
    expect((await client.schema()).field('person', 'kartraLeadId')).toBeDefined();
    expect(objectReads(fake)).toBe(2);
    const post = fake.calls('POST', '/rest/metadata/fields')[0];
    expect(post?.body).toEqual({
      objectMetadataId: (await client.schema()).object('person')?.id,
      type: 'TEXT',
      name: 'kartraLeadId',
      label: 'Kartra lead id',
      isUnique: true,
    });
  });

  it('reuses an existing field of the same type without sending a creation', async () => {
    const { fake, client } = await setup();
    const result = await client.ensureField({ object: 'people', name: 'kartraScore', label: 'Score', type: 'NUMBER' });
    expect(result).toMatchObject({ status: 'reused', addedOptions: [] });
    expect(result.field.name).toBe('kartraScore');
    expect(fake.calls('POST', '/rest/metadata/fields')).toHaveLength(0);
  });

  it('refuses an existing field of another type with a clear error', async () => {
    const { fake, client } = await setup();
    const e = await rejection(client.ensureField({ object: 'person', name: 'kartraScore', label: 'Score', type: 'TEXT' }));
    expect(e).toBeInstanceOf(TwentySchemaConflictError);
    expect((e as Error).message).toMatch(/"person\.kartraScore" already exists in Twenty as NUMBER, but the migration needs TEXT/);
    expect(fake.calls('POST', '/rest/metadata/fields')).toHaveLength(0);
  });

  it('refuses to reuse a non-unique field as a unique external id', async () => {
    const { client } = await setup();
    const e = await rejection(client.ensureField({ object: 'person', name: 'jobTitle', label: 'x', type: 'TEXT', isUnique: true }));
    expect(e).toBeInstanceOf(TwentySchemaConflictError);
    expect((e as Error).message).toMatch(/not unique/);
  });

  it('treats NOT_AVAILABLE as "exists" after re-reading the schema (a creation whose answer was lost)', async () => {
    const { fake, client } = await setup();
    await client.schema(); // cached before someone else creates the field
    fake.objects[0]!.fields.push({ id: 'late', name: 'kartraLeadId', label: 'x', type: 'TEXT', isCustom: true, isActive: true, isSystem: false, isNullable: true, isUnique: true });
    const result = await client.ensureField({ object: 'person', name: 'kartraLeadId', label: 'Kartra lead id', type: 'TEXT', isUnique: true });
    expect(result.status).toBe('reused');
    expect(result.field.id).toBe('late');
    expect(fake.calls('POST', '/rest/metadata/fields')).toHaveLength(1);
  });

  it('creates a SELECT with its options, and adds only the missing options to an existing one', async () => {
    const { fake, client } = await setup();
    const created = await client.ensureField({
      object: 'person',
      name: 'kartraGdpr',
      label: 'GDPR',
      type: 'SELECT',
      options: [
        { value: 'ACCEPTED', label: 'Accepted' },
        { value: 'NOT_ACCEPTED', label: 'Not accepted', color: 'red' },
      ],
    });
    expect(created.field.options?.map((o) => o.value)).toEqual(['ACCEPTED', 'NOT_ACCEPTED']);
    const sent = fake.calls('POST', '/rest/metadata/fields')[0]?.body as { options: unknown[] };
    expect(sent.options).toEqual([
      { value: 'ACCEPTED', label: 'Accepted', color: 'red', position: 0 },
      { value: 'NOT_ACCEPTED', label: 'Not accepted', color: 'red', position: 1 },
    ]);

    const reused = await client.ensureField({
      object: 'person',
      name: 'kartraStatus',
      label: 'Status',
      type: 'SELECT',
      options: [
        { value: 'ACTIVE', label: 'Active' },
        { value: 'PAUSED', label: 'Paused' },
      ],
    });
    expect(reused).toMatchObject({ status: 'reused', addedOptions: ['PAUSED'] });
    const patch = fake.calls('PATCH', `/rest/metadata/fields/${reused.field.id}`)[0];
    // the existing option goes back unchanged, with its id, so Twenty keeps it and its values
    expect(patch?.body).toEqual({
      options: [
        { id: 'opt-active', value: 'ACTIVE', label: 'Active', color: 'green', position: 0 },
        { value: 'PAUSED', label: 'Paused', color: 'ruby', position: 1 },
      ],
    });
    expect(reused.field.options?.map((o) => o.value)).toEqual(['ACTIVE', 'PAUSED']);

    const again = await client.addSelectOptions('person', 'kartraStatus', [{ value: 'PAUSED', label: 'Paused' }]);
    expect(again.added).toEqual([]);
    expect(fake.calls('PATCH', `/rest/metadata/fields/${reused.field.id}`)).toHaveLength(1);
  });

  it('checks option values and labels before sending anything', async () => {
    const { fake, client } = await setup();
    const bad = [
      { value: 'gold', label: 'Gold' },
      { value: 'GOLD__MEMBER', label: 'Gold' },
      { value: '1ST', label: 'First' },
      { value: 'A'.repeat(64), label: 'Long' },
      { value: 'GOLD', label: 'Gold, member' },
      { value: 'GOLD', label: 'x'.repeat(64) },
      { value: 'GOLD', label: '  ' },
    ];
    for (const option of bad) {
      const e = await rejection(client.ensureField({ object: 'person', name: 'kartraLevel', label: 'Level', type: 'SELECT', options: [option] }));
      expect(e).toBeInstanceOf(TwentyValidationError);
      expect((e as Error).message).toMatch(/^Twenty would reject person field "kartraLevel": Option (value|label)/);
    }
    expect(() => checkOptions('person', 'x', [{ value: 'A', label: 'a' }, { value: 'A', label: 'b' }])).toThrow(/appears twice/);
    expect(() => checkOptions('person', 'x', [{ value: 'GOLD_MEMBER_2', label: 'Gold member (2)' }])).not.toThrow();
    await expect(client.addSelectOptions('person', 'kartraStatus', [{ value: 'bad value', label: 'x' }])).rejects.toBeInstanceOf(TwentyValidationError);
    await expect(client.ensureField({ object: 'person', name: 'Bad Name', label: 'x', type: 'TEXT' })).rejects.toBeInstanceOf(TwentyValidationError);
    expect(fake.hits.filter((h) => h.method !== 'GET')).toHaveLength(0);
  });

  it('creates a relation with the target object id', async () => {
    const { fake, client } = await setup();
    await client.ensureField({
      object: 'person',
      name: 'employer',
      label: 'Employer',
      type: 'RELATION',
      relation: { type: 'MANY_TO_ONE', targetObject: 'company', targetFieldLabel: 'Employees' },
    });
    const body = fake.calls('POST', '/rest/metadata/fields')[0]?.body as Record<string, unknown>;
    expect(body.relationCreationPayload).toEqual({
      type: 'MANY_TO_ONE',
      targetObjectMetadataId: fake.objects.find((o) => o.nameSingular === 'company')?.id,
      targetFieldLabel: 'Employees',
      targetFieldIcon: 'IconLink',
    });
  });

  it('says so when the object does not exist', async () => {
    const { client } = await setup();
    await expect(client.ensureField({ object: 'affiliate', name: 'x', label: 'x', type: 'TEXT' })).rejects.toThrow(/"affiliate" does not exist/);
  });
});

describe('custom objects', () => {
  it('creates an object once and reuses it afterwards', async () => {
    const { fake, client } = await setup();
    const spec = { nameSingular: 'kartraAffiliate', namePlural: 'kartraAffiliates', labelSingular: 'Affiliate', labelPlural: 'Affiliates' };
    const first = await client.ensureObject(spec);
    expect(first.status).toBe('created');
    expect(first.object.namePlural).toBe('kartraAffiliates');
    const second = await client.ensureObject(spec);
    expect(second.status).toBe('reused');
    expect(fake.calls('POST', '/rest/metadata/objects')).toHaveLength(1);
    // the refreshed schema lets fields go on the new object at once
    const f = await client.ensureField({ object: 'kartraAffiliate', name: 'kartraAffiliateId', label: 'Affiliate id', type: 'TEXT', isUnique: true });
    expect(f.status).toBe('created');
  });
});
