import { z } from 'zod';
import { UserError } from '../errors.js';
import { applyMigrationSchema, planSchemaChanges } from '../migration/schema-changes.js';
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
  output: z.object({ migrationId: z.string(), created: z.array(z.string()), optionsAdded: z.array(z.object({ field: z.string(), count: z.number() })) }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async run({ migrationId: id, confirmationToken: token }, ctx) {
    const running = ctx.jobs.running(id);
    if (running) throw new UserError(`Migration ${id} is busy (${running.label}): apply schema changes when it has ended.`);
    const { dir, mapping } = await savedMapping(ctx, id);
    const { client } = await ctx.connection();
    const schema = await client.schema({ refresh: true });
    ctx.confirmations.consume('apply_schema_changes', id, token, schemaPlanHash(mapping, schema, planSchemaChanges(mapping, schema)));
    const applied = await applyMigrationSchema(dir, client, mapping);
    const created = applied.created.map((c) => `${c.object}.${c.field}`);
    const optionsAdded = applied.options.map((o) => ({ field: `${o.object}.${o.field}`, count: o.values.length }));
    const summary = `Created ${created.length} custom fields${created.length > 0 ? ` (${created.slice(0, 20).join(', ')}${created.length > 20 ? '…' : ''})` : ''} and added options to ${optionsAdded.length} fields. Next: preview_import with stage "sample".`;
    return { summary, data: { migrationId: id, created, optionsAdded } };
  },
});
