import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UserError } from '../errors.js';
import { FaultInjector, resolveFaults, type FaultOptions } from './faults.js';
import { MetadataService } from './metadata.js';
import { RateLimiter, resolveRateLimit, type SandboxRateLimit } from './rate-limit.js';
import { RecordService } from './records.js';
import { PROFILES, type ProfileName } from './schema.js';
import { createRequestHandler, emptyStats, type SandboxStats } from './server.js';
import { Store, type StoredRecord } from './store.js';

/**
 * A local server that behaves like Twenty's REST API for everything an importer uses (twenty-api.md), for tests,
 * benchmarks and rehearsals. Not a real CRM: nothing leaves the machine.
 */

export type { FaultOptions } from './faults.js';
export type { SandboxRateLimit } from './rate-limit.js';
export type { ProfileName } from './schema.js';
export type { SandboxStats } from './server.js';
export type { StoredRecord } from './store.js';
export { parseFaultsSpec } from './faults.js';
export { describeRateLimit, parseRateLimitSpec } from './rate-limit.js';

export interface SandboxOptions {
  /** `v1` (Twenty 1.x) or `v2` (2.x, the default); a data file keeps the profile it was created with. */
  profile?: ProfileName;
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** The API key clients must send as `Authorization: Bearer <key>`; random by default (kept in the data file). */
  apiKey?: string;
  /** The API key's name, written into `createdBy.name` of created records. Default "Sandbox API key". */
  apiKeyName?: string;
  /** JSON file the data is kept in; loaded on start, written after changes. Without it the data lives in memory. */
  dataFile?: string;
  /** Milliseconds a change may wait before it is written to the data file (default 100; 0 writes at once). */
  persistDelayMs?: number;
  /** Token buckets (defaults 100 per 1000 ms and 100 per 60 000 ms); `false` turns throttling off. */
  rateLimit?: Partial<SandboxRateLimit> | false;
  /** Fault injection on record routes; deterministic for a given seed. */
  faults?: FaultOptions;
  /** Clock, for tests (timestamps and token buckets). Default `Date.now`. */
  now?: () => number;
}

export interface SandboxHandle {
  /** Base URL, e.g. `http://127.0.0.1:41234` (a client calls `${url}/rest/people`). */
  url: string;
  port: number;
  apiKey: string;
  profile: ProfileName;
  /** The resolved token buckets, or false when throttling is off. */
  rateLimit: SandboxRateLimit | false;
  /** Counters: calls per route, 429s, 401s, faults injected. A copy. */
  stats(): SandboxStats;
  resetStats(): void;
  /** The stored records of an object (by plural name), soft-deleted ones included, as stored. Copies. */
  records(plural: string): StoredRecord[];
  /** Writes pending changes to the data file. */
  flush(): Promise<void>;
  /** Stops listening, drops hung and open connections, flushes the data file. */
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<SandboxHandle> {
  if (options.profile !== undefined && !(options.profile in PROFILES)) throw new UserError(`profile must be v1 or v2, not "${String(options.profile)}"`);
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`port must be a whole number from 0 to 65535, not ${String(options.port)}`);
  if (options.apiKey !== undefined && !/^[\x21-\x7e]{8,}$/.test(options.apiKey)) throw new UserError('apiKey must be at least 8 printable characters without spaces');
  const now = options.now ?? Date.now;
  const rateLimit = options.rateLimit === false ? false : resolveRateLimit(options.rateLimit);
  const faults = new FaultInjector(resolveFaults(options.faults ?? {}));

  const store = await Store.open({ profile: options.profile, apiKey: options.apiKey, dataFile: options.dataFile, persistDelayMs: options.persistDelayMs, now });
  const records = new RecordService(store, { now, apiKeyName: options.apiKeyName ?? 'Sandbox API key' });
  const metadata = new MetadataService(store, now);
  let stats = emptyStats();
  const hung = new Set<ServerResponse>();
  const server = createServer(
    createRequestHandler({
      store, records, metadata, faults, now, hung,
      limiter: rateLimit ? new RateLimiter(rateLimit) : undefined,
      get stats() {
        return stats;
      },
    }),
  );
  await listen(server, port);
  const address = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${address.port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    apiKey: store.apiKey,
    profile: store.profile.name,
    rateLimit,
    stats: () => structuredClone(stats),
    resetStats: () => {
      stats = emptyStats();
    },
    records: (plural) => {
      const object = store.objectByPlural(plural);
      if (!object) throw new Error(`no object "${plural}" in the sandbox`);
      return structuredClone([...store.table(object.id).values()]);
    },
    flush: () => store.flush(),
    close: () => {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const res of hung) res.socket?.destroy();
        server.closeAllConnections();
        await closed;
        await store.flush();
      })();
      return closing;
    },
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new UserError(`port ${port} is already in use; pick another with --port, or 0 for any free port`) : error);
    };
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
}
