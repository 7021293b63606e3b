/**
 * Reconciliation: every source row accounted for, checked against Twenty itself. From the journal, per phase, the
 * rows that ended created, updated, unchanged, skipped or failed must add up to the rows of the export; and the
 * records journalled as written must be in Twenty, found by their key (read back, not counted from our requests),
 * each once.
 */
import type { MappingDocument } from '../mapping/document.js';
import { COMPANY_KEY, RECORD_KEYS } from '../mapping/kartra-decisions.js';
import type { TwentyClient } from '../twenty/client.js';
import { isNull, where } from '../twenty/filters.js';
import { PHASE_OBJECT, readJournalState, zeroCounts, type Counts, type Phase } from './engine.js';
import { pluralOf } from './matching.js';
import { PHASE_DATASET } from './sources.js';

export type PhaseReconciliation = {
  phase: Phase;
  object: string;
  keyField: string;
  /** Rows of the export (companies: the distinct companies the leads name); undefined when not known. */
  sourceRows: number | undefined;
  /** From the journal. */
  counts: Counts;
  accounted: number;
  /** Records journalled as created, updated or unchanged, found in Twenty by their key. */
  expectedInTwenty: number;
  foundInTwenty: number;
  /** Keys journalled as written but not found in Twenty (at most 20 listed). */
  missing: string[];
  /** Keys Twenty holds more than once (at most 20 listed). */
  duplicated: string[];
  /** sourceRows = accounted, nothing missing, nothing duplicated. */
  balanced: boolean;
};

/** The field each phase's records are found by in Twenty; a note by its title, which names its lead. */
const KEY_OF_PHASE: Partial<Record<Phase, string>> = {
  companies: COMPANY_KEY,
  people: RECORD_KEYS.leads!.field,
  transactions: RECORD_KEYS.transactions!.field,
  subscriptions: RECORD_KEYS.subscriptions!.field,
  notes: 'title',
};

/** Source rows per phase, from the mapping document's datasets (and the companies the leads name, when known). */
export function sourceRowsOf(mapping: MappingDocument, companies?: number): Partial<Record<Phase, number>> {
  const rows = (kind: string): number | undefined => {
    const dataset = mapping.datasets.find((d) => d.kind === kind);
    return dataset ? dataset.files.reduce((n, f) => n + f.rows, 0) : undefined;
  };
  const counts: Partial<Record<Phase, number>> = {};
  for (const [phase, kind] of Object.entries(PHASE_DATASET)) {
    const n = rows(kind);
    if (n !== undefined) counts[phase as Phase] = n;
  }
  if (companies !== undefined) counts.companies = companies;
  return counts;
}

/** Reads Twenty back and balances each phase the journal has rows for. */
export async function reconcile(dir: string, client: TwentyClient, sourceRows: Partial<Record<Phase, number>>): Promise<PhaseReconciliation[]> {
  const state = await readJournalState(dir);
  const phases = new Map<Phase, { counts: Counts; written: Set<string> }>();
  for (const outcome of state.outcomes.values()) {
    const p = phases.get(outcome.phase) ?? { counts: zeroCounts(), written: new Set<string>() };
    p.counts[outcome.outcome]++;
    if (outcome.outcome === 'created' || outcome.outcome === 'updated' || outcome.outcome === 'unchanged') p.written.add(outcome.key);
    phases.set(outcome.phase, p);
  }
  const schema = await client.schema();
  const result: PhaseReconciliation[] = [];
  for (const phase of ['companies', 'people', 'transactions', 'subscriptions', 'notes'] as const) {
    const p = phases.get(phase);
    if (!p) continue;
    const object = PHASE_OBJECT[phase];
    const keyField = KEY_OF_PHASE[phase]!;
    const inTwenty = new Map<string, number>();
    if (schema.field(object, keyField)) {
      for await (const page of client.find(pluralOf(object), { filter: where(isNull(keyField, true)), fields: ['id', keyField] })) {
        for (const record of page.records) {
          const key = record[keyField];
          if (typeof key === 'string') inTwenty.set(key, (inTwenty.get(key) ?? 0) + 1);
        }
      }
    }
    const missing = [...p.written].filter((k) => !inTwenty.has(k));
    const duplicated = [...inTwenty].filter(([k, n]) => n > 1 && p.written.has(k)).map(([k]) => k);
    const accounted = Object.values(p.counts).reduce((a, b) => a + b, 0);
    const rows = sourceRows[phase];
    result.push({
      phase,
      object,
      keyField,
      sourceRows: rows,
      counts: p.counts,
      accounted,
      expectedInTwenty: p.written.size,
      foundInTwenty: p.written.size - missing.length,
      missing: missing.slice(0, 20),
      duplicated: duplicated.slice(0, 20),
      balanced: (rows === undefined || rows === accounted) && missing.length === 0 && duplicated.length === 0,
    });
  }
  return result;
}
