import { describe, expect, it } from 'vitest';
import { FaultInjector, parseFaultsSpec, resolveFaults } from '../../src/sandbox/faults.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { sandbox } from './helpers.js';

function post(sb: { url: string; apiKey: string }, path: string, body: unknown, signal?: AbortSignal) {
  return fetch(`${sb.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sb.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

describe('fault injection on record routes', () => {
  it('error500Rate: 500 with an error body, nothing applied, no token spent; metadata is unaffected', async () => {
    const t = await sandbox({ faults: { error500Rate: 1 }, rateLimit: { shortLimit: 1, shortWindowMs: 60_000 } });
    for (let i = 0; i < 3; i++) {
      const res = await t.call('POST', '/rest/companies', { name: 'A' });
      expect(res.status).toBe(500);
      expect(res.body).toMatchObject({ statusCode: 500, error: 'InternalServerErrorException', code: 'INTERNAL_SERVER_ERROR' });
    }
    expect(t.sb.records('companies')).toEqual([]);
    expect((await t.call('GET', '/rest/metadata/objects')).status).toBe(200);
    expect(t.sb.stats().faults).toEqual({ error500: 3, hang: 0, dropAfterApply: 0, rateLimitStorm: 0, invalidRecord: 0, latency: 0 });
    expect(t.sb.stats().rateLimited).toBe(0);
  });

  it('hangRate: the request is never answered, nothing is applied; close() ends it', async () => {
    const sb = await startSandbox({ faults: { hangRate: 1 }, rateLimit: false });
    let settled = false;
    const pending = post(sb, '/rest/companies', { name: 'Hung' }).then(
      () => 'answered',
      () => 'failed',
    ).finally(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(settled).toBe(false);
    expect(sb.stats().faults.hang).toBe(1);
    expect(sb.records('companies')).toEqual([]);
    const started = Date.now();
    await sb.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await pending).toBe('failed');
  });

  it('hangRate: a client timeout gives up on it', async () => {
    const t = await sandbox({ faults: { hangRate: 1 } });
    await expect(post(t.sb, '/rest/companies', { name: 'x' }, AbortSignal.timeout(200))).rejects.toThrow();
  });

  it('dropAfterApplyRate: the client sees a socket error although the write was stored', async () => {
    const t = await sandbox({ faults: { dropAfterApplyRate: 1 } });
    const error = await post(t.sb, '/rest/batch/people', [{ name: { firstName: 'Ada' } }, { name: { firstName: 'Bob' } }]).then(
      () => undefined,
      (e: unknown) => e as Error & { cause?: { code?: string } },
    );
    expect(error).toBeInstanceOf(TypeError); // undici: "fetch failed", cause: socket closed
    expect(error?.cause?.code ?? String(error?.cause)).toMatch(/UND_ERR_SOCKET|ECONNRESET|other side closed/);
    expect(t.sb.records('people').map((p) => (p.name as { firstName: string }).firstName)).toEqual(['Ada', 'Bob']);
    expect(t.sb.stats().faults.dropAfterApply).toBe(1);
  });

  it('latencyMs delays every record request', async () => {
    const t = await sandbox({ faults: { latencyMs: 300 } });
    const started = performance.now();
    expect((await t.call('GET', '/rest/people')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(295);
    expect(t.sb.stats().faults.latency).toBe(1);
    const meta = performance.now();
    await t.call('GET', '/rest/metadata/objects');
    expect(performance.now() - meta).toBeLessThan(295);
  });

  it('is deterministic for a seed, and spreads faults at the given rates', async () => {
    const statuses = async (seed: number) => {
      const t = await sandbox({ faults: { error500Rate: 0.3, seed } });
      const out: number[] = [];
      for (let i = 0; i < 40; i++) out.push((await t.call('GET', '/rest/people')).status);
      return out;
    };
    const a = await statuses(7);
    expect(await statuses(7)).toEqual(a);
    expect(await statuses(8)).not.toEqual(a);
    const injector = new FaultInjector(resolveFaults({ error500Rate: 0.1, hangRate: 0.1, dropAfterApplyRate: 0.2, seed: 3 }));
    const counts = { none: 0, error500: 0, hang: 0, dropAfterApply: 0, rateLimitStorm: 0 };
    for (let i = 0; i < 10_000; i++) counts[injector.next()] += 1;
    expect(counts.error500 / 10_000).toBeCloseTo(0.1, 1);
    expect(counts.hang / 10_000).toBeCloseTo(0.1, 1);
    expect(counts.dropAfterApply / 10_000).toBeCloseTo(0.2, 1);
  });

  it('refuses bad fault options', () => {
    expect(() => resolveFaults({ error500Rate: 2 })).toThrow('faults: error500Rate must be a number from 0 to 1 (got 2)');
    expect(() => resolveFaults({ error500Rate: 0.6, hangRate: 0.6 })).toThrow('faults: the rates add up to more than 1');
    expect(() => resolveFaults({ latency: 5 })).toThrow(/unknown option "latency"/);
    expect(() => parseFaultsSpec('{oops')).toThrow(/--faults is not valid JSON/);
    expect(parseFaultsSpec('{"hangRate":0.5,"seed":9}')).toEqual({ error500Rate: 0, hangRate: 0.5, dropAfterApplyRate: 0, rateLimitStormRate: 0, rateLimitStormLength: 5, invalidRecordRate: 0, latencyMs: 0, seed: 9 });
  });
});
