/**
 * One export row → the payload of one Twenty record, through the confirmed mapping. A cell that cannot be converted
 * is left out of the payload and reported as a problem of the row (the record is still written); a row that cannot
 * become a record at all (no key, no valid email for a lead, ragged) is skipped with the reason. Nothing is guessed.
 */
import { createHash } from 'node:crypto';
import { transactionColumnKey } from '../kartra/columns.js';
import type { DatasetRow } from '../kartra/dataset-rows.js';
import type { ExportKind } from '../kartra/kind.js';
import type { DateFormat, MappingColumn, MappingDocument, PlannedCustomField } from '../mapping/document.js';
import type { TwentyObject } from '../mapping/corpus.js';
import { NOTES_FIELD, PHONE_AS_WRITTEN, RECORD_KEYS } from '../mapping/kartra-decisions.js';
import { optionValueOf } from '../mapping/options.js';
import type { TwentySchema } from '../twenty/schema.js';
import { companyKey } from './companies.js';
import {
  convertBoolean,
  convertCountry,
  convertDate,
  convertEmail,
  convertLink,
  convertMoney,
  convertMultiSelect,
  convertNumber,
  convertPhone,
  emptyCell,
  optionFor,
  splitFullName,
  type Converted,
} from './values.js';

export type RowProblem = { column: string; problem: string };

/** A record to write, before it is matched against what Twenty already holds. */
export type Draft = {
  dataset: ExportKind;
  object: TwentyObject;
  file: string;
  line: number;
  /** The record key's field and value (kartraLeadId "20481005"). */
  keyField: string;
  key: string;
  /** Field → value as Twenty's REST API takes it; composite fields as objects. Relations are in `links`. */
  payload: Record<string, unknown>;
  /** Of the payload and links: a row whose hash is unchanged since the last import needs no write. */
  hash: string;
  links: {
    company?: { key: string; name: string };
    pointOfContact?: { leadId?: string; email?: string };
  };
  problems: RowProblem[];
  /** Columns sent to the record's notes: each becomes a Note attached to the record. */
  notes: { column: string; body: string }[];
  /** Options the cells need that the plan does not have yet: field → value → label. */
  missingOptions: Map<string, Map<string, string>>;
  /** The original cells, header → value: what rejects.csv shows when the record fails. */
  values: Record<string, string>;
};

export type Skipped = { skipped: string; dataset: ExportKind; file: string; line: number; values: Record<string, string> };

export type TransformContext = {
  mapping: MappingDocument;
  schema: TwentySchema;
  dataset: ExportKind;
  /** Rows that lose to an earlier duplicate: `file:line` → the winner's `file:line` and the key they share. */
  duplicates?: Map<string, { winner: string; key: string }>;
  /** Subscriptions: the last lifecycle event of each subscription id, from the transactions. */
  lastEvents?: Map<string, string>;
  /** Per file, the list separator the reader found in each column (used when the mapping sets none). */
  fileSeparators?: Map<string, Map<string, ';' | ','>>;
};

type Bound = { column: MappingColumn; type: string | undefined; options: PlannedCustomField['options'] };

/** Kartra's transaction types as opportunity stages (options the migration adds where a workspace lacks them). */
export const STAGE_OF_TRANSACTION: Record<string, string> = {
  sale: 'CUSTOMER',
  rebill: 'CUSTOMER',
  'revert can.': 'CUSTOMER',
  'request can.': 'CUSTOMER',
  'partial refund': 'CUSTOMER',
  cancellation: 'CANCELLED',
  refund: 'REFUNDED',
  chargeback: 'CHARGEBACK',
  failed: 'FAILED',
};

/** Stage options a migration of transactions needs, beyond Twenty's defaults. */
export const EXTRA_STAGES = [
  { value: 'CANCELLED', label: 'Cancelled' },
  { value: 'REFUNDED', label: 'Refunded' },
  { value: 'CHARGEBACK', label: 'Chargeback' },
  { value: 'FAILED', label: 'Failed payment' },
];

/** Builds the transformer of one dataset's rows. */
export function rowTransformer(context: TransformContext): (row: DatasetRow) => Draft | Skipped {
  const { mapping, schema, dataset } = context;
  const columns = mapping.columns.filter((c) => c.dataset === dataset);
  const object = mapping.datasets.find((d) => d.kind === dataset)?.object ?? columns[0]?.object ?? 'person';
  const recordKey = RECORD_KEYS[dataset];
  const planned = new Map(mapping.customFields.map((f) => [`${f.object}.${f.name}`, f]));
  const typeOf = (c: MappingColumn): Bound => {
    const d = c.destination;
    if (d.kind === 'skip') return { column: c, type: undefined, options: undefined };
    const name = d.kind === 'new-field' ? d.name : d.field;
    const plan = planned.get(`${d.object}.${name}`);
    if (d.kind === 'field' && name === 'createdAt') return { column: c, type: 'DATE_TIME', options: undefined };
    const field = d.kind === 'field' ? schema.field(d.object, name) : undefined;
    const options = plan?.options ?? field?.options?.map((o) => ({ value: o.value, label: o.label, color: 'gray' as const, sources: [] }));
    return { column: c, type: plan?.type ?? field?.type, options };
  };
  const bound = columns.filter((c) => c.destination.kind !== 'skip').map(typeOf);
  const keyColumn = recordKey && bound.find((b) => destinationName(b.column) === recordKey.field && b.column.destination.kind !== 'skip');
  const hasPhoneAsWritten = planned.has(`person.${PHONE_AS_WRITTEN}`);
  const indexCache = new Map<string, Map<string, number>>();
  const opportunity = opportunityColumns(mapping, dataset);

  return (row) => {
    let index = indexCache.get(row.file);
    if (!index) {
      index = new Map(row.header.map((h, i) => [h, i]));
      indexCache.set(row.file, index);
    }
    const cellOf = (header: string): string => {
      const i = index!.get(header);
      return i === undefined ? '' : (row.cells[i] ?? '');
    };
    const values = Object.fromEntries(row.header.map((h, i) => [h, row.cells[i] ?? '']));
    // a ragged row's cells beyond the header go to rejects.csv too: the person fixing the row needs all of it
    row.extra.forEach((cell, i) => (values[`(beyond the header ${i + 1})`] = cell));
    const skip = (reason: string): Skipped => ({ skipped: reason, dataset, file: row.file, line: row.line, values });

    if (row.ragged) return skip(`ragged_row: the row does not have the ${row.header.length} cells the header names; its columns may be shifted, so it is not imported`);
    const duplicate = context.duplicates?.get(`${row.file}:${row.line}`);
    if (duplicate) return skip(`duplicate of ${duplicate.winner} (same ${duplicate.key}); its tags and lists were added to that lead`);

    const draft: Draft = {
      dataset,
      object,
      file: row.file,
      line: row.line,
      keyField: recordKey?.field ?? '',
      key: '',
      payload: {},
      hash: '',
      links: {},
      problems: [],
      notes: [],
      missingOptions: new Map(),
      values,
    };
    if (recordKey) {
      if (!keyColumn) return skip(`no column holds ${recordKey.field}, the key records are found again by; map one in the mapping`);
      const key = cellOf(keyColumn.column.header).trim();
      if (key === '' || emptyCell(key)) return skip(`no ${keyColumn.column.header} (${recordKey.field}): the record could not be found again, so it is not imported`);
      draft.key = key;
      draft.payload[recordKey.field] = key;
    }

    const context2 = { row: cellOf, draft, bound, hasPhoneAsWritten, separators: context.fileSeparators?.get(row.file) };
    for (const b of bound) {
      if (b === keyColumn) continue;
      const raw = cellOf(b.column.header);
      if (emptyCell(raw)) continue;
      const problem = place(b, raw, context2, context);
      if (problem) draft.problems.push({ column: b.column.header, problem });
    }

    if (object === 'person') {
      const emails = draft.payload.emails as { primaryEmail?: string } | undefined;
      if (dataset === 'leads' && !emails?.primaryEmail) {
        const emailColumn = bound.find((b) => b.column.destination.kind !== 'skip' && b.column.destination.subfield === 'primaryEmail');
        const raw = emailColumn ? cellOf(emailColumn.column.header).trim() : '';
        return skip(emptyCell(raw) ? 'missing_email: the lead has no email address' : `invalid_email: "${raw.slice(0, 80)}" is not an email address`);
      }
      splitLoneFullName(draft);
    }
    if (dataset === 'transactions' || dataset === 'subscriptions') finishOpportunity(draft, dataset, context, opportunity, cellOf);
    draft.hash = hashOf(draft);
    return draft;
  };
}

const destinationName = (c: MappingColumn): string | undefined =>
  c.destination.kind === 'skip' ? undefined : c.destination.kind === 'new-field' ? c.destination.name : c.destination.field;

type PlaceContext = {
  row: (header: string) => string;
  draft: Draft;
  bound: readonly Bound[];
  hasPhoneAsWritten: boolean;
  separators: Map<string, ';' | ','> | undefined;
};

/** Puts one cell's value into the payload; returns the problem when it cannot be converted. */
function place(b: Bound, raw: string, ctx: PlaceContext, transform: TransformContext): string | undefined {
  const d = b.column.destination;
  if (d.kind === 'skip') return undefined;
  const field = d.kind === 'new-field' ? d.name : d.field;
  const { draft } = ctx;
  const t = b.column.transforms;
  const set = (value: unknown): undefined => {
    if (d.subfield) draft.payload[field] = { ...((draft.payload[field] as Record<string, unknown>) ?? {}), [d.subfield]: value };
    else draft.payload[field] = value;
    return undefined;
  };
  const take = <T>(converted: Converted<T>, then: (value: T) => void = (v) => set(v)): string | undefined => {
    if (!converted.ok) return converted.problem;
    then(converted.value);
    return undefined;
  };

  if (d.kind === 'field' && field === NOTES_FIELD) {
    draft.notes.push({ column: b.column.header, body: raw.trim() });
    return undefined;
  }
  // Relations are resolved once the records they point to are written.
  if (d.kind === 'field' && field === 'company' && !d.subfield) {
    const key = companyKey(raw);
    if (key !== '') draft.links.company = { key, name: raw.trim().slice(0, 255) };
    return undefined;
  }
  if (d.kind === 'field' && field === 'pointOfContact') {
    const email = convertEmail(raw);
    if (!email.ok) return email.problem;
    draft.links.pointOfContact = { ...draft.links.pointOfContact, email: email.value };
    return undefined;
  }

  switch (b.type) {
    case 'EMAILS':
      if (d.subfield === 'additionalEmails') {
        return take(convertEmail(raw), (email) => set([...(((draft.payload[field] as { additionalEmails?: string[] })?.additionalEmails) ?? []), email]));
      }
      return take(convertEmail(raw));
    case 'PHONES':
      return placePhone(b, raw, ctx, field);
    case 'DATE':
    case 'DATE_TIME': {
      const format = (t.dateFormat ?? 'YYYY-MM-DD HH:mm:ss') as DateFormat;
      return take(convertDate(raw, { format, ...(t.timeZone ? { timeZone: t.timeZone } : {}), ...(t.slashOrder ? { slashOrder: t.slashOrder } : {}), type: b.type }));
    }
    case 'CURRENCY':
      if (d.subfield === 'currencyCode') return set(raw.trim().toUpperCase());
      return take(convertMoney(raw, currencyOfHeader(b.column.header)), (money) => {
        draft.payload[field] = { ...((draft.payload[field] as Record<string, unknown>) ?? {}), amountMicros: money.amountMicros, currencyCode: money.currencyCode };
      });
    case 'NUMBER':
    case 'NUMERIC':
      return take(convertNumber(raw));
    case 'BOOLEAN':
      return take(convertBoolean(raw));
    case 'LINKS':
      if (d.subfield && d.subfield !== 'primaryLinkUrl') return set(raw.trim());
      return take(convertLink(raw));
    case 'SELECT':
      return set(optionFor(raw, b.options ?? []) ?? newOption(draft, field, raw.trim()));
    case 'MULTI_SELECT': {
      const separator = t.separator ?? ctx.separators?.get(b.column.header) ?? separatorOfCell(raw);
      const { values, unknown } = convertMultiSelect(raw, separator, b.options ?? []);
      return set([...values, ...unknown.map((item) => newOption(draft, field, item))]);
    }
    case 'ADDRESS':
      if (d.subfield === 'addressCountry' && t.country === 'name') return take(convertCountry(raw, 'name'));
      return set(raw.trim());
    case 'RATING':
      return set(raw.trim());
    default:
      if (t.country === 'name') {
        const country = convertCountry(raw, 'name');
        return set(country.ok ? country.value : raw.trim());
      }
      return set(raw.trim());
  }
}

/** The main phone with the row's calling code and country as context; a number that is not valid is kept as written. */
function placePhone(b: Bound, raw: string, ctx: PlaceContext, field: string): string | undefined {
  const d = b.column.destination;
  if (d.kind === 'skip' || d.subfield === 'primaryPhoneCallingCode' || d.subfield === 'primaryPhoneCountryCode') return undefined; // context of the number
  const sibling = (subfield: string): string => {
    const column = ctx.bound.find((x) => x.column.destination.kind !== 'skip' && destinationName(x.column) === field && x.column.destination.subfield === subfield);
    return column ? ctx.row(column.column.header) : '';
  };
  const countryColumn = ctx.bound.find((x) => x.column.transforms.country === 'name' && x.column.dataset === b.column.dataset);
  const phone = convertPhone(raw, {
    callingCode: sibling('primaryPhoneCallingCode'),
    ...(countryColumn ? { country: ctx.row(countryColumn.column.header) } : {}),
    ...(b.column.transforms.phoneCountry ? { defaultCountry: b.column.transforms.phoneCountry } : {}),
  });
  if (!phone.ok) {
    if (ctx.hasPhoneAsWritten && ctx.draft.object === 'person') ctx.draft.payload[PHONE_AS_WRITTEN] = raw.trim();
    return `${phone.problem}${ctx.hasPhoneAsWritten ? `; kept as written in ${PHONE_AS_WRITTEN}` : ''}`;
  }
  const current = (ctx.draft.payload[field] as Record<string, unknown> | undefined) ?? {};
  if (d.subfield === 'additionalPhones') {
    const more = (current.additionalPhones as unknown[] | undefined) ?? [];
    ctx.draft.payload[field] = {
      ...current,
      additionalPhones: [...more, { number: phone.value.primaryPhoneNumber, callingCode: phone.value.primaryPhoneCallingCode, countryCode: phone.value.primaryPhoneCountryCode }],
    };
  } else {
    ctx.draft.payload[field] = { ...current, ...phone.value };
  }
  return undefined;
}

/** A value the plan has no option for (a tag first seen past the profile's list): the import adds it first. */
function newOption(draft: Draft, field: string, label: string): string {
  const value = optionValueOf(label);
  const options = draft.missingOptions.get(field) ?? new Map<string, string>();
  if (!options.has(value)) options.set(value, label);
  draft.missingOptions.set(field, options);
  return value;
}

/** Each file splits lists by its own separator when the mapping sets none (chunks may differ). */
function separatorOfCell(raw: string): ';' | ',' {
  return raw.includes(';') ? ';' : ',';
}

/** "Amount (USD)" → USD. */
function currencyOfHeader(header: string): string | undefined {
  return /\(([A-Z]{3})\)\s*$/.exec(header)?.[1];
}

/** A lone full-name column (no last name mapped) is split: "Ana María López" → Ana María / López. */
function splitLoneFullName(draft: Draft): void {
  const name = draft.payload.name as { firstName?: string; lastName?: string } | undefined;
  if (!name?.firstName || name.lastName !== undefined || !/\s/.test(name.firstName.trim())) return;
  draft.payload.name = splitFullName(name.firstName);
}

/** Opportunity name, stage and point of contact from Kartra's columns. */
type OpportunityColumns = { typeHeader: string | undefined; leadHeader: string | undefined };

/** The transaction-type and lead-id columns of an opportunity export, found once per transformer. */
function opportunityColumns(mapping: MappingDocument, dataset: ExportKind): OpportunityColumns {
  const columnFor = (key: string): string | undefined => mapping.columns.find((c) => c.dataset === dataset && transactionColumnKey(c.header) === key)?.header;
  return { typeHeader: columnFor('transaction_type'), leadHeader: columnFor('lead_id') };
}

function finishOpportunity(
  draft: Draft,
  dataset: 'transactions' | 'subscriptions',
  context: TransformContext,
  { typeHeader, leadHeader }: OpportunityColumns,
  cellOf: (header: string) => string,
): void {
  const product = draft.payload.name as string | undefined;
  if (leadHeader) {
    const leadId = cellOf(leadHeader).trim();
    if (leadId !== '' && !emptyCell(leadId)) draft.links.pointOfContact = { ...draft.links.pointOfContact, leadId };
  }
  if (dataset === 'transactions') {
    const type = typeHeader ? cellOf(typeHeader).trim() : '';
    draft.payload.name = `${product ?? 'Kartra transaction'} #${draft.key}`;
    const stage = STAGE_OF_TRANSACTION[type.toLowerCase()];
    if (stage) draft.payload.stage = stage;
  } else {
    draft.payload.name = `${product ?? 'Kartra'} subscription #${draft.key}`;
    const last = context.lastEvents?.get(draft.key);
    const stage = last === undefined ? undefined : STAGE_OF_TRANSACTION[last.toLowerCase()];
    if (stage) draft.payload.stage = stage;
  }
}

/** Stable JSON (sorted keys) of what would be written: equal hashes mean nothing changed. */
export function hashOf(draft: Draft): string {
  const stable = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(stable) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, stable(x)])) : v;
  return createHash('sha256').update(JSON.stringify(stable({ payload: draft.payload, links: draft.links, notes: draft.notes }))).digest('hex').slice(0, 24);
}

export const isSkipped = (r: Draft | Skipped): r is Skipped => 'skipped' in r;
