import { z } from 'zod';
import { UserError } from '../errors.js';
import { planHash } from '../server/confirmations.js';
import type { ServerContext } from '../server/context.js';
import { journalStamp } from '../server/migrations.js';
import { DEFAULT_SAMPLE_SIZE, runImport, type ImportResult } from '../migration/engine.js';
import { defineTool } from './define.js';
import { importPlan } from './import-plan.js';
import { confirmation, counts, migrationId, policy, since, stage, untrusted, untrustedValues } from './params.js';

const MAX_PROBLEMS_SHOWN = 10;

export default defineTool({
  name: 'preview_import',
  title: 'Preview an import',
  description: [
    'Dry-runs the import against the Twenty workspace (nothing is written): per object, how many records would be created, updated, left unchanged, skipped and failed, the cells that cannot be converted, and a few payloads as they would be sent. Returns the confirmationToken start_import needs for this stage and policy.',
    'A large export can take longer than one call: the answer then says "preparing"; call preview_import again with the same arguments until it is ready.',
    'Show the user the counts, the skips and failures with their reasons, and what the stage writes (sample: the first 100 people and what hangs on them; full: everything), and ask before start_import. Apply the schema changes first: a preview made before them gives no token.',
  ].join('\n'),
  input: z.object({ migrationId, stage, policy, since }),
  output: z.object({
    migrationId: z.string(),
    stage: z.string(),
    policy: z.string(),
    state: z.enum(['ready', 'preparing']),
    progress: z.object({ done: z.number(), total: z.number() }).optional(),
    counts: z.record(z.string(), counts).optional().describe('Per phase, for the whole import (the sample writes a slice of it).'),
    problemCount: z.number().optional(),
    problems: z.array(z.object({ phase: z.string(), column: z.string(), problem: untrustedValues })).optional(),
    samplePayloads: untrustedValues.optional(),
    pendingSchemaChanges: z.number(),
    confirmation: confirmation.optional(),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async run(input, ctx) {
    ctx.jobs.assertIdle(input.migrationId, 'preview again', 'preview');
    const running = ctx.jobs.running(input.migrationId);
    const plan = await importPlan(ctx, input);
    const base = { migrationId: input.migrationId, stage: input.stage, policy: input.policy, pendingSchemaChanges: plan.pendingSchemaChanges };
    // The dry-run of this plan against what the journal holds now (an import since makes its rows "unchanged").
    const key = planHash({ dryRun: plan.hash, journal: await journalStamp(plan.session.dir) });
    let result = ctx.recall<ImportResult>(key);
    if (!result) {
      const job = running ?? ctx.jobs.start(input.migrationId, 'preview', `preview of stage ${input.stage}`, async (j) => {
        const total = plan.session.inspection.datasets.reduce((n, d) => n + d.rows, 0);
        const dryRun = await runImport({
          dir: plan.session.dir,
          inspection: plan.session.inspection,
          mapping: plan.session.mapping,
          client: plan.client,
          policy: input.policy,
          stage: 'dry-run',
          ...(plan.since ? { since: plan.since } : {}),
          signal: j.controller.signal,
          onProgress: (p) => (j.progress = { done: p.rows, total, message: `dry-run: ${p.phase}` }),
        });
        if (!dryRun.cancelled) ctx.remember(key, dryRun);
        return dryRun;
      });
      await ctx.jobs.settle(job, ctx.callWaitMs);
      if (job.state === 'failed') throw new UserError(`The dry-run failed: ${job.error}`);
      result = ctx.recall<ImportResult>(key);
      if (!result) {
        const { done, total } = job.progress;
        return {
          summary: `Still preparing the preview (${done.toLocaleString('en-US')} of about ${total.toLocaleString('en-US')} rows checked). Call preview_import again with the same arguments in a moment.`,
          data: { ...base, state: 'preparing' as const, progress: { done, total } },
        };
      }
    }
    return ready(ctx, input, plan, base, result);
  },
});

function ready(
  ctx: ServerContext,
  input: { migrationId: string; stage: string },
  plan: { hash: string; pendingSchemaChanges: number },
  base: { migrationId: string; stage: string; policy: string; pendingSchemaChanges: number },
  result: ImportResult,
) {
  const phases = Object.entries(result.counts).filter(([, c]) => Object.values(c).some((n) => n > 0));
  const lines = [
    `Dry-run (nothing written), policy ${base.policy}:`,
    ...phases.map(([phase, c]) => `- ${phase}: ${c.created} to create, ${c.updated} to update, ${c.unchanged} unchanged, ${c.skipped} skipped, ${c.failed} failing`),
    result.problemCount > 0 ? `${result.problemCount} cells cannot be converted (their records are written without them).` : 'Every cell converts.',
    input.stage === 'sample' ? `Stage sample writes the first ${DEFAULT_SAMPLE_SIZE} people and what hangs on them (the counts above are for the whole import).` : `Stage ${input.stage} writes all of the above.`,
  ];
  let token;
  if (plan.pendingSchemaChanges > 0) {
    lines.push(`${plan.pendingSchemaChanges} schema changes are not applied yet: run preview_schema_changes and apply_schema_changes first, then preview again for a token.`);
  } else {
    token = ctx.confirmations.issue('start_import', input.migrationId, plan.hash);
    lines.push('Ask the user to confirm, then call start_import with the confirmationToken.');
  }
  const data = {
    ...base,
    state: 'ready' as const,
    counts: Object.fromEntries(phases),
    problemCount: result.problemCount,
    problems: result.problems.slice(0, MAX_PROBLEMS_SHOWN).map((p) => ({ phase: p.phase, column: p.column.slice(0, 60), problem: untrusted([p.problem], 1, 160) })),
    samplePayloads: untrusted(result.samples.map((s) => JSON.stringify(s.payload)), 3, 400),
    ...(token ? { confirmation: token } : {}),
  };
  return { summary: lines.join('\n'), data };
}
