/**
 * A small in-test stand-in for Twenty, just enough for the client's unit tests: the metadata routes, batch upsert on
 * a unique `kartraLeadId` with all-or-nothing batches and a batch maximum, paging, update, destroy, restore.
 * It counts how often each record is written, so tests can prove "exactly once". (The full sandbox, written to the
 * contract, lives in src/sandbox/; the contract suite runs the client against it.)
 */
import type { ServerResponse } from 'node:http';
import { json, startServer, twentyError, type Hit, type TestServer } from './helpers.js';

export interface FakeField {
  id: string;
  name: string;
  label: string;
  type: string;
  isCustom: boolean;
  isActive: boolean;
  isSystem: boolean;
  isNullable: boolean;
  isUnique?: boolean;
  options?: Array<{ id: string; value: string; label: string; color: string; position: number }> | null;
  settings?: Record<string, unknown> | null;
  relation?: unknown;
}

export interface FakeObject {
  id: string;
  nameSingular: string;
  namePlural: string;
  labelSingular: string;
  labelPlural: string;
  isCustom: boolean;
  isActive: boolean;
  isSystem: boolean;
  fields: FakeField[];
}

export interface FakeOptions {
  /** `QUERY_MAX_RECORDS`. Default 200. */
  batchMax?: number;
  /** Whether the too-large message states the maximum. Default true. */
  statesMax?: boolean;
  /** v1: noteTarget.person / personId, person.city and xLink; v2: targetPerson / targetPersonId, no city or xLink. */
  profile?: 'v1' | 'v2';
  /** The server message for a record this fake refuses, or undefined. Default: records with `bad: true`. */
  refuse?: (record: Record<string, unknown>) => string | undefined;
  /** List objects without their fields (some versions do), so the client must read /rest/metadata/fields. */
  objectsWithoutFields?: boolean;
}

let counter = 0;
const uuid = (): string => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;

function field(name: string, type: string, extra: Partial<FakeField> = {}): FakeField {
  return { id: uuid(), name, label: name, type, isCustom: false, isActive: true, isSystem: false, isNullable: true, isUnique: false, options: null, settings: null, ...extra };
}

function object(nameSingular: string, namePlural: string, fields: FakeField[]): FakeObject {
  return { id: uuid(), nameSingular, namePlural, labelSingular: nameSingular, labelPlural: namePlural, isCustom: false, isActive: true, isSystem: false, fields };
}

function relation(name: string, join: string, target: string): FakeField {
  return field(name, 'RELATION', { settings: { joinColumnName: join }, relation: { type: 'MANY_TO_ONE', targetObjectMetadata: { nameSingular: target } } });
}

export class FakeTwenty {
  readonly objects: FakeObject[];
  readonly people: Array<Record<string, unknown> & { id: string }> = [];
  /** kartraLeadId → times the record was created / written (created or updated). */
  readonly created = new Map<string, number>();
  readonly writes = new Map<string, number>();
  /** A hook run before routing; return true when it answered the request itself (fault injection). */
  intercept: ((hit: Hit, res: ServerResponse) => boolean) | undefined;
  private server!: TestServer;

  private constructor(private readonly options: FakeOptions) {
    const v1 = (options.profile ?? 'v1') === 'v1';
    const prefix = (t: string): string => (v1 ? t : `target${t.charAt(0).toUpperCase()}${t.slice(1)}`);
    this.objects = [
      object('person', 'people', [
        field('id', 'UUID', { isSystem: true, isNullable: false, isUnique: true }),
        field('name', 'FULL_NAME'),
        field('emails', 'EMAILS', { isUnique: true }),
        field('jobTitle', 'TEXT'),
        ...(v1 ? [field('city', 'TEXT'), field('xLink', 'LINKS')] : []),
        relation('company', 'companyId', 'company'),
        field('kartraScore', 'NUMBER', { isCustom: true }),
        field('kartraStatus', 'SELECT', {
          isCustom: true,
          options: [{ id: 'opt-active', value: 'ACTIVE', label: 'Active', color: 'green', position: 0 }],
        }),
      ]),
      object('company', 'companies', [field('id', 'UUID', { isSystem: true }), field('name', 'TEXT'), field('domainName', 'LINKS', { isUnique: true })]),
      object('noteTarget', 'noteTargets', [
        relation('note', 'noteId', 'note'),
        relation(prefix('person'), `${prefix('person')}Id`, 'person'),
        relation(prefix('company'), `${prefix('company')}Id`, 'company'),
        relation(prefix('opportunity'), `${prefix('opportunity')}Id`, 'opportunity'),
      ]),
    ];
  }

  static async start(options: FakeOptions = {}): Promise<FakeTwenty> {
    const fake = new FakeTwenty(options);
    fake.server = await startServer((hit, res) => fake.handle(hit, res));
    return fake;
  }

  get url(): string {
    return this.server.url;
  }

  get hits(): Hit[] {
    return this.server.hits;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  /** Requests to a route: `calls('POST', '/rest/batch/people')`. */
  calls(method: string, path: string): Hit[] {
    return this.hits.filter((h) => h.method === method && h.path === path);
  }

  person(leadId: string): (Record<string, unknown> & { id: string }) | undefined {
    return this.people.find((p) => p.kartraLeadId === leadId);
  }

  private handle(hit: Hit, res: ServerResponse): void {
    if (this.intercept?.(hit, res) === true) return;
    const parts = hit.path.split('/').filter((p) => p !== '').map(decodeURIComponent);
    const route = `${hit.method} /${parts.slice(0, 3).join('/')}`;
    if (route === 'GET /rest/metadata/objects') {
      const objects = this.objects.map((o) => (this.options.objectsWithoutFields ? { ...o, fields: undefined } : o));
      return json(res, 200, { data: { objects }, pageInfo: { hasNextPage: false } });
    }
    if (route === 'GET /rest/metadata/fields') {
      const fields = this.objects.flatMap((o) => o.fields.map((f) => ({ ...f, objectMetadataId: o.id })));
      return json(res, 200, { data: { fields }, pageInfo: { hasNextPage: false } });
    }
    if (route === 'POST /rest/metadata/fields') return this.createField(hit, res);
    if (route === 'PATCH /rest/metadata/fields') return this.updateField(parts[3] ?? '', hit, res);
    if (route === 'POST /rest/metadata/objects') return this.createObject(hit, res);
    if (route === 'POST /rest/batch/people') return this.batch(hit, res);
    if (hit.method === 'PATCH' && parts[1] === 'restore' && parts[2] === 'people') return this.restore(parts[3] ?? '', res);
    if (parts[1] === 'people') {
      const id = parts[2];
      if (id === undefined && hit.method === 'GET') return this.list(hit, res);
      const person = this.people.find((p) => p.id === id);
      if (person === undefined) return twentyError(res, 404, `Record with id ${id} not found`, 'RECORD_NOT_FOUND');
      if (hit.method === 'GET') return json(res, 200, { data: { person } });
      if (hit.method === 'PATCH') {
        Object.assign(person, hit.body as object);
        return json(res, 200, { data: { updatePerson: person } });
      }
      if (hit.method === 'DELETE') {
        this.people.splice(this.people.indexOf(person), 1);
        return json(res, 200, { data: { deletePerson: { id: person.id } } });
      }
    }
    return twentyError(res, 404, `Cannot ${hit.method} ${hit.path}`);
  }

  private createField(hit: Hit, res: ServerResponse): void {
    const body = hit.body as Record<string, unknown>;
    const target = this.objects.find((o) => o.id === body.objectMetadataId);
    if (target === undefined) return twentyError(res, 404, 'Object not found', 'OBJECT_METADATA_NOT_FOUND');
    const name = String(body.name);
    if (target.fields.some((f) => f.name === name)) {
      return twentyError(res, 400, `Name "${name}" is not available as it is already used by another field`, 'NOT_AVAILABLE');
    }
    const options = Array.isArray(body.options)
      ? (body.options as Array<Record<string, unknown>>).map((o) => ({ id: uuid(), value: String(o.value), label: String(o.label), color: String(o.color), position: Number(o.position) }))
      : null;
    const created = field(name, String(body.type), { label: String(body.label), isCustom: true, isUnique: body.isUnique === true, options });
    target.fields.push(created);
    return json(res, 201, { data: { createOneField: created } });
  }

  private updateField(id: string, hit: Hit, res: ServerResponse): void {
    const found = this.objects.flatMap((o) => o.fields).find((f) => f.id === id);
    if (found === undefined) return twentyError(res, 404, 'Field not found', 'FIELD_METADATA_NOT_FOUND');
    const update = hit.body as { options?: Array<Record<string, unknown>> };
    if (update.options !== undefined) {
      found.options = update.options.map((o) => ({ id: typeof o.id === 'string' ? o.id : uuid(), value: String(o.value), label: String(o.label), color: String(o.color), position: Number(o.position) }));
    }
    return json(res, 200, { data: { updateOneField: found } });
  }

  private createObject(hit: Hit, res: ServerResponse): void {
    const body = hit.body as Record<string, string>;
    if (this.objects.some((o) => o.nameSingular === body.nameSingular || o.namePlural === body.namePlural)) {
      return twentyError(res, 400, `Name "${body.nameSingular}" is not available`, 'NOT_AVAILABLE');
    }
    const created = object(body.nameSingular ?? '', body.namePlural ?? '', [field('id', 'UUID', { isSystem: true }), field('name', 'TEXT')]);
    created.isCustom = true;
    this.objects.push(created);
    return json(res, 201, { data: { createOneObject: { ...created, fields: undefined } } });
  }

  /** `POST /rest/batch/people?upsert=true`: all-or-nothing, at most batchMax records, upsert on kartraLeadId. */
  private batch(hit: Hit, res: ServerResponse): void {
    const records = hit.body as Array<Record<string, unknown>>;
    const max = this.options.batchMax ?? 200;
    if (records.length > max) {
      const message = this.options.statesMax === false ? 'Too many records' : `Maximum number of records to upsert is ${max}.`;
      return twentyError(res, 400, message, 'TOO_MANY_RECORDS_TO_UPDATE');
    }
    const refuse = this.options.refuse ?? ((r) => (r.bad === true ? `Invalid value '${String(r.kartraStatus)}' for field "kartraStatus"` : undefined));
    for (const r of records) {
      const message = refuse(r);
      if (message !== undefined) return twentyError(res, 400, message, 'INVALID_ARGS_DATA');
    }
    if (hit.query.get('upsert') !== 'true') return twentyError(res, 400, 'expected upsert=true in this fake');
    const out = records.map((r) => {
      const lead = String(r.kartraLeadId);
      this.writes.set(lead, (this.writes.get(lead) ?? 0) + 1);
      const existing = this.person(lead);
      if (existing !== undefined) return Object.assign(existing, r, { deletedAt: null });
      this.created.set(lead, (this.created.get(lead) ?? 0) + 1);
      const person = { ...r, id: uuid(), deletedAt: null };
      this.people.push(person);
      return person;
    });
    return json(res, 201, { data: { createPeople: out } });
  }

  private list(hit: Hit, res: ServerResponse): void {
    const limit = Number(hit.query.get('limit') ?? 60);
    const after = hit.query.get('starting_after');
    const start = after === null ? 0 : Number(Buffer.from(after, 'base64url').toString()) + 1;
    const page = this.people.slice(start, start + limit);
    const end = start + page.length - 1;
    const cursor = (i: number): string => Buffer.from(String(i)).toString('base64url');
    return json(res, 200, {
      data: { people: page },
      pageInfo: { hasNextPage: end < this.people.length - 1, startCursor: cursor(start), endCursor: cursor(end) },
      totalCount: this.people.length,
    });
  }

  private restore(id: string, res: ServerResponse): void {
    const person = this.people.find((p) => p.id === id);
    if (person === undefined) return twentyError(res, 404, `Record with id ${id} not found`, 'RECORD_NOT_FOUND');
    person.deletedAt = null;
    return json(res, 200, { data: { restorePerson: person } });
  }
}
