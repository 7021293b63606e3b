/**
 * The migration commands as a user runs them: the built CLI against the rehearsal sandbox (no TWENTY_API_URL), whose
 * data lives in MIGRATION_HOME, so one command's writes are there for the next one to read.
 *
 * The rehearsal sandbox and the client keep to Twenty's rate limit (one call every ~0.6 s), so these runs are few and
 * small: a generated set of 3 leads (2 companies, 14 opportunities), in a workspace whose custom fields were created
 * beforehand through the same data file (creating them through the CLI would cost ~75 calls). What the sandbox holds
 * is read from that data file between runs.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectExports } from '../../src/kartra/inspect.js';
import { buildMapping } from '../../src/mapping/build.js';
import { applySchemaChanges, planSchemaChanges } from '../../src/migration/schema-changes.js';
import { autoAcceptedOnly } from '../../src/migration/session.js';
import { migrationIdFor } from '../../src/migration/store.js';
import { generateSamples } from '../../src/samples/generate.js';
import { ExpectedSchema, type Expected } from '../../src/samples/expected.js';
import { startSandbox, type StoredRecord } from '../../src/sandbox/index.js';
import { createTwentyClient } from '../../src/twenty/index.js';
import { REPO_ROOT } from '../helpers/edge.js';
import { runCliAsync } from '../helpers/cli.js';

const SANDBOX_FILE = 'rehearsal-sandbox.json';

type Run = { status: number | null; stdout: string; stderr: string };

/** The built CLI with only PATH and MIGRATION_HOME (no TWENTY_API_URL: rehearsal). */
const run = (args: string[], home: string, timeoutMs = 110_000): Promise<Run> => runCliAsync(args, { MIGRATION_HOME: home }, timeoutMs);

const noStack = (r: Run): boolean => !/^\s+at /m.test(`${r.stdout}${r.stderr}`) && !`${r.stdout}${r.stderr}`.includes('internal error');
const lines = (text: string): string[] => text.split('\n').filter((l) => l.trim() !== '');

const temporary: string[] = [];
const tempDir = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporary.push(dir);
  return dir;
};

/** The records of the rehearsal sandbox in `home`, read from its data file (no CLI may be running on it). */
async function rehearsalRecords(home: string): Promise<Record<'people' | 'companies' | 'opportunities', StoredRecord[]>> {
  const sandbox = await startSandbox({ dataFile: join(home, SANDBOX_FILE), rateLimit: false });
  try {
    return { people: sandbox.records('people'), companies: sandbox.records('companies'), opportunities: sandbox.records('opportunities') };
  } finally {
    await sandbox.close();
  }
}

const count = (records: Awaited<ReturnType<typeof rehearsalRecords>>) => ({ people: records.people.length, companies: records.companies.length, opportunities: records.opportunities.length });

let exportsDir: string;
let expected: Expected;
let home: string;
let id: string;
let dir: string;

beforeAll(async () => {
  exportsDir = tempDir('kartra-cli-exports-');
  await generateSamples({ outDir: exportsDir, leads: 3, seed: 7 });
  expected = ExpectedSchema.parse(JSON.parse(readFileSync(join(exportsDir, 'expected.json'), 'utf8')));
  const inspection = await inspectExports([exportsDir]);
  id = migrationIdFor(inspection.files.map((f) => f.sha256));

  // The workspace of the rehearsal: the custom fields a headless migrate of these exports needs, made beforehand.
  home = tempDir('kartra-cli-home-');
  dir = join(home, id);
  const sandbox = await startSandbox({ dataFile: join(home, SANDBOX_FILE), rateLimit: false, persistDelayMs: 0 });
  const client = createTwentyClient({ baseUrl: sandbox.url, apiKey: sandbox.apiKey, rateLimit: { buckets: [{ limit: 100_000, windowMs: 1000 }], safetyMargin: 0 } });
  try {
    const mapping = autoAcceptedOnly(buildMapping({ migrationId: id, inspection, schema: await client.schema({ refresh: true }), mode: 'rehearsal' }));
    await applySchemaChanges(client, planSchemaChanges(mapping, await client.schema({ refresh: true })));
  } finally {
    await client.close();
    await sandbox.close();
  }
}, 60_000);

afterAll(() => {
  for (const d of temporary) rmSync(d, { recursive: true, force: true });
});

describe('kartra-twenty preview, import, migrate, status, report and rollback', () => {
  it('import --stage sample without --yes prints the preview, exits 2 and writes nothing', async () => {
    const result = await run(['import', exportsDir, '--stage', 'sample'], home);
    expect(result.status).toBe(2);
    expect(noStack(result)).toBe(true);
    expect(result.stdout).toMatch(/^Twenty: rehearsal on the local sandbox/);
    expect(result.stdout).toContain('Dry-run (nothing written):');
    expect(result.stdout).toMatch(new RegExp(`^\\s*people\\s+${expected.leads.people}\\s+0\\s+0\\s+0\\s+0\\s*$`, 'm'));
    expect(result.stderr).toContain('Nothing was written. To import, run the same command with --yes.');
    expect(existsSync(join(dir, 'journal.jsonl'))).toBe(false);
    expect(existsSync(join(dir, 'status.json'))).toBe(false);
    expect(count(await rehearsalRecords(home))).toEqual({ people: 0, companies: 0, opportunities: 0 });
  }, 120_000);

  it('preview prints the schema changes and the dry-run counts, and writes nothing', async () => {
    const result = await run(['preview', exportsDir], home);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`Migration ${id}, mapping version 1`);
    expect(result.stdout).toMatch(/^Schema changes \(\d+\):$/m);
    expect(result.stdout).toContain('Dry-run (nothing written):');
    expect(result.stdout).toMatch(new RegExp(`^\\s*companies\\s+${expected.companies.count}\\s+0\\s+0\\s+0\\s+0\\s*$`, 'm'));
    expect(result.stdout).toMatch(new RegExp(`^\\s*people\\s+${expected.leads.people}\\s+0\\s+0\\s+0\\s+0\\s*$`, 'm'));
    expect(result.stdout).toMatch(new RegExp(`^\\s*transactions\\s+${expected.opportunities.fromTransactions}\\s+0\\s+0\\s+0\\s+0\\s*$`, 'm'));
    expect(existsSync(join(dir, 'journal.jsonl'))).toBe(false);
    expect(count(await rehearsalRecords(home))).toEqual({ people: 0, companies: 0, opportunities: 0 });
  }, 120_000);

  it('migrate --yes imports, prints the balanced report and writes report.md, rejects.csv, inventory.md and status.json', async () => {
    const result = await run(['migrate', exportsDir, '--yes'], home);
    expect(noStack(result)).toBe(true);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`# Kartra → Twenty migration ${id}`);
    const rows = lines(result.stdout).filter((l) => /^\| (company|person|opportunity)/.test(l));
    expect(rows.map((r) => r.split('|')[1]!.trim())).toEqual(expect.arrayContaining(['company (leads (company column))', 'person (leads)', 'opportunity (transactions)', 'opportunity (subscriptions)']));
    for (const row of rows) expect(row).toMatch(/\| yes \|$/);
    for (const file of ['report.md', 'rejects.csv', 'inventory.md', 'status.json']) expect(existsSync(join(dir, file)), file).toBe(true);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain(`# Kartra → Twenty migration ${id}`);
    expect(JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8'))).toMatchObject({ migrationId: id, stage: 'full', state: 'finished' });
    expect(result.stdout).toContain(`Automation inventory: ${join(dir, 'inventory.md')}`);
    const opportunities = expected.opportunities.fromTransactions + expected.opportunities.fromSubscriptions;
    expect(count(await rehearsalRecords(home))).toEqual({ people: expected.leads.people, companies: expected.companies.count, opportunities });
  }, 120_000);

  it('status lists the migration as finished', async () => {
    const result = await run(['status'], home);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^${id}  full finished `, 'm'));
  }, 30_000);

  it('report <id> prints the report and writes it again', async () => {
    const result = await run(['report', id], home);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`# Kartra → Twenty migration ${id}`);
    expect(result.stdout).toMatch(/^\| person \(leads\) \| 3 \| 3 \| .*\| yes \|$/m);
    expect(result.stdout).toContain(`Written to ${join(dir, 'report.md')}`);
  }, 60_000);

  it('import --stage full --yes is refused while a live process holds the migration\'s lock', async () => {
    const lock = join(dir, 'lock');
    const journal = statSync(join(dir, 'journal.jsonl')).size;
    writeFileSync(lock, `${JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), what: 'import --stage full (test)' })}\n`);
    try {
      const result = await run(['import', exportsDir, '--stage', 'full', '--yes'], home);
      expect(result.status).toBe(2);
      expect(noStack(result)).toBe(true);
      expect(result.stderr).toContain(String(process.pid));
      expect(result.stderr).toContain('import --stage full (test)');
      expect(statSync(join(dir, 'journal.jsonl')).size).toBe(journal);
      expect(readFileSync(lock, 'utf8')).toContain(String(process.pid));
    } finally {
      rmSync(lock, { force: true });
    }
  }, 60_000);

  it('rollback <id> without --yes prints the plan, exits 2 and changes nothing', async () => {
    const result = await run(['rollback', id], home);
    expect(result.status).toBe(2);
    expect(noStack(result)).toBe(true);
    expect(result.stdout).toMatch(new RegExp(`^\\s*people\\s+${expected.leads.people}\\s+0\\s*$`, 'm'));
    expect(result.stdout).toMatch(new RegExp(`^\\s*transactions\\s+${expected.opportunities.fromTransactions}\\s+0\\s*$`, 'm'));
    expect(result.stdout).toMatch(new RegExp(`^\\s*companies\\s+${expected.companies.count}\\s+0\\s*$`, 'm'));
    expect(result.stderr).toContain('Run with --yes to roll back.');
    expect(count(await rehearsalRecords(home)).people).toBe(expected.leads.people);
  }, 60_000);

  it('rollback <id> --yes destroys what the migration created', async () => {
    const result = await run(['rollback', id, '--yes'], home);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`people: ${expected.leads.people} destroyed, 0 restored`);
    expect(result.stdout).toContain(`companies: ${expected.companies.count} destroyed, 0 restored`);
    expect(count(await rehearsalRecords(home))).toEqual({ people: 0, companies: 0, opportunities: 0 });
    expect(existsSync(join(dir, 'lock'))).toBe(false);
  }, 120_000);
});

describe('preview on a workspace without the migration\'s fields yet (the first thing anyone runs)', () => {
  it('prints the custom fields to create and the dry-run counts, and writes nothing', async () => {
    const fresh = tempDir('kartra-cli-fresh-');
    const result = await run(['preview', 'fixtures/samples/clean'], fresh);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Schema changes \((\d{2,})\):$/m);
    expect(result.stdout).toMatch(/^\s+create person\.kartraLeadId \(TEXT, unique\)$/m);
    expect(result.stdout).toMatch(/^\s*companies\s+13\s+0\s+0\s+0\s+0\s*$/m);
    expect(result.stdout).toMatch(/^\s*people\s+60\s+0\s+0\s+0\s+0\s*$/m);
    expect(result.stdout).toMatch(/^\s*transactions\s+165\s+0\s+0\s+0\s+0\s*$/m);
    const [migration] = readdirSync(fresh).filter((n) => n.startsWith('m-'));
    expect(readdirSync(join(fresh, migration!))).toEqual(['mapping.json']);
    expect(count(await rehearsalRecords(fresh))).toEqual({ people: 0, companies: 0, opportunities: 0 });
    const sandbox = await startSandbox({ dataFile: join(fresh, SANDBOX_FILE), rateLimit: false });
    const client = createTwentyClient({ baseUrl: sandbox.url, apiKey: sandbox.apiKey });
    try {
      expect((await client.schema({ refresh: true })).field('person', 'kartraLeadId')).toBeUndefined();
    } finally {
      await client.close();
      await sandbox.close();
    }
  }, 120_000);
});

describe('bad arguments: exit 2 with one line naming what to do, no stack trace', () => {
  const cases: [string, string[], RegExp][] = [
    ['an unknown --stage', ['import', 'fixtures/samples/clean', '--stage', 'everything', '--yes'], /--stage sample .*--stage full.*--stage delta --since/],
    ['an unknown --policy', ['preview', 'fixtures/samples/clean', '--policy', 'clobber'], /Unknown policy "clobber"\. Use one of: create-only, fill-empty, overwrite\./],
    ['a delta without --since', ['import', 'fixtures/samples/clean', '--stage', 'delta', '--yes'], /add --since <migration-id>/],
  ];
  it.concurrent.each(cases)('%s', async (_name, args, message) => {
    const empty = tempDir('kartra-cli-args-');
    const result = await run(args, empty, 20_000);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/^kartra-twenty: /);
    expect(result.stderr).toMatch(message);
    expect(noStack(result)).toBe(true);
    expect(readdirSync(empty)).toEqual([]);
  }, 20_000);
});
