import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { getMcpConfigForManifest, type McpbManifestAny } from '@anthropic-ai/mcpb/browser';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { describe, expect, it } from 'vitest';
import { createServer } from '../../src/server/server.js';
import { TOOL_NAMES } from './mcp-flow.js'; // design.md "MCP surface": the stable tool names

/** The Claude Desktop bundle's manifest against what the code reads and serves. */

interface UserConfigOption {
  type: string;
  title: string;
  description: string;
  required?: boolean;
  sensitive?: boolean;
  default?: unknown;
}

const root = path.resolve(import.meta.dirname, '..', '..');
const manifest = JSON.parse(readFileSync(path.join(root, 'manifest.json'), 'utf8')) as McpbManifestAny & {
  user_config: Record<string, UserConfigOption>;
};
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  license: string;
  engines: { node: string };
  bin: Record<string, string>;
};


/** The environment the code reads its configuration from (design.md "Configuration"), by user_config key. */
const ENV_BY_SETTING = {
  twenty_api_url: 'TWENTY_API_URL',
  twenty_api_key: 'TWENTY_API_KEY',
  exports_dir: 'KARTRA_EXPORTS_DIR',
  anthropic_api_key: 'ANTHROPIC_API_KEY',
  migration_home: 'MIGRATION_HOME',
};

describe('manifest.json', () => {
  it('names the package and its version, license, node and entry point', () => {
    expect(manifest.name).toBe(pkg.name);
    expect(manifest.version).toBe(pkg.version);
    expect(manifest.license).toBe(pkg.license);
    expect(manifest.compatibility?.runtimes?.node).toBe(pkg.engines.node);
    expect(manifest.server.entry_point).toBe(pkg.bin['kartra-twenty-mcp']);
    expect(manifest.server.mcp_config?.args).toEqual([`\${__dirname}/${manifest.server.entry_point}`]);
  });

  it('maps each setting onto exactly the environment variable the code reads', () => {
    const env = manifest.server.mcp_config?.env ?? {};
    expect(new Set(Object.keys(env))).toEqual(new Set(Object.values(ENV_BY_SETTING)));
    expect(new Set(Object.keys(manifest.user_config))).toEqual(new Set(Object.keys(ENV_BY_SETTING)));
    for (const [setting, variable] of Object.entries(ENV_BY_SETTING)) {
      expect(env[variable], variable).toBe(`\${user_config.${setting}}`);
    }
  });

  it('keeps the keys secret, asks for the exports folder, leaves the rest optional', () => {
    const config = manifest.user_config;
    expect(config.twenty_api_key?.sensitive).toBe(true);
    expect(config.anthropic_api_key?.sensitive).toBe(true);
    for (const key of ['twenty_api_url', 'exports_dir', 'migration_home']) expect(config[key]?.sensitive, key).not.toBe(true);
    expect(config.exports_dir).toMatchObject({ type: 'directory', title: 'Kartra exports folder', required: true });
    expect(config.migration_home).toMatchObject({ type: 'directory', required: false });
    expect(config.twenty_api_url).toMatchObject({ type: 'string', title: 'Twenty API URL', required: false });
    expect(config.twenty_api_url?.description).toMatch(/empty to rehearse on the embedded sandbox/);
  });

  it('sends an empty string, not its placeholder, for an optional setting left empty', async () => {
    // Without a default, the host passes "${user_config.x}" through unchanged (modelcontextprotocol/mcpb#250).
    const exports = path.join(root, 'fixtures');
    const config = await getMcpConfigForManifest({
      manifest,
      extensionPath: '/extension',
      systemDirs: {},
      userConfig: { exports_dir: exports },
      pathSeparator: '/',
    });
    expect(config?.args).toEqual(['/extension/dist/server/main.js']);
    expect(config?.env).toEqual({
      TWENTY_API_URL: '',
      TWENTY_API_KEY: '',
      KARTRA_EXPORTS_DIR: exports,
      ANTHROPIC_API_KEY: '',
      MIGRATION_HOME: '',
    });
  });

  it('lists the thirteen tools and the two prompts', () => {
    expect(manifest.tools?.map((tool) => tool.name)).toEqual(TOOL_NAMES);
    for (const tool of manifest.tools ?? []) expect(tool.description, tool.name).toMatch(/^\S.{10,}$/);
    expect(manifest.prompts?.map((prompt) => prompt.name)).toEqual(['migrate-kartra-to-twenty', 'review-mapping']);
  });

  it('lists exactly the tools the server registers', async () => {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'test', version: '1' });
    await Promise.all([createServer().connect(serverSide), client.connect(clientSide)]);
    const { tools } = await client.listTools();
    await client.close();
    expect(tools.map((t) => t.name).sort()).toEqual([...TOOL_NAMES].sort());
  });

  it('passes mcpb validate', async () => {
    const bin = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'mcpb.cmd' : 'mcpb');
    const { stdout } = await promisify(execFile)(bin, ['validate', 'manifest.json'], {
      cwd: root,
      shell: process.platform === 'win32',
    });
    expect(stdout).toMatch(/Manifest schema validation passes/);
  });
});
