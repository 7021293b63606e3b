import { migrationHome } from '../config.js';
import { inspectExports } from '../kartra/inspect.js';
import { describeDestination, type MappingDocument } from '../mapping/document.js';
import { llmOptionsFromEnvironment } from '../mapping/llm-rerank.js';
import { mappingStep } from '../migration/mapping-step.js';
import { MigrationStore } from '../migration/store.js';
import { connectTwenty } from '../twenty/index.js';
import { table, terminalSafe } from './table.js';

export const MAP_USAGE = 'kartra-twenty map <file|folder>... [--json] [--fresh]';

/**
 * `kartra-twenty map`: proposes where every column goes in Twenty, prints it, and saves it as the migration's
 * mapping document (kept on later runs, so edits survive, unless --fresh).
 */
export async function mapCommand(paths: string[], options: { json: boolean; fresh: boolean }): Promise<number> {
  const inspection = await inspectExports(paths);
  for (const failure of inspection.failures) process.stderr.write(`kartra-twenty: error: ${terminalSafe(failure.error)}\n`);
  const connection = await connectTwenty();
  try {
    const schema = await connection.client.schema();
    const llm = llmOptionsFromEnvironment();
    const result = await mappingStep({
      inspection,
      schema,
      mode: connection.mode,
      store: new MigrationStore(migrationHome()),
      fresh: options.fresh,
      ...(llm ? { llm } : {}),
    });
    if (options.json) process.stdout.write(`${JSON.stringify(result.document, null, 2)}\n`);
    else process.stdout.write(formatMapping(result.document, { connection: connection.describe(), path: result.path, kept: result.kept, llm: llm !== undefined }));
  } finally {
    await connection.close();
  }
  return inspection.failures.length > 0 ? 1 : 0;
}

const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

export function formatMapping(doc: MappingDocument, context: { connection: string; path: string; kept: boolean; llm: boolean }): string {
  const out: string[] = [
    `Twenty: ${context.connection}`,
    `Migration ${doc.migrationId}: mapping version ${doc.version} ${context.kept ? 'kept (use --fresh to propose again)' : 'proposed'}, saved in ${context.path}`,
    `LLM rerank: ${doc.llm ? `${doc.llm.outcome} (${doc.llm.model}): ${doc.llm.detail}` : context.llm ? 'not run on a kept mapping' : 'off (set ANTHROPIC_API_KEY to rerank unsure columns)'}`,
  ];
  for (const dataset of doc.datasets) {
    const columns = doc.columns.filter((c) => c.dataset === dataset.kind);
    const rows = dataset.files.reduce((n, f) => n + f.rows, 0);
    out.push('', `${dataset.kind} → ${dataset.object} (${dataset.files.length} file${dataset.files.length === 1 ? '' : 's'}, ${rows.toLocaleString('en-US')} rows)`);
    out.push(
      table(
        ['column', 'destination', 'tier', 'reason', 'samples (from the export)'],
        columns.map((c) => [
          clip(c.header, 32),
          c.destination.kind === 'skip' ? 'skip' : describeDestination(c.destination),
          c.tier,
          clip(c.reason, 70),
          clip(c.profile.samples.slice(0, 3).map((s) => clip(s, 20)).join(' | '), 50),
        ]),
      ),
    );
  }
  const created = doc.customFields.filter((f) => !f.exists);
  if (created.length > 0) {
    out.push('', `Custom fields to create (${created.length})`);
    out.push(
      table(
        ['field', 'type', 'label', 'options'],
        created.map((f) => [`${f.object}.${f.name}`, `${f.type}${f.isUnique ? ' (unique)' : ''}`, clip(f.label, 32), f.options ? clip(f.options.map((o) => o.label).join(', '), 60) : '']),
      ),
    );
  }
  const auto = doc.columns.filter((c) => c.tier === 'exact' || c.tier === 'confident').length;
  out.push('', `${auto} of ${doc.columns.length} columns auto-accepted (exact or confident); ${doc.columns.length - auto} to review (suggested or none).`);
  return `${out.join('\n')}\n`;
}
