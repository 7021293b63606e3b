/**
 * `kartra-twenty map` as a user runs it: the built CLI against the rehearsal sandbox (no TWENTY_API_URL), each run
 * with its own MIGRATION_HOME. Runs are asynchronous so the fake Messages endpoint in this process keeps answering.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { mappingDocumentSchema, type MappingDocument } from '../../src/mapping/document.js';
import { applyEdit } from '../../src/mapping/edit.js';
import { MigrationStore, migrationIdFor } from '../../src/migration/store.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { createTwentyClient, type TwentyClient, type TwentySchema } from '../../src/twenty/index.js';
import { REPO_ROOT } from '../helpers/edge.js';
import { dataBlock, startFakeMessages } from '../mapping/fake-messages-server.js';
import { runCliAsync } from '../helpers/cli.js';

const MESSY = 'fixtures/samples/messy';
const KEY = 'sk-ant-cli-map-test-Vb93-S3CR3T-a1b2c3d4e5';
const MODEL = 'claude-cli-map-test-1';

type Run = { status: number | null; stdout: string; stderr: string };

/** The built CLI with only PATH and the given environment (no TWENTY_API_URL: rehearsal). */
const run = (args: string[], env: Record<string, string>): Promise<Run> => runCliAsync(args, env, 20_000);

const homes: string[] = [];
const freshHome = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'kartra-map-'));
  homes.push(dir);
  return dir;
};

/** The id the exports name: their SHA-256 hashes, in any order. */
const EXPECTED_ID = migrationIdFor(
  readdirSync(join(REPO_ROOT, MESSY))
    .filter((f) => f.endsWith('.csv'))
    .map((f) => createHash('sha256').update(readFileSync(join(REPO_ROOT, MESSY, f))).digest('hex')),
);

let sandbox: SandboxHandle;
let client: TwentyClient;
let schema: TwentySchema;

beforeAll(async () => {
  sandbox = await startSandbox({ profile: 'v2', apiKey: 'sandbox-key-1', rateLimit: false });
  client = createTwentyClient({ baseUrl: sandbox.url, apiKey: 'sandbox-key-1' });
  schema = await client.schema();
});

afterAll(async () => {
  await client?.close();
  await sandbox?.close();
  for (const dir of homes) rmSync(dir, { recursive: true, force: true });
});

const savedAt = (home: string): string => join(home, EXPECTED_ID, 'mapping.json');
const readSaved = (home: string): MappingDocument => mappingDocumentSchema.parse(JSON.parse(readFileSync(savedAt(home), 'utf8')));
const noStack = (r: Run): boolean => !/^\s+at /m.test(`${r.stdout}${r.stderr}`) && !`${r.stdout}${r.stderr}`.includes('internal error');

describe.concurrent('kartra-twenty map', () => {
  it('proposes and saves; a re-run keeps the saved mapping with the user\'s edit to it, untouched', async ({ expect }) => {
    const home = freshHome();
    const env = { MIGRATION_HOME: home };

    const first = await run(['map', MESSY], env);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^Twenty: rehearsal on the local sandbox/);
    expect(first.stdout).toContain(`Migration ${EXPECTED_ID}: mapping version 1 proposed, saved in ${savedAt(home)}`);
    expect(first.stdout).toMatch(/^LLM rerank: off \(set ANTHROPIC_API_KEY/m);
    expect(first.stdout).toMatch(/^leads → person \(3 files, 300 rows\)$/m);
    expect(first.stdout).toMatch(/^\s+email\s+person\.emails\.primaryEmail\s+exact\s/m);
    expect(first.stdout).toMatch(/^\s+bio\s+person\.bio \(new\)\s+suggested\s/m);
    expect(first.stdout).toMatch(/^Custom fields to create \(\d+\)$/m);
    const created = first.stdout.slice(first.stdout.indexOf('Custom fields to create'));
    expect(created).toMatch(/^\s+person\.kartraLeadId\s+TEXT \(unique\)\s/m);
    expect(first.stdout).toMatch(/^\d+ of \d+ columns auto-accepted \(exact or confident\); \d+ to review \(suggested or none\)\.$/m);

    const saved = readSaved(home);
    expect(saved).toMatchObject({ migrationId: EXPECTED_ID, version: 1, twenty: { mode: 'rehearsal' } });
    expect(saved.llm).toBeUndefined();
    expect(saved.customFields.find((f) => f.object === 'person' && f.name === 'kartraLeadId')).toMatchObject({ type: 'TEXT', isUnique: true, exists: false });
    expect(readdirSync(join(home, EXPECTED_ID))).toEqual(['mapping.json']);

    // The user edits the saved mapping: skip bio (version 2). The next run keeps the edit.
    const { document: edited } = applyEdit(saved, { op: 'skip', column: 'leads:bio', reason: 'not needed in the CRM' }, schema, new Date('2026-06-10T12:00:00.000Z'));
    await new MigrationStore(home).saveMapping(edited);
    const third = await run(['map', MESSY], env);
    expect(third.status).toBe(0);
    expect(third.stdout).toContain(`Migration ${EXPECTED_ID}: mapping version 2 kept (use --fresh to propose again)`);
    expect(third.stdout).toMatch(/^LLM rerank: off/m);
    expect(third.stdout).toMatch(/^\s+bio\s+skip\s/m);
    expect(readSaved(home)).toEqual(edited);
  }, 30_000);

  it('--json prints the document saved (parseable); --fresh replaces an edited mapping with a new proposal', async ({ expect }) => {
    const home = freshHome();
    const result = await run(['map', MESSY, '--json'], { MIGRATION_HOME: home });
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    const printed = mappingDocumentSchema.parse(JSON.parse(result.stdout));
    expect(printed.migrationId).toBe(EXPECTED_ID);
    expect(printed.version).toBe(1);
    expect(printed.columns.find((c) => c.id === 'leads:email')).toMatchObject({ tier: 'exact', destination: { kind: 'field', field: 'emails', subfield: 'primaryEmail' } });
    expect(readSaved(home)).toEqual(printed);

    const { document: edited } = applyEdit(printed, { op: 'skip', column: 'leads:bio' }, schema, new Date('2026-06-10T12:00:00.000Z'));
    await new MigrationStore(home).saveMapping(edited);
    const fresh = await run(['map', MESSY, '--fresh', '--json'], { MIGRATION_HOME: home });
    expect(fresh.status).toBe(0);
    const reproposed = mappingDocumentSchema.parse(JSON.parse(fresh.stdout));
    expect(reproposed.version).toBe(1);
    expect(reproposed.history).toHaveLength(1);
    expect(reproposed.columns).toEqual(printed.columns);
    expect(readSaved(home)).toEqual(reproposed);
    expect(readdirSync(join(home, EXPECTED_ID))).toEqual(['mapping.json']);
  }, 30_000);

  it('a path that does not exist: exit 2, one line, no stack trace, nothing saved', async ({ expect }) => {
    const home = freshHome();
    const result = await run(['map', 'fixtures/samples/no-such-folder'], { MIGRATION_HOME: home });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^kartra-twenty: .*no-such-folder: no such file or folder\. Check the path/);
    expect(noStack(result)).toBe(true);
    expect(existsSync(join(home, EXPECTED_ID))).toBe(false);
  }, 20_000);

  it('with ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL: the rerank runs against that endpoint, its outcome shown, the key nowhere', async ({ expect }) => {
    const server = await startFakeMessages((request) => ({
      kind: 'tool_use',
      input: { choices: dataBlock(request).columns.map((c) => ({ columnId: c.columnId, key: c.header === 'bio' ? 'person.jobTitle' : 'none', reason: `values of ${c.header} read like a job` })) },
    }));
    try {
      const home = freshHome();
      const result = await run(['map', MESSY], { MIGRATION_HOME: home, ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: server.baseURL, KARTRA_TWENTY_LLM_MODEL: MODEL });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^LLM rerank: ok \\(${MODEL}\\): 1 picks, .* for \\d+ columns in 1 request to ${MODEL}; 1 changed$`, 'm'));
      expect(result.stdout).toMatch(/^\s+bio\s+person\.jobTitle\s+suggested\s+LLM: values of bio read like a job/m);
      expect(server.requests).toHaveLength(1);
      const request = server.requests[0]!;
      expect(`${request.headers.authorization ?? ''}${String(request.headers['x-api-key'] ?? '')}`).toContain(KEY);
      expect((request.body as { model: string }).model).toBe(MODEL);
      const saved = readSaved(home);
      expect(saved.llm).toMatchObject({ outcome: 'ok', model: MODEL });
      expect(saved.customFields.some((f) => f.name === 'bio')).toBe(false);
      expect(`${result.stdout}${result.stderr}`).not.toContain(KEY);
      expect(readFileSync(savedAt(home), 'utf8')).not.toContain(KEY);
    } finally {
      await server.close();
    }
  }, 20_000);
});
