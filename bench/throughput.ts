/**
 * Import throughput against Twenty's rate limit (issue 3): 100,000 people pushed into the sandbox under the same
 * calls-per-window shape as Twenty's defaults (100 per second and 100 per minute), scaled down in time by 10 so the
 * run takes a minute, not ten. Prints records per second as a fraction of the sustained ceiling (long limit × batch
 * size ÷ long window) and of the run's allowance (its initial full bucket included, bench/ceiling.ts), and the 429s
 * met; then the same for the batching of Twenty's own importer (200 a call, one call at a time, no pacing) and for a
 * naive client that sends one record per request.
 *   npm run bench:throughput
 */
import { cpus } from 'node:os';
import { request } from 'undici';
import { startSandbox } from '../src/sandbox/index.js';
import { createTwentyClient } from '../src/twenty/index.js';
import { runAllowance, sustainedCeiling } from './ceiling.js';

const SCALE = 10;
const SHORT = { limit: 100, windowMs: 1_000 / SCALE };
const LONG = { limit: 100, windowMs: 60_000 / SCALE };
/** Twenty's batch maximum: the ceiling both clients are measured against is what full batches could reach. */
const BATCH_MAX = 200;
const CEILING = sustainedCeiling(LONG, BATCH_MAX);

interface Run {
  name: string;
  records: number;
  batch: number;
}

async function measure({ name, records, batch }: Run): Promise<string> {
  const sandbox = await startSandbox({
    profile: 'v2',
    persistDelayMs: 1_000,
    rateLimit: { shortLimit: SHORT.limit, shortWindowMs: SHORT.windowMs, longLimit: LONG.limit, longWindowMs: LONG.windowMs },
  });
  const client = createTwentyClient({ baseUrl: sandbox.url, apiKey: sandbox.apiKey, batchMax: batch, rateLimit: { buckets: [SHORT, LONG] } });
  await client.ensureField({ object: 'person', name: 'kartraLeadId', label: 'Kartra lead id', type: 'TEXT', isUnique: true });
  sandbox.resetStats();
  const people = Array.from({ length: records }, (_, i) => ({
    kartraLeadId: String(i),
    name: { firstName: `Lead${i}`, lastName: 'Bench' },
    emails: { primaryEmail: `lead${i}@bench.example.com`, additionalEmails: [] },
  }));
  const started = performance.now();
  const result = await client.upsertMany('people', people);
  const seconds = (performance.now() - started) / 1_000;
  const stored = sandbox.records('people').length;
  const limited = sandbox.stats().rateLimited;
  await client.close();
  await sandbox.close();
  if (result.rejected.length > 0 || stored !== records) throw new Error(`${name}: ${result.rejected.length} rejected, ${stored} stored of ${records}`);
  const rate = records / seconds;
  return `| ${name} | ${records.toLocaleString('en-US')} | ${batch} | ${seconds.toFixed(1)} s | ${Math.round(rate).toLocaleString('en-US')} | ${(rate / CEILING).toFixed(3)} | ${(rate / runAllowance([SHORT, LONG], BATCH_MAX, seconds)).toFixed(3)} | ${limited} |`;
}

/**
 * The batching of Twenty's own importer (200 records a call, one call at a time) without a scheduler: it sends as
 * soon as the previous call has answered and, refused with a 429, tries the same batch again after one second
 * (scaled like the limits). Raw HTTP, so nothing of this project's client helps it.
 */
async function measureOneAtATime(records: number): Promise<string> {
  const sandbox = await startSandbox({
    profile: 'v2',
    persistDelayMs: 1_000,
    rateLimit: { shortLimit: SHORT.limit, shortWindowMs: SHORT.windowMs, longLimit: LONG.limit, longWindowMs: LONG.windowMs },
  });
  const setup = createTwentyClient({ baseUrl: sandbox.url, apiKey: sandbox.apiKey, rateLimit: { buckets: [SHORT, LONG] } });
  await setup.ensureField({ object: 'person', name: 'kartraLeadId', label: 'Kartra lead id', type: 'TEXT', isUnique: true });
  await setup.close();
  sandbox.resetStats();
  const started = performance.now();
  for (let from = 0; from < records; from += BATCH_MAX) {
    const body = JSON.stringify(
      Array.from({ length: Math.min(BATCH_MAX, records - from) }, (_, k) => ({
        kartraLeadId: String(from + k),
        name: { firstName: `Lead${from + k}`, lastName: 'Bench' },
        emails: { primaryEmail: `lead${from + k}@bench.example.com`, additionalEmails: [] },
      })),
    );
    for (;;) {
      const res = await request(`${sandbox.url}/rest/batch/people`, { method: 'POST', headers: { authorization: `Bearer ${sandbox.apiKey}`, 'content-type': 'application/json' }, body });
      await res.body.text();
      if (res.statusCode < 300) break;
      if (res.statusCode !== 429) throw new Error(`one call at a time: HTTP ${res.statusCode}`);
      await new Promise((resolve) => setTimeout(resolve, 1_000 / SCALE));
    }
  }
  const seconds = (performance.now() - started) / 1_000;
  const stored = sandbox.records('people').length;
  const limited = sandbox.stats().rateLimited;
  await sandbox.close();
  if (stored !== records) throw new Error(`one call at a time: ${stored} stored of ${records}`);
  const rate = records / seconds;
  return `| Twenty importer's batching: 200 a call, one at a time, retry after 1 s | ${records.toLocaleString('en-US')} | ${BATCH_MAX} | ${seconds.toFixed(1)} s | ${Math.round(rate).toLocaleString('en-US')} | ${(rate / CEILING).toFixed(3)} | ${(rate / runAllowance([SHORT, LONG], BATCH_MAX, seconds)).toFixed(3)} | ${limited} |`;
}

console.log(`# Throughput benchmark — node ${process.version}, ${cpus().length} CPUs; Twenty's limits scaled down ${SCALE}x in time`);
console.log(`Sandbox buckets: ${SHORT.limit} calls / ${SHORT.windowMs} ms and ${LONG.limit} calls / ${LONG.windowMs} ms.`);
console.log(`Ceiling: ${LONG.limit} calls × ${BATCH_MAX} records ÷ ${LONG.windowMs / 1_000} s = ${Math.round(CEILING).toLocaleString('en-US')} records/s.`);
console.log('| client | records | per call | time | records/s | fraction of the sustained ceiling (target ≥ 0.95) | fraction of the run\'s allowance | 429s |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
console.log(await measure({ name: 'this client, batches of 200', records: 100_000, batch: BATCH_MAX }));
console.log(await measureOneAtATime(100_000));
// One record per call: at 100 calls a (scaled) minute, 20,000 records would take 20 minutes; 300 show the rate.
console.log(await measure({ name: 'naive: one record per request', records: 300, batch: 1 }));
