#!/usr/bin/env node
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { ServerContext } from './context.js';
import { createServer } from './server.js';

// stdout carries the protocol; anything for a person goes to stderr (Claude Desktop keeps it in its MCP log).
const ctx = new ServerContext();
const server = createServer(ctx);
await server.connect(new StdioServerTransport());
process.stderr.write(`kartra-twenty-mcp: ready on stdio (${ctx.target()})\n`);

// Claude Desktop stops the server by closing its stdin or with a signal: end running jobs cleanly (their journals
// make the next start go on where they stopped) and close the rehearsal sandbox.
let closing = false;
const shutdown = async (): Promise<void> => {
  if (closing) return;
  closing = true;
  await ctx.close().catch(() => undefined);
  await server.close().catch(() => undefined);
  process.exit(0);
};
process.stdin.on('end', () => void shutdown());
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
