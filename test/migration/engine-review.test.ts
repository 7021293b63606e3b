/**
 * The cases a review of the engine against expected.json found it missing, each now a test of the fix: US-rewritten
 * join dates, placeholder emails, ragged rows' reasons, company spellings in file order, subscriptions named by their
 * PayPal id, and tags with a comma inside in a chunk split by ';'. Same set-up as engine.test.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportResult } from '../../src/migration/engine.js';
import { generateSamples } from '../../src/samples/generate.js';
import { compareWithExpected, importStage, migrationFolder, openWorkspace, prepareMigration, skippedPeople, type Comparison, type Migration, type Workspace } from './engine-helpers.js';

let root: string;
const open: Workspace[] = [];
let messy: { migration: Migration; dir: string; result: ImportResult; comparison: Comparison };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'engine-bugs-'));
  const ws = await openWorkspace('v2');
  open.push(ws);
  const migration = await prepareMigration(ws, 'fixtures/samples/messy');
  const dir = await migrationFolder(root);
  const result = await importStage(ws, migration, dir, 'full');
  messy = { migration, dir, result, comparison: await compareWithExpected(ws.sandbox, ws.client, migration) };
});

afterAll(async () => {
  for (const ws of open) await ws.close();
  await rm(root, { recursive: true, force: true });
});

describe('expected.json figures the engine misses', () => {
  it('a join date a US spreadsheet rewrote as m/d/yyyy (10/8/2021 16:51) still dates the person', () => {
    expect(Object.fromEntries(messy.comparison.createdAt)).toEqual({});
  });

  it('a lead whose email is a placeholder (N/A) is skipped as missing_email, as the reader counts it', async () => {
    const skipped = await skippedPeople(messy.dir);
    const wrong = messy.migration.expected.leads.rejects
      .filter((r) => !skipped.get(`${r.file}:${r.line}`)?.startsWith(r.reason))
      .map((r) => `${r.file}:${r.line}: expected ${r.reason}, got ${skipped.get(`${r.file}:${r.line}`)}`);
    expect(wrong).toEqual([]);
  });

  it('a ragged row’s reason says how many cells the header names, not a padded count', async () => {
    const skipped = await skippedPeople(messy.dir);
    const short = skipped.get('contacts_kartra_09-06-2026_6a28043b37f40.csv:105');
    expect(short).toMatch(/^ragged_row: the row does not have the 43 cells the header names/);
  });

  it('each company is named by its first spelling in file and line order', () => {
    const c = messy.comparison.companies;
    expect({ missing: c.missingNames, extra: c.extraNames }).toEqual({ missing: [], extra: [] });
  });

  it('a subscription exported under its PayPal id is staged by its last event', () => {
    const c = messy.comparison;
    expect(Object.fromEntries(c.stages)).toEqual({});
    expect(c.customers.actual).toBe(c.customers.expected);
  });

  it('a tag with a comma inside, in a chunk whose list separator is ";", stays one tag (200 leads, seed 3)', async () => {
    const dir = join(root, 'generated');
    await generateSamples({ outDir: dir, leads: 200, seed: 3, messy: true });
    const ws = await openWorkspace('v2');
    open.push(ws);
    const migration = await prepareMigration(ws, dir);
    await importStage(ws, migration, await migrationFolder(root), 'full');
    const c = await compareWithExpected(ws.sandbox, ws.client, migration);
    expect(c.tags).toEqual([]);
    expect(c.lists).toEqual([]);
  });
});
