import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { EXPORT_AT, isoDateTime } from './dates.js';
import { ExpectedSchema, type Expected } from './expected.js';
import { FileNamer } from './fileNames.js';
import type { HeaderStyle } from './leads.js';
import { writeLeads } from './leadsWriter.js';
import { writeLedger } from './ledgerWriter.js';
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
  const leadsPart = await writeLeads({ outDir, seed, leads, messy, customFields, headerStyle, plan, namer });
  const ledger = await writeLedger({ outDir, seed, leads, messy, plan, namer });
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
  } satisfies Expected);
  const expectedPath = join(outDir, 'expected.json');
  await writeFile(expectedPath, `${JSON.stringify(expected, null, 2)}\n`);
  return { files: [...leadsPart.files, transactionsFile, subscriptionsFile, expectedPath], expected };
}
