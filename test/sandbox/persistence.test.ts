import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/index.js';
import { tempDir } from '../helpers/edge.js';
import { call, errorOf, objectMeta, sandbox } from './helpers.js';

const tmp = tempDir('kartra-sandbox-');
afterAll(() => tmp.cleanup());
let n = 0;
const dataFile = () => join(tmp.dir, `run-${++n}`, 'sandbox.json');

describe('persistence in a data file', () => {
  it('a rehearsal survives a restart: records (soft-deleted included), custom fields, API key, profile', async () => {
    const file = dataFile();
    const first = await sandbox({ dataFile: file, profile: 'v1' });
    const person = await objectMeta(first, 'people');
    await first.call('POST', '/rest/metadata/fields', { objectMetadataId: person.id, type: 'TEXT', name: 'kartraLeadId', label: 'Lead id', isUnique: true });
    await first.call('POST', '/rest/batch/people', [{ kartraLeadId: 'L1', emails: { primaryEmail: 'a@example.com' } }, { kartraLeadId: 'L2' }]);
    const gone = (await first.call('POST', '/rest/people', { kartraLeadId: 'L3' })).body.data.createPerson;
    await first.call('DELETE', `/rest/people/${gone.id}?soft_delete=true`);
    const before = first.sb.records('people');
    const apiKey = first.sb.apiKey;
    await first.sb.close();

    const second = await startSandbox({ dataFile: file, rateLimit: false });
    try {
      expect(second.apiKey).toBe(apiKey);
      expect(second.profile).toBe('v1');
      expect(second.records('people')).toEqual(before);
      const res = await call(second, 'GET', '/rest/people?order_by=kartraLeadId');
      expect(res.body.data.people.map((p: { kartraLeadId: string }) => p.kartraLeadId)).toEqual(['L1', 'L2']);
      // The soft-deleted row still holds its unique value after the restart, and upsert restores it.
      expect(errorOf(await call(second, 'POST', '/rest/people', { kartraLeadId: 'L3' })).code).toBe('DUPLICATE_ENTRY_DETECTED');
      const restored = await call(second, 'POST', '/rest/people?upsert=true', { kartraLeadId: 'L3' });
      expect(restored.body.data.createPerson).toMatchObject({ id: gone.id, deletedAt: null });
    } finally {
      await second.close();
    }
    const third = await startSandbox({ dataFile: file, rateLimit: false });
    expect(third.records('people').find((p) => p.id === gone.id)!.deletedAt).toBeNull();
    await third.close();
  });

  it('writes atomically: valid JSON, owner-only, no temporary file left', async () => {
    const file = dataFile();
    const t = await sandbox({ dataFile: file, persistDelayMs: 0 });
    await t.call('POST', '/rest/batch/companies', Array.from({ length: 50 }, (_, i) => ({ name: `C${i}` })));
    await t.sb.flush();
    const content = JSON.parse(readFileSync(file, 'utf8'));
    expect(content.format).toBe('kartra-twenty-sandbox');
    expect(Object.values(content.records as Record<string, unknown[]>).flat()).toHaveLength(50);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(file, '..'))).toEqual(['sandbox.json']);
  });

  it('debounces writes but flushes on close', async () => {
    const file = dataFile();
    const sb = await startSandbox({ dataFile: file, persistDelayMs: 60_000, rateLimit: false });
    await call(sb, 'POST', '/rest/companies', { name: 'Late' });
    const onDisk = () => Object.values(JSON.parse(readFileSync(file, 'utf8')).records as Record<string, unknown[]>).flat().length;
    expect(onDisk()).toBe(0);
    await sb.close();
    expect(onDisk()).toBe(1);
  });

  it('an API key in the options replaces the stored one', async () => {
    const file = dataFile();
    await (await startSandbox({ dataFile: file })).close();
    const sb = await startSandbox({ dataFile: file, apiKey: 'replacement-key' });
    expect(sb.apiKey).toBe('replacement-key');
    await sb.close();
  });

  it('refuses a data file of the other profile, and a file that is not sandbox data', async () => {
    const file = dataFile();
    await (await startSandbox({ dataFile: file, profile: 'v2' })).close();
    await expect(startSandbox({ dataFile: file, profile: 'v1' })).rejects.toThrow(/created with profile v2, not v1/);
    const junk = join(tmp.dir, 'junk.json');
    writeFileSync(junk, '{"hello":');
    await expect(startSandbox({ dataFile: junk })).rejects.toThrow(/not a sandbox data file/);
    writeFileSync(junk, '{"hello":1}');
    await expect(startSandbox({ dataFile: junk })).rejects.toThrow(/not a sandbox data file/);
  });

  it('without a data file, nothing is kept: a new sandbox starts empty', async () => {
    const a = await sandbox();
    await a.call('POST', '/rest/companies', { name: 'A' });
    const b = await sandbox();
    expect(b.sb.records('companies')).toEqual([]);
  });
});
