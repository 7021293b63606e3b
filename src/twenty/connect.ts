import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { migrationHome, setting } from '../config.js';
import { startSandbox, type SandboxHandle } from '../sandbox/index.js';
import { clientFromEnvironment, createTwentyClient, type TwentyClient, type TwentyClientOptions } from './client.js';

/**
 * Which Twenty the tool talks to. With TWENTY_API_URL set, that workspace ("live"). Without it, an embedded sandbox
 * on this machine ("rehearsal"), whose data is kept under MIGRATION_HOME so a rehearsal survives a restart. Every
 * result built on a rehearsal connection must say so, so nobody mistakes the sandbox for their real CRM.
 */
export interface TwentyConnection {
  mode: 'live' | 'rehearsal';
  client: TwentyClient;
  /** For a person: "rehearsal on the local sandbox (nothing is sent to Twenty)" or the workspace's host. */
  describe(): string;
  close(): Promise<void>;
}

export const REHEARSAL_NOTICE = 'rehearsal on the local sandbox: nothing is sent to any real Twenty workspace';

export async function connectTwenty(
  env: Record<string, string | undefined> = process.env,
  options: Omit<TwentyClientOptions, 'baseUrl' | 'apiKey'> = {},
): Promise<TwentyConnection> {
  const live = clientFromEnvironment(env, options);
  if (live) {
    const host = new URL(setting(env, 'TWENTY_API_URL')!).host;
    return { mode: 'live', client: live, describe: () => `live Twenty at ${host}`, close: () => live.close() };
  }
  const home = migrationHome(env);
  mkdirSync(home, { recursive: true });
  const sandbox: SandboxHandle = await startSandbox({ dataFile: join(home, 'rehearsal-sandbox.json') });
  let client: TwentyClient;
  try {
    client = createTwentyClient({ ...options, baseUrl: sandbox.url, apiKey: sandbox.apiKey });
  } catch (error) {
    await sandbox.close(); // a listening sandbox left behind would keep the process alive
    throw error;
  }
  return {
    mode: 'rehearsal',
    client,
    describe: () => REHEARSAL_NOTICE,
    close: async () => {
      await client.close();
      await sandbox.close();
    },
  };
}
