import { z } from 'zod';
import { UserError } from '../errors.js';
import { applyEdit, mappingEditSchema } from '../mapping/edit.js';
import { MigrationStore } from '../migration/store.js';
import { defineTool } from './define.js';
import { columnsShown, mappingSummary, mappingView, viewMapping } from './mapping-view.js';
import { migrationId } from './params.js';

export default defineTool({
  name: 'edit_mapping',
  title: 'Edit the mapping',
  description: [
    'Applies the user\'s decisions to the mapping, all or none: map a column to a field (op map), skip it (op skip), create a custom field for it (op create), rename or retype a planned custom field (ops rename, retype), or set how values are read (op transform: dateFormat, timeZone, phoneCountry, separator). Each accepted edit makes a new mapping version; it writes only the local mapping file, never Twenty.',
    'Use it only for what the user decided. Then show the changes and what is left to review; previews made before an edit no longer confirm anything.',
  ].join('\n'),
  input: z.object({
    migrationId,
    edits: z.array(mappingEditSchema).min(1).max(50).describe('Applied in order; if one is refused, none is saved.'),
    show: columnsShown,
  }),
  output: z.object({ ...mappingView, changes: z.array(z.string()) }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  async run({ migrationId: id, edits, show }, ctx) {
    ctx.jobs.assertIdle(id, 'edit the mapping');
    const store = new MigrationStore(ctx.home);
    let doc = await store.loadMapping(id);
    if (!doc) throw new UserError(`There is no migration ${id}. Run propose_mapping on the exports first: it returns the migration id.`);
    const schema = await (await ctx.connection()).client.schema({ refresh: true });
    const changes: string[] = [];
    for (const [i, edit] of edits.entries()) {
      try {
        const applied = applyEdit(doc, edit, schema);
        doc = applied.document;
        changes.push(applied.change);
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        throw new UserError(`Edit ${i + 1} of ${edits.length} (${edit.op}) was refused, so none was saved: ${error.message}`);
      }
    }
    await store.saveMapping(doc);
    const view = viewMapping(doc, show, 0);
    return { summary: `Saved: ${changes.join('; ')}.\n${mappingSummary(view, doc)}`, data: { ...view, changes } };
  },
});
