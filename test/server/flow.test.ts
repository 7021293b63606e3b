/**
 * The whole guided flow through the MCP SDK's Client, in memory, in rehearsal mode (no TWENTY_API_URL): generated
 * messy exports → inspect → describe → propose → edit → schema preview and apply → sample preview, import, report
 * with spot-check → full preview, import, report → inventory → rollback, with the reconciliation checked against the
 * set's expected.json and what the sandbox holds. Around it, every write is tried without a token, with a made-up,
 * stale, reused and expired token and with another tool's token; paths outside KARTRA_EXPORTS_DIR, unknown
 * migrations, an import started while one runs, progress notifications, resources and prompts.
 *
 * The server's connection (ServerContext's `connect`) is a sandbox without a rate limit and a client that does not
 * pace itself like Twenty's limits, so the flow takes seconds. Its batch writes can be held at a gate, which keeps an
 * import running for as long as a test needs one running (a concurrent start, progress notifications), without
 * depending on how fast this machine is.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateSamples, type Expected } from '../../src/samples/generate.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { ServerContext } from '../../src/server/context.js';
import { createServer } from '../../src/server/server.js';
import { REHEARSAL_NOTICE, type TwentyConnection } from '../../src/twenty/connect.js';
import { createTwentyClient, type TwentyClient } from '../../src/twenty/index.js';
import { startFakeMessages, type FakeMessagesServer } from '../mapping/fake-messages-server.js';
import {
  expectRejectsMatch,
  expectReportMatches,
  expectTwentyHoldsExpected,
  mappingFileOf,
  McpSession,
  REHEARSAL_HEADING,
  sentKey,
  TOOL_NAMES,
  textOf,
  type Structured,
} from './mcp-flow.js';

const UNKNOWN_ID = 'm-0000000000ff';
const MADE_UP = 'ct_madeUpByTheAssistant000000000000';
const HALF_HOUR_AND_A_MINUTE = 31 * 60_000;

/** Holds the client's batch writes while closed. */
class Gate {
  private opened: Promise<void> = Promise.resolve();
  private release: () => void = () => undefined;
  close(): void {
    this.opened = new Promise((resolve) => (this.release = resolve));
  }
  open(): void {
    this.release();
    this.opened = Promise.resolve();
  }
  wait(): Promise<void> {
    return this.opened;
  }
}

const fastClient = (sandbox: SandboxHandle): TwentyClient =>
  createTwentyClient({ baseUrl: sandbox.url, apiKey: sandbox.apiKey, rateLimit: { buckets: [{ limit: 100_000, windowMs: 1000 }], safetyMargin: 0 } });

/** The client with its batch upserts held at the gate. */
function gated(client: TwentyClient, gate: Gate): TwentyClient {
  return new Proxy(client, {
    get(target, property) {
      if (property === 'upsertMany') {
        return async (...args: Parameters<TwentyClient['upsertMany']>) => {
          await gate.wait();
          return target.upsertMany(...args);
        };
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

const rehearsalConnection = (client: TwentyClient): TwentyConnection => ({ mode: 'rehearsal', client, describe: () => REHEARSAL_NOTICE, close: async () => undefined });

const temporary: string[] = [];
const tempDir = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporary.push(dir);
  return dir;
};

let exportsDir: string;
let expected: Expected;

beforeAll(async () => {
  // A developer's own key must not send these exports to Anthropic: the server reads it from process.env (see the
  // last test of this file).
  vi.stubEnv('ANTHROPIC_API_KEY', '');
  const root = tempDir('mcp-flow-');
  exportsDir = join(root, 'exports');
  ({ expected } = await generateSamples({ outDir: exportsDir, leads: 60, seed: 42, messy: true }));
  // A real export beside the allowed folder, so refusing it is about where it is, not whether it exists.
  writeFileSync(join(root, 'outside.csv'), 'first_name,email\nEve,eve@example.com\n');
}, 30_000);

afterAll(() => {
  vi.unstubAllEnvs();
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

describe('the guided flow in memory, rehearsal mode', () => {
  let sandbox: SandboxHandle;
  let client: TwentyClient;
  let ctx: ServerContext;
  let mcp: Client;
  let s: McpSession;
  let home: string;
  let skew = 0;
  const gate = new Gate();
  let id: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ rateLimit: false });
    client = fastClient(sandbox);
    home = tempDir('mcp-flow-home-');
    ctx = new ServerContext({ MIGRATION_HOME: home, KARTRA_EXPORTS_DIR: exportsDir }, { connect: async () => rehearsalConnection(gated(client, gate)), now: () => Date.now() + skew });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    mcp = new Client({ name: 'flow-test', version: '1' });
    await Promise.all([createServer(ctx).connect(serverSide), mcp.connect(clientSide)]);
    s = new McpSession(mcp, { mode: 'rehearsal', heading: REHEARSAL_HEADING });
  });

  afterAll(async () => {
    gate.open();
    await mcp?.close();
    await ctx?.close();
    await client?.close();
    await sandbox?.close();
  });

  it('lists the 13 tools with their annotations, and the two prompts', async () => {
    const { tools } = await mcp.listTools();
    expect(tools.map((t) => t.name)).toEqual(TOOL_NAMES);
    const annotations = Object.fromEntries(tools.map((t) => [t.name, t.annotations]));
    for (const name of ['inspect_exports', 'describe_twenty', 'preview_schema_changes', 'preview_import', 'import_status', 'preview_rollback']) {
      expect(annotations[name]?.readOnlyHint, name).toBe(true);
    }
    for (const name of ['apply_schema_changes', 'start_import', 'rollback_import']) expect(annotations[name]?.readOnlyHint, name).toBe(false);
    expect(annotations.rollback_import?.destructiveHint).toBe(true);
    for (const t of tools) expect(t.outputSchema, t.name).toBeDefined();
    const { prompts } = await mcp.listPrompts();
    expect(prompts.map((p) => p.name).sort()).toEqual(['migrate-kartra-to-twenty', 'review-mapping']);
    const prompt = await mcp.getPrompt({ name: 'migrate-kartra-to-twenty', arguments: {} });
    expect(prompt.messages[0]?.role).toBe('user');
    expect(prompt.messages[0]?.content).toMatchObject({ type: 'text' });
    const text = (prompt.messages[0]?.content as { text: string }).text;
    expect(text).toContain('inspect_exports');
    expect(text).not.toContain('{{');
  });

  it('inspects the exports in KARTRA_EXPORTS_DIR and says what they hold', async () => {
    const data = await s.ok('inspect_exports');
    expect(data.files).toHaveLength(expected.files.leads.length + expected.files.transactions.length + expected.files.subscriptions.length);
    const leads = data.datasets.find((d: Structured) => d.kind === 'leads');
    expect(leads).toMatchObject({ rows: expected.leads.rows, duplicates: expected.leads.duplicates.length, uniqueRows: expected.leads.people });
    expect(data.datasets.find((d: Structured) => d.kind === 'transactions')).toMatchObject({ rows: expected.transactions.rows });
    expect(data.datasets.find((d: Structured) => d.kind === 'subscriptions')).toMatchObject({ rows: expected.subscriptions.rows });
    // one file by name, relative to the exports folder
    const one = await s.ok('inspect_exports', { paths: [expected.files.subscriptions[0]] });
    expect(one.files.map((f: Structured) => f.name)).toEqual([expected.files.subscriptions[0]]);
  });

  it('refuses paths outside KARTRA_EXPORTS_DIR, with a sentence', async () => {
    await s.refused('inspect_exports', { paths: ['../outside.csv'] }, /^Refused .*outside the exports folder/);
    await s.refused('inspect_exports', { paths: [join(exportsDir, '..', 'outside.csv')] }, /^Refused .*outside the exports folder/);
    await s.refused('inspect_exports', { paths: ['/etc/passwd'] }, /^Refused .*outside the exports folder/);
    await s.refused('inspect_exports', { paths: [`${expected.files.leads[0]}/../../outside.csv`] }, /^Refused /);
  });

  it('describes the rehearsal sandbox as the Twenty it writes to', async () => {
    const data = await s.ok('describe_twenty');
    expect(data.connection).toMatch(/rehearsal/);
    expect(data.twenty).toEqual({ mode: 'rehearsal', target: REHEARSAL_NOTICE });
    expect(data.migrationObjects.map((o: Structured) => o.name)).toEqual(expect.arrayContaining(['people', 'companies', 'opportunities']));
  });

  it('refuses an unknown migration id, and one that is not an id, as isError results', async () => {
    for (const tool of ['preview_schema_changes', 'preview_rollback', 'import_status', 'reconciliation_report', 'automation_inventory']) {
      await s.refused(tool, { migrationId: UNKNOWN_ID }, new RegExp(`no migration ${UNKNOWN_ID}.*propose_mapping`));
    }
    await s.refused('preview_import', { migrationId: UNKNOWN_ID, stage: 'sample' }, /no migration/);
    await s.refused('edit_mapping', { migrationId: UNKNOWN_ID, edits: [{ op: 'skip', column: 'leads:bio' }] }, /no migration/);
    await s.refused('preview_schema_changes', { migrationId: '../../etc' }, /Input validation error/);
  });

  it('proposes the mapping, saves it, and offers the review prompt for it', async () => {
    const data = await s.ok('propose_mapping');
    id = data.migrationId;
    expect(id).toMatch(/^m-[0-9a-f]{12}$/);
    expect(data).toMatchObject({ version: 1, proposedNow: true });
    expect(data.counts.columns).toBeGreaterThan(100);
    expect(data.counts.customFieldsToCreate).toBeGreaterThan(0);
    const again = await s.ok('propose_mapping', { show: 'review' });
    expect(again).toMatchObject({ migrationId: id, version: 1, proposedNow: false });
    const prompt = await mcp.getPrompt({ name: 'review-mapping', arguments: { migrationId: id } });
    expect((prompt.messages[0]?.content as { text: string }).text).toContain(id);
  });

  describe('schema changes', () => {
    let first: string;
    let second: string;

    it('previews them with a token', async () => {
      const preview = await s.ok('preview_schema_changes', { migrationId: id });
      expect(preview.changes.length).toBeGreaterThan(0);
      expect(preview.changes.map((c: Structured) => c.field)).toContain('person.kartraLeadId');
      first = preview.confirmation.token;
      second = (await s.ok('preview_schema_changes', { migrationId: id })).confirmation.token;
      expect(second).not.toBe(first);
    });

    it('refuses apply_schema_changes without a token, with a made-up one, an expired one and another tool\'s', async () => {
      await s.refused('apply_schema_changes', { migrationId: id }, /Input validation error.*confirmationToken/s);
      await s.refused('apply_schema_changes', { migrationId: id, confirmationToken: '' }, /Input validation error/);
      await s.refused('apply_schema_changes', { migrationId: id, confirmationToken: MADE_UP }, /not one preview_schema_changes gave.*Run preview_schema_changes again/);
      await s.refused('rollback_import', { migrationId: id, confirmationToken: first }, /is for apply_schema_changes, not rollback_import/);
      skew = HALF_HOUR_AND_A_MINUTE;
      try {
        await s.refused('apply_schema_changes', { migrationId: id, confirmationToken: first }, /expired at .*tokens last 30 minutes/);
      } finally {
        skew = 0;
      }
      const fields = (await client.schema({ refresh: true })).field('person', 'kartraLeadId');
      expect(fields, 'nothing was applied').toBeUndefined();
    });

    it('applies them with a fresh token, once', async () => {
      const applied = await s.ok('apply_schema_changes', { migrationId: id, confirmationToken: second });
      expect(applied.state).toBe('done');
      expect(applied.created).toContain('person.kartraLeadId');
      expect((await client.schema({ refresh: true })).field('person', 'kartraLeadId')).toBeDefined();
      await s.refused('apply_schema_changes', { migrationId: id, confirmationToken: second }, /was used already/);
    });

    it('refuses a token whose plan was carried out since (the schema changed)', async () => {
      // `first` was issued before the fields existed: it is unused and unexpired, but its plan is gone
      await s.refused('apply_schema_changes', { migrationId: id, confirmationToken: first }, /plan changed since its preview/);
      const preview = await s.ok('preview_schema_changes', { migrationId: id });
      expect(preview.changes).toEqual([]);
      expect(preview.confirmation).toBeUndefined();
    });
  });

  describe('stage sample', () => {
    let stale: string;
    let token: string;

    it('previews the whole import as a dry run, writing nothing', async () => {
      const preview = await s.ready('preview_import', { migrationId: id, stage: 'sample' });
      expect(preview).toMatchObject({ state: 'ready', stage: 'sample', policy: 'fill-empty', pendingSchemaChanges: 0 });
      expect(preview.counts.people).toEqual({ created: expected.leads.people, updated: 0, unchanged: 0, skipped: expected.leads.rejects.length + expected.leads.duplicates.length, failed: 0 });
      expect(preview.counts.companies).toMatchObject({ created: expected.companies.count });
      expect(preview.counts.transactions).toMatchObject({ created: expected.opportunities.fromTransactions, skipped: expected.transactions.rows - expected.transactions.distinctRows });
      expect(preview.counts.subscriptions).toMatchObject({ created: expected.opportunities.fromSubscriptions });
      stale = preview.confirmation.token;
      expect(sandbox.records('people')).toEqual([]);
    });

    it('refuses the preview\'s token once the user has edited the mapping', async () => {
      const edited = await s.ok('edit_mapping', { migrationId: id, edits: [{ op: 'skip', column: 'leads:instagram', reason: 'the user does not want it' }] });
      expect(edited.version).toBe(2);
      expect(edited.changes).toHaveLength(1);
      await s.refused('start_import', { migrationId: id, stage: 'sample', confirmationToken: stale }, /plan changed since its preview.*Run preview_import again/);
      // a refused edit changes nothing
      await s.refused('edit_mapping', { migrationId: id, edits: [{ op: 'skip', column: 'leads:bio' }, { op: 'map', column: 'leads:email', field: 'noSuchField' }] }, /^Edit 2 of 2 \(map\) was refused, so none was saved/);
      const current = await s.ok('propose_mapping');
      expect(current.version).toBe(2);
    });

    it('refuses start_import without a token, with a made-up one and with another tool\'s', async () => {
      const preview = await s.ready('preview_import', { migrationId: id, stage: 'sample' });
      token = preview.confirmation.token;
      await s.refused('start_import', { migrationId: id, stage: 'sample' }, /Input validation error.*confirmationToken/s);
      await s.refused('start_import', { migrationId: id, stage: 'sample', confirmationToken: MADE_UP }, /not one preview_import gave/);
      await s.refused('apply_schema_changes', { migrationId: id, confirmationToken: token }, /is for start_import, not apply_schema_changes/);
      // the token confirms stage sample under fill-empty, nothing else
      await s.refused('start_import', { migrationId: id, stage: 'full', confirmationToken: token }, /plan changed since its preview/);
    });

    it('imports the sample in the background and reports it with a spot-check', async () => {
      // the refused attempt above with `token` for stage full did not use it up? It did not: a refusal for another
      // plan leaves the token for its own plan.
      const started = await s.ok('start_import', { migrationId: id, stage: 'sample', confirmationToken: token });
      expect(started).toMatchObject({ migrationId: id, stage: 'sample', state: 'running' });
      expect(started.jobId).toMatch(/^job-/);
      const status = await s.untilEnded(id);
      expect(status.state).toBe('finished');
      expect(status.job).toMatchObject({ id: started.jobId, kind: 'import' });
      await s.refused('start_import', { migrationId: id, stage: 'sample', confirmationToken: token }, /was used already/);
      const report = await s.ready('reconciliation_report', { migrationId: id, spotCheck: true });
      expect(report.spotCheck.length).toBeGreaterThan(0);
      // what landed in Twenty is what the export said, column by column (tags as option values, duplicates' united)
      const differing = report.spotCheck.flatMap((row: Structured) => row.checks.filter((c: Structured) => !c.same).map((c: Structured) => `${row.key} ${c.column}: ${c.source} / ${c.twenty}`));
      expect(differing).toEqual([]);
      expect(report.objects.find((o: Structured) => o.phase === 'people').counts.created).toBe(expected.leads.people);
      expect(sandbox.records('people')).toHaveLength(expected.leads.people);
    });

    it('after the sample, the report does not say every row was imported', () => {
      // Stage sample writes people and what hangs on them and leaves the rows to skip to stage full: this set's
      // sample report has no rejects yet, while three objects wait for stage full.
      const last = s.recorded.findLast((r) => r.name === 'reconciliation_report')!;
      const data = last.result.structuredContent as Structured;
      expect(data.rejects).toBe(0);
      expect(data.objects.filter((o: Structured) => !o.balanced).map((o: Structured) => o.phase)).toEqual(['people', 'transactions', 'subscriptions']);
      expect(textOf(last.result)).toMatch(/not all rows imported yet/);
      expect(textOf(last.result)).not.toMatch(/Every row was imported/);
    });
  });

  describe('stage full', () => {
    let token: string;
    let spare: string;

    it('starts while another start, a schema change, a rollback, an edit and a preview are refused as busy', async () => {
      token = (await s.ready('preview_import', { migrationId: id, stage: 'full' })).confirmation.token;
      spare = (await s.ready('preview_import', { migrationId: id, stage: 'full' })).confirmation.token;
      gate.close();
      const started = await s.ok('start_import', { migrationId: id, stage: 'full', confirmationToken: token });
      expect(started.state).toBe('running');
      await s.refused('start_import', { migrationId: id, stage: 'full', confirmationToken: spare }, /is busy.*import, stage full/);
      await s.refused('apply_schema_changes', { migrationId: id, confirmationToken: MADE_UP }, /is busy/);
      await s.refused('rollback_import', { migrationId: id, confirmationToken: MADE_UP }, /is busy/);
      await s.refused('edit_mapping', { migrationId: id, edits: [{ op: 'skip', column: 'leads:bio' }] }, /is busy/);
      await s.refused('preview_import', { migrationId: id, stage: 'full' }, /is busy/);
    });

    it('sends progress notifications to a client waiting on import_status', async () => {
      const seen: Progress[] = [];
      const status = await s.ok('import_status', { migrationId: id, waitSeconds: 1 }, { onprogress: (p) => seen.push(p) });
      expect(status.state).toBe('running');
      expect(seen.length).toBeGreaterThan(0);
      expect(typeof seen[0]?.progress).toBe('number');
      expect(seen[0]?.message).toEqual(expect.any(String));
    });

    it('finishes, and the report balances against expected.json', async () => {
      gate.open();
      const status = await s.untilEnded(id);
      expect(status.state).toBe('finished');
      expect(status.error).toBeUndefined();
      const report = await s.ready('reconciliation_report', { migrationId: id });
      expectReportMatches(report, expected);
      expect(report.resources).toEqual([`migration://${id}/report.md`, `migration://${id}/rejects.csv`]);
      await expectTwentyHoldsExpected(sandbox, client, exportsDir, mappingFileOf(home, id), expected);
    });

    it('serves the migration\'s files as resources', async () => {
      const inventory = await s.ok('automation_inventory', { migrationId: id });
      expect(inventory.resource).toBe(`migration://${id}/inventory.md`);
      expect(inventory.tags).toBeGreaterThan(0);
      const { resources } = await mcp.listResources();
      expect(resources.map((r) => r.uri).sort()).toEqual(['inventory.md', 'mapping.json', 'rejects.csv', 'report.md'].map((f) => `migration://${id}/${f}`));
      const report = await mcp.readResource({ uri: `migration://${id}/report.md` });
      expect(report.contents[0]).toMatchObject({ mimeType: 'text/markdown' });
      expect((report.contents[0] as { text: string }).text).toContain(`# Kartra → Twenty migration ${id}`);
      const rejects = await mcp.readResource({ uri: `migration://${id}/rejects.csv` });
      expectRejectsMatch(parse((rejects.contents[0] as { text: string }).text, { columns: true, bom: true }) as Record<string, string>[], expected);
      const mapping = JSON.parse(((await mcp.readResource({ uri: `migration://${id}/mapping.json` })).contents[0] as { text: string }).text) as { migrationId: string; version: number };
      expect(mapping).toMatchObject({ migrationId: id, version: 2 });
      expect(((await mcp.readResource({ uri: `migration://${id}/inventory.md` })).contents[0] as { text: string }).text.length).toBeGreaterThan(100);
      await expect(mcp.readResource({ uri: `migration://${id}/journal.jsonl` })).rejects.toThrow(/Unknown migration file/);
      await expect(mcp.readResource({ uri: `migration://${UNKNOWN_ID}/report.md` })).rejects.toThrow(/has no report\.md/);
    });
  });

  describe('rollback', () => {
    let first: string;
    let second: string;

    it('previews what it would destroy', async () => {
      const preview = await s.ok('preview_rollback', { migrationId: id });
      const destroy = Object.fromEntries(preview.objects.map((o: Structured) => [o.phase, o.destroy]));
      expect(destroy).toMatchObject({ people: expected.leads.people, companies: expected.companies.count, transactions: expected.opportunities.fromTransactions, subscriptions: expected.opportunities.fromSubscriptions });
      first = preview.confirmation.token;
      second = (await s.ok('preview_rollback', { migrationId: id })).confirmation.token;
    });

    it('refuses rollback_import without a token, with a made-up one, an expired one and another tool\'s', async () => {
      await s.refused('rollback_import', { migrationId: id }, /Input validation error.*confirmationToken/s);
      await s.refused('rollback_import', { migrationId: id, confirmationToken: MADE_UP }, /not one preview_rollback gave/);
      await s.refused('start_import', { migrationId: id, stage: 'full', confirmationToken: first }, /is for rollback_import, not start_import/);
      await s.refused('rollback_import', { migrationId: id, removeFields: true, confirmationToken: first }, /plan changed since its preview/);
      skew = HALF_HOUR_AND_A_MINUTE;
      try {
        await s.refused('rollback_import', { migrationId: id, confirmationToken: first }, /expired at/);
      } finally {
        skew = 0;
      }
      expect(sandbox.records('people')).toHaveLength(expected.leads.people);
    });

    it('rolls back with a fresh token, once, and a token of the plan before is stale', async () => {
      const preview = await s.ok('preview_rollback', { migrationId: id });
      const fresh = preview.confirmation.token;
      const started = await s.ok('rollback_import', { migrationId: id, confirmationToken: second });
      expect(started.state).toBe('running');
      const status = await s.untilEnded(id);
      expect(status).toMatchObject({ state: 'finished', job: { kind: 'rollback' } });
      expect(status.message).toMatch(/people \d+ destroyed/);
      await s.refused('rollback_import', { migrationId: id, confirmationToken: second }, /was used already/);
      await s.refused('rollback_import', { migrationId: id, confirmationToken: fresh }, /plan changed since its preview/);
      const live = (plural: string): number => sandbox.records(plural).filter((r) => !r.deletedAt).length;
      expect({ people: live('people'), companies: live('companies'), opportunities: live('opportunities') }).toEqual({ people: 0, companies: 0, opportunities: 0 });
      const after = await s.ok('preview_rollback', { migrationId: id });
      expect(after.objects).toEqual([]);
      expect(after.confirmation).toBeUndefined();
    });
  });

  it('kept every result under 100 kB, and every answer said "rehearsal"', () => {
    expect(s.recorded.length).toBeGreaterThan(40);
    const largest = s.recorded.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    expect(largest.bytes, `largest: ${largest.name}`).toBeLessThan(100_000);
    const successes = s.recorded.filter((r) => !r.result.isError);
    expect(new Set(successes.map((r) => r.name))).toEqual(new Set(TOOL_NAMES));
    for (const r of successes) expect((r.result.structuredContent as Structured).twenty.mode).toBe('rehearsal');
  });
});

describe('the server\'s environment', () => {
  it('the LLM rerank reads ANTHROPIC_API_KEY from the ServerContext\'s env, as every other setting', async () => {
    // The key is in the server's env, not in process.env (stubbed blank above): a server built with an env must use
    // that env, so a test or an embedding host decides what the mapping sends where.
    const fake: FakeMessagesServer = await startFakeMessages(() => ({
      kind: 'tool_use',
      input: { choices: [] },
    }));
    const sandbox = await startSandbox({ rateLimit: false });
    const client = fastClient(sandbox);
    const ctx = new ServerContext(
      { MIGRATION_HOME: tempDir('mcp-llm-env-'), KARTRA_EXPORTS_DIR: exportsDir, ANTHROPIC_API_KEY: 'sk-ant-api03-context-env-only-0123456789', ANTHROPIC_BASE_URL: fake.baseURL },
      { connect: async () => rehearsalConnection(client) },
    );
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const mcp = new Client({ name: 'llm-env-test', version: '1' });
    try {
      await Promise.all([createServer(ctx).connect(serverSide), mcp.connect(clientSide)]);
      const s = new McpSession(mcp, { mode: 'rehearsal', heading: REHEARSAL_HEADING });
      await s.ok('propose_mapping');
      expect(fake.requests.length, 'requests to the Messages endpoint named in the server\'s env').toBeGreaterThan(0);
      expect(sentKey(fake.requests[0]!.headers)).toBe('sk-ant-api03-context-env-only-0123456789');
    } finally {
      await mcp.close();
      await ctx.close();
      await client.close();
      await sandbox.close();
      await fake.close();
    }
  });
});
