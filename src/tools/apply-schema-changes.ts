import { z } from 'zod';
import { UserError } from '../errors.js';
import { applyMigrationSchema, planSchemaChanges, type SchemaApplied } from '../migration/schema-changes.js';
import { savedMapping } from '../server/migrations.js';
import { schemaPlanHash } from '../server/plans.js';
import { defineTool } from './define.js';
import { confirmationToken, migrationId } from './params.js';

export default defineTool({
  name: 'apply_schema_changes',
  title: 'Apply the schema changes',
  description: [
    'Creates in Twenty the custom fields and select options that preview_schema_changes listed. Needs the confirmationToken of that preview, given only after the user agreed to it; a token for another plan, used or expired is refused.',
    'Additive and idempotent: existing fields and records are not changed. Afterwards, tell the user what was created, then go on with preview_import.',
  ].join('\n'),
  input: z.object({ migrationId, confirmationToken }),
  output: z.object({
    migrationId: z.string(),
    state: z.enum(['done', 'working']).describe('working: still applying in the background; follow it with import_status'),
    jobId: z.string(),
    created: z.array(z.string()).optional(),
    optionsAdded: z.array(z.object({ field: z.string(), count: z.number() })).optional(),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async run({ migrationId: id, confirmationToken: token }, ctx) {
    ctx.jobs.assertIdle(id, 'apply the schema changes');
    const { dir, mapping } = await savedMapping(ctx, id);
    const { client } = await ctx.connection();
    const schema = await client.schema({ refresh: true });
    const changes = planSchemaChanges(mapping, schema);
    ctx.confirmations.consume('apply_schema_changes', id, token, schemaPlanHash(mapping, schema, changes));
    // Many fields take longer than one call under the rate limit: the work goes on as a job if it must.
    const job = ctx.jobs.start<SchemaApplied>(id, 'schema', 'schema changes', async (j) => {
      j.progress = { done: 0, total: changes.length, message: `applying ${changes.length} schema changes` };
      const applied = await applyMigrationSchema(dir, client, mapping);
      j.progress = { done: changes.length, total: changes.length, message: `${applied.created.length} custom fields created, options added to ${applied.options.length} fields` };
      return applied;
    });
    if (!(await ctx.jobs.settle(job, ctx.callWaitMs))) {
      return {
        summary: `Applying ${changes.length} schema changes takes longer than one call; it goes on in the background (job ${job.id}). Follow it with import_status, then go on with preview_import.`,
        data: { migrationId: id, state: 'working' as const, jobId: job.id },
      };
    }
    if (job.state === 'failed') throw new UserError(`The schema changes stopped: ${job.error} Run preview_schema_changes again: what was created stays, the rest is listed again.`);
    const applied = job.result!;
    const created = applied.created.map((c) => `${c.object}.${c.field}`);
    const optionsAdded = applied.options.map((o) => ({ field: `${o.object}.${o.field}`, count: o.values.length }));
    const summary = `Created ${created.length} custom fields${created.length > 0 ? ` (${created.slice(0, 20).join(', ')}${created.length > 20 ? '…' : ''})` : ''} and added options to ${optionsAdded.length} fields. Next: preview_import with stage "sample".`;
    return { summary, data: { migrationId: id, state: 'done' as const, jobId: job.id, created, optionsAdded } };
  },
});
