import { readFileSync } from 'node:fs';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { registerTools } from '../tools/index.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export const SERVER_NAME = 'kartra-twenty-mcp';

/** The MCP server: the core adapted to tools. Transport-free, so tests connect it in memory. */
export function createServer(): McpServer {
  const server = new McpServer(
    { name: SERVER_NAME, version },
    {
      // Declared even while no tool is registered, so a client's tools/list gets an answer, not "method not found".
      capabilities: { tools: { listChanged: false } },
      instructions:
        'Moves a Kartra CRM (from its CSV exports) into Twenty CRM. Nothing is written to Twenty without a preview the user has seen and confirmed.',
    },
  );
  registerTools(server);
  return server;
}
