import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectExports, type Inspection } from '../../src/kartra/inspect.js';
import { buildMapping, datasetColumns, OBJECT_OF_DATASET, schemaFingerprint } from '../../src/mapping/build.js';
import {
  describeDestination,
  mappingDocumentSchema,
  mappingJsonSchema,
  SEPARATORS,
  type Destination,
  type MappingColumn,
  type MappingDocument,
  type PlannedCustomField,
} from '../../src/mapping/document.js';
import { GDPR_STATUS_MEANINGS } from '../../src/mapping/kartra-decisions.js';
import { optionProblem } from '../../src/mapping/options.js';
import { TIERS } from '../../src/mapping/score.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { createTwentyClient, type TwentyClient } from '../../src/twenty/index.js';
import { TwentySchema, type SelectOption, type TwentyField } from '../../src/twenty/schema.js';

const CAMEL = /^[a-z][A-Za-z0-9]*$/;
const UPPER_SNAKE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;
const NOW = new Date('2026-06-09T12:00:00Z');

let sandbox: SandboxHandle;
let client: TwentyClient;
let schema: TwentySchema;
let messy: Inspection;
let doc: MappingDocument;
let kinds: Inspection;
let kindsDoc: MappingDocument;
let tmp: string;

/** A lead export with one column of each of Kartra's custom field kinds, and awkward headers. */
async function writeCustomFieldKinds(dir: string): Promise<void> {
  const header = [
    'id', 'first_name', 'last_name', 'email',
    'wants_newsletter', 'preferred_contact', 'business_type', 'interests', 'bio',
    '2024 goals', 'What is the single biggest challenge you face in growing your business this year?', 'Intérêts ✨',
  ];
  const yesNo = ['Yes', 'No'];
  const radio = ['Email', 'Phone', 'SMS'];
  const dropDown = ['Coach', 'Agency', 'Author', 'Consultant'];
  const checkboxes = ['Sales;Travel', 'Mindset', 'Sales;Finance;Travel', ''];
  const bios = [
    'Loves hiking in the mountains.',
    'Runs a bakery downtown since 2010.',
    'Former teacher turned coach.',
    'Writes fantasy novels at night.',
    'Helps agencies scale their outreach.',
    'Collects vintage cameras and lenses.',
  ];
  const lines = [header.join(',')];
  for (let i = 0; i < 24; i++) {
    lines.push([
      20490000 + i, `Ann${i}`, ['Lee', 'Kim', 'Park'][i % 3], `ann${i}@example.com`,
      yesNo[i % 2], radio[i % 3], dropDown[i % 4], checkboxes[i % 4], `${bios[i % 6]} Member ${i}.`,
      `Goal number ${i} is growth`, `Challenge ${i}`, ['Yoga', 'Vélo', 'Cuisine'][i % 3],
    ].join(','));
  }
  await writeFile(join(dir, 'contacts_kartra_09-06-2026_custom01.csv'), `${lines.join('\n')}\n`);
  // A subscriptions report with one more column, whose runner-up is a new field: on the opportunity, not the person.
  const subscriptions = (await readFile('fixtures/samples/messy/subscriptions_09-06-2026_6a2804f38ee80.csv', 'utf8')).split('\n').filter(Boolean).slice(0, 13);
  const withStage = subscriptions.map((l, i) => `${l},${i === 0 ? 'Stage / Tags' : ['Won', 'Lost', 'Open'][i % 3]}`);
  await writeFile(join(dir, 'subscriptions_09-06-2026_custom02.csv'), `${withStage.join('\n')}\n`);
}

beforeAll(async () => {
  sandbox = await startSandbox({ profile: 'v2', apiKey: 'sandbox-key-1', rateLimit: false });
  client = createTwentyClient({ baseUrl: sandbox.url, apiKey: 'sandbox-key-1' });
  schema = await client.schema();
  messy = await inspectExports(['fixtures/samples/messy']);
  doc = buildMapping({ migrationId: 'mig-messy', inspection: messy, schema, mode: 'rehearsal', now: NOW });
  tmp = await mkdtemp(join(tmpdir(), 'mapping-build-'));
  await writeCustomFieldKinds(tmp);
  kinds = await inspectExports([tmp]);
  kindsDoc = buildMapping({ migrationId: 'mig-kinds', inspection: kinds, schema, mode: 'rehearsal', now: NOW });
});

afterAll(async () => {
  await client?.close();
  await sandbox?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------------------------
// Helpers

function columnOf(d: MappingDocument, id: string): MappingColumn {
  const column = d.columns.find((c) => c.id === id);
  if (!column) throw new Error(`no column ${id} in ${d.columns.map((c) => c.id).join(', ')}`);
  return column;
}

function plannedOf(d: MappingDocument, object: string, name: string): PlannedCustomField {
  const planned = d.customFields.filter((f) => f.object === object && f.name === name);
  expect(planned, `${object}.${name} planned once`).toHaveLength(1);
  return planned[0]!;
}

/** The planned custom field a column's destination names. */
function plannedFor(d: MappingDocument, column: MappingColumn): PlannedCustomField {
  const dest = column.destination;
  if (dest.kind === 'skip') throw new Error(`${column.id} is skipped`);
  return plannedOf(d, dest.object, dest.kind === 'field' ? dest.field : dest.name);
}

const nameOf = (d: Destination): string | undefined => (d.kind === 'field' ? d.field : d.kind === 'new-field' ? d.name : undefined);

/** A field as the metadata API would describe a custom field. */
function customField(objectId: string, spec: { name: string; type: string; label?: string; isUnique?: boolean; options?: SelectOption[] }): TwentyField {
  return {
    id: `test-${objectId}-${spec.name}`,
    objectId,
    name: spec.name,
    label: spec.label ?? spec.name,
    type: spec.type,
    isCustom: true,
    isActive: true,
    isSystem: false,
    isNullable: true,
    isUnique: spec.isUnique ?? false,
    options: spec.options,
    relation: undefined,
    joinColumnName: undefined,
    defaultValue: null,
    settings: null,
  };
}

/** A copy of a schema with more fields on some objects (the original is left as it is). */
function withFields(base: TwentySchema, add: Record<string, Parameters<typeof customField>[1][]>, fetchedAt = base.fetchedAt): TwentySchema {
  return new TwentySchema(
    base.objects.map((o) => {
      const more = add[o.nameSingular];
      return more === undefined ? o : { ...o, fields: [...o.fields, ...more.map((spec) => customField(o.id, spec))] };
    }),
    fetchedAt,
  );
}

/** The workspace after a migration created every custom field its document planned. */
function afterCreating(base: TwentySchema, planned: readonly PlannedCustomField[], drop: (f: PlannedCustomField, o: SelectOption) => boolean = () => false): TwentySchema {
  const add: Record<string, Parameters<typeof customField>[1][]> = {};
  for (const f of planned) {
    const options = f.options?.filter((o) => !drop(f, o)).map((o, position) => ({ value: o.value, label: o.label, color: o.color, position }));
    (add[f.object] ??= []).push({ name: f.name, type: f.type, label: f.label, isUnique: f.isUnique, ...(options === undefined ? {} : { options }) });
  }
  return withFields(base, add);
}

/** Every option obeys Twenty's rules, and none is there twice. */
/**
 * Chunk files of one export may split lists differently (the messy set has ';' and ',' files): every item of every
 * file, split by that file's own separator, has an option, and the document sets one separator only when all agree.
 */
function expectEveryFileItemPlanned(id: string, header: string): void {
  const column = columnOf(doc, id);
  const field = plannedFor(doc, column);
  const leads = messy.datasets.find((d) => d.kind === 'leads')!;
  const profiles = messy.files.filter((f) => leads.files.includes(f.name)).map((f) => f.columns.find((c) => c.name === header)!);
  const separators = new Set(profiles.map((p) => p.separator).filter(Boolean));
  if (separators.size > 1) expect(column.transforms.separator).toBeUndefined();
  else expect(SEPARATORS).toContain(column.transforms.separator);
  for (const profile of profiles) {
    for (const cell of profile.samples.filter((s) => s.length < 80)) {
      for (const item of cell.split(profile.separator ?? ',').map((s) => s.trim()).filter(Boolean)) {
        expect(field.options!.some((o) => o.sources.includes(item)), `${header} item '${item}' (file separator '${profile.separator}')`).toBe(true);
      }
    }
  }
}

function expectValidOptions(field: PlannedCustomField): void {
  const options = field.options ?? [];
  for (const o of options) {
    expect(o.value).toMatch(UPPER_SNAKE);
    expect(o.value.length).toBeLessThanOrEqual(63);
    expect(optionProblem(o), `${field.name}: ${o.value}`).toBeNull();
  }
  expect(new Set(options.map((o) => o.value)).size).toBe(options.length);
  expect(new Set(options.map((o) => o.label.toLowerCase())).size).toBe(options.length);
}

/** The options are the column's values: each value in exactly one option's sources, nothing else. */
function expectOptionsFromValues(field: PlannedCustomField, values: readonly string[]): void {
  const options = field.options ?? [];
  expect(values.length).toBeGreaterThan(0);
  for (const v of values) {
    if (v.trim() === '') continue;
    expect(options.filter((o) => o.sources.includes(v.trim())), `'${v}' in ${field.name}`).toHaveLength(1);
  }
  for (const s of options.flatMap((o) => o.sources)) expect(values.map((v) => v.trim())).toContain(s);
}

// ---------------------------------------------------------------------------------------------------------------

describe('the mapping document', () => {
  it('validates against mappingDocumentSchema, also after a JSON round trip', () => {
    expect(mappingDocumentSchema.safeParse(doc).error).toBeUndefined();
    expect(mappingDocumentSchema.parse(JSON.parse(JSON.stringify(doc)))).toEqual(doc);
    expect(mappingDocumentSchema.safeParse(kindsDoc).error).toBeUndefined();
  });

  it('is version 1 of a proposal, read against the schema it names', () => {
    expect(doc).toMatchObject({
      format: 'kartra-twenty-mapping',
      formatVersion: 1,
      migrationId: 'mig-messy',
      version: 1,
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
      twenty: { mode: 'rehearsal', schemaHash: schemaFingerprint(schema), schemaReadAt: new Date(schema.fetchedAt).toISOString() },
      history: [{ version: 1, at: NOW.toISOString(), change: 'proposed' }],
    });
  });

  it('lists every dataset with the object its rows become and its files', () => {
    expect(doc.datasets.map((d) => [d.kind, d.object])).toEqual([
      ['leads', 'person'],
      ['transactions', 'opportunity'],
      ['subscriptions', 'opportunity'],
    ]);
    for (const d of doc.datasets) expect(d.object).toBe(OBJECT_OF_DATASET[d.kind]);
    expect(doc.datasets[0]!.files).toHaveLength(3);
    const rows = Object.fromEntries(messy.files.map((f) => [f.name, f.rows]));
    for (const file of doc.datasets.flatMap((d) => d.files)) {
      expect(file.rows).toBe(rows[file.name]);
      expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    for (const c of doc.columns) expect(c.object).toBe(OBJECT_OF_DATASET[c.dataset]);
  });

  it('has one column per header of each dataset, chunk files merged, ids unique', () => {
    const leads = messy.datasets.find((d) => d.kind === 'leads')!;
    const headers = new Set(messy.files.filter((f) => leads.files.includes(f.name)).flatMap((f) => f.columns.map((c) => c.name)));
    expect(doc.columns.filter((c) => c.dataset === 'leads').map((c) => c.header)).toEqual([...headers]);
    expect(datasetColumns(messy, leads).map((c) => c.header)).toEqual([...headers]);
    const ids = doc.columns.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of doc.columns) expect(c.id).toBe(`${c.dataset}:${c.header}`);
  });

  it('has a JSON Schema (draft 2020-12) naming the document’s top-level properties', () => {
    const json = mappingJsonSchema();
    expect(json.type).toBe('object');
    expect(String(json.$schema)).toContain('2020-12');
    const properties = json.properties as Record<string, unknown>;
    for (const key of Object.keys(mappingDocumentSchema.shape)) expect(properties).toHaveProperty(key);
    expect(json.required).toEqual(expect.arrayContaining(['format', 'formatVersion', 'migrationId', 'version', 'columns', 'customFields', 'datasets', 'twenty', 'history']));
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('describes destinations for a table', () => {
    expect(describeDestination(columnOf(doc, 'leads:phone_country_code').destination)).toBe('person.phones.primaryPhoneCallingCode');
    expect(describeDestination(columnOf(doc, 'leads:city').destination)).toBe('person.address.addressCity (new)');
    expect(describeDestination(columnOf(doc, 'leads:id').destination)).toBe('person.kartraLeadId (new)');
    expect(describeDestination(columnOf(doc, 'leads:lead_picture').destination)).toBe('skip');
  });
});

describe('Kartra decisions', () => {
  it('maps the phone calling code and the email to the person’s composite fields', () => {
    expect(columnOf(doc, 'leads:phone_country_code').destination).toEqual({ kind: 'field', object: 'person', field: 'phones', subfield: 'primaryPhoneCallingCode' });
    expect(columnOf(doc, 'leads:phone').destination).toEqual({ kind: 'field', object: 'person', field: 'phones', subfield: 'primaryPhoneNumber' });
    expect(columnOf(doc, 'leads:email').destination).toEqual({ kind: 'field', object: 'person', field: 'emails', subfield: 'primaryEmail' });
    expect(columnOf(doc, 'leads:email').tier).toBe('exact');
  });

  it('puts date_joined into createdAt, read in US-Eastern time', () => {
    const joined = columnOf(doc, 'leads:date_joined');
    expect(joined.destination).toEqual({ kind: 'field', object: 'person', field: 'createdAt' });
    // A few join dates a US spreadsheet rewrote as m/d/yyyy: read month first, as the reader decided for the column.
    expect(joined.transforms).toEqual({ dateFormat: 'YYYY-MM-DD HH:mm:ss', timeZone: 'America/New_York', slashOrder: 'month-first' });
  });

  it('keeps the lead id in a new unique TEXT field kartraLeadId', () => {
    const id = columnOf(doc, 'leads:id');
    expect(id.destination).toEqual({ kind: 'new-field', object: 'person', name: 'kartraLeadId' });
    expect(plannedOf(doc, 'person', 'kartraLeadId')).toMatchObject({ type: 'TEXT', isUnique: true, exists: false, label: 'Kartra lead ID' });
    // The key of each export's records, and the companies' key: the only unique fields.
    expect(doc.customFields.filter((f) => f.isUnique).map((f) => `${f.object}.${f.name}`).sort()).toEqual([
      'company.kartraCompanyKey',
      'opportunity.kartraSubscriptionId',
      'opportunity.kartraTransactionId',
      'person.kartraLeadId',
    ]);
    // A payment's subscription id is not unique (a subscription has many payments): it has a field of its own.
    expect(columnOf(doc, 'transactions:subscription_id').destination).toEqual({ kind: 'new-field', object: 'opportunity', name: 'paymentSubscriptionId' });
  });

  it.each([
    ['tags', 'kartraTags'],
    ['lists', 'kartraLists'],
  ])('maps %s to a MULTI_SELECT %s with an option for every value seen, whichever separator each file uses', (header, name) => {
    const column = columnOf(doc, `leads:${header}`);
    expect(column.destination).toEqual({ kind: 'new-field', object: 'person', name });
    const field = plannedOf(doc, 'person', name);
    expect(field.type).toBe('MULTI_SELECT');
    expect(field.options!.length).toBeGreaterThanOrEqual(5);
    expectValidOptions(field);
    expect(column.profile.values).toBeDefined();
    expectOptionsFromValues(field, column.profile.values!);
    expectEveryFileItemPlanned(`leads:${header}`, header);
  });

  it('turns the GDPR status codes into a SELECT gdprLeadStatus labelled with their meanings', () => {
    const column = columnOf(doc, 'leads:gdpr_lead_status');
    expect(column.destination).toEqual({ kind: 'new-field', object: 'person', name: 'gdprLeadStatus' });
    const field = plannedOf(doc, 'person', 'gdprLeadStatus');
    expect(field.type).toBe('SELECT');
    expect(field.options!.map((o) => o.label)).toEqual(['GDPR off', 'Not subject to GDPR', 'Accepted', 'Not accepted', 'Unknown', 'Pending']);
    expect(field.options!.map((o) => o.sources)).toEqual([['0'], ['1'], ['2'], ['3'], ['4'], ['5']]);
    expect(field.options!.map((o) => o.label)).toEqual(GDPR_STATUS_MEANINGS.map(([, label]) => label));
    expectValidOptions(field);
    // Every code the export holds has its option.
    for (const code of column.profile.values ?? column.profile.samples) expect(['0', '1', '2', '3', '4', '5']).toContain(code);
  });

  it.each([
    ['score', 'kartraScore', 'NUMBER'],
    ['source', 'kartraSource', 'SELECT'],
    ['blacklisted', 'kartraBlacklisted', 'BOOLEAN'],
    ['lead_deleted', 'kartraLeadDeleted', 'BOOLEAN'],
    ['gdpr_lead_status_date', 'gdprLeadStatusDate', 'DATE_TIME'],
  ])('maps %s to %s of type %s', (header, name, type) => {
    const column = columnOf(doc, `leads:${header}`);
    expect(column.tier).toBe('exact');
    expect(column.destination).toEqual({ kind: 'new-field', object: 'person', name });
    const field = plannedOf(doc, 'person', name);
    expect(field.type).toBe(type);
    if (type === 'SELECT') {
      expectValidOptions(field);
      expectOptionsFromValues(field, column.profile.values!);
    } else {
      expect(field.options).toBeUndefined();
    }
  });

  it('fills one ADDRESS field from address, city, zip, state and country, each its own part', () => {
    const parts = ['address', 'city', 'zip', 'state', 'country'].map((h) => columnOf(doc, `leads:${h}`).destination);
    expect(parts).toEqual([
      { kind: 'new-field', object: 'person', name: 'address', subfield: 'addressStreet1' },
      { kind: 'new-field', object: 'person', name: 'address', subfield: 'addressCity' },
      { kind: 'new-field', object: 'person', name: 'address', subfield: 'addressPostcode' },
      { kind: 'new-field', object: 'person', name: 'address', subfield: 'addressState' },
      { kind: 'new-field', object: 'person', name: 'address', subfield: 'addressCountry' },
    ]);
    expect(doc.customFields.filter((f) => f.type === 'ADDRESS')).toEqual([expect.objectContaining({ object: 'person', name: 'address', exists: false })]);
  });

  it('writes the country column as a country name; the other address parts get no country transform', () => {
    expect(columnOf(doc, 'leads:country').transforms.country).toBe('name');
    for (const h of ['address', 'city', 'zip', 'state']) expect(columnOf(doc, `leads:${h}`).transforms.country).toBeUndefined();
  });

  it('skips the Kartra-hosted picture and says why', () => {
    const picture = columnOf(doc, 'leads:lead_picture');
    expect(picture.destination.kind).toBe('skip');
    expect(picture.reason).toMatch(/picture/);
  });

  it('maps the transaction columns onto the opportunity', () => {
    expect(columnOf(doc, 'transactions:Amount (USD)').destination).toEqual({ kind: 'field', object: 'opportunity', field: 'amount', subfield: 'amountMicros' });
    expect(columnOf(doc, 'transactions:Buyer_Email').destination).toEqual({ kind: 'field', object: 'opportunity', field: 'pointOfContact' });
    const date = columnOf(doc, 'transactions:Date');
    expect(date.destination).toEqual({ kind: 'field', object: 'opportunity', field: 'closeDate' });
    expect(date.transforms).toMatchObject({ dateFormat: 'YYYY-MM-DD HH:mm:ss', timeZone: 'America/New_York' });
    expect(columnOf(doc, 'transactions:ID').destination).toEqual({ kind: 'new-field', object: 'opportunity', name: 'kartraTransactionId' });
    expect(plannedOf(doc, 'opportunity', 'kartraTransactionId')).toMatchObject({ type: 'TEXT', isUnique: true, label: 'Kartra transaction ID' });
    expect(columnOf(doc, 'transactions:Buyer_Phone').destination.kind).toBe('skip');
  });

  it('lets subscription columns share the transaction fields: kartraLeadId and processor planned once on the opportunity', () => {
    const leadIds = [columnOf(doc, 'transactions:lead_id'), columnOf(doc, 'subscriptions:Lead ID')];
    for (const c of leadIds) expect(c.destination).toEqual({ kind: 'new-field', object: 'opportunity', name: 'kartraLeadId' });
    // Not unique on opportunities: a lead buys many times.
    expect(plannedOf(doc, 'opportunity', 'kartraLeadId')).toMatchObject({ type: 'TEXT', isUnique: false });

    const processors = [columnOf(doc, 'transactions:Processor'), columnOf(doc, 'subscriptions:Processor')];
    for (const c of processors) expect(c.destination).toEqual({ kind: 'new-field', object: 'opportunity', name: 'processor' });
    const processor = plannedOf(doc, 'opportunity', 'processor');
    expect(processor.type).toBe('SELECT');
    expectValidOptions(processor);
    expectOptionsFromValues(processor, [...new Set(processors.flatMap((c) => c.profile.values!))]);

    // The report's Subscription ID is its records' key; a payment's subscription id is a reference kept apart.
    expect(columnOf(doc, 'subscriptions:Subscription ID').destination).toEqual({ kind: 'new-field', object: 'opportunity', name: 'kartraSubscriptionId' });
    expect(columnOf(doc, 'transactions:subscription_id').destination).toEqual({ kind: 'new-field', object: 'opportunity', name: 'paymentSubscriptionId' });
    expect(columnOf(doc, 'subscriptions:Buyer Email').destination).toEqual({ kind: 'field', object: 'opportunity', field: 'pointOfContact' });
    expect(plannedOf(doc, 'opportunity', 'subscriptionStatus').type).toBe('SELECT');
  });

  it('plans every custom field once per object, with a label and a description naming its column', () => {
    const keys = doc.customFields.map((f) => `${f.object}.${f.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    const forImport = ['company.kartraCompanyKey', 'person.kartraPhoneAsWritten'];
    for (const f of doc.customFields) {
      expect(f.label.length).toBeGreaterThan(0);
      expect(f.label.length).toBeLessThanOrEqual(63);
      if (!forImport.includes(`${f.object}.${f.name}`)) expect(f.description).toMatch(/^From the Kartra \S+ export, column "/);
      expect(f.exists).toBe(false);
      expectValidOptions(f);
      if (f.type === 'SELECT' || f.type === 'MULTI_SELECT') expect(f.options!.length).toBeGreaterThan(0);
      else expect(f.options).toBeUndefined();
    }
    // Every new-field destination is planned, and every planned field is some column's destination, or one the import
    // needs: the companies' key (people link to companies) and the field keeping phones that are not valid numbers.
    const used = new Set(doc.columns.flatMap((c) => (c.destination.kind === 'new-field' ? [`${c.destination.object}.${c.destination.name}`] : [])));
    expect([...used, ...forImport].sort()).toEqual([...keys].sort());
  });
});

describe('custom fields from Kartra’s five kinds', () => {
  it('a drop-down (business_type) becomes a SELECT with its values as options', () => {
    for (const d of [doc, kindsDoc]) {
      const column = columnOf(d, 'leads:business_type');
      const field = plannedFor(d, column);
      expect(field.type).toBe('SELECT');
      expectValidOptions(field);
      expectOptionsFromValues(field, column.profile.values!);
    }
    expect(plannedOf(kindsDoc, 'person', 'businessType').options!.map((o) => o.value)).toEqual(['COACH', 'AGENCY', 'AUTHOR', 'CONSULTANT']);
  });

  it('radio buttons (preferred_contact) become a SELECT', () => {
    const field = plannedFor(kindsDoc, columnOf(kindsDoc, 'leads:preferred_contact'));
    expect(field.type).toBe('SELECT');
    expect(field.options!.map((o) => [o.value, o.label])).toEqual([['EMAIL', 'Email'], ['PHONE', 'Phone'], ['SMS', 'SMS']]);
  });

  it('a checkbox list (interests) becomes a MULTI_SELECT with the items as options and a separator', () => {
    for (const d of [doc, kindsDoc]) {
      const column = columnOf(d, 'leads:interests');
      const field = plannedFor(d, column);
      expect(field.type).toBe('MULTI_SELECT');
      expectValidOptions(field);
      expectOptionsFromValues(field, column.profile.values!);
    }
    expectEveryFileItemPlanned('leads:interests', 'interests');
    expect(columnOf(kindsDoc, 'leads:interests').transforms.separator).toBe(';');
    expect(plannedOf(kindsDoc, 'person', 'interests').options!.map((o) => o.value)).toEqual(['SALES', 'TRAVEL', 'MINDSET', 'FINANCE']);
  });

  it('a yes/no checkbox becomes a BOOLEAN', () => {
    const column = columnOf(kindsDoc, 'leads:wants_newsletter');
    expect(column.profile.valueType).toBe('boolean');
    const field = plannedFor(kindsDoc, column);
    expect(field).toMatchObject({ type: 'BOOLEAN', name: 'wantsNewsletter', exists: false });
    expect(field.options).toBeUndefined();
    expect(column.reason).toMatch(/yes\/no/);
  });

  it('free text (bio) becomes TEXT', () => {
    for (const d of [doc, kindsDoc]) {
      const field = plannedFor(d, columnOf(d, 'leads:bio'));
      expect(field).toMatchObject({ type: 'TEXT', name: 'bio' });
      expect(field.options).toBeUndefined();
    }
  });

  it('labels planned fields readably from their headers', () => {
    expect(plannedOf(kindsDoc, 'person', 'businessType').label).toBe('Business type');
    expect(plannedOf(kindsDoc, 'person', 'wantsNewsletter').label).toBe('Wants newsletter');
  });
});

describe('names', () => {
  const allNames = (d: MappingDocument): string[] => [
    ...d.customFields.map((f) => f.name),
    ...d.columns.flatMap((c) => [c.destination, ...c.alternatives.map((a) => a.destination)].map(nameOf).filter((n): n is string => n !== undefined)),
  ];

  it('are camelCase and at most 63 characters, awkward headers included', () => {
    for (const d of [doc, kindsDoc]) {
      for (const name of allNames(d)) {
        expect(name).toMatch(CAMEL);
        expect(name.length).toBeLessThanOrEqual(63);
      }
    }
    const goals = nameOf(columnOf(kindsDoc, 'leads:2024 goals').destination)!;
    expect(goals).toMatch(/^[a-z]/);
    expect(goals.toLowerCase()).toContain('2024');
    const long = nameOf(columnOf(kindsDoc, 'leads:What is the single biggest challenge you face in growing your business this year?').destination)!;
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long.startsWith('whatIsTheSingleBiggestChallenge')).toBe(true);
    for (const f of kindsDoc.customFields) expect(f.label.length).toBeLessThanOrEqual(63);
  });

  it('a planned name taken by a field of another type gets a free name, and the reason says so', () => {
    const taken = withFields(schema, { person: [{ name: 'kartraTags', type: 'NUMBER', label: 'Tag count' }, { name: 'kartraTags2', type: 'TEXT' }] });
    const d = buildMapping({ migrationId: 'm', inspection: messy, schema: taken, mode: 'rehearsal', now: NOW });
    expect(mappingDocumentSchema.safeParse(d).error).toBeUndefined();
    const tags = columnOf(d, 'leads:tags');
    expect(tags.destination.kind).toBe('new-field');
    const name = nameOf(tags.destination)!;
    expect(name).not.toBe('kartraTags');
    expect(name).toMatch(CAMEL);
    expect(taken.field('person', name)).toBeUndefined();
    expect(tags.reason).toContain("'kartraTags' is taken by a NUMBER field");
    expect(tags.reason).toContain(`'${name}'`);
    expect(plannedOf(d, 'person', name)).toMatchObject({ type: 'MULTI_SELECT', exists: false, label: expect.any(String) });
    expect(d.customFields.some((f) => f.object === 'person' && f.name === 'kartraTags')).toBe(false);
    // The same name on another object is no conflict.
    expect(columnOf(d, 'leads:lists').destination).toEqual({ kind: 'new-field', object: 'person', name: 'kartraLists' });
  });

  it('a name taken on person leaves the same name on opportunity alone', () => {
    const taken = withFields(schema, { person: [{ name: 'kartraLeadId', type: 'NUMBER' }] });
    const d = buildMapping({ migrationId: 'm', inspection: messy, schema: taken, mode: 'rehearsal', now: NOW });
    const personId = columnOf(d, 'leads:id');
    expect(nameOf(personId.destination)).not.toBe('kartraLeadId');
    expect(personId.reason).toMatch(/'kartraLeadId' is taken by a NUMBER field/);
    expect(columnOf(d, 'transactions:lead_id').destination).toEqual({ kind: 'new-field', object: 'opportunity', name: 'kartraLeadId' });
  });

  it('a planned name taken by a field of the same type is reused, as on a re-run', () => {
    const rerun = afterCreating(schema, doc.customFields);
    const again = buildMapping({ migrationId: 'mig-messy', inspection: messy, schema: rerun, mode: 'rehearsal', now: NOW });
    expect(mappingDocumentSchema.safeParse(again).error).toBeUndefined();
    // Every column goes where it went, now to a field of the workspace; nothing new is planned.
    for (const before of doc.columns) {
      const after = columnOf(again, before.id);
      expect(describeDestination(after.destination), before.id).toBe(describeDestination(before.destination).replace(/ \(new\)$/, ''));
      expect(after.destination.kind).not.toBe('new-field');
      expect(after.transforms, before.id).toEqual(before.transforms);
    }
    expect(again.customFields.length).toBeGreaterThan(0);
    for (const f of again.customFields) expect(f.exists, f.name).toBe(true);

    expect(columnOf(again, 'leads:id').destination).toEqual({ kind: 'field', object: 'person', field: 'kartraLeadId' });
    expect(plannedOf(again, 'person', 'kartraLeadId')).toMatchObject({ exists: true, isUnique: true, type: 'TEXT' });
    expect(columnOf(again, 'leads:tags').destination).toEqual({ kind: 'field', object: 'person', field: 'kartraTags' });
    expect(columnOf(again, 'leads:city').destination).toEqual({ kind: 'field', object: 'person', field: 'address', subfield: 'addressCity' });
    // The options already there are reused as they are.
    const tags = plannedOf(again, 'person', 'kartraTags');
    expect(tags.exists).toBe(true);
    expect(tags.options!.map((o) => [o.value, o.label, o.color])).toEqual(plannedOf(doc, 'person', 'kartraTags').options!.map((o) => [o.value, o.label, o.color]));
  });

  it('a re-run against a field missing some options adds only those, after the existing ones', () => {
    const missing = new Set(['VIP', 'WORKSHOP']);
    const rerun = afterCreating(schema, doc.customFields, (f, o) => f.name === 'kartraTags' && missing.has(o.value));
    const again = buildMapping({ migrationId: 'mig-messy', inspection: messy, schema: rerun, mode: 'rehearsal', now: NOW });
    const before = plannedOf(doc, 'person', 'kartraTags').options!.map((o) => o.value);
    const existing = before.filter((v) => !missing.has(v));
    const tags = plannedOf(again, 'person', 'kartraTags');
    expect(tags.exists).toBe(true);
    expect(tags.options!.map((o) => o.value)).toEqual([...existing, ...before.filter((v) => missing.has(v))]);
    expectValidOptions(tags);
    expectOptionsFromValues(tags, columnOf(again, 'leads:tags').profile.values!);
  });
});

describe('schemaFingerprint', () => {
  it('is stable for the same data model, whenever it was read', async () => {
    const fingerprint = schemaFingerprint(schema);
    expect(fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(schemaFingerprint(new TwentySchema([...schema.objects], schema.fetchedAt + 60_000))).toBe(fingerprint);
    expect(schemaFingerprint(await client.schema({ refresh: true }))).toBe(fingerprint);
    expect(schemaFingerprint(withFields(schema, {}))).toBe(fingerprint);
  });

  it('changes when a field is added', () => {
    const fingerprint = schemaFingerprint(schema);
    const more = schemaFingerprint(withFields(schema, { person: [{ name: 'favouriteColour', type: 'TEXT' }] }));
    expect(more).not.toBe(fingerprint);
    expect(schemaFingerprint(withFields(schema, { opportunity: [{ name: 'favouriteColour', type: 'TEXT' }] }))).not.toBe(more);
    expect(schemaFingerprint(withFields(schema, { person: [{ name: 'favouriteColour', type: 'NUMBER' }] }))).not.toBe(more);
  });

  it('changes when a select field gains an option', () => {
    const one = withFields(schema, { person: [{ name: 'tier', type: 'SELECT', options: [{ value: 'GOLD', label: 'Gold' }] }] });
    const two = withFields(schema, { person: [{ name: 'tier', type: 'SELECT', options: [{ value: 'GOLD', label: 'Gold' }, { value: 'SILVER', label: 'Silver' }] }] });
    expect(schemaFingerprint(one)).not.toBe(schemaFingerprint(two));
  });

  it('is what the document records, and a mapping against another workspace records another', () => {
    const more = withFields(schema, { person: [{ name: 'favouriteColour', type: 'TEXT' }] });
    const d = buildMapping({ migrationId: 'm', inspection: messy, schema: more, mode: 'live', now: NOW });
    expect(d.twenty.schemaHash).toBe(schemaFingerprint(more));
    expect(d.twenty.schemaHash).not.toBe(doc.twenty.schemaHash);
    expect(d.twenty.mode).toBe('live');
  });
});

describe('every column', () => {
  it('has a reason, a tier, at most 3 alternatives and at most 5 samples', () => {
    for (const d of [doc, kindsDoc]) {
      expect(d.columns.length).toBeGreaterThan(0);
      for (const c of d.columns) {
        expect(c.reason.trim(), c.id).not.toBe('');
        expect(TIERS).toContain(c.tier);
        expect(c.alternatives.length, c.id).toBeLessThanOrEqual(3);
        expect(c.profile.samples.length, c.id).toBeLessThanOrEqual(5);
        expect(c.edited).toBe(false);
        expect(c.profile.fillRate).toBeGreaterThanOrEqual(0);
        expect(c.profile.fillRate).toBeLessThanOrEqual(1);
        if (c.profile.values !== undefined) expect(c.profile.values.length).toBeLessThanOrEqual(250);
        for (const a of c.alternatives) {
          expect(a.reason.trim()).not.toBe('');
          expect(describeDestination(a.destination)).not.toBe(describeDestination(c.destination));
        }
        if (c.destination.kind === 'skip') expect(c.destination.reason.trim()).not.toBe('');
      }
    }
  });

  it('an alternative that would be a new field is named on the column’s object', () => {
    const stage = columnOf(kindsDoc, 'subscriptions:Stage / Tags');
    expect(stage.object).toBe('opportunity');
    const created = stage.alternatives.filter((a) => a.destination.kind === 'new-field');
    expect(created.length).toBeGreaterThan(0);
    for (const a of created) expect(a.destination).toMatchObject({ object: 'opportunity' });
    for (const d of [doc, kindsDoc]) {
      for (const c of d.columns) for (const a of c.alternatives) if (a.destination.kind !== 'skip') expect(a.destination.object, c.id).toBe(c.object);
    }
  });

  it('Kartra’s own columns are exact; the account’s custom columns are not', () => {
    const custom = new Set(['business_type', 'how_heard', 'interests', 'bio', 'instagram', 'birthday']);
    for (const c of doc.columns) {
      if (custom.has(c.header)) expect(c.tier, c.id).not.toBe('exact');
      else expect(c.tier, c.id).toBe('exact');
    }
  });
});

describe('fields already in the workspace', () => {
  it('a re-run lists an existing SELECT that a non-Kartra column maps to, with the options it lacks', () => {
    const rerun = afterCreating(schema, doc.customFields, (f, o) => f.name === 'businessType' && o.value === 'AGENCY');
    const again = buildMapping({ migrationId: 'mig-messy', inspection: messy, schema: rerun, mode: 'rehearsal', now: NOW });
    expect(columnOf(again, 'leads:business_type').destination).toEqual({ kind: 'field', object: 'person', field: 'businessType' });
    const field = plannedOf(again, 'person', 'businessType');
    expect(field.exists).toBe(true);
    expect(field.options!.map((o) => o.value)).toContain('AGENCY');
  });

  it('never maps free text into an existing field of a type that cannot hold it (bio taken by a DATE field)', () => {
    const taken = withFields(schema, { person: [{ name: 'bio', type: 'DATE', label: 'Bio' }] });
    const d = buildMapping({ migrationId: 'm', inspection: messy, schema: taken, mode: 'rehearsal', now: NOW });
    const bio = columnOf(d, 'leads:bio');
    expect(bio.destination.kind).toBe('new-field');
    expect(bio.destination.kind === 'new-field' && bio.destination.name).not.toBe('bio');
    expect(plannedFor(d, bio).type).toBe('TEXT');
    expect(bio.reason).toMatch(/'bio' is taken by a DATE field/);
  });
});
