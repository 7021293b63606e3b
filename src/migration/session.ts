/**
 * A migration opened for work: its exports inspected, its folder, its mapping (the saved one, or a proposal saved
 * now), and the Twenty it writes to. What the CLI commands and the MCP tools share before they do their one thing.
 */
import { UserError } from '../errors.js';
import { inspectExports, type Inspection } from '../kartra/inspect.js';
import { pruneUnusedPlans, type MappingDocument } from '../mapping/document.js';
import { llmOptionsFromEnvironment } from '../mapping/llm-rerank.js';
import type { TwentyConnection } from '../twenty/connect.js';
import { mappingStep } from './mapping-step.js';
import { MigrationStore } from './store.js';

export type MigrationSession = {
  migrationId: string;
  dir: string;
  inspection: Inspection;
  mapping: MappingDocument;
  /** The mapping was proposed just now (not one the user saw and edited). */
  proposed: boolean;
};

/** Inspects the exports; any file that cannot be read stops here, with each file's reason. */
export async function inspectReadable(paths: string[]): Promise<Inspection> {
  const inspection = await inspectExports(paths);
  if (inspection.failures.length > 0) {
    throw new UserError(`Some exports cannot be read, so nothing is imported:\n${inspection.failures.map((f) => `  ${f.error}`).join('\n')}`);
  }
  return inspection;
}

export async function openMigration(
  paths: string[],
  connection: TwentyConnection,
  home: string,
  options: { inherit?: MappingDocument; fresh?: boolean; inspection?: Inspection; env?: Record<string, string | undefined> } = {},
): Promise<MigrationSession> {
  const inspection = options.inspection ?? (await inspectReadable(paths));
  const store = new MigrationStore(home);
  const llm = llmOptionsFromEnvironment(options.env);
  const step = await mappingStep({
    inspection,
    schema: await connection.client.schema(),
    mode: connection.mode,
    store,
    ...(llm ? { llm } : {}),
    ...(options.inherit ? { inherit: options.inherit } : {}),
    ...(options.fresh ? { fresh: true } : {}),
  });
  return { migrationId: step.document.migrationId, dir: store.dir(step.document.migrationId), inspection, mapping: step.document, proposed: !step.kept };
}

/** Keeps only what was accepted without review (`exact`, `confident`, or edited by the user); the rest is skipped. */
export function autoAcceptedOnly(mapping: MappingDocument): MappingDocument {
  const doc = structuredClone(mapping);
  for (const column of doc.columns) {
    if (column.edited || column.tier === 'exact' || column.tier === 'confident' || column.destination.kind === 'skip') continue;
    column.destination = { kind: 'skip', reason: `not auto-accepted (${column.tier}): review it with kartra-twenty map, then import` };
  }
  pruneUnusedPlans(doc);
  return doc;
}
