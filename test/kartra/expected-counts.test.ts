import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FINDING_CODES, type FindingCode } from '../../src/kartra/findings.js';
import { inspectExports, type Dataset, type Inspection } from '../../src/kartra/inspect.js';
import { ExpectedSchema, type Expected } from '../../src/samples/expected.js';
import { generateSamples, type GenerateOptions } from '../../src/samples/generate.js';

/**
 * The reader against the generator's ground truth: every count in expected.json, reached by reading the files.
 * The generator knows what it wrote; the reader only sees bytes. Agreement on both is the point of the pair.
 */
function dataset(inspection: Inspection, kind: Dataset['kind']): Dataset {
  const found = inspection.datasets.find((d) => d.kind === kind);
  if (!found) throw new Error(`no ${kind} dataset in ${JSON.stringify(inspection.datasets.map((d) => d.kind))}`);
  return found;
}

function allCodes(counts: Partial<Record<FindingCode, number>>): Record<FindingCode, number> {
  return Object.fromEntries(Object.keys(FINDING_CODES).map((code) => [code, counts[code as FindingCode] ?? 0])) as Record<FindingCode, number>;
}

function expectAgreement(inspection: Inspection, expected: Expected): void {
  expect(inspection.failures).toEqual([]);
  const leads = dataset(inspection, 'leads');
  expect(leads.files.sort()).toEqual([...expected.files.leads].sort());
  expect(leads.rows).toBe(expected.leads.rows);
  expect(leads.uniqueRows).toBe(expected.leads.people);
  expect(leads.rejectedRows).toBe(expected.leads.rejects.length);
  expect(leads.duplicates).toEqual(
    expect.arrayContaining(expected.leads.duplicates.map((d) => expect.objectContaining(d))),
  );
  expect(leads.duplicates).toHaveLength(expected.leads.duplicates.length);
  expect(allCodes(leads.findingCounts)).toEqual(expected.leads.findings);

  const transactions = dataset(inspection, 'transactions');
  expect(transactions.rows).toBe(expected.transactions.rows);
  expect(transactions.uniqueRows).toBe(expected.transactions.distinctRows);
  expect(allCodes(transactions.findingCounts)).toEqual(expected.transactions.findings);

  const subscriptions = dataset(inspection, 'subscriptions');
  expect(subscriptions.rows).toBe(expected.subscriptions.rows);
  expect(allCodes(subscriptions.findingCounts)).toEqual(expected.subscriptions.findings);

  const rejectLines = new Set(expected.leads.rejects.map((r) => `${r.file}:${r.line}:${r.reason}`));
  for (const file of inspection.files.filter((f) => f.kind.kind === 'leads')) {
    for (const f of file.findings.filter((x) => ['missing_email', 'invalid_email', 'ragged_row'].includes(x.code))) {
      for (const line of f.exampleLines) expect(rejectLines).toContain(`${file.name}:${line}:${f.code}`);
    }
  }
}

function readExpected(dir: string): Expected {
  return ExpectedSchema.parse(JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')));
}

describe('the reader reaches every count in expected.json', () => {
  for (const fixture of ['clean', 'messy']) {
    it(`on the committed ${fixture} sample set`, async () => {
      const dir = join('fixtures', 'samples', fixture);
      expectAgreement(await inspectExports([dir]), readExpected(dir));
    });
  }

  const generated: Array<[string, Omit<GenerateOptions, 'outDir'>]> = [
    ['messy, label-style headers', { leads: 400, seed: 23, messy: true, headerStyle: 'label' }],
    ['messy, mixed headers, 30 custom fields (over Kartra\'s 55 columns)', { leads: 250, seed: 5, messy: true, headerStyle: 'mixed', customFields: 30 }],
    ['clean, 1,500 leads', { leads: 1500, seed: 99 }],
  ];
  for (const [name, options] of generated) {
    it(`on a freshly generated set: ${name}`, async () => {
      const outDir = mkdtempSync(join(tmpdir(), 'expected-counts-'));
      const { expected } = await generateSamples({ outDir, ...options });
      expectAgreement(await inspectExports([outDir]), expected);
    });
  }

  it('through the CLI: kartra-twenty inspect --json on a generated set', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'expected-counts-cli-'));
    const { expected } = await generateSamples({ outDir, leads: 300, seed: 3, messy: true });
    const run = spawnSync(process.execPath, ['dist/cli/main.js', 'inspect', '--json', outDir], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expectAgreement(JSON.parse(run.stdout) as Inspection, expected);
  });
});
