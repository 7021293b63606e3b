import { join } from 'node:path';
import { z } from 'zod';
import { automationInventory, tagListSequenceCounts } from '../migration/inventory.js';
import { writeFileAtomic } from '../migration/store.js';
import { sessionById } from '../server/migrations.js';
import { resourceUri } from '../server/resources.js';
import { defineTool } from './define.js';
import { migrationId, untrusted, untrustedValues } from './params.js';

const TOP = 10;

export default defineTool({
  name: 'automation_inventory',
  title: 'Automation inventory',
  description: [
    'Writes inventory.md in the migration\'s folder (a resource): what cannot move as data and must be rebuilt by hand, i.e. Kartra sequences, tags and lists with how many leads carry each, where each kind of data went in Twenty, what Kartra never exports (behavioural history, automations, funnels), and the Twenty workflows to rebuild. Writes only that local file.',
    'Use it at the end of the migration; show the user the counts and the biggest sequences, tags and lists, and point them to the file.',
  ].join('\n'),
  input: z.object({ migrationId }),
  output: z.object({
    migrationId: z.string(),
    tags: z.number(),
    lists: z.number(),
    sequences: z.number(),
    topTags: untrustedValues,
    topLists: untrustedValues,
    topSequences: untrustedValues,
    resource: z.string(),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async run({ migrationId: id }, ctx) {
    const session = await sessionById(ctx, id);
    const counts = await tagListSequenceCounts(session.inspection, session.mapping);
    await writeFileAtomic(join(session.dir, 'inventory.md'), automationInventory({ migrationId: id, inspection: session.inspection, mapping: session.mapping, counts }));
    const top = (m: Map<string, number>): string[] => untrusted([...m].sort(([, a], [, b]) => b - a).slice(0, TOP).map(([name, n]) => `${name} (${n})`), TOP, 70);
    const data = {
      migrationId: id,
      tags: counts.tags.size,
      lists: counts.lists.size,
      sequences: counts.sequences.size,
      topTags: top(counts.tags),
      topLists: top(counts.lists),
      topSequences: top(counts.sequences),
      resource: resourceUri(id, 'inventory.md'),
    };
    return {
      summary: `Automation inventory written (${data.resource}): ${data.sequences} sequences, ${data.tags} tags and ${data.lists} lists to rebuild or check in Twenty, with what Kartra could not export.`,
      data,
    };
  },
});
