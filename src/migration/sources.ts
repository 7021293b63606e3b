/**
 * The rows of each phase of an import, as drafts (or skips), in the order they must be written, with what a
 * first pass over the leads had to learn before any record is written: the companies the leads name, the tags and
 * lists of duplicate leads (united into the lead that wins), the people of a sample, and each subscription's last
 * lifecycle event from the transactions.
 */
import type { DatasetRow } from '../kartra/dataset-rows.js';
import { readDatasetRows } from '../kartra/dataset-rows.js';
import { transactionColumnKey } from '../kartra/columns.js';
import { matchDate, wallClockMillis } from '../kartra/dates.js';
import type { Dataset, Inspection } from '../kartra/inspect.js';
import type { ExportKind } from '../kartra/kind.js';
import type { MappingDocument } from '../mapping/document.js';
import { COMPANY_KEY } from '../mapping/kartra-decisions.js';
import type { TwentySchema } from '../twenty/schema.js';
import { hashOf, isSkipped, rowTransformer, type Draft, type Skipped } from './transform.js';

/** The phases of an import, in the order their records must exist; notes (and their links) come last. */
export type Phase = 'companies' | 'people' | 'transactions' | 'subscriptions' | 'notes' | 'noteTargets';

export type PhaseSource = {
  phase: Phase;
  rows: AsyncIterable<Draft | Skipped>;
  /** Whether a draft belongs to the stage being run (a sample takes only the first people and what hangs on them). */
  inStage: (draft: Draft) => boolean;
  /** How many records the phase has, when known before reading it (the companies the leads name). */
  size?: number;
};

/** The export each row phase reads (companies and notes come from the leads' columns). */
export const PHASE_DATASET: Record<'people' | 'transactions' | 'subscriptions', ExportKind> = { people: 'leads', transactions: 'transactions', subscriptions: 'subscriptions' };

/** Kartra's transaction types that change a subscription's state (kartra-exports.md §3.6). */
const LIFECYCLE = new Set(['sale', 'rebill', 'cancellation', 'request can.', 'revert can.']);

export type SourceOptions = {
  inspection: Inspection;
  mapping: MappingDocument;
  schema: TwentySchema;
  /** Set for a sample: how many people it takes (the first, oldest first). */
  sampleSize?: number | undefined;
};

export async function prepareSources(options: SourceOptions): Promise<PhaseSource[]> {
  const { inspection, mapping, schema } = options;
  const datasetOf = (kind: ExportKind): Dataset | undefined =>
    mapping.datasets.some((d) => d.kind === kind) ? inspection.datasets.find((d) => d.kind === kind) : undefined;
  const filesOf = (dataset: Dataset) => inspection.files.filter((f) => dataset.files.includes(f.name));
  const rowsOf = (dataset: Dataset): AsyncIterable<DatasetRow> => readDatasetRows(filesOf(dataset));

  // Each file's list separator, as the reader found it: chunks of one export may differ.
  const fileSeparators = new Map(
    inspection.files.map((f) => [f.name, new Map(f.columns.flatMap((c) => (c.separator ? [[c.name, c.separator] as const] : [])))] as const),
  );
  const leads = datasetOf('leads');
  const duplicates = new Map(
    (leads?.duplicates ?? []).map((d) => [`${d.file}:${d.line}`, { winner: `${d.duplicateOf.file}:${d.duplicateOf.line}`, key: d.key }] as const),
  );
  const pre = leads ? await firstPass((file) => leads.files.indexOf(file), rowsOf(leads), rowTransformer({ mapping, schema, dataset: 'leads', fileSeparators }), duplicates, options.sampleSize) : undefined;
  const sampling = options.sampleSize !== undefined;
  const inSample = (draft: Draft): boolean => {
    const contact = draft.links.pointOfContact;
    return (contact?.leadId !== undefined && pre!.samplePeople.has(contact.leadId)) || (contact?.email !== undefined && pre!.sampleEmails.has(contact.email));
  };

  const sources: PhaseSource[] = [];
  if (pre && pre.companies.size > 0) {
    sources.push({ phase: 'companies', rows: companyDrafts(pre.companies), inStage: (d) => !sampling || pre.sampleCompanies.has(d.key), size: pre.companies.size });
  }
  for (const phase of ['people', 'transactions', 'subscriptions'] as const) {
    const dataset = datasetOf(PHASE_DATASET[phase]);
    if (!dataset) continue;
    const transactions = datasetOf('transactions');
    const transform = rowTransformer({
      mapping,
      schema,
      dataset: dataset.kind,
      fileSeparators,
      ...(phase === 'people' ? { duplicates } : {}),
      ...(phase === 'subscriptions' && transactions ? { lastEvents: await lastLifecycleEvents(rowsOf(transactions)) } : {}),
    });
    const rows = mapRows(rowsOf(dataset), (row) => {
      const item = transform(row);
      return phase === 'people' && !isSkipped(item) && pre ? uniteDuplicates(item, pre.extras.get(`${item.file}:${item.line}`)) : item;
    });
    const inStage = !sampling ? () => true : phase === 'people' ? (d: Draft) => pre?.samplePeople.has(d.key) ?? false : inSample;
    sources.push({ phase, rows, inStage });
  }
  return sources;
}

async function* mapRows<T>(rows: AsyncIterable<DatasetRow>, f: (row: DatasetRow) => T): AsyncGenerator<T> {
  for await (const row of rows) yield f(row);
}

type FirstPass = {
  /** Key → the spelling first met in file order, and where (for that comparison). */
  companies: Map<string, { name: string; at: number }>;
  /** The winning lead's `file:line` → its duplicates' list values per field. */
  extras: Map<string, Map<string, string[]>>;
  samplePeople: Set<string>;
  sampleEmails: Set<string>;
  sampleCompanies: Set<string>;
};

/** One read of the leads before anything is written: companies, duplicates' lists, the sample. */
async function firstPass(
  fileOrder: (file: string) => number,
  rows: AsyncIterable<DatasetRow>,
  transform: (row: DatasetRow) => Draft | Skipped,
  duplicates: Map<string, { winner: string; key: string }>,
  sampleSize: number | undefined,
): Promise<FirstPass> {
  const pass: FirstPass = { companies: new Map(), extras: new Map(), samplePeople: new Set(), sampleEmails: new Set(), sampleCompanies: new Set() };
  for await (const row of rows) {
    const item = transform(row);
    if (isSkipped(item)) continue;
    const duplicate = duplicates.get(`${item.file}:${item.line}`);
    if (duplicate) {
      const lists = pass.extras.get(duplicate.winner) ?? new Map<string, string[]>();
      for (const [field, value] of Object.entries(item.payload)) {
        if (Array.isArray(value) && value.every((v) => typeof v === 'string')) lists.set(field, [...(lists.get(field) ?? []), ...(value as string[])]);
      }
      pass.extras.set(duplicate.winner, lists);
      continue;
    }
    const company = item.links.company;
    if (company) {
      // One spelling per company: the first in the files' own order (rows come oldest first, not in file order).
      const at = fileOrder(item.file) * 1e9 + item.line;
      const known = pass.companies.get(company.key);
      if (!known || at < known.at) pass.companies.set(company.key, { name: company.name, at });
    }
    if (sampleSize !== undefined && pass.samplePeople.size < sampleSize) {
      pass.samplePeople.add(item.key);
      const email = (item.payload.emails as { primaryEmail?: string } | undefined)?.primaryEmail;
      if (email) pass.sampleEmails.add(email);
      if (company) pass.sampleCompanies.add(company.key);
    }
  }
  return pass;
}

/** The winning lead gets its duplicates' tags and lists too (Kartra keeps the first lead; nothing else is lost). */
function uniteDuplicates(draft: Draft, extras: Map<string, string[]> | undefined): Draft {
  if (!extras) return draft;
  for (const [field, values] of extras) {
    const current = Array.isArray(draft.payload[field]) ? (draft.payload[field] as string[]) : [];
    draft.payload[field] = [...new Set([...current, ...values])];
  }
  draft.hash = hashOf(draft);
  return draft;
}

async function* companyDrafts(companies: Map<string, { name: string }>): AsyncGenerator<Draft> {
  for (const [key, { name }] of companies) {
    const draft: Draft = {
      dataset: 'leads',
      object: 'company',
      file: '',
      line: 0,
      keyField: COMPANY_KEY,
      key,
      payload: { name, [COMPANY_KEY]: key },
      hash: '',
      links: {},
      problems: [],
      notes: [],
      missingOptions: new Map(),
      values: { company: name },
    };
    draft.hash = hashOf(draft);
    yield draft;
  }
}

/** The last Sale, Rebill, Cancellation, Request Can. or Revert Can. of each subscription id, by date then file order. */
export async function lastLifecycleEvents(rows: AsyncIterable<DatasetRow>): Promise<Map<string, string>> {
  const last = new Map<string, { at: number; type: string }>();
  // Column positions per file header (each chunk may order its columns differently), computed once per header.
  const positions = new Map<string[], Map<string, number>>();
  for await (const row of rows) {
    let index = positions.get(row.header);
    if (!index) {
      // Reversed: the first column of a key wins, as findIndex would have it.
      index = new Map(row.header.map((h, i) => [transactionColumnKey(h), i] as const).reverse());
      positions.set(row.header, index);
    }
    const columns = index;
    const cell = (key: string): string => {
      const i = columns.get(key);
      return i === undefined ? '' : (row.cells[i] ?? '').trim();
    };
    const type = cell('transaction_type');
    if (!LIFECYCLE.has(type.toLowerCase())) continue;
    const date = cell('date');
    const at = matchDate(date) ? (wallClockMillis(date) ?? 0) : 0;
    // The subscriptions report names some subscriptions by Kartra's id, some by the processor's (PayPal's I-...).
    for (const id of [cell('subscription_id'), cell('processor_subscription_id')]) {
      if (id === '' || /^n\/?a$/i.test(id)) continue;
      const previous = last.get(id);
      if (!previous || at >= previous.at) last.set(id, { at, type });
    }
  }
  return new Map([...last].map(([id, e]) => [id, e.type]));
}
