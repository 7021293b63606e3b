import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { describe, expect, it } from 'vitest';
import { createServer, SERVER_NAME } from '../../src/server/server.js';

describe('MCP server', () => {
  it('answers initialize and tools/list in memory', async () => {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'test', version: '1' });
    await Promise.all([createServer().connect(serverSide), client.connect(clientSide)]);
    expect(client.getServerVersion()?.name).toBe(SERVER_NAME);
    expect(client.getServerCapabilities()?.tools).toBeDefined();
    const { tools } = await client.listTools();
    expect(Array.isArray(tools)).toBe(true);
    await client.close();
  });

  it('starts from the built bin over stdio and lists its tools', async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: ['dist/server/main.js'], stderr: 'pipe' });
    const client = new Client({ name: 'test', version: '1' });
    await client.connect(transport);
    expect(client.getServerVersion()?.name).toBe(SERVER_NAME);
    const { tools } = await client.listTools();
    expect(Array.isArray(tools)).toBe(true);
    await client.close();
  });
});
