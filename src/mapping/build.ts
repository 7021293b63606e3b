/**
 * Builds a migration's mapping document from an inspection of its exports and the live Twenty data model: the
 * proposer picks each column's destination (src/mapping/propose.ts), the optional LLM rerank reconsiders the unsure
 * ones, and this module turns the picks into fields of the workspace or planned custom fields, with their options and
 * the transforms each column needs.
 */
import { createHash } from 'node:crypto';
import type { Dataset, Inspection } from '../kartra/inspect.js';
import type { ExportKind } from '../kartra/kind.js';
import { VALUE_LIST_CAP, type ColumnProfile } from '../kartra/profile.js';
import type { TwentySchema } from '../twenty/schema.js';
import type { CandidateField } from './baseline-twenty-matcher.js';
import type { Expected, TwentyObject } from './corpus.js';
import {
  DATE_FORMATS,
  MAPPING_FORMAT,
  MAPPING_FORMAT_VERSION,
  type Destination,
  type MappingColumn,
  type MappingDocument,
  type PlannedCustomField,
  type Transforms,
} from './document.js';
import { ADDRESS_SUBFIELDS, COMPANY_KEY, FIELD_LABELS, GDPR_STATUS_MEANINGS, KARTRA_TIME_ZONE, NOTES_FIELD, PHONE_AS_WRITTEN, isRecordKey } from './kartra-decisions.js';
import { optionValueOf, planOptions, type PlannedOption } from './options.js';
import { camelName, kartraLeadFieldOf, proposeMapping, type Proposal } from './propose.js';
import { candidatesFromSchema, PRIMARY_SUBFIELD } from './schema-fields.js';
import { MAX_IDENTIFIER_LENGTH, TAG_COLORS } from '../twenty-contract.js';

/** The record each row of a dataset becomes. */
export const OBJECT_OF_DATASET: Record<ExportKind, TwentyObject> = {
  leads: 'person',
  'contact-list': 'person',
  unknown: 'person',
  transactions: 'opportunity',
  subscriptions: 'opportunity',
};

/**
 * Whether the reader recognised an export as Kartra's own: only then are Kartra's column names evidence. Other tools
 * share three of Kartra's five core lead columns (id, first_name, email), so a leads export needs more than that.
 */
export function isKartraExport(kind: ExportKind, confidence: number): boolean {
  if (kind === 'transactions' || kind === 'subscriptions') return true;
  return kind === 'leads' && confidence >= KARTRA_LEADS_CONFIDENCE;
}
const KARTRA_LEADS_CONFIDENCE = 0.75;

/** One column of a dataset, its profile merged over the dataset's files. */
export type DatasetColumn = {
  header: string;
  valueType: string;
  fillRate: number;
  distinct: number;
  samples: string[];
  values?: string[];
  separator?: ';' | ',';
  /** The reader's decision on slashed dates in the column (day or month first), when it has any. */
  dateOrder?: string;
  /** The files of the dataset split this column's lists by different separators. */
  mixedSeparators?: boolean;
  dateFormat?: string;
};

/** A dataset's columns in order of first appearance; a column in several chunk files is profiled over all of them. */
export function datasetColumns(inspection: Inspection, dataset: Dataset): DatasetColumn[] {
  const byHeader = new Map<string, ColumnProfile[]>();
  for (const file of inspection.files.filter((f) => dataset.files.includes(f.name))) {
    for (const column of file.columns) byHeader.set(column.name, [...(byHeader.get(column.name) ?? []), column]);
  }
  return [...byHeader].map(([header, profiles]) => {
    const main = profiles.reduce((a, b) => (b.filled > a.filled ? b : a));
    const rows = profiles.reduce((n, p) => n + p.rows, 0);
    const filled = profiles.reduce((n, p) => n + p.filled, 0);
    const samples = [...new Set(profiles.flatMap((p) => p.samples))].slice(0, 5);
    const lists = profiles.map((p) => p.values);
    const union = lists.every((v) => v !== undefined) ? [...new Set(lists.flat() as string[])] : undefined;
    const values = union !== undefined && union.length <= VALUE_LIST_CAP ? union : undefined;
    return {
      header,
      valueType: main.type,
      fillRate: rows === 0 ? 0 : Math.round((filled / rows) * 1000) / 1000,
      distinct: Math.max(...profiles.map((p) => p.distinct)),
      samples,
      ...(values === undefined ? {} : { values }),
      ...separatorOf(profiles),
      ...(main.dateFormat === undefined ? {} : { dateFormat: main.dateFormat }),
      ...(main.dateOrder === undefined ? {} : { dateOrder: main.dateOrder }),
    };
  });
}

/**
 * The list separator the dataset's files agree on. Chunks of one export can disagree (one file split by ';', another
 * by ','): then none is set and `mixedSeparators` says so, and each file is split by the separator found in it.
 */
function separatorOf(profiles: readonly ColumnProfile[]): Pick<DatasetColumn, 'separator' | 'mixedSeparators'> {
  const found = new Set(profiles.map((p) => p.separator).filter((s) => s !== undefined));
  if (found.size > 1) return { mixedSeparators: true };
  const [separator] = found;
  return separator === undefined ? {} : { separator };
}

/** A short hash of what a mapping depends on in the workspace: its importable fields, their types and options. */
export function schemaFingerprint(schema: TwentySchema): string {
  const lines = candidatesFromSchema(schema).map((c) => `${c.object}.${c.field}.${c.subfield ?? ''}:${c.type ?? ''}`);
  for (const object of ['person', 'company', 'opportunity']) {
    for (const field of schema.object(object)?.fields ?? []) {
      if (field.options) lines.push(`${object}.${field.name}=${field.options.map((o) => o.value).join('|')}`);
    }
  }
  return createHash('sha256').update(lines.sort().join('\n')).digest('hex').slice(0, 16);
}

export type BuildOptions = {
  migrationId: string;
  inspection: Inspection;
  schema: TwentySchema;
  mode: 'live' | 'rehearsal';
  now?: Date;
};

/** Proposes the whole mapping of a migration: version 1 of its document. */
export function buildMapping(options: BuildOptions): MappingDocument {
  const { inspection, schema } = options;
  const now = (options.now ?? new Date()).toISOString();
  const fields = candidatesFromSchema(schema);
  const planner = new CustomFieldPlanner(schema);
  const datasets: MappingDocument['datasets'] = [];
  const columns: MappingColumn[] = [];
  for (const dataset of inspection.datasets) {
    const object = OBJECT_OF_DATASET[dataset.kind];
    const files = inspection.files.filter((f) => dataset.files.includes(f.name));
    datasets.push({ kind: dataset.kind, object, files: files.map((f) => ({ name: f.name, sha256: f.sha256, rows: f.rows })) });
    const profiled = datasetColumns(inspection, dataset);
    const proposals = proposeMapping(
      object,
      profiled.map((c) => ({ header: c.header, samples: c.samples, valueType: c.valueType })),
      { fields, kartra: isKartraExport(dataset.kind, Math.min(...files.map((f) => f.kind.confidence))), subscriptions: dataset.kind === 'subscriptions' },
    );
    proposals.forEach((proposal, i) => columns.push(toColumn(dataset.kind, object, profiled[i]!, proposal, planner, fields)));
  }
  requireEngineFields(planner, columns, inspection);
  return {
    format: MAPPING_FORMAT,
    formatVersion: MAPPING_FORMAT_VERSION,
    migrationId: options.migrationId,
    version: 1,
    createdAt: now,
    updatedAt: now,
    twenty: { mode: options.mode, schemaHash: schemaFingerprint(schema), schemaReadAt: new Date(schema.fetchedAt).toISOString() },
    datasets,
    columns,
    customFields: planner.planned(),
    history: [{ version: 1, at: now, change: 'proposed' }],
  };
}

/**
 * Fields the import itself needs beyond the columns: the key companies are found again by, when a column links
 * people or opportunities to companies; and a text field for phones that are not valid numbers (kept as written,
 * never dropped), when the reader found any.
 */
function requireEngineFields(planner: CustomFieldPlanner, columns: readonly MappingColumn[], inspection: Inspection): void {
  const fills = (object: string, field: string): boolean =>
    columns.some((c) => c.destination.kind === 'field' && c.destination.object === object && c.destination.field === field);
  if (fills('person', 'company') || fills('opportunity', 'company')) {
    planner.require({ object: 'company', name: COMPANY_KEY, type: 'TEXT', label: FIELD_LABELS[COMPANY_KEY]!, description: 'The normalised company name the Kartra migration found this company by' });
  }
  const unparseable = inspection.datasets.some((d) => (d.findingCounts.unparseable_phone ?? 0) > 0);
  if (unparseable && (columns.some((c) => c.destination.kind !== 'skip' && c.destination.subfield === 'primaryPhoneNumber' && c.object === 'person'))) {
    planner.require({ object: 'person', name: PHONE_AS_WRITTEN, type: 'TEXT', label: FIELD_LABELS[PHONE_AS_WRITTEN]!, description: 'A phone from Kartra that is not a valid number, kept as written' });
  }
}

function toColumn(
  dataset: ExportKind,
  object: TwentyObject,
  column: DatasetColumn,
  proposal: Proposal,
  planner: CustomFieldPlanner,
  fields: readonly CandidateField[],
): MappingColumn {
  const { destination, note } = resolve(proposal.destination, proposal.reason, { dataset, object, column, exact: proposal.tier === 'exact' }, planner);
  return {
    id: columnId(dataset, column.header),
    dataset,
    header: column.header,
    object,
    destination,
    tier: proposal.tier,
    score: proposal.score,
    reason: note ? `${proposal.reason}; ${note}` : proposal.reason,
    alternatives: proposal.alternatives.map((a) => ({ destination: alternativeOf(a.destination, object, column.header), score: a.score, reason: a.reason })),
    transforms: transformsFor(dataset, column, destination, planner, fields),
    edited: false,
    profile: {
      valueType: column.valueType,
      fillRate: column.fillRate,
      distinct: column.distinct,
      samples: column.samples,
      ...(column.values === undefined ? {} : { values: column.values }),
    },
  };
}

export const columnId = (dataset: ExportKind, header: string): string => `${dataset}:${header}`;

/** An alternative as a destination, without planning anything: a custom one is named as it would be. */
function alternativeOf(d: Expected, object: TwentyObject, header: string): Destination {
  if (d.kind === 'field') return d.subfield === undefined ? { kind: 'field', object: d.object, field: d.field } : { kind: 'field', object: d.object, field: d.field, subfield: d.subfield };
  if (d.kind === 'custom') return { kind: 'new-field', object, name: d.name ?? camelName(header) };
  return { kind: 'skip', reason: 'not imported' };
}

type ColumnContext = { dataset: ExportKind; object: TwentyObject; column: DatasetColumn; exact: boolean };

function resolve(d: Expected, reason: string, ctx: ColumnContext, planner: CustomFieldPlanner): { destination: Destination; note?: string } {
  if (d.kind === 'skip') return { destination: { kind: 'skip', reason } };
  if (d.kind === 'field') {
    planner.adopt({ object: d.object, name: d.field, column: ctx.column, dataset: ctx.dataset });
    return { destination: d.subfield === undefined ? { kind: 'field', object: d.object, field: d.field } : { kind: 'field', object: d.object, field: d.field, subfield: d.subfield } };
  }
  const lead = ctx.dataset === 'leads' ? kartraLeadFieldOf(ctx.column.header) : undefined;
  if (lead === 'notes' && ctx.exact) return { destination: { kind: 'field', object: 'person', field: NOTES_FIELD }, note: 'each lead’s notes become a Note on the person' };
  const { type, note } = refineType(d.type, ctx.column, ctx.exact);
  const subfield = (type === 'ADDRESS' && lead !== undefined ? ADDRESS_SUBFIELDS[lead] : undefined) ?? PRIMARY_SUBFIELD[type];
  return planner.plan({ object: ctx.object, name: d.name ?? camelName(ctx.column.header), type, subfield, column: ctx.column, dataset: ctx.dataset, note });
}

type CustomType = PlannedCustomField['type'];

/**
 * Kartra's five custom field kinds, read off the whole column's profile: drop-downs and radio buttons repeat a few
 * values (SELECT), checkboxes hold lists (MULTI_SELECT) or yes/no (BOOLEAN), inputs and text areas are TEXT. Kartra's
 * own columns keep the type their table gives them.
 */
function refineType(type: CustomType, column: DatasetColumn, exact: boolean): { type: CustomType; note?: string } {
  if (exact) return { type };
  if (column.valueType === 'boolean' && (type === 'TEXT' || type === 'SELECT' || type === 'MULTI_SELECT')) return { type: 'BOOLEAN', note: 'every value is yes/no' };
  if (column.valueType === 'multi-value' && (type === 'TEXT' || type === 'SELECT')) return { type: 'MULTI_SELECT', note: `cells hold lists separated by '${column.separator ?? ','}'` };
  if (column.valueType === 'enumeration' && type === 'TEXT') return { type: 'SELECT', note: `${column.distinct} distinct values repeat` };
  if ((type === 'SELECT' || type === 'MULTI_SELECT') && column.values === undefined && column.samples.length > 0) {
    return { type: 'TEXT', note: `too many distinct values for a choice list: kept as text` };
  }
  return { type };
}

type PlanRequest = {
  object: TwentyObject;
  name: string;
  type: CustomType;
  subfield: string | undefined;
  column: DatasetColumn;
  dataset: ExportKind;
  note?: string;
};

/**
 * Plans the custom fields of a mapping. A name already taken in the workspace by a field of the same type is reused
 * (a re-run, or a field the user made); taken by another type, the planned field gets a free name. Within one dataset
 * two columns share a planned field only when they fill different parts of a composite field (Kartra's address
 * columns); across datasets they share it when the type agrees (transactions and subscriptions both carry
 * `kartraLeadId` onto opportunities).
 */
export class CustomFieldPlanner {
  private readonly fields = new Map<string, PlannedCustomField & { fillers: Set<string> }>();

  constructor(private readonly schema: TwentySchema) {}

  plan(request: PlanRequest): { destination: Destination; note?: string } {
    const { object, type, subfield } = request;
    const filler = `${request.dataset}|${subfield ?? ''}`;
    let name = request.name;
    let note = request.note;
    for (;;) {
      const planned = this.fields.get(`${object}.${name}`);
      const existing = this.schema.field(object, name);
      const fits = planned === undefined ? existing === undefined || existing.type === type : planned.type === type && !planned.fillers.has(filler);
      if (fits) break;
      const taken = existing !== undefined && existing.type !== type ? `a ${existing.type} field` : 'another column';
      const next = this.freeName(object, name);
      note = [note, `'${name}' is taken by ${taken}: named '${next}'`].filter(Boolean).join('; ');
      name = next;
    }
    const key = `${object}.${name}`;
    const existing = this.schema.field(object, name);
    const plan = this.fields.get(key) ?? this.newPlan(request, name, existing !== undefined);
    this.fields.set(key, plan);
    plan.fillers.add(filler);
    if (plan.options !== undefined) plan.options = mergeOptions(plan.options, this.optionsFor(request, name));
    const base = existing !== undefined ? { kind: 'field' as const, object, field: name } : { kind: 'new-field' as const, object, name };
    const destination: Destination = subfield === undefined ? base : { ...base, subfield };
    return note === undefined ? { destination } : { destination, note };
  }

  /** A field the import needs whatever the columns say (a record key, the phone-as-written field). */
  require(spec: { object: TwentyObject; name: string; type: CustomType; label: string; description: string }): void {
    const key = `${spec.object}.${spec.name}`;
    if (this.fields.has(key)) return;
    const existing = this.schema.field(spec.object, spec.name);
    this.fields.set(key, { ...spec, isUnique: isRecordKey(spec.object, spec.name), exists: existing !== undefined, fillers: new Set() });
  }

  /**
   * A column mapped to a choice field that is already in the workspace: the field is listed (exists: true) with the
   * options the column's values need, so the options it lacks are added before the import.
   */
  adopt(request: Omit<PlanRequest, 'type' | 'subfield'>): void {
    const existing = this.schema.field(request.object, request.name);
    if (!existing?.isCustom || (existing.type !== 'SELECT' && existing.type !== 'MULTI_SELECT')) return;
    const key = `${request.object}.${request.name}`;
    const plan = this.fields.get(key) ?? this.newPlan({ ...request, type: existing.type, subfield: undefined }, request.name, true);
    this.fields.set(key, plan);
    plan.fillers.add(`${request.dataset}|`);
    plan.options = mergeOptions(plan.options ?? [], this.optionsFor({ ...request, type: existing.type, subfield: undefined }, request.name));
  }

  private newPlan(request: PlanRequest, name: string, exists: boolean): PlannedCustomField & { fillers: Set<string> } {
    const label = (exists ? this.schema.field(request.object, name)?.label : undefined) ?? ((FIELD_LABELS[name] ?? readableLabel(request.column.header)) || name);
    const options = request.type === 'SELECT' || request.type === 'MULTI_SELECT' ? [] : undefined;
    return {
      object: request.object,
      name,
      label,
      type: request.type,
      description: `From the Kartra ${request.dataset} export, column "${cleanLabel(request.column.header)}"`,
      isUnique: isRecordKey(request.object, name),
      ...(options === undefined ? {} : { options }),
      exists,
      fillers: new Set<string>(),
    };
  }

  private optionsFor(request: PlanRequest, name: string): PlannedOption[] {
    if (name === 'gdprLeadStatus') {
      return GDPR_STATUS_MEANINGS.map(([code, label], i) => ({ value: optionValueOf(label), label, color: TAG_COLORS[i % TAG_COLORS.length]!, sources: [code] }));
    }
    const existing = this.schema.field(request.object, name)?.options ?? [];
    return planOptions(request.column.values ?? request.column.samples, existing);
  }

  private freeName(object: TwentyObject, name: string): string {
    const base = name.startsWith('kartra') ? name : `kartra${name[0]!.toUpperCase()}${name.slice(1)}`;
    for (let n = 1; ; n++) {
      const candidate = (n === 1 ? base : `${base}${n}`).slice(0, MAX_IDENTIFIER_LENGTH);
      if (!this.fields.has(`${object}.${candidate}`) && this.schema.field(object, candidate) === undefined) return candidate;
    }
  }

  planned(): MappingDocument['customFields'] {
    return [...this.fields.values()].map(({ fillers: _fillers, ...field }) => field);
  }
}

/** Options planned from several columns feeding one field: values already planned keep their place. */
function mergeOptions(into: PlannedOption[], more: PlannedOption[]): PlannedOption[] {
  const merged = [...into];
  for (const option of more) {
    const same = merged.find((o) => o.value === option.value);
    if (same) same.sources = [...new Set([...same.sources, ...option.sources])];
    else merged.push(option);
  }
  return merged;
}

/** "business_type" → "Business type", "Base_Price (USD)" → "Base Price (USD)"; headers of words stay as they are. */
function readableLabel(header: string): string {
  const label = cleanLabel(header);
  if (!label.includes('_')) return label;
  const words = label.replace(/_+/g, ' ').replace(/\s+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A header as a label: no control characters, one line, at most 63 characters. */
function cleanLabel(header: string): string {
  return header.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, MAX_IDENTIFIER_LENGTH);
}

const DATE_TYPES = new Set(['DATE', 'DATE_TIME']);

function destinationType(d: Destination, planner: CustomFieldPlanner, fields: readonly CandidateField[]): string | undefined {
  if (d.kind === 'skip') return undefined;
  if (d.kind === 'new-field') return planner.planned().find((p) => p.object === d.object && p.name === d.name)?.type;
  return d.field === 'createdAt' ? 'DATE_TIME' : fields.find((c) => c.object === d.object && c.field === d.field)?.type;
}

/** How the column's values are read: the date format and zone, the list separator, country names. */
function transformsFor(dataset: ExportKind, column: DatasetColumn, d: Destination, planner: CustomFieldPlanner, fields: readonly CandidateField[]): Transforms {
  const transforms: Transforms = {};
  if (d.kind === 'skip') return transforms;
  const type = destinationType(d, planner, fields);
  const format = DATE_FORMATS.find((f) => f === column.dateFormat);
  if (format && (DATE_TYPES.has(type ?? '') || column.valueType === 'date' || column.valueType === 'datetime')) {
    transforms.dateFormat = format;
    if (dataset !== 'unknown' && /HH/.test(format)) transforms.timeZone = KARTRA_TIME_ZONE;
    // Slashed dates in a column of another format: the reader's order, or Kartra's (US) default when undecided.
    if (!format.includes('/') && column.dateOrder !== undefined && column.dateOrder !== 'conflicting') {
      transforms.slashOrder = column.dateOrder === 'day-first' ? 'day-first' : 'month-first';
    }
  }
  if ((type === 'MULTI_SELECT' || column.valueType === 'multi-value') && !column.mixedSeparators) transforms.separator = column.separator ?? ',';
  if (d.subfield === 'addressCountry' || column.valueType === 'country') transforms.country = 'name';
  return transforms;
}
