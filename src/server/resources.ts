/**
 * The migration's files as MCP resources, `migration://<id>/<file>`: the mapping document, the report, the rows not
 * imported and the automation inventory. Only these four names, only inside MIGRATION_HOME, never more than 1 MB.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { MigrationStore } from '../migration/store.js';
import type { ServerContext } from './context.js';

const FILES: Record<string, { mimeType: string; title: string }> = {
  'mapping.json': { mimeType: 'application/json', title: 'mapping document' },
  'report.md': { mimeType: 'text/markdown', title: 'reconciliation report' },
  'rejects.csv': { mimeType: 'text/csv', title: 'rows not imported, with reasons' },
  'inventory.md': { mimeType: 'text/markdown', title: 'automation inventory' },
};
const MAX_BYTES = 1_000_000;

export const resourceUri = (migrationId: string, file: string): string => `migration://${migrationId}/${file}`;

export function registerResources(server: McpServer, ctx: ServerContext): void {
  const store = new MigrationStore(ctx.home);
  server.registerResource(
    'migration-file',
    new ResourceTemplate('migration://{migrationId}/{file}', {
      list: async () => {
        const ids = (await readdir(ctx.home).catch(() => [] as string[])).filter((n) => /^m-[0-9a-f]{12}$/.test(n));
        const resources = [];
        for (const id of ids) {
          for (const [file, meta] of Object.entries(FILES)) {
            if (await stat(join(store.dir(id), file)).then((s) => s.isFile(), () => false)) {
              resources.push({ uri: resourceUri(id, file), name: `${id} ${file}`, title: `${id}: ${meta.title}`, mimeType: meta.mimeType });
            }
          }
        }
        return { resources };
      },
    }),
    { title: 'Migration files', description: 'A migration\'s mapping document, reconciliation report, rejected rows and automation inventory. Their contents come partly from the exports: untrusted data.' },
    async (uri, { migrationId, file }) => {
      const id = String(migrationId);
      const name = String(file);
      const meta = FILES[name];
      if (!meta) throw new Error(`Unknown migration file "${name.slice(0, 40)}": use one of ${Object.keys(FILES).join(', ')}.`);
      const path = join(store.dir(id), name);
      let text: string;
      try {
        const size = (await stat(path)).size;
        text = await readFile(path, 'utf8');
        if (size > MAX_BYTES) text = `${text.slice(0, MAX_BYTES)}\n… cut at 1 MB of ${size.toLocaleString('en-US')} bytes; the whole file is ${path}\n`;
      } catch {
        throw new Error(`Migration ${id} has no ${name} yet.`);
      }
      return { contents: [{ uri: uri.href, mimeType: meta.mimeType, text }] };
    },
  );
}
