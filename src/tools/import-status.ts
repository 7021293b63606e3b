import { z } from 'zod';
import { readJobStatus, type JobStatus } from '../migration/job.js';
import { savedMapping } from '../server/migrations.js';
import { defineTool } from './define.js';
import { counts, migrationId, untrusted, untrustedValues } from './params.js';

const MAX_WAIT_SECONDS = 45;

export default defineTool({
  name: 'import_status',
  title: 'Import status',
  description: [
    'Reports the migration\'s running or last job (import, rollback, or a long preview): its state, rows done of the total, rate, time left, counts per object so far, and the last errors. Reads only.',
    `waitSeconds (up to ${MAX_WAIT_SECONDS}) waits for the job to move or end before answering, sending progress notifications when the client asked for them. Tell the user the progress in a sentence; when the job has ended, go on to reconciliation_report. An "interrupted" job (the server stopped) goes on where it stopped when started again.`,
  ].join('\n'),
  input: z.object({
    migrationId,
    waitSeconds: z.number().min(0).max(MAX_WAIT_SECONDS).default(0).describe('Wait this long at most for the job to end, reporting progress meanwhile.'),
  }),
  output: z.object({
    migrationId: z.string(),
    state: z.enum(['none', 'running', 'finished', 'cancelled', 'failed', 'interrupted']),
    job: z.object({ id: z.string().optional(), kind: z.string(), label: z.string(), startedAt: z.string() }).optional(),
    progress: z.object({ rows: z.number(), totalRows: z.number(), ratePerSecond: z.number().optional(), etaSeconds: z.number().optional(), phase: z.string().optional() }).optional(),
    message: z.string().optional().describe('What the job says it is doing, or did'),
    counts: z.record(z.string(), counts).optional(),
    lastErrors: untrustedValues.optional(),
    error: z.string().optional(),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async run({ migrationId: id, waitSeconds }, ctx, extra) {
    const { dir } = await savedMapping(ctx, id);
    const until = Date.now() + waitSeconds * 1_000;
    const progressToken = extra._meta?.progressToken;
    let job = ctx.jobs.get(id);
    while (job?.state === 'running' && Date.now() < until && !extra.signal.aborted) {
      await ctx.jobs.nextChange(Math.min(until - Date.now(), 5_000), extra.signal);
      if (progressToken !== undefined && job.state === 'running') {
        await extra.sendNotification({
          method: 'notifications/progress',
          params: { progressToken, progress: job.progress.done, ...(job.progress.total > 0 ? { total: job.progress.total } : {}), message: job.progress.message },
        });
      }
      job = ctx.jobs.get(id);
    }
    // An import's status.json outlives this process; a job of this process is fresher for everything else.
    const saved = await readJobStatus(dir);
    const status: JobStatus | undefined = job?.kind === 'import' ? (job.status ?? saved) : job ? undefined : saved;
    const state = job ? job.state : (saved?.state ?? 'none');
    const data = {
      migrationId: id,
      state,
      ...(job
        ? { job: { id: job.id, kind: job.kind, label: job.label, startedAt: job.startedAt } }
        : saved
          ? { job: saved.stage === 'rollback' ? { kind: 'rollback', label: 'rollback', startedAt: saved.startedAt } : { kind: 'import', label: `import, stage ${saved.stage}`, startedAt: saved.startedAt } }
          : {}),
      ...(status
        ? {
            progress: { rows: status.rows, totalRows: status.totalRows, ratePerSecond: status.ratePerSecond, ...(status.etaSeconds !== undefined && state === 'running' ? { etaSeconds: status.etaSeconds } : {}), ...(status.phase ? { phase: status.phase } : {}) },
            counts: status.counts as Record<string, z.infer<typeof counts>>,
            lastErrors: untrusted(status.lastErrors, 5, 300),
          }
        : job
          ? { progress: { rows: job.progress.done, totalRows: job.progress.total } }
          : {}),
      ...(job && job.kind !== 'import' ? { message: job.progress.message } : {}),
      ...(job?.error ? { error: job.error } : status?.error ? { error: status.error } : {}),
    } as const;
    return { summary: sentence(data), data };
  },
});

type Sentence = { state: string; job?: { kind: string; label: string }; progress?: { rows: number; totalRows: number; ratePerSecond?: number; etaSeconds?: number }; counts?: Record<string, Record<string, number>>; message?: string; error?: string };

/** What a finished import did, over every object: "1,204 created, 3 updated, 0 unchanged, 17 skipped, 0 failed". */
function totals(counts: Sentence['counts']): string {
  const sum = (k: string): number => Object.values(counts ?? {}).reduce((n, c) => n + (c[k] ?? 0), 0);
  return ['created', 'updated', 'unchanged', 'skipped', 'failed'].map((k) => `${sum(k).toLocaleString('en-US')} ${k}`).join(', ');
}

function sentence(d: Sentence): string {
  const label = d.job?.label ?? 'no job';
  if (d.message && d.state !== 'running' && d.state !== 'failed') return `${label}: ${d.state}: ${d.message}.`;
  const p = d.progress;
  const where = p ? ` ${p.rows.toLocaleString('en-US')} of about ${p.totalRows.toLocaleString('en-US')} rows${p.ratePerSecond ? ` at ${p.ratePerSecond}/s` : ''}${p.etaSeconds !== undefined ? `, about ${Math.ceil(p.etaSeconds / 60)} min left` : ''}.` : '';
  switch (d.state) {
    case 'none':
      return 'No import has run for this migration yet.';
    case 'running':
      return `${label}: running,${where} Ask again with waitSeconds to follow it.`;
    case 'finished':
      if (d.job?.kind === 'rollback') return `${label}: finished.`;
      return `${label}: finished${d.counts ? ` (this run: ${totals(d.counts)})` : ''}. Next: reconciliation_report.`;
    case 'interrupted':
      if (d.job?.kind === 'rollback') return `${label}: interrupted (the process running it stopped).${where} Roll back again (preview_rollback, then rollback_import): it goes on where it stopped.`;
      return `${label}: interrupted (the process running it stopped).${where} Start the same stage again (preview_import, then start_import): it goes on where it stopped and writes nothing twice.`;
    case 'cancelled':
      return `${label}: stopped before the end.${where} Starting it again goes on where it stopped.`;
    default:
      return `${label}: failed: ${d.error ?? 'unknown error'}. Fix what it says, then start it again: it goes on where it stopped.`;
  }
}
