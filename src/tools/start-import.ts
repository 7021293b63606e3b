import { z } from 'zod';
import { UserError } from '../errors.js';
import { runImportJob } from '../migration/import-job.js';
import { sourceRowsOf } from '../migration/reconcile.js';
import { spotCheck, writeReport } from '../migration/report.js';
import { defineTool } from './define.js';
import { importPlan } from './import-plan.js';
import { confirmationToken, migrationId, policy, since, stage } from './params.js';

export default defineTool({
  name: 'start_import',
  title: 'Start an import',
  description: [
    'Starts writing to Twenty what preview_import showed, as a background job, and returns at once with its job id. Needs the confirmationToken of that preview, given only after the user agreed; a token for another plan, used or expired is refused, and so is an import while the migration is busy.',
    'Every batch is journalled: a stopped or interrupted import goes on where it stopped when started again (preview, confirm, start), writing nothing twice. Follow it with import_status; when it ends, show reconciliation_report (after stage sample, with its spot-check).',
  ].join('\n'),
  input: z.object({ migrationId, stage, policy, since, confirmationToken }),
  output: z.object({ migrationId: z.string(), jobId: z.string(), stage: z.string(), policy: z.string(), state: z.string() }),
  // Records it writes under the default policy only fill empty fields; every write can be undone with rollback_import.
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async run({ confirmationToken: token, ...request }, ctx) {
    ctx.jobs.assertIdle(request.migrationId, 'start the import');
    const plan = await importPlan(ctx, request);
    if (plan.pendingSchemaChanges > 0) {
      throw new UserError(`${plan.pendingSchemaChanges} schema changes this mapping needs are not applied: run preview_schema_changes and apply_schema_changes first, then preview_import again.`);
    }
    ctx.confirmations.consume('start_import', request.migrationId, token, plan.hash);
    const { session, client } = plan;
    const job = ctx.jobs.start(request.migrationId, 'import', `import, stage ${request.stage}`, async (j) => {
      const result = await runImportJob({
        session,
        client,
        policy: request.policy,
        stage: request.stage,
        ...(plan.since ? { since: plan.since } : {}),
        signal: j.controller.signal,
        onProgress: (p, tracker) => {
          const status = tracker.snapshot();
          j.status = status;
          j.progress = { done: status.rows, total: status.totalRows, message: `${p.phase}: ${status.rows.toLocaleString('en-US')} of about ${status.totalRows.toLocaleString('en-US')} rows` };
          ctx.jobs.changed();
        },
      });
      if (!result.cancelled) {
        const spot = request.stage === 'sample' ? await spotCheck(session.dir, client) : undefined;
        await writeReport({ dir: session.dir, migrationId: session.migrationId, client, target: ctx.target(), sourceRows: sourceRowsOf(session.mapping), ...(spot ? { spotCheck: spot } : {}) });
      }
      return result;
    });
    return {
      summary: `Import started (job ${job.id}, stage ${request.stage}, policy ${request.policy}). Follow it with import_status (waitSeconds lets it wait for progress).`,
      data: { migrationId: request.migrationId, jobId: job.id, stage: request.stage, policy: request.policy, state: job.state },
    };
  },
});
