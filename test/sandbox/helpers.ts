import { afterEach } from 'vitest';
import { startSandbox, type SandboxHandle, type SandboxOptions } from '../../src/sandbox/index.js';

/** A response as the tests look at it: status, headers, parsed JSON body (loosely typed on purpose). */
export interface ApiResponse {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface TestSandbox {
  sb: SandboxHandle;
  /** Calls the sandbox with plain fetch, the API key and a JSON body. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
}

const open: SandboxHandle[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((sb) => sb.close()));
});

/** A fresh sandbox, closed after the test. Throttling is off unless the test asks for it. */
export async function sandbox(options: SandboxOptions = {}): Promise<TestSandbox> {
  const sb = await startSandbox({ rateLimit: false, ...options });
  open.push(sb);
  return { sb, call: (method, path, body, headers) => call(sb, method, path, body, headers) };
}

export async function call(sb: { url: string; apiKey: string }, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> {
  const res = await fetch(`${sb.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${sb.apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) };
}

/** Expects Twenty's error body: status, code (or none), and a message matching. */
export function errorOf(res: ApiResponse): { status: number; code: string | undefined; message: string } {
  return { status: res.status, code: res.body?.code, message: res.body?.messages?.[0] };
}

/** Field metadata of an object by plural name. */
export async function objectMeta(t: TestSandbox, plural: string) {
  const res = await t.call('GET', '/rest/metadata/objects');
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const object = res.body.data.objects.find((o: any) => o.namePlural === plural);
  if (!object) throw new Error(`no object ${plural}`);
  return object;
}
