/**
 * Notes and their links have no unique key in Twenty, so an upsert cannot match a replayed one by content: when the
 * answer to a batch of notes is lost after Twenty applied it (a dropped connection, a timeout), the client's retry
 * sends the same batch again and must not create every note a second time. Found by the soak (drops after apply):
 * the reconciliation showed notes held twice.
 *
 * A proxy in front of the sandbox forwards every request and, for the first batch write of notes and of note links,
 * lets the sandbox apply it but destroys the connection instead of answering.
 */
import { createServer, request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceRowsOf } from '../../src/migration/reconcile.js';
import { reconcile } from '../../src/migration/reconcile.js';
import { startSandbox, type ProfileName } from '../../src/sandbox/index.js';
import { createTwentyClient } from '../../src/twenty/index.js';
import { listenLocal } from '../helpers/local-server.js';
import { API_KEY, importStage, live, migrationFolder, prepareMigration, type Workspace } from './engine-helpers.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'notes-replay-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Forwards to `target`; the first POST to each of `dropFirst` is applied by the sandbox and its answer never sent. */
async function droppingProxy(target: string, dropFirst: string[]): Promise<{ url: string; dropped: string[]; close: () => Promise<void> }> {
  const dropped: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      const drop = req.method === 'POST' && dropFirst.includes(path) && !dropped.includes(path);
      if (drop) dropped.push(path);
      const upstream = request(`${target}${req.url ?? '/'}`, { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, (answer) => {
        const body: Buffer[] = [];
        answer.on('data', (c: Buffer) => body.push(c));
        answer.on('end', () => {
          if (drop) return void req.socket.destroy(); // applied, never answered
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(Buffer.concat(body));
        });
      });
      upstream.on('error', () => res.destroy());
      upstream.end(Buffer.concat(chunks));
    });
  });
  const { url, close } = await listenLocal(server);
  return { url, dropped, close };
}

describe.each(['v1', 'v2'] as const)('a batch of notes whose answer was lost (%s)', (profile: ProfileName) => {
  it('is not created twice by the client\'s retry, nor are their links', async () => {
    const sandbox = await startSandbox({ profile, apiKey: API_KEY, rateLimit: false });
    const proxy = await droppingProxy(sandbox.url, ['/rest/batch/notes', '/rest/batch/noteTargets']);
    const client = createTwentyClient({ baseUrl: proxy.url, apiKey: API_KEY, rateLimit: { buckets: [{ limit: 100_000, windowMs: 1000 }], safetyMargin: 0 }, retryDelay: { minMs: 10, maxMs: 50 } });
    const workspace: Workspace = { profile, sandbox, client, close: async () => undefined };
    try {
      const migration = await prepareMigration(workspace, 'fixtures/samples/messy');
      const dir = await migrationFolder(root);
      const result = await importStage(workspace, migration, dir, 'full');
      expect(proxy.dropped).toEqual(['/rest/batch/notes', '/rest/batch/noteTargets']);
      expect(client.stats().retries).toBeGreaterThanOrEqual(2);
      const notes = live(sandbox, 'notes');
      expect(notes.length).toBeGreaterThan(0);
      expect(notes.length).toBe(result.counts.notes.created);
      const titles = notes.map((n) => String(n.title));
      expect(titles.filter((t, i) => titles.indexOf(t) !== i)).toEqual([]);
      const links = live(sandbox, 'noteTargets');
      const linked = links.map((l) => String(l.noteId));
      expect(linked.filter((id, i) => linked.indexOf(id) !== i)).toEqual([]);
      expect(links.length).toBe(notes.length);
      const notesPhase = (await reconcile(dir, client, sourceRowsOf(migration.mapping))).find((r) => r.phase === 'notes');
      expect(notesPhase).toMatchObject({ duplicated: [], missing: [], balanced: true });
    } finally {
      await client.close();
      await proxy.close();
      await sandbox.close();
    }
  }, 60_000);
});
