/**
 * What the kill-and-resume and local-failure stress tests share: a seed printed so a failure can be replayed
 * (`STRESS_SEED=<seed> npx vitest run <file>`), a pass-through proxy in front of the sandbox that knows which
 * requests are in flight (where a kill landed) and can kill a process at the moment a write reaches the sandbox or is
 * answered, the built CLI run as a child that such a plan kills with SIGKILL, what the sandbox holds reduced to what
 * two sandboxes can be compared on, the journal read back row by row, and newer exports for a delta.
 *
 * The sandbox and the proxy run in the test's process: killing the CLI or the MCP server never kills them, and a
 * request the child sent before it died is still delivered and applied, as a real Twenty would.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent as HttpAgent, createServer, request, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { expect } from 'vitest';
import { inspectExports } from '../../src/kartra/inspect.js';
import { JOURNAL_FILE, readJournalState, type RowOutcome } from '../../src/migration/engine.js';
import { readJournal } from '../../src/migration/journal.js';
import { migrationIdFor } from '../../src/migration/store.js';
import type { SandboxHandle, StoredRecord } from '../../src/sandbox/index.js';
import { mulberry32 } from '../../src/seeded-random.js';
import { CLI } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/edge.js';
import { listenLocal } from '../helpers/local-server.js';
import { McpSession } from '../server/mcp-flow.js';

// Seeds and folders

export type Seeded = { seed: number; random: () => number; context: string; pick: <T>(items: readonly T[]) => T; between: (low: number, high: number) => number };

/** The test's seed: STRESS_SEED when set (to replay a failure), else a new one; printed either way. */
export function seeded(name: string): Seeded {
  const fromEnv = Number(process.env.STRESS_SEED);
  const seed = Number.isSafeInteger(fromEnv) && fromEnv > 0 ? fromEnv : 1 + (Date.now() % 1_000_000);
  console.info(`${name}: seed ${seed} (replay: STRESS_SEED=${seed} npx vitest run test/stress/)`);
  const random = mulberry32(seed);
  return {
    seed,
    random,
    context: `${name}, seed ${seed}`,
    pick: (items) => items[Math.floor(random() * items.length)]!,
    between: (low, high) => low + Math.floor(random() * (high - low + 1)),
  };
}

const temporary: string[] = [];
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  temporary.push(dir);
  return dir;
}
export async function removeTempDirs(): Promise<void> {
  for (const dir of temporary.splice(0)) await rm(dir, { recursive: true, force: true });
}

/** The migration id the tool gives these exports (it comes from their content). */
export async function migrationIdOf(exportsDir: string): Promise<string> {
  const inspection = await inspectExports([exportsDir]);
  return migrationIdFor(inspection.files.map((f) => f.sha256));
}

// The watching proxy

export type FlightKind = 'write' | 'read' | 'schema';
/** One request between a child and the sandbox. */
export type Flight = { run: number; kind: FlightKind; method: string; path: string; answered: boolean };

export type WatchingProxy = {
  url: string;
  /** The run whose process sends the requests arriving now (runs never overlap: each waits for the last to end). */
  run: number;
  readonly inFlight: Set<Flight>;
  /** Requests per run and kind that reached the sandbox. */
  readonly sent: Map<number, Record<FlightKind, number>>;
  /** Called once a request has fully arrived, before it is passed on. */
  onSent: ((flight: Flight) => void) | undefined;
  /** Called once the sandbox answered, before the answer is passed back. */
  onAnswered: ((flight: Flight) => void) | undefined;
  /** While set, the requests it applies to wait for `opened` before they are passed on (a job held in the middle). */
  gate: { applies: (flight: Flight) => boolean; opened: Promise<void> } | undefined;
  /** Resolves when no request is in flight (a dead child's included). */
  idle(): Promise<void>;
  close(): Promise<void>;
};

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding']);
const endToEnd = (headers: IncomingHttpHeaders): IncomingHttpHeaders => Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())));

function kindOf(method: string, path: string): FlightKind {
  if (method === 'GET') return 'read';
  return path.startsWith('/rest/metadata') ? 'schema' : 'write';
}

/**
 * A pass-through proxy: each request is read whole, then forwarded whatever became of its client meanwhile. With
 * `batchCap`, a batch of more records is answered as Twenty 1.x answers one over its QUERY_MAX_RECORDS (400,
 * TOO_MANY_RECORDS_TO_UPDATE, "Maximum number of records to upsert is N."): the client learns the cap, so a small
 * import makes enough batches for kills to land between them.
 */
export async function startProxy(target: string, options: { batchCap?: number } = {}): Promise<WatchingProxy> {
  const agent = new HttpAgent({ keepAlive: true });
  const proxy: Omit<WatchingProxy, 'url' | 'close'> = {
    run: 0,
    inFlight: new Set(),
    sent: new Map(),
    onSent: undefined,
    onAnswered: undefined,
    gate: undefined,
    idle: async () => {
      while (proxy.inFlight.size > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    },
  };
  const server = createServer((req, res) => {
    req.on('error', () => {});
    res.on('error', () => {});
    const body: Buffer[] = [];
    req.on('data', (chunk: Buffer) => body.push(chunk));
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      const bytes = Buffer.concat(body);
      if (options.batchCap !== undefined && method === 'POST' && path.startsWith('/rest/batch/')) {
        let records = 0;
        try {
          const parsed = JSON.parse(bytes.toString('utf8')) as unknown;
          records = Array.isArray(parsed) ? parsed.length : 0;
        } catch {
          records = 0;
        }
        if (records > options.batchCap) {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ statusCode: 400, error: 'BadRequestException', messages: [`Maximum number of records to upsert is ${options.batchCap}.`], code: 'TOO_MANY_RECORDS_TO_UPDATE' }));
          return;
        }
      }
      const flight: Flight = { run: proxy.run, kind: kindOf(method, path), method, path, answered: false };
      const counts = proxy.sent.get(flight.run) ?? { write: 0, read: 0, schema: 0 };
      counts[flight.kind] += 1;
      proxy.sent.set(flight.run, counts);
      proxy.inFlight.add(flight);
      proxy.onSent?.(flight);
      const gate = proxy.gate?.applies(flight) ? proxy.gate.opened : Promise.resolve();
      void gate.then(() => forward(flight, method, path, req.headers, bytes, res));
    });
  });
  const forward = (flight: Flight, method: string, path: string, headers: IncomingHttpHeaders, bytes: Buffer, res: ServerResponse): void => {
    const upstream = request(`${target}${path}`, { method, headers: endToEnd(headers), agent }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        flight.answered = true;
        proxy.onAnswered?.(flight);
        proxy.inFlight.delete(flight);
        if (res.destroyed) return;
        res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
        res.end(Buffer.concat(chunks));
      });
    });
    upstream.on('error', () => {
      proxy.inFlight.delete(flight);
      res.destroy();
    });
    upstream.end(bytes);
  };
  const { url, close } = await listenLocal(server);
  return Object.assign(proxy, {
    url,
    close: async () => {
      await close();
      agent.destroy();
    },
  });
}

// Kill plans

/**
 * When to kill: `delay` ms after the process started (startup, mapping, schema, reads or writes: wherever it is);
 * `write-sent` as its nth write reaches the sandbox (the write is applied, the process never hears of it);
 * `write-answered` as the sandbox answers its nth write (applied and answered, the answer never delivered).
 */
export type KillPlan = { mode: 'delay'; ms: number } | { mode: 'write-sent' | 'write-answered'; nth: number };

export type Landing = 'write answered, answer not delivered' | 'write sent, not answered' | 'schema change in flight' | 'read in flight' | 'between requests';

export function landingOf(proxy: WatchingProxy, run: number): Landing {
  const mine = [...proxy.inFlight].filter((f) => f.run === run);
  if (mine.some((f) => f.kind === 'write' && f.answered)) return 'write answered, answer not delivered';
  if (mine.some((f) => f.kind === 'write')) return 'write sent, not answered';
  if (mine.some((f) => f.kind === 'schema')) return 'schema change in flight';
  return mine.length > 0 ? 'read in flight' : 'between requests';
}

/** Arms `plan` against the process `pid` of `run`; `landing()` says where the kill landed (undefined: no kill). */
export function armKill(proxy: WatchingProxy, run: number, pid: number, plan: KillPlan): { landing: () => Landing | undefined; disarm: () => void } {
  let landing: Landing | undefined;
  let writes = 0;
  const kill = (): void => {
    if (landing !== undefined) return;
    landing = landingOf(proxy, run);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      landing = undefined; // it had ended already
    }
  };
  let timer: NodeJS.Timeout | undefined;
  if (plan.mode === 'delay') timer = setTimeout(kill, plan.ms);
  const nth = plan.mode === 'delay' ? 0 : plan.nth;
  const onWrite = (flight: Flight): void => {
    if (flight.run !== run || flight.kind !== 'write') return;
    writes += 1;
    if (writes === nth) kill();
  };
  if (plan.mode === 'write-sent') proxy.onSent = onWrite;
  if (plan.mode === 'write-answered') proxy.onAnswered = onWrite;
  return {
    landing: () => landing,
    disarm: () => {
      clearTimeout(timer);
      proxy.onSent = undefined;
      proxy.onAnswered = undefined;
    },
  };
}

// The built CLI

export type CliRun = { killed: boolean; landing?: Landing; code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number; run: number };

let runs = 0;

/**
 * Runs `node dist/cli/main.js <args>` with only PATH and `env`, through `proxy` when given (its requests are this
 * run's), killed by `plan` when given; `prefix` runs it under another command (setpriv). Waits for the proxy to be idle
 * after the process ended, so a dead child's last request is applied before anything else looks (unless `waitIdle` is
 * false: runs side by side, where the other's requests may be held).
 */
export function runCli(
  args: string[],
  env: Record<string, string>,
  options: { proxy?: WatchingProxy; plan?: KillPlan; timeoutMs?: number; prefix?: string[]; waitIdle?: boolean } = {},
): Promise<CliRun> {
  const run = ++runs;
  return new Promise((resolve, reject) => {
    const [command, ...before] = options.prefix ?? [process.execPath];
    const child = spawn(command!, [...(options.prefix ? [...before, process.execPath] : []), CLI, ...args], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const started = Date.now();
    if (options.proxy) options.proxy.run = run;
    const armed = options.plan && options.proxy && child.pid !== undefined ? armKill(options.proxy, run, child.pid, options.plan) : undefined;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timeout = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kartra-twenty ${args.join(' ')} did not end in ${options.timeoutMs ?? 30_000} ms; stderr: ${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timeout);
      armed?.disarm();
      const landing = armed?.landing();
      const ms = Date.now() - started;
      void ((options.waitIdle ?? true) && options.proxy ? options.proxy.idle() : Promise.resolve()).then(() =>
        resolve({ killed: landing !== undefined && signal === 'SIGKILL', ...(landing ? { landing } : {}), code, signal, stdout, stderr, ms, run }),
      );
    });
  });
}

// Permissions that bind

/**
 * How to run a child that file permissions stop: as a normal user, as it is (undefined); as root, under setpriv
 * without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, which otherwise let root write in a folder chmod 0555; null when
 * running as root without setpriv (the test then says it skipped).
 */
export function unprivilegedPrefix(): string[] | undefined | null {
  if (process.getuid?.() !== 0) return undefined;
  const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
  return setpriv ? [setpriv, '--bounding-set=-dac_override,-dac_read_search'] : null;
}

// The built MCP server

export type Server = { client: Client; s: McpSession; pid: number; run: number; exited: Promise<void>; stderr: () => string };

let serverRuns = 0;

/**
 * The built server (dist/server/main.js) over stdio with exactly this environment, every result checked by an
 * McpSession (live mode, `heading` first); its Twenty calls are run `run` at the proxy. `prefix` runs it under another
 * command (setpriv). `exited` resolves when the process is gone.
 */
export async function startServer(env: Record<string, string>, heading: string, options: { proxy?: WatchingProxy; prefix?: string[] } = {}): Promise<Server> {
  const [command, ...before] = options.prefix ?? [process.execPath];
  const transport = new StdioClientTransport({
    command: command!,
    args: [...(options.prefix ? [...before, process.execPath] : []), join(REPO_ROOT, 'dist/server/main.js')],
    env,
    cwd: tmpdir(),
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const client = new Client({ name: 'stress', version: '1' });
  // Set before connecting: the client chains its own handler after it.
  const exited = new Promise<void>((resolve) => (transport.onclose = resolve));
  const run = 100_000 + ++serverRuns;
  if (options.proxy) options.proxy.run = run;
  await client.connect(transport);
  return { client, s: new McpSession(client, { mode: 'live', heading }), pid: transport.pid!, run, exited, stderr: () => stderr };
}

/** What a person must never see: a stack trace, or the CLI's "internal error" for a bug. */
export const STACK = /^\s+at |node:internal|\.ts:\d+:\d+|\.js:\d+:\d+|internal error/m;

// What the sandbox holds

export const OBJECTS = ['companies', 'people', 'opportunities', 'notes', 'noteTargets'] as const;
export type ObjectName = (typeof OBJECTS)[number];

/** Fields the server fills in on every write: they differ between two sandboxes whatever was imported. */
const SERVER_FIELDS = new Set(['id', 'updatedAt', 'deletedAt', 'createdBy', 'updatedBy', 'position', 'searchVector']);

export type Holding = Record<ObjectName, { count: number; keys: Map<string, number>; canonical: Map<string, string> }>;

/**
 * Every record by its key (companies by kartraCompanyKey, people by kartraLeadId, opportunities by transaction or
 * subscription id, notes by title, a note's link by its note and person), soft-deleted ones included, reduced to what
 * two sandboxes can be compared on: server-set fields left out, a createdAt the server set (not a join date) marked as
 * such, and every id of another record named by that record's key.
 */
export function holding(sandbox: SandboxHandle, started: number): Holding {
  const raw = Object.fromEntries(OBJECTS.map((plural) => [plural, sandbox.records(plural)])) as Record<ObjectName, StoredRecord[]>;
  const keyOfId = new Map<string, string>();
  const baseKey = (plural: ObjectName, r: StoredRecord): string => {
    if (plural === 'companies') return `company ${String(r.kartraCompanyKey ?? r.name ?? '')}`;
    if (plural === 'people') return `person ${String(r.kartraLeadId ?? '')}`;
    if (plural === 'notes') return `note ${String(r.title ?? '')}`;
    if (plural === 'opportunities') {
      const t = String(r.kartraTransactionId ?? '');
      const s = String(r.kartraSubscriptionId ?? '');
      return t !== '' && s !== '' ? `opportunity with both ids ${t} / ${s}` : t !== '' ? `transaction ${t}` : `subscription ${s}`;
    }
    return '';
  };
  for (const plural of OBJECTS) if (plural !== 'noteTargets') for (const r of raw[plural]) keyOfId.set(String(r.id), baseKey(plural, r));
  const named = (value: unknown): unknown => (typeof value === 'string' && keyOfId.has(value) ? keyOfId.get(value) : value);
  const result = {} as Holding;
  for (const plural of OBJECTS) {
    const keys = new Map<string, number>();
    const canonical = new Map<string, string>();
    for (const record of raw[plural]) {
      const key =
        plural === 'noteTargets'
          ? `link ${Object.entries(record)
              .filter(([f, v]) => f.endsWith('Id') && v !== null && v !== undefined)
              .map(([f, v]) => `${f}=${String(named(v))}`)
              .sort()
              .join(' ')}`
          : baseKey(plural, record);
      keys.set(key, (keys.get(key) ?? 0) + 1);
      const fields = Object.entries(record)
        .filter(([field]) => !SERVER_FIELDS.has(field))
        .map(([field, value]): [string, unknown] => {
          if (field === 'createdAt' && typeof value === 'string' && Date.parse(value) >= started - 60_000) return [field, '(set by the server)'];
          return [field, named(value)];
        })
        .sort(([a], [b]) => a.localeCompare(b));
      canonical.set(key, JSON.stringify(fields));
    }
    result[plural] = { count: raw[plural].length, keys, canonical };
  }
  return result;
}

/** Records per object (soft-deleted included). */
export const countsOf = (h: Holding): Record<ObjectName, number> => Object.fromEntries(OBJECTS.map((p) => [p, h[p].count])) as Record<ObjectName, number>;

/** The same records, each once, with the same content, as the uninterrupted run's. */
export function expectSameHolding(actual: Holding, reference: Holding, context: string): void {
  for (const plural of OBJECTS) {
    const twice = [...actual[plural].keys].filter(([, n]) => n > 1).map(([k]) => k);
    expect(twice, `${context}: ${plural} held more than once`).toEqual([]);
    expect(actual[plural].count, `${context}: ${plural} count`).toBe(reference[plural].count);
    const missing = [...reference[plural].keys.keys()].filter((k) => !actual[plural].keys.has(k));
    const extra = [...actual[plural].keys.keys()].filter((k) => !reference[plural].keys.has(k));
    expect({ missing: missing.slice(0, 5), extra: extra.slice(0, 5) }, `${context}: ${plural} keys`).toEqual({ missing: [], extra: [] });
    const differing = [...reference[plural].canonical].filter(([k, v]) => actual[plural].canonical.get(k) !== v).map(([k]) => k);
    if (differing.length > 0) {
      const k = differing[0]!;
      expect(actual[plural].canonical.get(k), `${context}: ${plural} ${k} differs from the uninterrupted run's (${differing.length} differ)`).toBe(reference[plural].canonical.get(k));
    }
  }
}

// The journal, row by row

export type RowLedger = {
  /** Every outcome the journal gives each row (`phase|key`), in order: exactly one is exactly-once. */
  byRow: Map<string, string[]>;
  /** Batches sent without a journalled answer. */
  pending: number;
  /** How many times each row was journalled as rolled back. */
  reversed: Map<string, number>;
  cutTail: boolean;
};

export async function rowLedger(dir: string): Promise<RowLedger> {
  const { entries, cutTail } = await readJournal(join(dir, JOURNAL_FILE));
  const byRow = new Map<string, string[]>();
  const reversed = new Map<string, number>();
  for (const entry of entries) {
    if (entry.t === 'reversed') for (const k of entry.keys as string[]) reversed.set(k, (reversed.get(k) ?? 0) + 1);
    if (entry.t !== 'done' && entry.t !== 'rows') continue;
    for (const o of entry.records as RowOutcome[]) byRow.set(`${o.phase}|${o.key}`, [...(byRow.get(`${o.phase}|${o.key}`) ?? []), o.outcome]);
  }
  return { byRow, pending: (await readJournalState(dir)).pending.length, reversed, cutTail };
}

/** Where a killed run left its journal, for a person: the last thing it journalled. */
export async function journalPosition(dir: string): Promise<string> {
  const { entries } = await readJournal(join(dir, JOURNAL_FILE));
  const pending = (await readJournalState(dir)).pending;
  if (pending.length > 0) return `${String((pending[0]!.records as RowOutcome[])[0]?.phase)}: a batch sent, its answer not journalled`;
  const last = entries.filter((e) => ['done', 'rows', 'reversed', 'schema'].includes(e.t)).at(-1);
  if (!last) return 'before any row';
  if (last.t === 'reversed') return `rollback: ${entries.filter((e) => e.t === 'reversed').reduce((n, e) => n + (e.keys as string[]).length, 0)} rows undone`;
  if (last.t === 'schema') return 'after the schema changes';
  return `${String((last.records as RowOutcome[])[0]?.phase)}: after a journalled batch`;
}

/** One outcome per row, nothing pending, and the same outcome for every row as the uninterrupted run's journal. */
export function expectSameLedger(actual: RowLedger, reference: RowLedger, context: string): void {
  expect(actual.pending, `${context}: batches without an answer in the journal`).toBe(0);
  const repeated = [...actual.byRow].filter(([, o]) => o.length !== 1).map(([row, o]) => `${row}: ${o.join(', ')}`);
  expect(repeated.slice(0, 5), `${context}: rows journalled more than once (${repeated.length})`).toEqual([]);
  const mine = new Map([...actual.byRow].map(([row, o]) => [row, o[0]]));
  const theirs = new Map([...reference.byRow].map(([row, o]) => [row, o.at(-1)]));
  const differing = [...new Set([...mine.keys(), ...theirs.keys()])].filter((row) => mine.get(row) !== theirs.get(row)).map((row) => `${row}: ${mine.get(row) ?? 'none'} instead of ${theirs.get(row) ?? 'none'}`);
  expect(differing.slice(0, 5), `${context}: rows whose outcome differs from the uninterrupted run's (${differing.length})`).toEqual([]);
  const twice = [...actual.reversed].filter(([, n]) => n > 1).map(([k]) => k);
  expect(twice.slice(0, 5), `${context}: rows rolled back more than once`).toEqual([]);
  expect([...actual.reversed.keys()].sort(), `${context}: rows rolled back`).toEqual([...reference.reversed.keys()].sort());
}

// Newer exports for a delta

/**
 * A copy of `from` with, in its first contacts file written in UTF-8, one row's empty LinkedIn cell filled in (an
 * update under the default policy fill-empty) and `added` new leads (copies of that row under new ids and emails).
 * Returns the lead ids changed and added.
 */
export async function newerExports(from: string, to: string, added = 2): Promise<{ changed: string; added: string[] }> {
  await cp(from, to, { recursive: true });
  await rm(join(to, 'expected.json'), { force: true });
  for (const name of (await readdir(to)).filter((f) => f.startsWith('contacts')).sort()) {
    const bytes = await readFile(join(to, name));
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      continue;
    }
    const rows = parse(text, { bom: true, relax_column_count: true }) as string[][];
    const header = rows[0]!;
    const [id, email, linkedin] = ['id', 'email', 'linkedin'].map((h) => header.indexOf(h));
    if (id === undefined || email === undefined || linkedin === undefined || [id, email, linkedin].includes(-1)) continue;
    const target = rows.findIndex((r, i) => i > 0 && r.length === header.length && r[linkedin] === '' && /^[^@\s]+@[^@\s]+\.[a-z]+$/.test(r[email]!));
    if (target < 0) continue;
    const row = rows[target]!;
    row[linkedin] = 'https://www.linkedin.com/in/moved-in-the-delta';
    const top = Math.max(...rows.slice(1).map((r) => Number(r[id]) || 0));
    const ids: string[] = [];
    for (let k = 1; k <= added; k++) {
      const copy = [...row];
      copy[id] = String(top + 1000 + k);
      copy[email] = `delta.lead.${k}@example.com`;
      ids.push(copy[id]!);
      rows.push(copy);
    }
    await writeFile(join(to, name), `${text.startsWith('\ufeff') ? '\ufeff' : ''}${stringify(rows)}`);
    return { changed: row[id]!, added: ids };
  }
  throw new Error(`no UTF-8 contacts file with an empty LinkedIn cell in ${from}`);
}
