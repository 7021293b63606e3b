import { describe, expect, it } from 'vitest';
import { errorOf, objectMeta, sandbox, type TestSandbox } from './helpers.js';

async function create(t: TestSandbox, plural: string, record: unknown) {
  return t.call('POST', `/rest/${plural}`, record);
}

/** Expects an INVALID_ARGS_DATA 400 with exactly this message, and nothing stored. */
async function rejects(t: TestSandbox, plural: string, record: unknown, message: string, code = 'INVALID_ARGS_DATA') {
  const before = t.sb.records(plural).length;
  const res = await create(t, plural, record);
  expect(errorOf(res)).toEqual({ status: 400, code, message });
  expect(res.body.error).toBe('BadRequestException');
  expect(t.sb.records(plural)).toHaveLength(before);
}

async function customField(t: TestSandbox, plural: string, field: Record<string, unknown>) {
  const object = await objectMeta(t, plural);
  const res = await t.call('POST', '/rest/metadata/fields', { objectMetadataId: object.id, ...field });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data.createOneField;
}

describe('record validation (twenty-api.md §3)', () => {
  it('rejects an unknown key', async () => {
    const t = await sandbox();
    await rejects(t, 'people', { name: { firstName: 'A' }, foo: 1 }, 'Object person doesn\'t have any "foo" field.');
  });

  it('types are strict: TEXT a string, NUMBER a number, BOOLEAN a boolean', async () => {
    const t = await sandbox({ profile: 'v1' });
    await rejects(t, 'people', { jobTitle: 5 }, 'Invalid string value 5 for text field "jobTitle"');
    await rejects(t, 'companies', { employees: '10' }, 'Invalid number value \'10\' for field "employees"');
    await rejects(t, 'companies', { idealCustomerProfile: 'true' }, 'Invalid boolean value \'true\' for field "idealCustomerProfile"');
    await rejects(t, 'companies', { idealCustomerProfile: 1 }, 'Invalid boolean value 1 for field "idealCustomerProfile"');
    const ok = await create(t, 'companies', { employees: 10, idealCustomerProfile: true });
    expect(ok.body.data.createCompany).toMatchObject({ employees: 10, idealCustomerProfile: true });
  });

  it('SELECT takes option values, not labels', async () => {
    const t = await sandbox();
    await rejects(t, 'opportunities', { stage: 'Meeting' }, 'Invalid value \'Meeting\' for field "stage"');
    await rejects(t, 'opportunities', { stage: 3 }, 'Invalid string value 3 for text field "stage"');
    expect((await create(t, 'opportunities', { stage: 'MEETING' })).body.data.createOpportunity.stage).toBe('MEETING');
    expect((await create(t, 'opportunities', { name: 'default stage' })).body.data.createOpportunity.stage).toBe('NEW');
  });

  it('MULTI_SELECT takes an array of option values (a single value is wrapped)', async () => {
    const t = await sandbox();
    await customField(t, 'people', { type: 'MULTI_SELECT', name: 'kartraTags', label: 'Kartra tags', options: [{ value: 'VIP', label: 'VIP' }, { value: 'NEW_LEAD', label: 'New lead' }] });
    await rejects(t, 'people', { kartraTags: ['New lead'] }, 'Invalid value [ \'New lead\' ] for multi select field "kartraTags"');
    await rejects(t, 'people', { kartraTags: 1 }, 'Invalid value 1 for field "kartraTags - Array values need to be string"');
    expect((await create(t, 'people', { kartraTags: ['VIP', 'NEW_LEAD'] })).body.data.createPerson.kartraTags).toEqual(['VIP', 'NEW_LEAD']);
    expect((await create(t, 'people', { kartraTags: 'VIP' })).body.data.createPerson.kartraTags).toEqual(['VIP']);
    expect((await create(t, 'people', { kartraTags: [] })).body.data.createPerson.kartraTags).toBeNull();
  });

  it('emails must be valid; only primaryEmail and additionalEmails', async () => {
    const t = await sandbox();
    await rejects(t, 'people', { emails: { primaryEmail: 'not-an-email' } }, 'Invalid string value \'not-an-email\' for email field "emails.primaryEmail"');
    await rejects(t, 'people', { emails: { primaryEmail: 'a@b.com', additionalEmails: ['nope'] } }, 'Invalid string value \'nope\' for email field "emails.additionalEmails"');
    await rejects(t, 'people', { emails: { email: 'a@b.com' } }, 'Invalid subfield email for emails field "emails"');
    await rejects(t, 'people', { emails: 'a@b.com' }, 'Invalid object value \'a@b.com\' for field "emails"');
  });

  it('emails are checked as sent, not trimmed: surrounding spaces are rejected in both profiles', async () => {
    for (const profile of ['v1', 'v2'] as const) {
      const t = await sandbox({ profile });
      await rejects(t, 'people', { emails: { primaryEmail: ' pad@x.com ' } }, 'Invalid string value \' pad@x.com \' for email field "emails.primaryEmail"');
      await rejects(t, 'people', { emails: { primaryEmail: 'a@b.com', additionalEmails: [' pad@x.com '] } }, 'Invalid string value \' pad@x.com \' for email field "emails.additionalEmails"');
    }
  });

  it('an email that is not lowercase is rejected in both profiles (§3: "must already be lowercase")', async () => {
    for (const profile of ['v1', 'v2'] as const) {
      const t = await sandbox({ profile });
      await rejects(t, 'people', { emails: { primaryEmail: 'Upper@X.com' } }, 'Invalid string value \'Upper@X.com\' for email field "emails.primaryEmail"');
      await rejects(t, 'people', { emails: { primaryEmail: 'a@b.com', additionalEmails: ['B@X.io'] } }, 'Invalid string value \'B@X.io\' for email field "emails.additionalEmails"');
      const res = await create(t, 'people', { emails: { primaryEmail: 'upper@x.com', additionalEmails: ['b@x.io'] } });
      expect(res.body.data.createPerson.emails).toEqual({ primaryEmail: 'upper@x.com', additionalEmails: ['b@x.io'] });
    }
  });

  it('phones: the documented errors, from libphonenumber-js', async () => {
    const t = await sandbox();
    const phone = (p: Record<string, unknown>) => ({ phones: p });
    await rejects(t, 'people', phone({ primaryPhoneNumber: '0612345678', primaryPhoneCountryCode: 'XX' }), 'Invalid country code XX', 'INVALID_PHONE_COUNTRY_CODE');
    await rejects(t, 'people', phone({ primaryPhoneNumber: '0612345678', primaryPhoneCallingCode: '+999' }), 'Invalid calling code +999', 'INVALID_PHONE_CALLING_CODE');
    await rejects(t, 'people', phone({ primaryPhoneNumber: '0612345678', primaryPhoneCountryCode: 'FR', primaryPhoneCallingCode: '+1' }), 'Provided country code and calling code are conflicting', 'CONFLICTING_PHONE_CALLING_CODE_AND_COUNTRY_CODE');
    await rejects(t, 'people', phone({ primaryPhoneNumber: 'call me' }), 'Provided phone number is invalid call me', 'INVALID_PHONE_NUMBER');
    await rejects(t, 'people', phone({ primaryPhoneNumber: '+14155552671', primaryPhoneCountryCode: 'FR' }), 'Provided and inferred country code are conflicting', 'CONFLICTING_PHONE_COUNTRY_CODE');
    await rejects(t, 'people', phone({ primaryPhoneNumber: '+442079460958', primaryPhoneCallingCode: '+1' }), 'Provided and inferred calling code are conflicting', 'CONFLICTING_PHONE_CALLING_CODE');
    await rejects(t, 'people', phone({ number: '1' }), 'Invalid subfield number for phones field "phones"');
  });

  it('phones: +E.164 alone works; codes are inferred and the national number stored', async () => {
    const t = await sandbox();
    const res = await create(t, 'people', { phones: { primaryPhoneNumber: '+33 6 12 34 56 78', additionalPhones: [{ number: '+14155552671' }] } });
    expect(res.body.data.createPerson.phones).toEqual({
      primaryPhoneNumber: '612345678',
      primaryPhoneCountryCode: 'FR',
      primaryPhoneCallingCode: '+33',
      additionalPhones: [{ number: '4155552671', callingCode: '+1', countryCode: 'US' }],
    });
  });

  it('currency is in micros; amountMicros must be numeric', async () => {
    const t = await sandbox();
    await rejects(t, 'opportunities', { amount: { amountMicros: 'ten', currencyCode: 'USD' } }, 'Invalid number value NaN for field "amount.amountMicros"');
    await rejects(t, 'opportunities', { amount: 10 }, 'Invalid object value 10 for field "amount"');
    const res = await create(t, 'opportunities', { amount: { amountMicros: 12_340_000, currencyCode: 'EUR' } });
    expect(res.body.data.createOpportunity.amount).toEqual({ amountMicros: 12_340_000, currencyCode: 'EUR' });
  });

  it('dates: v1 takes what new Date() reads, v2 wants real ISO-8601 dates', async () => {
    const v1 = await sandbox({ profile: 'v1' });
    await rejects(v1, 'opportunities', { closeDate: 'not a date' }, 'Invalid value \'not a date\' for date-time field "closeDate". Expected format: \'YYYY-MM-DDTHH:mm:ssZ\'');
    expect((await create(v1, 'opportunities', { closeDate: '2025-01-13T10:30:00+02:00' })).body.data.createOpportunity.closeDate).toBe('2025-01-13T08:30:00.000Z');
    expect((await create(v1, 'opportunities', { closeDate: 'Jan 13, 2025' })).status).toBe(201);
    const v2 = await sandbox({ profile: 'v2' });
    for (const bad of ['Jan 13, 2025', '2024', '2024-01', '2024-02-31', '2024-01-15T25:30:00Z']) {
      await rejects(v2, 'opportunities', { closeDate: bad }, `Invalid value '${bad}' for date-time field "closeDate". Expected format: 'YYYY-MM-DDTHH:mm:ssZ'`);
    }
    expect((await create(v2, 'opportunities', { closeDate: '2025-01-13T10:30:00Z' })).body.data.createOpportunity.closeDate).toBe('2025-01-13T10:30:00.000Z');
  });

  it('DATE fields want YYYY-MM-DD', async () => {
    const t = await sandbox();
    await customField(t, 'people', { type: 'DATE', name: 'birthday', label: 'Birthday' });
    await rejects(t, 'people', { birthday: '2024-13-01' }, 'Invalid value \'2024-13-01\' for date field "birthday". Expected format: \'YYYY-MM-DD\'');
    expect((await create(t, 'people', { birthday: '1990-02-28' })).body.data.createPerson.birthday).toBe('1990-02-28');
  });

  it('links: URL origin lowercased, trailing slash removed, empty secondary links dropped', async () => {
    const t = await sandbox();
    const res = await create(t, 'companies', { domainName: { primaryLinkUrl: 'HTTPS://Acme.COM/', secondaryLinks: [{ url: 'https://Foo.io/Path/', label: 'x' }, { url: '', label: '' }] } });
    expect(res.body.data.createCompany.domainName).toEqual({ primaryLinkUrl: 'https://acme.com', primaryLinkLabel: '', secondaryLinks: [{ url: 'https://foo.io/Path', label: 'x' }] });
  });

  it('relations: a join-column uuid, checked against existing rows; connect by a unique field; one-to-many is read-only', async () => {
    const t = await sandbox();
    await rejects(t, 'people', { companyId: 'acme' }, 'Invalid UUID value \'acme\' for field "companyId"');
    const missing = await create(t, 'people', { companyId: '00000000-0000-4000-8000-000000000000' });
    expect(errorOf(missing)).toMatchObject({ status: 400, code: undefined });
    expect(errorOf(missing).message).toMatch(/violates foreign key constraint/);
    const company = (await create(t, 'companies', { name: 'Acme', domainName: { primaryLinkUrl: 'https://acme.com' } })).body.data.createCompany;
    const linked = await create(t, 'people', { company: { connect: { where: { domainName: { primaryLinkUrl: 'https://ACME.com/' } } } } });
    expect(linked.body.data.createPerson.companyId).toBe(company.id);
    const notFound = await create(t, 'people', { company: { connect: { where: { domainName: { primaryLinkUrl: 'https://nope.com' } } } } });
    expect(errorOf(notFound).code).toBe('CONNECT_RECORD_NOT_FOUND');
    await rejects(t, 'people', { company: company.id }, 'Relation "company" requires connect or disconnect operation');
    await rejects(t, 'companies', { people: [] }, 'One-to-many relation people field does not support write operations.');
  });

  it('null on a field that is not nullable and has no default is refused', async () => {
    const t = await sandbox();
    await customField(t, 'people', { type: 'NUMBER', name: 'score', label: 'Score', isNullable: false });
    await rejects(t, 'people', { score: null }, 'Field score is not nullable and has no default value.');
  });

  it('createdAt is writable; createdBy: a nameless actor gets the key name, a named one is kept', async () => {
    const t = await sandbox();
    const a = (await create(t, 'people', { createdAt: '2019-05-01T12:00:00Z', createdBy: { source: 'IMPORT' } })).body.data.createPerson;
    expect(a.createdAt).toBe('2019-05-01T12:00:00.000Z');
    expect(a.createdBy).toEqual({ source: 'IMPORT', workspaceMemberId: null, name: 'Sandbox API key', context: {} });
    const b = (await create(t, 'people', { createdBy: { source: 'IMPORT', name: 'Legacy CRM' } })).body.data.createPerson;
    expect(b.createdBy).toMatchObject({ source: 'IMPORT', name: 'Legacy CRM' });
    await rejects(t, 'people', { createdBy: { source: 'FAX' } }, 'Invalid value \'FAX\' for field "createdBy.source"');
  });

  it('RAW_JSON takes an object or a JSON string; rich text takes an object and gets blocks from markdown', async () => {
    const t = await sandbox();
    await customField(t, 'people', { type: 'RAW_JSON', name: 'kartraRaw', label: 'Kartra raw' });
    await rejects(t, 'people', { kartraRaw: 'not-a-json' }, 'Invalid object value \'not-a-json\' for field "kartraRaw"');
    expect((await create(t, 'people', { kartraRaw: '{"k":"v"}' })).body.data.createPerson.kartraRaw).toEqual({ k: 'v' });
    await rejects(t, 'notes', { bodyV2: 'text' }, 'Invalid rich text v2 value \'text\' for field "bodyV2" - Should be an object');
    const note = (await create(t, 'notes', { bodyV2: { markdown: '# Title\nbody' } })).body.data.createNote;
    expect(note.bodyV2.markdown).toBe('# Title\nbody');
    expect(JSON.parse(note.bodyV2.blocknote)).toHaveLength(2);
  });

  it('an id must be a uuid, and a taken id is a duplicate', async () => {
    const t = await sandbox({ profile: 'v1' });
    await rejects(t, 'people', { id: 'abc' }, 'Invalid UUID value \'abc\' for field "id"');
    const id = '11111111-1111-4111-8111-111111111111';
    expect((await create(t, 'people', { id })).body.data.createPerson.id).toBe(id);
    expect(errorOf(await create(t, 'people', { id }))).toEqual({ status: 400, code: 'DUPLICATE_ENTRY_DETECTED', message: 'A duplicate entry was detected' });
  });
});
