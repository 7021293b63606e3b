/**
 * Schema discovery through Twenty's REST metadata API (`GET /rest/metadata/objects`, twenty-api.md §2): objects,
 * their fields with types, select options, unique flags and relations. Field names and limits change between
 * Twenty versions, so nothing here assumes a version; capabilities.ts reads the differences off the result.
 *
 * Answer shapes accepted: the GraphQL wrappers stripped by `cleanGraphQLResponse`
 * (`{data: {objects: [{..., fields: [...]}]}, pageInfo}`), newer metadata lists (`{data: [...]}`), and objects
 * listed without their fields, in which case `GET /rest/metadata/fields` is read and grouped by object.
 */
import { TwentyResponseError } from './errors.js';
import type { EventSink } from './events.js';
import type { Send } from './http.js';
import { asList, isRecord, listIn, pageInfoIn, str } from './response.js';

export interface SelectOption {
  id?: string;
  value: string;
  label: string;
  color?: string;
  position?: number;
}

export interface RelationInfo {
  /** `MANY_TO_ONE`, `ONE_TO_MANY`, ... as the server names it. */
  type: string | undefined;
  targetObject: { id?: string; nameSingular?: string; namePlural?: string } | undefined;
  targetFieldName: string | undefined;
}

export interface TwentyField {
  id: string;
  /** The object this field belongs to. */
  objectId: string;
  name: string;
  label: string;
  /** `TEXT`, `SELECT`, `RELATION`, ... (the `FieldMetadataType` enum, §3). */
  type: string;
  isCustom: boolean;
  isActive: boolean;
  isSystem: boolean;
  isNullable: boolean;
  /** undefined when the server does not report it (older REST metadata selections leave it out). */
  isUnique: boolean | undefined;
  /** For SELECT, MULTI_SELECT and RATING. */
  options: SelectOption[] | undefined;
  relation: RelationInfo | undefined;
  /** The relation's join column (`companyId`, `targetPersonId`), from `settings.joinColumnName` when present. */
  joinColumnName: string | undefined;
  defaultValue: unknown;
  settings: unknown;
}

export interface TwentyObject {
  id: string;
  nameSingular: string;
  namePlural: string;
  labelSingular: string;
  labelPlural: string;
  isCustom: boolean;
  isActive: boolean;
  isSystem: boolean;
  fields: TwentyField[];
}

/** A snapshot of a workspace's data model. */
export class TwentySchema {
  readonly objects: readonly TwentyObject[];
  /** When it was read (ms since epoch). */
  readonly fetchedAt: number;

  constructor(objects: TwentyObject[], fetchedAt = Date.now()) {
    this.objects = objects;
    this.fetchedAt = fetchedAt;
  }

  /** An object by its singular or plural API name (`person` or `people`). */
  object(name: string): TwentyObject | undefined {
    return this.objects.find((o) => o.nameSingular === name) ?? this.objects.find((o) => o.namePlural === name);
  }

  /** A field of an object (by the object's singular or plural name). */
  field(object: string, field: string): TwentyField | undefined {
    return this.object(object)?.fields.find((f) => f.name === field);
  }
}

function bool(v: unknown, fallback: boolean): boolean {
  return typeof v === 'boolean' ? v : fallback;
}

function parseOptions(v: unknown): SelectOption[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: SelectOption[] = [];
  for (const o of v) {
    if (!isRecord(o)) continue;
    const value = str(o.value);
    if (value === undefined) continue;
    const id = str(o.id);
    const color = str(o.color);
    out.push({
      value,
      label: str(o.label) ?? value,
      ...(id === undefined ? {} : { id }),
      ...(color === undefined ? {} : { color }),
      ...(typeof o.position === 'number' ? { position: o.position } : {}),
    });
  }
  return out;
}

function parseRelation(v: unknown): RelationInfo | undefined {
  if (!isRecord(v)) return undefined;
  const target = v.targetObjectMetadata ?? v.toObjectMetadata;
  const targetField = v.targetFieldMetadata ?? v.toFieldMetadata;
  const targetObject = isRecord(target)
    ? {
        ...(str(target.id) === undefined ? {} : { id: str(target.id) as string }),
        ...(str(target.nameSingular) === undefined ? {} : { nameSingular: str(target.nameSingular) as string }),
        ...(str(target.namePlural) === undefined ? {} : { namePlural: str(target.namePlural) as string }),
      }
    : undefined;
  return {
    type: str(v.type) ?? str(v.relationType) ?? str(v.direction),
    targetObject,
    targetFieldName: isRecord(targetField) ? str(targetField.name) : undefined,
  };
}

/** One field from the metadata API; undefined for an entry without id, name or type. */
export function parseField(v: unknown, objectId: string): TwentyField | undefined {
  if (!isRecord(v)) return undefined;
  const id = str(v.id);
  const name = str(v.name);
  const type = str(v.type);
  if (id === undefined || name === undefined || type === undefined) return undefined;
  const settings = v.settings;
  return {
    id,
    objectId: str(v.objectMetadataId) ?? objectId,
    name,
    label: str(v.label) ?? name,
    type,
    isCustom: bool(v.isCustom, false),
    isActive: bool(v.isActive, true),
    isSystem: bool(v.isSystem, false),
    isNullable: bool(v.isNullable, true),
    isUnique: typeof v.isUnique === 'boolean' ? v.isUnique : undefined,
    options: parseOptions(v.options),
    relation: parseRelation(v.relation ?? v.relationDefinition),
    joinColumnName: isRecord(settings) ? str(settings.joinColumnName) : undefined,
    defaultValue: v.defaultValue,
    settings,
  };
}

/** One object; `fields` is undefined when the answer did not list them. */
export function parseObject(v: unknown): (Omit<TwentyObject, 'fields'> & { fields: TwentyField[] | undefined }) | undefined {
  if (!isRecord(v)) return undefined;
  const id = str(v.id);
  const nameSingular = str(v.nameSingular);
  const namePlural = str(v.namePlural);
  if (id === undefined || nameSingular === undefined || namePlural === undefined) return undefined;
  const rawFields = asList(v.fields);
  return {
    id,
    nameSingular,
    namePlural,
    labelSingular: str(v.labelSingular) ?? nameSingular,
    labelPlural: str(v.labelPlural) ?? namePlural,
    isCustom: bool(v.isCustom, false),
    isActive: bool(v.isActive, true),
    isSystem: bool(v.isSystem, false),
    fields: rawFields?.map((f) => parseField(f, id)).filter((f) => f !== undefined),
  };
}

const PAGE_LIMIT = 1000;
const MAX_PAGES = 100;

/** Every item of a metadata list, following `pageInfo.endCursor` (`limit` defaults to 1000 server-side). */
async function readAll(send: Send, resource: 'objects' | 'fields'): Promise<unknown[]> {
  const path = `/rest/metadata/${resource}`;
  const items: unknown[] = [];
  let after: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const body = await send({
      method: 'GET',
      path,
      query: { limit: PAGE_LIMIT, ...(after === undefined ? {} : { starting_after: after }) },
    });
    const list = listIn(body, resource);
    if (list === undefined) {
      throw new TwentyResponseError(`expected a list of ${resource}`, { call: { method: 'GET', path } });
    }
    items.push(...list);
    const info = pageInfoIn(body, resource);
    if (!info.hasNextPage || list.length === 0 || info.endCursor === undefined || info.endCursor === after) return items;
    after = info.endCursor;
  }
  throw new TwentyResponseError(`more than ${MAX_PAGES} pages of ${resource}`, { call: { method: 'GET', path } });
}

/** Reads the whole data model. */
export async function fetchSchema(send: Send): Promise<TwentySchema> {
  const parsed = (await readAll(send, 'objects')).map(parseObject).filter((o) => o !== undefined);
  if (parsed.every((o) => o.fields !== undefined)) {
    return new TwentySchema(parsed.map((o) => ({ ...o, fields: o.fields ?? [] })));
  }
  // Some versions list objects without fields: read the fields and group them by their object.
  const byObject = new Map<string, TwentyField[]>();
  for (const raw of await readAll(send, 'fields')) {
    if (!isRecord(raw)) continue;
    const objectId = str(raw.objectMetadataId) ?? (isRecord(raw.object) ? str(raw.object.id) : undefined);
    const field = objectId === undefined ? undefined : parseField(raw, objectId);
    if (field === undefined) continue;
    const list = byObject.get(field.objectId) ?? [];
    list.push(field);
    byObject.set(field.objectId, list);
  }
  if (byObject.size === 0 && parsed.length > 0) {
    throw new TwentyResponseError('the metadata API listed objects but no fields with their object', {
      call: { method: 'GET', path: '/rest/metadata/fields' },
    });
  }
  return new TwentySchema(parsed.map((o) => ({ ...o, fields: o.fields ?? byObject.get(o.id) ?? [] })));
}

/**
 * The schema, read once and kept; `refresh()` after every schema change. Concurrent `get()` callers share one read;
 * a `refresh()` always reads anew, and an older read finishing late never replaces a newer one.
 */
export class SchemaCache {
  private current: TwentySchema | undefined;
  private pending: Promise<TwentySchema> | undefined;
  private started = 0;
  private applied = 0;
  private reads = 0;

  constructor(
    private readonly send: Send,
    private readonly onEvent?: EventSink,
  ) {}

  /** The cached schema, read first if there is none yet. */
  get(): Promise<TwentySchema> {
    if (this.current !== undefined) return Promise.resolve(this.current);
    return this.pending ?? this.refresh();
  }

  /** Reads the schema again. */
  refresh(): Promise<TwentySchema> {
    const generation = ++this.started;
    const pending = fetchSchema(this.send).then((schema) => {
      this.reads++;
      if (generation > this.applied) {
        this.applied = generation;
        this.current = schema;
      }
      this.onEvent?.({ type: 'schema-refreshed', objects: schema.objects.length });
      return schema;
    });
    this.pending = pending;
    const clear = (): void => {
      if (this.pending === pending) this.pending = undefined;
    };
    pending.then(clear, clear);
    return pending;
  }

  /** How many times the schema was read (for tests and stats). */
  get readCount(): number {
    return this.reads;
  }
}
