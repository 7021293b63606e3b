import { z } from 'zod';
import { planSchemaChanges } from '../migration/schema-changes.js';
import { savedMapping } from '../server/migrations.js';
import { schemaPlanHash } from '../server/plans.js';
import { defineTool } from './define.js';
import { confirmation, migrationId } from './params.js';
import { schemaChangeLines, schemaChangesView, viewSchemaChanges } from './schema-view.js';

export default defineTool({
  name: 'preview_schema_changes',
  title: 'Preview the schema changes',
  description: [
    'Lists the custom fields and select options the mapping needs that the Twenty workspace does not have yet, and returns the confirmationToken apply_schema_changes needs. Reads only.',
    'Show the user every change (field, type, number of options) and ask before applying. The token confirms exactly this list for this mapping version.',
  ].join('\n'),
  input: z.object({ migrationId }),
  output: z.object({ migrationId: z.string(), mappingVersion: z.number(), ...schemaChangesView, confirmation: confirmation.optional() }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async run({ migrationId: id }, ctx) {
    const { mapping } = await savedMapping(ctx, id);
    const schema = await (await ctx.connection()).client.schema({ refresh: true });
    const changes = planSchemaChanges(mapping, schema);
    const view = { migrationId: id, mappingVersion: mapping.version, ...viewSchemaChanges(changes) };
    if (changes.length === 0) {
      return { summary: 'The workspace already has every field and option this mapping needs: nothing to change. Next: preview_import.', data: view };
    }
    const token = ctx.confirmations.issue('apply_schema_changes', id, schemaPlanHash(mapping, schema, changes));
    const summary = [`${changes.length} changes to the data model (additive: nothing existing is changed or removed):`, ...schemaChangeLines(changes), 'Ask the user to confirm, then call apply_schema_changes with the confirmationToken.'].join('\n');
    return { summary, data: { ...view, confirmation: token } };
  },
});
