/**
 * The LLM rerank applied to a proposed mapping document: columns the deterministic proposer was unsure of (tier
 * `suggested` or `none`) are sent with a shortlist (the current pick, its runner-ups, fields of the workspace their
 * values fit, and skip); a pick the model makes replaces the destination but stays `suggested`, so the user still
 * confirms it. Whatever goes wrong, the deterministic proposal stands and `llm` in the document says what happened.
 */
import type { TwentySchema } from '../twenty/schema.js';
import type { CandidateField } from './baseline-twenty-matcher.js';
import { describeDestination, pruneUnusedPlans, type Destination, type MappingColumn, type MappingDocument } from './document.js';
import { rerankWithLlm, type LlmOptions, type RerankColumn, type RerankResult } from './llm-rerank.js';
import { candidatesFromSchema } from './schema-fields.js';
import { valuesFit } from './value-fit.js';

/** Beyond the current pick and its alternatives, this many other fields of the workspace are offered. */
const EXTRA_FIELDS = 6;

const fits = (field: CandidateField, valueType: string): boolean => field.type === undefined || valuesFit(field.type, field.subfield, valueType);

const keyOf = (d: Destination): string => (d.kind === 'skip' ? 'skip' : describeDestination(d));

type Offer = { key: string; destination: Destination; label: string; description: string };

function offersFor(column: MappingColumn, fields: readonly CandidateField[], taken: Set<string>): Offer[] {
  const offers = new Map<string, Offer>();
  const add = (destination: Destination, label: string, description: string): void => {
    const key = keyOf(destination);
    if (!offers.has(key)) offers.set(key, { key, destination, label, description });
  };
  add(column.destination, describeDestination(column.destination), `the current proposal: ${column.reason}`);
  for (const a of column.alternatives) if (a.destination.kind !== 'new-field') add(a.destination, describeDestination(a.destination), a.reason);
  let extra = 0;
  for (const f of fields) {
    if (extra >= EXTRA_FIELDS) break;
    if (f.object !== column.object || !fits(f, column.profile.valueType)) continue;
    const destination: Destination = f.subfield === undefined ? { kind: 'field', object: f.object, field: f.field } : { kind: 'field', object: f.object, field: f.field, subfield: f.subfield };
    if (taken.has(keyOf(destination)) || offers.has(keyOf(destination))) continue;
    add(destination, f.label, `Twenty field ${describeDestination(destination)} (${f.type ?? 'field'})${f.custom ? ', custom' : ''}`);
    extra++;
  }
  add({ kind: 'skip', reason: 'not imported' }, 'skip', 'do not import this column');
  return [...offers.values()];
}

export type Reranker = (columns: RerankColumn[], options: LlmOptions) => Promise<RerankResult>;

/** Reranks the unsure columns of a freshly proposed document (version 1); returns a new document. */
export async function rerankMapping(document: MappingDocument, schema: TwentySchema, options: LlmOptions, rerank: Reranker = rerankWithLlm): Promise<MappingDocument> {
  const doc = structuredClone(document);
  const fields = candidatesFromSchema(schema);
  const unsure = doc.columns.filter((c) => !c.edited && (c.tier === 'suggested' || c.tier === 'none'));
  const takenIn = (dataset: string, except: MappingColumn): Set<string> =>
    new Set(doc.columns.filter((c) => c !== except && c.dataset === dataset && c.destination.kind !== 'skip').map((c) => keyOf(c.destination)));
  const offers = new Map(unsure.map((c) => [c.id, offersFor(c, fields, takenIn(c.dataset, c))]));
  const result = await rerank(
    unsure.map((c) => ({
      id: c.id,
      header: c.header,
      profile: { valueType: c.profile.valueType, fillRate: c.profile.fillRate, distinct: c.profile.distinct },
      samples: c.profile.samples,
      shortlist: offers.get(c.id)!.map(({ key, label, description }) => ({ key, label, description })),
    })),
    options,
  );
  let applied = 0;
  for (const column of unsure) {
    const pick = result.picks.get(column.id);
    const offer = pick && offers.get(column.id)!.find((o) => o.key === pick.key);
    if (!pick || !offer || offer.key === keyOf(column.destination)) continue;
    // Another column may have taken the field since the shortlist was made (two picks for one field): first wins.
    if (offer.destination.kind !== 'skip' && takenIn(column.dataset, column).has(offer.key)) continue;
    column.alternatives = [{ destination: column.destination, score: column.score, reason: column.reason }, ...column.alternatives].slice(0, 3);
    column.destination = offer.destination.kind === 'skip' ? { kind: 'skip', reason: `LLM: ${pick.reason}` } : offer.destination;
    column.reason = `LLM: ${pick.reason}`;
    column.tier = 'suggested';
    applied++;
  }
  pruneUnusedPlans(doc);
  const ignored = result.ignored.length > 0 ? `; ${result.ignored.length} choices ignored (outside the shortlist)` : '';
  doc.llm = { outcome: result.outcome, detail: `${result.detail || `${unsure.length} columns reranked`}; ${applied} changed${ignored}`, model: options.model };
  return doc;
}
