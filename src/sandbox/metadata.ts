import { CAMEL_CASE_NAME, MAX_IDENTIFIER_LENGTH, UPPER_SNAKE_VALUE } from '../twenty-contract.js';
import { randomUUID } from 'node:crypto';
import { SandboxHttpError } from './errors.js';
import {
  buildObject, CREATABLE_FIELD_TYPES, defaultOf, FIELD_TYPES, joinColumnOf, linkObjects, newField, TAG_COLORS,
  UNIQUE_CAPABLE_TYPES, type FieldMeta, type FieldType, type ObjectMeta, type SelectOption,
} from './schema.js';
import type { Store } from './store.js';
import { findDuplicateGroup, uniqueGroups } from './unique.js';

/**
 * The REST metadata API (twenty-api.md §2 "REST metadata"): objects with their fields, field creation (custom fields
 * of every type an importer needs, select options, relations), field updates (new select options), field deletion,
 * custom objects. Answers have Twenty's GraphQL wrappers stripped (`cleanGraphQLResponse`). Metadata calls are not
 * throttled (§5: the token buckets guard record queries).
 *
 * Twenty's REST metadata errors go through GraphQL and come back as 400s; the sandbox keeps the usual error body
 * (`statusCode`, `error`, `messages`, `code`) so the code (`NOT_AVAILABLE`, `INVALID_FIELD_INPUT`, …) is visible.
 */

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function metadataError(message: string, code: string): SandboxHttpError {
  return new SandboxHttpError(400, message, code);
}

function invalidField(message: string): SandboxHttpError {
  return metadataError(message, 'INVALID_FIELD_INPUT');
}

/** A GraphQL input-type check: keys the input type does not declare are refused. */
function checkKeys(input: Record<string, unknown>, allowed: readonly string[], typeName: string): void {
  for (const key of Object.keys(input)) {
    if (!allowed.includes(key)) throw new SandboxHttpError(400, `Field '${key}' is not defined by type '${typeName}'.`);
  }
}


function checkName(name: unknown, what = 'Name'): string {
  if (typeof name !== 'string' || name === '') throw invalidField(`${what} is required`);
  if (name.length > MAX_IDENTIFIER_LENGTH) throw invalidField(`${what} exceeds ${MAX_IDENTIFIER_LENGTH} characters`);
  if (!CAMEL_CASE_NAME.test(name)) throw invalidField(`${what} "${name}" should be in camelCase`);
  return name;
}

function checkLabel(label: unknown, what = 'Label'): string {
  if (typeof label !== 'string' || label.trim() === '') throw invalidField(`${what} is required`);
  if (label.length > MAX_IDENTIFIER_LENGTH) throw invalidField(`${what} exceeds ${MAX_IDENTIFIER_LENGTH} characters`);
  return label;
}

/** `computeMetadataNameFromLabel`: "Linked people" → `linkedPeople`. */
export function nameFromLabel(label: string): string {
  const words = label.normalize('NFD').replace(/[\u0300-\u036f]/g, '').split(/[^a-zA-Z0-9]+/).filter(Boolean);
  const name = words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1).toLowerCase())).join('');
  return /^[0-9]/.test(name) ? `n${name}` : name;
}

/** Names in use on an object: field names and MANY_TO_ONE join columns (validate-field-name-availability). */
function assertNameAvailable(object: ObjectMeta, name: string, exceptFieldId?: string): void {
  for (const field of object.fields) {
    if (field.id === exceptFieldId) continue;
    if (field.name === name) throw metadataError(`Name "${name}" is not available as it is already used by another field`, 'NOT_AVAILABLE');
    if (joinColumnOf(field) === name) throw metadataError(`Name "${name}" is not available as it is already used by another join column name`, 'NOT_AVAILABLE');
  }
}

/** Select options as the field validator checks them (enum-select validator, §3 "Select options"). */
function checkOptions(raw: unknown, existing: SelectOption[] | null): SelectOption[] {
  if (!Array.isArray(raw) || raw.length === 0) throw invalidField('Options are required for enum fields');
  const options = raw.map((o, i): SelectOption => {
    if (!isObject(o)) throw invalidField('Option must be an object with a value and a label');
    checkKeys(o, ['id', 'value', 'label', 'color', 'position'], 'FieldMetadataOption');
    const { value, label, color } = o;
    if (value === undefined || value === null) throw invalidField('Option value is required');
    if (typeof value !== 'string' || value === '') throw invalidField('Option value must be a string of at least one character');
    if (value.length > MAX_IDENTIFIER_LENGTH) throw invalidField('Option value exceeds 63 characters');
    if (!UPPER_SNAKE_VALUE.test(value)) throw invalidField(`Value must be in UPPER_CASE and follow snake_case "${value}"`);
    if (label === undefined || label === null) throw invalidField('Option label is required');
    if (typeof label !== 'string' || label === '') throw invalidField('Option label must be a string of at least one character');
    if (label.length > MAX_IDENTIFIER_LENGTH) throw invalidField('Option label exceeds 63 characters');
    if (label.includes(',')) throw invalidField('Label must not contain a comma');
    if (label.trim() === '') throw invalidField('Label must not be empty');
    if (color !== undefined && !(TAG_COLORS as readonly unknown[]).includes(color)) throw invalidField(`Option color ${JSON.stringify(color)} is not one of ${TAG_COLORS.join(', ')}`);
    if (o['id'] !== undefined && (typeof o['id'] !== 'string' || !/^[0-9a-f-]{36}$/i.test(o['id']))) throw invalidField('Option id is invalid');
    if (o['position'] !== undefined && typeof o['position'] !== 'number') throw invalidField('Option position must be a number');
    const previous = existing?.find((e) => e.id === o['id'] || e.value === value);
    return {
      id: (o['id'] as string | undefined) ?? previous?.id ?? randomUUID(),
      value,
      label,
      color: (color as string | undefined) ?? previous?.color ?? 'gray',
      position: (o['position'] as number | undefined) ?? i,
    };
  });
  for (const key of ['position', 'id', 'value'] as const) {
    if (new Set(options.map((o) => o[key])).size !== options.length) throw invalidField(`Duplicated option ${key}`);
  }
  return options;
}

const QUOTED = /^'(.*)'$/s;

function checkSelectDefault(value: unknown, options: SelectOption[]): void {
  if (typeof value !== 'string') throw invalidField(`Default value for select must be a string got ${String(value)}`);
  const m = QUOTED.exec(value);
  if (!m) throw invalidField('Default value should be as quoted string');
  if (!options.some((o) => o.value === m[1])) throw invalidField(`Default value "${value}" must be one of the option values`);
}

function checkDefault(type: FieldType, value: unknown, options: SelectOption[] | null): unknown {
  if (value === undefined || value === null) return type === 'TEXT' ? "''" : null;
  if (type === 'SELECT' || type === 'RATING') checkSelectDefault(value, options ?? []);
  else if (type === 'MULTI_SELECT') {
    if (!Array.isArray(value)) throw invalidField(`Default value for multi-select must be an array got ${String(value)}`);
    if (value.length === 0) throw invalidField('If defined default value must contain at least one value');
    if (new Set(value).size !== value.length) throw invalidField('Default values must be unique');
    value.forEach((v) => checkSelectDefault(v, options ?? []));
  } else if (type === 'TEXT' && (typeof value !== 'string' || !QUOTED.test(value))) throw invalidField('Default value should be as quoted string');
  else if ((type === 'NUMBER' || type === 'NUMERIC') && typeof value !== 'number') throw invalidField('Default value must be a number');
  else if (type === 'BOOLEAN' && typeof value !== 'boolean') throw invalidField('Default value must be a boolean');
  return value;
}

const CREATE_FIELD_KEYS = [
  'objectMetadataId', 'type', 'name', 'label', 'description', 'icon', 'isNullable', 'isUnique', 'defaultValue', 'options',
  'settings', 'relationCreationPayload', 'isLabelSyncedWithName', 'isRemoteCreation',
] as const;
const UPDATE_FIELD_KEYS = ['name', 'label', 'description', 'icon', 'isActive', 'isNullable', 'isUnique', 'defaultValue', 'options', 'settings', 'isLabelSyncedWithName'] as const;
const CREATE_OBJECT_KEYS = ['nameSingular', 'namePlural', 'labelSingular', 'labelPlural', 'description', 'icon', 'isLabelSyncedWithName', 'shortcut'] as const;

export class MetadataService {
  constructor(
    private readonly store: Store,
    private readonly now: () => number,
  ) {}

  private nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  // --- presentation ---------------------------------------------------------------------------------------------

  presentField(field: FieldMeta): Record<string, unknown> {
    let relation: Record<string, unknown> | null = null;
    if (field.relation) {
      const source = this.store.objectById(field.objectMetadataId)!;
      const target = this.store.objectById(field.relation.targetObjectMetadataId)!;
      const targetField = target.fields.find((f) => f.id === field.relation!.targetFieldMetadataId);
      const obj = (o: ObjectMeta) => ({ id: o.id, nameSingular: o.nameSingular, namePlural: o.namePlural });
      relation = {
        type: field.relation.type,
        sourceObjectMetadata: obj(source),
        targetObjectMetadata: obj(target),
        sourceFieldMetadata: { id: field.id, name: field.name },
        targetFieldMetadata: { id: field.relation.targetFieldMetadataId, name: targetField?.name ?? null },
      };
    }
    return {
      id: field.id,
      type: field.type,
      name: field.name,
      label: field.label,
      description: field.description,
      icon: field.icon,
      isCustom: field.isCustom,
      isActive: field.isActive,
      isSystem: field.isSystem,
      isNullable: field.isNullable,
      isUnique: field.isUnique,
      createdAt: field.createdAt,
      updatedAt: field.updatedAt,
      defaultValue: field.defaultValue,
      options: field.options,
      settings: field.settings,
      objectMetadataId: field.objectMetadataId,
      relation,
    };
  }

  presentObject(object: ObjectMeta): Record<string, unknown> {
    const { fields, uniqueIndexes: _internal, ...rest } = object;
    return { ...rest, fields: fields.map((f) => this.presentField(f)) };
  }

  private pageInfo(items: { id: string }[]) {
    return { hasNextPage: false, startCursor: items.length > 0 ? cursor(items[0]!.id) : null, endCursor: items.length > 0 ? cursor(items.at(-1)!.id) : null };
  }

  listObjects() {
    const objects = this.store.objects.map((o) => this.presentObject(o));
    return { data: { objects }, pageInfo: this.pageInfo(this.store.objects) };
  }

  getObject(id: string) {
    const object = this.store.objectById(id);
    if (!object) throw metadataError('Object does not exist', 'OBJECT_METADATA_NOT_FOUND');
    return { data: { object: this.presentObject(object) } };
  }

  private allFields(): FieldMeta[] {
    return this.store.objects.flatMap((o) => o.fields);
  }

  listFields() {
    const fields = this.allFields();
    return { data: { fields: fields.map((f) => this.presentField(f)) }, pageInfo: this.pageInfo(fields) };
  }

  private findField(id: string): { field: FieldMeta; object: ObjectMeta } {
    for (const object of this.store.objects) {
      const field = object.fields.find((f) => f.id === id);
      if (field) return { field, object };
    }
    throw metadataError('Field metadata does not exist', 'FIELD_METADATA_NOT_FOUND');
  }

  getField(id: string) {
    return { data: { field: this.presentField(this.findField(id).field) } };
  }

  // --- fields ---------------------------------------------------------------------------------------------------

  /** `POST /rest/metadata/fields`: a `CreateFieldInput`. */
  createField(body: unknown) {
    if (!isObject(body)) throw invalidField('The body must be a field (a JSON object)');
    checkKeys(body, CREATE_FIELD_KEYS, 'CreateFieldInput');
    const object = typeof body['objectMetadataId'] === 'string' ? this.store.objectById(body['objectMetadataId']) : undefined;
    if (!object) throw metadataError('Object metadata does not exist', 'OBJECT_METADATA_NOT_FOUND');
    const type = body['type'];
    if (typeof type !== 'string' || !(FIELD_TYPES as readonly string[]).includes(type)) throw invalidField(`Invalid field type ${JSON.stringify(type)}`);
    if (!CREATABLE_FIELD_TYPES.includes(type as FieldType)) throw invalidField(`Fields of type ${type} cannot be created`);
    const name = checkName(body['name']);
    const label = checkLabel(body['label']);
    assertNameAvailable(object, name);
    const now = this.nowIso();
    const description = typeof body['description'] === 'string' ? body['description'] : null;
    const icon = typeof body['icon'] === 'string' ? body['icon'] : null;

    if (type === 'RELATION') {
      const created = this.createRelation(object, name, label, description, icon, body['relationCreationPayload'], now);
      this.store.changed();
      return { data: { createOneField: this.presentField(created) } };
    }

    const fieldType = type as FieldType;
    const isUnique = body['isUnique'] === true;
    if (isUnique && !UNIQUE_CAPABLE_TYPES.includes(fieldType)) throw invalidField(`Unique index cannot be created for field type ${fieldType}`);
    const options = fieldType === 'SELECT' || fieldType === 'MULTI_SELECT' || fieldType === 'RATING' ? checkOptions(body['options'], null) : null;
    if (options === null && body['options'] !== undefined && body['options'] !== null) throw invalidField(`Options are only for SELECT and MULTI_SELECT fields, not ${fieldType}`);
    const defaultValue = checkDefault(fieldType, body['defaultValue'], options);
    const field = newField(object.id, {
      name,
      label,
      type: fieldType,
      description,
      icon,
      isCustom: true,
      isActive: true,
      isSystem: false,
      isNullable: body['isNullable'] !== false,
      isUnique,
      defaultValue,
      options,
      settings: isObject(body['settings']) ? body['settings'] : null,
      relation: null,
    }, now);
    object.fields.push(field);
    // Existing rows get the field's default (a new column with its DEFAULT).
    this.store.editRows(object.id, (row) => {
      row[name] = defaultOf(field, now);
    });
    this.store.changed();
    return { data: { createOneField: this.presentField(field) } };
  }

  private createRelation(object: ObjectMeta, name: string, label: string, description: string | null, icon: string | null, payload: unknown, now: string): FieldMeta {
    if (!isObject(payload)) throw invalidField('relationCreationPayload is required for a RELATION field');
    checkKeys(payload, ['type', 'targetObjectMetadataId', 'targetFieldLabel', 'targetFieldIcon'], 'RelationCreationPayload');
    const relationType = payload['type'];
    if (relationType !== 'MANY_TO_ONE' && relationType !== 'ONE_TO_MANY') throw invalidField(`Invalid relation type ${JSON.stringify(relationType)}: MANY_TO_ONE or ONE_TO_MANY`);
    const target = typeof payload['targetObjectMetadataId'] === 'string' ? this.store.objectById(payload['targetObjectMetadataId']) : undefined;
    if (!target) throw metadataError('Target object metadata does not exist', 'OBJECT_METADATA_NOT_FOUND');
    const targetLabel = checkLabel(payload['targetFieldLabel'], 'Target field label');
    const targetName = checkName(nameFromLabel(targetLabel), 'Target field name');
    const targetIcon = typeof payload['targetFieldIcon'] === 'string' ? payload['targetFieldIcon'] : null;
    const manyName = relationType === 'MANY_TO_ONE' ? name : targetName;
    const manyObject = relationType === 'MANY_TO_ONE' ? object : target;
    assertNameAvailable(manyObject, `${manyName}Id`);
    assertNameAvailable(target, targetName);
    if (target.id === object.id && targetName === name) {
      throw metadataError(`Name "${name}" is not available as it is already used by another field`, 'NOT_AVAILABLE');
    }
    const options = { onDelete: 'SET_NULL' as const, isCustom: true, now };
    if (relationType === 'MANY_TO_ONE') {
      const [field] = linkObjects(object, { name, label, icon, description }, target, { name: targetName, label: targetLabel, icon: targetIcon }, options);
      this.store.editRows(object.id, (row) => {
        row[`${name}Id`] = null;
      });
      return field;
    }
    const [manyToOne, oneToMany] = linkObjects(target, { name: targetName, label: targetLabel, icon: targetIcon }, object, { name, label, icon }, options);
    oneToMany.description = description;
    this.store.editRows(target.id, (row) => {
      row[joinColumnOf(manyToOne)!] = null;
    });
    return oneToMany;
  }

  /** `PATCH /rest/metadata/fields/{id}`: label, options (e.g. new select options), default, active, unique… */
  updateField(id: string, body: unknown) {
    const { field, object } = this.findField(id);
    if (!isObject(body)) throw invalidField('The body must be a JSON object of the properties to change');
    checkKeys(body, UPDATE_FIELD_KEYS, 'UpdateFieldInput');
    const now = this.nowIso();
    if (body['name'] !== undefined && body['name'] !== field.name) {
      if (!field.isCustom) throw invalidField('Standard field names cannot be changed');
      if (field.type === 'RELATION') throw invalidField('Relation field names cannot be changed through the sandbox');
      const name = checkName(body['name']);
      assertNameAvailable(object, name, field.id);
      const old = field.name;
      this.store.editRows(object.id, (row) => {
        row[name] = row[old];
        delete row[old];
      });
      for (const group of object.uniqueIndexes) group.forEach((n, i) => n === field.name && (group[i] = name));
      field.name = name;
    }
    if (body['label'] !== undefined) field.label = checkLabel(body['label']);
    if (body['description'] !== undefined) field.description = typeof body['description'] === 'string' ? body['description'] : null;
    if (body['icon'] !== undefined) field.icon = typeof body['icon'] === 'string' ? body['icon'] : null;
    if (typeof body['isActive'] === 'boolean') field.isActive = body['isActive'];
    if (typeof body['isNullable'] === 'boolean') field.isNullable = body['isNullable'];
    if (body['options'] !== undefined) {
      if (field.options === null) throw invalidField(`Field ${field.name} of type ${field.type} has no options`);
      const options = checkOptions(body['options'], field.options);
      const kept = new Set(options.map((o) => o.value));
      // Rows holding a removed option lose it.
      this.store.editRows(object.id, (row) => {
        const v = row[field.name];
        if (typeof v === 'string' && !kept.has(v)) row[field.name] = null;
        if (Array.isArray(v)) {
          const left = v.filter((x) => kept.has(x as string));
          row[field.name] = left.length > 0 ? left : null;
        }
      });
      field.options = options;
      if (field.defaultValue !== null && (field.type === 'SELECT' || field.type === 'RATING')) {
        const m = QUOTED.exec(String(field.defaultValue));
        if (m && !kept.has(m[1]!)) field.defaultValue = null;
      }
    }
    if (body['defaultValue'] !== undefined) field.defaultValue = checkDefault(field.type, body['defaultValue'], field.options);
    if (typeof body['isUnique'] === 'boolean' && body['isUnique'] !== field.isUnique) {
      if (body['isUnique'] && !UNIQUE_CAPABLE_TYPES.includes(field.type)) throw invalidField(`Unique index cannot be created for field type ${field.type}`);
      if (body['isUnique']) {
        const group = uniqueGroups({ ...object, fields: object.fields.map((f) => (f.id === field.id ? { ...f, isUnique: true } : f)) }).find((g) => g.fields.length === 1 && g.fields[0] === field.name);
        if (group && findDuplicateGroup(this.store.table(object.id).values(), [group])) {
          throw invalidField(`Cannot make "${field.name}" unique: existing records share a value`);
        }
      }
      field.isUnique = body['isUnique'];
      this.store.schemaChanged(object.id);
    }
    if (isObject(body['settings'])) field.settings = { ...(field.settings ?? {}), ...body['settings'] };
    field.updatedAt = now;
    this.store.changed();
    return { data: { updateOneField: this.presentField(field) } };
  }

  /** `DELETE /rest/metadata/fields/{id}`: custom fields only; a relation goes with its other side. */
  deleteField(id: string) {
    const { field, object } = this.findField(id);
    if (!field.isCustom) throw invalidField("Standard Fields can't be deleted");
    const presented = this.presentField(field);
    this.removeField(object, field);
    if (field.relation) {
      const other = this.store.objectById(field.relation.targetObjectMetadataId);
      const otherField = other?.fields.find((f) => f.id === field.relation!.targetFieldMetadataId);
      if (other && otherField) this.removeField(other, otherField);
    }
    this.store.changed();
    return { data: { deleteOneField: presented } };
  }

  private removeField(object: ObjectMeta, field: FieldMeta): void {
    const key = joinColumnOf(field) ?? (field.type === 'RELATION' ? undefined : field.name);
    object.fields = object.fields.filter((f) => f.id !== field.id);
    object.uniqueIndexes = object.uniqueIndexes.filter((g) => !g.includes(field.name));
    this.store.editRows(object.id, (row) => {
      if (key) delete row[key];
    });
  }

  // --- objects --------------------------------------------------------------------------------------------------

  /** `POST /rest/metadata/objects`: a custom object with Twenty's base fields and a `name` field. */
  createObject(body: unknown) {
    if (!isObject(body)) throw metadataError('The body must be an object definition (a JSON object)', 'INVALID_OBJECT_INPUT');
    checkKeys(body, CREATE_OBJECT_KEYS, 'CreateObjectInput');
    const nameSingular = checkObjectName(body['nameSingular'], 'nameSingular');
    const namePlural = checkObjectName(body['namePlural'], 'namePlural');
    if (nameSingular === namePlural) throw metadataError('The singular and plural names cannot be the same for an object', 'INVALID_OBJECT_INPUT');
    for (const name of [nameSingular, namePlural]) {
      if (this.store.objects.some((o) => o.nameSingular === name || o.namePlural === name)) throw metadataError('Object already exists', 'OBJECT_ALREADY_EXISTS');
    }
    const labelSingular = checkObjectLabel(body['labelSingular'], 'labelSingular');
    const labelPlural = checkObjectLabel(body['labelPlural'], 'labelPlural');
    const object = buildObject(
      {
        nameSingular, namePlural, labelSingular, labelPlural,
        icon: typeof body['icon'] === 'string' ? body['icon'] : null,
        description: typeof body['description'] === 'string' ? body['description'] : null,
      },
      true,
      this.nowIso(),
    );
    this.store.objects.push(object);
    this.store.table(object.id);
    this.store.changed();
    return { data: { createOneObject: this.presentObject(object) } };
  }

  /** `DELETE /rest/metadata/objects/{id}`: custom objects only, with their records and the relations to them. */
  deleteObject(id: string) {
    const object = this.store.objectById(id);
    if (!object) throw metadataError('Object does not exist', 'OBJECT_METADATA_NOT_FOUND');
    if (!object.isCustom) throw metadataError("Standard Objects can't be deleted", 'INVALID_OBJECT_INPUT');
    const presented = this.presentObject(object);
    for (const field of object.fields) {
      if (!field.relation) continue;
      const other = this.store.objectById(field.relation.targetObjectMetadataId);
      const otherField = other?.fields.find((f) => f.id === field.relation!.targetFieldMetadataId);
      if (other && other.id !== object.id && otherField) this.removeField(other, otherField);
    }
    this.store.objects = this.store.objects.filter((o) => o.id !== id);
    this.store.dropTable(id);
    this.store.schemaChanged();
    this.store.changed();
    return { data: { deleteOneObject: presented } };
  }
}

function checkObjectName(name: unknown, what: string): string {
  if (typeof name !== 'string' || name === '') throw metadataError(`${what} is required`, 'INVALID_OBJECT_INPUT');
  if (name.length > MAX_IDENTIFIER_LENGTH) throw metadataError(`${what} exceeds ${MAX_IDENTIFIER_LENGTH} characters`, 'INVALID_OBJECT_INPUT');
  if (!CAMEL_CASE_NAME.test(name)) throw metadataError(`${what} "${name}" should be in camelCase`, 'INVALID_OBJECT_INPUT');
  return name;
}

function checkObjectLabel(label: unknown, what: string): string {
  if (typeof label !== 'string' || label.trim() === '') throw metadataError(`${what} is required`, 'INVALID_OBJECT_INPUT');
  if (label.length > MAX_IDENTIFIER_LENGTH) throw metadataError(`${what} exceeds ${MAX_IDENTIFIER_LENGTH} characters`, 'INVALID_OBJECT_INPUT');
  return label;
}

function cursor(id: string): string {
  return Buffer.from(JSON.stringify({ id })).toString('base64');
}

