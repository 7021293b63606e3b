/**
 * Data-model changes: custom fields (`POST /rest/metadata/fields`), options added to a select
 * (`PATCH /rest/metadata/fields/{id}`), custom objects (`POST /rest/metadata/objects`); twenty-api.md §2, §3, §6.
 *
 * Idempotent by design: a field that already exists with a compatible type is reused, and NOT_AVAILABLE ("name is
 * already used", §6) is read as "exists" after re-reading the schema, so a creation whose answer was lost can be
 * retried. Names, option values and labels are checked here, before anything is sent.
 */
import { CAMEL_CASE_NAME, MAX_IDENTIFIER_LENGTH, TAG_COLORS, UPPER_SNAKE_VALUE } from '../twenty-contract.js';
import {
  TwentyConfigError,
  TwentySchemaConflictError,
  TwentyValidationError,
} from './errors.js';
import { restPath, type Send } from './http.js';
import { singleIn } from './response.js';
import { parseField, type SchemaCache, type SelectOption, type TwentyField, type TwentyObject } from './schema.js';

export type CustomFieldType =
  | 'TEXT'
  | 'NUMBER'
  | 'BOOLEAN'
  | 'DATE_TIME'
  | 'DATE'
  | 'SELECT'
  | 'MULTI_SELECT'
  | 'CURRENCY'
  | 'LINKS'
  | 'PHONES'
  | 'EMAILS'
  | 'RAW_JSON'
  | 'ADDRESS'
  | 'RATING'
  | 'RELATION';

export { TAG_COLORS };
export type TagColor = (typeof TAG_COLORS)[number];

export interface SelectOptionInput {
  /** UPPER_SNAKE_CASE, at most 63 characters; what records store. */
  value: string;
  /** What people see: 1–63 characters, no comma. */
  label: string;
  /** Default: the palette in turn. */
  color?: TagColor;
}

export interface RelationSpec {
  /** `MANY_TO_ONE`: this object gets a join column (`<name>Id`) to the target. */
  type: 'MANY_TO_ONE' | 'ONE_TO_MANY';
  /** The target object's singular or plural name. */
  targetObject: string;
  /** Label of the field created on the target for the other side. */
  targetFieldLabel: string;
  targetFieldIcon?: string;
}

export interface FieldSpec {
  /** Singular or plural name of the object the field goes on. */
  object: string;
  /** camelCase, starting with a letter, at most 63 characters. */
  name: string;
  label: string;
  type: CustomFieldType;
  description?: string;
  icon?: string;
  isNullable?: boolean;
  /** A unique field is what upserts match on (§1): the migration's external-id field must be unique. */
  isUnique?: boolean;
  defaultValue?: unknown;
  /** Required for SELECT and MULTI_SELECT. On an existing select, missing options are added. */
  options?: SelectOptionInput[];
  settings?: Record<string, unknown>;
  /** Required for RELATION. */
  relation?: RelationSpec;
}

export interface EnsureFieldResult {
  status: 'created' | 'reused';
  field: TwentyField;
  /** Option values added to an existing select. */
  addedOptions: string[];
}

export interface AddOptionsResult {
  field: TwentyField;
  /** Values that were not there before (options already present are left as they are). */
  added: string[];
}

export interface ObjectSpec {
  /** camelCase, e.g. `kartraAffiliate`. */
  nameSingular: string;
  /** camelCase and different from nameSingular, e.g. `kartraAffiliates`. */
  namePlural: string;
  labelSingular: string;
  labelPlural: string;
  description?: string;
  icon?: string;
}

export interface EnsureObjectResult {
  status: 'created' | 'reused';
  object: TwentyObject;
}

export interface SchemaDeps {
  send: Send;
  schema: SchemaCache;
}

function invalid(object: string, field: string | undefined, message: string): TwentyValidationError {
  return new TwentyValidationError(message, { object, ...(field === undefined ? {} : { field }), code: 'INVALID_FIELD_INPUT', checkedLocally: true });
}

/** Checks a field or object API name: camelCase, a letter first, at most 63 characters. */
export function checkName(name: string, object: string, what = 'name'): void {
  if (!CAMEL_CASE_NAME.test(name) || name.length > MAX_IDENTIFIER_LENGTH) {
    throw invalid(object, name, `The ${what} "${name.slice(0, 80)}" must be camelCase (a lowercase letter, then letters and digits) and at most ${MAX_IDENTIFIER_LENGTH} characters`);
  }
}

/**
 * Checks select options as Twenty will (§3): values UPPER_SNAKE ≤ 63, labels 1–63 characters without commas, no
 * value repeated (also against `existing`). Throws a TwentyValidationError naming the first bad option.
 */
export function checkOptions(object: string, field: string, options: readonly SelectOptionInput[], existing: readonly SelectOption[] = []): void {
  const seen = new Set(existing.map((o) => o.value));
  for (const o of options) {
    if (!UPPER_SNAKE_VALUE.test(o.value) || o.value.length > MAX_IDENTIFIER_LENGTH) {
      throw invalid(object, field, `Option value "${o.value.slice(0, 80)}" must be UPPER_SNAKE_CASE (A-Z, 0-9 and single underscores, a letter first) and at most ${MAX_IDENTIFIER_LENGTH} characters`);
    }
    if (o.label.trim() === '' || o.label.length > MAX_IDENTIFIER_LENGTH || o.label.includes(',')) {
      throw invalid(object, field, `Option label "${o.label.slice(0, 80)}" must be 1 to ${MAX_IDENTIFIER_LENGTH} characters and contain no comma`);
    }
    if (o.color !== undefined && !(TAG_COLORS as readonly string[]).includes(o.color)) {
      throw invalid(object, field, `Option color "${o.color}" is not one of Twenty's colors (${TAG_COLORS.join(', ')})`);
    }
    if (seen.has(o.value)) throw invalid(object, field, `Option value "${o.value}" appears twice`);
    seen.add(o.value);
  }
}

function isSelect(type: string): boolean {
  return type === 'SELECT' || type === 'MULTI_SELECT';
}

/** New options placed after the existing ones, colours taken in turn from the palette. */
function placed(options: readonly SelectOptionInput[], after: readonly SelectOption[]): SelectOption[] {
  const start = after.reduce((max, o) => Math.max(max, o.position ?? -1), -1) + 1;
  return options.map((o, i) => ({
    value: o.value,
    label: o.label,
    color: o.color ?? TAG_COLORS[(after.length + i) % TAG_COLORS.length] ?? 'gray',
    position: start + i,
  }));
}

/** "Name ... is not available" (NOT_AVAILABLE), "already exists" (FIELD_ALREADY_EXISTS): the name is taken (§6). */
function nameTaken(error: unknown): error is TwentyValidationError {
  if (!(error instanceof TwentyValidationError)) return false;
  return (
    error.code === 'NOT_AVAILABLE' ||
    error.code === 'FIELD_ALREADY_EXISTS' ||
    error.code === 'OBJECT_ALREADY_EXISTS' ||
    /not available|already exists|already used|already taken/i.test(error.serverMessage ?? '')
  );
}

async function objectOrThrow(deps: SchemaDeps, name: string): Promise<TwentyObject> {
  const object = (await deps.schema.get()).object(name);
  if (object === undefined) {
    throw new TwentySchemaConflictError(name, undefined, 'does not exist in this Twenty workspace', 'Create it first, or check the object name.');
  }
  return object;
}

/** Reuses an existing field when it can serve the spec, or says why not. */
async function reuse(deps: SchemaDeps, object: TwentyObject, existing: TwentyField, spec: FieldSpec): Promise<EnsureFieldResult> {
  const where = object.nameSingular;
  if (existing.type !== spec.type) {
    throw new TwentySchemaConflictError(
      where,
      spec.name,
      `already exists in Twenty as ${existing.type}, but the migration needs ${spec.type}`,
      'Map the column to another field name, or change or delete that field in Twenty (Settings → Data model).',
    );
  }
  if (!existing.isActive) {
    throw new TwentySchemaConflictError(where, spec.name, 'exists in Twenty but is deactivated', 'Reactivate it in Twenty (Settings → Data model), or map the column to another field name.');
  }
  if (spec.isUnique === true && existing.isUnique === false) {
    throw new TwentySchemaConflictError(
      where,
      spec.name,
      'exists in Twenty but is not unique, so upserts cannot match on it and a replayed import could duplicate records',
      'Make it unique in Twenty (Settings → Data model), or use another field name for the external id.',
    );
  }
  if (spec.type === 'RELATION' && spec.relation !== undefined) {
    const wanted = (await deps.schema.get()).object(spec.relation.targetObject);
    const actual = existing.relation?.targetObject;
    if (wanted !== undefined && actual !== undefined && actual.id !== wanted.id && actual.nameSingular !== wanted.nameSingular) {
      throw new TwentySchemaConflictError(
        where,
        spec.name,
        `already exists as a relation to ${actual.nameSingular ?? actual.id ?? 'another object'}, not to ${wanted.nameSingular}`,
        'Map it to another field name, or change the field in Twenty.',
      );
    }
  }
  if (isSelect(spec.type) && spec.options !== undefined) {
    const { field, added } = await addSelectOptions(deps, where, spec.name, spec.options);
    return { status: 'reused', field, addedOptions: added };
  }
  return { status: 'reused', field: existing, addedOptions: [] };
}

/** The field in a creation answer, if it can be read (the re-read schema is what counts). */
function createdField(answer: unknown, objectId: string, path: string): TwentyField | undefined {
  try {
    return parseField(singleIn(answer, { method: 'POST', path }), objectId);
  } catch {
    return undefined;
  }
}

/** Creates a custom field, or reuses a compatible one that already exists (adding missing select options). */
export async function ensureField(deps: SchemaDeps, spec: FieldSpec): Promise<EnsureFieldResult> {
  checkName(spec.name, spec.object);
  if (spec.label.trim() === '') throw invalid(spec.object, spec.name, 'The field label must not be empty');
  if (isSelect(spec.type)) {
    if (spec.options === undefined || spec.options.length === 0) {
      throw invalid(spec.object, spec.name, `A ${spec.type} field needs at least one option`);
    }
    checkOptions(spec.object, spec.name, spec.options);
  }
  if (spec.type === 'RELATION' && spec.relation === undefined) {
    throw new TwentyConfigError(`Field "${spec.object}.${spec.name}" is a RELATION but names no target object.`);
  }

  const object = await objectOrThrow(deps, spec.object);
  const existing = object.fields.find((f) => f.name === spec.name);
  if (existing !== undefined) return reuse(deps, object, existing, spec);

  const body: Record<string, unknown> = {
    objectMetadataId: object.id,
    type: spec.type,
    name: spec.name,
    label: spec.label,
    ...(spec.description === undefined ? {} : { description: spec.description }),
    ...(spec.icon === undefined ? {} : { icon: spec.icon }),
    ...(spec.isNullable === undefined ? {} : { isNullable: spec.isNullable }),
    ...(spec.isUnique === undefined ? {} : { isUnique: spec.isUnique }),
    ...(spec.defaultValue === undefined ? {} : { defaultValue: spec.defaultValue }),
    ...(spec.settings === undefined ? {} : { settings: spec.settings }),
    ...(isSelect(spec.type) && spec.options !== undefined ? { options: placed(spec.options, []) } : {}),
  };
  if (spec.type === 'RELATION' && spec.relation !== undefined) {
    const target = await objectOrThrow(deps, spec.relation.targetObject);
    body.relationCreationPayload = {
      type: spec.relation.type,
      targetObjectMetadataId: target.id,
      targetFieldLabel: spec.relation.targetFieldLabel,
      targetFieldIcon: spec.relation.targetFieldIcon ?? 'IconLink',
    };
  }

  const path = restPath('metadata', 'fields');
  let created: TwentyField | undefined;
  try {
    const answer = await deps.send({ method: 'POST', path, body, object: object.nameSingular });
    created = createdField(answer, object.id, path);
  } catch (error) {
    if (!nameTaken(error)) throw error;
    // §6: treat NOT_AVAILABLE as "exists" — but only if the schema now shows a field of that name.
    const fresh = (await deps.schema.refresh()).object(object.nameSingular);
    const now = fresh?.fields.find((f) => f.name === spec.name);
    if (fresh === undefined || now === undefined) {
      throw new TwentySchemaConflictError(
        object.nameSingular,
        spec.name,
        `cannot be created: ${error.serverMessage ?? 'the name is taken'}`,
        'The name is used by something that is not a field of that name (a relation join column, a reserved word): choose another name.',
      );
    }
    return reuse(deps, fresh, now, spec);
  }
  const schema = await deps.schema.refresh();
  const field = schema.field(object.nameSingular, spec.name) ?? created;
  if (field === undefined) {
    throw new TwentySchemaConflictError(object.nameSingular, spec.name, 'was created but Twenty does not list it', 'Re-run the step; if it persists, check the field in Twenty (Settings → Data model).');
  }
  return { status: 'created', field, addedOptions: [] };
}

/**
 * Adds options to an existing SELECT or MULTI_SELECT. Every existing option is sent back unchanged (with its id):
 * Twenty replaces the option list on update, and an option left out would be deleted together with its values.
 */
export async function addSelectOptions(deps: SchemaDeps, objectName: string, fieldName: string, options: readonly SelectOptionInput[]): Promise<AddOptionsResult> {
  const object = await objectOrThrow(deps, objectName);
  const field = object.fields.find((f) => f.name === fieldName);
  if (field === undefined) {
    throw new TwentySchemaConflictError(object.nameSingular, fieldName, 'does not exist', 'Create the field first.');
  }
  if (!isSelect(field.type)) {
    throw new TwentySchemaConflictError(object.nameSingular, fieldName, `is ${field.type}, not a select`, 'Options can only be added to SELECT and MULTI_SELECT fields.');
  }
  const existing = field.options ?? [];
  const have = new Set(existing.map((o) => o.value));
  const missing = options.filter((o) => !have.has(o.value));
  checkOptions(object.nameSingular, fieldName, missing, existing);
  if (missing.length === 0) return { field, added: [] };

  const path = restPath('metadata', 'fields', field.id);
  await deps.send({
    method: 'PATCH',
    path,
    body: { options: [...existing, ...placed(missing, existing)] },
    object: object.nameSingular,
  });
  const updated = (await deps.schema.refresh()).field(object.nameSingular, fieldName) ?? field;
  return { field: updated, added: missing.map((o) => o.value) };
}

/**
 * Undoes what a migration did to the data model: deletes a custom field (with its values), or removes options from a
 * select (the other options are sent back unchanged). Standard fields are never deleted. Returns false when there was
 * nothing to do (the field is gone already, or has none of these options).
 */
export async function removeCustomField(deps: SchemaDeps, objectName: string, fieldName: string): Promise<boolean> {
  const object = await objectOrThrow(deps, objectName);
  const field = object.fields.find((f) => f.name === fieldName);
  if (field === undefined) return false;
  if (!field.isCustom) throw new TwentySchemaConflictError(object.nameSingular, fieldName, 'is a standard field', 'Only custom fields can be removed.');
  await deps.send({ method: 'DELETE', path: restPath('metadata', 'fields', field.id), object: object.nameSingular });
  await deps.schema.refresh();
  return true;
}

export async function removeSelectOptions(deps: SchemaDeps, objectName: string, fieldName: string, values: readonly string[]): Promise<string[]> {
  const object = await objectOrThrow(deps, objectName);
  const field = object.fields.find((f) => f.name === fieldName);
  if (field === undefined || !isSelect(field.type)) return [];
  const drop = new Set(values);
  const kept = (field.options ?? []).filter((o) => !drop.has(o.value));
  const removed = (field.options ?? []).filter((o) => drop.has(o.value)).map((o) => o.value);
  if (removed.length === 0) return [];
  await deps.send({ method: 'PATCH', path: restPath('metadata', 'fields', field.id), body: { options: kept }, object: object.nameSingular });
  await deps.schema.refresh();
  return removed;
}

/** Creates a custom object, or reuses the one that already has this singular name. */
export async function ensureObject(deps: SchemaDeps, spec: ObjectSpec): Promise<EnsureObjectResult> {
  checkName(spec.nameSingular, spec.nameSingular, 'object name');
  checkName(spec.namePlural, spec.nameSingular, 'object plural name');
  if (spec.nameSingular === spec.namePlural) {
    throw invalid(spec.nameSingular, undefined, 'The singular and plural object names must differ');
  }
  const found = (await deps.schema.get()).object(spec.nameSingular);
  if (found !== undefined && found.nameSingular === spec.nameSingular) return { status: 'reused', object: found };

  const path = restPath('metadata', 'objects');
  let created = false;
  try {
    await deps.send({
      method: 'POST',
      path,
      body: {
        nameSingular: spec.nameSingular,
        namePlural: spec.namePlural,
        labelSingular: spec.labelSingular,
        labelPlural: spec.labelPlural,
        ...(spec.description === undefined ? {} : { description: spec.description }),
        icon: spec.icon ?? 'IconBox',
      },
      object: spec.nameSingular,
    });
    created = true;
  } catch (error) {
    if (!nameTaken(error)) throw error;
  }
  const object = (await deps.schema.refresh()).object(spec.nameSingular);
  if (object === undefined || object.nameSingular !== spec.nameSingular) {
    throw new TwentySchemaConflictError(spec.nameSingular, undefined, 'could not be created: its name is taken', 'Choose other singular and plural names.');
  }
  return { status: created ? 'created' : 'reused', object };
}
