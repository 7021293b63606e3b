/**
 * Resume after `kill -9` (issue 5, "Journal and resume"): a real child process imports the messy sample set and is
 * killed with SIGKILL at 24 moments across the run — right after a batch was journalled, at random milliseconds, while
 * a batch write was on its way to the server (applied after the child died), and after the server applied a batch
 * but before the child got its answer — and started again each time until one run completes. The sandbox must then
 * hold exactly the records of expected.json, none twice, the same as an uninterrupted run into a fresh sandbox, and
 * the journal must hold exactly one final outcome per row.
 *
 * The sandbox runs in this process, behind a pass-through proxy that also runs here: killing the child never kills
 * the server, and a request the child sent before dying is still delivered and applied, as a real server would.
 */
import { spawn } from 'node:child_process';
import { createServer, request, Agent as HttpAgent, type IncomingHttpHeaders } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectExports, type Inspection } from '../../src/kartra/inspect.js';
import { buildMapping } from '../../src/mapping/build.js';
import type { MappingDocument } from '../../src/mapping/document.js';
import { companyKey } from '../../src/migration/companies.js';
import { JOURNAL_FILE, readJournalState, runImport, type Phase, type Progress, type RowOutcome } from '../../src/migration/engine.js';
import { readJournal } from '../../src/migration/journal.js';
import { applySchemaChanges, planSchemaChanges } from '../../src/migration/schema-changes.js';
import { ExpectedSchema, type Expected } from '../../src/samples/expected.js';
import { startSandbox, type SandboxHandle, type StoredRecord } from '../../src/sandbox/index.js';
import { mulberry32 } from '../../src/seeded-random.js';
import { createTwentyClient, type TwentyClient } from '../../src/twenty/client.js';
import { listenLocal } from '../helpers/local-server.js';
import { REPO_ROOT } from '../helpers/edge.js';

const CHILD = join(REPO_ROOT, 'test', 'migration', 'import-child.ts');
const EXPORTS = join(REPO_ROOT, 'fixtures', 'samples', 'messy');
const API_KEY = 'sandbox-key-1';
const MIGRATION_ID = 'm-000000000000';
/** Small batches give the ~1,250 records about 66 batches, so 24 kills spread over every phase. */
const BATCH_MAX = 20;
const KILLS = 24;
/** Added before the sandbox handles each record request: a write is in flight long enough for a kill to land in it. */
const LATENCY_MS = 15;
const PHASES: readonly Phase[] = ['companies', 'people', 'transactions', 'subscriptions', 'notes', 'noteTargets'];
/** The phases kills are spread over (notes, the short last phase, get what falls there). */
const KILL_PHASES: readonly Phase[] = ['companies', 'people', 'transactions', 'subscriptions'];

const clientFor = (baseUrl: string): TwentyClient =>
  createTwentyClient({ baseUrl, apiKey: API_KEY, rateLimit: { buckets: [{ limit: 100_000, windowMs: 1000 }], safetyMargin: 0 }, batchMax: BATCH_MAX });

// A pass-through proxy that knows which requests are in flight

/** One request between the child and the sandbox. */
type Flight = { run: number; write: boolean; answered: boolean };

type WatchingProxy = {
  url: string;
  /** The run whose child sends the requests arriving now. */
  run: number;
  readonly inFlight: Set<Flight>;
  /** Called once a request has fully arrived, before it is passed to the sandbox. */
  onSent: ((flight: Flight) => void) | undefined;
  /** Called once the sandbox answered, before the answer is passed back. */
  onAnswered: ((flight: Flight) => void) | undefined;
  /** Resolves when no request is in flight (a dead child's requests included). */
  idle(): Promise<void>;
  close(): Promise<void>;
};

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding']);
const endToEnd = (headers: IncomingHttpHeaders): IncomingHttpHeaders =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())));

/**
 * Each request is read whole, then forwarded whatever became of the client meanwhile: a write the child sent before
 * it was killed still reaches the sandbox and is applied, the answer going nowhere.
 */
async function startProxy(target: string): Promise<WatchingProxy> {
  const agent = new HttpAgent({ keepAlive: true });
  const proxy: Omit<WatchingProxy, 'url' | 'close'> = {
    run: 0,
    inFlight: new Set(),
    onSent: undefined,
    onAnswered: undefined,
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
      const flight: Flight = { run: proxy.run, write: req.method === 'POST' && (req.url ?? '').startsWith('/rest/batch/'), answered: false };
      proxy.inFlight.add(flight);
      proxy.onSent?.(flight);
      const upstream = request(`${target}${req.url ?? '/'}`, { method: req.method, headers: endToEnd(req.headers), agent }, (answer) => {
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
      upstream.end(Buffer.concat(body));
    });
  });
  const { url, close } = await listenLocal(server);
  return Object.assign(proxy, {
    url,
    close: async () => {
      await close();
      agent.destroy();
    },
  });
}

// Running the child and killing it

type Mode = 'startup' | 'progress' | 'random' | 'write-sent' | 'write-answered';
type KillPlan = { mode: Mode; armAfter: number; delayMs: number };

/** Where the child was when the kill landed, as the proxy saw it. */
type Landing = 'write answered, answer not delivered' | 'write sent, not answered' | 'read in flight' | 'between requests';

type ChildRun = {
  killed: boolean;
  landing?: Landing;
  signal: NodeJS.Signals | null;
  code: number | null;
  progressLines: number;
  done?: Record<Phase, Record<string, number>>;
  stderr: string;
};

function landingOf(proxy: WatchingProxy, run: number): Landing {
  const mine = [...proxy.inFlight].filter((f) => f.run === run);
  if (mine.some((f) => f.write && f.answered)) return 'write answered, answer not delivered';
  if (mine.some((f) => f.write)) return 'write sent, not answered';
  return mine.length > 0 ? 'read in flight' : 'between requests';
}

/**
 * Starts the child for `run`; with a plan, kills it: `startup` at `delayMs` after the spawn; the others once the
 * child printed `armAfter` progress lines (0: once it is ready), then `progress` and `random` after `delayMs`,
 * `write-sent` as the next batch write reaches the proxy, `write-answered` as the sandbox answers the next one.
 */
function runChild(proxy: WatchingProxy, run: number, paths: { inspection: string; mapping: string; dir: string }, plan: KillPlan | undefined): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, proxy.url, paths.inspection, paths.mapping, paths.dir, String(BATCH_MAX)], {
      cwd: REPO_ROOT,
      env: { ...process.env, TWENTY_API_KEY: API_KEY },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proxy.run = run;
    let landing: Landing | undefined;
    const kill = (): void => {
      if (landing !== undefined || child.exitCode !== null) return;
      landing = landingOf(proxy, run);
      child.kill('SIGKILL');
    };
    const timers: NodeJS.Timeout[] = [];
    const later = (ms: number, f: () => void): void => void timers.push(setTimeout(f, ms));
    let armed = false;
    const arm = (): void => {
      if (armed || !plan || plan.mode === 'startup') return;
      armed = true;
      if (plan.mode === 'progress' || plan.mode === 'random') later(plan.delayMs, kill);
      if (plan.mode === 'write-sent') proxy.onSent = (f) => f.run === run && f.write && kill();
      if (plan.mode === 'write-answered') proxy.onAnswered = (f) => f.run === run && f.write && kill();
    };
    if (plan?.mode === 'startup') later(plan.delayMs, kill);
    later(20_000, () => {
      child.kill('SIGKILL');
      reject(new Error(`run ${run}: the child neither finished nor met its kill (${JSON.stringify(plan)}) in 20 s; stderr: ${stderr}`));
    });

    let stdout = '';
    let stderr = '';
    let progressLines = 0;
    let done: ChildRun['done'];
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      let newline: number;
      while ((newline = stdout.indexOf('\n')) !== -1) {
        const line = stdout.slice(0, newline);
        stdout = stdout.slice(newline + 1);
        if (line.startsWith('progress ')) progressLines += 1;
        if (line.startsWith('done ')) done = JSON.parse(line.slice(5)) as ChildRun['done'];
        if ((line === 'ready' && plan?.armAfter === 0) || (line.startsWith('progress ') && plan && progressLines >= plan.armAfter)) arm();
      }
    });
    child.on('close', (code, signal) => {
      for (const t of timers) clearTimeout(t);
      proxy.onSent = undefined;
      proxy.onAnswered = undefined;
      resolve({ killed: landing !== undefined, ...(landing ? { landing } : {}), signal, code, progressLines, ...(done ? { done } : {}), stderr });
    });
  });
}

// Reading back what the sandbox holds

const OBJECTS = ['companies', 'people', 'opportunities'] as const;

/** The key a record is found by: kartraCompanyKey, kartraLeadId, or an opportunity's transaction or subscription id. */
function keyOf(plural: (typeof OBJECTS)[number], record: StoredRecord): string {
  if (plural === 'companies') return `company ${String(record.kartraCompanyKey ?? '')}`;
  if (plural === 'people') return `person ${String(record.kartraLeadId ?? '')}`;
  const transaction = String(record.kartraTransactionId ?? '');
  const subscription = String(record.kartraSubscriptionId ?? '');
  if (transaction !== '' && subscription !== '') return `opportunity with both ids ${transaction} / ${subscription}`;
  return transaction !== '' ? `transaction ${transaction}` : `subscription ${subscription}`;
}

/** Fields the server fills in on every write: they differ between two sandboxes whatever was imported. */
const SERVER_FIELDS = new Set(['id', 'updatedAt', 'deletedAt', 'createdBy', 'updatedBy', 'position', 'searchVector']);

type Holding = Record<(typeof OBJECTS)[number], { count: number; byKey: Map<string, StoredRecord>; canonical: Map<string, string> }>;

/**
 * Every record by its key, and as compared across sandboxes: server-set fields left out, a `createdAt` the server set
 * (not a join date) marked as such, and relations (companyId, pointOfContactId) named by the related record's key.
 */
function holding(sandbox: SandboxHandle, started: number): Holding {
  const raw = Object.fromEntries(OBJECTS.map((plural) => [plural, sandbox.records(plural)])) as Record<(typeof OBJECTS)[number], StoredRecord[]>;
  const keyOfId = new Map<string, string>();
  for (const plural of OBJECTS) for (const record of raw[plural]) keyOfId.set(String(record.id), keyOf(plural, record));
  const result = {} as Holding;
  for (const plural of OBJECTS) {
    const byKey = new Map<string, StoredRecord>();
    const canonical = new Map<string, string>();
    for (const record of raw[plural]) {
      const key = keyOf(plural, record);
      byKey.set(key, record);
      const fields = Object.entries(record)
        .filter(([field]) => !SERVER_FIELDS.has(field))
        .map(([field, value]): [string, unknown] => {
          if (field === 'createdAt' && typeof value === 'string' && Date.parse(value) >= started) return [field, '(set by the server)'];
          if (typeof value === 'string' && keyOfId.has(value)) return [field, keyOfId.get(value)];
          return [field, value];
        })
        .sort(([a], [b]) => a.localeCompare(b));
      canonical.set(key, JSON.stringify(fields));
    }
    result[plural] = { count: raw[plural].length, byKey, canonical };
  }
  return result;
}

// The test

let home: string;
let expected: Expected;
let inspection: Inspection;
let mapping: MappingDocument;
const sandboxes: SandboxHandle[] = [];
const clients: TwentyClient[] = [];
let proxy: WatchingProxy | undefined;

/** A fresh v2 sandbox with the mapping's custom fields and options in place, as the import step would find it. */
async function preparedSandbox(faults?: { latencyMs: number }): Promise<{ sandbox: SandboxHandle; client: TwentyClient }> {
  const sandbox = await startSandbox({ profile: 'v2', apiKey: API_KEY, rateLimit: false, ...(faults ? { faults } : {}) });
  sandboxes.push(sandbox);
  const client = clientFor(sandbox.url);
  clients.push(client);
  const schema = await client.schema();
  mapping ??= buildMapping({ migrationId: MIGRATION_ID, inspection, schema, mode: 'rehearsal' });
  await applySchemaChanges(client, planSchemaChanges(mapping, schema));
  return { sandbox, client };
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'kartra-resume-'));
  expected = ExpectedSchema.parse(JSON.parse(await readFile(join(EXPORTS, 'expected.json'), 'utf8')));
  inspection = await inspectExports([EXPORTS]);
});

afterAll(async () => {
  await proxy?.close();
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all(sandboxes.map((s) => s.close()));
  await rm(home, { recursive: true, force: true });
});

/** What the journal says happened to each row, every time it says so (a row journalled twice shows up twice). */
async function journalledOutcomes(dir: string): Promise<Map<string, RowOutcome[]>> {
  const { entries } = await readJournal(join(dir, JOURNAL_FILE));
  const byRow = new Map<string, RowOutcome[]>();
  for (const entry of entries) {
    if (entry.t !== 'done' && entry.t !== 'rows') continue;
    for (const outcome of entry.records as RowOutcome[]) {
      const row = `${outcome.phase}|${outcome.key}`;
      byRow.set(row, [...(byRow.get(row) ?? []), outcome]);
    }
  }
  return byRow;
}

/**
 * Rows per phase that end in a written record (created or updated), from a journal; with `pending`, the rows of
 * batches sent without an answer count too (the next run re-sends them before anything else, printing nothing).
 */
async function writtenPerPhase(dir: string, pending = false): Promise<Record<Phase, number>> {
  const counts = { companies: 0, people: 0, transactions: 0, subscriptions: 0, notes: 0, noteTargets: 0 };
  const state = await readJournalState(dir);
  for (const o of state.outcomes.values()) if (o.outcome === 'created' || o.outcome === 'updated') counts[o.phase] += 1;
  if (pending) for (const batch of state.pending) for (const r of batch.records as RowOutcome[]) counts[r.phase] += 1;
  return counts;
}

describe('an import killed with SIGKILL at random moments and resumed each time', () => {
  it('ends with exactly the expected records, none twice, the same as an uninterrupted run, each row journalled once', async () => {
    const started = Date.now();
    const seed = Date.now() % 1_000_000;
    const random = mulberry32(seed);
    const context = `seed ${seed}`;

    // The uninterrupted run, in this process, into a sandbox of its own: what the killed one must end as.
    const reference = await preparedSandbox();
    const referenceDir = join(home, 'uninterrupted');
    const progress: Progress[] = [];
    const uninterrupted = await runImport({ dir: referenceDir, inspection, mapping, client: reference.client, policy: 'fill-empty', stage: 'full', onProgress: (p) => progress.push(p) });
    expect(uninterrupted.cancelled).toBe(false);
    const referenceWritten = await writtenPerPhase(referenceDir);

    // The killed run: a child at a time, through the proxy, into a sandbox that answers every record call late.
    const target = await preparedSandbox({ latencyMs: LATENCY_MS });
    proxy = await startProxy(target.sandbox.url);
    const dir = join(home, MIGRATION_ID);
    const mappingPath = join(home, 'mapping.json');
    await writeFile(mappingPath, JSON.stringify(mapping));
    const inspectionPath = join(home, 'inspection.json');
    await writeFile(inspectionPath, JSON.stringify(inspection));
    const paths = { inspection: inspectionPath, mapping: mappingPath, dir };

    // Kill modes in a shuffled order; each run's kill is armed after enough batches to spread the kills over the
    // whole import, and the last one near its end, in the subscriptions.
    const modes: Mode[] = [...Array<Mode>(6).fill('progress'), ...Array<Mode>(5).fill('write-answered'), ...Array<Mode>(6).fill('write-sent'), ...Array<Mode>(4).fill('random'), ...Array<Mode>(2).fill('startup')];
    for (let i = modes.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [modes[i], modes[j]] = [modes[j]!, modes[i]!];
    }
    modes.push('write-answered');
    const kills: { run: number; mode: Mode; armAfter: number; landing: Landing; phase: string }[] = [];
    let finished: ChildRun | undefined;
    for (let run = 1; finished === undefined; run++) {
      if (run > KILLS + 5) throw new Error(`${context}: no run completed after ${run - 1} runs`);
      let plan: KillPlan | undefined;
      const mode = modes[kills.length];
      if (mode !== undefined) {
        // Batches still to write: at least as many progress lines are still to come (each phase ends with one more).
        const written = await writtenPerPhase(dir, true);
        const remaining = KILL_PHASES.reduce((n, phase) => n + Math.ceil(Math.max(0, referenceWritten[phase] - written[phase]) / BATCH_MAX), 0);
        const killsLeft = KILLS - kills.length;
        const armAfter = killsLeft === 1 ? Math.max(0, remaining - 2) : Math.max(0, Math.min(Math.floor((random() * 2 * remaining) / killsLeft), remaining - killsLeft - 1));
        const delayMs = mode === 'startup' ? Math.floor(random() * 700) : mode === 'random' ? Math.floor(random() * 80) : Math.floor(random() * 10);
        plan = { mode, armAfter, delayMs };
      }
      const result = await runChild(proxy, run, paths, plan);
      const where = `${context}, run ${run} (${JSON.stringify(plan)})`;
      if (!result.killed) {
        expect(result.code, `${where}: ${result.stderr}`).toBe(0);
        expect(result.done, `${where}: no "done" line`).toBeDefined();
        finished = result;
        break;
      }
      expect(result.signal, `${where}: ${result.stderr}`).toBe('SIGKILL');
      const state = await readJournalState(dir);
      const last = [...state.outcomes.values()].at(-1);
      kills.push({ run, mode: plan!.mode, armAfter: plan!.armAfter, landing: result.landing!, phase: state.pending.length > 0 ? `${String((state.pending[0]!.records as RowOutcome[])[0]?.phase)} (batch pending)` : (last?.phase ?? 'before any row') });
    }
    await proxy.idle();

    // A run after completion finds everything done: nothing written, nothing counted again.
    const again = await runChild(proxy, kills.length + 100, paths, undefined);
    expect(again.code, `${context}: re-run after completion: ${again.stderr}`).toBe(0);
    for (const phase of PHASES) expect(again.done?.[phase], `${context}: re-run after completion, ${phase}`).toEqual({ created: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0 });

    const landings = kills.reduce<Record<string, number>>((n, k) => ({ ...n, [k.landing]: (n[k.landing] ?? 0) + 1 }), {});
    const phases = kills.reduce<Record<string, number>>((n, k) => ({ ...n, [k.phase]: (n[k.phase] ?? 0) + 1 }), {});
    console.info(`resume test: ${context}, ${kills.length} kills, ${progress.length} batches uninterrupted; kills landed: ${JSON.stringify(landings)}; in: ${JSON.stringify(phases)}; ${((Date.now() - started) / 1000).toFixed(1)} s`);

    // The sandbox holds exactly the expected records, each once.
    const held = holding(target.sandbox, started);
    const opportunities = expected.opportunities.fromTransactions + expected.opportunities.fromSubscriptions;
    expect(held.people.count, context).toBe(expected.leads.people);
    expect(held.companies.count, context).toBe(expected.companies.count);
    expect(held.opportunities.count, context).toBe(opportunities);
    for (const plural of OBJECTS) expect(held[plural].byKey.size, `${context}: ${plural} sharing a key`).toBe(held[plural].count);
    expect([...held.opportunities.byKey.keys()].filter((k) => k.startsWith('transaction '))).toHaveLength(expected.opportunities.fromTransactions);
    expect([...held.opportunities.byKey.keys()].filter((k) => k.startsWith('subscription '))).toHaveLength(expected.opportunities.fromSubscriptions);
    expect(expected.leads.people_detail).toHaveLength(expected.leads.people);
    expect(new Set(held.people.byKey.keys())).toEqual(new Set((expected.leads.people_detail ?? []).map((p) => `person ${p.kartraLeadId}`)));
    expect(new Set(held.companies.byKey.keys())).toEqual(new Set(expected.companies.names.map((name) => `company ${companyKey(name)}`)));
    for (const plural of OBJECTS) expect(target.sandbox.records(plural).filter((r) => r.deletedAt !== null), `${context}: soft-deleted ${plural}`).toEqual([]);

    // The same records as the uninterrupted run, field by field (relations by the related record's key).
    const unbroken = holding(reference.sandbox, started);
    for (const plural of OBJECTS) {
      const differing = [...new Set([...held[plural].canonical.keys(), ...unbroken[plural].canonical.keys()])].filter((key) => held[plural].canonical.get(key) !== unbroken[plural].canonical.get(key));
      const first = differing[0];
      expect(differing, first === undefined ? '' : `${context}: ${plural} ${first}\n  resumed:       ${held[plural].canonical.get(first) ?? '(missing)'}\n  uninterrupted: ${unbroken[plural].canonical.get(first) ?? '(missing)'}`).toEqual([]);
    }

    // The journal: one final outcome per row, no batch left without its answer, the figures of expected.json.
    const journalled = await journalledOutcomes(dir);
    const twice = [...journalled].filter(([, outcomes]) => outcomes.length > 1);
    expect(twice.map(([row, outcomes]) => `${row}: ${outcomes.map((o) => o.outcome).join(', ')}`), context).toEqual([]);
    const state = await readJournalState(dir);
    expect(state.pending, context).toEqual([]);
    const counts = Object.fromEntries(PHASES.map((phase) => [phase, {} as Record<string, number>]));
    for (const o of state.outcomes.values()) counts[o.phase]![o.outcome] = (counts[o.phase]![o.outcome] ?? 0) + 1;
    expect(counts, context).toEqual({
      companies: { created: expected.companies.count },
      people: { created: expected.leads.people, skipped: expected.leads.rows - expected.leads.people },
      transactions: { created: expected.opportunities.fromTransactions, skipped: expected.transactions.rows - expected.opportunities.fromTransactions },
      subscriptions: { created: expected.opportunities.fromSubscriptions },
      // Kartra's notes column: one note per lead that has notes, each linked to its person, as in the uninterrupted run.
      notes: { created: uninterrupted.counts.notes.created },
      noteTargets: { created: uninterrupted.counts.noteTargets.created },
    });
    expect(uninterrupted.counts.notes.created, context).toBeGreaterThan(0);
    // Every id the journal gives (rollback destroys by it) is the record the sandbox holds under that row's key.
    const recordFor = (o: RowOutcome): StoredRecord | undefined =>
      o.phase === 'companies' ? held.companies.byKey.get(`company ${o.key}`) : o.phase === 'people' ? held.people.byKey.get(`person ${o.key}`) : held.opportunities.byKey.get(`${o.phase === 'transactions' ? 'transaction' : 'subscription'} ${o.key}`);
    const wrongIds = [...state.outcomes.values()].filter((o) => o.outcome === 'created' && o.phase !== 'notes' && o.phase !== 'noteTargets' && recordFor(o)?.id !== o.id).map((o) => `${o.phase} ${o.key}`);
    expect(wrongIds, context).toEqual([]);
    // And the journal of the uninterrupted run says the same, row for row.
    const referenceState = await readJournalState(referenceDir);
    expect(new Set([...state.outcomes.entries()].map(([row, o]) => `${row}: ${o.outcome}`))).toEqual(new Set([...referenceState.outcomes.entries()].map(([row, o]) => `${row}: ${o.outcome}`)));

    // Checked last, so that a wrong result shows first: the kills were many, and landed where they matter most.
    expect(kills.length).toBeGreaterThanOrEqual(20);
    // A batch applied whose answer the child never saw; one sent but not yet applied; kills in every long phase.
    expect(landings['write answered, answer not delivered'] ?? 0, context).toBeGreaterThanOrEqual(5);
    expect(landings['write sent, not answered'] ?? 0, context).toBeGreaterThanOrEqual(5);
    for (const phase of ['people', 'transactions', 'subscriptions']) expect(kills.some((k) => k.phase.startsWith(phase)), `${context}: no kill in the ${phase}`).toBe(true);
  }, 120_000);
});
