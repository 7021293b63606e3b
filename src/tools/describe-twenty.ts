import { z } from 'zod';
import { describeWorkspace } from '../twenty/describe.js';
import { defineTool } from './define.js';

export default defineTool({
  name: 'describe_twenty',
  title: 'Describe the Twenty workspace',
  description: [
    'Says which Twenty the migration writes to (a live workspace, or the local rehearsal sandbox when none is configured) and what its data model offers: the objects a Kartra migration writes to, their custom fields, the batch size and the version differences that matter. Reads only.',
    'Use it after inspect_exports and before propose_mapping. Tell the user plainly whether this is their live workspace or a rehearsal.',
  ].join('\n'),
  input: z.object({}),
  output: z.object({
    connection: z.string(),
    objects: z.number(),
    migrationObjects: z.array(z.object({ name: z.string(), fields: z.number(), custom: z.array(z.string()) })),
    batchMax: z.number(),
    noteTargetLinks: z.string(),
    missingStandardFields: z.array(z.string()),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async run(_input, ctx) {
    const { mode: _mode, ...summary } = await describeWorkspace(await ctx.connection());
    const lines = [
      `Twenty: ${summary.connection}`,
      `${summary.objects} objects; batches of up to ${summary.batchMax} records.`,
      ...summary.migrationObjects.map((o) => `- ${o.name}: ${o.fields} fields${o.custom.length > 0 ? `, custom: ${o.custom.slice(0, 12).join(', ')}${o.custom.length > 12 ? '…' : ''}` : ''}`),
      summary.missingStandardFields.length > 0 ? `Standard fields this version lacks: ${summary.missingStandardFields.join(', ')}` : 'Every standard field the migration uses is there.',
    ];
    return { summary: lines.join('\n'), data: summary };
  },
});
