// One migration run in its own process, so its peak memory is the engine's alone (the sandbox it talks to runs in
// the parent, as Twenty would run elsewhere). Plain JavaScript over the bench's own build of the package
// (bench/out/dist, see the bench:migrate script), so no TypeScript loader sits in the measured process and a rebuild
// of dist/ during a run cannot change the engine between its two measurements. Steps: inspect the exports, propose the mapping against the workspace, apply
// its schema changes, then one stage of the import. Prints one JSON line: time and peak RSS after each step, the
// import's counts, the client's call figures and, for the import step alone, its calls (importCalls) and the time
// they spent with the server (serverTime, by route).
//   node bench/migrate-one.mjs dry-run|full EXPORTS_DIR URL BUCKETS_JSON   (API key in BENCH_TWENTY_API_KEY)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { inspectExports } from './out/dist/kartra/inspect.js';
import { buildMapping } from './out/dist/mapping/build.js';
import { runImport } from './out/dist/migration/engine.js';
import { applySchemaChanges, planSchemaChanges } from './out/dist/migration/schema-changes.js';
import { createTwentyClient } from './out/dist/twenty/index.js';

const [stage, exportsDir, baseUrl, bucketsJson] = process.argv.slice(2);
const apiKey = process.env.BENCH_TWENTY_API_KEY;
if ((stage !== 'dry-run' && stage !== 'full') || !exportsDir || !baseUrl || !bucketsJson || !apiKey) {
  throw new Error('usage: BENCH_TWENTY_API_KEY=… migrate-one.mjs dry-run|full EXPORTS_DIR URL BUCKETS_JSON');
}
const buckets = JSON.parse(bucketsJson);

/**
 * The time each call spends with the server (from dispatch to the end of its answer, so the scheduler's wait is not
 * in it), per method and route, for telling the engine's own time from the server's and the rate limit's. The agent
 * is configured as the client's own would be.
 */
const serverTime = {};
const timing = (dispatch) => (opts, handler) => {
  const started = performance.now();
  const route = `${opts.method} ${String(opts.path).split('?')[0].replace(/\/[0-9a-f-]{36}$/, '/{id}')}`;
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    const t = (serverTime[route] ??= { calls: 0, seconds: 0 });
    t.calls += 1;
    t.seconds += (performance.now() - started) / 1e3;
  };
  const ends = new Set(['onComplete', 'onResponseEnd', 'onError', 'onResponseError']);
  const wrapped = new Proxy(handler, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (!ends.has(prop)) return value.bind(target);
      return (...a) => {
        finish();
        return value.apply(target, a);
      };
    },
  });
  return dispatch(opts, wrapped);
};
const agent = new Agent({ keepAliveTimeout: 10_000, connections: 32 });
// Without a rate limit to respect, the scheduler must not space calls at all: the dry-run measures the engine.
const unlimited = buckets.length === 0;
const client = createTwentyClient({
  baseUrl,
  apiKey,
  dispatcher: agent.compose(timing),
  rateLimit: unlimited ? { buckets: [{ limit: 1_000_000, windowMs: 1_000 }], safetyMargin: 0 } : { buckets },
});

const peakRssMb = () => process.resourceUsage().maxRSS / 1024;
const steps = [];
let last = process.hrtime.bigint();
let lastCpu = process.cpuUsage();
// CPU time beside wall time: under a rate limit, what the engine spends computing is time the calls wait for it.
const step = (name) => {
  const now = process.hrtime.bigint();
  const cpu = process.cpuUsage(lastCpu);
  steps.push({ name, seconds: Number(now - last) / 1e9, cpuSeconds: (cpu.user + cpu.system) / 1e6, peakRssMb: peakRssMb() });
  last = now;
  lastCpu = process.cpuUsage();
};

const dir = await mkdtemp(join(tmpdir(), 'bench-migrate-'));
try {
  const inspection = await inspectExports([exportsDir]);
  step('inspect');
  const mapping = buildMapping({ migrationId: 'm-bench0000000', inspection, schema: await client.schema({ refresh: true }), mode: 'rehearsal' });
  step('mapping');
  const changes = planSchemaChanges(mapping, await client.schema({ refresh: true }));
  await applySchemaChanges(client, changes);
  step('schema');
  const callsBefore = client.stats().calls;
  for (const key of Object.keys(serverTime)) delete serverTime[key];
  const result = await runImport({ dir, inspection, mapping, client, policy: 'fill-empty', stage });
  step(stage);
  const stats = client.stats();
  const rows = Object.fromEntries(inspection.datasets.map((d) => [d.kind, d.rows]));
  process.stdout.write(
    `${JSON.stringify({
      stage,
      rows,
      schemaChanges: changes.length,
      counts: result.counts,
      companies: result.companies,
      problemCount: result.problemCount,
      cancelled: result.cancelled,
      importCalls: stats.calls - callsBefore,
      serverTime,
      client: stats,
      steps,
      peakRssMb: peakRssMb(),
    })}\n`,
  );
} finally {
  await client.close();
  await agent.close();
  await rm(dir, { recursive: true, force: true });
}
