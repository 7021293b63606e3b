/**
 * Claude Desktop restarts its servers freely: a server stopped in the middle of an import, and a new one started on
 * the same MIGRATION_HOME, finds the migration, says how its import ended, and finishes it with nothing written twice.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSamples } from '../../src/samples/generate.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { ServerContext } from '../../src/server/context.js';
import { createServer } from '../../src/server/server.js';
import { createTwentyClient } from '../../src/twenty/index.js';
import { REHEARSAL_NOTICE } from '../../src/twenty/connect.js';

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

async function serverOn(sandbox: SandboxHandle, env: Record<string, string>) {
  const ctx = new ServerContext(env, {
    connect: async () => {
      const client = createTwentyClient({ baseUrl: sandbox.url, apiKey: sandbox.apiKey, rateLimit: { buckets: [{ limit: 100_000, windowMs: 1000 }], safetyMargin: 0 } });
      return { mode: 'rehearsal', client, describe: () => REHEARSAL_NOTICE, close: () => client.close() };
    },
  });
  const [c, s] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'restart-test', version: '1' });
  await Promise.all([createServer(ctx).connect(s), client.connect(c)]);
  const call = async (name: string, args: Record<string, unknown>) => {
    const result = (await client.callTool({ name, arguments: args })) as { isError?: boolean; content: { text: string }[]; structuredContent: Record<string, any> };
    if (result.isError) throw new Error(`${name}: ${result.content[0]?.text}`);
    return result.structuredContent;
  };
  return { ctx, client, call };
}

describe('a server restarted in the middle of an import', () => {
  it('finds the migration, reports the import stopped, and finishes it on request with nothing written twice', async () => {
    const root = await mkdtemp(join(tmpdir(), 'kt-restart-'));
    cleanup.push(() => rm(root, { recursive: true, force: true }));
    const exports = join(root, 'exports');
    await generateSamples({ outDir: exports, leads: 60, seed: 11, messy: true });
    // every record call takes 25 ms, so the import lasts long enough to be stopped midway
    const sandbox = await startSandbox({ profile: 'v2', rateLimit: false, persistDelayMs: 0, faults: { latencyMs: 25 } });
    cleanup.push(() => sandbox.close());
    const env = { MIGRATION_HOME: join(root, 'home'), KARTRA_EXPORTS_DIR: exports };

    const first = await serverOn(sandbox, env);
    const { migrationId } = await first.call('propose_mapping', {});
    const schema = await first.call('preview_schema_changes', { migrationId });
    expect((await first.call('apply_schema_changes', { migrationId, confirmationToken: schema.confirmation.token })).state).toBe('done');
    const preview = await first.call('preview_import', { migrationId, stage: 'full' });
    await first.call('start_import', { migrationId, stage: 'full', confirmationToken: preview.confirmation.token });
    for (let i = 0; i < 100 && ((await first.call('import_status', { migrationId })).progress?.rows ?? 0) < 40; i++) await new Promise((r) => setTimeout(r, 50));
    await first.client.close();
    await first.ctx.close(); // what the server does when Claude Desktop stops it: the job stops, its journal stays
    const held = (): number => ['companies', 'people', 'opportunities', 'notes'].reduce((n, plural) => n + sandbox.records(plural).length, 0);
    const writtenBefore = held();
    expect(writtenBefore).toBeGreaterThan(0);

    const second = await serverOn(sandbox, env);
    const status = await second.call('import_status', { migrationId });
    expect(['cancelled', 'interrupted']).toContain(status.state);
    // the old token died with the old server
    const stale = (await second.client.callTool({ name: 'start_import', arguments: { migrationId, stage: 'full', confirmationToken: preview.confirmation.token } })) as { isError?: boolean; content: { text: string }[] };
    expect(stale.isError).toBe(true);
    expect(stale.content[0]?.text).toMatch(/not one preview_import gave/);
    const again = await second.call('preview_import', { migrationId, stage: 'full' });
    await second.call('start_import', { migrationId, stage: 'full', confirmationToken: again.confirmation.token });
    expect((await second.call('import_status', { migrationId, waitSeconds: 40 })).state).toBe('finished');
    const report = await second.call('reconciliation_report', { migrationId });
    for (const object of report.objects) expect(object.balanced, `${object.phase} balanced`).toBe(true);
    // nothing twice: every lead id once
    const leadIds = sandbox.records('people').map((p) => p.kartraLeadId);
    expect(held()).toBeGreaterThan(writtenBefore); // the first server really stopped midway
    expect(new Set(leadIds).size).toBe(leadIds.length);
    await second.client.close();
    await second.ctx.close();
  }, 90_000);
});
