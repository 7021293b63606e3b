import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { EXPORT_AT, isoDateTime } from './dates.js';
import { ExpectedSchema, type Expected } from './expected.js';
import { FileNamer } from './fileNames.js';
import type { HeaderStyle } from './leads.js';
import { leadFileCount, writeLeads } from './leadsWriter.js';
import { writeLedger, type LedgerOptions, type LedgerResult } from './ledgerWriter.js';
import { LeadCasePlan } from './plan.js';

/**
 * A deterministic Kartra export set (contacts, transactions, subscriptions) plus expected.json, the figures a
 * correct migration must reach. Same options, same bytes: all randomness is seeded and no clock is read.
 */

export interface GenerateOptions {
  outDir: string;
  /** Leads requested; default 500. */
  leads?: number;
  /** Default 1. */
  seed?: number;
  /** Add the damage of real exports (split chunks, encodings, bad emails, duplicates...). */
  messy?: boolean;
  /** Custom field columns (K); default 6. */
  customFields?: number;
  /** Default 'api'. */
  headerStyle?: HeaderStyle;
}

export interface GenerateResult {
  /** Absolute paths written, expected.json last. */
  files: string[];
  expected: Expected;
}

export type { Expected };

export async function generateSamples(opts: GenerateOptions): Promise<GenerateResult> {
  const outDir = resolve(opts.outDir);
  const leads = opts.leads ?? 500;
  const seed = opts.seed ?? 1;
  const messy = opts.messy ?? false;
  const customFields = opts.customFields ?? 6;
  const headerStyle = opts.headerStyle ?? 'api';
  if (!Number.isSafeInteger(leads) || leads < 0) throw new RangeError(`leads must be a whole number ≥ 0, not ${leads}`);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a whole number, not ${seed}`);
  if (!Number.isSafeInteger(customFields) || customFields < 0) throw new RangeError(`customFields must be a whole number ≥ 0, not ${customFields}`);
  await mkdir(outDir, { recursive: true });

  const plan = new LeadCasePlan(seed, leads, messy);
  const namer = new FileNamer(seed);
  const leadNames = Array.from({ length: leadFileCount(messy) }, () => namer.next('contacts_kartra'));
  const ledgerOptions: LedgerOptions = {
    outDir,
    seed,
    leads,
    messy,
    transactionsName: namer.next('report_all_transactions'),
    subscriptionsName: namer.next('subscriptions'),
  };
  const [leadsPart, ledger] = await Promise.all([
    writeLeads({ outDir, seed, leads, messy, customFields, headerStyle, plan, names: leadNames }),
    runLedger(ledgerOptions),
  ]);
  const [transactionsFile, subscriptionsFile] = ledger.files as [string, string];

  const expected: Expected = ExpectedSchema.parse({
    version: 1,
    seed,
    leadsRequested: leads,
    messy,
    customFields,
    headerStyle,
    exportedAt: isoDateTime(EXPORT_AT),
    files: {
      leads: leadsPart.files.map((f) => basename(f)),
      transactions: [basename(transactionsFile)],
      subscriptions: [basename(subscriptionsFile)],
    },
    leads: leadsPart.expected,
    transactions: ledger.transactions,
    subscriptions: ledger.subscriptions,
    companies: leadsPart.companies,
    opportunities: { fromTransactions: ledger.transactions.distinctRows, fromSubscriptions: ledger.subscriptions.rows },
  } satisfies Expected);
  const expectedPath = join(outDir, 'expected.json');
  await writeFile(expectedPath, `${JSON.stringify(expected, null, 2)}\n`);
  return { files: [...leadsPart.files, transactionsFile, subscriptionsFile, expectedPath], expected };
}

/** Below this many leads a worker thread costs more than it saves. */
const WORKER_FROM_LEADS = 50_000;

/**
 * Writes the ledger in a worker thread when the compiled worker is there (the built package), otherwise inline
 * (tests and tsx run the TypeScript sources, which a plain worker cannot load). Both give the same bytes.
 */
async function runLedger(options: LedgerOptions): Promise<LedgerResult> {
  const workerFile = new URL('./ledgerWorker.js', import.meta.url);
  if (options.leads < WORKER_FROM_LEADS || !existsSync(fileURLToPath(workerFile))) return writeLedger(options);
  return new Promise<LedgerResult>((resolvePromise, reject) => {
    const worker = new Worker(workerFile, { workerData: options });
    worker.once('message', (message: { ok: true; result: LedgerResult } | { ok: false; message: string }) => {
      if (message.ok) resolvePromise(message.result);
      else reject(new Error(`ledger worker failed: ${message.message}`));
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`ledger worker exited with code ${code}`));
    });
  });
}
