/**
 * The mapping step of a migration: inspect the exports, propose the mapping against the workspace's data model,
 * rerank the unsure columns when an LLM is configured, and save the document. A migration that already has a mapping
 * keeps it (the user's edits are never thrown away by a re-run) unless a fresh proposal is asked for.
 */
import { UserError } from '../errors.js';
import type { Inspection } from '../kartra/inspect.js';
import { buildMapping } from '../mapping/build.js';
import { pruneUnusedPlans, type MappingDocument } from '../mapping/document.js';
import type { LlmOptions } from '../mapping/llm-rerank.js';
import { rerankMapping, type Reranker } from '../mapping/rerank-mapping.js';
import type { TwentySchema } from '../twenty/schema.js';
import { migrationIdFor, type MigrationStore } from './store.js';

export type MappingStepOptions = {
  inspection: Inspection;
  schema: TwentySchema;
  mode: 'live' | 'rehearsal';
  store: MigrationStore;
  /** Set to rerank unsure columns with the LLM. */
  llm?: LlmOptions;
  reranker?: Reranker;
  /** Propose again even when the migration has a mapping (its edits are replaced). */
  fresh?: boolean;
  /** A new migration of newer exports (a delta) starts from the mapping of the one it follows, edits included. */
  inherit?: MappingDocument;
  now?: Date;
};

/**
 * The earlier migration's mapping for newer exports: its destinations, transforms and planned fields, with the new
 * exports' files; columns the earlier exports did not have come from a fresh proposal.
 */
function inherited(earlier: MappingDocument, migrationId: string, proposal: MappingDocument, now: Date): MappingDocument {
  const known = new Map(earlier.columns.map((c) => [c.id, c]));
  const columns = proposal.columns.map((c) => {
    const before = known.get(c.id);
    return before ? { ...before, profile: c.profile } : c;
  });
  const planned = new Map([...proposal.customFields, ...earlier.customFields].map((f) => [`${f.object}.${f.name}`, f]));
  const at = now.toISOString();
  const doc: MappingDocument = {
    ...earlier,
    migrationId,
    version: 1,
    createdAt: at,
    updatedAt: at,
    datasets: proposal.datasets,
    columns,
    customFields: [...planned.values()],
    history: [{ version: 1, at, change: `inherited from ${earlier.migrationId} version ${earlier.version}` }],
  };
  pruneUnusedPlans(doc);
  return doc;
}

export type MappingStepResult = { document: MappingDocument; path: string; kept: boolean };

export async function mappingStep(options: MappingStepOptions): Promise<MappingStepResult> {
  const { inspection, store } = options;
  if (inspection.datasets.length === 0) {
    throw new UserError('None of the exports could be read, so there is nothing to map. Fix the files listed above and run again.');
  }
  const migrationId = migrationIdFor(inspection.files.map((f) => f.sha256));
  if (!options.fresh) {
    const saved = await store.loadMapping(migrationId);
    if (saved) return { document: saved, path: `${store.dir(migrationId)}/mapping.json`, kept: true };
  }
  let document: MappingDocument;
  if (options.inherit && !options.fresh) {
    document = inherited(options.inherit, migrationId, buildMapping({ migrationId, inspection, schema: options.schema, mode: options.mode }), options.now ?? new Date());
  } else {
    document = buildMapping({ migrationId, inspection, schema: options.schema, mode: options.mode, ...(options.now ? { now: options.now } : {}) });
    if (options.llm) document = await rerankMapping(document, options.schema, options.llm, options.reranker);
  }
  const path = await store.saveMapping(document);
  return { document, path, kept: false };
}
