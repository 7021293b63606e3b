import { z } from 'zod';
import { planRollback, runRollbackJob } from '../migration/rollback.js';
import { savedMapping } from '../server/migrations.js';
import { rollbackPlanHash } from '../server/plans.js';
import { defineTool } from './define.js';
import { confirmationToken, migrationId } from './params.js';
import { removeFields } from './preview-rollback.js';

export default defineTool({
  name: 'rollback_import',
  title: 'Roll back the migration',
  description: [
    'Undoes what the migration wrote, as a background job: destroys the records it created, restores the fields it updated, keeps (and lists) records changed in Twenty since. Needs the confirmationToken of preview_rollback, given only after the user agreed; a token for another plan, used or expired is refused.',
    'Returns at once with a job id: follow it with import_status, then show the user what was reversed, kept and errored. Run again, it goes on where it stopped.',
  ].join('\n'),
  input: z.object({ migrationId, removeFields, confirmationToken }),
  output: z.object({ migrationId: z.string(), jobId: z.string(), state: z.string() }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  async run({ migrationId: id, removeFields: remove, confirmationToken: token }, ctx) {
    ctx.jobs.assertIdle(id, 'roll back');
    const { dir } = await savedMapping(ctx, id);
    const plan = await planRollback(dir);
    ctx.confirmations.consume('rollback_import', id, token, rollbackPlanHash(id, plan, remove));
    const { client } = await ctx.connection();
    const total = plan.reduce((n, p) => n + p.destroy + p.restore, 0);
    const job = ctx.jobs.start(id, 'rollback', 'rollback', async (j) => {
      const result = await runRollbackJob(dir, id, client, {
        signal: j.controller.signal,
        removeSchema: remove,
        onProgress: (done) => {
          j.progress = { done, total, message: `rollback: ${done} of ${total} records` };
          ctx.jobs.changed();
        },
      });
      const reversed = Object.entries(result.reversed).filter(([, r]) => r.destroyed + r.restored > 0);
      j.progress.message = `rolled back: ${reversed.map(([phase, r]) => `${phase} ${r.destroyed} destroyed, ${r.restored} restored`).join('; ') || 'nothing'}; ${result.kept.length} kept (changed since), ${result.errored.length} errored`;
      return result;
    });
    return { summary: `Rollback started (job ${job.id}, ${total} records). Follow it with import_status.`, data: { migrationId: id, jobId: job.id, state: job.state } };
  },
});
