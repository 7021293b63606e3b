/** Reading Twenty's JSON answers without trusting their shape. */
import { TwentyResponseError, type CallInfo } from './errors.js';

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A GraphQL-style connection (`{edges: [{node}]}`) or a plain array, as an array; undefined otherwise. */
export function asList(v: unknown): unknown[] | undefined {
  if (Array.isArray(v)) return v;
  if (isRecord(v) && Array.isArray(v.edges)) return v.edges.map((e) => (isRecord(e) ? e.node : undefined));
  return undefined;
}

/**
 * The list under `key` in `{data: {key: [...]}}` (REST records, cleaned metadata), `{data: [...]}` (newer metadata
 * lists), `{key: [...]}`, or the only list in `data`.
 */
export function listIn(body: unknown, key: string): unknown[] | undefined {
  if (!isRecord(body)) return asList(body);
  const data = body.data;
  const direct = asList(data);
  if (direct !== undefined) return direct;
  if (isRecord(data)) {
    const named = asList(data[key]);
    if (named !== undefined) return named;
    const lists = Object.values(data).map(asList).filter((l) => l !== undefined);
    if (lists.length === 1) return lists[0];
  }
  return asList(body[key]);
}

export interface PageInfo {
  hasNextPage: boolean;
  startCursor?: string;
  endCursor?: string;
}

/** `pageInfo` at the top level (REST) or inside the named connection. */
export function pageInfoIn(body: unknown, key: string): PageInfo {
  let info: unknown;
  if (isRecord(body)) {
    info = body.pageInfo;
    if (info === undefined && isRecord(body.data) && isRecord(body.data[key])) info = body.data[key].pageInfo;
  }
  if (!isRecord(info)) return { hasNextPage: false };
  const startCursor = str(info.startCursor);
  const endCursor = str(info.endCursor);
  return {
    hasNextPage: info.hasNextPage === true,
    ...(startCursor === undefined ? {} : { startCursor }),
    ...(endCursor === undefined ? {} : { endCursor }),
  };
}

/**
 * The single object of a one-record answer: `{data: {updatePerson: {...}}}`, `{data: {createOneField: {...}}}`.
 * The key's name varies with the object (`create<Singular>`, §1), so the only object value is taken.
 */
export function singleIn(body: unknown, call: CallInfo): Record<string, unknown> {
  const data = isRecord(body) ? body.data : undefined;
  if (isRecord(data)) {
    const values = Object.values(data).filter(isRecord);
    if (values.length === 1 && values[0] !== undefined) return values[0];
    if (typeof data.id === 'string') return data;
  }
  throw new TwentyResponseError('expected {"data": {"<operation>": {...}}} with one record', { call });
}
