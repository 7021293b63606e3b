/** A tiny scriptable HTTP server for the client's unit tests (a stand-in for Twenty), and assertion helpers. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { inspect } from 'node:util';
import { listenLocal } from '../helpers/local-server.js';

export const KEY = 'eyJhbGciOiJIUzI1NiJ9.test-api-key-Zm9vYmFyYmF6.c2lnbmF0dXJl';

export interface Hit {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
  /** performance.now() when the request arrived. */
  at: number;
}

export type Handler = (hit: Hit, res: ServerResponse, req: IncomingMessage) => unknown;

export interface TestServer {
  url: string;
  hits: Hit[];
  close(): Promise<void>;
}

export async function startServer(handler: Handler): Promise<TestServer> {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    const at = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        body = text;
      }
      const hit: Hit = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body, at };
      hits.push(hit);
      Promise.resolve(handler(hit, res, req)).catch((error: unknown) => {
        if (!res.headersSent) json(res, 599, { error: String(error) });
      });
    });
  });
  const { url, close } = await listenLocal(server);
  return { url, hits, close };
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Twenty's REST error body (twenty-api.md §6). */
export function twentyError(res: ServerResponse, status: number, message: string, code?: string, headers: Record<string, string> = {}): void {
  json(res, status, { statusCode: status, error: status === 429 ? 'TooManyRequestsException' : 'BadRequestException', messages: [message], ...(code === undefined ? {} : { code }) }, headers);
}

/** Closes the connection without answering (a dropped connection). */
export function drop(res: ServerResponse): void {
  res.socket?.destroy();
}

/** Every string form an error can take when printed, logged or serialised. */
export function allForms(error: unknown): string {
  const e = error as Error;
  // util.inspect shows own properties (hidden ones too), the cause chain and the stack
  return [String(error), e.message, e.stack ?? '', JSON.stringify(error), JSON.stringify(Object.entries(error as object)), inspect(error, { depth: 10, showHidden: true })].join('\n');
}

export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}
