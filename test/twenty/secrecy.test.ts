import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { TwentyConfigError, clientFromEnvironment } from '../../src/twenty/index.js';
import { KEY, allForms, drop, json, rejection, startServer, twentyError, type TestServer } from './helpers.js';
import { testClient } from './test-client.js';

describe('the API key never shows', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('is in no error of any failing call, even when the server echoes it back', async () => {
    const echo = (auth: string | undefined): string => `you sent ${auth ?? ''} and key=${KEY}`;
    server = await startServer((hit, res) => {
      const auth = hit.headers.authorization;
      switch (hit.path) {
        case '/rest/auth':
          return twentyError(res, 401, echo(auth), 'UNAUTHENTICATED');
        case '/rest/forbidden':
          return twentyError(res, 403, echo(auth), 'FORBIDDEN');
        case '/rest/invalid':
          return twentyError(res, 400, `Invalid value '${KEY}' for field "${KEY}"`, 'INVALID_ARGS_DATA');
        case '/rest/limit':
          return twentyError(res, 429, echo(auth), 'LIMIT_REACHED');
        case '/rest/big':
          return twentyError(res, 400, echo(auth), 'TOO_MANY_RECORDS_TO_UPDATE');
        case '/rest/missing':
          return twentyError(res, 404, echo(auth));
        case '/rest/down':
          return json(res, 500, { message: echo(auth), headers: hit.headers });
        case '/rest/redirect':
          res.writeHead(302, { location: `https://evil.example/?k=${KEY}` });
          return res.end();
        case '/rest/html':
          res.writeHead(200, { 'content-type': 'text/html' });
          return res.end(`<p>${echo(auth)}</p>`);
        case '/rest/drop':
          return drop(res);
        default:
          return json(res, 200, { data: { echo: echo(auth) } });
      }
    });
    const client = testClient(server.url, { maxRetries: 1, rateLimit: { buckets: [{ limit: 100_000, windowMs: 1000 }], maxWaits: 1 } });
    const paths = ['auth', 'forbidden', 'invalid', 'limit', 'big', 'missing', 'down', 'redirect', 'html', 'drop'];
    const errors: unknown[] = [];
    for (const p of paths) errors.push(await rejection(client.request({ method: 'POST', path: `/rest/${p}`, body: { p } })));
    expect(errors.map((e) => (e as Error).name)).toEqual([
      'TwentyAuthError',
      'TwentyAuthError',
      'TwentyValidationError',
      'TwentyRateLimitError',
      'TwentyBatchTooLargeError',
      'TwentyNotFoundError',
      'TwentyUnavailableError',
      'TwentyResponseError',
      'TwentyResponseError',
      'TwentyUnavailableError',
    ]);
    for (const e of errors) {
      expect(e).toBeInstanceOf(UserError);
      expect(allForms(e)).not.toContain(KEY);
      expect(allForms(e)).not.toContain(KEY.split('.')[1]);
    }
    // the server did receive the key: the redaction is what keeps it out
    expect(server.hits[0]?.headers.authorization).toBe(`Bearer ${KEY}`);

    // a successful answer echoing the key is redacted too
    const ok = await client.request({ method: 'GET', path: '/rest/ok' });
    expect(JSON.stringify(ok)).not.toContain(KEY);
    expect(JSON.stringify(ok)).toContain('[redacted]');

    // and the client object itself holds no readable key
    expect(inspect(client, { depth: 10, showHidden: true })).not.toContain(KEY);
    expect(JSON.stringify(client)).not.toContain(KEY);
    expect(JSON.stringify(client.stats())).not.toContain(KEY);
    await client.close();
  });

  it('is in no configuration error', () => {
    const e = (() => {
      try {
        return clientFromEnvironment({ TWENTY_API_URL: `https://user:${KEY}@example.com`, TWENTY_API_KEY: KEY });
      } catch (error) {
        return error;
      }
    })();
    expect(e).toBeInstanceOf(TwentyConfigError);
    expect(allForms(e)).not.toContain(KEY);
  });
});
