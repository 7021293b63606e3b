import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ServerContext } from '../server/context.js';
import applySchemaChanges from './apply-schema-changes.js';
import automationInventory from './automation-inventory.js';
import { registerTool } from './define.js';
import describeTwenty from './describe-twenty.js';
import editMapping from './edit-mapping.js';
import importStatus from './import-status.js';
import inspectExports from './inspect-exports.js';
import previewImport from './preview-import.js';
import previewRollback from './preview-rollback.js';
import previewSchemaChanges from './preview-schema-changes.js';
import proposeMapping from './propose-mapping.js';
import reconciliationReport from './reconciliation-report.js';
import rollbackImport from './rollback-import.js';
import startImport from './start-import.js';

/** Every MCP tool, one file each, in the order of the guided flow. */
export const TOOLS = [
  inspectExports,
  describeTwenty,
  proposeMapping,
  editMapping,
  previewSchemaChanges,
  applySchemaChanges,
  previewImport,
  startImport,
  importStatus,
  reconciliationReport,
  previewRollback,
  rollbackImport,
  automationInventory,
] as const;

export function registerTools(server: McpServer, ctx: ServerContext): void {
  for (const tool of TOOLS) registerTool(server, ctx, tool as never);
}
