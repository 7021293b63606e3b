/**
 * Kill and resume through the real CLI (issue: "repeated kill -9 of the CLI import ... at random moments, resumed each
 * time, across sample, full, delta and rollback: exactly-once outcome every time").
 *
 * The built CLI (`node dist/cli/main.js`) imports small generated messy exports into a sandbox this test starts
 * without a rate limit and with some latency on every record call, behind a proxy that caps batches at 60 records
 * (as Twenty 1.x does) so the import makes enough batches for kills to land between them. Each command is killed with
 * SIGKILL several times — at a random moment after it started, as its nth write reaches the sandbox, or as the sandbox
 * answers its nth write — and run again, the same command, until it ends by itself:
 *
 *   import --stage sample, import --stage full, import <newer exports> --stage delta --since <id> (one lead's empty
 *   LinkedIn filled in, two leads added), rollback <delta id>, rollback <id>.
 *
 * After each command the sandbox must hold exactly what an uninterrupted run of the same commands left in a sandbox
 * of its own (same records by key, none twice, same content), and the migration's journal one outcome per row, the
 * same as the uninterrupted run's, with no batch left without an answer; after both rollbacks nothing the migrations
 * created remains, and the delta's rollback leaves what the full import left.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSamples } from '../../src/samples/generate.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import {
  countsOf,
  expectSameHolding,
  expectSameLedger,
  holding,
  journalPosition,
  migrationIdOf,
  newerExports,
  removeTempDirs,
  rowLedger,
  runCli,
  seeded,
  STACK,
  startProxy,
  tempDir,
  type Holding,
  type KillPlan,
  type Landing,
  type RowLedger,
  type WatchingProxy,
} from './harness.js';

const LEADS = 120;
const EXPORT_SEED = 5;
const BATCH_CAP = 60;

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
  await removeTempDirs();
});

/** `writes` and `ms`: about what an uninterrupted run of the stage sends and takes, to spread the kills over it. */
type Stage = { name: string; args: string[]; dir: string; kills: number; writes: number; ms: number };
type Snapshot = { holding: Holding; ledger: RowLedger; writes: number; ms: number };

async function target(latencyMs: number): Promise<{ sandbox: SandboxHandle; proxy: WatchingProxy; env: Record<string, string> }> {
  const sandbox = await startSandbox({ profile: 'v2', rateLimit: false, persistDelayMs: 0, faults: { latencyMs } });
  const proxy = await startProxy(sandbox.url, { batchCap: BATCH_CAP });
  cleanup.push(() => sandbox.close(), () => proxy.close());
  const home = join(await tempDir('kt-cli-kill-'), 'home');
  return { sandbox, proxy, env: { TWENTY_API_URL: proxy.url, TWENTY_API_KEY: sandbox.apiKey, MIGRATION_HOME: home } };
}

const written = (proxy: WatchingProxy, from: number, to: number): number => {
  let n = 0;
  for (const [run, c] of proxy.sent) if (run >= from && run <= to) n += c.write;
  return n;
};

describe('the CLI killed with SIGKILL at random moments and resumed each time', () => {
  it('ends sample, full, delta and both rollbacks exactly as an uninterrupted run', async () => {
    const started = Date.now();
    const { random, between, pick, context } = seeded('cli kill -9');
    const root = await tempDir('kt-cli-kill-exports-');
    const exportsDir = join(root, 'exports');
    await generateSamples({ outDir: exportsDir, leads: LEADS, seed: EXPORT_SEED, messy: true });
    const newer = join(root, 'newer');
    const delta = await newerExports(exportsDir, newer);
    const id = await migrationIdOf(exportsDir);
    const deltaId = await migrationIdOf(newer);
    const latencyMs = between(10, 30);

    const stagesFor = (home: string): Stage[] => [
      { name: 'sample', args: ['import', exportsDir, '--stage', 'sample', '--yes'], dir: join(home, id), kills: 3, writes: 12, ms: 3000 },
      { name: 'full', args: ['import', exportsDir, '--stage', 'full', '--yes'], dir: join(home, id), kills: 3, writes: 6, ms: 1800 },
      { name: 'delta', args: ['import', newer, '--stage', 'delta', '--since', id, '--yes'], dir: join(home, deltaId), kills: 2, writes: 2, ms: 1800 },
      { name: 'rollback of the delta', args: ['rollback', deltaId, '--yes'], dir: join(home, deltaId), kills: 1, writes: 2, ms: 800 },
      { name: 'rollback', args: ['rollback', id, '--yes'], dir: join(home, id), kills: 2, writes: 8, ms: 1200 },
    ];

    // Each stage runs twice at once: uninterrupted, into a sandbox of its own (what the killed run must end as), and
    // killed again and again until it ends by itself.
    const reference = await target(latencyMs);
    const killed = await target(latencyMs);
    const kills: { stage: string; plan: KillPlan; landing: Landing; ms: number; journal: string }[] = [];
    const referenceStages = stagesFor(reference.env.MIGRATION_HOME!);
    const stages = stagesFor(killed.env.MIGRATION_HOME!);
    let afterFull: Holding | undefined;
    let statusChecked = false;
    for (const [i, stage] of stages.entries()) {
      const uninterrupted = (async (): Promise<Snapshot> => {
        const r = await runCli(referenceStages[i]!.args, reference.env, { proxy: reference.proxy });
        expect(r.code, `uninterrupted ${stage.name}: ${r.stderr}`).toBe(0);
        return { holding: holding(reference.sandbox, started), ledger: await rowLedger(referenceStages[i]!.dir), writes: written(reference.proxy, r.run, r.run), ms: r.ms };
      })();
      await killedStage(stage);
      const want = await uninterrupted;
      if (stage.name === 'full') afterFull = want.holding;
      if (stage.name === 'delta') {
        expect(want.ledger.byRow.get(`people|${delta.changed}`), 'the delta updates the changed lead').toEqual(['updated']);
        for (const lead of delta.added) expect(want.ledger.byRow.get(`people|${lead}`), 'the delta creates the added leads').toEqual(['created']);
      }
      const where = `${context}: after ${stage.name} (${kills.filter((x) => x.stage === stage.name).length} kills)`;
      expectSameHolding(holding(killed.sandbox, started), want.holding, where);
      expectSameLedger(await rowLedger(stage.dir), want.ledger, where);
      if (stage.name === 'rollback of the delta') expectSameHolding(holding(killed.sandbox, started), afterFull!, `${where}: what the full import left`);
    }
    expect(countsOf(holding(reference.sandbox, started)), 'the uninterrupted rollbacks leave nothing').toEqual({ companies: 0, people: 0, opportunities: 0, notes: 0, noteTargets: 0 });
    expect(countsOf(holding(killed.sandbox, started)), `${context}: after both rollbacks`).toEqual({ companies: 0, people: 0, opportunities: 0, notes: 0, noteTargets: 0 });

    async function killedStage(stage: Stage): Promise<void> {
      const firstRun = killed.proxy.run + 1;
      let finished = false;
      for (let k = 0; k < stage.kills && !finished; k++) {
        const left = Math.max(1, stage.writes - written(killed.proxy, firstRun, killed.proxy.run));
        const mode = pick(['delay', 'write-sent', 'write-answered', 'write-sent'] as const);
        const plan: KillPlan = mode === 'delay' ? { mode, ms: between(100, Math.round(stage.ms * 0.7)) } : { mode, nth: 1 + Math.floor(random() * Math.max(1, Math.ceil(left / (stage.kills - k)))) };
        const r = await runCli(stage.args, killed.env, { proxy: killed.proxy, plan });
        const where = `${context}: ${stage.name}, run ${r.run} (${JSON.stringify(plan)})`;
        if (r.killed) {
          expect(r.signal, where).toBe('SIGKILL');
          kills.push({ stage: stage.name, plan, landing: r.landing!, ms: r.ms, journal: await journalPosition(stage.dir) });
          if (stage.name === 'full' && !statusChecked && written(killed.proxy, r.run, r.run) > 0) {
            // A run killed after it wrote something shows as interrupted, not as the sample before it.
            statusChecked = true;
            const status = await runCli(['status', id], killed.env);
            expect(status.stdout, `${where}: status after the kill`).toMatch(/ full interrupted /);
          }
        } else {
          expect(r.code, `${where}: ended by itself: ${r.stderr}`).toBe(0);
          finished = true;
        }
      }
      if (!finished) {
        const r = await runCli(stage.args, killed.env, { proxy: killed.proxy });
        expect(r.code, `${context}: ${stage.name}, the run after the kills: ${r.stderr}`).toBe(0);
        expect(`${r.stdout}${r.stderr}`, `${context}: ${stage.name}`).not.toMatch(STACK);
      }
      if (stage.name === 'full') {
        // Once finished, the same command again finds everything done and writes nothing.
        const again = await runCli(stage.args, killed.env, { proxy: killed.proxy });
        expect(again.code, `${context}: full run again: ${again.stderr}`).toBe(0);
        expect(written(killed.proxy, again.run, again.run), `${context}: writes of a full import run again after it finished`).toBe(0);
      }
    }

    const by = <K extends string>(f: (k: (typeof kills)[number]) => K): Record<string, number> => kills.reduce<Record<string, number>>((n, k) => ({ ...n, [f(k)]: (n[f(k)] ?? 0) + 1 }), {});
    console.info(
      `cli kill -9: ${context}, latency ${latencyMs} ms, ${kills.length} kills; per stage ${JSON.stringify(by((k) => k.stage))}; landed ${JSON.stringify(by((k) => k.landing))}; ` +
        `plans ${JSON.stringify(by((k) => k.plan.mode))}; ${((Date.now() - started) / 1000).toFixed(1)} s\n  ${kills.map((k) => `${k.stage}: ${JSON.stringify(k.plan)} after ${k.ms} ms, ${k.landing}; journal: ${k.journal}`).join('\n  ')}`,
    );
    expect(kills.length, `${context}: kills that landed`).toBeGreaterThanOrEqual(6);
  }, 120_000);
});
