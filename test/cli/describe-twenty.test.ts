import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/index.js';
import { runCliAsync } from '../helpers/cli.js';

/** The built CLI, asynchronously: a sandbox in this process must keep answering meanwhile. */
const run = (args: string[], env: Record<string, string>) => runCliAsync(args, env, 60_000);

describe('kartra-twenty describe-twenty', () => {
  it('without TWENTY_API_URL says it is a rehearsal on the local sandbox', async () => {
    const result = await run(['describe-twenty'], { MIGRATION_HOME: mkdtempSync(join(tmpdir(), 'describe-')) });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Twenty: rehearsal on the local sandbox/);
    expect(result.stdout).toMatch(/people\s+\d+/);
  });

  it('with TWENTY_API_URL names the workspace host, and a wrong key is one clear line without the key', async () => {
    const sandbox = await startSandbox({ profile: 'v1', rateLimit: false });
    try {
      const good = await run(['describe-twenty', '--json'], { TWENTY_API_URL: sandbox.url, TWENTY_API_KEY: sandbox.apiKey });
      expect(good.status).toBe(0);
      const summary = JSON.parse(good.stdout) as { mode: string; connection: string; noteTargetLinks: string; batchMax: number };
      expect(summary).toMatchObject({ mode: 'live', connection: `live Twenty at ${new URL(sandbox.url).host}`, noteTargetLinks: 'plain' });
      expect(good.stdout).not.toContain(sandbox.apiKey);

      const wrongKey = 'not-the-key-0123456789';
      const bad = await run(['describe-twenty'], { TWENTY_API_URL: sandbox.url, TWENTY_API_KEY: wrongKey });
      expect(bad.status).not.toBe(0);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
      expect(bad.stderr).toMatch(/key/i);
      expect(bad.stdout + bad.stderr).not.toContain(wrongKey);
      expect(bad.stderr).not.toMatch(/^\s+at /m);
    } finally {
      await sandbox.close();
    }
  });
});
