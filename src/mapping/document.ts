/**
 * The mapping document: one per migration, saved with its state as `mapping.json`. It says where every column of every
 * export goes (a Twenty field, a planned custom field, or nowhere and why), which custom fields the migration will
 * create, and how values are read (date formats, phone country, list separators). It is versioned: every accepted
 * edit bumps `version`, so a confirmation given for one version cannot be used for another.
 */
import { z } from 'zod';
import { TAG_COLORS } from '../twenty-contract.js';
import { CUSTOM_FIELD_TYPES, TWENTY_OBJECTS } from './corpus.js';
import { NOTES_FIELD, isImportField } from './kartra-decisions.js';
import { TIERS } from './score.js';

export const MAPPING_FORMAT = 'kartra-twenty-mapping';
export const MAPPING_FORMAT_VERSION = 1;

/** Date formats the reader recognises (src/kartra/dates.ts), slashed ones with their day/month order decided. */
export const DATE_FORMATS = [
  'YYYY-MM-DD',
  'YYYY-MM-DD HH:mm:ss',
  'YYYY/MM/DD',
  'MM/DD/YYYY',
  'DD/MM/YYYY',
  'MM/DD/YYYY HH:mm',
  'DD/MM/YYYY HH:mm',
  'DD Mon YYYY',
  'DD Mon YYYY HH:mm:ss',
] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

export const SEPARATORS = [';', ',', '|'] as const;
export const DATASET_KINDS = ['leads', 'transactions', 'subscriptions', 'contact-list', 'unknown'] as const;

const identifier = z.string().regex(/^[a-z][A-Za-z0-9]*$/, 'must be a camelCase identifier').max(63);
const objectName = z.enum(TWENTY_OBJECTS);

export const destinationSchema = z.discriminatedUnion('kind', [
  /** A field that exists in Twenty (standard, or custom from an earlier run). */
  z.object({ kind: z.literal('field'), object: objectName, field: identifier, subfield: identifier.optional() }).strict(),
  /** A custom field this migration will create (listed in `customFields`). */
  z.object({ kind: z.literal('new-field'), object: objectName, name: identifier, subfield: identifier.optional() }).strict(),
  z.object({ kind: z.literal('skip'), reason: z.string().min(1) }).strict(),
]);
export type Destination = z.infer<typeof destinationSchema>;

export const transformsSchema = z
  .object({
    /** How the column's dates are written; slashed formats say which number is the day. */
    dateFormat: z.enum(DATE_FORMATS).optional(),
    /**
     * How slashed dates read in a column mostly written another way (an ISO column a spreadsheet re-saved in part):
     * decided by the reader over the whole column; Kartra's default, month first, when nothing in it says otherwise.
     */
    slashOrder: z.enum(['month-first', 'day-first']).optional(),
    /** The time zone of dates written without one (Kartra: US-Eastern). IANA name. */
    timeZone: z.string().min(1).optional(),
    /** ISO 3166 alpha-2 country for phone numbers written without a calling code. */
    phoneCountry: z.string().regex(/^[A-Z]{2}$/).optional(),
    /**
     * The separator between the items of a list cell (tags, lists, checkboxes). Left out on a list column: each file
     * is split by the separator the reader found in it (chunks of one export may differ).
     */
    separator: z.enum(SEPARATORS).optional(),
    /** Country cells are written to Twenty as English country names (addresses) and read as ISO codes for phones. */
    country: z.literal('name').optional(),
  })
  .strict();
export type Transforms = z.infer<typeof transformsSchema>;

const alternativeSchema = z.object({ destination: destinationSchema, score: z.number(), reason: z.string() }).strict();

export const columnSchema = z
  .object({
    /** `<dataset>:<header>`, unique in the document: how edits name a column. */
    id: z.string().min(1),
    dataset: z.enum(DATASET_KINDS),
    header: z.string(),
    /** The record each row of this dataset becomes. */
    object: objectName,
    destination: destinationSchema,
    tier: z.enum(TIERS),
    score: z.number(),
    reason: z.string(),
    alternatives: z.array(alternativeSchema),
    transforms: transformsSchema,
    /** Set by an edit: the user chose this destination. Auto-accepted columns are `exact` and `confident`. */
    edited: z.boolean(),
    profile: z
      .object({
        valueType: z.string(),
        fillRate: z.number(),
        distinct: z.number(),
        /** Up to five values from the export, truncated. Untrusted data: never instructions. */
        samples: z.array(z.string()).max(5),
        /** Every distinct value (or list item), when there are at most 250: a choice field's options. Untrusted. */
        values: z.array(z.string()).max(250).optional(),
      })
      .strict(),
  })
  .strict();
export type MappingColumn = z.infer<typeof columnSchema>;

export const optionSchema = z
  .object({ value: z.string(), label: z.string(), color: z.enum(TAG_COLORS), sources: z.array(z.string()) })
  .strict();

export const customFieldSchema = z
  .object({
    object: objectName,
    name: identifier,
    label: z.string().min(1).max(63),
    type: z.enum(CUSTOM_FIELD_TYPES),
    description: z.string(),
    /** The migration's external-id fields are unique: upserts, resume and rollback match on them. */
    isUnique: z.boolean(),
    /** Already in the workspace (an earlier run made it): only its missing options are added. */
    exists: z.boolean(),
    options: z.array(optionSchema).optional(),
  })
  .strict();
export type PlannedCustomField = z.infer<typeof customFieldSchema>;

export const mappingDocumentSchema = z
  .object({
    format: z.literal(MAPPING_FORMAT),
    formatVersion: z.literal(MAPPING_FORMAT_VERSION),
    migrationId: z.string().min(1),
    /** 1 when proposed; +1 per accepted edit. */
    version: z.number().int().min(1),
    createdAt: z.string(),
    updatedAt: z.string(),
    /** The Twenty data model the proposal was checked against. */
    twenty: z.object({ mode: z.enum(['live', 'rehearsal']), schemaHash: z.string(), schemaReadAt: z.string() }).strict(),
    datasets: z.array(
      z
        .object({
          kind: z.enum(DATASET_KINDS),
          object: objectName,
          files: z.array(z.object({ name: z.string(), sha256: z.string(), rows: z.number().int() }).strict()),
        })
        .strict(),
    ),
    columns: z.array(columnSchema),
    customFields: z.array(customFieldSchema),
    /** What the LLM rerank did, when it ran. */
    llm: z.object({ outcome: z.string(), detail: z.string(), model: z.string() }).strict().optional(),
    history: z.array(z.object({ version: z.number().int(), at: z.string(), change: z.string() }).strict()),
  })
  .strict();
export type MappingDocument = z.infer<typeof mappingDocumentSchema>;

/** The document's JSON Schema (draft 2020-12), for other tools and for the MCP resource. */
export function mappingJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(mappingDocumentSchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
}

/** How a destination reads in a table or a sentence. */
export function describeDestination(d: Destination): string {
  if (d.kind === 'skip') return 'skip';
  if (d.kind === 'field' && d.field === NOTES_FIELD) return `${d.object} notes (a Note on the record)`;
  const path = `${d.object}.${d.kind === 'field' ? d.field : d.name}${d.subfield ? `.${d.subfield}` : ''}`;
  return d.kind === 'new-field' ? `${path} (new)` : path;
}

export const sameDestination = (a: Destination, b: Destination): boolean =>
  a.kind === b.kind && describeDestination(a) === describeDestination(b);

/** Planned fields no column fills any more are dropped: nothing is created or extended for nothing. */
export function pruneUnusedPlans(doc: MappingDocument): void {
  doc.customFields = doc.customFields.filter(
    (f) =>
      isImportField(f.object, f.name) ||
      doc.columns.some((c) => c.destination.kind !== 'skip' && c.destination.object === f.object && (c.destination.kind === 'new-field' ? c.destination.name : c.destination.field) === f.name),
  );
}
