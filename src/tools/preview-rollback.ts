import { z } from 'zod';
import { planRollback } from '../migration/rollback.js';
import { savedMapping } from '../server/migrations.js';
import { rollbackPlanHash } from '../server/plans.js';
import { defineTool } from './define.js';
import { confirmation, migrationId } from './params.js';

export const removeFields = z
  .boolean()
  .default(false)
  .describe('Also remove the custom fields and select options this migration added (only once every record it wrote is rolled back).');

export default defineTool({
  name: 'preview_rollback',
  title: 'Preview a rollback',
  description: [
    'Says what rolling the migration back would do, from its journal: per object, the records it created (to destroy for good) and the records it updated (to restore to their previous values). Records changed in Twenty since the import are kept and listed, not undone. Returns the confirmationToken rollback_import needs. Reads only.',
    'Show the user the counts and that destroyed records do not go to the trash, and ask before rollback_import.',
  ].join('\n'),
  input: z.object({ migrationId, removeFields }),
  output: z.object({
    migrationId: z.string(),
    objects: z.array(z.object({ phase: z.string(), destroy: z.number(), restore: z.number() })),
    removeFields: z.boolean(),
    confirmation: confirmation.optional(),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async run({ migrationId: id, removeFields: remove }, ctx) {
    const { dir } = await savedMapping(ctx, id);
    const plan = await planRollback(dir);
    if (plan.length === 0) {
      return { summary: 'This migration has written nothing that is still in place: nothing to roll back.', data: { migrationId: id, objects: [], removeFields: remove } };
    }
    const token = ctx.confirmations.issue('rollback_import', id, rollbackPlanHash(id, plan, remove));
    const lines = [
      'Rolling back would:',
      ...plan.map((p) => `- ${p.phase}: destroy ${p.destroy} created records, restore ${p.restore} updated ones`),
      'Destroyed records are deleted for good (not to the trash). Records someone changed in Twenty since the import are kept and listed.',
      remove ? 'Then remove the custom fields and options the migration added, if every record was rolled back.' : 'The custom fields stay (removeFields: true removes them).',
      'Ask the user to confirm, then call rollback_import with the confirmationToken.',
    ];
    return { summary: lines.join('\n'), data: { migrationId: id, objects: plan, removeFields: remove, confirmation: token } };
  },
});
