/**
 * The built server (dist/server/main.js) as Claude Desktop runs it: a child process spoken to over stdio, configured
 * only through its environment. Live mode: TWENTY_API_URL and TWENTY_API_KEY name a sandbox this test starts (without
 * a rate limit; the server's own client still paces itself like Twenty's limits), ANTHROPIC_API_KEY and
 * ANTHROPIC_BASE_URL a local fake of the Messages endpoint, so the mapping's LLM rerank runs. The flow goes through
 * the full import and the reconciliation, checked against expected.json; then neither key may appear in any tool
 * result, in anything the server wrote to stderr, or in any file under MIGRATION_HOME. Rehearsal mode (no
 * TWENTY_API_URL): the answers say "rehearsal".
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSamples, type Expected } from '../../src/samples/generate.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { createTwentyClient, type TwentyClient } from '../../src/twenty/index.js';
import { REPO_ROOT } from '../helpers/edge.js';
import { dataBlock, startFakeMessages, type FakeMessagesServer } from '../mapping/fake-messages-server.js';
import { expectReportMatches, expectTwentyHoldsExpected, mappingFileOf, McpSession, REHEARSAL_HEADING, sentKey, TOOL_NAMES, type Structured } from './mcp-flow.js';

const TWENTY_KEY = 'twenty-live-key-Hq83-S3CR3T-c0ffee5eed1a2b3c';
const ANTHROPIC_KEY = 'sk-ant-api03-stdio-e2e-Xk29-S3CR3T-9d8c7b6a5f4e3d2c1b0a';
/** What must never appear: each key, and a tail of it long enough to be the key (a key cut short still leaks). */
const SECRETS = [TWENTY_KEY, ANTHROPIC_KEY, TWENTY_KEY.slice(-16), ANTHROPIC_KEY.slice(-16)];

const temporary: string[] = [];
const tempDir = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporary.push(dir);
  return dir;
};

/** The built server over stdio, with exactly this environment (the SDK adds only PATH, HOME and the like). */
async function startServer(env: Record<string, string>): Promise<{ client: Client; transport: StdioClientTransport; stderr: () => string }> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [join(REPO_ROOT, 'dist/server/main.js')], env, cwd: tmpdir(), stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const client = new Client({ name: 'stdio-e2e', version: '1' });
  await client.connect(transport);
  return { client, transport, stderr: () => stderr };
}

/** Every file under a folder, with its content. */
function filesUnder(dir: string): { path: string; text: string }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const path = join(e.parentPath, e.name);
      return { path, text: readFileSync(path).toString('latin1') };
    });
}

let exportsDir: string;
let expected: Expected;

beforeAll(async () => {
  exportsDir = join(tempDir('mcp-stdio-'), 'exports');
  ({ expected } = await generateSamples({ outDir: exportsDir, leads: 40, seed: 7, messy: true }));
}, 30_000);

afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

describe('the built server over stdio, live mode against a sandbox, with the LLM rerank', () => {
  let sandbox: SandboxHandle;
  let reader: TwentyClient;
  let fake: FakeMessagesServer;
  let home: string;
  let server: Awaited<ReturnType<typeof startServer>>;
  let s: McpSession;
  let id: string;
  let stderr = '';

  beforeAll(async () => {
    sandbox = await startSandbox({ apiKey: TWENTY_KEY, rateLimit: false });
    reader = createTwentyClient({ baseUrl: sandbox.url, apiKey: TWENTY_KEY, rateLimit: { buckets: [{ limit: 100_000, windowMs: 1000 }], safetyMargin: 0 } });
    // The model keeps every proposal: it answers each column with the first key of its shortlist, the current pick.
    fake = await startFakeMessages((request) => ({
      kind: 'tool_use',
      input: { choices: dataBlock(request).columns.map((c) => ({ columnId: c.columnId, key: c.shortlist[0]!.key, reason: 'the current proposal fits the values' })) },
    }));
    home = tempDir('mcp-stdio-home-');
    server = await startServer({
      MIGRATION_HOME: home,
      KARTRA_EXPORTS_DIR: exportsDir,
      TWENTY_API_URL: sandbox.url,
      TWENTY_API_KEY: TWENTY_KEY,
      ANTHROPIC_API_KEY: ANTHROPIC_KEY,
      ANTHROPIC_BASE_URL: fake.baseURL,
      KARTRA_TWENTY_LLM_TIMEOUT_MS: '15000',
    });
    s = new McpSession(server.client, { mode: 'live', heading: `[live Twenty at ${new URL(sandbox.url).host}]\n` });
  }, 30_000);

  afterAll(async () => {
    await server?.client.close();
    await reader?.close();
    await sandbox?.close();
    await fake?.close();
  });

  it('lists the 13 tools', async () => {
    expect((await server.client.listTools()).tools.map((t) => t.name)).toEqual(TOOL_NAMES);
  });

  it('inspects, describes the live workspace, and proposes the mapping with the LLM rerank', async () => {
    const inspected = await s.ok('inspect_exports');
    expect(inspected.datasets.find((d: Structured) => d.kind === 'leads')).toMatchObject({ rows: expected.leads.rows, uniqueRows: expected.leads.people });
    const described = await s.ok('describe_twenty');
    expect(described.connection).toBe(`live Twenty at ${new URL(sandbox.url).host}`);
    expect(described.twenty.mode).toBe('live');
    const proposed = await s.ok('propose_mapping');
    id = proposed.migrationId;
    expect(id).toMatch(/^m-[0-9a-f]{12}$/);
    // the rerank asked the fake Messages endpoint, with the key from the environment, and nowhere else
    expect(fake.requests.length).toBeGreaterThan(0);
    for (const r of fake.requests) {
      expect(r.path).toBe('/v1/messages');
      expect(sentKey(r.headers)).toBe(ANTHROPIC_KEY);
      expect(r.raw).not.toContain(TWENTY_KEY);
    }
    const mapping = JSON.parse(((await server.client.readResource({ uri: `migration://${id}/mapping.json` })).contents[0] as { text: string }).text) as { llm?: { outcome: string } };
    expect(mapping.llm?.outcome).toBe('ok');
  }, 60_000);

  it('applies the schema changes with the preview\'s token', async () => {
    const preview = await s.ok('preview_schema_changes', { migrationId: id });
    expect(preview.changes.length).toBeGreaterThan(0);
    await s.refused('apply_schema_changes', { migrationId: id, confirmationToken: 'ct_notAToken' }, /not one preview_schema_changes gave/);
    const applied = await s.ok('apply_schema_changes', { migrationId: id, confirmationToken: preview.confirmation.token });
    if (applied.state === 'working') expect((await s.untilEnded(id)).state).toBe('finished');
    expect((await s.ok('preview_schema_changes', { migrationId: id })).changes).toEqual([]);
  }, 60_000);

  it('imports the sample, then everything, and the reconciliation balances against expected.json', async () => {
    for (const stage of ['sample', 'full'] as const) {
      const preview = await s.ready('preview_import', { migrationId: id, stage });
      const started = await s.ok('start_import', { migrationId: id, stage, confirmationToken: preview.confirmation.token });
      expect(started.state).toBe('running');
      await s.refused('start_import', { migrationId: id, stage, confirmationToken: preview.confirmation.token }, /is busy|was used already/);
      const status = await s.untilEnded(id, 20);
      expect(status, stage).toMatchObject({ state: 'finished' });
      const report = await s.ready('reconciliation_report', { migrationId: id });
      expect(report.objects.find((o: Structured) => o.phase === 'people')?.foundInTwenty).toBe(expected.leads.people);
      if (stage === 'full') expectReportMatches(report, expected);
    }
    await expectTwentyHoldsExpected(sandbox, reader, exportsDir, mappingFileOf(home, id), expected);
    const inventory = await s.ok('automation_inventory', { migrationId: id });
    expect(inventory.resource).toBe(`migration://${id}/inventory.md`);
  }, 90_000);

  it('never shows either key: not in a tool result, not on stderr, not in any file under MIGRATION_HOME', async () => {
    const report = await server.client.readResource({ uri: `migration://${id}/report.md` });
    await server.client.close(); // the server ends; all it wrote to stderr is in
    stderr = server.stderr();
    expect(stderr).toContain('kartra-twenty-mcp: ready on stdio (live Twenty at');
    const results = s.everything();
    expect(s.recorded.length).toBeGreaterThan(15);
    const files = filesUnder(home);
    expect(files.map((f) => f.path)).toEqual(expect.arrayContaining([join(home, id, 'mapping.json'), join(home, id, 'journal.jsonl'), join(home, id, 'report.md')]));
    for (const secret of SECRETS) {
      expect(results.includes(secret), 'a tool result shows a key').toBe(false);
      expect(stderr.includes(secret), 'stderr shows a key').toBe(false);
      expect(JSON.stringify(report).includes(secret), 'report.md shows a key').toBe(false);
      expect(files.filter((f) => f.text.includes(secret)).map((f) => f.path), 'files under MIGRATION_HOME with a key').toEqual([]);
    }
  }, 30_000);
});

describe('the built server over stdio, rehearsal mode (no TWENTY_API_URL)', () => {
  it('says "rehearsal" in inspect_exports and describe_twenty', async () => {
    const home = tempDir('mcp-stdio-rehearsal-');
    const server = await startServer({ MIGRATION_HOME: home, KARTRA_EXPORTS_DIR: exportsDir, ANTHROPIC_API_KEY: '' });
    try {
      const s = new McpSession(server.client, { mode: 'rehearsal', heading: REHEARSAL_HEADING });
      const inspected = await s.ok('inspect_exports');
      expect(inspected.twenty).toMatchObject({ mode: 'rehearsal', target: expect.stringContaining('rehearsal') });
      const described = await s.ok('describe_twenty');
      expect(described.connection).toMatch(/^rehearsal on the local sandbox/);
      expect(described.twenty.mode).toBe('rehearsal');
    } finally {
      await server.client.close();
    }
    expect(server.stderr()).toContain('ready on stdio (rehearsal');
  }, 30_000);
});
