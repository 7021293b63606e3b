/**
 * An import (or a rollback) as a job another process can watch: its progress, rate and ETA, written to `status.json`
 * in the migration's folder when it starts, while it runs (at most once a second) and when it ends. `kartra-twenty
 * status` and the MCP `import_status` tool read it; a job whose process died shows as such, not as running forever.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Counts, ImportResult, Phase, Progress, Stage } from './engine.js';
import { MigrationLock } from './lock.js';
import { writeFileAtomic } from './store.js';

export const STATUS_FILE = 'status.json';

export type JobState = 'running' | 'finished' | 'cancelled' | 'failed' | 'interrupted';

export type JobStatus = {
  migrationId: string;
  stage: Stage | 'rollback';
  state: JobState;
  pid: number;
  startedAt: string;
  updatedAt: string;
  phase?: Phase;
  /** Rows handled so far in this run, of about `totalRows`. */
  rows: number;
  totalRows: number;
  ratePerSecond: number;
  etaSeconds?: number;
  counts: Partial<Record<Phase, Counts>>;
  lastErrors: string[];
  error?: string;
};

export class JobTracker {
  private readonly status: JobStatus;
  private readonly started = Date.now();
  private lastWrite = 0;
  private writing: Promise<void> = Promise.resolve();
  /** Rows of the phases already finished: a phase's progress counts from zero. */
  private finishedRows = 0;
  private currentPhase: Phase | undefined;
  private currentRows = 0;

  constructor(
    private readonly dir: string,
    migrationId: string,
    stage: JobStatus['stage'],
    totalRows: number,
  ) {
    const now = new Date().toISOString();
    this.status = { migrationId, stage, state: 'running', pid: process.pid, startedAt: now, updatedAt: now, rows: 0, totalRows, ratePerSecond: 0, counts: {}, lastErrors: [] };
  }

  /**
   * Says the job runs, on disk, before it writes anything: a process killed before its first progress shows as
   * interrupted, not as the job before it (or as none).
   */
  async begin(): Promise<void> {
    this.save();
    await this.writing;
  }

  /** A job without phases (a rollback): `rows` of about `totalRows` done. */
  advance(rows: number): void {
    this.status.rows = rows;
    const seconds = (Date.now() - this.started) / 1000;
    this.status.ratePerSecond = seconds > 0 ? Math.round((rows / seconds) * 10) / 10 : 0;
    const left = Math.max(0, this.status.totalRows - rows);
    if (this.status.ratePerSecond > 0) this.status.etaSeconds = Math.round(left / this.status.ratePerSecond);
    if (Date.now() - this.lastWrite >= 1000) this.save();
  }

  progress(p: Progress): void {
    if (p.phase !== this.currentPhase) {
      this.finishedRows += this.currentRows;
      this.currentPhase = p.phase;
    }
    this.currentRows = p.rows;
    this.status.phase = p.phase;
    this.status.counts[p.phase] = { ...p.counts };
    this.status.rows = this.finishedRows + p.rows;
    const seconds = (Date.now() - this.started) / 1000;
    this.status.ratePerSecond = seconds > 0 ? Math.round((this.status.rows / seconds) * 10) / 10 : 0;
    const left = Math.max(0, this.status.totalRows - this.status.rows);
    if (this.status.ratePerSecond > 0) this.status.etaSeconds = Math.round(left / this.status.ratePerSecond);
    if (Date.now() - this.lastWrite >= 1000) this.save();
  }

  error(message: string): void {
    this.status.lastErrors = [...this.status.lastErrors, message.slice(0, 300)].slice(-5);
  }

  async end(result: { cancelled: boolean; counts?: ImportResult['counts'] } | undefined, error?: unknown): Promise<JobStatus> {
    if (error !== undefined) {
      this.status.state = 'failed';
      this.status.error = (error as Error)?.message?.slice(0, 500) ?? String(error);
    } else {
      this.status.state = result?.cancelled ? 'cancelled' : 'finished';
      if (result?.counts) this.status.counts = result.counts;
    }
    delete this.status.etaSeconds;
    this.save();
    await this.writing;
    return this.snapshot();
  }

  snapshot(): JobStatus {
    return structuredClone(this.status);
  }

  private save(): void {
    this.lastWrite = Date.now();
    this.status.updatedAt = new Date().toISOString();
    const text = `${JSON.stringify(this.status, null, 2)}\n`;
    // Serialised: a slow disk must not let an older status land after a newer one.
    this.writing = this.writing.then(() => writeFileAtomic(join(this.dir, STATUS_FILE), text)).catch(() => undefined);
  }
}

/** The last status of a migration's job; a "running" job whose process is gone reads as interrupted. */
export async function readJobStatus(dir: string): Promise<JobStatus | undefined> {
  let status: JobStatus;
  try {
    status = JSON.parse(await readFile(join(dir, STATUS_FILE), 'utf8')) as JobStatus;
  } catch {
    return undefined;
  }
  if (status.state === 'running' && !alive(status.pid)) status.state = 'interrupted';
  return status;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A job of a migration (an import stage, a rollback): under its lock, so a second one from any process is refused,
 * and in status.json from its start to its end, whatever that end is. `prepare` runs under the lock first and gives
 * the job's row count.
 */
export async function runTrackedJob<R extends { cancelled: boolean; counts?: ImportResult['counts'] }>(
  job: { dir: string; migrationId: string; stage: JobStatus['stage']; holder: string },
  prepare: () => Promise<number>,
  work: (tracker: JobTracker) => Promise<R>,
): Promise<R> {
  const lock = await MigrationLock.acquire(job.dir, job.holder);
  try {
    const tracker = new JobTracker(job.dir, job.migrationId, job.stage, await prepare());
    await tracker.begin();
    try {
      const result = await work(tracker);
      await tracker.end(result);
      return result;
    } catch (error) {
      await tracker.end(undefined, error);
      throw error;
    }
  } finally {
    await lock.release();
  }
}
