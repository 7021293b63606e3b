/**
 * The guided flow as an MCP client drives it, shared by the in-memory and the stdio end-to-end tests: a session that
 * records every tool result and checks what every result must be (under 100 kB; a success says where writes go; a
 * refusal is an isError result with a sentence, never a stack trace), the loops a client runs for work that goes on
 * in the background (preview "preparing", report "preparing", import_status until the job ends), and the checks of a
 * reconciliation report and of what Twenty holds against the generated set's expected.json.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { expect } from 'vitest';
import { inspectExports } from '../../src/kartra/inspect.js';
import type { MappingDocument } from '../../src/mapping/document.js';
import type { Expected } from '../../src/samples/expected.js';
import type { SandboxHandle } from '../../src/sandbox/index.js';
import type { TwentyClient } from '../../src/twenty/index.js';
import { compareWithExpected } from '../migration/engine-helpers.js';

export const TOOL_NAMES = [
  'inspect_exports',
  'describe_twenty',
  'propose_mapping',
  'edit_mapping',
  'preview_schema_changes',
  'apply_schema_changes',
  'preview_import',
  'start_import',
  'import_status',
  'reconciliation_report',
  'preview_rollback',
  'rollback_import',
  'automation_inventory',
];

export const REHEARSAL_HEADING = '[rehearsal: the local sandbox, nothing is sent to any real Twenty workspace]\n';
export const MAX_RESULT_BYTES = 100_000;

// Structured results are checked field by field in the tests; `any` keeps those checks readable.
export type Structured = any;

export type Recorded = { name: string; args: Record<string, unknown>; result: CallToolResult; bytes: number };

export const textOf = (result: CallToolResult): string => (result.content[0]?.type === 'text' ? result.content[0].text : '');

/** A stack trace line, or the name of an Error class at the start of a line: what a user must never see. */
const STACK = /^\s+at |\b(TypeError|ReferenceError|RangeError|SyntaxError)\b|node:internal|\.ts:\d+:\d+|\.js:\d+:\d+/m;

export class McpSession {
  readonly recorded: Recorded[] = [];

  /** `mode`: what every successful result must say about where writes go; `heading`, the first line of its text. */
  constructor(
    readonly client: Client,
    readonly expectation: { mode: 'live' | 'rehearsal'; heading: string },
  ) {}

  /** Calls a tool and checks what every result must be; a protocol error (a thrown McpError) fails the test. */
  async call(name: string, args: Record<string, unknown> = {}, options?: RequestOptions): Promise<CallToolResult> {
    const result = (await this.client.callTool({ name, arguments: args }, undefined, options)) as CallToolResult;
    const bytes = Buffer.byteLength(JSON.stringify(result));
    this.recorded.push({ name, args, result, bytes });
    expect(bytes, `${name} result size`).toBeLessThan(MAX_RESULT_BYTES);
    expect(result.content.length, `${name} has content`).toBeGreaterThan(0);
    const text = textOf(result);
    expect(text, `${name}: no stack trace`).not.toMatch(STACK);
    // every answer says where writes go, refusals too; only the SDK's own input validation comes before the tool
    if (!/Input validation error/.test(text)) {
      expect(text.startsWith(this.expectation.heading), `${name} starts with "${this.expectation.heading.trim()}": ${text.slice(0, 120)}`).toBe(true);
    }
    if (!result.isError) expect((result.structuredContent as Structured)?.twenty?.mode, `${name} structuredContent.twenty.mode`).toBe(this.expectation.mode);
    return result;
  }

  /** A call that must succeed; its structured content. */
  async ok(name: string, args: Record<string, unknown> = {}, options?: RequestOptions): Promise<Structured> {
    const result = await this.call(name, args, options);
    expect(result.isError ?? false, `${name} failed: ${textOf(result)}`).toBe(false);
    return result.structuredContent as Structured;
  }

  /** A call that must be refused: an isError result whose text matches `why`; the text. */
  async refused(name: string, args: Record<string, unknown>, why: RegExp): Promise<string> {
    const result = await this.call(name, args);
    const whole = textOf(result);
    const text = whole.startsWith(this.expectation.heading) ? whole.slice(this.expectation.heading.length) : whole;
    expect(result.isError, `${name} should be refused, got: ${text.slice(0, 300)}`).toBe(true);
    expect(result.structuredContent, `${name} refusal has no structured content`).toBeUndefined();
    expect(text).toMatch(why);
    expectSentence(text);
    return text;
  }

  /** Calls again with the same arguments while the answer says "preparing" (a long preview or report). */
  async ready(name: string, args: Record<string, unknown>, tries = 30): Promise<Structured> {
    for (let i = 0; i < tries; i++) {
      const data = await this.ok(name, args);
      if (data.state !== 'preparing') return data;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`${name} still preparing after ${tries} calls`);
  }

  /** Follows the migration's job with import_status until it has ended; the last status. */
  async untilEnded(migrationId: string, waitSeconds = 10, tries = 40): Promise<Structured> {
    for (let i = 0; i < tries; i++) {
      const status = await this.ok('import_status', { migrationId, waitSeconds });
      if (status.state !== 'running') return status;
    }
    throw new Error(`the job of ${migrationId} still runs after ${tries} import_status calls`);
  }

  /** Every result as the client received it, as one JSON text (for scanning). */
  everything(): string {
    return this.recorded.map((r) => JSON.stringify(r.result)).join('\n');
  }
}

/**
 * A refusal a person can act on: a sentence (or the SDK's input validation message), not a dump. The SDK words
 * schema failures itself ("MCP error -32602: Input validation error: ..."), which is acceptable for arguments a
 * client left out; everything the tools say starts with a capital and ends with a full stop.
 */
export function expectSentence(text: string): void {
  expect(text.length).toBeGreaterThan(20);
  expect(text.length).toBeLessThan(2_000);
  if (/Input validation error/.test(text)) return;
  expect(text).toMatch(/^[A-Z"]/);
  expect(text.trimEnd()).toMatch(/[.)]$/);
}

type ReportObject = { phase: string; sourceRows?: number; counts: Record<string, number>; foundInTwenty: number; expectedInTwenty: number; missing: number; duplicated: number; balanced: boolean };

/** The reconciliation report after the full stage, against expected.json: every row accounted for, every object balanced. */
export function expectReportMatches(report: Structured, expected: Expected): void {
  expect(report.state).toBe('ready');
  const objects = report.objects as ReportObject[];
  const by = new Map(objects.map((o) => [o.phase, o]));
  const unbalanced = objects.filter((o) => !o.balanced).map((o) => o.phase);
  expect(unbalanced, 'objects not balanced').toEqual([]);
  for (const o of objects) expect({ phase: o.phase, missing: o.missing, duplicated: o.duplicated, found: o.foundInTwenty }).toEqual({ phase: o.phase, missing: 0, duplicated: 0, found: o.expectedInTwenty });

  const leadsSkipped = expected.leads.rejects.length + expected.leads.duplicates.length;
  const repeatedTransactions = expected.transactions.rows - expected.transactions.distinctRows;
  expect(by.get('people')).toMatchObject({
    sourceRows: expected.leads.rows,
    counts: { created: expected.leads.people, updated: 0, unchanged: 0, skipped: leadsSkipped, failed: 0 },
    foundInTwenty: expected.leads.people,
  });
  expect(by.get('companies')).toMatchObject({ counts: { created: expected.companies.count, updated: 0, failed: 0 }, foundInTwenty: expected.companies.count });
  expect(by.get('transactions')).toMatchObject({
    sourceRows: expected.transactions.rows,
    counts: { created: expected.opportunities.fromTransactions, updated: 0, skipped: repeatedTransactions, failed: 0 },
    foundInTwenty: expected.opportunities.fromTransactions,
  });
  expect(by.get('subscriptions')).toMatchObject({
    sourceRows: expected.subscriptions.rows,
    counts: { created: expected.opportunities.fromSubscriptions, updated: 0, skipped: 0, failed: 0 },
    foundInTwenty: expected.opportunities.fromSubscriptions,
  });
  // rejects.csv: the rejected and duplicate leads, and the transaction rows exported twice
  expect(report.rejects).toBe(leadsSkipped + repeatedTransactions);
}

/** The lead rows rejects.csv lists (`file:line`) must be expected.json's rejected and duplicate leads. */
export function expectRejectsMatch(rows: Record<string, string>[], expected: Expected): void {
  const leads = rows.filter((r) => r.dataset === 'leads').map((r) => `${r.file}:${r.line}`).sort();
  const want = [...expected.leads.rejects, ...expected.leads.duplicates].map((r) => `${r.file}:${r.line}`).sort();
  expect(leads).toEqual(want);
  expect(rows.filter((r) => r.dataset === 'transactions')).toHaveLength(expected.transactions.rows - expected.transactions.distinctRows);
  for (const r of rows) expect(r.reason, `${r.file}:${r.line} has a reason`).not.toBe('');
}

/** What the Twenty behind the server holds, against expected.json: people, companies, opportunities, net revenue, active subscriptions. */
export async function expectTwentyHoldsExpected(sandbox: SandboxHandle, client: TwentyClient, exportsDir: string, mappingFile: string, expected: Expected): Promise<void> {
  const mapping = JSON.parse(await readFile(mappingFile, 'utf8')) as MappingDocument;
  const inspection = await inspectExports([exportsDir]);
  const c = await compareWithExpected(sandbox, client, { exportsDir, inspection, mapping, expected });
  expect(c.peopleCount.actual).toBe(c.peopleCount.expected);
  expect(c.unknownPeople).toEqual([]);
  expect(c.duplicateLeadIds).toEqual([]);
  expect(c.identity).toEqual([]);
  expect(c.companies.actualCount).toBe(c.companies.expectedCount);
  expect({ missing: c.companies.missingKeys, extra: c.companies.extraKeys }).toEqual({ missing: [], extra: [] });
  expect(c.opportunities.actual).toBe(c.opportunities.expected);
  expect(c.opportunities.duplicateKeys).toEqual([]);
  expect(c.transactionKeys).toEqual({ missing: [], unexpected: [] });
  expect(c.subscriptionKeys).toEqual({ missing: [], unexpected: [] });
  expect(c.netRevenue.actual).toBe(c.netRevenue.expected);
  expect(c.oracleActive).toBe(expected.subscriptions.activeByLastEvent);
  // Subscriptions exported under their processor's id are matched by the engine differently (see engine.test.ts).
  const processorIds = new Set(expected.subscriptions.idMismatches.map((x) => x.subscriptionId));
  expect(Object.fromEntries([...c.stages].filter(([id]) => !processorIds.has(id)))).toEqual({});
}

/** The API key a request to the Messages endpoint carried (`Authorization: Bearer` with SDK 1.12, `x-api-key` before). */
export function sentKey(headers: IncomingHttpHeaders): string | undefined {
  const bearer = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
  const xKey = typeof headers['x-api-key'] === 'string' ? headers['x-api-key'] : undefined;
  return bearer !== undefined && xKey !== undefined ? 'both headers' : (bearer ?? xKey);
}

export const mappingFileOf = (home: string, migrationId: string): string => join(home, migrationId, 'mapping.json');
