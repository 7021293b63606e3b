/**
 * The soak: full migrations of generated messy exports through the real client and engine, each into a fresh
 * sandbox under one fault configuration (none, 500s, hanging requests, writes applied but never answered, 429
 * storms, invalid records, added latency, all at once, and the sandbox stopped mid-import and started again), each
 * checked against expected.json and against the sandbox's stored records, with neither API key anywhere. Prints a
 * row per run and the totals; exits 1 when any run failed. The checks are in test/helpers/soak.ts.
 *
 *   npm run soak                          the long version: 400 leads, a 30 s outage (about 4 minutes)
 *   npm run soak -- --quick               the short one CI runs (test/soak/soak.test.ts): 40 leads, a 3 s outage (35 s)
 *   npm run soak -- --runs 30 --leads 1000 --seed 7 [--outage 45] [--batch 50] [--parallel 3] [--keep]
 */
import { parseArgs } from 'node:util';
import { formatSummary, QUICK_TIMEOUT_MS, runSoak, SOAK_TIMEOUT_MS, soakMatrix, TABLE_HEADER } from '../test/helpers/soak.js';

const USAGE = 'npm run soak -- [--quick] [--runs N] [--leads N] [--seed N] [--outage SECONDS] [--batch N] [--parallel N] [--keep]';

function wholeNumber(flag: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) {
    process.stderr.write(`soak: --${flag} takes a whole number ≥ ${min}, not "${raw}"\n${USAGE}\n`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        quick: { type: 'boolean', default: false },
        runs: { type: 'string' },
        leads: { type: 'string' },
        seed: { type: 'string' },
        outage: { type: 'string' },
        batch: { type: 'string' },
        parallel: { type: 'string' },
        keep: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    process.stderr.write(`soak: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const quick = values.quick === true;
  const outageSeconds = wholeNumber('outage', values.outage, 1);
  const outageMs = outageSeconds === undefined ? (quick ? 3_000 : 30_000) : outageSeconds * 1000;
  const runs = wholeNumber('runs', values.runs, 1) ?? soakMatrix({ quick, outageMs }).length;
  const leads = wholeNumber('leads', values.leads, 1);
  const seed = wholeNumber('seed', values.seed, 0);
  const batchMax = wholeNumber('batch', values.batch, 1);
  const concurrency = wholeNumber('parallel', values.parallel, 1);
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  const timeoutMs = quick ? QUICK_TIMEOUT_MS : SOAK_TIMEOUT_MS;
  out(
    `soak (${quick ? 'quick' : 'long'}): ${runs} runs${concurrency ? `, ${concurrency} at a time` : ''}, ${leads ?? (quick ? 40 : 400)} leads, seed ${seed ?? 1}, ` +
      `outage ${outageMs / 1000} s; client timeout ${timeoutMs / 1000} s, rate limit 100 calls/s`,
  );
  out(TABLE_HEADER.join(' | '));
  const summary = await runSoak({
    quick,
    runs,
    outageMs,
    keep: values.keep === true,
    ...(leads === undefined ? {} : { leads }),
    ...(seed === undefined ? {} : { seed }),
    ...(batchMax === undefined ? {} : { batchMax }),
    ...(concurrency === undefined ? {} : { concurrency }),
    log: out,
  });
  out('');
  out(formatSummary(summary));
  return summary.failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`soak: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
