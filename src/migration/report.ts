/**
 * What a migration did, for a person: `report.md` (counts and reconciliation per object, the spot-check of a sample,
 * what Kartra could not export, time taken) and `rejects.csv` (every skipped or failed row with its original values
 * and the reason). Both are written from the journal and from Twenty read back, never from counters alone.
 */
import { join } from 'node:path';
import { optionValueOf } from '../mapping/options.js';
import type { TwentyClient } from '../twenty/client.js';
import { JOURNAL_FILE, readJournalState, type Phase } from './engine.js';
import { markdownText } from './inventory.js';
import { scanJournal } from './journal.js';
import { pluralOf } from './matching.js';
import { reconcile, type PhaseReconciliation } from './reconcile.js';
import { RejectsWriter } from './rejects.js';
import { writeFileAtomic } from './store.js';

export const REPORT_FILE = 'report.md';
export const REJECTS_FILE = 'rejects.csv';
export const SPOT_CHECK_SIZE = 25;

const DATASET_OF_PHASE: Record<Phase, string> = {
  companies: 'leads (company column)',
  people: 'leads',
  transactions: 'transactions',
  subscriptions: 'subscriptions',
  notes: 'leads (notes column)',
  noteTargets: 'links of notes to people',
};

/** One record of a spot-check: a few source cells beside the values Twenty holds now. */
export type SpotCheckRow = { key: string; id: string; checks: { column: string; source: string; twenty: string; same: boolean }[] };

/** Where a spot-check looks: a source column and how to read the matching value from the Twenty record. */
const SPOT_FIELDS: { column: string; read: (r: Record<string, unknown>) => string; compare?: (source: string, twenty: string) => boolean }[] = [
  { column: 'first_name', read: (r) => str((r.name as Record<string, unknown> | undefined)?.firstName) },
  { column: 'last_name', read: (r) => str((r.name as Record<string, unknown> | undefined)?.lastName) },
  { column: 'email', read: (r) => str((r.emails as Record<string, unknown> | undefined)?.primaryEmail), compare: (s, t) => s.trim().toLowerCase() === t },
  {
    column: 'phone',
    read: (r) => {
      const p = r.phones as Record<string, unknown> | undefined;
      return p?.primaryPhoneNumber ? `${str(p.primaryPhoneCallingCode)} ${str(p.primaryPhoneNumber)}` : str(r.kartraPhoneAsWritten);
    },
    compare: (s, t) => s.replace(/\D/g, '').endsWith(t.split(' ').pop()?.replace(/\D/g, '') || '\u0000') || s.trim() === t.trim(),
  },
  { column: 'date_joined', read: (r) => str(r.createdAt), compare: (s, t) => s.trim() === '' || t !== '' },
  {
    column: 'tags',
    read: (r) => (Array.isArray(r.kartraTags) ? r.kartraTags.join(', ') : ''),
    // Twenty holds option values ("COLD_LEAD" for "Cold Lead", "VIP_2" when two spellings collided), and a lead's
    // duplicates add theirs: every tag of the row must be there, more is fine.
    compare: (s, t) => {
      const held = t === '' ? [] : t.split(', ');
      // a cell lists its tags with one separator; a tag may hold the others ("Leads, Webinar" in a ';' list)
      const separator = [';', '|', ','].find((c) => s.includes(c)) ?? ',';
      return s
        .split(separator)
        .map((x) => x.trim())
        .filter(Boolean)
        .every((tag) => {
          const value = optionValueOf(tag);
          return held.some((v) => v === value || v.startsWith(`${value}_`));
        });
    },
  },
];

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

/** Reads back the first `size` people written, beside their source cells. */
export async function spotCheck(dir: string, client: TwentyClient, size = SPOT_CHECK_SIZE): Promise<SpotCheckRow[]> {
  const sent = new Map<string, Record<string, string>>();
  await scanJournal(join(dir, JOURNAL_FILE), (entry) => {
    if (entry.t !== 'intent' || sent.size >= size * 2) return;
    for (const r of (entry.records as { phase: Phase; key: string; values: Record<string, string> }[]) ?? []) {
      if (r.phase === 'people' && !sent.has(r.key)) sent.set(r.key, r.values);
    }
  });
  const state = await readJournalState(dir);
  const rows: SpotCheckRow[] = [];
  for (const [key, values] of sent) {
    if (rows.length >= size) break;
    const outcome = state.outcomes.get(`people|${key}`);
    if (!outcome?.id) continue;
    const record = await client.findOne(pluralOf('person'), outcome.id);
    if (!record) {
      rows.push({ key, id: outcome.id, checks: [{ column: '(record)', source: 'written', twenty: 'not found', same: false }] });
      continue;
    }
    const checks = SPOT_FIELDS.filter((f) => f.column in values).map((f) => {
      const source = values[f.column] ?? '';
      const twenty = f.read(record);
      return { column: f.column, source, twenty, same: (f.compare ?? ((s, t) => s.trim() === t.trim()))(source, twenty) };
    });
    rows.push({ key, id: outcome.id, checks });
  }
  return rows;
}

/** Every skipped or failed row into rejects.csv, with its original values. Returns how many. */
export async function writeRejects(dir: string): Promise<number> {
  const state = await readJournalState(dir);
  const writer = await RejectsWriter.open(join(dir, REJECTS_FILE));
  for (const o of state.outcomes.values()) {
    if (o.outcome !== 'skipped' && o.outcome !== 'failed') continue;
    await writer.add({ dataset: DATASET_OF_PHASE[o.phase], file: o.file || '-', line: o.line || 1, outcome: o.outcome, reason: o.reason ?? 'no reason recorded', values: o.values ?? {} });
  }
  return (await writer.close()).rows;
}

export type ReportInput = {
  dir: string;
  migrationId: string;
  client: TwentyClient;
  /** "live Twenty at example.com" or the rehearsal notice. */
  target: string;
  /** Rows of each phase's source (reconcile.ts sourceRowsOf). */
  sourceRows: Partial<Record<Phase, number>>;
  spotCheck?: SpotCheckRow[];
};

export type Report = { markdown: string; reconciliation: PhaseReconciliation[]; rejects: number; path: string };

/** Writes report.md and rejects.csv in the migration's folder. */
export async function writeReport(input: ReportInput): Promise<Report> {
  const runs: { stage?: string; durationMs?: number; at?: string; cancelled?: boolean; companies?: number }[] = [];
  await scanJournal(join(input.dir, JOURNAL_FILE), (entry) => {
    if (entry.t === 'run') runs.push(entry as never);
  });
  const companies = runs.findLast((r) => r.companies !== undefined)?.companies;
  const sourceRows = { ...(companies === undefined ? {} : { companies }), ...input.sourceRows };
  const reconciliation = await reconcile(input.dir, input.client, sourceRows);
  const rejects = await writeRejects(input.dir);
  const lines: string[] = [
    `# Kartra → Twenty migration ${input.migrationId}`,
    '',
    `Target: ${markdownText(input.target, 200)}. Written ${new Date().toISOString()}.`,
    '',
    '## Records',
    '',
    '| object (from) | source rows | created | updated | unchanged | skipped | failed | in Twenty | balanced |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of reconciliation) {
    const c = r.counts;
    const verdict = r.balanced ? 'yes' : r.sourceRows !== undefined && r.accounted < r.sourceRows && r.missing.length === 0 && r.duplicated.length === 0 ? 'partial (rows not imported yet)' : '**no**';
    lines.push(`| ${r.object} (${DATASET_OF_PHASE[r.phase]}) | ${r.sourceRows ?? '–'} | ${c.created} | ${c.updated} | ${c.unchanged} | ${c.skipped} | ${c.failed} | ${r.foundInTwenty} of ${r.expectedInTwenty} | ${verdict} |`);
  }
  lines.push('', 'Every source row ends as created, updated, unchanged, skipped or failed; "in Twenty" counts the records read back by their key (`' + reconciliation.map((r) => r.keyField).filter((v, i, a) => a.indexOf(v) === i).join('`, `') + '`), not the requests sent.');
  for (const r of reconciliation) {
    if (r.missing.length > 0) lines.push('', `- ${r.object}: ${r.missing.length} records written but not found in Twenty now (deleted since?): ${r.missing.map((k) => markdownText(k, 40)).join(', ')}`);
    if (r.duplicated.length > 0) lines.push('', `- ${r.object}: keys held by more than one record: ${r.duplicated.map((k) => markdownText(k, 40)).join(', ')}`);
  }
  lines.push('', `## Rows not imported`, '', rejects === 0 ? 'None.' : `${rejects} rows were skipped or failed; each is in \`${REJECTS_FILE}\` with its original values and the reason.`);
  if (input.spotCheck && input.spotCheck.length > 0) {
    const checked = input.spotCheck.flatMap((r) => r.checks);
    lines.push('', `## Spot-check`, '', `${input.spotCheck.length} people read back from Twenty; ${checked.filter((c) => c.same).length} of ${checked.length} values agree with the export.`, '', '| lead | column | in the export | in Twenty | |', '|---|---|---|---|---|');
    for (const row of input.spotCheck) {
      for (const c of row.checks) lines.push(`| ${markdownText(row.key, 20)} | ${c.column} | ${markdownText(c.source, 40)} | ${markdownText(c.twenty, 40)} | ${c.same ? 'ok' : '**differs**'} |`);
    }
  }
  lines.push(
    '',
    '## What Kartra could not export',
    '',
    '- Behavioural history: email opens and clicks, page visits, video views, form submissions over time.',
    '- Sequences and automations (their steps, emails and rules), funnels, pages, forms and memberships: see the automation inventory for the names the leads carry and what to rebuild as Twenty workflows.',
    '- Calendar bookings, helpdesk tickets and affiliate details, unless an export of them was given.',
  );
  if (runs.length > 0) {
    const total = runs.reduce((n, r) => n + (r.durationMs ?? 0), 0);
    lines.push('', '## Time taken', '', ...runs.map((r) => `- ${r.stage ?? 'run'} at ${r.at ?? '?'}: ${((r.durationMs ?? 0) / 1000).toFixed(1)} s${r.cancelled ? ' (stopped before the end)' : ''}`), `- in all: ${(total / 1000).toFixed(1)} s`);
  }
  const markdown = `${lines.join('\n')}\n`;
  const path = join(input.dir, REPORT_FILE);
  await writeFileAtomic(path, markdown);
  return { markdown, reconciliation, rejects, path };
}

