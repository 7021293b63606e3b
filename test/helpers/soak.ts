/**
 * The soak (issue 6, "Faults"): full migrations of generated messy exports through the real client and engine, each
 * into a fresh sandbox under one configuration of its fault injection, each checked at the end against the set's
 * expected.json and against the records the sandbox holds. Used by `npm run soak` (scripts/soak.ts, the long
 * version, for benchmarks) and by test/soak/soak.test.ts (the quick version, in CI).
 *
 * One run: generated exports (seeded) → inspect → mapping (proposed, with a fake Claude reranking it, auto-accepted
 * only) → schema changes → the full import as a job (`runImportJob`, status.json, lock) with the client's timeout at
 * 2 s and the rate limit scaled 60× (100 calls a second) → report.md and rejects.csv → checks:
 * - the reconciliation balances for every object, nothing missing, nothing twice;
 * - its counts are expected.json's: people, companies, opportunities from transactions and subscriptions, skipped
 *   rows (rejected and duplicate leads, transactions exported twice), and as failed exactly the records the
 *   invalid-record fault refused, each with its reason;
 * - rejects.csv lists those rows, every one with a reason;
 * - the sandbox's stored records: no kartraLeadId, kartraTransactionId, kartraSubscriptionId or kartraCompanyKey
 *   twice; every expected key there except the refused ones; people as in expected.json; net revenue and the
 *   subscriptions' stages (active or cancelled by their last event) as expected, the refused records' share added
 *   back from what the journal says was sent;
 * - neither the sandbox's API key nor the (fake) ANTHROPIC_API_KEY in any file under the run's MIGRATION_HOME, in
 *   any event, error, result or report the run produced.
 *
 * The outage: the sandbox is closed mid-import (its data flushed to its file), kept down, then started again on the
 * same port with the same data file and API key. What the import does depends on the client's retry window (retry.ts:
 * 5 retries, jittered doubling from 1 s, so at least 31 s for a refused connection): an outage shorter than the
 * window is ridden out by the retries, the job carrying on by itself; a longer one stops the job, status.json
 * `failed` with an error saying Twenty did not answer and to resume, and running the import again goes on where it
 * stopped. The matrix has one run of each, and each checks that what happened is what its window says.
 */
import { readdir, readFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import DecimalModule from 'decimal.js';
import { inspectExports } from '../../src/kartra/inspect.js';
import type { MappingDocument } from '../../src/mapping/document.js';
import { readJobStatus } from '../../src/migration/job.js';
import { JOURNAL_FILE, type ImportResult, type Phase } from '../../src/migration/engine.js';
import { runImportJob } from '../../src/migration/import-job.js';
import { scanJournal } from '../../src/migration/journal.js';
import { sourceRowsOf } from '../../src/migration/reconcile.js';
import { writeReport, REJECTS_FILE } from '../../src/migration/report.js';
import { applyMigrationSchema } from '../../src/migration/schema-changes.js';
import { autoAcceptedOnly, openMigration } from '../../src/migration/session.js';
import { companyKey as oracleCompanyKey } from '../../src/samples/companies.js';
import { generateSamples } from '../../src/samples/generate.js';
import type { Expected } from '../../src/samples/expected.js';
import { startSandbox, type FaultOptions, type ProfileName, type SandboxHandle, type SandboxOptions, type SandboxStats, type StoredRecord } from '../../src/sandbox/index.js';
import { createTwentyClient, type TwentyClient, type TwentyConnection } from '../../src/twenty/index.js';
import type { TwentyClientEvent } from '../../src/twenty/events.js';
import { startFakeMessages, type FakeMessagesServer } from '../mapping/fake-messages-server.js';
import { compareWithExpected, live } from '../migration/engine-helpers.js';

const Decimal = DecimalModule as unknown as typeof DecimalModule.Decimal;

/** What the client does after a refused connection: the defaults (retry.ts) unless a case says otherwise. */
export type RetrySettings = { maxRetries?: number; minMs?: number; maxMs?: number };

export type SoakCase = {
  name: string;
  profile: ProfileName;
  faults: FaultOptions;
  /** The sandbox closed mid-import (once the first batch of `phase`, default people, is written), down for `downMs`, started again. */
  outage?: { downMs: number; phase?: Phase };
  retry?: RetrySettings;
};

export type SoakOptions = {
  quick: boolean;
  /** Runs in all: the matrix is repeated (a new seed and the other profile each time round) until there are this many. */
  runs?: number;
  leads?: number;
  seed?: number;
  /** How long the outage keeps the sandbox down; 30 s in the long soak, 3 s in the quick one. */
  outageMs?: number;
  /** Records per batch (small batches make more calls, so more chances for faults). */
  batchMax?: number;
  /** The client's timeout per request (2 s; 1 s in the quick soak). */
  timeoutMs?: number;
  /** Runs at once (1; each run mostly waits, on timeouts, backoffs and the outage). */
  concurrency?: number;
  /** Where run folders go (a new temporary folder by default); removed at the end unless `keep`. */
  root?: string;
  keep?: boolean;
  /** A line per run as it ends (progress). */
  log?: (line: string) => void;
};

export type OutagePath = 'carried on' | 'stopped, resumed';

export type RunResult = {
  run: number;
  name: string;
  profile: ProfileName;
  seed: number;
  leads: number;
  faultsConfigured: string;
  /** Faults the sandbox injected (and the outage, counted once). */
  faultsInjected: number;
  injected: Record<string, number>;
  /** Records created or updated, over every phase. */
  written: number;
  retries: number;
  rateLimited: number;
  durationMs: number;
  outage?: OutagePath;
  /** When the outage stopped the job: the state and error status.json gave before it was resumed. */
  stopped?: { state: string; error: string };
  passed: boolean;
  differences: string[];
};

export type SoakSummary = {
  runs: RunResult[];
  passed: number;
  failed: number;
  faultsInjected: number;
  durationMs: number;
  /** Requests the mapping's rerank sent to the fake Claude, and how many of them carried the fake key (so it was used). */
  llm: { requests: number; withKey: number };
};

export const SOAK_TIMEOUT_MS = 2_000;
export const QUICK_TIMEOUT_MS = 1_000;
/** Twenty's buckets (100 calls per second and per minute) with the minute scaled to a second: 100 calls a second. */
const SANDBOX_RATE_LIMIT = { shortLimit: 100, shortWindowMs: 1_000, longLimit: 100, longWindowMs: 1_000 };
const CLIENT_BUCKETS = [{ limit: 100, windowMs: 1_000 }, { limit: 100, windowMs: 1_000 }];
/** The phase whose first written batch brings the outage, one per time round the matrix. */
const OUTAGE_PHASES: Phase[] = ['people', 'transactions', 'subscriptions'];
const INJECTED_INVALID = /\(injected fault: invalid record\)/;

/** The retry window for a refused connection, at its shortest (every jitter factor 1): the longest outage ridden out for sure. */
export function shortestRetryWindowMs(retry: RetrySettings = {}): number {
  const retries = retry.maxRetries ?? 5;
  const min = retry.minMs ?? 1_000;
  const max = Math.max(min, retry.maxMs ?? 30_000);
  let total = 0;
  for (let i = 0; i < retries; i++) total += Math.min(max, min * 2 ** i);
  return total;
}

/** The retry window at its longest (every jitter factor 2): an outage longer than this stops the import. */
export function longestRetryWindowMs(retry: RetrySettings = {}): number {
  const retries = retry.maxRetries ?? 5;
  const min = retry.minMs ?? 1_000;
  const max = Math.max(min, retry.maxMs ?? 30_000);
  let total = 0;
  for (let i = 0; i < retries; i++) total += Math.min(max, 2 * min * 2 ** i);
  return total;
}

/**
 * The matrix: no fault (the baseline), then each fault alone, then all at once, then the outage twice (inside the
 * client's retry window, and beyond it). The quick version raises the rates so that its small set still meets each
 * fault several times.
 */
export function soakMatrix(options: { quick: boolean; outageMs: number }): SoakCase[] {
  const q = options.quick;
  const outage = { downMs: options.outageMs };
  // The long soak keeps the client's retry delays (1 s doubling to 30 s); the quick one scales them down tenfold.
  const retry: RetrySettings | undefined = q ? { minMs: 100, maxMs: 3_000 } : undefined;
  // Retries that outlast the outage for sure (the client's defaults when it is 30 s: 31 s at least), and retries that cannot.
  const ridden: RetrySettings = !q && shortestRetryWindowMs() > options.outageMs + 500 ? {} : { minMs: Math.ceil((options.outageMs * 1.5 + 500) / 31) };
  const brief: RetrySettings = { maxRetries: 2, minMs: 100, maxMs: 200 };
  const cases: SoakCase[] = [
    { name: 'baseline', profile: 'v2', faults: {} },
    { name: '500s', profile: 'v2', faults: { error500Rate: q ? 0.1 : 0.05 } },
    { name: 'hangs', profile: 'v1', faults: { hangRate: q ? 0.04 : 0.02 } },
    { name: 'drops after apply', profile: 'v2', faults: { dropAfterApplyRate: q ? 0.1 : 0.05 } },
    { name: '429 storms', profile: 'v1', faults: { rateLimitStormRate: 0.03, rateLimitStormLength: q ? 3 : 5 } },
    { name: 'invalid records', profile: 'v2', faults: { invalidRecordRate: q ? 0.03 : 0.005 } },
    { name: 'latency', profile: 'v2', faults: { latencyMs: 50 } },
    {
      name: 'everything',
      profile: 'v1',
      faults: q
        ? { error500Rate: 0.05, hangRate: 0.02, dropAfterApplyRate: 0.05, rateLimitStormRate: 0.02, rateLimitStormLength: 3, invalidRecordRate: 0.02, latencyMs: 20 }
        : { error500Rate: 0.05, hangRate: 0.02, dropAfterApplyRate: 0.05, rateLimitStormRate: 0.03, invalidRecordRate: 0.005, latencyMs: 50 },
    },
  ];
  return [
    ...cases.map((c) => (retry ? { ...c, retry } : c)),
    { name: 'outage (retries outlast it)', profile: 'v2', faults: {}, outage, retry: ridden },
    { name: 'outage (beyond the retries)', profile: 'v1', faults: {}, outage, retry: brief },
  ];
}

export function describeFaults(c: SoakCase): string {
  const f = c.faults;
  const parts: string[] = [];
  if (f.error500Rate) parts.push(`500 ${pct(f.error500Rate)}`);
  if (f.hangRate) parts.push(`hang ${pct(f.hangRate)}`);
  if (f.dropAfterApplyRate) parts.push(`drop ${pct(f.dropAfterApplyRate)}`);
  if (f.rateLimitStormRate) parts.push(`429×${f.rateLimitStormLength ?? 5} ${pct(f.rateLimitStormRate)}`);
  if (f.invalidRecordRate) parts.push(`invalid ${pct(f.invalidRecordRate)}/rec`);
  if (f.latencyMs) parts.push(`+${f.latencyMs} ms`);
  if (c.outage) parts.push(`down ${Math.round(c.outage.downMs / 100) / 10} s in ${c.outage.phase ?? 'people'}, retries ${c.retry?.maxRetries ?? 5}×${c.retry?.minMs ?? 1000} ms+`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

const pct = (rate: number): string => `${Math.round(rate * 1000) / 10}%`;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The key a Messages request carried (`Authorization: Bearer` or `x-api-key`). */
function sentKey(headers: IncomingHttpHeaders): string | undefined {
  const bearer = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
  return bearer ?? (typeof headers['x-api-key'] === 'string' ? headers['x-api-key'] : undefined);
}

/** A fake Anthropic Messages endpoint: the mapping's rerank sends the (fake) key there; the answer is text, so the proposal stands. */
async function fakeClaude(): Promise<FakeMessagesServer> {
  return startFakeMessages(() => ({ kind: 'text', text: 'No tool call from this fake.' }));
}

export async function runSoak(options: SoakOptions): Promise<SoakSummary> {
  const started = Date.now();
  const outageMs = options.outageMs ?? (options.quick ? 3_000 : 30_000);
  const matrix = soakMatrix({ quick: options.quick, outageMs });
  const total = options.runs ?? matrix.length;
  const leads = options.leads ?? (options.quick ? 40 : 400);
  const baseSeed = options.seed ?? 1;
  const root = options.root ?? (await mkdtemp(join(tmpdir(), 'kartra-soak-')));
  await mkdir(root, { recursive: true });
  const claude = await fakeClaude();
  const anthropicKey = `sk-ant-soak-${randomBytes(12).toString('hex')}`;
  const env = { ANTHROPIC_API_KEY: anthropicKey, ANTHROPIC_BASE_URL: claude.baseURL, KARTRA_TWENTY_LLM_TIMEOUT_MS: '5000' };
  const previousKey = process.env.ANTHROPIC_API_KEY;
  process.env.ANTHROPIC_API_KEY = anthropicKey; // in the soak's environment too: nothing may pick it up and write it out
  const exportsBySeed = new Map<number, Promise<{ dir: string; expected: Expected }>>();
  const results: RunResult[] = [];
  const llm = { requests: 0, withKey: 0 };
  const one = async (i: number): Promise<void> => {
    const pass = Math.floor(i / matrix.length);
    const base = matrix[i % matrix.length]!;
    // Each time round the matrix: another seed (exports and faults), the other profile, the outage in another phase.
    const c: SoakCase = {
      ...base,
      profile: pass % 2 === 0 ? base.profile : base.profile === 'v1' ? 'v2' : 'v1',
      faults: { ...base.faults, seed: baseSeed * 1000 + i },
      ...(base.outage ? { outage: { ...base.outage, phase: OUTAGE_PHASES[pass % OUTAGE_PHASES.length]! } } : {}),
    };
    const seed = baseSeed + pass;
    let exports = exportsBySeed.get(seed);
    if (!exports) {
      const dir = join(root, `exports-seed-${seed}`);
      exports = generateSamples({ outDir: dir, leads, seed, messy: true }).then(({ expected }) => ({ dir, expected }));
      exportsBySeed.set(seed, exports);
    }
    const { dir: exportsDir, expected } = await exports;
    const result = await soakRun({
      run: i + 1,
      soakCase: c,
      seed,
      leads,
      exportsDir,
      expected,
      root,
      env,
      anthropicKey,
      batchMax: options.batchMax ?? (options.quick ? 10 : 50),
      timeoutMs: options.timeoutMs ?? (options.quick ? QUICK_TIMEOUT_MS : SOAK_TIMEOUT_MS),
    });
    results[i] = result;
    options.log?.(formatRow(result));
  };
  try {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < total) await one(next++);
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 1, total)) }, worker));
  } finally {
    if (previousKey === undefined) delete process.env.ANTHROPIC_API_KEY;
    else process.env.ANTHROPIC_API_KEY = previousKey;
    llm.requests = claude.requests.length;
    llm.withKey = claude.requests.filter((r) => sentKey(r.headers) === anthropicKey).length;
    await claude.close();
    if (!options.keep && options.root === undefined) await rm(root, { recursive: true, force: true });
  }
  const passed = results.filter((r) => r.passed).length;
  return { runs: results, passed, failed: results.length - passed, faultsInjected: results.reduce((n, r) => n + r.faultsInjected, 0), durationMs: Date.now() - started, llm };
}

type RunInput = {
  run: number;
  soakCase: SoakCase;
  seed: number;
  leads: number;
  exportsDir: string;
  expected: Expected;
  root: string;
  env: Record<string, string>;
  anthropicKey: string;
  batchMax: number;
  timeoutMs: number;
};

/** One migration under one fault configuration, and its checks. Never throws: a failure is the run's outcome. */
export async function soakRun(input: RunInput): Promise<RunResult> {
  const { soakCase: c } = input;
  const started = Date.now();
  const runDir = join(input.root, `run-${String(input.run).padStart(3, '0')}-${c.name.replace(/[^a-z0-9]+/gi, '-').replace(/-$/, '')}`);
  const home = join(runDir, 'home');
  await mkdir(home, { recursive: true });
  const apiKey = `soak-sandbox-${randomBytes(12).toString('hex')}`;
  const sandboxOptions: SandboxOptions = { profile: c.profile, apiKey, dataFile: join(runDir, 'sandbox.json'), rateLimit: SANDBOX_RATE_LIMIT, faults: c.faults };
  let sandbox = await startSandbox(sandboxOptions);
  const earlierStats: SandboxStats[] = [];
  const captured: string[] = [];
  const differences: string[] = [];
  const differ = (text: string): void => void differences.push(text);
  const client = createTwentyClient({
    baseUrl: sandbox.url,
    apiKey,
    timeoutMs: input.timeoutMs,
    rateLimit: { buckets: CLIENT_BUCKETS },
    batchMax: input.batchMax,
    ...(c.retry?.maxRetries === undefined ? {} : { maxRetries: c.retry.maxRetries }),
    ...(c.retry?.minMs === undefined && c.retry?.maxMs === undefined ? {} : { retryDelay: { ...(c.retry.minMs === undefined ? {} : { minMs: c.retry.minMs }), ...(c.retry.maxMs === undefined ? {} : { maxMs: c.retry.maxMs }) } }),
    onEvent: (event: TwentyClientEvent) => void captured.push(JSON.stringify(event)),
  });
  const host = new URL(sandbox.url).host;
  const connection: TwentyConnection = { mode: 'live', client, describe: () => `live Twenty at ${host}`, close: () => client.close() };
  let outagePath: OutagePath | undefined;
  let stopped: { state: string; error: string } | undefined;
  let outage: Promise<void> | undefined;
  let written = 0;
  try {
    const opened = await openMigration([input.exportsDir], connection, home, { env: input.env });
    const session = { ...opened, mapping: opened.proposed ? autoAcceptedOnly(opened.mapping) : opened.mapping };
    await applyMigrationSchema(session.dir, client, session.mapping);

    const startOutage = (): void => {
      outage ??= (async () => {
        const downAt = Date.now();
        const old = sandbox;
        await old.close(); // flushed to its data file
        earlierStats.push(old.stats());
        await sleep(Math.max(0, c.outage!.downMs - (Date.now() - downAt)));
        sandbox = await restartOn(old.port, sandboxOptions);
      })();
    };
    const job = () =>
      runImportJob({
        session,
        client,
        policy: 'fill-empty',
        stage: 'full',
        onProgress: (p) => {
          // mid-import: once the first batch of people is written, a batch of them is on its way
          if (c.outage && p.phase === (c.outage.phase ?? 'people') && p.rows > 0) startOutage();
        },
      });
    const results: ImportResult[] = [];
    try {
      results.push(await job());
      if (c.outage) outagePath = 'carried on';
    } catch (error) {
      const message = (error as Error)?.message ?? String(error);
      captured.push(message, (error as Error)?.stack ?? '');
      if (!c.outage || !outage) throw error;
      // Stopped by the outage: the job says so, and running it again resumes.
      const status = await readJobStatus(session.dir);
      captured.push(JSON.stringify(status));
      stopped = { state: status?.state ?? 'none', error: status?.error ?? '' };
      if (status?.state !== 'failed') differ(`outage: status.json says ${status?.state ?? 'nothing'}, not failed`);
      const said = status?.error ?? '';
      if (!/did not answer .*\(\d+ attempts over [\d.]+ s\)/.test(said) || !/resume by running the same import/.test(said)) {
        differ(`outage: the job's error does not say Twenty did not answer after its retries and to resume: ${said || '(none)'}`);
      }
      await outage;
      results.push(await job());
      outagePath = 'stopped, resumed';
    }
    if (c.outage && !outage) differ('outage: the import ended before the sandbox was stopped');
    if (outage) await outage;
    for (const r of results) captured.push(JSON.stringify(r));
    const expectedPath: OutagePath | undefined = !c.outage
      ? undefined
      : c.outage.downMs < shortestRetryWindowMs(c.retry)
        ? 'carried on'
        : c.outage.downMs > longestRetryWindowMs(c.retry)
          ? 'stopped, resumed'
          : undefined;
    if (expectedPath && outagePath !== expectedPath) differ(`outage: the import ${outagePath}, but a ${c.outage!.downMs} ms outage against a retry window of ${shortestRetryWindowMs(c.retry)}–${longestRetryWindowMs(c.retry)} ms should have ${expectedPath}`);
    const status = await readJobStatus(session.dir);
    if (status?.state !== 'finished') differ(`status.json: ${status?.state ?? 'missing'} after the import`);

    const report = await writeReport({ dir: session.dir, migrationId: session.migrationId, client, target: connection.describe(), sourceRows: sourceRowsOf(session.mapping) });
    captured.push(report.markdown);
    const stats = sumStats([...earlierStats, sandbox.stats()]);
    for (const r of report.reconciliation) written += r.counts.created + r.counts.updated;
    await checkMigration({ dir: session.dir, exportsDir: input.exportsDir, expected: input.expected, mapping: session.mapping, report, sandbox, client, refused: stats.invalidRecords, differ });
  } catch (error) {
    const message = (error as Error)?.message ?? String(error);
    captured.push(message, (error as Error)?.stack ?? '');
    differ(`the migration failed: ${message.split('\n')[0]}`);
  } finally {
    await client.close().catch(() => undefined);
    if (outage) await outage.catch(() => undefined);
    await sandbox.close().catch(() => undefined);
  }
  const stats = sumStats([...earlierStats, sandbox.stats()]);
  // Secrets: nothing the run wrote or produced holds either key.
  for (const [where, text] of [...(await filesUnder(home)).map(([p, t]) => [`file ${p.slice(runDir.length + 1)}`, t] as const), ...captured.map((t, i) => [`output #${i + 1}`, Buffer.from(t, 'utf8')] as const)]) {
    if (text.includes(apiKey)) differ(`the sandbox's API key appears in ${where}`);
    if (text.includes(input.anthropicKey)) differ(`ANTHROPIC_API_KEY appears in ${where}`);
  }
  const injected: Record<string, number> = { ...stats.faults, ...(outage ? { outage: 1 } : {}) };
  for (const [fault, key] of [['error500Rate', 'error500'], ['hangRate', 'hang'], ['dropAfterApplyRate', 'dropAfterApply'], ['rateLimitStormRate', 'rateLimitStorm'], ['invalidRecordRate', 'invalidRecord']] as const) {
    if ((c.faults[fault] ?? 0) > 0 && (injected[key] ?? 0) === 0) differ(`${fault} was configured but no ${key} fault was injected: the run proves nothing about it`);
  }
  const clientStats = client.stats();
  return {
    run: input.run,
    name: c.name,
    profile: c.profile,
    seed: input.seed,
    leads: input.leads,
    faultsConfigured: describeFaults(c),
    faultsInjected: Object.values(injected).reduce((a, b) => a + b, 0),
    injected,
    written,
    retries: clientStats.retries,
    rateLimited: clientStats.rateLimited,
    durationMs: Date.now() - started,
    ...(outagePath ? { outage: outagePath } : {}),
    ...(stopped ? { stopped } : {}),
    passed: differences.length === 0,
    differences,
  };
}

/** The sandbox again on its port, with its data file and key; a few tries should another socket hold the port a moment. */
async function restartOn(port: number, options: SandboxOptions): Promise<SandboxHandle> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startSandbox({ ...options, port });
    } catch (error) {
      if (attempt >= 20 || !/already in use/.test((error as Error).message)) throw error;
      await sleep(100);
    }
  }
}

function sumStats(all: SandboxStats[]): { faults: Record<string, number>; invalidRecords: string[] } {
  const faults: Record<string, number> = {};
  const invalid = new Set<string>();
  for (const s of all) {
    for (const [k, v] of Object.entries(s.faults)) faults[k] = (faults[k] ?? 0) + v;
    for (const r of s.invalidRecords) invalid.add(r);
  }
  return { faults, invalidRecords: [...invalid] };
}

/** Every file under `dir`, as bytes (a key is looked for as its UTF-8 bytes, whatever the file holds). */
async function filesUnder(dir: string): Promise<[string, Buffer][]> {
  const out: [string, Buffer][] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out.push([path, await readFile(path)]);
  }
  return out;
}

type CheckInput = {
  dir: string;
  exportsDir: string;
  expected: Expected;
  mapping: MappingDocument;
  report: Awaited<ReturnType<typeof writeReport>>;
  sandbox: SandboxHandle;
  client: TwentyClient;
  /** The records the sandbox refused as invalid: `people kartraLeadId=…`. */
  refused: string[];
  differ: (text: string) => void;
};

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** What the journal says about the rows that failed: their keys per phase, reasons and the payloads sent. */
async function failedRows(dir: string): Promise<{ failed: Map<Phase, Map<string, string>>; sent: Map<string, Record<string, unknown>> }> {
  const failed = new Map<Phase, Map<string, string>>();
  const sent = new Map<string, Record<string, unknown>>();
  const latest = new Map<string, { phase: Phase; key: string; outcome: string; reason?: string }>();
  await scanJournal(join(dir, JOURNAL_FILE), (entry) => {
    const records = (entry.records as { phase: Phase; key: string; outcome?: string; reason?: string; record?: Record<string, unknown> }[] | undefined) ?? [];
    if (entry.t === 'intent') for (const r of records) if (r.record) sent.set(`${r.phase}|${r.key}`, r.record);
    if (entry.t === 'done' || entry.t === 'rows') for (const r of records) latest.set(`${r.phase}|${r.key}`, { phase: r.phase, key: r.key, outcome: r.outcome ?? '', ...(r.reason === undefined ? {} : { reason: r.reason }) });
  });
  for (const r of latest.values()) {
    if (r.outcome !== 'failed') continue;
    const byKey = failed.get(r.phase) ?? new Map<string, string>();
    byKey.set(r.key, r.reason ?? '');
    failed.set(r.phase, byKey);
  }
  return { failed, sent };
}

/** The refused records' keys per migration key field (`kartraLeadId` → keys), from the sandbox's list. */
function refusedKeys(refused: string[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const r of refused) {
    const m = /^\w+ (\w+)=(.*)$/.exec(r);
    if (!m) continue;
    const set = out.get(m[1]!) ?? new Set<string>();
    set.add(m[2]!);
    out.set(m[1]!, set);
  }
  return out;
}

const PHASE_KEY: Record<'companies' | 'people' | 'transactions' | 'subscriptions', string> = {
  companies: 'kartraCompanyKey',
  people: 'kartraLeadId',
  transactions: 'kartraTransactionId',
  subscriptions: 'kartraSubscriptionId',
};

async function checkMigration(input: CheckInput): Promise<void> {
  const { expected, report, sandbox, differ } = input;
  const sameSet = (what: string, want: Iterable<string>, have: Iterable<string>): void => {
    const w = new Set(want);
    const h = new Set(have);
    const missing = [...w].filter((k) => !h.has(k));
    const extra = [...h].filter((k) => !w.has(k));
    if (missing.length > 0 || extra.length > 0) differ(`${what}: ${missing.length} missing (${missing.slice(0, 3).join(', ')}), ${extra.length} unexpected (${extra.slice(0, 3).join(', ')})`);
  };

  // The records the invalid-record fault refused must be exactly the rows journalled as failed, each with its reason.
  const refused = refusedKeys(input.refused);
  const { failed, sent } = await failedRows(input.dir);
  for (const [phase, keyField] of Object.entries(PHASE_KEY) as [keyof typeof PHASE_KEY, string][]) {
    const rows = failed.get(phase) ?? new Map<string, string>();
    const want = refused.get(keyField) ?? new Set<string>();
    sameSet(`${phase} failed vs refused by the sandbox`, want, rows.keys());
    for (const [key, reason] of rows) if (!INJECTED_INVALID.test(reason)) differ(`${phase} ${key} failed for another reason than the injected fault: ${reason.slice(0, 160)}`);
  }
  const refusedOf = (phase: keyof typeof PHASE_KEY): Set<string> => new Set((failed.get(phase) ?? new Map()).keys());
  const refusedNotes = input.refused.filter((r) => r.startsWith('notes ')).length;
  if ((failed.get('notes')?.size ?? 0) !== refusedNotes) differ(`notes: ${failed.get('notes')?.size ?? 0} failed, the sandbox refused ${refusedNotes}`);

  // The reconciliation: balanced everywhere, and expected.json's figures.
  for (const r of report.reconciliation) {
    if (!r.balanced) differ(`reconciliation: ${r.phase} not balanced (${r.accounted} of ${r.sourceRows ?? '?'} rows accounted, ${r.missing.length} missing, ${r.duplicated.length} duplicated)`);
  }
  const by = new Map(report.reconciliation.map((r) => [r.phase, r]));
  const counts = (phase: Phase, want: { created: number; skipped?: number; failed: number }): void => {
    const r = by.get(phase);
    const have = r ? { created: r.counts.created, updated: r.counts.updated, ...(want.skipped === undefined ? {} : { skipped: r.counts.skipped }), failed: r.counts.failed, found: r.foundInTwenty } : undefined;
    const wanted = { created: want.created, updated: 0, ...(want.skipped === undefined ? {} : { skipped: want.skipped }), failed: want.failed, found: want.created };
    if (JSON.stringify(have) !== JSON.stringify(wanted)) differ(`reconciliation ${phase}: expected ${JSON.stringify(wanted)}, got ${JSON.stringify(have ?? 'no row')}`);
  };
  const leadsSkipped = expected.leads.rejects.length + expected.leads.duplicates.length;
  const repeatedTransactions = expected.transactions.rows - expected.transactions.distinctRows;
  counts('companies', { created: expected.companies.count - refusedOf('companies').size, failed: refusedOf('companies').size });
  counts('people', { created: expected.leads.people - refusedOf('people').size, skipped: leadsSkipped, failed: refusedOf('people').size });
  counts('transactions', { created: expected.opportunities.fromTransactions - refusedOf('transactions').size, skipped: repeatedTransactions, failed: refusedOf('transactions').size });
  counts('subscriptions', { created: expected.opportunities.fromSubscriptions - refusedOf('subscriptions').size, skipped: 0, failed: refusedOf('subscriptions').size });

  // rejects.csv: expected.json's rejected and duplicate leads, the repeated transactions, the refused records; each with a reason.
  const rejects = parse(await readFile(join(input.dir, REJECTS_FILE), 'utf8'), { columns: true, bom: true, skip_empty_lines: true }) as Record<string, string>[];
  for (const r of rejects) if (!r.reason || r.reason.trim() === '') differ(`rejects.csv: ${r.file}:${r.line} has no reason`);
  const leadRows = rejects.filter((r) => r.dataset === 'leads');
  const skippedLeads = leadRows.filter((r) => r.outcome === 'skipped').map((r) => `${r.file}:${r.line}`);
  sameSet('rejects.csv skipped leads vs expected.json rejects and duplicates', [...expected.leads.rejects, ...expected.leads.duplicates].map((r) => `${r.file}:${r.line}`), skippedLeads);
  if (leadRows.filter((r) => r.outcome === 'failed').length !== refusedOf('people').size) differ(`rejects.csv: ${leadRows.filter((r) => r.outcome === 'failed').length} failed leads, ${refusedOf('people').size} refused`);
  const transactionRows = rejects.filter((r) => r.dataset === 'transactions');
  if (transactionRows.length !== repeatedTransactions + refusedOf('transactions').size) differ(`rejects.csv: ${transactionRows.length} transaction rows, expected ${repeatedTransactions} repeated + ${refusedOf('transactions').size} refused`);
  if (rejects.length !== report.rejects) differ(`rejects.csv holds ${rejects.length} rows, the report says ${report.rejects}`);

  // The sandbox's records, read directly: every key once, every expected key there but the refused ones.
  const people = live(sandbox, 'people');
  const companies = live(sandbox, 'companies');
  const opportunities = live(sandbox, 'opportunities');
  const duplicates = (what: string, keys: string[]): void => {
    const seen = new Set<string>();
    const twice = keys.filter((k) => k !== '' && (seen.has(k) || !seen.add(k)));
    if (twice.length > 0) differ(`sandbox: ${what} held twice: ${twice.slice(0, 5).join(', ')}`);
  };
  duplicates('kartraLeadId', people.map((p) => text(p.kartraLeadId)));
  duplicates('kartraCompanyKey', companies.map((c) => text(c.kartraCompanyKey)));
  duplicates('kartraTransactionId', opportunities.map((o) => text(o.kartraTransactionId)));
  duplicates('kartraSubscriptionId', opportunities.map((o) => text(o.kartraSubscriptionId)));
  if (people.some((p) => text(p.kartraLeadId) === '')) differ('sandbox: a person without kartraLeadId');
  if (companies.some((c) => text(c.kartraCompanyKey) === '')) differ('sandbox: a company without kartraCompanyKey');

  const without = (keys: Iterable<string>, out: Set<string>): string[] => [...keys].filter((k) => !out.has(k));
  const detail = expected.leads.people_detail;
  if (detail) sameSet('sandbox people (kartraLeadId) vs expected.json', without(detail.map((d) => d.kartraLeadId), refusedOf('people')), people.map((p) => text(p.kartraLeadId)));
  else if (people.length !== expected.leads.people - refusedOf('people').size) differ(`sandbox: ${people.length} people, expected ${expected.leads.people - refusedOf('people').size}`);
  const refusedCompanyKeys = refusedOf('companies');
  const companyNameByKey = new Map<string, string>();
  for (const [phaseKey, record] of sent) if (phaseKey.startsWith('companies|')) companyNameByKey.set(phaseKey.slice('companies|'.length), text(record.name));
  const refusedOracleKeys = new Set([...refusedCompanyKeys].map((k) => oracleCompanyKey(companyNameByKey.get(k) ?? k)));
  sameSet('sandbox companies (by name) vs expected.json', without(expected.companies.names.map(oracleCompanyKey), refusedOracleKeys), companies.map((c) => oracleCompanyKey(text(c.name))));

  const inspection = await inspectExports([input.exportsDir]);
  const comparison = await compareWithExpected(sandbox, input.client, { exportsDir: input.exportsDir, inspection, mapping: input.mapping, expected });
  const refusedTx = refusedOf('transactions');
  const refusedSubs = refusedOf('subscriptions');
  sameSet('transactions missing from the sandbox vs the refused ones', refusedTx, comparison.transactionKeys.missing);
  sameSet('subscriptions missing from the sandbox vs the refused ones', refusedSubs, comparison.subscriptionKeys.missing);
  if (comparison.transactionKeys.unexpected.length > 0) differ(`sandbox: transactions the export does not have: ${comparison.transactionKeys.unexpected.slice(0, 3).join(', ')}`);
  if (comparison.subscriptionKeys.unexpected.length > 0) differ(`sandbox: subscriptions the export does not have: ${comparison.subscriptionKeys.unexpected.slice(0, 3).join(', ')}`);
  const refusedPeople = refusedOf('people');
  const identity = comparison.identity.filter((m) => !refusedPeople.has(m.split(':')[0]!));
  if (identity.length > 0) differ(`sandbox people: ${identity.length} with another email or name than expected.json, e.g. ${identity[0]}`);
  // Links: each person to their company (unless the company was refused), each opportunity to its lead or buyer.
  const companyLinks = comparison.companyLinks.filter((m) => {
    const name = /: expected "(.*)", linked to /.exec(m)?.[1];
    return name === undefined || !refusedOracleKeys.has(oracleCompanyKey(name));
  });
  if (companyLinks.length > 0) differ(`sandbox people: ${companyLinks.length} not linked to their company, e.g. ${companyLinks[0]}`);
  if (comparison.contactLinks.length > 0) differ(`sandbox opportunities: ${comparison.contactLinks.length} linked to the wrong person, e.g. ${comparison.contactLinks[0]}`);

  // Net revenue and the subscriptions' stages, the refused opportunities' share added back from what was sent.
  let refusedMicros = new Decimal(0);
  for (const key of refusedTx) refusedMicros = refusedMicros.plus(String((sent.get(`transactions|${key}`)?.revenue as { amountMicros?: unknown } | undefined)?.amountMicros ?? 0));
  const netRevenue = new Decimal(comparison.netRevenue.actual).plus(refusedMicros.div(1_000_000)).toFixed(2);
  if (netRevenue !== expected.transactions.netRevenue) differ(`net revenue: ${netRevenue} (stored ${comparison.netRevenue.actual}), expected ${expected.transactions.netRevenue}`);
  const processorIds = new Set(expected.subscriptions.idMismatches.map((x) => x.subscriptionId));
  const stages = [...comparison.stages].filter(([id]) => !processorIds.has(id) && !refusedSubs.has(id));
  if (stages.length > 0) differ(`subscription stages: ${stages.length} not as their last event says, e.g. ${stages[0]![0]}: expected ${stages[0]![1].expected}, got ${stages[0]![1].actual}`);
  if (comparison.oracleActive !== expected.subscriptions.activeByLastEvent) differ(`active subscriptions: the oracle finds ${comparison.oracleActive}, expected.json says ${expected.subscriptions.activeByLastEvent}`);
}

/** One row of the table. */
export const TABLE_HEADER = ['run', 'profile', 'faults configured', 'injected', 'written', 'retries', '429s', 'duration', 'outcome'];

export function tableRow(r: RunResult): string[] {
  const injected = Object.entries(r.injected).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ');
  return [
    `${r.run} ${r.name}`,
    r.profile,
    r.faultsConfigured,
    `${r.faultsInjected}${injected ? ` (${injected})` : ''}`,
    String(r.written),
    String(r.retries),
    String(r.rateLimited),
    `${(r.durationMs / 1000).toFixed(1)} s`,
    r.passed ? `pass${r.outage ? ` (${r.outage})` : ''}` : `FAIL: ${r.differences[0]}`,
  ];
}

export function formatRow(r: RunResult): string {
  return tableRow(r).join(' | ');
}

/** The table and the totals, as `npm run soak` prints them. */
export function formatSummary(summary: SoakSummary): string {
  const rows = [TABLE_HEADER, ...summary.runs.map(tableRow)];
  const widths = TABLE_HEADER.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  const out = [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line), ''];
  out.push(`${summary.runs.length} runs, ${summary.faultsInjected} faults injected, ${summary.passed} passed, ${summary.failed} failed, in ${(summary.durationMs / 1000).toFixed(1)} s`);
  out.push(`fake ANTHROPIC_API_KEY sent with ${summary.llm.withKey} of ${summary.llm.requests} rerank requests (to the soak's fake Claude), found nowhere else`);
  for (const r of summary.runs.filter((x) => x.stopped)) out.push(`run ${r.run} (${r.name}) stopped with status.json ${r.stopped!.state}: ${r.stopped!.error}`);
  for (const r of summary.runs.filter((x) => !x.passed)) out.push(`run ${r.run} (${r.name}, ${r.profile}, seed ${r.seed}): ${r.differences.join('; ')}`);
  return out.join('\n');
}
