/**
 * Local failures through the MCP tools (issue: "MIGRATION_HOME read-only or full, an export file changed after its
 * preview (the plan's hash no longer matches: refuse and say so), two imports of one migration started at once (the
 * second is refused), concurrent tool calls while an import runs"). The built server runs over stdio in live mode
 * against a sandbox this test starts (as root, under setpriv without CAP_DAC_OVERRIDE, so a chmod binds), one
 * migration carried through the failures in order:
 *
 * 1. MIGRATION_HOME read-only: propose_mapping answers with a sentence naming the folder and what to do (the reading
 *    tools still work); writable again, the flow goes on. The migration's folder read-only: the import's job fails at
 *    the lock and import_status says why; writable again, the sample imports.
 * 2. The disk full (the journal a symbolic link to /dev/full): the job fails before its first write, import_status
 *    says the disk is full, the server goes on answering.
 * 3. An export changed between preview_import and start_import: refused with a sentence saying the exports changed,
 *    nothing written, the journal untouched.
 * 4. While the full import's job is held in the middle (its writes wait at the proxy): a dozen tool calls at once each
 *    answer (a result, or a refusal saying the migration is busy), a second start_import is refused as busy, a CLI
 *    import of the same migration is refused at the lock naming the server's job; released, the import finishes with
 *    expected.json's records, each once.
 */
import { appendFile, chmod, mkdir, readdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOURNAL_FILE } from '../../src/migration/engine.js';
import { generateSamples, type Expected } from '../../src/samples/generate.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { createTwentyClient, type TwentyClient } from '../../src/twenty/index.js';
import { expectReportMatches, expectTwentyHoldsExpected, mappingFileOf, textOf } from '../server/mcp-flow.js';
import { countsOf, holding, removeTempDirs, rowLedger, runCli, startProxy, startServer, tempDir, unprivilegedPrefix, type Server, type WatchingProxy } from './harness.js';

const LEADS = 40;
const EXPORT_SEED = 41;

let exportsDir: string;
let expected: Expected;
let sandbox: SandboxHandle;
let proxy: WatchingProxy;
let reader: TwentyClient;
let home: string;
let env: Record<string, string>;
let server: Server;
let prefix: string[] | undefined | null;
let migrationId: string;
const started = Date.now();

beforeAll(async () => {
  const root = await tempDir('kt-local-mcp-');
  exportsDir = join(root, 'exports');
  ({ expected } = await generateSamples({ outDir: exportsDir, leads: LEADS, seed: EXPORT_SEED, messy: true }));
  sandbox = await startSandbox({ profile: 'v2', rateLimit: false, persistDelayMs: 0, faults: { latencyMs: 15 } });
  proxy = await startProxy(sandbox.url);
  reader = createTwentyClient({ baseUrl: sandbox.url, apiKey: sandbox.apiKey, rateLimit: { buckets: [{ limit: 100_000, windowMs: 1000 }], safetyMargin: 0 } });
  home = join(root, 'home');
  await mkdir(home);
  env = { MIGRATION_HOME: home, KARTRA_EXPORTS_DIR: exportsDir, TWENTY_API_URL: proxy.url, TWENTY_API_KEY: sandbox.apiKey, ANTHROPIC_API_KEY: '' };
  prefix = unprivilegedPrefix();
  if (prefix === null) console.info('local failures (MCP): MIGRATION_HOME read-only skipped: running as root without setpriv, chmod does not bind');
  server = await startServer(env, `[live Twenty at ${new URL(proxy.url).host}]\n`, { proxy, ...(prefix ? { prefix } : {}) });
}, 30_000);

afterAll(async () => {
  await server?.client.close();
  await reader?.close();
  await proxy?.close();
  await sandbox?.close();
  await removeTempDirs();
});

const total = (): number => Object.values(countsOf(holding(sandbox, started))).reduce((a, b) => a + b, 0);
const serverWrites = (): number => proxy.sent.get(server.run)?.write ?? 0;

async function importStage(stage: 'sample' | 'full'): Promise<void> {
  const preview = await server.s.ready('preview_import', { migrationId, stage });
  expect((await server.s.ok('start_import', { migrationId, stage, confirmationToken: preview.confirmation.token })).state).toBe('running');
}

describe('the MCP tools when MIGRATION_HOME cannot be written', () => {
  it('answer with a sentence naming the folder; the import job fails at the lock and says why; writable again, all goes on', async () => {
    if (prefix !== null) {
      await chmod(home, 0o555);
      try {
        expect((await server.s.ok('inspect_exports')).datasets.length).toBeGreaterThan(0);
        const text = await server.s.refused('propose_mapping', {}, /^This user may not write in /);
        expect(text).toContain(`This user may not write in ${home}, so ${home}/m-`);
        expect(text).toMatch(/cannot be created \(EACCES\)\. Migrations keep their state in MIGRATION_HOME \(.*\)\. Make that folder writable for this user, or set MIGRATION_HOME to a folder it can write, then run again\./);
        expect(await readdir(home), 'nothing created').toEqual([]);
      } finally {
        await chmod(home, 0o755);
      }
    }
    ({ migrationId } = await server.s.ok('propose_mapping'));
    const schema = await server.s.ok('preview_schema_changes', { migrationId });
    const applied = await server.s.ok('apply_schema_changes', { migrationId, confirmationToken: schema.confirmation.token });
    if (applied.state === 'working') expect((await server.s.untilEnded(migrationId)).state).toBe('finished');

    if (prefix !== null) {
      const dir = join(home, migrationId);
      const mode = (await stat(dir)).mode & 0o777;
      await chmod(dir, 0o555);
      try {
        await importStage('sample');
        const status = await server.s.untilEnded(migrationId);
        expect(status.state).toBe('failed');
        expect(status.error).toContain(`${join(dir, 'lock')}: the migration's lock cannot be taken (EACCES): this user may not write in ${dir}.`);
        expect(textOf(server.s.recorded.at(-1)!.result)).toMatch(/failed: .*Fix what it says, then start it again/s);
        expect(total(), 'nothing written').toBe(0);
      } finally {
        await chmod(dir, mode);
      }
    }
    await importStage('sample');
    expect((await server.s.untilEnded(migrationId, 20)).state).toBe('finished');
  }, 60_000);
});

describe('the MCP tools when the disk is full', () => {
  it('fail the job before its first write, say the disk is full, and the server goes on', async () => {
    const path = join(home, migrationId, JOURNAL_FILE);
    const before = total();
    const writes = serverWrites();
    await rename(path, `${path}.aside`);
    await symlink('/dev/full', path);
    try {
      await importStage('full');
      const status = await server.s.untilEnded(migrationId);
      expect(status.state).toBe('failed');
      expect(status.error).toMatch(/the migration journal cannot be written \(ENOSPC\)\. Free some disk space \(the disk holding .* is full\), then run again/);
    } finally {
      await rm(path);
      await rename(`${path}.aside`, path);
    }
    expect(serverWrites() - writes, 'records written without a journal').toBe(0);
    expect(total()).toBe(before);
    expect((await server.s.ok('describe_twenty')).twenty.mode).toBe('live');
  }, 30_000);
});

describe('start_import after an export changed since its preview', () => {
  it('is refused with a sentence saying the exports changed, and nothing is written', async () => {
    const preview = await server.s.ready('preview_import', { migrationId, stage: 'full' });
    const file = join(exportsDir, (await readdir(exportsDir)).find((f) => f.startsWith('report_all_transactions'))!);
    const original = await readFile(file);
    const journal = await readFile(join(home, migrationId, JOURNAL_FILE));
    const writes = serverWrites();
    const lines = original.toString('latin1').trimEnd().split(/\r?\n/);
    await appendFile(file, `${lines.at(-1)}\n`, 'latin1'); // one more row: the file's content, hence its hash, changed
    try {
      const text = await server.s.refused('start_import', { migrationId, stage: 'full', confirmationToken: preview.confirmation.token }, /have changed since it was proposed/);
      expect(text).toContain(`The export files of migration ${migrationId} have changed since it was proposed, so its previews no longer describe them.`);
      expect(text).toMatch(/Run propose_mapping on the exports again/);
      expect(serverWrites() - writes, 'records written').toBe(0);
      expect((await readFile(join(home, migrationId, JOURNAL_FILE))).equals(journal), 'the journal is untouched').toBe(true);
    } finally {
      await writeFile(file, original);
    }
  }, 30_000);
});

describe('tool calls while an import runs', () => {
  it('each answer or say busy, a second import is refused (from the tools and from the CLI), and the import finishes once', async () => {
    let open!: () => void;
    proxy.gate = { applies: (f) => f.kind === 'write', opened: new Promise<void>((resolve) => (open = resolve)) };
    try {
      await importStage('full');
      // Held: its first write waits at the proxy.
      for (let i = 0; i < 200 && ![...proxy.inFlight].some((f) => f.kind === 'write'); i++) await new Promise((r) => setTimeout(r, 25));
      expect([...proxy.inFlight].some((f) => f.kind === 'write'), 'the import reached its first write').toBe(true);

      const token = (await server.s.ok('preview_rollback', { migrationId })).confirmation?.token ?? 'ct_none';
      const calls: [string, Record<string, unknown>][] = [
        ['import_status', { migrationId }],
        ['reconciliation_report', { migrationId }],
        ['preview_rollback', { migrationId }],
        ['inspect_exports', {}],
        ['describe_twenty', {}],
        ['propose_mapping', {}],
        ['preview_import', { migrationId, stage: 'full' }],
        ['start_import', { migrationId, stage: 'full', confirmationToken: 'ct_stale' }],
        ['preview_schema_changes', { migrationId }],
        ['edit_mapping', { migrationId, edits: [{ op: 'skip', column: 'leads:bio', reason: 'not wanted' }] }],
        ['automation_inventory', { migrationId }],
        ['rollback_import', { migrationId, confirmationToken: token }],
        ['import_status', { migrationId, waitSeconds: 1 }],
      ];
      const results = await Promise.all(calls.map(([name, args]) => server.s.call(name, args)));
      const answers = calls.map(([name], i) => `${name}: ${results[i]!.isError ? `refused: ${textOf(results[i]!).split('\n')[1]?.slice(0, 120)}` : 'answered'}`);
      console.info(`local failures (MCP): while the import runs:\n  ${answers.join('\n  ')}`);
      for (const [i, [name]] of calls.entries()) {
        const result: CallToolResult = results[i]!;
        if (result.isError) expect(textOf(result), `${name} refused, but not as busy`).toMatch(/is busy: import, stage full \(job job-[0-9a-f]+\) is running\. Follow it with import_status/);
      }
      for (const name of ['start_import', 'rollback_import']) expect(results[calls.findIndex(([n]) => n === name)]!.isError, `${name} while the import runs`).toBe(true);
      for (const name of ['import_status', 'inspect_exports', 'describe_twenty']) expect(results[calls.findIndex(([n]) => n === name)]!.isError, `${name} while the import runs`).toBeFalsy();
      expect((results[0]!.structuredContent as { state: string }).state).toBe('running');

      // The CLI, another process, is refused at the migration's lock, which names the server's job.
      const cli = await runCli(['import', exportsDir, '--stage', 'full', '--yes'], { TWENTY_API_URL: proxy.url, TWENTY_API_KEY: sandbox.apiKey, MIGRATION_HOME: home });
      expect(cli.code, cli.stderr).toBe(2);
      expect(cli.stderr.trim()).toMatch(new RegExp(`^kartra-twenty: Migration ${migrationId} is already running \\(import --stage full, pid ${server.pid}, since [^)]+\\)\\. Wait for it to finish, or stop it first\\.$`));
    } finally {
      proxy.gate = undefined;
      open();
    }
    expect((await server.s.untilEnded(migrationId, 20)).state).toBe('finished');
    const report = await server.s.ready('reconciliation_report', { migrationId });
    expectReportMatches(report, expected);
    await expectTwentyHoldsExpected(sandbox, reader, exportsDir, mappingFileOf(home, migrationId), expected);
    const ledger = await rowLedger(join(home, migrationId));
    expect(ledger.pending).toBe(0);
    expect([...ledger.byRow].filter(([, o]) => o.length !== 1).map(([row]) => row), 'rows journalled twice').toEqual([]);
    expect(server.stderr(), 'the server logged no failure').not.toMatch(/failed unexpectedly|unhandled|\n\s+at /i);
  }, 60_000);
});
