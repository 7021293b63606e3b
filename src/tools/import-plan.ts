/** What preview_import shows and start_import carries out, worked out the same way for both. */
import { UserError } from '../errors.js';
import type { Policy } from '../migration/matching.js';
import { planSchemaChanges } from '../migration/schema-changes.js';
import type { ServerContext } from '../server/context.js';
import { savedMapping, sessionById } from '../server/migrations.js';
import { importPlanHash } from '../server/plans.js';

export type ImportRequest = { migrationId: string; stage: 'sample' | 'full' | 'delta'; policy: Policy; since?: string | undefined };

export async function importPlan(ctx: ServerContext, request: ImportRequest) {
  const { migrationId, stage, policy, since } = request;
  if (stage === 'delta' && !since) throw new UserError('Stage "delta" imports newer exports of an account migrated before: give since, the id of that earlier migration.');
  if (stage !== 'delta' && since) throw new UserError(`since is for stage "delta" only; stage "${stage}" imports this migration's exports as they are.`);
  if (since === migrationId) throw new UserError(`since names this same migration: these are the same exports, nothing is newer. Use stage "full" to finish it.`);
  const sinceDir = since ? (await savedMapping(ctx, since)).dir : undefined;
  const session = await sessionById(ctx, migrationId);
  const { client } = await ctx.connection();
  const schema = await client.schema({ refresh: true });
  return {
    session,
    client,
    since: sinceDir ? [sinceDir] : undefined,
    pendingSchemaChanges: planSchemaChanges(session.mapping, schema).length,
    hash: importPlanHash(session.mapping, schema, { stage, policy, since }),
  };
}
