/**
 * Work that outlives the tool call that started it (Claude Desktop gives a call about 60 seconds): imports,
 * rollbacks and long dry-runs run here, in the server process, one per migration at a time. A job's progress is in
 * its migration's status.json as well, so a restarted server still knows how the last one ended.
 */
import { randomBytes } from 'node:crypto';
import { UserError } from '../errors.js';
import type { JobStatus } from '../migration/job.js';

export type JobKind = 'import' | 'rollback' | 'preview' | 'schema' | 'report';

export type Job<R = unknown> = {
  id: string;
  migrationId: string;
  kind: JobKind;
  /** For a person: "import, stage sample". */
  label: string;
  startedAt: string;
  state: 'running' | 'finished' | 'failed' | 'cancelled';
  result?: R;
  error?: string;
  /** Progress for a person and for progress notifications. */
  progress: { done: number; total: number; message: string };
  /** An import's tracked status (rate, ETA, counts, last errors), as status.json has it. */
  status?: JobStatus;
  done: Promise<void>;
  controller: AbortController;
};

export class Jobs {
  private readonly byMigration = new Map<string, Job>();
  private readonly listeners = new Set<() => void>();

  /** The job of a migration: running, or the last one this process ran. */
  get(migrationId: string): Job | undefined {
    return this.byMigration.get(migrationId);
  }

  running(migrationId: string): Job | undefined {
    const job = this.byMigration.get(migrationId);
    return job?.state === 'running' ? job : undefined;
  }

  /** Refuses work on a migration while a job of it runs; `then` says what to do once it has ended. */
  assertIdle(migrationId: string, then: string, unless?: JobKind): void {
    const busy = this.running(migrationId);
    if (busy && busy.kind !== unless) {
      throw new UserError(`Migration ${migrationId} is busy: ${busy.label} (job ${busy.id}) is running. Follow it with import_status; ${then} when it has ended.`);
    }
  }

  start<R>(migrationId: string, kind: JobKind, label: string, work: (job: Job<R>) => Promise<R>): Job<R> {
    this.assertIdle(migrationId, 'start this');
    const job: Job<R> = {
      id: `job-${randomBytes(6).toString('hex')}`,
      migrationId,
      kind,
      label,
      startedAt: new Date().toISOString(),
      state: 'running',
      progress: { done: 0, total: 0, message: 'starting' },
      controller: new AbortController(),
      done: Promise.resolve(),
    };
    job.done = (async () => {
      try {
        job.result = await work(job);
        job.state = job.controller.signal.aborted ? 'cancelled' : 'finished';
      } catch (error) {
        job.state = job.controller.signal.aborted ? 'cancelled' : 'failed';
        job.error = error instanceof UserError ? error.message : `unexpected: ${(error as Error)?.message ?? String(error)}`;
        if (!(error instanceof UserError)) process.stderr.write(`kartra-twenty-mcp: job ${job.id} (${label}) failed: ${(error as Error)?.stack ?? String(error)}\n`);
      } finally {
        this.changed();
      }
    })();
    this.byMigration.set(migrationId, job as Job);
    this.changed();
    return job;
  }

  /** Waits for the job to end, at most `ms` (a tool call must answer within Claude Desktop's time limit). */
  async settle(job: Job, ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([job.done, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
    return job.state !== 'running';
  }

  /** Tells waiters something moved (a job's progress, or its end). */
  changed(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** Resolves at the next change, or after `ms`. */
  nextChange(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.listeners.delete(finish);
        signal?.removeEventListener('abort', finish);
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.listeners.add(finish);
      signal?.addEventListener('abort', finish, { once: true });
    });
  }

  /** Stops every running job and waits for each to end (a server shutting down). */
  async stopAll(): Promise<void> {
    const running = [...this.byMigration.values()].filter((j) => j.state === 'running');
    for (const job of running) job.controller.abort(new Error('the server is shutting down'));
    await Promise.all(running.map((j) => j.done));
  }
}
