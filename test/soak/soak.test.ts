/**
 * The soak's short version (issue 6, "Faults"), as CI runs it: the quick matrix of test/helpers/soak.ts (each fault
 * alone, all at once, and the sandbox stopped for 3 s mid-import, once ridden out by the client's retries and once
 * beyond them, stopping the job and resuming it) on 40 generated messy leads, every run checked against expected.json,
 * against the sandbox's stored records and for either API key in anything the run wrote. `npm run soak` is the long one.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSamples } from '../../src/samples/generate.js';
import type { Expected } from '../../src/samples/expected.js';
import { formatSummary, runSoak, soakMatrix, soakRun, type SoakSummary } from '../helpers/soak.js';

let root: string;
let summary: SoakSummary;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'soak-test-'));
  summary = await runSoak({ quick: true, concurrency: 2, root: join(root, 'quick') });
}, 120_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('the quick soak', () => {
  it('runs every fault type of the matrix once, and every run passes its checks', () => {
    const table = formatSummary(summary);
    expect(summary.runs.map((r) => r.name)).toEqual(soakMatrix({ quick: true, outageMs: 3_000 }).map((c) => c.name));
    expect(summary.runs.filter((r) => !r.passed).map((r) => `${r.run} ${r.name}: ${r.differences.join('; ')}`), table).toEqual([]);
    expect(summary.failed).toBe(0);
    expect(table).toMatch(/^10 runs, \d+ faults injected, 10 passed, 0 failed, in [\d.]+ s$/m);
  });

  it('used the fake ANTHROPIC_API_KEY (the mapping\'s rerank sent it to the fake Claude), and found it nowhere else', () => {
    expect(summary.llm.requests).toBeGreaterThanOrEqual(summary.runs.length);
    expect(summary.llm.withKey).toBe(summary.llm.requests);
    expect(summary.runs.flatMap((r) => r.differences).filter((d) => /API_KEY|API key/.test(d))).toEqual([]);
  });

  it('injected each fault it configured, and the runs show it in their figures', () => {
    const by = new Map(summary.runs.map((r) => [r.name, r]));
    expect(by.get('baseline')).toMatchObject({ faultsInjected: 0, retries: 0 });
    expect(by.get('500s')!.injected.error500).toBeGreaterThan(0);
    expect(by.get('500s')!.retries).toBeGreaterThanOrEqual(by.get('500s')!.injected.error500!);
    expect(by.get('hangs')!.injected.hang).toBeGreaterThan(0);
    expect(by.get('drops after apply')!.injected.dropAfterApply).toBeGreaterThan(0);
    expect(by.get('429 storms')!.injected.rateLimitStorm).toBeGreaterThan(0);
    expect(by.get('429 storms')!.rateLimited).toBeGreaterThanOrEqual(by.get('429 storms')!.injected.rateLimitStorm!);
    expect(by.get('invalid records')!.injected.invalidRecord).toBeGreaterThan(0);
    // the refused records are the only ones missing
    expect(by.get('invalid records')!.written).toBeLessThan(by.get('baseline')!.written);
    expect(by.get('latency')!.injected.latency).toBeGreaterThan(0);
    const everything = by.get('everything')!;
    for (const fault of ['error500', 'dropAfterApply', 'invalidRecord', 'latency']) expect(everything.injected[fault], fault).toBeGreaterThan(0);
    expect(by.get('outage (retries outlast it)')).toMatchObject({ outage: 'carried on', injected: { outage: 1 } });
    expect(by.get('outage (beyond the retries)')).toMatchObject({ outage: 'stopped, resumed', injected: { outage: 1 } });
    for (const r of summary.runs) expect(r.written, r.name).toBeGreaterThan(100);
  });

  it('fails a run whose result differs from expected.json or whose files hold a key, naming each difference (the checks bite)', async () => {
    const exportsDir = join(root, 'exports');
    const { expected } = await generateSamples({ outDir: exportsDir, leads: 40, seed: 2, messy: true });
    const wrong: Expected = structuredClone(expected);
    wrong.leads.people += 1;
    wrong.transactions.netRevenue = (Number(expected.transactions.netRevenue) + 1).toFixed(2);
    wrong.companies.names = expected.companies.names.slice(1);
    wrong.companies.count = wrong.companies.names.length;
    const result = await soakRun({
      run: 1,
      soakCase: { name: 'tampered', profile: 'v2', faults: {} },
      seed: 2,
      leads: 40,
      exportsDir,
      expected: wrong,
      root: join(root, 'tampered'),
      env: {},
      // a "key" every report holds: the scan of MIGRATION_HOME and of the run's outputs must find it
      anthropicKey: 'Kartra → Twenty migration',
      batchMax: 10,
      timeoutMs: 1_000,
    });
    expect(result.passed).toBe(false);
    const all = result.differences.join('\n');
    expect(all).toMatch(/reconciliation people: expected \{"created":\d+/);
    expect(all).toMatch(/net revenue: .* expected /);
    expect(all).toMatch(/sandbox companies \(by name\) vs expected\.json: 0 missing \(\), 1 unexpected/);
    expect(all).toMatch(/ANTHROPIC_API_KEY appears in file home\/m-[0-9a-f]{12}\/report\.md/);
    expect(all).toMatch(/ANTHROPIC_API_KEY appears in output #\d+/);
  }, 30_000);
});
