/**
 * The migration engine at scale (issue 5), two figures:
 * 1. Dry-run: a messy generated set of 100,000 leads with its transactions and subscriptions, inspected, mapped and
 *    dry-run against an empty sandbox without a rate limit. Rows per second and the peak RSS of the process doing it
 *    (target < 500 MB). A dry-run writes nothing but still reads Twenty to match existing records, batch by batch.
 * 2. Import: a full import of the same set into a sandbox under Twenty's rate limit (100 calls per second and 100 per
 *    minute), at Twenty's real pace, as records written per second over the sustained ceiling (calls per second the
 *    long bucket allows × 200 records per call; target ≥ 0.95) and over the run's allowance (its initial full bucket
 *    included, bench/ceiling.ts), with the calls spent reading (matching) against those spent writing, since every
 *    read is a call that carries no record. About 25 minutes for 100,000 leads.
 * Each run happens in a child process (bench/migrate-one.mjs over the bench's own build) so its peak memory is its
 * own; the sandbox runs here, as Twenty would run elsewhere.
 *   npm run bench:migrate                                   (100,000 leads dry-run and imported)
 *   npm run bench:migrate -- --quick                        (10,000 leads dry-run, 3,000 imported)
 *   npm run bench:migrate -- --leads 126000 --import-leads 20000 [--scale 10] [--cpu-prof]
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { generateSamples } from '../src/samples/generate.js';
import { startSandbox, type SandboxHandle } from '../src/sandbox/index.js';
import { runAllowance, sustainedCeiling } from './ceiling.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    leads: { type: 'string' },
    'import-leads': { type: 'string' },
    scale: { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
  },
});
const count = (flag: 'leads' | 'import-leads' | 'scale', fallback: number): number => {
  const raw = args[flag];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${flag} takes a whole number ≥ 1, not "${raw}"`);
  return n;
};
const dryRunLeads = count('leads', args.quick ? 10_000 : 100_000);
const importLeads = count('import-leads', args.quick ? 3_000 : 100_000);

/**
 * `--scale 10` runs the import 10x faster than Twenty allows: short, but it gives the engine's own computing 10x its
 * real weight against the calls it waits for (on 2 cores shared with the sandbox, the engine's CPU then sets the pace).
 */
const SCALE = count('scale', 1);
const SHORT = { limit: 100, windowMs: 1_000 / SCALE };
const LONG = { limit: 100, windowMs: 60_000 / SCALE };
/** Twenty 2.x's batch maximum (the sandbox's v2 profile): the ceiling is what full batches could reach. */
const BATCH_MAX = 200;
const CEILING = sustainedCeiling(LONG, BATCH_MAX);
const RSS_TARGET_MB = 500;
/** The sandbox object a phase writes, where it is not the phase's own name. */
const PLURAL_OF_PHASE: Record<string, string> = { transactions: 'opportunities', subscriptions: 'opportunities' };
const outRoot = join(import.meta.dirname, 'out');

/** The engine's phases (companies, people, transactions, subscriptions, and any it gains), by name. */
type Phase = string;
type Counts = Record<'created' | 'updated' | 'unchanged' | 'skipped' | 'failed', number>;
interface ChildResult {
  stage: string;
  rows: Record<string, number>;
  schemaChanges: number;
  counts: Record<Phase, Counts>;
  companies?: number;
  problemCount: number;
  cancelled: boolean;
  importCalls: number;
  serverTime: Record<string, { calls: number; seconds: number }>;
  client: { calls: number; retries: number; rateLimited: number; batchMax: number; intervalMs: number; baseIntervalMs: number };
  steps: { name: string; seconds: number; cpuSeconds: number; peakRssMb: number }[];
  peakRssMb: number;
}

/** The same messy set for the same size on every run: generated once under bench/out. */
async function samples(leads: number): Promise<string> {
  const dir = join(outRoot, `migrate-${leads}`);
  if (!existsSync(join(dir, 'expected.json'))) {
    await mkdir(dir, { recursive: true });
    process.stderr.write(`generating ${fmt(leads)} messy leads with their transactions in ${dir}...\n`);
    await generateSamples({ outDir: dir, leads, seed: 1, messy: true });
  }
  return dir;
}

async function runChild(stage: 'dry-run' | 'full', exportsDir: string, sandbox: SandboxHandle, buckets: unknown[]): Promise<ChildResult> {
  const profiling = args['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', join(outRoot, 'profiles')] : [];
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...profiling, join(import.meta.dirname, 'migrate-one.mjs'), stage, exportsDir, sandbox.url, JSON.stringify(buckets)],
    { encoding: 'utf8', maxBuffer: 1 << 24, env: { ...process.env, BENCH_TWENTY_API_KEY: sandbox.apiKey } },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildResult;
}

/** Sandbox calls on record routes: reads (GET, matching and lookups) and writes (the rest); metadata apart. */
function calls(sandbox: SandboxHandle): { reads: number; writes: number; metadata: number; rateLimited: number; byRoute: Record<string, number> } {
  const { calls: byRoute, rateLimited } = sandbox.stats();
  let reads = 0;
  let writes = 0;
  let metadata = 0;
  for (const [route, n] of Object.entries(byRoute)) {
    if (route.includes('/rest/metadata/')) metadata += n;
    else if (route.startsWith('GET ')) reads += n;
    else writes += n;
  }
  return { reads, writes, metadata, rateLimited, byRoute };
}

const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const sum = (counts: Record<Phase, Counts>, pick: (c: Counts) => number): number => Object.values(counts).reduce((n, c) => n + pick(c), 0);
const stepOf = (r: ChildResult, name: string) => r.steps.find((s) => s.name === name)!;

/**
 * Where the import step's wall time went. The engine makes one call at a time, so its wall time is about the sum of
 * the calls' time with the server, its own CPU time, and the rest: waits for a slot under the rate limit and for the
 * journal's fsyncs.
 */
function timeSplit(r: ChildResult, stage: string): string {
  const { seconds, cpuSeconds } = stepOf(r, stage);
  const server = Object.values(r.serverTime).reduce((n, t) => n + t.seconds, 0);
  const routes = Object.entries(r.serverTime)
    .sort(([, a], [, b]) => b.seconds - a.seconds)
    .map(([route, t]) => `${route} ${fmt(t.calls)} × ${fmt((1e3 * t.seconds) / t.calls, 1)} ms`)
    .join('; ');
  // CPU time counts every thread (the garbage collector's too), so it can exceed the share of wall time it took.
  const rest = Math.max(0, seconds - server - cpuSeconds);
  return `Where the ${fmt(seconds, 1)} s went: ${fmt(server, 1)} s with the server (${routes}), ${fmt(cpuSeconds, 1)} s engine CPU (all threads), ${fmt(rest, 1)} s other waits (rate-limit slots, journal fsyncs).`;
}

function countsTable(r: ChildResult): void {
  console.log('| records (from) | create | update | unchanged | skip | fail |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const [phase, c] of Object.entries(r.counts)) console.log(`| ${phase} | ${fmt(c.created)} | ${fmt(c.updated)} | ${fmt(c.unchanged)} | ${fmt(c.skipped)} | ${fmt(c.failed)} |`);
}

async function dryRun(): Promise<void> {
  const dir = await samples(dryRunLeads);
  const sandbox = await startSandbox({ profile: 'v2', rateLimit: false, persistDelayMs: 1_000 });
  let r: ChildResult;
  let used: ReturnType<typeof calls>;
  try {
    r = await runChild('dry-run', dir, sandbox, []);
    used = calls(sandbox);
  } finally {
    await sandbox.close();
  }
  if (r.cancelled) throw new Error('the dry-run stopped before the end');
  const rows = Object.values(r.rows).reduce((a, b) => a + b, 0);
  const run = stepOf(r, 'dry-run');
  const all = r.steps.reduce((n, s) => n + s.seconds, 0);
  console.log(`## Dry-run: ${fmt(dryRunLeads)} leads requested, empty sandbox without rate limit`);
  console.log(`Source rows: ${Object.entries(r.rows).map(([kind, n]) => `${fmt(n)} ${kind}`).join(', ')} = ${fmt(rows)} (${fmt(r.rows.transactions! / r.rows.leads!, 2)} transactions per lead row).`);
  console.log('| step | time | CPU | rows/s | peak RSS so far |');
  console.log('|---|---:|---:|---:|---:|');
  for (const s of r.steps) {
    const rate = s.name === 'inspect' || s.name === 'dry-run' ? fmt(rows / s.seconds) : '';
    console.log(`| ${s.name} | ${fmt(s.seconds, 1)} s | ${fmt(s.cpuSeconds, 1)} s | ${rate} | ${fmt(s.peakRssMb)} MB |`);
  }
  console.log(`| **all steps** | ${fmt(all, 1)} s | | ${fmt(rows / all)} | **${fmt(r.peakRssMb)} MB** (target < ${RSS_TARGET_MB} MB: ${r.peakRssMb < RSS_TARGET_MB ? 'met' : 'MISSED'}) |`);
  console.log(
    `Dry-run alone: **${fmt(rows / run.seconds)} rows/s**. Its calls: ${fmt(used.reads)} record reads (matching), ${fmt(used.writes)} record writes, ${fmt(r.importCalls - used.reads - used.writes)} metadata; before it, ${r.schemaChanges} schema changes applied. ${fmt(r.problemCount)} cells not converted.`,
  );
  console.log(timeSplit(r, 'dry-run'));
  countsTable(r);
}

async function fullImport(): Promise<void> {
  const dir = await samples(importLeads);
  const sandbox = await startSandbox({
    profile: 'v2',
    persistDelayMs: 1_000,
    rateLimit: { shortLimit: SHORT.limit, shortWindowMs: SHORT.windowMs, longLimit: LONG.limit, longWindowMs: LONG.windowMs },
  });
  let r: ChildResult;
  let used: ReturnType<typeof calls>;
  try {
    r = await runChild('full', dir, sandbox, [SHORT, LONG]);
    used = calls(sandbox);
    // A benchmark that lost records would flatter itself: what the sandbox holds must be what the engine says it created.
    const created = new Map<string, number>();
    for (const [phase, c] of Object.entries(r.counts)) created.set(PLURAL_OF_PHASE[phase] ?? phase, (created.get(PLURAL_OF_PHASE[phase] ?? phase) ?? 0) + c.created);
    for (const [plural, n] of created) {
      const held = sandbox.records(plural).filter((x) => x.deletedAt === null || x.deletedAt === undefined).length;
      if (held !== n) throw new Error(`${plural}: the engine created ${n}, the sandbox holds ${held}`);
    }
  } finally {
    await sandbox.close();
  }
  if (r.cancelled) throw new Error('the import stopped before the end');
  const written = sum(r.counts, (c) => c.created + c.updated);
  const seconds = stepOf(r, 'full').seconds;
  const rate = written / seconds;
  const recordCalls = used.reads + used.writes;
  const importMetadata = r.importCalls - recordCalls;
  const cpu = stepOf(r, 'full').cpuSeconds;
  const pace = SCALE === 1 ? "at Twenty's real pace" : `under Twenty's limits scaled down ${SCALE}x in time`;
  console.log(`## Full import: ${fmt(importLeads)} leads requested, sandbox ${pace}`);
  console.log(`Buckets: ${SHORT.limit} calls / ${SHORT.windowMs} ms and ${LONG.limit} calls / ${LONG.windowMs} ms. Sustained ceiling: ${LONG.limit} calls × ${BATCH_MAX} records ÷ ${LONG.windowMs / 1_000} s = ${fmt(CEILING)} records/s; this run's allowance (its full buckets at the start included): ${fmt(runAllowance([SHORT, LONG], BATCH_MAX, seconds))} records/s.`);
  console.log('| records written | time | engine CPU | records/s | fraction of the sustained ceiling (target ≥ 0.95) | fraction of the run\'s allowance | record reads (matching) | record writes | metadata calls | records per write | 429s | peak RSS |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  console.log(
    `| ${fmt(written)} | ${fmt(seconds, 1)} s | ${fmt(cpu, 1)} s | ${fmt(rate)} | **${fmt(rate / CEILING, 3)}** | ${fmt(rate / runAllowance([SHORT, LONG], BATCH_MAX, seconds), 3)} | ${fmt(used.reads)} | ${fmt(used.writes)} | ${fmt(importMetadata)} | ${fmt(written / used.writes, 1)} | ${fmt(used.rateLimited)} | ${fmt(r.peakRssMb)} MB |`,
  );
  // What the calls allowed could carry at best: reads carry nothing, so the fraction is bounded by the share of writes.
  console.log(
    `Record calls: ${fmt(recordCalls)}, of which ${fmt((100 * used.reads) / recordCalls, 1)} % reads. With these calls, full ${BATCH_MAX}-record writes at the ceiling's pace would reach ${fmt(used.writes / recordCalls, 3)} of it; the import's ${fmt(r.importCalls)} calls (metadata included) ran at ${fmt(r.importCalls / seconds / (LONG.limit / (LONG.windowMs / 1_000)), 3)} of the calls per second allowed.`,
  );
  console.log(timeSplit(r, 'full'));
  console.log(`Before the import, ${r.schemaChanges} schema changes took ${fmt(stepOf(r, 'schema').seconds, 1)} s (${fmt(used.metadata - importMetadata)} metadata calls; not counted above).`);
  console.log(`Calls by route, schema step included: ${Object.entries(used.byRoute).sort(([, a], [, b]) => b - a).map(([route, n]) => `${route} ${fmt(n)}`).join('; ')}.`);
  countsTable(r);
}

console.log(`# Migration benchmark — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / 2 ** 30)} GB${args.quick ? ' (quick)' : ''}`);
await dryRun();
console.log('');
await fullImport();
