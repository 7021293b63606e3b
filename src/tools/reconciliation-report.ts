import { z } from 'zod';
import { UserError } from '../errors.js';
import { sourceRowsOf } from '../migration/reconcile.js';
import { spotCheck, writeReport, type Report, type SpotCheckRow } from '../migration/report.js';
import { planHash } from '../server/confirmations.js';
import { journalStamp, savedMapping } from '../server/migrations.js';
import { resourceUri } from '../server/resources.js';
import { defineTool } from './define.js';
import { counts, migrationId, untrusted, untrustedValues } from './params.js';

type Made = { report: Report; spot: SpotCheckRow[] | undefined };

export default defineTool({
  name: 'reconciliation_report',
  title: 'Reconciliation report',
  description: [
    'Accounts for every source row, per object: source rows = created + updated + unchanged + skipped + failed, checked by reading Twenty back by each record\'s Kartra id (not by counting requests), with duplicates and missing records named. Writes report.md and rejects.csv in the migration\'s folder (readable as resources) and, with spotCheck, compares 25 people\'s source values with what Twenty holds. Reads Twenty only.',
    'Show the user the table: each object balanced or not, the rows not imported and why (rejects.csv), and the spot-check after a sample.',
  ].join('\n'),
  input: z.object({ migrationId, spotCheck: z.boolean().default(false).describe('Also read back the first 25 people written and set their source values beside Twenty\'s.') }),
  output: z.object({
    migrationId: z.string(),
    state: z.enum(['ready', 'preparing']).describe('preparing: call again with the same arguments in a moment'),
    objects: z.array(
      z.object({
        phase: z.string(),
        object: z.string(),
        sourceRows: z.number().optional(),
        counts,
        accounted: z.number(),
        expectedInTwenty: z.number(),
        foundInTwenty: z.number(),
        missing: z.number(),
        duplicated: z.number(),
        balanced: z.boolean(),
      }),
    ),
    rejects: z.number(),
    spotCheck: z
      .array(z.object({ key: z.string(), checks: z.array(z.object({ column: z.string(), same: z.boolean(), source: untrustedValues, twenty: untrustedValues })) }))
      .optional(),
    resources: z.array(z.string()),
  }),
  // It writes report.md and rejects.csv in the migration's folder: not read-only, though Twenty is only read.
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async run({ migrationId: id, spotCheck: withSpotCheck }, ctx) {
    const { dir, mapping } = await savedMapping(ctx, id);
    const { client } = await ctx.connection();
    // Reading a large migration back takes longer than one call: the report is made as a job, kept by what it read.
    const key = planHash({ report: id, journal: await journalStamp(dir), withSpotCheck });
    let made = ctx.recall<Made>(key);
    if (!made) {
      const running = ctx.jobs.running(id);
      const job =
        running?.kind === 'report'
          ? running
          : ctx.jobs.start<Made>(id, 'report', 'reconciliation report', async (j) => {
              j.progress = { done: 0, total: 0, message: 'reading Twenty back' };
              const spot = withSpotCheck ? await spotCheck(dir, client) : undefined;
              const report = await writeReport({ dir, migrationId: id, client, target: ctx.target(), sourceRows: sourceRowsOf(mapping), ...(spot ? { spotCheck: spot } : {}) });
              const result = { report, spot };
              ctx.remember(key, result);
              return result;
            });
      await ctx.jobs.settle(job, ctx.callWaitMs);
      if (job.state === 'failed') throw new UserError(`The report could not be made: ${job.error}`);
      made = ctx.recall<Made>(key);
      if (!made) {
        return {
          summary: 'Still reading Twenty back for the report. Call reconciliation_report again with the same arguments in a moment.',
          data: { migrationId: id, state: 'preparing' as const, objects: [], rejects: 0, resources: [] },
        };
      }
    }
    const { report, spot } = made;
    const objects = report.reconciliation.map((r) => ({
      phase: r.phase,
      object: r.object,
      ...(r.sourceRows === undefined ? {} : { sourceRows: r.sourceRows }),
      counts: r.counts,
      accounted: r.accounted,
      expectedInTwenty: r.expectedInTwenty,
      foundInTwenty: r.foundInTwenty,
      missing: r.missing.length,
      duplicated: r.duplicated.length,
      balanced: r.balanced,
    }));
    const lines = [
      ...objects.map(
        (o) =>
          `- ${o.phase}: ${o.sourceRows === undefined ? 'made from the leads\' rows,' : `${o.sourceRows} source rows =`} ${o.counts.created} created + ${o.counts.updated} updated + ${o.counts.unchanged} unchanged + ${o.counts.skipped} skipped + ${o.counts.failed} failed; ${o.foundInTwenty} of ${o.expectedInTwenty} found in Twenty; ${o.balanced ? 'balanced' : o.missing + o.duplicated > 0 ? `NOT balanced (${o.missing} missing, ${o.duplicated} duplicated)` : 'not all rows imported yet'}`,
      ),
      report.rejects > 0 ? `${report.rejects} rows were not imported, each with its reason, in rejects.csv.` : 'No row was rejected.',
      objects.some((o) => o.sourceRows !== undefined && o.accounted < o.sourceRows)
        ? 'Some source rows are not written yet: the stages still to run (full) write them.'
        : 'Every source row is accounted for.',
    ];
    if (spot) lines.push(`Spot-check: ${spot.filter((s) => s.checks.every((c) => c.same)).length} of ${spot.length} people match their source on every checked column.`);
    const resources = ['report.md', 'rejects.csv'].map((f) => resourceUri(id, f));
    return {
      summary: lines.join('\n'),
      data: {
        migrationId: id,
        state: 'ready' as const,
        objects,
        rejects: report.rejects,
        ...(spot ? { spotCheck: spot.map((s) => ({ key: s.key.slice(0, 80), checks: s.checks.map((c) => ({ column: c.column, same: c.same, source: untrusted([c.source], 1, 80), twenty: untrusted([c.twenty], 1, 80) })) })) } : {}),
        resources,
      },
    };
  },
});
