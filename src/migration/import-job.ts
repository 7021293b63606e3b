/**
 * One stage of an import as a job: under the migration's lock (a second import of the same migration, from any
 * process, is refused), tracked in status.json (progress, rate, ETA, last errors), stoppable through its signal. The
 * CLI and the MCP server both run imports this way; the schema changes are applied before, by the caller, after
 * their own confirmation.
 */
import { runImport, type ImportResult, type Progress, type Stage } from './engine.js';
import { runTrackedJob, type JobTracker } from './job.js';
import type { Policy } from './matching.js';
import type { MigrationSession } from './session.js';
import type { TwentyClient } from '../twenty/client.js';

export type ImportJobOptions = {
  session: MigrationSession;
  client: TwentyClient;
  policy: Policy;
  stage: Exclude<Stage, 'dry-run'>;
  since?: string[];
  signal?: AbortSignal;
  onProgress?: (progress: Progress, tracker: JobTracker) => void;
  /** Called once the lock is held, before any write: the job is on its way. */
  onStarted?: (tracker: JobTracker) => void;
  /** Work that must not race another import of the migration (the CLI's schema changes): run under the lock first. */
  underLock?: () => Promise<void>;
};

export async function runImportJob(options: ImportJobOptions): Promise<ImportResult> {
  const { session, stage } = options;
  const prepare = async (): Promise<number> => {
    await options.underLock?.();
    return session.inspection.datasets.reduce((n, d) => n + d.rows, 0);
  };
  return runTrackedJob({ dir: session.dir, migrationId: session.migrationId, stage, holder: `import --stage ${stage}` }, prepare, (tracker) => {
    options.onStarted?.(tracker);
    return runImport({
      dir: session.dir,
      inspection: session.inspection,
      mapping: session.mapping,
      client: options.client,
      policy: options.policy,
      stage,
      ...(options.since ? { since: options.since } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: (p) => {
        tracker.progress(p);
        options.onProgress?.(p, tracker);
      },
    });
  });
}
