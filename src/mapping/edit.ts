/**
 * Edits to a mapping document: map a column to another field, skip it, send it to a new custom field, rename or
 * retype a planned custom field, set how a column's values are read. Each edit is checked against the live Twenty
 * schema and the column's values; an accepted edit returns a new document with `version` + 1, a refused one throws a
 * MappingEditError saying why and what to do, and the document given is never changed.
 */
import { isSupportedCountry } from 'libphonenumber-js';
import { z } from 'zod';
import { UserError } from '../errors.js';
import type { TwentySchema } from '../twenty/schema.js';
import { CAMEL_CASE_NAME, MAX_IDENTIFIER_LENGTH } from '../twenty-contract.js';
import { COMPOSITE_SUBFIELDS } from './baseline-twenty-matcher.js';
import { schemaFingerprint } from './build.js';
import { CUSTOM_FIELD_TYPES, TWENTY_OBJECTS } from './corpus.js';
import {
  DATE_FORMATS,
  SEPARATORS,
  describeDestination,
  mappingDocumentSchema,
  pruneUnusedPlans,
  type Destination,
  type MappingColumn,
  type MappingDocument,
  type PlannedCustomField,
} from './document.js';
import { NOTES_FIELD, isRecordKey } from './kartra-decisions.js';
import { planOptions } from './options.js';
import { camelName } from './propose.js';
import { valuesFit } from './value-fit.js';
import { PRIMARY_SUBFIELD, candidatesFromSchema, isComposite } from './schema-fields.js';

const columnRef = z.string().min(1).describe('the column id ("leads:phone") or, when unambiguous, its header');
const customType = z.enum(CUSTOM_FIELD_TYPES);

export const mappingEditSchema = z.discriminatedUnion('op', [
  z
    .object({
      op: z.literal('map'),
      column: columnRef,
      field: z.string().min(1).describe('a field of the object the rows become, in Twenty or planned'),
      subfield: z.string().min(1).optional().describe('the part of a composite field, e.g. primaryEmail'),
    })
    .strict(),
  z.object({ op: z.literal('skip'), column: columnRef, reason: z.string().max(200).optional() }).strict(),
  z
    .object({
      op: z.literal('create'),
      column: columnRef,
      type: customType,
      name: z.string().optional().describe('camelCase; derived from the header when left out'),
      label: z.string().optional(),
    })
    .strict(),
  z
    .object({
      op: z.literal('rename'),
      object: z.enum(TWENTY_OBJECTS),
      field: z.string().min(1),
      name: z.string().optional(),
      label: z.string().optional(),
    })
    .strict(),
  z.object({ op: z.literal('retype'), object: z.enum(TWENTY_OBJECTS), field: z.string().min(1), type: customType }).strict(),
  z
    .object({
      op: z.literal('transform'),
      column: columnRef.optional().describe('left out: phoneCountry and timeZone apply to every column that uses them'),
      dateFormat: z.enum(DATE_FORMATS).optional(),
      timeZone: z.string().optional(),
      phoneCountry: z.string().optional(),
      separator: z.enum(SEPARATORS).optional(),
    })
    .strict(),
]);
export type MappingEdit = z.infer<typeof mappingEditSchema>;

export class MappingEditError extends UserError {
  override readonly name = 'MappingEditError';
}

const refuse = (message: string): never => {
  throw new MappingEditError(message);
};

/** Applies one edit; returns the new document (version + 1) and a one-line account of the change. */
export function applyEdit(
  document: MappingDocument,
  edit: MappingEdit,
  schema: TwentySchema,
  now: Date = new Date(),
): { document: MappingDocument; change: string } {
  const parsed = mappingEditSchema.safeParse(edit);
  if (!parsed.success) refuse(`The edit is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'edit'}: ${i.message}`).join('; ')}`);
  const doc = structuredClone(document);
  const change = EDITS[parsed.data!.op](doc, parsed.data as never, schema);
  pruneUnusedPlans(doc);
  doc.version += 1;
  doc.updatedAt = now.toISOString();
  doc.twenty = { ...doc.twenty, schemaHash: schemaFingerprint(schema), schemaReadAt: new Date(schema.fetchedAt).toISOString() };
  doc.history.push({ version: doc.version, at: doc.updatedAt, change });
  mappingDocumentSchema.parse(doc);
  return { document: doc, change };
}

type Handler<E> = (doc: MappingDocument, edit: E, schema: TwentySchema) => string;
type EditOf<K extends MappingEdit['op']> = Extract<MappingEdit, { op: K }>;

const EDITS: { [K in MappingEdit['op']]: Handler<EditOf<K>> } = {
  map(doc, edit, schema) {
    const column = findColumn(doc, edit.column);
    const destination = destinationFor(doc, schema, column, edit.field, edit.subfield);
    checkValuesFit(column, typeOf(doc, schema, destination), destination);
    checkFree(doc, column, destination);
    planChoiceOptions(doc, schema, column, destination);
    setDestination(column, destination, `mapped by the user to ${describeDestination(destination)}`);
    return `${column.id} → ${describeDestination(destination)}`;
  },

  skip(doc, edit) {
    const column = findColumn(doc, edit.column);
    const reason = edit.reason?.trim() || 'skipped by the user';
    // The transforms stay: they describe the column's values, and mapping it back later needs them again.
    setDestination(column, { kind: 'skip', reason }, reason);
    return `${column.id} skipped`;
  },

  create(doc, edit, schema) {
    const column = findColumn(doc, edit.column);
    const name = edit.name ?? camelName(column.header);
    checkNewName(doc, schema, column.object, name);
    const label = checkLabel(edit.label ?? column.header.slice(0, MAX_IDENTIFIER_LENGTH));
    const subfield = PRIMARY_SUBFIELD[edit.type];
    const destination: Destination = subfield === undefined ? { kind: 'new-field', object: column.object, name } : { kind: 'new-field', object: column.object, name, subfield };
    checkValuesFit(column, edit.type, destination);
    doc.customFields.push({
      object: column.object,
      name,
      label,
      type: edit.type,
      description: `Created for the column "${label}"`,
      isUnique: false,
      exists: false,
      ...(isChoice(edit.type) ? { options: optionsFrom([column], edit.type) } : {}),
    });
    setDestination(column, destination, `a new ${edit.type} field chosen by the user`);
    return `${column.id} → new ${edit.type} field ${column.object}.${name}`;
  },

  rename(doc, edit, schema) {
    const plan = findPlan(doc, edit.object, edit.field);
    if (edit.name === undefined && edit.label === undefined) refuse('Give a new name, a new label, or both.');
    const changes: string[] = [];
    if (edit.label !== undefined) {
      plan.label = checkLabel(edit.label);
      changes.push(`label "${plan.label}"`);
    }
    if (edit.name !== undefined && edit.name !== plan.name) {
      if (isRecordKey(plan.object, plan.name)) refuse(`${plan.object}.${plan.name} is the migration's key for finding records again; it cannot be renamed.`);
      checkNewName(doc, schema, plan.object, edit.name);
      for (const c of doc.columns) {
        if (c.destination.kind === 'new-field' && c.destination.object === plan.object && c.destination.name === plan.name) c.destination.name = edit.name;
      }
      changes.push(`name ${edit.name}`);
      plan.name = edit.name;
    }
    return `${plan.object}.${plan.name}: ${changes.join(', ') || 'unchanged'}`;
  },

  retype(doc, edit) {
    const plan = findPlan(doc, edit.object, edit.field);
    if (isRecordKey(plan.object, plan.name) && edit.type !== 'TEXT') refuse(`${plan.object}.${plan.name} is the migration's key and stays TEXT.`);
    const feeders = doc.columns.filter((c) => c.destination.kind === 'new-field' && c.destination.object === plan.object && c.destination.name === plan.name);
    // Within one export each column fills its own field, or its own part of a composite field.
    const retargeted = new Map<MappingColumn, Destination>();
    for (const dataset of new Set(feeders.map((c) => c.dataset))) {
      const columns = feeders.filter((c) => c.dataset === dataset);
      if (columns.length > 1 && !isComposite(edit.type)) {
        refuse(`${columns.length} columns of the ${dataset} export fill ${plan.object}.${plan.name} (${columns.map((c) => c.header).join(', ')}); a ${edit.type} field holds one value. Map or skip the others first.`);
      }
      const parts = new Set<string>();
      for (const column of columns) {
        const part = isComposite(edit.type) ? (keptSubfield(column.destination, edit.type) ?? (columns.length === 1 ? PRIMARY_SUBFIELD[edit.type] : undefined)) : undefined;
        if (isComposite(edit.type) && (part === undefined || parts.has(part))) {
          refuse(`A ${edit.type} field has no separate part for each of ${columns.map((c) => c.header).join(', ')} (${column.header} would have none of its own). Map or skip the others first.`);
        }
        if (part !== undefined) parts.add(part);
        retargeted.set(column, { kind: 'new-field', object: plan.object, name: plan.name, ...(part === undefined ? {} : { subfield: part }) });
      }
    }
    for (const [column, destination] of retargeted) checkValuesFit(column, edit.type, destination);
    for (const [column, destination] of retargeted) column.destination = destination;
    plan.type = edit.type;
    if (isChoice(edit.type)) plan.options = optionsFrom(feeders, edit.type);
    else delete plan.options;
    return `${plan.object}.${plan.name} is now ${edit.type}`;
  },

  transform(doc, edit) {
    const { column: ref, op: _op, ...given } = edit;
    const settings = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as typeof given;
    if (Object.keys(settings).length === 0) refuse('Say what to set: dateFormat, timeZone, phoneCountry or separator.');
    if (settings.timeZone !== undefined) checkTimeZone(settings.timeZone);
    const phoneCountry = settings.phoneCountry === undefined ? undefined : checkCountry(settings.phoneCountry);
    if (ref === undefined) {
      if (settings.dateFormat !== undefined || settings.separator !== undefined) refuse('A date format or a separator belongs to one column: name the column.');
      const timed = (c: MappingColumn): boolean => c.transforms.dateFormat?.includes('HH') === true;
      const targets = doc.columns.filter((c) => (phoneCountry !== undefined && isPhoneColumn(c)) || (settings.timeZone !== undefined && timed(c)));
      if (targets.length === 0) refuse('No column reads phones or dates with a time, so there is nothing to set.');
      for (const c of targets) {
        if (phoneCountry !== undefined && isPhoneColumn(c)) c.transforms.phoneCountry = phoneCountry;
        if (settings.timeZone !== undefined && timed(c)) c.transforms.timeZone = settings.timeZone;
      }
      return `${targets.length} columns: ${describeSettings({ ...settings, phoneCountry })}`;
    }
    const column = findColumn(doc, ref);
    if (column.destination.kind === 'skip') refuse(`${column.id} is skipped; map it before setting how its values are read.`);
    if (settings.dateFormat !== undefined) {
      if (column.profile.valueType !== 'date' && column.profile.valueType !== 'datetime') {
        refuse(`${column.id} does not hold dates (its values look like ${column.profile.valueType}), so it has no date format.`);
      }
      if (!sameDateFamily(column.transforms.dateFormat, settings.dateFormat)) {
        refuse(`${column.id} is written like ${column.transforms.dateFormat ?? 'an unknown format'}; ${settings.dateFormat} would not read its values. Only the day/month order of slashed dates can be changed.`);
      }
      column.transforms.dateFormat = settings.dateFormat;
    }
    if (settings.timeZone !== undefined) {
      if (column.transforms.dateFormat === undefined) refuse(`${column.id} does not hold dates, so it has no time zone.`);
      column.transforms.timeZone = settings.timeZone;
    }
    if (phoneCountry !== undefined) {
      if (!isPhoneColumn(column)) refuse(`${column.id} does not go to a phone field, so a phone country does not apply.`);
      column.transforms.phoneCountry = phoneCountry;
    }
    if (settings.separator !== undefined) {
      if (!isListColumn(doc, column)) refuse(`${column.id} is not a list column (tags, lists, checkboxes), so it has no separator.`);
      column.transforms.separator = settings.separator;
    }
    return `${column.id}: ${describeSettings({ ...settings, phoneCountry })}`;
  },
};

function describeSettings(settings: Record<string, string | undefined>): string {
  return Object.entries(settings)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

/** A column by id, or by header when exactly one column has it. */
function findColumn(doc: MappingDocument, ref: string): MappingColumn {
  const byId = doc.columns.find((c) => c.id === ref);
  if (byId) return byId;
  const byHeader = doc.columns.filter((c) => c.header === ref || c.header.toLowerCase() === ref.toLowerCase());
  if (byHeader.length === 1) return byHeader[0]!;
  if (byHeader.length > 1) return refuse(`"${ref}" is a column of several exports; name one: ${byHeader.map((c) => c.id).join(', ')}.`);
  return refuse(`There is no column "${ref.slice(0, 80)}" in this mapping. Columns are named like ${doc.columns.slice(0, 3).map((c) => `"${c.id}"`).join(', ')}.`);
}

function findPlan(doc: MappingDocument, object: string, name: string): PlannedCustomField {
  const plan = doc.customFields.find((f) => f.object === object && f.name === name);
  if (!plan) {
    const planned = doc.customFields.filter((f) => f.object === object && !f.exists).map((f) => f.name);
    return refuse(`${object}.${name} is not a custom field this migration plans${planned.length ? ` (planned: ${planned.slice(0, 12).join(', ')})` : ''}.`);
  }
  if (plan.exists) return refuse(`${object}.${name} already exists in Twenty; change it in Twenty's settings, or map the column elsewhere.`);
  return plan;
}

/** The destination an edit names: a field of the workspace, or a field the migration plans. */
function destinationFor(doc: MappingDocument, schema: TwentySchema, column: MappingColumn, field: string, subfield: string | undefined): Destination {
  const object = column.object;
  if (field === NOTES_FIELD) {
    if (subfield !== undefined) refuse(`${object} notes have no parts; leave out the subfield.`);
    return { kind: 'field', object, field };
  }
  const offered = candidatesFromSchema(schema).filter((c) => c.object === object && c.field === field);
  if (offered.length > 0) return pickPart(object, field, subfield, offered.map((c) => c.subfield), (s) => ({ kind: 'field', object, field, ...(s ? { subfield: s } : {}) }));
  const plan = doc.customFields.find((f) => f.object === object && f.name === field);
  if (plan) {
    const parts = isComposite(plan.type) ? COMPOSITE_SUBFIELDS[plan.type].map((s) => s.subfield) : [undefined];
    const kind = plan.exists ? 'field' : 'new-field';
    return pickPart(object, field, subfield, parts, (s) =>
      kind === 'field' ? { kind, object, field, ...(s ? { subfield: s } : {}) } : { kind, object, name: field, ...(s ? { subfield: s } : {}) },
    );
  }
  if (schema.field(object, field)) return refuse(`${object}.${field} cannot be filled from a column (a system, read-only or relation field).`);
  return refuse(`${object} has no field "${field.slice(0, 80)}" in Twenty or in this plan. Fields you can map to: ${fieldNames(schema, doc, object)}. To create one, use a "create" edit.`);
}

function pickPart(
  object: string,
  field: string,
  subfield: string | undefined,
  parts: readonly (string | undefined)[],
  make: (subfield: string | undefined) => Destination,
): Destination {
  const composite = parts.some((p) => p !== undefined);
  if (!composite) {
    if (subfield !== undefined) refuse(`${object}.${field} has no parts; leave out the subfield.`);
    return make(undefined);
  }
  if (subfield === undefined) return refuse(`${object}.${field} has several parts; say which with a subfield: ${parts.join(', ')}.`);
  if (!parts.includes(subfield)) return refuse(`${object}.${field} has no part "${subfield.slice(0, 80)}"; its parts are ${parts.join(', ')}.`);
  return make(subfield);
}

function fieldNames(schema: TwentySchema, doc: MappingDocument, object: string): string {
  const names = new Set([
    ...candidatesFromSchema(schema).filter((c) => c.object === object).map((c) => c.field),
    ...doc.customFields.filter((f) => f.object === object).map((f) => f.name),
  ]);
  return [...names].slice(0, 40).join(', ');
}

/** The Twenty type of a destination (`createdAt` is a date-time; planned fields by their plan). */
function typeOf(doc: MappingDocument, schema: TwentySchema, d: Destination): string | undefined {
  if (d.kind === 'skip') return undefined;
  if (d.kind === 'new-field') return doc.customFields.find((f) => f.object === d.object && f.name === d.name)?.type;
  if (d.field === 'createdAt') return 'DATE_TIME';
  if (d.field === NOTES_FIELD) return undefined; // a note takes any text
  return schema.field(d.object, d.field)?.type;
}

/** Refuses a destination the column's values cannot go to: emails into a date, names into a number... */
function checkValuesFit(column: MappingColumn, type: string | undefined, d: Destination): void {
  if (type === undefined || d.kind === 'skip') return;
  const valueType = column.profile.valueType;
  if (valuesFit(type, d.subfield, valueType)) return;
  refuse(`${column.id} holds ${valueType} values (e.g. ${column.profile.samples.slice(0, 2).map((s) => JSON.stringify(s.slice(0, 40))).join(', ') || 'none shown'}), which ${describeDestination(d)} (${type}) cannot take.`);
}

/** One column per field (per part of a composite field) within a dataset. */
function checkFree(doc: MappingDocument, column: MappingColumn, d: Destination): void {
  if (d.kind === 'field' && d.field === NOTES_FIELD) return; // each column becomes a note of its own
  const key = describeDestination(d);
  const holder = doc.columns.find((c) => c !== column && c.dataset === column.dataset && c.destination.kind !== 'skip' && describeDestination(c.destination) === key);
  if (holder) refuse(`${key} is already filled by ${holder.id}. Map or skip that column first.`);
}

function checkNewName(doc: MappingDocument, schema: TwentySchema, object: string, name: string): void {
  if (!CAMEL_CASE_NAME.test(name) || name.length > MAX_IDENTIFIER_LENGTH) {
    refuse(`"${name.slice(0, 80)}" is not a valid field name: camelCase (a lowercase letter, then letters and digits), at most ${MAX_IDENTIFIER_LENGTH} characters, e.g. "${camelName(name)}".`);
  }
  const existing = schema.field(object, name);
  if (existing) refuse(`${object}.${name} already exists in Twenty (${existing.type}). Map the column to it with a "map" edit, or choose another name.`);
  if (doc.customFields.some((f) => f.object === object && f.name === name)) refuse(`${object}.${name} is already planned. Map the column to it with a "map" edit, or choose another name.`);
}

function checkLabel(label: string): string {
  const clean = label.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/\s+/g, ' ').trim();
  if (clean === '' || clean.length > MAX_IDENTIFIER_LENGTH) refuse(`A field label must be 1 to ${MAX_IDENTIFIER_LENGTH} characters.`);
  return clean;
}

function checkTimeZone(zone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    refuse(`"${zone.slice(0, 60)}" is not a time zone; use an IANA name such as America/New_York or Europe/Paris.`);
  }
}

function checkCountry(country: string): string {
  const code = country.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(code) || !isSupportedCountry(code)) refuse(`"${country.slice(0, 40)}" is not a country code for phones; use two letters such as US, GB or FR.`);
  return code;
}

const isChoice = (type: string): boolean => type === 'SELECT' || type === 'MULTI_SELECT';

/** Options from the columns' distinct values; refused when there are too many to be a choice. */
function optionsFrom(columns: readonly MappingColumn[], type: string): PlannedCustomField['options'] {
  const values: string[] = [];
  for (const c of columns) {
    if (c.profile.values === undefined && c.profile.distinct > 0) {
      refuse(`${c.id} has ${c.profile.distinct}+ distinct values, too many for a ${type} field; keep it TEXT.`);
    }
    values.push(...(c.profile.values ?? []));
  }
  return planOptions(values);
}

/**
 * A column sent to a choice field brings its values as options: added to a planned field's options, or listed for
 * a field already in Twenty (exists: true) so the ones it lacks are created before the import.
 */
function planChoiceOptions(doc: MappingDocument, schema: TwentySchema, column: MappingColumn, d: Destination): void {
  if (d.kind === 'skip') return;
  const name = d.kind === 'new-field' ? d.name : d.field;
  const type = typeOf(doc, schema, d);
  if (type === undefined || !isChoice(type)) return;
  let plan = doc.customFields.find((f) => f.object === d.object && f.name === name);
  if (!plan) {
    const existing = schema.field(d.object, name);
    if (!existing?.isCustom) return; // a standard select (an opportunity's stage) keeps the options it has
    plan = { object: d.object, name, label: existing.label, type: type as PlannedCustomField['type'], description: existing.label, isUnique: false, exists: true, options: planOptions([], existing.options ?? []) };
    doc.customFields.push(plan);
  }
  const values = column.profile.values ?? column.profile.samples;
  plan.options = planOptions(values, plan.options ?? []);
}

function isPhoneColumn(c: MappingColumn): boolean {
  return c.destination.kind !== 'skip' && (c.destination.subfield === 'primaryPhoneNumber' || c.destination.subfield === 'additionalPhones');
}

function isListColumn(doc: MappingDocument, c: MappingColumn): boolean {
  if (c.profile.valueType === 'multi-value' || c.transforms.separator !== undefined) return true;
  const d = c.destination;
  return d.kind === 'new-field' && doc.customFields.some((f) => f.object === d.object && f.name === d.name && f.type === 'MULTI_SELECT');
}

/** Slashed formats may swap day and month; no edit turns an ISO column into a slashed one. */
function sameDateFamily(current: string | undefined, next: string): boolean {
  const family = (f: string | undefined): string => (f === undefined ? '' : /^(MM|DD)\/(MM|DD)/.test(f) ? `slash${f.includes('HH') ? '-time' : ''}` : f);
  return current === undefined || family(current) === family(next);
}

function keptSubfield(d: Destination, type: string): string | undefined {
  if (d.kind === 'skip' || d.subfield === undefined || !isComposite(type)) return undefined;
  return COMPOSITE_SUBFIELDS[type].some((s) => s.subfield === d.subfield) ? d.subfield : undefined;
}

function setDestination(column: MappingColumn, destination: Destination, reason: string): void {
  column.destination = destination;
  column.reason = reason;
  column.edited = true;
}


