/**
 * A local fake of Anthropic's Messages endpoint (POST /v1/messages) for the LLM rerank tests: node:http on
 * 127.0.0.1, port 0. It records every request (headers and JSON body) and answers as a scripted handler says: a
 * tool_use answer, a text-only answer, a body that is not JSON, an HTTP error in Anthropic's error shape, or no
 * answer at all (the request hangs until the server closes).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { listenLocal } from '../helpers/local-server.js';

export type FakeRequest = {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (the raw text when it was not JSON). */
  body: unknown;
  raw: string;
};

export type FakeReply =
  | { kind: 'tool_use'; input: unknown; name?: string }
  | { kind: 'text'; text: string }
  | { kind: 'invalid-json' }
  | { kind: 'status'; status: number; message?: string; headers?: Record<string, string> }
  | { kind: 'hang' };

export type FakeHandler = (request: FakeRequest, index: number) => FakeReply | Promise<FakeReply>;

export type FakeMessagesServer = {
  /** For `baseURL` / `ANTHROPIC_BASE_URL` (the SDK appends /v1/messages). */
  baseURL: string;
  requests: FakeRequest[];
  close(): Promise<void>;
};

export async function startFakeMessages(handler: FakeHandler): Promise<FakeMessagesServer> {
  const requests: FakeRequest[] = [];
  let ids = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {
        // kept as text
      }
      const request: FakeRequest = { method: req.method ?? '', path: new URL(req.url ?? '/', 'http://127.0.0.1').pathname, headers: req.headers, body, raw };
      const index = requests.push(request) - 1;
      const send = (status: number, text: string, headers: Record<string, string> = {}): void => {
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'request-id': `req_fake_${index}`, ...headers });
        res.end(text);
      };
      Promise.resolve()
        .then(() => handler(request, index))
        .then((reply) => {
          const model = (body as { model?: unknown } | undefined)?.model ?? 'fake-model';
          const message = (content: unknown[], stop: string): string =>
            JSON.stringify({ id: `msg_fake_${++ids}`, type: 'message', role: 'assistant', model, content, stop_reason: stop, stop_sequence: null, usage: { input_tokens: 10, output_tokens: 10 } });
          switch (reply.kind) {
            case 'tool_use':
              return send(200, message([{ type: 'tool_use', id: `toolu_fake_${ids}`, name: reply.name ?? 'choose_destinations', input: reply.input }], 'tool_use'));
            case 'text':
              return send(200, message([{ type: 'text', text: reply.text }], 'end_turn'));
            case 'invalid-json':
              return send(200, '{"id":"msg_fake","type":"message","content":[{"type":"tool_use",');
            case 'status': {
              const type = reply.status === 429 ? 'rate_limit_error' : reply.status >= 500 ? 'api_error' : 'invalid_request_error';
              return send(reply.status, JSON.stringify({ type: 'error', error: { type, message: reply.message ?? `fake ${reply.status}` } }), reply.headers);
            }
            case 'hang':
              return; // never answers; close() destroys the socket
          }
        })
        .catch((error: unknown) => {
          if (!res.headersSent) send(599, JSON.stringify({ type: 'error', error: { type: 'fake_handler_error', message: String(error) } }));
        });
    });
  });
  const { url, close } = await listenLocal(server);
  return { baseURL: url, requests, close };
}

/** The user message's text of a recorded Messages request. */
export function userText(request: FakeRequest): string {
  const body = request.body as { messages?: { role: string; content: string | { type: string; text?: string }[] }[] };
  const first = body.messages?.[0]?.content;
  if (typeof first === 'string') return first;
  return (first ?? []).map((b) => b.text ?? '').join('\n');
}

export type SentColumn = {
  columnId: string;
  header: string;
  profile: Record<string, unknown>;
  samples: string[];
  shortlist: { key: string; label: string; description: string }[];
};

/** The JSON data block of a recorded request (between the markers), parsed. */
export function dataBlock(request: FakeRequest, open = '<untrusted_csv_data>', close = '</untrusted_csv_data>'): { raw: string; columns: SentColumn[] } {
  const text = userText(request);
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  if (start < 0 || end < start || text.indexOf(open, start + 1) >= 0 || text.indexOf(close, end + 1) >= 0) throw new Error('expected exactly one data block');
  const raw = text.slice(start + open.length, end);
  return { raw, columns: (JSON.parse(raw) as { columns: SentColumn[] }).columns };
}
