import { TAG_COLORS } from '../twenty-contract.js';
import { randomUUID } from 'node:crypto';

/**
 * The data model: field types, composite shapes, the two Twenty profiles and their standard objects
 * (twenty-api.md §3, §4). Metadata lives in the store (custom fields and objects persist with the records); this module
 * builds the initial model and answers questions about it.
 */

export type ProfileName = 'v1' | 'v2';

export interface Profile {
  name: ProfileName;
  /** `QUERY_MAX_RECORDS`: 60 before PR #14358, 200 since (twenty-api.md §1 "Create many"). Also the page-size cap. */
  batchMax: number;
  /** 2.x maps exception categories to statuses (404 not found, 409 duplicate); 1.x answers 400 (§6). */
  categoryStatuses: boolean;
  /** 1.x rejects dates only when `new Date()` cannot read them; 2.x wants real ISO dates (§3 DATE/DATE_TIME). */
  strictDates: boolean;
  /** The rich-text type of `bodyV2` (§3: `RICH_TEXT_V2` in 1.x, `RICH_TEXT` with the same shape in 2.43). */
  richTextType: 'RICH_TEXT_V2' | 'RICH_TEXT';
  /**
   * `DELETE /rest/{plural}?filter=…` (destroy many) answers only where the common API is on (feature flag
   * IS_COMMON_API_ENABLED, rest-api-core.service.ts); 1.x workspaces refuse it.
   */
  bulkDelete: boolean;
  /** Actor sources accepted in `createdBy.source`. */
  actorSources: readonly string[];
}

export const PROFILES: Record<ProfileName, Profile> = {
  v1: {
    name: 'v1',
    batchMax: 60,
    categoryStatuses: false,
    strictDates: false,
    richTextType: 'RICH_TEXT_V2',
    bulkDelete: false,
    actorSources: ['EMAIL', 'CALENDAR', 'WORKFLOW', 'API', 'IMPORT', 'MANUAL', 'SYSTEM', 'WEBHOOK'],
  },
  v2: {
    name: 'v2',
    batchMax: 200,
    categoryStatuses: true,
    strictDates: true,
    richTextType: 'RICH_TEXT',
    bulkDelete: true,
    actorSources: ['EMAIL', 'CALENDAR', 'WORKFLOW', 'AGENT', 'API', 'IMPORT', 'MANUAL', 'SYSTEM', 'WEBHOOK', 'APPLICATION'],
  },
};

/** `MUTATION_MAXIMUM_AFFECTED_RECORDS` (§5): the most records one update or delete by filter may touch. */
export const MUTATION_MAXIMUM_AFFECTED_RECORDS = 100;

/** `QUERY_DEFAULT_LIMIT_RECORDS` (§1 "Find"). */
export const DEFAULT_PAGE_SIZE = 60;

export const FIELD_TYPES = [
  'UUID', 'TEXT', 'NUMBER', 'NUMERIC', 'BOOLEAN', 'DATE_TIME', 'DATE', 'SELECT', 'MULTI_SELECT', 'RATING', 'ARRAY',
  'RAW_JSON', 'POSITION', 'RELATION', 'CURRENCY', 'LINKS', 'PHONES', 'EMAILS', 'FULL_NAME', 'ADDRESS', 'ACTOR',
  'RICH_TEXT', 'RICH_TEXT_V2',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** Types a client may create through `POST /rest/metadata/fields` (the ones an importer needs, per issue 3). */
export const CREATABLE_FIELD_TYPES: readonly FieldType[] = [
  'TEXT', 'NUMBER', 'BOOLEAN', 'DATE_TIME', 'DATE', 'SELECT', 'MULTI_SELECT', 'CURRENCY', 'LINKS', 'PHONES', 'EMAILS',
  'RAW_JSON', 'RELATION', 'FULL_NAME', 'ADDRESS', 'ARRAY', 'UUID', 'RATING', 'NUMERIC',
];

/** Types a unique index can be put on. */
export const UNIQUE_CAPABLE_TYPES: readonly FieldType[] = [
  'TEXT', 'NUMBER', 'NUMERIC', 'DATE_TIME', 'DATE', 'SELECT', 'UUID', 'EMAILS', 'LINKS', 'PHONES',
];

/** Composite types: subfields with their defaults (what a created record holds when the subfield is not sent). */
export const COMPOSITES: Partial<Record<FieldType, Record<string, unknown>>> = {
  FULL_NAME: { firstName: '', lastName: '' },
  EMAILS: { primaryEmail: '', additionalEmails: null },
  PHONES: { primaryPhoneNumber: '', primaryPhoneCountryCode: '', primaryPhoneCallingCode: '', additionalPhones: null },
  LINKS: { primaryLinkUrl: '', primaryLinkLabel: '', secondaryLinks: null },
  CURRENCY: { amountMicros: null, currencyCode: '' },
  ADDRESS: {
    addressStreet1: '', addressStreet2: '', addressCity: '', addressPostcode: '', addressState: '', addressCountry: '',
    addressLat: null, addressLng: null,
  },
  ACTOR: { source: 'MANUAL', workspaceMemberId: null, name: '', context: {} },
  RICH_TEXT_V2: { blocknote: null, markdown: null },
  RICH_TEXT: { blocknote: null, markdown: null },
};

/**
 * The subfield a composite contributes to a unique index: its first `isIncludedInUniqueConstraint` property
 * (§1 "Upsert": EMAILS → primaryEmail, LINKS → primaryLinkUrl, PHONES → primaryPhoneNumber).
 */
export const UNIQUE_SUBFIELD: Partial<Record<FieldType, string>> = {
  EMAILS: 'primaryEmail',
  LINKS: 'primaryLinkUrl',
  PHONES: 'primaryPhoneNumber',
};

export { TAG_COLORS };

export interface SelectOption {
  id: string;
  value: string;
  label: string;
  color: string;
  position: number;
}

export type RelationType = 'MANY_TO_ONE' | 'ONE_TO_MANY';
export type OnDelete = 'SET_NULL' | 'CASCADE';

export interface FieldMeta {
  id: string;
  objectMetadataId: string;
  name: string;
  label: string;
  type: FieldType;
  description: string | null;
  icon: string | null;
  isCustom: boolean;
  isActive: boolean;
  isSystem: boolean;
  isNullable: boolean;
  isUnique: boolean;
  /** Twenty's notation: SQL-quoted strings (`"'NEW'"`), plain numbers and booleans, composite objects. */
  defaultValue: unknown;
  options: SelectOption[] | null;
  settings: Record<string, unknown> | null;
  /** RELATION only: the other side. */
  relation: { type: RelationType; targetObjectMetadataId: string; targetFieldMetadataId: string } | null;
  createdAt: string;
  updatedAt: string;
}

export interface ObjectMeta {
  id: string;
  nameSingular: string;
  namePlural: string;
  labelSingular: string;
  labelPlural: string;
  description: string | null;
  icon: string | null;
  isCustom: boolean;
  isActive: boolean;
  isSystem: boolean;
  createdAt: string;
  updatedAt: string;
  labelIdentifierFieldMetadataId: string | null;
  imageIdentifierFieldMetadataId: string | null;
  fields: FieldMeta[];
  /** Unique indexes beyond the primary key, each a list of field names (a field with isUnique has its own). */
  uniqueIndexes: string[][];
}

/** A field's default from Twenty's notation: `"'NEW'"` → `NEW`, `'now'`, `'uuid'`, numbers, booleans, arrays. */
export function defaultOf(field: FieldMeta, nowIso: string): unknown {
  const composite = COMPOSITES[field.type];
  if (composite) {
    const out = structuredClone(composite);
    if (typeof field.defaultValue === 'object' && field.defaultValue !== null && !Array.isArray(field.defaultValue)) {
      for (const [k, v] of Object.entries(field.defaultValue)) if (k in out) out[k] = unquote(v);
    }
    return out;
  }
  const d = field.defaultValue;
  if (d === 'now') return nowIso;
  if (d === 'uuid') return randomUUID();
  if (Array.isArray(d)) return d.map(unquote);
  return unquote(d);
}

function unquote(v: unknown): unknown {
  return typeof v === 'string' && /^'.*'$/s.test(v) ? v.slice(1, -1) : v;
}

/** The join column of a MANY_TO_ONE relation field (`company` → `companyId`). */
export function joinColumnOf(field: FieldMeta): string | undefined {
  if (field.type !== 'RELATION' || field.relation?.type !== 'MANY_TO_ONE') return undefined;
  const name = field.settings?.['joinColumnName'];
  return typeof name === 'string' ? name : `${field.name}Id`;
}

/** The field a record key names: a field name, or the join column of a MANY_TO_ONE relation. */
export function fieldForKey(object: ObjectMeta, key: string): { field: FieldMeta; isJoinColumn: boolean } | undefined {
  for (const field of object.fields) {
    if (field.name === key) return { field, isJoinColumn: false };
    if (joinColumnOf(field) === key) return { field, isJoinColumn: true };
  }
  return undefined;
}

/** Unique indexes of an object, each as the record paths its values are read from (`emails.primaryEmail`, `noteId`). */
export function uniqueIndexPaths(object: ObjectMeta): { fields: string[]; paths: string[] }[] {
  const groups = [
    ...object.fields.filter((f) => f.isUnique && !object.uniqueIndexes.some((g) => g.length === 1 && g[0] === f.name)).map((f) => [f.name]),
    ...object.uniqueIndexes,
  ];
  const result: { fields: string[]; paths: string[] }[] = [];
  for (const group of groups) {
    const paths: string[] = [];
    for (const name of group) {
      const field = object.fields.find((f) => f.name === name);
      if (!field) continue;
      const join = joinColumnOf(field);
      const sub = UNIQUE_SUBFIELD[field.type];
      paths.push(join ?? (sub ? `${field.name}.${sub}` : field.name));
    }
    if (paths.length === group.length) result.push({ fields: group, paths });
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// Standard objects

interface FieldSpec {
  name: string;
  label: string;
  type: FieldType;
  isSystem?: boolean;
  isNullable?: boolean;
  isUnique?: boolean;
  defaultValue?: unknown;
  options?: [value: string, label: string, color: string][];
  icon?: string;
}

interface ObjectSpec {
  nameSingular: string;
  namePlural: string;
  labelSingular: string;
  labelPlural: string;
  icon: string;
  /** Objects Twenty manages itself (workspaceMember), flagged `isSystem` in metadata. */
  isSystem?: boolean;
  fields: FieldSpec[];
  uniqueIndexes?: string[][];
}

interface RelationSpec {
  /** MANY_TO_ONE side: object and field name (join column `${field}Id`). */
  from: [object: string, field: string, label: string];
  /** ONE_TO_MANY side on the target. */
  to: [object: string, field: string, label: string];
  onDelete: OnDelete;
}

/** Base fields every object carries (§4: id, createdAt, updatedAt, deletedAt, createdBy, …). */
function baseFields(): FieldSpec[] {
  return [
    { name: 'id', label: 'Id', type: 'UUID', isSystem: true, isNullable: false, defaultValue: 'uuid' },
    { name: 'createdAt', label: 'Creation date', type: 'DATE_TIME', isNullable: false, defaultValue: 'now' },
    { name: 'updatedAt', label: 'Last update', type: 'DATE_TIME', isNullable: false, defaultValue: 'now' },
    { name: 'deletedAt', label: 'Deleted at', type: 'DATE_TIME', isNullable: true },
    { name: 'createdBy', label: 'Created by', type: 'ACTOR', isNullable: false, defaultValue: { name: "''", source: "'MANUAL'" } },
    { name: 'updatedBy', label: 'Updated by', type: 'ACTOR', isNullable: false, defaultValue: { name: "''", source: "'MANUAL'" } },
    { name: 'position', label: 'Position', type: 'POSITION', isSystem: true, isNullable: false, defaultValue: 0 },
  ];
}

const OPPORTUNITY_STAGES: [string, string, string][] = [
  ['NEW', 'New', 'red'],
  ['SCREENING', 'Screening', 'purple'],
  ['MEETING', 'Meeting', 'sky'],
  ['PROPOSAL', 'Proposal', 'turquoise'],
  ['CUSTOMER', 'Customer', 'yellow'],
];

const TASK_STATUSES: [string, string, string][] = [
  ['TODO', 'To do', 'sky'],
  ['IN_PROGRESS', 'In progress', 'purple'],
  ['DONE', 'Done', 'green'],
];

function standardObjects(profile: Profile): { objects: ObjectSpec[]; relations: RelationSpec[] } {
  const v1 = profile.name === 'v1';
  const text = (name: string, label: string): FieldSpec => ({ name, label, type: 'TEXT', defaultValue: "''" });
  const links = (name: string, label: string): FieldSpec => ({ name, label, type: 'LINKS' });
  const body: FieldSpec = { name: 'bodyV2', label: 'Body', type: profile.richTextType };

  const person: ObjectSpec = {
    nameSingular: 'person', namePlural: 'people', labelSingular: 'Person', labelPlural: 'People', icon: 'IconUser',
    fields: [
      { name: 'name', label: 'Name', type: 'FULL_NAME' },
      { name: 'emails', label: 'Emails', type: 'EMAILS', isUnique: true },
      links('linkedinLink', 'Linkedin'),
      ...(v1 ? [links('xLink', 'X')] : []),
      text('jobTitle', 'Job Title'),
      { name: 'phones', label: 'Phones', type: 'PHONES' },
      ...(v1 ? [text('city', 'City')] : []),
      { ...text('avatarUrl', 'Avatar'), isSystem: true },
    ],
  };
  const company: ObjectSpec = {
    nameSingular: 'company', namePlural: 'companies', labelSingular: 'Company', labelPlural: 'Companies', icon: 'IconBuildingSkyscraper',
    fields: [
      text('name', 'Name'),
      { name: 'domainName', label: 'Domain', type: 'LINKS', isUnique: true },
      ...(v1 ? [{ name: 'employees', label: 'Employees', type: 'NUMBER' } as FieldSpec] : []),
      links('linkedinLink', 'Linkedin'),
      ...(v1 ? [links('xLink', 'X')] : []),
      { name: v1 ? 'annualRecurringRevenue' : 'annualRevenue', label: v1 ? 'ARR' : 'Annual revenue', type: 'CURRENCY' },
      { name: 'address', label: 'Address', type: 'ADDRESS' },
      ...(v1 ? [{ name: 'idealCustomerProfile', label: 'ICP', type: 'BOOLEAN', isNullable: false, defaultValue: false } as FieldSpec] : []),
    ],
  };
  const opportunity: ObjectSpec = {
    nameSingular: 'opportunity', namePlural: 'opportunities', labelSingular: 'Opportunity', labelPlural: 'Opportunities', icon: 'IconTargetArrow',
    fields: [
      text('name', 'Name'),
      { name: 'amount', label: 'Amount', type: 'CURRENCY' },
      { name: 'closeDate', label: 'Close date', type: 'DATE_TIME' },
      { name: 'stage', label: 'Stage', type: 'SELECT', isNullable: false, defaultValue: "'NEW'", options: OPPORTUNITY_STAGES },
    ],
  };
  const note: ObjectSpec = {
    nameSingular: 'note', namePlural: 'notes', labelSingular: 'Note', labelPlural: 'Notes', icon: 'IconNotes',
    fields: [text('title', 'Title'), body],
  };
  // 2.43 adds `opportunity.owner` → workspaceMember (§4). Every relation here points at an object, so v2 gets a
  // minimal workspaceMember (base fields plus `name`), a system object as in Twenty; v1 has neither.
  const workspaceMember: ObjectSpec = {
    nameSingular: 'workspaceMember', namePlural: 'workspaceMembers', labelSingular: 'Workspace Member', labelPlural: 'Workspace Members',
    icon: 'IconUserCircle', isSystem: true,
    fields: [{ name: 'name', label: 'Name', type: 'FULL_NAME' }],
  };
  const task: ObjectSpec = {
    nameSingular: 'task', namePlural: 'tasks', labelSingular: 'Task', labelPlural: 'Tasks', icon: 'IconCheckbox',
    fields: [
      text('title', 'Title'),
      body,
      { name: 'dueAt', label: 'Due Date', type: 'DATE_TIME' },
      { name: 'status', label: 'Status', type: 'SELECT', defaultValue: "'TODO'", options: TASK_STATUSES },
    ],
  };
  // Target link columns: `personId`… in 1.x, `targetPersonId`… in 2.43 (§4 noteTargets/taskTargets).
  const target = (name: 'person' | 'company' | 'opportunity'): string => (v1 ? name : `target${name[0]!.toUpperCase()}${name.slice(1)}`);
  const targetsOf = (parent: 'note' | 'task'): string[][] =>
    v1 ? [] : (['person', 'company', 'opportunity'] as const).map((t) => [parent, target(t)]);
  const noteTarget: ObjectSpec = {
    nameSingular: 'noteTarget', namePlural: 'noteTargets', labelSingular: 'Note Target', labelPlural: 'Note Targets', icon: 'IconCheckbox',
    fields: [],
    uniqueIndexes: targetsOf('note'), // 2.43: notePersonUniqueIndex, … (§1 "Unique fields")
  };
  const taskTarget: ObjectSpec = {
    nameSingular: 'taskTarget', namePlural: 'taskTargets', labelSingular: 'Task Target', labelPlural: 'Task Targets', icon: 'IconCheckbox',
    fields: [],
    uniqueIndexes: targetsOf('task'),
  };

  const relations: RelationSpec[] = [
    { from: ['person', 'company', 'Company'], to: ['company', 'people', 'People'], onDelete: 'SET_NULL' },
    { from: ['opportunity', 'company', 'Company'], to: ['company', 'opportunities', 'Opportunities'], onDelete: 'SET_NULL' },
    { from: ['opportunity', 'pointOfContact', 'Point of Contact'], to: ['person', 'pointOfContactForOpportunities', 'Linked Opportunities'], onDelete: 'SET_NULL' },
    ...(v1 ? [] : [{ from: ['opportunity', 'owner', 'Owner'], to: ['workspaceMember', 'ownedOpportunities', 'Opportunities'], onDelete: 'SET_NULL' } satisfies RelationSpec]),
  ];
  for (const [parent, parentPlural] of [['note', 'noteTargets'], ['task', 'taskTargets']] as const) {
    const targetObject = `${parent}Target`;
    relations.push({ from: [targetObject, parent, parent === 'note' ? 'Note' : 'Task'], to: [parent, parentPlural, parent === 'note' ? 'Relations' : 'Relations'], onDelete: 'CASCADE' });
    for (const t of ['person', 'company', 'opportunity'] as const) {
      relations.push({ from: [targetObject, target(t), t[0]!.toUpperCase() + t.slice(1)], to: [t, parentPlural, parent === 'note' ? 'Notes' : 'Tasks'], onDelete: 'CASCADE' });
    }
  }
  return { objects: [person, company, opportunity, note, task, noteTarget, taskTarget, ...(v1 ? [] : [workspaceMember])], relations };
}

export function newField(objectMetadataId: string, spec: Omit<FieldMeta, 'id' | 'objectMetadataId' | 'createdAt' | 'updatedAt'>, now: string): FieldMeta {
  return { id: randomUUID(), objectMetadataId, ...spec, createdAt: now, updatedAt: now };
}

function fieldFromSpec(objectId: string, spec: FieldSpec, isCustom: boolean, now: string): FieldMeta {
  return newField(objectId, {
    name: spec.name,
    label: spec.label,
    type: spec.type,
    description: null,
    icon: spec.icon ?? null,
    isCustom,
    isActive: true,
    isSystem: spec.isSystem ?? false,
    isNullable: spec.isNullable ?? true,
    isUnique: spec.isUnique ?? false,
    defaultValue: spec.defaultValue ?? null,
    options: spec.options ? spec.options.map(([value, label, color], position) => ({ id: randomUUID(), value, label, color, position })) : null,
    settings: null,
    relation: null,
  }, now);
}

/** A new object with Twenty's base fields plus the given ones; custom objects also get a `name` label field. */
export function buildObject(
  spec: Pick<ObjectSpec, 'nameSingular' | 'namePlural' | 'labelSingular' | 'labelPlural' | 'isSystem'> & { icon?: string | null; description?: string | null; fields?: FieldSpec[]; uniqueIndexes?: string[][] },
  isCustom: boolean,
  now: string,
): ObjectMeta {
  const id = randomUUID();
  const own = spec.fields ?? (isCustom ? [{ name: 'name', label: 'Name', type: 'TEXT', defaultValue: "'Untitled'" } satisfies FieldSpec] : []);
  const fields = [...baseFields(), ...own].map((f) => fieldFromSpec(id, f, false, now));
  const labelField = fields.find((f) => f.name === 'name' || f.name === 'title');
  return {
    id,
    nameSingular: spec.nameSingular,
    namePlural: spec.namePlural,
    labelSingular: spec.labelSingular,
    labelPlural: spec.labelPlural,
    description: spec.description ?? null,
    icon: spec.icon ?? null,
    isCustom,
    isActive: true,
    isSystem: spec.isSystem ?? false,
    createdAt: now,
    updatedAt: now,
    labelIdentifierFieldMetadataId: labelField?.id ?? null,
    imageIdentifierFieldMetadataId: null,
    fields,
    uniqueIndexes: spec.uniqueIndexes ?? [],
  };
}

/** Adds a MANY_TO_ONE field on `source` and its ONE_TO_MANY inverse on `target`; returns [manyToOne, oneToMany]. */
export function linkObjects(
  source: ObjectMeta,
  sourceField: { name: string; label: string; icon?: string | null; description?: string | null },
  target: ObjectMeta,
  targetField: { name: string; label: string; icon?: string | null },
  options: { onDelete: OnDelete; isCustom: boolean; now: string },
): [FieldMeta, FieldMeta] {
  const common = { isCustom: options.isCustom, isActive: true, isSystem: false, isNullable: true, isUnique: false, defaultValue: null, options: null } as const;
  const manyToOne = newField(source.id, {
    ...common,
    name: sourceField.name,
    label: sourceField.label,
    type: 'RELATION',
    description: sourceField.description ?? null,
    icon: sourceField.icon ?? null,
    settings: { relationType: 'MANY_TO_ONE', joinColumnName: `${sourceField.name}Id`, onDelete: options.onDelete },
    relation: null,
  }, options.now);
  const oneToMany = newField(target.id, {
    ...common,
    name: targetField.name,
    label: targetField.label,
    type: 'RELATION',
    description: null,
    icon: targetField.icon ?? null,
    settings: { relationType: 'ONE_TO_MANY' },
    relation: null,
  }, options.now);
  manyToOne.relation = { type: 'MANY_TO_ONE', targetObjectMetadataId: target.id, targetFieldMetadataId: oneToMany.id };
  oneToMany.relation = { type: 'ONE_TO_MANY', targetObjectMetadataId: source.id, targetFieldMetadataId: manyToOne.id };
  source.fields.push(manyToOne);
  target.fields.push(oneToMany);
  return [manyToOne, oneToMany];
}

/** The standard data model of a profile. */
export function standardModel(profile: Profile, now: string): ObjectMeta[] {
  const { objects: specs, relations } = standardObjects(profile);
  const objects = specs.map((spec) => buildObject(spec, false, now));
  const byName = new Map(objects.map((o) => [o.nameSingular, o]));
  for (const rel of relations) {
    const source = byName.get(rel.from[0])!;
    const target = byName.get(rel.to[0])!;
    linkObjects(source, { name: rel.from[1], label: rel.from[2] }, target, { name: rel.to[1], label: rel.to[2] }, { onDelete: rel.onDelete, isCustom: false, now });
  }
  return objects;
}
