import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

/**
 * Every MCP tool, one file each, registered here. The migration tools (inspect_exports, describe_twenty,
 * propose_mapping, ...) arrive with the issues that build their core; until then the server lists none.
 */
const TOOLS: Array<(server: McpServer) => void> = [];

export function registerTools(server: McpServer): void {
  for (const register of TOOLS) register(server);
}
