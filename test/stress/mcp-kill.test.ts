/**
 * Kill and resume through the MCP tools (issue: "repeated kill -9 ... of the MCP server process at random moments,
 * resumed each time ... through the MCP tools"). The built server (dist/server/main.js) runs as Claude Desktop runs it,
 * a child spoken to over stdio, in live mode against a sandbox this test starts (no rate limit, some latency on every
 * record call, batches capped at 60 by the proxy in front of it). The guided flow — propose_mapping,
 * preview_schema_changes, apply_schema_changes, preview_import, start_import — runs until the import's job is on its
 * way; then the server process is killed with SIGKILL: once as the sample's first write reaches the sandbox (before
 * the job reported any progress), three times in the full stage at a random moment (after a random delay, or as its
 * nth write is sent or answered), and once in the middle of rollback_import. After each kill a new server starts on
 * the same MIGRATION_HOME: import_status must say the job was interrupted (which job, and what to do), and
 * preview_import + start_import (preview_rollback + rollback_import) again must finish it. At the end the sandbox holds
 * exactly expected.json's records, each once, the journal one outcome per row, and after the rollback nothing.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSamples } from '../../src/samples/generate.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { createTwentyClient } from '../../src/twenty/index.js';
import { expectReportMatches, expectTwentyHoldsExpected, mappingFileOf } from '../server/mcp-flow.js';
import { armKill, countsOf, holding, journalPosition, removeTempDirs, rowLedger, seeded, startProxy, startServer, tempDir, type KillPlan, type Landing } from './harness.js';

const LEADS = 60;
const EXPORT_SEED = 21;

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
  await removeTempDirs();
});

describe('the MCP server killed with SIGKILL during imports and a rollback, started again each time', () => {
  it('says the job was interrupted, finishes it through the tools, and writes every record exactly once', async () => {
    const started = Date.now();
    const { between, pick, context } = seeded('mcp kill -9');
    const root = await tempDir('kt-mcp-kill-');
    const exportsDir = join(root, 'exports');
    const { expected } = await generateSamples({ outDir: exportsDir, leads: LEADS, seed: EXPORT_SEED, messy: true });
    const sandbox = await startSandbox({ profile: 'v2', rateLimit: false, persistDelayMs: 0, faults: { latencyMs: between(10, 30) } });
    const proxy = await startProxy(sandbox.url, { batchCap: 60 });
    const reader = createTwentyClient({ baseUrl: sandbox.url, apiKey: sandbox.apiKey, rateLimit: { buckets: [{ limit: 100_000, windowMs: 1000 }], safetyMargin: 0 } });
    cleanup.push(() => sandbox.close(), () => proxy.close(), () => reader.close());
    const home = join(root, 'home');
    const env = { MIGRATION_HOME: home, KARTRA_EXPORTS_DIR: exportsDir, TWENTY_API_URL: proxy.url, TWENTY_API_KEY: sandbox.apiKey, ANTHROPIC_API_KEY: '' };
    const heading = `[live Twenty at ${new URL(proxy.url).host}]\n`;
    const kills: { job: string; plan: KillPlan; landing: Landing; journal: string }[] = [];

    let server = await startServer(env, heading, { proxy });
    cleanup.push(() => server.client.close());
    const { migrationId } = await server.s.ok('propose_mapping');
    const schema = await server.s.ok('preview_schema_changes', { migrationId });
    const applied = await server.s.ok('apply_schema_changes', { migrationId, confirmationToken: schema.confirmation.token });
    if (applied.state === 'working') expect((await server.s.untilEnded(migrationId)).state).toBe('finished');

    /** Kills the server by `plan` once its job is on its way; false when the job ended first. */
    const killDuring = async (job: string, plan: KillPlan): Promise<boolean> => {
      const armed = armKill(proxy, server.run, server.pid, plan);
      const ended = await Promise.race([server.exited.then(() => 'killed' as const), server.s.untilEnded(migrationId, 5).then(() => 'ended' as const, () => 'killed' as const)]);
      armed.disarm();
      const landing = armed.landing();
      if (ended === 'ended' && landing === undefined) return false;
      await server.exited;
      await proxy.idle();
      expect(landing, `${context}: ${job}: the server ended without being killed; stderr: ${server.stderr()}`).toBeDefined();
      kills.push({ job, plan, landing: landing!, journal: await journalPosition(join(home, migrationId)) });
      return true;
    };

    /** A new server on the same MIGRATION_HOME, which must say how the killed job ended. */
    const restart = async (job: string, label: RegExp): Promise<void> => {
      await server.client.close().catch(() => undefined);
      server = await startServer(env, heading, { proxy });
      const status = await server.s.ok('import_status', { migrationId });
      expect(status.state, `${context}: import_status after the kill during ${job}`).toBe('interrupted');
      expect(status.job?.label, `${context}: which job was interrupted`).toMatch(label);
      const text = (server.s.recorded.at(-1)!.result.content[0] as { text: string }).text;
      expect(text, `${context}: import_status says what to do`).toMatch(/interrupted \(the process running it stopped\).*goes on where it stopped/s);
    };

    const startStage = async (stage: 'sample' | 'full'): Promise<void> => {
      const preview = await server.s.ready('preview_import', { migrationId, stage });
      const start = await server.s.ok('start_import', { migrationId, stage, confirmationToken: preview.confirmation.token });
      expect(start.state).toBe('running');
    };

    // The sample: killed as its first write reaches the sandbox, before the job reported any progress.
    await startStage('sample');
    expect(await killDuring('sample', { mode: 'write-sent', nth: 1 }), `${context}: the sample's first write`).toBe(true);
    await restart('sample', /import, stage sample/);
    await startStage('sample');
    expect((await server.s.untilEnded(migrationId, 20)).state).toBe('finished');

    // The full import: three kills at random moments, then it finishes.
    for (let k = 0; k < 3; k++) {
      await startStage('full');
      const mode = pick(['delay', 'write-sent', 'write-answered'] as const);
      // Each restart has fewer writes left: later kills come sooner, so that all three land.
      const plan: KillPlan = mode === 'delay' ? { mode, ms: between(20, k === 0 ? 300 : 120) } : { mode, nth: k === 0 ? between(1, 2) : 1 };
      if (!(await killDuring('full', plan))) break;
      await restart('full', /import, stage full/);
    }
    if ((await server.s.ok('import_status', { migrationId })).state !== 'finished') {
      await startStage('full');
      expect((await server.s.untilEnded(migrationId, 20)).state).toBe('finished');
    }

    // Exactly once: the report balances against expected.json, the sandbox holds its records each once, and the
    // journal has one outcome per row.
    const report = await server.s.ready('reconciliation_report', { migrationId });
    expectReportMatches(report, expected);
    await expectTwentyHoldsExpected(sandbox, reader, exportsDir, mappingFileOf(home, migrationId), expected);
    const ledger = await rowLedger(join(home, migrationId));
    expect(ledger.pending, `${context}: batches without an answer`).toBe(0);
    expect([...ledger.byRow].filter(([, o]) => o.length !== 1).map(([row, o]) => `${row}: ${o.join(', ')}`), `${context}: rows journalled twice`).toEqual([]);
    const notes = sandbox.records('notes').map((n) => String(n.title));
    expect(new Set(notes).size, `${context}: notes twice`).toBe(notes.length);

    // The rollback: killed in the middle, then finished.
    const rollback = async (): Promise<void> => {
      const preview = await server.s.ok('preview_rollback', { migrationId });
      await server.s.ok('rollback_import', { migrationId, confirmationToken: preview.confirmation.token });
    };
    await rollback();
    const killedRollback = await killDuring('rollback', { mode: pick(['write-sent', 'write-answered'] as const), nth: between(1, 3) });
    if (killedRollback) {
      await restart('rollback', /^rollback$/);
      await rollback();
    }
    expect((await server.s.untilEnded(migrationId, 20)).state).toBe('finished');
    expect(countsOf(holding(sandbox, started)), `${context}: what the rollback left`).toEqual({ companies: 0, people: 0, opportunities: 0, notes: 0, noteTargets: 0 });
    expect((await server.s.ok('preview_rollback', { migrationId })).objects, `${context}: nothing left to roll back`).toEqual([]);
    await server.client.close();

    const by = (f: (k: (typeof kills)[number]) => string): Record<string, number> => kills.reduce<Record<string, number>>((n, k) => ({ ...n, [f(k)]: (n[f(k)] ?? 0) + 1 }), {});
    console.info(`mcp kill -9: ${context}, ${kills.length} kills; per job ${JSON.stringify(by((k) => k.job))}; landed ${JSON.stringify(by((k) => k.landing))}; ${((Date.now() - started) / 1000).toFixed(1)} s\n  ${kills.map((k) => `${k.job}: ${JSON.stringify(k.plan)}, ${k.landing}; journal: ${k.journal}`).join('\n  ')}`);
    expect(kills.length, `${context}: kills`).toBeGreaterThanOrEqual(3);
  }, 120_000);
});
