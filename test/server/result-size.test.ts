/**
 * Results stay under 100 kB as the client receives them (JSON-RPC bytes, UTF-8), whatever the exports: a lead export
 * with many custom fields, and one written in Japanese, where every character of a header or a value is three bytes.
 * A long list is cut and paged (offset), never refused as "too large" and never sent over the limit.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterAll, afterEach, beforeAll, describe, it, vi } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { ServerContext } from '../../src/server/context.js';
import { createServer } from '../../src/server/server.js';
import { REHEARSAL_NOTICE } from '../../src/twenty/connect.js';
import { createTwentyClient, type TwentyClient } from '../../src/twenty/index.js';
import { McpSession, REHEARSAL_HEADING } from './mcp-flow.js';

let root: string;
let sandbox: SandboxHandle;
let client: TwentyClient;
const open: { mcp: Client; ctx: ServerContext }[] = [];

beforeAll(async () => {
  vi.stubEnv('ANTHROPIC_API_KEY', '');
  root = mkdtempSync(join(tmpdir(), 'mcp-result-size-'));
  sandbox = await startSandbox({ rateLimit: false });
  client = createTwentyClient({ baseUrl: sandbox.url, apiKey: sandbox.apiKey, rateLimit: { buckets: [{ limit: 100_000, windowMs: 1000 }], safetyMargin: 0 } });
});

afterEach(async () => {
  for (const { mcp, ctx } of open.splice(0)) {
    await mcp.close();
    await ctx.close();
  }
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await client?.close();
  await sandbox?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

/** A contacts export: first name, last name, email, then the custom fields. */
function writeExport(name: string, custom: { header: (i: number) => string; value: (i: number, row: number) => string; count: number }): string {
  const dir = join(root, name);
  mkdirSync(dir);
  const headers = ['first_name', 'last_name', 'email', ...Array.from({ length: custom.count }, (_, i) => custom.header(i))];
  const rows = Array.from({ length: 6 }, (_, r) => [`Ann${r}`, `Lee${r}`, `ann${r}@example.com`, ...Array.from({ length: custom.count }, (_, i) => custom.value(i, r))]);
  writeFileSync(join(dir, 'contacts_kartra.csv'), `${[headers, ...rows].map((row) => row.join(',')).join('\n')}\n`);
  return dir;
}

async function session(exportsDir: string): Promise<McpSession> {
  const ctx = new ServerContext(
    { MIGRATION_HOME: `${exportsDir}-home`, KARTRA_EXPORTS_DIR: exportsDir },
    { connect: async () => ({ mode: 'rehearsal', client, describe: () => REHEARSAL_NOTICE, close: async () => undefined }) },
  );
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const mcp = new Client({ name: 'result-size', version: '1' });
  await Promise.all([createServer(ctx).connect(serverSide), mcp.connect(clientSide)]);
  open.push({ mcp, ctx });
  return new McpSession(mcp, { mode: 'rehearsal', heading: REHEARSAL_HEADING });
}

const letters = (seed: number, length: number): string => Array.from({ length }, (_, j) => String.fromCharCode(97 + ((seed * 31 + j * 7) % 26))).join('');
const kanji = (seed: number, length: number): string => Array.from({ length }, (_, j) => String.fromCodePoint(0x4e00 + ((seed * 31 + j * 7) % 2000))).join('');

describe('results stay under 100 kB on the wire', () => {
  it('propose_mapping of a lead export with 130 custom fields', async () => {
    const dir = writeExport('many-custom-fields', { count: 130, header: (i) => `custom field ${i} ${letters(i, 24)}`, value: (i, r) => `${letters(i + r, 12)} ${letters(i * r, 20)}` });
    const s = await session(dir);
    await s.ok('inspect_exports');
    // ok: not refused as too large; McpSession checks the size of every result
    const proposed = await s.ok('propose_mapping');
    if (proposed.columnsNotShown > 0) await s.ok('propose_mapping', { offset: proposed.columns.length });
  });

  it('inspect_exports and propose_mapping of an export written in Japanese (three bytes a character)', async () => {
    const dir = writeExport('japanese', { count: 170, header: (i) => `${kanji(i, 30)}${i}`, value: (i, r) => kanji(i + r * 13, 40) });
    const s = await session(dir);
    await s.ok('inspect_exports');
    await s.ok('propose_mapping');
  });
});
