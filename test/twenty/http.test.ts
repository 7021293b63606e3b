import { afterEach, describe, expect, it } from 'vitest';
import { TwentyConfigError, TwentyResponseError, TwentyUnavailableError } from '../../src/twenty/errors.js';
import { createHttp, parseBaseUrl, restPath } from '../../src/twenty/http.js';
import { KEY, drop, json, rejection, startServer, type TestServer } from './helpers.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(handler: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const s = await startServer(handler);
  servers.push(s);
  return s;
}

describe('base URL', () => {
  it('accepts http(s) URLs, drops a trailing slash or /rest, keeps a path prefix', () => {
    expect(parseBaseUrl('https://api.twenty.com/').href).toBe('https://api.twenty.com/');
    expect(parseBaseUrl('https://api.twenty.com/rest/').href).toBe('https://api.twenty.com/');
    expect(parseBaseUrl(' http://host:3000/twenty/ ').href).toBe('http://host:3000/twenty');
  });

  it('refuses other schemes, credentials, queries and fragments', () => {
    for (const bad of ['ftp://host', 'file:///etc/passwd', 'https://u:p@host', 'https://host/?a=1', 'https://host/#x', 'not a url']) {
      expect(() => parseBaseUrl(bad)).toThrow(TwentyConfigError);
    }
  });

  it('encodes every path segment, so an id cannot add segments or change the host', () => {
    expect(restPath('people', '../metadata/x')).toBe('/rest/people/..%2Fmetadata%2Fx');
    expect(restPath('people', 'a?b#c')).toBe('/rest/people/a%3Fb%23c');
    expect(restPath('people', '//evil.example')).toBe('/rest/people/%2F%2Fevil.example');
    expect(() => restPath('people', '..')).toThrow(TwentyConfigError);
  });
});

describe('one call', () => {
  it('sends Bearer auth and JSON to the configured server and parses the JSON answer', async () => {
    const s = await server((hit, res) => json(res, 201, { data: { createPeople: [{ id: '1', ...(hit.body as object[])[0] }] } }));
    const http = createHttp({ baseUrl: s.url, apiKey: KEY, timeoutMs: 1000 });
    const answer = await http.send({ method: 'POST', path: '/rest/batch/people', query: { upsert: 'true' }, body: [{ name: 'Ada' }] });
    expect(answer).toEqual({ data: { createPeople: [{ id: '1', name: 'Ada' }] } });
    const hit = s.hits[0];
    expect(hit?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(hit?.headers['content-type']).toBe('application/json');
    expect(hit?.path).toBe('/rest/batch/people');
    expect(hit?.query.get('upsert')).toBe('true');
  });

  it('keeps the base URL path prefix', async () => {
    const s = await server((_hit, res) => json(res, 200, { data: {} }));
    const http = createHttp({ baseUrl: `${s.url}/twenty/`, apiKey: KEY, timeoutMs: 1000 });
    await http.send({ method: 'GET', path: '/rest/people' });
    expect(s.hits[0]?.path).toBe('/twenty/rest/people');
  });

  it('refuses paths that could leave the base URL, before sending anything', async () => {
    const s = await server((_hit, res) => json(res, 200, {}));
    const http = createHttp({ baseUrl: s.url, apiKey: KEY, timeoutMs: 1000 });
    const bad = [
      '//evil.example/rest/people',
      'http://evil.example/rest/people',
      '/rest/../metadata',
      '/rest/%2e%2e/x',
      '/rest/people?x=1',
      '/rest/people#x',
      '/rest\\..\\x',
      '/graphql',
      '@evil.example/rest',
      'rest/people',
    ];
    for (const path of bad) expect(await rejection(http.send({ method: 'GET', path }))).toBeInstanceOf(TwentyConfigError);
    expect(s.hits).toHaveLength(0);
  });

  it('does not follow redirects to another host', async () => {
    const evil = await server((_hit, res) => json(res, 200, { data: {} }));
    const s = await server((_hit, res) => {
      res.writeHead(307, { location: `${evil.url}/rest/people` });
      res.end();
    });
    const http = createHttp({ baseUrl: s.url, apiKey: KEY, timeoutMs: 1000 });
    expect(await rejection(http.send({ method: 'GET', path: '/rest/people' }))).toBeInstanceOf(TwentyResponseError);
    expect(evil.hits).toHaveLength(0);
  });

  it('times out a hanging request as TwentyUnavailableError that may have been applied', async () => {
    const s = await server(() => undefined); // never answers
    const http = createHttp({ baseUrl: s.url, apiKey: KEY, timeoutMs: 100 });
    const started = performance.now();
    const e = await rejection(http.send({ method: 'POST', path: '/rest/batch/people', body: [] }));
    expect(e).toBeInstanceOf(TwentyUnavailableError);
    expect((e as TwentyUnavailableError).reason).toMatch(/timed out/);
    expect((e as TwentyUnavailableError).mayHaveApplied).toBe(true);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('reports a dropped connection and a refused one as TwentyUnavailableError', async () => {
    const s = await server((_hit, res) => drop(res));
    const http = createHttp({ baseUrl: s.url, apiKey: KEY, timeoutMs: 1000 });
    const dropped = await rejection(http.send({ method: 'GET', path: '/rest/people' }));
    expect(dropped).toBeInstanceOf(TwentyUnavailableError);
    expect((dropped as TwentyUnavailableError).mayHaveApplied).toBe(true);

    const closed = await server(() => undefined);
    const url = closed.url;
    await closed.close();
    servers.splice(servers.indexOf(closed), 1);
    const refused = await rejection(createHttp({ baseUrl: url, apiKey: KEY, timeoutMs: 1000 }).send({ method: 'GET', path: '/rest/people' }));
    expect(refused).toBeInstanceOf(TwentyUnavailableError);
    expect((refused as TwentyUnavailableError).mayHaveApplied).toBe(false);
    expect((refused as TwentyUnavailableError).message).toContain('ECONNREFUSED');
  });

  it('calls a 2xx answer that is not JSON a response error', async () => {
    const s = await server((_hit, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>login</html>');
    });
    const http = createHttp({ baseUrl: s.url, apiKey: KEY, timeoutMs: 1000 });
    expect(await rejection(http.send({ method: 'GET', path: '/rest/people' }))).toBeInstanceOf(TwentyResponseError);
  });

  it('refuses an empty key or one with a line break', () => {
    expect(() => createHttp({ baseUrl: 'http://localhost', apiKey: ' ', timeoutMs: 1 })).toThrow(TwentyConfigError);
    expect(() => createHttp({ baseUrl: 'http://localhost', apiKey: 'a\nb', timeoutMs: 1 })).toThrow(TwentyConfigError);
  });
});
