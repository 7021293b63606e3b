import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REHEARSAL_NOTICE, TwentyConfigError, connectTwenty } from '../../src/twenty/index.js';

describe('connectTwenty', () => {
  it('without TWENTY_API_URL: an embedded sandbox, called a rehearsal, keeping its data under MIGRATION_HOME', async () => {
    const home = mkdtempSync(join(tmpdir(), 'migration-home-'));
    const connection = await connectTwenty({ MIGRATION_HOME: home });
    try {
      expect(connection.mode).toBe('rehearsal');
      expect(connection.describe()).toBe(REHEARSAL_NOTICE);
      expect(connection.describe()).toMatch(/rehearsal/);
      const schema = await connection.client.schema();
      expect(schema.object('person')).toBeDefined();
    } finally {
      await connection.close();
    }
    expect(existsSync(join(home, 'rehearsal-sandbox.json'))).toBe(true);
  });

  it('with TWENTY_API_URL and a key: the live workspace, named by its host only', async () => {
    const connection = await connectTwenty({ TWENTY_API_URL: 'https://crm.example.com', TWENTY_API_KEY: 'secret-key-123456' });
    expect(connection.mode).toBe('live');
    expect(connection.describe()).toBe('live Twenty at crm.example.com');
    expect(connection.describe()).not.toContain('secret-key');
    await connection.close();
  });

  it('with TWENTY_API_URL but no key: a clear error, not a rehearsal by accident', async () => {
    await expect(connectTwenty({ TWENTY_API_URL: 'https://crm.example.com' })).rejects.toBeInstanceOf(TwentyConfigError);
  });
});
