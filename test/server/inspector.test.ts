/**
 * A real client written by others: the MCP Inspector's CLI (a devDependency, so nothing is fetched at test time)
 * starts the built server over stdio, lists its tools and calls one. It passes the server only the environment given
 * with -e; its HOME and catalog are temporary folders, so it writes nothing outside them.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSamples } from '../../src/samples/generate.js';
import { REPO_ROOT } from '../helpers/edge.js';
import { REHEARSAL_HEADING, TOOL_NAMES } from './mcp-flow.js';

const run = promisify(execFile);
const INSPECTOR = join(REPO_ROOT, 'node_modules', '.bin', process.platform === 'win32' ? 'mcp-inspector.cmd' : 'mcp-inspector');
const SERVER = join(REPO_ROOT, 'dist', 'server', 'main.js');

let root: string;
let serverEnv: string[];
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'mcp-inspector-'));
  const exportsDir = join(root, 'exports');
  await generateSamples({ outDir: exportsDir, leads: 5, seed: 3 });
  mkdirSync(join(root, 'home'));
  serverEnv = ['-e', `MIGRATION_HOME=${join(root, 'migrations')}`, '-e', `KARTRA_EXPORTS_DIR=${exportsDir}`];
  env = { PATH: process.env.PATH, HOME: join(root, 'home'), USERPROFILE: join(root, 'home'), MCP_CATALOG_PATH: join(root, 'catalog.json') };
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

/** The inspector's CLI on the built server: the target first, then the inspector's options. */
async function inspector(...options: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(INSPECTOR, ['--cli', process.execPath, SERVER, ...serverEnv, ...options], { env, cwd: root, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string; killed?: boolean };
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('npx @modelcontextprotocol/inspector --cli against the built server', () => {
  it('tools/list shows the 13 tools', async () => {
    const { code, stdout, stderr } = await inspector('--method', 'tools/list');
    expect(code, stderr).toBe(0);
    const { tools } = JSON.parse(stdout) as { tools: { name: string; inputSchema: unknown; outputSchema?: unknown }[] };
    expect(tools.map((t) => t.name)).toEqual(TOOL_NAMES);
    for (const t of tools) expect(t.outputSchema, t.name).toBeDefined();
  }, 30_000);

  it('tools/call describe_twenty says rehearsal', async () => {
    const { code, stdout, stderr } = await inspector('--method', 'tools/call', '--tool-name', 'describe_twenty');
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout) as { content: { type: string; text: string }[]; structuredContent: { connection: string; twenty: { mode: string } }; isError?: boolean };
    expect(result.isError ?? false).toBe(false);
    expect(result.content[0]?.text.startsWith(REHEARSAL_HEADING)).toBe(true);
    expect(result.structuredContent.twenty.mode).toBe('rehearsal');
    expect(result.structuredContent.connection).toMatch(/^rehearsal on the local sandbox/);
  }, 30_000);

  it('a refused call is an isError result, which the inspector reports with its tool-error exit code', async () => {
    const { code, stdout } = await inspector('--method', 'tools/call', '--tool-name', 'inspect_exports', '--tool-arg', 'paths=["../elsewhere.csv"]');
    expect(code).toBe(5);
    const result = JSON.parse(stdout) as { content: { text: string }[]; isError: boolean };
    expect(result.isError).toBe(true);
    expect(result.content[0]?.text).toMatch(/^\[rehearsal: [^\]]*\]\nRefused "\.\.\/elsewhere\.csv": it is outside the exports folder/);
  }, 30_000);
});
