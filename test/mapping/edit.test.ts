import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectExports } from '../../src/kartra/inspect.js';
import { buildMapping } from '../../src/mapping/build.js';
import { mappingDocumentSchema, type MappingColumn, type MappingDocument } from '../../src/mapping/document.js';
import { MappingEditError, applyEdit, mappingEditSchema, type MappingEdit } from '../../src/mapping/edit.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { TwentySchema, createTwentyClient, type TwentyClient, type TwentyField } from '../../src/twenty/index.js';

let sandbox: SandboxHandle;
let client: TwentyClient;
let schema: TwentySchema;
let doc: MappingDocument;

const CREATED = new Date('2026-06-09T10:00:00.000Z');
let tick = 0;
/** A distinct `now` per edit, so each assertion on updatedAt/history proves the given date is the one used. */
const nextNow = (): Date => new Date(Date.UTC(2026, 5, 10, 12, 0, 0) + ++tick * 60_000);

beforeAll(async () => {
  sandbox = await startSandbox({ profile: 'v2', apiKey: 'sandbox-key-1', rateLimit: false });
  client = createTwentyClient({ baseUrl: sandbox.url, apiKey: 'sandbox-key-1' });
  schema = await client.schema();
  const inspection = await inspectExports(['fixtures/samples/messy']);
  doc = buildMapping({ migrationId: 'm1', inspection, schema, mode: 'rehearsal', now: CREATED });
  mappingDocumentSchema.parse(doc);
});

afterAll(async () => {
  await client?.close();
  await sandbox?.close();
});

/** Applies an accepted edit and checks what every accepted edit guarantees. */
function accept(input: MappingDocument, edit: MappingEdit, s: TwentySchema = schema): { document: MappingDocument; change: string } {
  const before = structuredClone(input);
  const now = nextNow();
  const result = applyEdit(input, edit, s, now);
  expect(input).toEqual(before);
  expect(result.document.version).toBe(input.version + 1);
  expect(result.document.updatedAt).toBe(now.toISOString());
  expect(result.document.createdAt).toBe(input.createdAt);
  expect(result.document.history).toEqual([...input.history, { version: input.version + 1, at: now.toISOString(), change: result.change }]);
  expect(result.change.length).toBeGreaterThan(0);
  expect(mappingDocumentSchema.safeParse(result.document).success).toBe(true);
  return result;
}

/** Applies a refused edit: a MappingEditError whose message matches every pattern, and the input untouched. */
function refuse(input: MappingDocument, edit: unknown, patterns: RegExp[], s: TwentySchema = schema): string {
  const before = structuredClone(input);
  let error: unknown;
  try {
    applyEdit(input, edit as MappingEdit, s, nextNow());
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(MappingEditError);
  const message = (error as Error).message;
  for (const pattern of patterns) expect(message).toMatch(pattern);
  expect(input).toEqual(before);
  return message;
}

const column = (d: MappingDocument, id: string): MappingColumn => {
  const c = d.columns.find((x) => x.id === id);
  if (!c) throw new Error(`no column ${id}`);
  return c;
};
const plan = (d: MappingDocument, object: string, name: string) => d.customFields.find((f) => f.object === object && f.name === name);

/** The sandbox's data model with extra fields, as if an earlier run or the user had made them. */
function schemaWith(fields: { object: string; name: string; type: string }[]): TwentySchema {
  const objects = structuredClone(schema.objects) as TwentySchema['objects'][number][];
  for (const { object, name, type } of fields) {
    const target = objects.find((o) => o.nameSingular === object)!;
    const text = target.fields.find((f) => f.type === 'TEXT' && !f.isSystem)!;
    const field: TwentyField = { ...structuredClone(text), id: `00000000-0000-4000-8000-${String(target.fields.length).padStart(12, '0')}`, name, label: name, type, isCustom: true };
    target.fields.push(field);
  }
  return new TwentySchema(objects, schema.fetchedAt + 1000);
}

describe('the document the edits start from', () => {
  it('is version 1 with the columns these tests rely on', () => {
    expect(doc.version).toBe(1);
    expect(column(doc, 'leads:email').destination).toEqual({ kind: 'field', object: 'person', field: 'emails', subfield: 'primaryEmail' });
    expect(column(doc, 'leads:bio').destination).toEqual({ kind: 'new-field', object: 'person', name: 'bio' });
    expect(column(doc, 'leads:bio').profile.valueType).toBe('text');
    expect(doc.columns.filter((c) => c.destination.kind === 'new-field' && c.destination.name === 'address')).toHaveLength(5);
    expect(plan(doc, 'person', 'kartraLeadId')?.type).toBe('TEXT');
  });
});

describe('map', () => {
  it('maps a column to a standard TEXT field whatever its values (email → jobTitle)', () => {
    const { document, change } = accept(doc, { op: 'map', column: 'leads:email', field: 'jobTitle' });
    const c = column(document, 'leads:email');
    expect(c.destination).toEqual({ kind: 'field', object: 'person', field: 'jobTitle' });
    expect(c.edited).toBe(true);
    expect(c.reason).toMatch(/mapped by the user to person\.jobTitle/);
    expect(change).toBe('leads:email → person.jobTitle');
  });

  it('maps a column to a part of a composite field', () => {
    const { document } = accept(doc, { op: 'map', column: 'leads:ip_country', field: 'phones', subfield: 'primaryPhoneCountryCode' });
    expect(column(document, 'leads:ip_country').destination).toEqual({ kind: 'field', object: 'person', field: 'phones', subfield: 'primaryPhoneCountryCode' });
    expect(plan(document, 'person', 'kartraIpCountry')).toBeUndefined();
  });

  it('refuses a composite field without a subfield, listing its parts', () => {
    refuse(doc, { op: 'map', column: 'leads:bio', field: 'phones' }, [/person\.phones has several parts/, /say which with a subfield/, /primaryPhoneNumber/, /additionalPhones/]);
  });

  it('refuses a subfield the field does not have, listing its parts', () => {
    refuse(doc, { op: 'map', column: 'leads:email', field: 'emails', subfield: 'secondaryEmail' }, [/no part "secondaryEmail"/, /its parts are primaryEmail, additionalEmails/]);
  });

  it('refuses a subfield on a field without parts', () => {
    refuse(doc, { op: 'map', column: 'leads:bio', field: 'jobTitle', subfield: 'primaryEmail' }, [/person\.jobTitle has no parts/, /leave out the subfield/]);
  });

  it('refuses an unknown field, listing the fields it can go to and pointing to "create"', () => {
    refuse(doc, { op: 'map', column: 'leads:bio', field: 'nickname' }, [/person has no field "nickname"/, /Fields you can map to: .*jobTitle/, /\bbio\b/, /use a "create" edit/]);
  });

  it('refuses a field no column can fill (relation list, system field)', () => {
    refuse(doc, { op: 'map', column: 'leads:bio', field: 'taskTargets' }, [/person\.taskTargets cannot be filled from a column \(a system, read-only or relation field\)/]);
    refuse(doc, { op: 'map', column: 'leads:bio', field: 'position' }, [/person\.position cannot be filled from a column/]);
    refuse(doc, { op: 'map', column: 'leads:bio', field: 'updatedAt' }, [/person\.updatedAt cannot be filled from a column/]);
  });

  it('refuses a field already filled by another column of the same dataset, naming that column', () => {
    refuse(doc, { op: 'map', column: 'leads:last_name2', field: 'name', subfield: 'lastName' }, [/person\.name\.lastName is already filled by leads:last_name\. /, /Map or skip that column first/]);
    refuse(doc, { op: 'map', column: 'leads:bio', field: 'middleName' }, [/person\.middleName \(new\) is already filled by leads:middle_name\. /, /Map or skip that column first/]);
    refuse(doc, { op: 'map', column: 'leads:referring_id', field: 'phones', subfield: 'primaryPhoneNumber' }, [/person\.phones\.primaryPhoneNumber is already filled by leads:phone\. /]);
  });

  it('accepts a field filled by a column of another dataset', () => {
    // transactions and subscriptions both write opportunities; one column per field holds per dataset
    const { document } = accept(doc, { op: 'map', column: 'subscriptions:Payments made', field: 'quantity' });
    expect(column(document, 'subscriptions:Payments made').destination).toEqual({ kind: 'new-field', object: 'opportunity', name: 'quantity' });
    expect(column(document, 'transactions:Quantity').destination).toEqual({ kind: 'new-field', object: 'opportunity', name: 'quantity' });
    expect(plan(document, 'opportunity', 'paymentsMade')).toBeUndefined();
    // a value that does not fit is refused there too ("Unlimited" into a NUMBER)
    refuse(doc, { op: 'map', column: 'subscriptions:Payments left', field: 'quantity' }, [/holds enumeration values \(e\.g\. "/, /opportunity\.quantity \(new\) \(NUMBER\) cannot take/]);
  });

  it('accepts the field once its holder is skipped', () => {
    const skipped = accept(doc, { op: 'skip', column: 'leads:last_name' }).document;
    const { document } = accept(skipped, { op: 'map', column: 'leads:last_name2', field: 'name', subfield: 'lastName' });
    expect(column(document, 'leads:last_name2').destination).toEqual({ kind: 'field', object: 'person', field: 'name', subfield: 'lastName' });
    expect(document.version).toBe(3);
    expect(plan(document, 'person', 'lastName2')).toBeUndefined();
  });

  it('refuses values a date field cannot take (text → createdAt, text → a planned DATE field)', () => {
    refuse(doc, { op: 'map', column: 'leads:bio', field: 'createdAt' }, [/leads:bio holds text values/, /person\.createdAt \(DATE_TIME\) cannot take/]);
    refuse(doc, { op: 'map', column: 'leads:bio', field: 'birthday' }, [/leads:bio holds text values/, /person\.birthday \(new\) \(DATE\) cannot take/]);
    refuse(doc, { op: 'map', column: 'transactions:Processor', field: 'closeDate' }, [/transactions:Processor holds enumeration values/, /opportunity\.closeDate \(DATE_TIME\) cannot take/]);
  });

  it('refuses values a number, boolean or phone field cannot take', () => {
    refuse(doc, { op: 'map', column: 'leads:bio', field: 'kartraScore' }, [/holds text values/, /\(NUMBER\) cannot take/]);
    refuse(doc, { op: 'map', column: 'leads:bio', field: 'kartraBlacklisted' }, [/holds text values/, /\(BOOLEAN\) cannot take/]);
    refuse(doc, { op: 'map', column: 'leads:bio', field: 'phones', subfield: 'additionalPhones' }, [/holds text values/, /person\.phones\.additionalPhones \(PHONES\) cannot take/]);
  });

  it('accepts values that fit a typed field (a date into a date field)', () => {
    const skipped = accept(doc, { op: 'skip', column: 'leads:date_joined' }).document;
    const { document } = accept(skipped, { op: 'map', column: 'leads:birthday', field: 'createdAt' });
    expect(column(document, 'leads:birthday').destination).toEqual({ kind: 'field', object: 'person', field: 'createdAt' });
    expect(plan(document, 'person', 'birthday')).toBeUndefined();
  });

  it('maps a column away from a planned custom field: the plan is dropped when nothing else fills it', () => {
    expect(plan(doc, 'person', 'bio')).toBeDefined();
    const { document } = accept(doc, { op: 'map', column: 'leads:bio', field: 'jobTitle' });
    expect(plan(document, 'person', 'bio')).toBeUndefined();
    expect(document.customFields).toHaveLength(doc.customFields.length - 1);
  });

  it('keeps a planned field another column still fills', () => {
    const { document } = accept(doc, { op: 'map', column: 'transactions:Price_point', field: 'paymentsLeft' });
    expect(column(document, 'transactions:Price_point').destination).toEqual({ kind: 'new-field', object: 'opportunity', name: 'paymentsLeft' });
    expect(plan(document, 'opportunity', 'pricePoint')).toBeDefined(); // subscriptions:Price point still fills it
    expect(document.customFields).toHaveLength(doc.customFields.length);
    // once skipped, a planned field nothing fills is gone, and mapping to it is refused
    const freed = accept(doc, { op: 'skip', column: 'transactions:Coupon_code' }).document;
    expect(plan(freed, 'opportunity', 'couponCode')).toBeUndefined();
    refuse(freed, { op: 'map', column: 'transactions:Price_point', field: 'couponCode' }, [/opportunity has no field "couponCode"/]);
  });

  it('names a column by id, by its unique header, and by its header in another case', () => {
    const byId = accept(doc, { op: 'map', column: 'leads:bio', field: 'jobTitle' }).document;
    const byHeader = accept(doc, { op: 'map', column: 'bio', field: 'jobTitle' }).document;
    const byOtherCase = accept(doc, { op: 'map', column: 'BIO', field: 'jobTitle' }).document;
    expect(column(byHeader, 'leads:bio').destination).toEqual(column(byId, 'leads:bio').destination);
    expect(column(byOtherCase, 'leads:bio').destination).toEqual(column(byId, 'leads:bio').destination);
  });

  it('refuses a header that several exports have, listing the column ids', () => {
    refuse(doc, { op: 'map', column: 'Product', field: 'name' }, [/"Product" is a column of several exports/, /name one: /, /transactions:Product/, /subscriptions:Product/]);
  });

  it('refuses an unknown column, showing how columns are named', () => {
    refuse(doc, { op: 'map', column: 'leads:nope', field: 'jobTitle' }, [/There is no column "leads:nope"/, /Columns are named like "leads:id"/]);
  });

  it('maps to a custom field that already exists in Twenty as a field, not a new one', () => {
    const live = schemaWith([{ object: 'person', name: 'favouriteColor', type: 'TEXT' }]);
    const { document } = accept(doc, { op: 'map', column: 'leads:bio', field: 'favouriteColor' }, live);
    expect(column(document, 'leads:bio').destination).toEqual({ kind: 'field', object: 'person', field: 'favouriteColor' });
    expect(plan(document, 'person', 'favouriteColor')).toBeUndefined();
  });
});

describe('skip', () => {
  it('skips with a reason and keeps the transforms, so mapping it back needs none set again', () => {
    const { document, change } = accept(doc, { op: 'skip', column: 'leads:date_joined', reason: '  old join dates are wrong  ' });
    const c = column(document, 'leads:date_joined');
    expect(column(doc, 'leads:date_joined').transforms.dateFormat).toBeDefined();
    expect(c.destination).toEqual({ kind: 'skip', reason: 'old join dates are wrong' });
    expect(c.reason).toBe('old join dates are wrong');
    expect(c.transforms).toEqual(column(doc, 'leads:date_joined').transforms);
    expect(c.edited).toBe(true);
    expect(change).toBe('leads:date_joined skipped');
    const back = accept(document, { op: 'map', column: 'leads:date_joined', field: 'createdAt' }).document;
    expect(column(back, 'leads:date_joined').transforms).toEqual(column(doc, 'leads:date_joined').transforms);
  });

  it('skips without a reason (or a blank one) as "skipped by the user"', () => {
    for (const edit of [{ op: 'skip', column: 'leads:tags' }, { op: 'skip', column: 'leads:tags', reason: '   ' }] as const) {
      const { document } = accept(doc, edit);
      const c = column(document, 'leads:tags');
      expect(c.destination).toEqual({ kind: 'skip', reason: 'skipped by the user' });
      expect(c.transforms).toEqual({});
      expect(plan(document, 'person', 'kartraTags')).toBeUndefined();
    }
  });

  it('refuses a reason over 200 characters as an invalid edit', () => {
    refuse(doc, { op: 'skip', column: 'leads:tags', reason: 'x'.repeat(201) }, [/The edit is not valid: reason:/]);
  });
});

describe('create', () => {
  it('creates a TEXT field from a column with the name and label given', () => {
    const { document, change } = accept(doc, { op: 'create', column: 'transactions:Shipping_City', type: 'TEXT', name: 'shipCity', label: '  Shipping\tcity ' });
    expect(column(document, 'transactions:Shipping_City').destination).toEqual({ kind: 'new-field', object: 'opportunity', name: 'shipCity' });
    expect(column(document, 'transactions:Shipping_City').edited).toBe(true);
    expect(plan(document, 'opportunity', 'shipCity')).toEqual({
      object: 'opportunity',
      name: 'shipCity',
      label: 'Shipping city',
      type: 'TEXT',
      description: 'Created for the column "Shipping city"',
      isUnique: false,
      exists: false,
    });
    expect(change).toBe('transactions:Shipping_City → new TEXT field opportunity.shipCity');
  });

  it('names the field after the header when no name is given', () => {
    const { document } = accept(doc, { op: 'create', column: 'transactions:Buyer_Name', type: 'TEXT' });
    expect(column(document, 'transactions:Buyer_Name').destination).toEqual({ kind: 'new-field', object: 'opportunity', name: 'buyerName' });
    expect(plan(document, 'opportunity', 'buyerName')?.label).toBe('Buyer_Name');
  });

  it('moves a column off its planned field, which is dropped', () => {
    const { document } = accept(doc, { op: 'create', column: 'leads:bio', type: 'TEXT', name: 'biography' });
    expect(plan(document, 'person', 'biography')).toBeDefined();
    expect(plan(document, 'person', 'bio')).toBeUndefined();
  });

  it('gives a composite field its primary part', () => {
    const { document } = accept(doc, { op: 'create', column: 'leads:lead_picture', type: 'LINKS', name: 'picture' });
    expect(column(document, 'leads:lead_picture').destination).toEqual({ kind: 'new-field', object: 'person', name: 'picture', subfield: 'primaryLinkUrl' });
  });

  it('refuses an invalid name with a suggestion', () => {
    refuse(doc, { op: 'create', column: 'leads:bio', type: 'TEXT', name: 'Bad Name' }, [/"Bad Name" is not a valid field name/, /camelCase/, /e\.g\. "badName"/]);
    refuse(doc, { op: 'create', column: 'leads:bio', type: 'TEXT', name: `a${'b'.repeat(63)}` }, [/is not a valid field name/, /at most 63 characters/]);
  });

  it('refuses a name the live schema already has, pointing to "map"', () => {
    refuse(doc, { op: 'create', column: 'leads:bio', type: 'TEXT', name: 'jobTitle' }, [/person\.jobTitle already exists in Twenty \(TEXT\)/, /"map" edit, or choose another name/]);
    const live = schemaWith([{ object: 'person', name: 'favouriteColor', type: 'TEXT' }]);
    refuse(doc, { op: 'create', column: 'leads:bio', type: 'TEXT', name: 'favouriteColor' }, [/person\.favouriteColor already exists in Twenty \(TEXT\)/, /"map" edit/], live);
    // the default name from the header ("company") is the person's company relation
    refuse(doc, { op: 'create', column: 'leads:company', type: 'TEXT' }, [/person\.company already exists in Twenty \(RELATION\)/]);
  });

  it('refuses a name already planned, pointing to "map"', () => {
    refuse(doc, { op: 'create', column: 'leads:bio', type: 'TEXT' }, [/person\.bio is already planned/, /"map" edit, or choose another name/]);
    refuse(doc, { op: 'create', column: 'leads:ip', type: 'TEXT', name: 'middleName' }, [/person\.middleName is already planned/]);
  });

  it('refuses a label over 63 characters', () => {
    refuse(doc, { op: 'create', column: 'leads:ip', type: 'TEXT', name: 'ipAddress', label: 'L'.repeat(64) }, [/A field label must be 1 to 63 characters/]);
  });

  it('refuses a type the values do not fit', () => {
    refuse(doc, { op: 'create', column: 'leads:bio', type: 'NUMBER', name: 'bioNumber' }, [/leads:bio holds text values/, /\(NUMBER\) cannot take/]);
    refuse(doc, { op: 'create', column: 'leads:bio', type: 'DATE', name: 'bioDate' }, [/\(DATE\) cannot take/]);
  });

  it('creates a SELECT field with UPPER_SNAKE options from the column values', () => {
    const source = column(doc, 'transactions:Buyer_State');
    expect(source.profile.values?.length).toBeGreaterThan(1);
    const { document } = accept(doc, { op: 'create', column: 'transactions:Buyer_State', type: 'SELECT', name: 'buyerState' });
    const options = plan(document, 'opportunity', 'buyerState')?.options ?? [];
    expect(options.length).toBeGreaterThan(1);
    for (const o of options) {
      expect(o.value).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(o.value.length).toBeLessThanOrEqual(63);
      expect(o.label.length).toBeGreaterThan(0);
    }
    expect(new Set(options.map((o) => o.value)).size).toBe(options.length);
    const covered = new Set(options.flatMap((o) => o.sources));
    for (const v of source.profile.values!.filter((x) => x.trim() !== '')) expect(covered.has(v.trim())).toBe(true);
  });

  it('refuses a SELECT on a column without a values list', () => {
    expect(column(doc, 'leads:ip').profile.values).toBeUndefined();
    refuse(doc, { op: 'create', column: 'leads:ip', type: 'SELECT', name: 'ipChoice' }, [/leads:ip has \d+\+ distinct values, too many for a SELECT field/, /keep it TEXT/]);
  });

  it('refuses a type that is not a custom field type', () => {
    refuse(doc, { op: 'create', column: 'leads:ip', type: 'RELATION', name: 'ipRel' }, [/The edit is not valid: type:/]);
  });
});

describe('rename', () => {
  it('renames a planned field and its label; the columns follow the new name', () => {
    const { document, change } = accept(doc, { op: 'rename', object: 'person', field: 'businessType', name: 'industry', label: 'Industry' });
    expect(plan(document, 'person', 'businessType')).toBeUndefined();
    expect(plan(document, 'person', 'industry')).toMatchObject({ label: 'Industry', type: 'SELECT', options: plan(doc, 'person', 'businessType')!.options });
    expect(column(document, 'leads:business_type').destination).toEqual({ kind: 'new-field', object: 'person', name: 'industry' });
    expect(change).toBe('person.industry: label "Industry", name industry');
  });

  it('renames a composite field filled by five columns: every one follows, each keeping its part', () => {
    const { document } = accept(doc, { op: 'rename', object: 'person', field: 'address', name: 'postalAddress' });
    const parts = document.columns.filter((c) => c.destination.kind === 'new-field' && c.destination.name === 'postalAddress').map((c) => c.destination.kind !== 'skip' && c.destination.subfield);
    expect(parts.sort()).toEqual(['addressCity', 'addressCountry', 'addressPostcode', 'addressState', 'addressStreet1']);
    expect(document.columns.some((c) => c.destination.kind === 'new-field' && c.destination.name === 'address')).toBe(false);
  });

  it('changes only the label', () => {
    const { document } = accept(doc, { op: 'rename', object: 'person', field: 'bio', label: 'About me' });
    expect(plan(document, 'person', 'bio')?.label).toBe('About me');
    expect(column(document, 'leads:bio').destination).toEqual({ kind: 'new-field', object: 'person', name: 'bio' });
  });

  it("refuses to rename the migration's key kartraLeadId", () => {
    refuse(doc, { op: 'rename', object: 'person', field: 'kartraLeadId', name: 'leadId' }, [/person\.kartraLeadId is the migration's key/, /cannot be renamed/]);
    refuse(doc, { op: 'rename', object: 'opportunity', field: 'kartraTransactionId', name: 'transactionId' }, [/opportunity\.kartraTransactionId is the migration's key/]);
  });

  it('refuses a field that is not planned, listing the planned ones', () => {
    refuse(doc, { op: 'rename', object: 'person', field: 'jobTitle', name: 'role' }, [/person\.jobTitle is not a custom field this migration plans/, /planned: kartraLeadId/]);
  });

  it('refuses a label over 63 characters, an empty label, and an invalid or taken name', () => {
    refuse(doc, { op: 'rename', object: 'person', field: 'bio', label: 'x'.repeat(64) }, [/A field label must be 1 to 63 characters/]);
    refuse(doc, { op: 'rename', object: 'person', field: 'bio', label: ' \n ' }, [/A field label must be 1 to 63 characters/]);
    refuse(doc, { op: 'rename', object: 'person', field: 'bio', name: 'About Me' }, [/"About Me" is not a valid field name/, /e\.g\. "aboutMe"/]);
    refuse(doc, { op: 'rename', object: 'person', field: 'bio', name: 'jobTitle' }, [/person\.jobTitle already exists in Twenty/]);
    refuse(doc, { op: 'rename', object: 'person', field: 'bio', name: 'middleName' }, [/person\.middleName is already planned/]);
  });

  it('refuses a rename that gives nothing', () => {
    refuse(doc, { op: 'rename', object: 'person', field: 'bio' }, [/Give a new name, a new label, or both/]);
  });
});

describe('retype', () => {
  it('turns TEXT into SELECT with options from the values', () => {
    const before = plan(doc, 'person', 'middleName')!;
    expect(before.type).toBe('TEXT');
    expect(before.options).toBeUndefined();
    const { document, change } = accept(doc, { op: 'retype', object: 'person', field: 'middleName', type: 'SELECT' });
    const after = plan(document, 'person', 'middleName')!;
    expect(after.type).toBe('SELECT');
    expect(after.options!.length).toBeGreaterThan(0);
    for (const o of after.options!) expect(o.value).toMatch(/^[A-Z][A-Z0-9_]*$/);
    expect(new Set(after.options!.flatMap((o) => o.sources))).toEqual(new Set(column(doc, 'leads:middle_name').profile.values!.map((v) => v.trim()).filter(Boolean)));
    expect(change).toBe('person.middleName is now SELECT');
  });

  it('turns SELECT into TEXT without options', () => {
    const { document } = accept(doc, { op: 'retype', object: 'person', field: 'howHeard', type: 'TEXT' });
    expect(plan(document, 'person', 'howHeard')).toMatchObject({ type: 'TEXT' });
    expect(plan(document, 'person', 'howHeard')?.options).toBeUndefined();
  });

  it('gives the columns the primary part of a composite type, and takes it away again', () => {
    const linked = accept(doc, { op: 'retype', object: 'person', field: 'bio', type: 'LINKS' }).document;
    expect(column(linked, 'leads:bio').destination).toEqual({ kind: 'new-field', object: 'person', name: 'bio', subfield: 'primaryLinkUrl' });
    const text = accept(linked, { op: 'retype', object: 'person', field: 'bio', type: 'TEXT' }).document;
    expect(column(text, 'leads:bio').destination).toEqual({ kind: 'new-field', object: 'person', name: 'bio' });
    expect(text.version).toBe(3);
  });

  it('refuses a type the values do not fit', () => {
    refuse(doc, { op: 'retype', object: 'person', field: 'bio', type: 'NUMBER' }, [/leads:bio holds text values/, /\(NUMBER\) cannot take/]);
    refuse(doc, { op: 'retype', object: 'person', field: 'bio', type: 'DATE_TIME' }, [/\(DATE_TIME\) cannot take/]);
  });

  it('refuses a SELECT when a column has too many distinct values', () => {
    refuse(doc, { op: 'retype', object: 'person', field: 'kartraIp', type: 'SELECT' }, [/leads:ip has \d+\+ distinct values, too many for a SELECT field/, /keep it TEXT/]);
  });

  it('refuses the five-column address field as TEXT', () => {
    refuse(doc, { op: 'retype', object: 'person', field: 'address', type: 'TEXT' }, [/5 columns of the leads export fill person\.address/, /address, city, zip, state, country/, /a TEXT field holds one value/, /Map or skip the others first/]);
  });

  it('refuses kartraLeadId as NUMBER', () => {
    refuse(doc, { op: 'retype', object: 'person', field: 'kartraLeadId', type: 'NUMBER' }, [/person\.kartraLeadId is the migration's key and stays TEXT/]);
  });

  it('refuses a field that is not planned', () => {
    refuse(doc, { op: 'retype', object: 'person', field: 'jobTitle', type: 'SELECT' }, [/person\.jobTitle is not a custom field this migration plans/]);
  });
});

describe('a workspace where a planned field already exists', () => {
  let inWorkspace: MappingDocument;
  let live: TwentySchema;

  beforeAll(async () => {
    live = schemaWith([{ object: 'person', name: 'kartraIp', type: 'TEXT' }]);
    inWorkspace = buildMapping({ migrationId: 'm1', inspection: await inspectExports(['fixtures/samples/messy']), schema: live, mode: 'rehearsal', now: CREATED });
  });

  it('plans it as existing and maps the column to it as a field', () => {
    expect(plan(inWorkspace, 'person', 'kartraIp')).toMatchObject({ exists: true, type: 'TEXT' });
    expect(column(inWorkspace, 'leads:ip').destination).toEqual({ kind: 'field', object: 'person', field: 'kartraIp' });
  });

  it('refuses to rename or retype it, saying to change it in Twenty', () => {
    refuse(inWorkspace, { op: 'rename', object: 'person', field: 'kartraIp', name: 'ipAddress' }, [/person\.kartraIp already exists in Twenty/, /change it in Twenty's settings, or map the column elsewhere/], live);
    refuse(inWorkspace, { op: 'rename', object: 'person', field: 'kartraIp', label: 'IP' }, [/person\.kartraIp already exists in Twenty/], live);
    refuse(inWorkspace, { op: 'retype', object: 'person', field: 'kartraIp', type: 'LINKS' }, [/person\.kartraIp already exists in Twenty/, /change it in Twenty's settings/], live);
  });

  it('refuses to create a field of that name', () => {
    refuse(inWorkspace, { op: 'create', column: 'leads:notes', type: 'TEXT', name: 'kartraIp' }, [/person\.kartraIp already exists in Twenty \(TEXT\)/, /"map" edit/], live);
  });

  it('maps another column to it once it is free', () => {
    const skipped = accept(inWorkspace, { op: 'skip', column: 'leads:ip' }, live).document;
    const { document } = accept(skipped, { op: 'map', column: 'leads:notes', field: 'kartraIp' }, live);
    expect(column(document, 'leads:notes').destination).toEqual({ kind: 'field', object: 'person', field: 'kartraIp' });
  });
});

describe('transform', () => {
  it('refuses a date format on a column that does not hold dates', () => {
    refuse(doc, { op: 'transform', column: 'leads:bio', dateFormat: 'YYYY-MM-DD' }, [/leads:bio does not hold dates \(its values look like text\)/, /no date format/]);
  });

  it('refuses turning an ISO column into a slashed one', () => {
    expect(column(doc, 'leads:birthday').transforms.dateFormat).toBe('YYYY-MM-DD');
    refuse(doc, { op: 'transform', column: 'leads:birthday', dateFormat: 'MM/DD/YYYY' }, [/leads:birthday is written like YYYY-MM-DD/, /MM\/DD\/YYYY would not read its values/, /Only the day\/month order of slashed dates can be changed/]);
  });

  it('swaps the day/month order of a slashed column, keeping the time part', () => {
    const slashed = structuredClone(doc);
    column(slashed, 'leads:birthday').transforms.dateFormat = 'MM/DD/YYYY';
    column(slashed, 'leads:date_joined').transforms.dateFormat = 'MM/DD/YYYY HH:mm';
    const { document } = accept(slashed, { op: 'transform', column: 'leads:birthday', dateFormat: 'DD/MM/YYYY' });
    expect(column(document, 'leads:birthday').transforms.dateFormat).toBe('DD/MM/YYYY');
    refuse(slashed, { op: 'transform', column: 'leads:date_joined', dateFormat: 'DD/MM/YYYY' }, [/would not read its values/]);
    const timed = accept(slashed, { op: 'transform', column: 'leads:date_joined', dateFormat: 'DD/MM/YYYY HH:mm' }).document;
    expect(column(timed, 'leads:date_joined').transforms.dateFormat).toBe('DD/MM/YYYY HH:mm');
  });

  it('refuses an invalid time zone and accepts a valid one', () => {
    refuse(doc, { op: 'transform', column: 'leads:date_joined', timeZone: 'Mars/Olympus_Mons' }, [/"Mars\/Olympus_Mons" is not a time zone/, /use an IANA name such as America\/New_York/]);
    const { document, change } = accept(doc, { op: 'transform', column: 'leads:date_joined', timeZone: 'Europe/Paris' });
    expect(column(document, 'leads:date_joined').transforms).toEqual({ dateFormat: 'YYYY-MM-DD HH:mm:ss', timeZone: 'Europe/Paris', slashOrder: 'month-first' });
    expect(change).toMatch(/^leads:date_joined: .*timeZone Europe\/Paris$/);
  });

  it('refuses a time zone on a column without dates', () => {
    refuse(doc, { op: 'transform', column: 'leads:bio', timeZone: 'Europe/Paris' }, [/leads:bio does not hold dates, so it has no time zone/]);
  });

  it('sets a time zone on every dated column when no column is named', () => {
    const { document } = accept(doc, { op: 'transform', timeZone: 'Europe/London' });
    for (const id of ['leads:date_joined', 'leads:gdpr_lead_status_date', 'transactions:Date']) expect(column(document, id).transforms.timeZone).toBe('Europe/London');
    for (const c of document.columns.filter((x) => x.transforms.dateFormat === undefined)) expect(c.transforms.timeZone).toBeUndefined();
  });

  it("normalises phoneCountry 'gb' to 'GB' and applies it to the phone columns when no column is named", () => {
    const phones = doc.columns.filter((c) => c.destination.kind !== 'skip' && (c.destination.subfield === 'primaryPhoneNumber' || c.destination.subfield === 'additionalPhones'));
    expect(phones.map((c) => c.id)).toEqual(['leads:phone']);
    const { document, change } = accept(doc, { op: 'transform', phoneCountry: 'gb' });
    expect(column(document, 'leads:phone').transforms.phoneCountry).toBe('GB');
    expect(document.columns.filter((c) => c.transforms.phoneCountry !== undefined).map((c) => c.id)).toEqual(['leads:phone']);
    expect(change).toMatch(/^1 columns: .*phoneCountry GB$/);
  });

  it('sets phoneCountry on a named phone column and refuses it on another column', () => {
    const { document } = accept(doc, { op: 'transform', column: 'leads:phone', phoneCountry: ' fr ' });
    expect(column(document, 'leads:phone').transforms.phoneCountry).toBe('FR');
    refuse(doc, { op: 'transform', column: 'leads:bio', phoneCountry: 'GB' }, [/leads:bio does not go to a phone field/, /phone country does not apply/]);
  });

  it("refuses phoneCountry 'XX' and other non-codes", () => {
    for (const code of ['XX', 'GBR', '1']) refuse(doc, { op: 'transform', phoneCountry: code }, [new RegExp(`"${code}" is not a country code for phones`), /use two letters such as US, GB or FR/]);
  });

  it('sets a separator on a list column and refuses it on another column', () => {
    const { document } = accept(doc, { op: 'transform', column: 'leads:tags', separator: '|' });
    expect(column(document, 'leads:tags').transforms.separator).toBe('|');
    refuse(doc, { op: 'transform', column: 'leads:bio', separator: ';' }, [/leads:bio is not a list column/, /has no separator/]);
  });

  it('refuses a transform that sets nothing', () => {
    refuse(doc, { op: 'transform' }, [/Say what to set: dateFormat, timeZone, phoneCountry or separator/]);
    refuse(doc, { op: 'transform', column: 'leads:bio' }, [/Say what to set/]);
  });

  it('refuses a date format or a separator without a column', () => {
    refuse(doc, { op: 'transform', dateFormat: 'YYYY-MM-DD' }, [/A date format or a separator belongs to one column: name the column/]);
    refuse(doc, { op: 'transform', separator: ',' }, [/belongs to one column: name the column/]);
  });

  it('refuses a transform on a skipped column', () => {
    refuse(doc, { op: 'transform', column: 'transactions:Buyer_Phone', phoneCountry: 'US' }, [/transactions:Buyer_Phone is skipped/, /map it before setting/]);
  });

  it('refuses a date format that is not one the reader knows', () => {
    refuse(doc, { op: 'transform', column: 'leads:birthday', dateFormat: 'YYYYMMDD' }, [/The edit is not valid: dateFormat:/]);
  });
});

describe('invalid edits', () => {
  it('refuses an unknown op', () => {
    expect(mappingEditSchema.safeParse({ op: 'merge', column: 'leads:bio' }).success).toBe(false);
    refuse(doc, { op: 'merge', column: 'leads:bio' }, [/The edit is not valid: op:/]);
  });

  it('refuses unknown keys and missing ones', () => {
    refuse(doc, { op: 'map', column: 'leads:bio', field: 'jobTitle', force: true }, [/The edit is not valid/]);
    refuse(doc, { op: 'map', column: 'leads:bio' }, [/The edit is not valid: field:/]);
    refuse(doc, { op: 'rename', object: 'invoice', field: 'bio', label: 'x' }, [/The edit is not valid: object:/]);
    refuse(doc, null, [/The edit is not valid/]);
  });
});

describe('a sequence of edits', () => {
  it('keeps every document valid, numbers versions 2, 3, 4... and records each change', () => {
    const edits: MappingEdit[] = [
      { op: 'skip', column: 'leads:last_name', reason: 'we keep only first names' },
      { op: 'map', column: 'leads:last_name2', field: 'name', subfield: 'lastName' },
      { op: 'create', column: 'transactions:Buyer_State', type: 'SELECT', name: 'buyerState', label: 'Buyer state' },
      { op: 'rename', object: 'opportunity', field: 'buyerState', name: 'stateOfBuyer' },
      { op: 'retype', object: 'opportunity', field: 'stateOfBuyer', type: 'TEXT' },
      { op: 'transform', phoneCountry: 'us' },
      { op: 'transform', column: 'leads:date_joined', timeZone: 'America/Chicago' },
      { op: 'map', column: 'leads:bio', field: 'jobTitle' },
      { op: 'skip', column: 'leads:tags' },
    ];
    let current = doc;
    const versions: number[] = [];
    for (const edit of edits) {
      current = accept(current, edit).document;
      versions.push(current.version);
    }
    expect(versions).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(current.history.map((h) => h.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(doc.version).toBe(1);
    expect(doc.history).toHaveLength(1);
    expect(column(current, 'transactions:Buyer_State').destination).toEqual({ kind: 'new-field', object: 'opportunity', name: 'stateOfBuyer' });
    expect(plan(current, 'opportunity', 'stateOfBuyer')).toMatchObject({ type: 'TEXT', label: 'Buyer state' });
    expect(plan(current, 'opportunity', 'stateOfBuyer')?.options).toBeUndefined();
    expect(plan(current, 'person', 'bio')).toBeUndefined();
    expect(plan(current, 'person', 'lastName2')).toBeUndefined();
    expect(plan(current, 'person', 'kartraTags')).toBeUndefined();
    expect(column(current, 'leads:phone').transforms.phoneCountry).toBe('US');
    // a refused edit in the middle leaves the document where it was
    refuse(current, { op: 'rename', object: 'person', field: 'kartraLeadId', name: 'leadId' }, [/cannot be renamed/]);
    expect(accept(current, { op: 'skip', column: 'leads:bio' }).document.version).toBe(11);
  });
});

describe('value checks on composite parts, fields shared across exports, choice options', () => {
  it('refuses text values into an EMAILS part, and creating an EMAILS or CURRENCY field from text', () => {
    refuse(doc, { op: 'map', column: 'leads:bio', field: 'emails', subfield: 'additionalEmails' }, [/leads:bio holds text values/]);
    refuse(doc, { op: 'create', column: 'leads:middle_name', type: 'EMAILS', name: 'middleEmail' }, [/holds text values/]);
    refuse(doc, { op: 'create', column: 'transactions:Buyer_Name', type: 'CURRENCY', name: 'buyerMoney' }, [/holds text values/]);
  });

  it('retypes a field that two exports fill with one column each', () => {
    const { document } = accept(doc, { op: 'retype', object: 'opportunity', field: 'pricePoint', type: 'NUMBER' });
    expect(plan(document, 'opportunity', 'pricePoint')?.type).toBe('NUMBER');
  });

  it('refuses a composite retype that would put several columns on one part', () => {
    const three = accept(accept(doc, { op: 'skip', column: 'leads:address' }).document, { op: 'skip', column: 'leads:country' }).document;
    refuse(three, { op: 'retype', object: 'person', field: 'address', type: 'LINKS' }, [/no separate part for each of city, zip, state/]);
    refuse(doc, { op: 'retype', object: 'person', field: 'address', type: 'EMAILS' }, [/no separate part/]);
  });

  it('adds the values of a column mapped to a planned SELECT to its options', () => {
    const { document } = accept(doc, { op: 'map', column: 'subscriptions:Recurrence_Term', field: 'transactionType' });
    const sources = new Set(plan(document, 'opportunity', 'transactionType')!.options!.flatMap((o) => o.sources));
    for (const v of column(doc, 'subscriptions:Recurrence_Term').profile.values!) expect(sources.has(v)).toBe(true);
  });

  it('says in the history exactly what a transform set', () => {
    expect(accept(doc, { op: 'transform', column: 'leads:date_joined', timeZone: 'Europe/Paris' }).change).toBe('leads:date_joined: timeZone Europe/Paris');
  });
});

describe('notes', () => {
  it("sends Kartra's notes column to notes on the person, and lets any text column become a note of its own", () => {
    expect(column(doc, 'leads:notes').destination).toEqual({ kind: 'field', object: 'person', field: 'noteTargets' });
    const { document } = accept(doc, { op: 'map', column: 'leads:bio', field: 'noteTargets' });
    expect(column(document, 'leads:bio').destination).toEqual({ kind: 'field', object: 'person', field: 'noteTargets' });
    expect(plan(document, 'person', 'bio')).toBeUndefined();
    refuse(doc, { op: 'map', column: 'leads:bio', field: 'noteTargets', subfield: 'title' }, [/notes have no parts/]);
  });
});

