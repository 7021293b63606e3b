import { describe, expect, it } from 'vitest';
import { migrationHome, setting } from '../src/config.js';
import { clientFromEnvironment } from '../src/twenty/client.js';

describe('settings from the environment', () => {
  it('are trimmed, and empty ones or unfilled MCP bundle placeholders count as unset', () => {
    expect(setting({ X: '  /a/b  ' }, 'X')).toBe('/a/b');
    expect(setting({ X: '   ' }, 'X')).toBeUndefined();
    expect(setting({ X: '${user_config.migration_home}' }, 'X')).toBeUndefined();
    expect(setting({}, 'X')).toBeUndefined();
    expect(migrationHome({ MIGRATION_HOME: '${user_config.migration_home}' })).toMatch(/\.kartra-twenty$/);
  });

  it('a placeholder Twenty URL means rehearsal, not a request to a bogus host', () => {
    expect(clientFromEnvironment({ TWENTY_API_URL: '${user_config.twenty_api_url}', TWENTY_API_KEY: '${user_config.twenty_api_key}' })).toBeUndefined();
  });
});
