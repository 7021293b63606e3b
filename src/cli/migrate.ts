/**
 * The migration commands: preview (a dry-run), import (a stage, with --yes), status, report, rollback, and migrate
 * (the whole flow headless). Every command that writes prints what it will do and needs --yes; without it, it stops
 * after the preview.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { migrationHome } from '../config.js';
import { UserError } from '../errors.js';
import { DEFAULT_SAMPLE_SIZE, runImport, type ImportResult, type Phase, type Stage } from '../migration/engine.js';
import { automationInventory, tagListSequenceCounts } from '../migration/inventory.js';
import { readJobStatus, type JobStatus, type JobTracker } from '../migration/job.js';
import { runImportJob } from '../migration/import-job.js';
import { POLICIES, type Policy } from '../migration/matching.js';
import { sourceRowsOf } from '../migration/reconcile.js';
import { spotCheck, writeReport } from '../migration/report.js';
import { planRollback, runRollbackJob } from '../migration/rollback.js';
import { applyMigrationSchema, describeChange, planSchemaChanges } from '../migration/schema-changes.js';
import { autoAcceptedOnly, openMigration, type MigrationSession } from '../migration/session.js';
import { MigrationStore, writeFileAtomic } from '../migration/store.js';
import { connectTwenty, type TwentyConnection } from '../twenty/index.js';
import { table, terminalSafe } from './table.js';

export const PREVIEW_USAGE = 'kartra-twenty preview <file|folder>... [--policy fill-empty|overwrite|create-only] [--json]';
export const IMPORT_USAGE = 'kartra-twenty import <file|folder>... --stage sample|full|delta [--since <migration-id>] [--policy P] [--yes]';
export const STATUS_USAGE = 'kartra-twenty status [<migration-id>]';
export const REPORT_USAGE = 'kartra-twenty report <migration-id>';
export const ROLLBACK_USAGE = 'kartra-twenty rollback <migration-id> [--remove-fields] [--yes]';
export const MIGRATE_USAGE = 'kartra-twenty migrate <file|folder>... [--policy P] --yes';

const out = (text: string): void => void process.stdout.write(`${text}\n`);
const err = (text: string): void => void process.stderr.write(`${text}\n`);

export function parsePolicy(value: string | undefined): Policy {
  const policy = value ?? 'fill-empty';
  if (!(POLICIES as readonly string[]).includes(policy)) throw new UserError(`Unknown policy "${policy}". Use one of: ${POLICIES.join(', ')}.`);
  return policy as Policy;
}

async function withConnection<T>(work: (connection: TwentyConnection) => Promise<T>): Promise<T> {
  const connection = await connectTwenty();
  try {
    return await work(connection);
  } finally {
    await connection.close();
  }
}

function countsTable(result: ImportResult): string {
  const phases = (Object.keys(result.counts) as Phase[]).filter((p) => Object.values(result.counts[p]).some((n) => n > 0));
  return table(
    ['records (from)', 'create', 'update', 'unchanged', 'skip', 'fail'],
    phases.map((p) => {
      const c = result.counts[p];
      return [p, String(c.created), String(c.updated), String(c.unchanged), String(c.skipped), String(c.failed)];
    }),
  );
}

/** Dry-run and schema changes: what an import would do. Writes nothing in Twenty. */
async function preview(session: MigrationSession, connection: TwentyConnection, policy: Policy): Promise<{ result: ImportResult; changes: string[] }> {
  const changes = planSchemaChanges(session.mapping, await connection.client.schema()).map(describeChange);
  const result = await runImport({ dir: session.dir, inspection: session.inspection, mapping: session.mapping, client: connection.client, policy, stage: 'dry-run' });
  return { result, changes };
}

function printPreview(session: MigrationSession, connection: TwentyConnection, policy: Policy, preview: { result: ImportResult; changes: string[] }): void {
  const { result, changes } = preview;
  out(`Twenty: ${terminalSafe(connection.describe())}`);
  out(`Migration ${session.migrationId}, mapping version ${session.mapping.version}${session.proposed ? ' (just proposed: review it with kartra-twenty map)' : ''}, policy ${policy}`);
  out('');
  out(`Schema changes (${changes.length}):`);
  for (const c of changes.slice(0, 30)) out(`  ${terminalSafe(c)}`);
  if (changes.length > 30) out(`  … and ${changes.length - 30} more`);
  out('');
  out('Dry-run (nothing written):');
  out(countsTable(result));
  if (result.problemCount > 0) {
    out('');
    out(`${result.problemCount} cells could not be converted (their records are written without them), e.g.:`);
    for (const p of result.problems.slice(0, 8)) out(`  ${p.phase} ${terminalSafe(p.key)} ${terminalSafe(p.column)}: ${terminalSafe(p.problem)}`);
  }
}

export async function previewCommand(paths: string[], options: { policy?: string | undefined; json: boolean }): Promise<number> {
  const policy = parsePolicy(options.policy);
  return withConnection(async (connection) => {
    const session = await openMigration(paths, connection, migrationHome());
    const p = await preview(session, connection, policy);
    if (options.json) out(JSON.stringify({ migrationId: session.migrationId, mode: connection.mode, mappingVersion: session.mapping.version, schemaChanges: p.changes, ...p.result }, null, 2));
    else printPreview(session, connection, policy, p);
    return 0;
  });
}

/** A progress line on stderr: a bar when it is a terminal, a line every few seconds when it is not. */
function progressPrinter(tracker: JobTracker): () => void {
  let last = 0;
  return () => {
    const s = tracker.snapshot();
    const now = Date.now();
    const tty = process.stderr.isTTY === true;
    if (!tty && now - last < 5000) return;
    last = now;
    const share = s.totalRows > 0 ? Math.min(1, s.rows / s.totalRows) : 0;
    const bar = '#'.repeat(Math.round(share * 30)).padEnd(30, '.');
    const line = `[${bar}] ${s.rows}/${s.totalRows} rows, ${s.phase ?? ''}, ${s.ratePerSecond}/s${s.etaSeconds !== undefined ? `, about ${s.etaSeconds} s left` : ''}`;
    process.stderr.write(tty ? `\r${line}` : `${line}\n`);
  };
}

/** Applies schema changes, then runs a stage as a tracked job under the migration's lock, with a progress line. */
async function importStage(session: MigrationSession, connection: TwentyConnection, policy: Policy, stage: Exclude<Stage, 'dry-run'>, since?: string[]): Promise<ImportResult> {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  try {
    let print: (() => void) | undefined;
    const result = await runImportJob({
      // under the lock: a second import started at the same time is refused before it changes the data model
      underLock: async () => {
        const applied = await applyMigrationSchema(session.dir, connection.client, session.mapping);
        if (applied.lines.length > 0) err(`schema: ${applied.lines.length} changes applied`);
      },
      session,
      client: connection.client,
      policy,
      stage,
      ...(since ? { since } : {}),
      signal: controller.signal,
      onStarted: (tracker) => (print = progressPrinter(tracker)),
      onProgress: () => print?.(),
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    return result;
  } finally {
    process.off('SIGINT', stop);
  }
}

async function finishReport(session: MigrationSession, connection: TwentyConnection, withSpotCheck: boolean): Promise<void> {
  const spot = withSpotCheck ? await spotCheck(session.dir, connection.client) : undefined;
  const report = await writeReport({ dir: session.dir, migrationId: session.migrationId, client: connection.client, target: connection.describe(), sourceRows: sourceRowsOf(session.mapping), ...(spot ? { spotCheck: spot } : {}) });
  out('');
  for (const line of (report.markdown.split('\n## Rows not imported')[0] ?? '').split('\n')) out(terminalSafe(line));
  out(`Report: ${report.path}${report.rejects > 0 ? `; ${report.rejects} rows not imported, listed in ${join(session.dir, 'rejects.csv')}` : ''}`);
}

export async function importCommand(paths: string[], options: { stage?: string | undefined; since?: string | undefined; policy?: string | undefined; yes: boolean }): Promise<number> {
  const policy = parsePolicy(options.policy);
  if (options.stage !== 'sample' && options.stage !== 'full' && options.stage !== 'delta') {
    throw new UserError(`Say which stage to import: --stage sample (the first ${DEFAULT_SAMPLE_SIZE} people and what hangs on them), --stage full, or --stage delta --since <migration-id> for newer exports.`);
  }
  if (options.stage === 'delta' && !options.since) throw new UserError('A delta import follows an earlier migration: add --since <migration-id> (kartra-twenty status lists them).');
  const stage = options.stage;
  const earlier = options.since ? await sessionById(options.since) : undefined;
  return withConnection(async (connection) => {
    const session = await openMigration(paths, connection, migrationHome(), earlier ? { inherit: earlier.mapping } : {});
    if (earlier && session.migrationId === options.since) throw new UserError(`These are the same exports as migration ${options.since}: nothing is newer. Use --stage full to finish it.`);
    if (!earlier && session.proposed) await refuseChangedExports(session);
    if (!options.yes) {
      printPreview(session, connection, policy, await preview(session, connection, policy));
      err(`\nNothing was written. To import, run the same command with --yes.`);
      return 2;
    }
    out(`Twenty: ${terminalSafe(connection.describe())}`);
    const result = await importStage(session, connection, policy, stage, earlier ? [earlier.dir] : undefined);
    out(countsTable(result));
    if (result.cancelled) {
      err('Stopped before the end. Run the same command again to go on where it stopped.');
      return 130;
    }
    await finishReport(session, connection, stage === 'sample');
    return 0;
  });
}

/**
 * Exports never seen before (their mapping was proposed just now) that carry the names of files an earlier migration
 * read: they changed since that migration's preview, so what the user saw and said yes to is not what would be
 * written. Nothing is written; the new mapping is saved, so after a preview the same command goes on.
 */
async function refuseChangedExports(session: MigrationSession): Promise<void> {
  const [changed] = await new MigrationStore(migrationHome()).changedSince(session.mapping);
  if (!changed) return;
  const files = changed.files.slice(0, 3).join(', ') + (changed.files.length > 3 ? ` and ${changed.files.length - 3} more` : '');
  throw new UserError(
    `The exports changed since migration ${changed.migrationId} was previewed: ${files} ${changed.files.length === 1 ? 'is' : 'are'} not what that preview read. ` +
      `As they are now they are a new migration, ${session.migrationId}, whose preview was not shown, so nothing was written. ` +
      `Run kartra-twenty preview on them, then this command again to import them as they are now; or import only what changed into ${changed.migrationId} with --stage delta --since ${changed.migrationId}.`,
  );
}

export async function migrateCommand(paths: string[], options: { policy?: string | undefined; yes: boolean }): Promise<number> {
  const policy = parsePolicy(options.policy);
  return withConnection(async (connection) => {
    const opened = await openMigration(paths, connection, migrationHome());
    const session = { ...opened, mapping: opened.proposed ? autoAcceptedOnly(opened.mapping) : opened.mapping };
    if (!options.yes) {
      printPreview(session, connection, policy, await preview(session, connection, policy));
      err('\nNothing was written. migrate imports only what the mapping accepted without review; run it with --yes to go on.');
      return 2;
    }
    out(`Twenty: ${terminalSafe(connection.describe())}`);
    for (const stage of ['sample', 'full'] as const) {
      const result = await importStage(session, connection, policy, stage);
      out(`${stage}:`);
      out(countsTable(result));
      if (result.cancelled) {
        err('Stopped before the end. Run the same command again to go on where it stopped.');
        return 130;
      }
    }
    await finishReport(session, connection, true);
    const counts = await tagListSequenceCounts(session.inspection, session.mapping);
    const inventory = automationInventory({ migrationId: session.migrationId, inspection: session.inspection, mapping: session.mapping, counts });
    await writeFileAtomic(join(session.dir, 'inventory.md'), inventory);
    out(`Automation inventory: ${join(session.dir, 'inventory.md')}`);
    return 0;
  });
}

function formatStatus(s: JobStatus): string {
  const counts = Object.entries(s.counts)
    .map(([phase, c]) => `${phase} ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged, ${c.skipped} skipped, ${c.failed} failed`)
    .join('; ');
  const eta = s.state === 'running' && s.etaSeconds !== undefined ? `, about ${s.etaSeconds} s left` : '';
  return `${s.migrationId}  ${s.stage} ${s.state}  ${s.rows}/${s.totalRows} rows at ${s.ratePerSecond}/s${eta}  (updated ${s.updatedAt})${counts ? `\n  ${counts}` : ''}${s.error ? `\n  error: ${s.error}` : ''}${s.lastErrors.length ? `\n  last errors: ${s.lastErrors.join(' | ')}` : ''}`;
}

export async function statusCommand(ids: string[]): Promise<number> {
  const store = new MigrationStore(migrationHome());
  const all = ids.length > 0 ? ids : (await readdir(store.home).catch(() => [] as string[])).filter((n) => /^m-[0-9a-f]{12}$/.test(n));
  if (all.length === 0) {
    out(`No migrations in ${store.home} yet.`);
    return 0;
  }
  for (const id of all) {
    const status = await readJobStatus(store.dir(id));
    out(status ? terminalSafe(formatStatus(status)) : `${id}  no import run yet`);
  }
  return 0;
}

async function sessionById(id: string): Promise<{ dir: string; mapping: NonNullable<Awaited<ReturnType<MigrationStore['loadMapping']>>> }> {
  const store = new MigrationStore(migrationHome());
  const mapping = await store.loadMapping(id);
  if (!mapping) throw new UserError(`There is no migration ${id} in ${store.home}. kartra-twenty status lists them.`);
  return { dir: store.dir(id), mapping };
}

export async function reportCommand(id: string | undefined): Promise<number> {
  if (!id) throw new UserError(`Name the migration: ${REPORT_USAGE}`);
  const { dir, mapping } = await sessionById(id);
  return withConnection(async (connection) => {
    const report = await writeReport({ dir, migrationId: id, client: connection.client, target: connection.describe(), sourceRows: sourceRowsOf(mapping) });
    for (const line of report.markdown.split('\n')) out(terminalSafe(line));
    out(`Written to ${report.path}`);
    return 0;
  });
}

export async function rollbackCommand(id: string | undefined, options: { yes: boolean; removeFields: boolean }): Promise<number> {
  if (!id) throw new UserError(`Name the migration: ${ROLLBACK_USAGE}`);
  const { dir } = await sessionById(id);
  const plan = await planRollback(dir);
  return withConnection(async (connection) => {
    out(`Twenty: ${terminalSafe(connection.describe())}`);
    if (plan.length === 0) {
      out('This migration has written nothing that is still in place: nothing to roll back.');
      return 0;
    }
    out(table(['records (from)', 'destroy (created)', 'restore (updated)'], plan.map((p) => [p.phase, String(p.destroy), String(p.restore)])));
    if (!options.yes) {
      err('\nNothing was changed. Records changed in Twenty since the import are kept and listed. Run with --yes to roll back.');
      return 2;
    }
    const result = await runRollbackJob(dir, id, connection.client, { removeSchema: options.removeFields });
    const reversed = Object.entries(result.reversed).map(([phase, r]) => `${phase}: ${r.destroyed} destroyed, ${r.restored} restored`);
    out(`Rolled back. ${reversed.join('; ')}.`);
    if (result.schemaRemoved.length > 0) out(`Removed from the data model: ${result.schemaRemoved.join(', ')}.`);
    else if (options.removeFields) out('The custom fields stay: they are removed only when every record was rolled back.');
    if (result.kept.length > 0) out(`Kept (changed in Twenty since the import): ${result.kept.length}\n${result.kept.slice(0, 20).map((k) => `  ${k.phase} ${terminalSafe(k.key)}: ${terminalSafe(k.reason)}`).join('\n')}`);
    if (result.errored.length > 0) err(`Could not roll back ${result.errored.length}:\n${result.errored.slice(0, 20).map((k) => `  ${k.phase} ${terminalSafe(k.key)}: ${terminalSafe(k.reason)}`).join('\n')}`);
    return result.errored.length > 0 ? 1 : 0;
  });
}
