/**
 * Local failures through the built CLI (issue: "MIGRATION_HOME read-only or full, a journal whose last line is cut, an
 * export file changed after its preview, two imports of one migration started at once"), in live mode against a
 * sandbox this test starts, one migration carried through them in order:
 *
 * 1. MIGRATION_HOME read-only (chmod 0555; as root the CLI runs under setpriv without CAP_DAC_OVERRIDE, so the mode
 *    binds): import and preview stop with one line naming the folder and what to do, nothing is written anywhere, and
 *    once the folder is writable the sample imports. Then the migration's own folder read-only: import and rollback
 *    are refused at its lock, naming it.
 * 2. The journal's last line cut in the middle (a kill during the write of the sample's last answer, for its notes,
 *    which Twenty has no unique key for): the same command reads up to the last whole line, sends that batch again,
 *    and no note is written twice.
 * 3. The disk full: the journal is a symbolic link to /dev/full (every write fails with ENOSPC): the full import stops
 *    before its first write with a sentence saying the disk is full, `status` says it failed and why, and with the
 *    journal back the import finishes with expected.json's records, each once.
 * 4. An export changed after its preview: the import refuses, says which file changed since which migration's
 *    preview, writes nothing; after that (the new mapping saved), two imports of it started together: one is refused
 *    at the lock naming the other, the other imports, each record once.
 */
import { chmod, cp, mkdir, readdir, readFile, rename, rm, stat, symlink, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOURNAL_FILE } from '../../src/migration/engine.js';
import { generateSamples, type Expected } from '../../src/samples/generate.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { createTwentyClient, type TwentyClient } from '../../src/twenty/index.js';
import { expectTwentyHoldsExpected, mappingFileOf } from '../server/mcp-flow.js';
import { countsOf, holding, migrationIdOf, newerExports, removeTempDirs, rowLedger, runCli, STACK, startProxy, tempDir, unprivilegedPrefix, type CliRun, type WatchingProxy } from './harness.js';

const LEADS = 50;
const EXPORT_SEED = 31;

let exportsDir: string;
let expected: Expected;
let sandbox: SandboxHandle;
let proxy: WatchingProxy;
let reader: TwentyClient;
let env: Record<string, string>;
let home: string;
let id: string;
let dir: string;
const started = Date.now();

beforeAll(async () => {
  const root = await tempDir('kt-local-cli-');
  exportsDir = join(root, 'exports');
  ({ expected } = await generateSamples({ outDir: exportsDir, leads: LEADS, seed: EXPORT_SEED, messy: true }));
  id = await migrationIdOf(exportsDir);
  sandbox = await startSandbox({ profile: 'v2', rateLimit: false, persistDelayMs: 0, faults: { latencyMs: 15 } });
  proxy = await startProxy(sandbox.url);
  reader = createTwentyClient({ baseUrl: sandbox.url, apiKey: sandbox.apiKey, rateLimit: { buckets: [{ limit: 100_000, windowMs: 1000 }], safetyMargin: 0 } });
  home = join(root, 'home');
  dir = join(home, id);
  env = { TWENTY_API_URL: proxy.url, TWENTY_API_KEY: sandbox.apiKey, MIGRATION_HOME: home };
}, 30_000);

afterAll(async () => {
  await reader?.close();
  await proxy?.close();
  await sandbox?.close();
  await removeTempDirs();
});

const writes = (r: CliRun): number => proxy.sent.get(r.run)?.write ?? 0;
const total = (): number => Object.values(countsOf(holding(sandbox, started))).reduce((a, b) => a + b, 0);

/** A refusal as a person should get it: exit code 2, one line on stderr, no stack trace, nothing written to Twenty. */
function expectRefusal(r: CliRun, why: RegExp[]): string {
  const line = r.stderr.trim();
  expect(r.code, `exit code; stderr: ${r.stderr}`).toBe(2);
  expect(line.split('\n'), `one line: ${line}`).toHaveLength(1);
  expect(`${r.stdout}${r.stderr}`).not.toMatch(STACK);
  for (const w of why) expect(line).toMatch(w);
  expect(writes(r), 'records written by a refused run').toBe(0);
  return line;
}

const sampleArgs = (): string[] => ['import', exportsDir, '--stage', 'sample', '--yes'];
const fullArgs = (): string[] => ['import', exportsDir, '--stage', 'full', '--yes'];
const escape = (s: string): RegExp => new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

describe('the CLI when MIGRATION_HOME cannot be written', () => {
  it('stops with one line naming the folder and what to do, leaves nothing behind, and works once it is writable', async () => {
    const prefix = unprivilegedPrefix();
    if (prefix === null) {
      console.info('local failures: MIGRATION_HOME read-only skipped: running as root without setpriv, chmod does not bind');
      expect((await runCli(sampleArgs(), env, { proxy })).code).toBe(0);
      return;
    }
    await mkdir(home);
    await chmod(home, 0o555);
    try {
      for (const args of [sampleArgs(), ['preview', exportsDir]]) {
        const line = expectRefusal(await runCli(args, env, { proxy, ...(prefix ? { prefix } : {}) }), [escape(home), /\(EACCES\)/, /MIGRATION_HOME/, /writable/]);
        expect(line, 'names the folder it could not write in').toContain(`This user may not write in ${home}, so ${dir} cannot be created (EACCES).`);
      }
      expect(await readdir(home), 'nothing created in the read-only folder').toEqual([]);
      expect(total(), 'nothing written to Twenty').toBe(0);
    } finally {
      await chmod(home, 0o755);
    }
    const ok = await runCli(sampleArgs(), env, { proxy });
    expect(ok.code, ok.stderr).toBe(0);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp')), 'temporary files left').toEqual([]);

    // The migration's own folder read-only: refused at its lock, which the message names.
    const before = total();
    const mode = (await stat(dir)).mode & 0o777;
    await chmod(dir, 0o555);
    try {
      for (const args of [fullArgs(), ['rollback', id, '--yes']]) {
        const line = expectRefusal(await runCli(args, env, { proxy, ...(prefix ? { prefix } : {}) }), [/\(EACCES\)/, /writable/]);
        expect(line, 'names the lock').toContain(`${join(dir, 'lock')}: the migration's lock cannot be taken`);
        expect(line, 'names the folder').toContain(`may not write in ${dir}`);
      }
      expect(total(), 'nothing written or destroyed in Twenty').toBe(before);
    } finally {
      await chmod(dir, mode);
    }
  }, 60_000);
});

describe('the CLI resuming from a journal whose last line is cut', () => {
  it('reads up to the last whole line, sends the unanswered batch again, and writes no note twice', async () => {
    const path = join(dir, JOURNAL_FILE);
    const text = await readFile(path, 'utf8');
    const lines = text.split('\n').filter((l) => l !== '');
    const last = lines.findLastIndex((l) => /^\{"t":"done"/.test(l) && /"phase":"notes"/.test(l));
    expect(last, 'the sample journalled its notes').toBeGreaterThan(0);
    const notesBefore = sandbox.records('notes').length;
    expect(notesBefore).toBeGreaterThan(0);
    // The notes' answer cut in the middle, and what came after it (the run's summary) never written.
    const keep = Buffer.byteLength(lines.slice(0, last).map((l) => `${l}\n`).join(''), 'utf8') + Math.floor(Buffer.byteLength(lines[last]!, 'utf8') / 2);
    await truncate(path, keep);

    const again = await runCli(sampleArgs(), env, { proxy });
    expect(again.code, again.stderr).toBe(0);
    expect(`${again.stdout}${again.stderr}`).not.toMatch(STACK);
    const titles = sandbox.records('notes').map((n) => String(n.title));
    expect(new Set(titles).size, 'notes written twice').toBe(titles.length);
    expect(titles.length).toBe(notesBefore);
    const ledger = await rowLedger(dir);
    expect(ledger.cutTail, 'the cut line was cut off before appending').toBe(false);
    expect(ledger.pending).toBe(0);
    expect([...ledger.byRow].filter(([, o]) => o.length !== 1).map(([row]) => row), 'rows journalled twice').toEqual([]);
  }, 30_000);
});

describe('the CLI when the disk is full', () => {
  it('stops before writing with a sentence saying so, and with space back the import finishes exactly once', async () => {
    const path = join(dir, JOURNAL_FILE);
    await rename(path, `${path}.aside`);
    await symlink('/dev/full', path);
    let refused: CliRun;
    try {
      refused = await runCli(fullArgs(), env, { proxy });
    } finally {
      await rm(path);
      await rename(`${path}.aside`, path);
    }
    const line = expectRefusal(refused, [/\(ENOSPC\)/, /Free some disk space/, /is full/, escape(path)]);
    expect(line).toMatch(/resumes from its journal/);
    const status = await runCli(['status', id], env);
    expect(status.stdout).toMatch(/ full failed /);
    expect(status.stdout).toMatch(/ENOSPC/);

    const full = await runCli(fullArgs(), env, { proxy });
    expect(full.code, full.stderr).toBe(0);
    await expectTwentyHoldsExpected(sandbox, reader, exportsDir, mappingFileOf(home, id), expected);
    const titles = sandbox.records('notes').map((n) => String(n.title));
    expect(new Set(titles).size, 'notes written twice').toBe(titles.length);
    const ledger = await rowLedger(dir);
    expect(ledger.pending).toBe(0);
    expect([...ledger.byRow].filter(([, o]) => o.length !== 1).map(([row]) => row), 'rows journalled twice').toEqual([]);
  }, 30_000);
});

describe('the CLI given exports that changed after their preview', () => {
  it('refuses and says which file changed since which preview; then two imports started together: one is refused at the lock', async () => {
    const changed = join(await tempDir('kt-local-cli-changed-'), 'exports');
    await cp(exportsDir, changed, { recursive: true });
    const preview = await runCli(['preview', changed], env, { proxy });
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stdout).toContain(`Migration ${id}`);
    const staged = join(await tempDir('kt-local-cli-newer-'), 'exports');
    const { added } = await newerExports(changed, staged, 1);
    await rm(changed, { recursive: true });
    await rename(staged, changed); // the same paths, with one contacts file changed
    const newId = await migrationIdOf(changed);
    const before = countsOf(holding(sandbox, started));

    const refused = await runCli(['import', changed, '--stage', 'full', '--yes'], env, { proxy });
    const line = expectRefusal(refused, [new RegExp(`changed since migration ${id} was previewed`), /contacts_kartra_\S+\.csv is not what that preview read/, new RegExp(`new migration, ${newId}`), /nothing was written/, new RegExp(`--stage delta --since ${id}`)]);
    expect(line).toMatch(/Run kartra-twenty preview on them/);
    expect(countsOf(holding(sandbox, started))).toEqual(before);

    // Two imports of it at once. Every record write waits until one of them has ended, so the one holding the lock
    // is still importing when the other asks for it.
    let open!: () => void;
    proxy.gate = { applies: (f) => f.kind === 'write', opened: new Promise<void>((resolve) => (open = resolve)) };
    const args = ['import', changed, '--stage', 'full', '--yes'];
    const runs = [runCli(args, env, { proxy, waitIdle: false }), runCli(args, env, { proxy, waitIdle: false })];
    let first: CliRun;
    try {
      first = await Promise.race(runs);
    } finally {
      proxy.gate = undefined;
      open();
    }
    const [a, b] = await Promise.all(runs);
    await proxy.idle();
    const loser = [a!, b!].find((r) => r.code !== 0);
    const winner = [a!, b!].find((r) => r.code === 0);
    expect(first.code, `the first to end is the refused one: ${first.stderr}`).toBe(2);
    expect(loser, 'one of the two is refused').toBeDefined();
    expect(winner, `the other imports: ${loser === a ? b!.stderr : a!.stderr}`).toBeDefined();
    expect(loser!.stderr.trim()).toMatch(new RegExp(`^kartra-twenty: Migration ${newId} is already running \\(import --stage full, pid \\d+, since [^)]+\\)\\. Wait for it to finish, or stop it first\\.$`));

    const people = sandbox.records('people').map((p) => String(p.kartraLeadId));
    expect(new Set(people).size, 'people twice').toBe(people.length);
    expect(people.length).toBe(expected.leads.people + added.length);
    for (const lead of added) expect(people).toContain(lead);
    const ledger = await rowLedger(join(home, newId));
    expect([...ledger.byRow].filter(([, o]) => o.length !== 1).map(([row]) => row), 'rows journalled twice').toEqual([]);
  }, 60_000);
});
