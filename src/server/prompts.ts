/** The MCP prompts: texts under prompts/, with their few arguments filled in. */
import { readFileSync } from 'node:fs';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

const text = (name: string): string => readFileSync(new URL(`../../prompts/${name}.md`, import.meta.url), 'utf8');

const user = (body: string) => ({ messages: [{ role: 'user' as const, content: { type: 'text' as const, text: body } }] });

export function registerPrompts(server: McpServer): void {
  server.registerPrompt(
    'migrate-kartra-to-twenty',
    {
      title: 'Migrate Kartra to Twenty',
      description: 'The guided migration: inspect, Twenty schema, mapping review, schema changes, sample import, spot-check, full import, reconciliation, automation inventory; one confirmation per write.',
      argsSchema: { exports: z.string().max(500).optional().describe('Files or folders inside the exports folder (default: all of it)') },
    },
    ({ exports }) => user(text('migrate-kartra-to-twenty').replace('{{exports}}', exports ? ` The exports: ${exports}.` : ' The exports are in the allowed exports folder.')),
  );
  server.registerPrompt(
    'review-mapping',
    {
      title: 'Review a mapping',
      description: 'Goes through the columns of a migration\'s mapping that need a decision, one by one, and applies the answers.',
      argsSchema: { migrationId: z.string().regex(/^m-[0-9a-f]{12}$/).describe('The migration id propose_mapping returned') },
    },
    ({ migrationId }) => user(text('review-mapping').replace('{{migrationId}}', migrationId)),
  );
}
