/**
 * Rolling back a delta, then the migration it followed (issue: "... across sample, full, delta and rollback:
 * exactly-once outcome every time"; found by the CLI kill test). Migration A creates every record; delta B, since A,
 * fills one lead's empty LinkedIn (an update of A's record) and adds two leads. Rolling back B restores that record,
 * which moves its updatedAt past the one A's journal holds; rolling back A must still destroy it: neither B's update
 * nor B's rollback is an edit someone made in Twenty. Also when B's rollback was killed after its restore reached
 * Twenty and before its journal said so (the rollback run again finds the values restored already). A real edit made
 * in Twenty after B's rollback still keeps the record.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectExports, type Inspection } from '../../src/kartra/inspect.js';
import { buildMapping } from '../../src/mapping/build.js';
import { JOURNAL_FILE, runImport } from '../../src/migration/engine.js';
import { runRollback } from '../../src/migration/rollback.js';
import { applySchemaChanges, planSchemaChanges } from '../../src/migration/schema-changes.js';
import { REPO_ROOT } from '../helpers/edge.js';
import { newerExports } from '../stress/harness.js';
import { live, openWorkspace, prepareMigration, type Migration, type Workspace } from './engine-helpers.js';

const CLEAN = join(REPO_ROOT, 'fixtures', 'samples', 'clean');
const OBJECTS = ['companies', 'people', 'opportunities', 'notes', 'noteTargets'];

let root: string;
let newer: string;
let changes: { changed: string; added: string[] };
let inspectionB: Inspection;
const workspaces: Workspace[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kartra-rollback-delta-'));
  newer = join(root, 'newer');
  changes = await newerExports(CLEAN, newer);
  inspectionB = await inspectExports([newer]);
});

afterAll(async () => {
  for (const w of workspaces) await w.close();
  await rm(root, { recursive: true, force: true });
});

/** A workspace where A was imported in full and B, since A, as a delta; both folders side by side, as in MIGRATION_HOME. */
async function importedAThenB(name: string): Promise<{ ws: Workspace; a: Migration; dirA: string; dirB: string }> {
  const ws = await openWorkspace('v2');
  workspaces.push(ws);
  const a = await prepareMigration(ws, CLEAN);
  const home = join(root, name);
  const dirA = join(home, 'm-aaaaaaaaaaaa');
  const dirB = join(home, 'm-bbbbbbbbbbbb');
  const full = await runImport({ dir: dirA, inspection: a.inspection, mapping: a.mapping, client: ws.client, policy: 'fill-empty', stage: 'full' });
  expect(full.cancelled).toBe(false);
  const mappingB = buildMapping({ migrationId: 'm-bbbbbbbbbbbb', inspection: inspectionB, schema: await ws.client.schema({ refresh: true }), mode: 'rehearsal' });
  await applySchemaChanges(ws.client, planSchemaChanges(mappingB, await ws.client.schema({ refresh: true })));
  const delta = await runImport({ dir: dirB, inspection: inspectionB, mapping: mappingB, client: ws.client, policy: 'fill-empty', stage: 'delta', since: [dirA] });
  expect(delta.counts.people).toMatchObject({ created: changes.added.length, updated: 1 });
  return { ws, a, dirA, dirB };
}

const held = (ws: Workspace): Record<string, number> => Object.fromEntries(OBJECTS.map((p) => [p, ws.sandbox.records(p).length]));
const personOf = (ws: Workspace, lead: string) => live(ws.sandbox, 'people').find((p) => String(p.kartraLeadId) === lead);

describe('rolling back a delta, then the migration it followed', () => {
  it('leaves nothing, also when the delta\'s rollback was stopped between its restore and its journal', async () => {
    const { ws, dirA, dirB } = await importedAThenB('stopped');
    const first = await runRollback(dirB, ws.client);
    expect(first.reversed.people).toEqual({ destroyed: changes.added.length, restored: 1 });
    expect(first.kept).toEqual([]);
    // As if killed after the restore reached Twenty, before the journal said so: its last line never written.
    const path = join(dirB, JOURNAL_FILE);
    const lines = (await readFile(path, 'utf8')).split('\n').filter((l) => l !== '');
    const reversedLine = lines.findLastIndex((l) => l.startsWith('{"t":"reversed"'));
    await writeFile(path, lines.filter((_, i) => i !== reversedLine).map((l) => `${l}\n`).join(''));
    const again = await runRollback(dirB, ws.client);
    expect(again.kept, 'the restored record is not "changed in Twenty since"').toEqual([]);
    expect(again.reversed.people.restored).toBe(1);

    const rollbackA = await runRollback(dirA, ws.client);
    expect(rollbackA.kept, 'records kept by the rollback of A').toEqual([]);
    expect(rollbackA.errored).toEqual([]);
    expect(held(ws)).toEqual({ companies: 0, people: 0, opportunities: 0, notes: 0, noteTargets: 0 });
  }, 30_000);

  it('still keeps the record when someone edited it in Twenty after the delta\'s rollback', async () => {
    const { ws, dirA, dirB } = await importedAThenB('edited');
    expect((await runRollback(dirB, ws.client)).kept).toEqual([]);
    const person = personOf(ws, changes.changed)!;
    await new Promise((resolve) => setTimeout(resolve, 5)); // a later updatedAt
    await ws.client.update('people', String(person.id), { jobTitle: 'Edited by hand' });
    const rollbackA = await runRollback(dirA, ws.client);
    const [edited, ...others] = rollbackA.kept;
    expect(edited).toMatchObject({ phase: 'people', key: changes.changed, reason: expect.stringMatching(/changed in Twenty since the import/) });
    // and what it links to (its company), so its link is not cut
    for (const k of others) expect(k.reason).toMatch(/a record kept in Twenty \(changed since the import\) links to it/);
    expect(personOf(ws, changes.changed)?.jobTitle).toBe('Edited by hand');
  }, 30_000);
});
