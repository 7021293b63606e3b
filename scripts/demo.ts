/**
 * `npm run demo`: a scripted conversation with the MCP server, as a user would see it in Claude Desktop. It generates
 * a small messy Kartra export set (60 leads) in a temporary folder, starts the built server over stdio in rehearsal
 * mode (no TWENTY_API_URL: the embedded sandbox, with Twenty's rate limits; nothing leaves the machine, and no
 * ANTHROPIC_API_KEY is passed on), and plays the guided flow: for every turn what the user says, each tool the
 * assistant calls, and the text the tool answered (its summary for the chat). It ends with the reconciliation report.
 *
 * `npm run demo -- --keep` keeps the temporary folder (exports, mapping, journal, report, rejects) and says where.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { generateSamples } from '../src/samples/generate.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const keep = process.argv.includes('--keep');
const started = Date.now();

type Data = Record<string, any>;

const indent = (text: string, by: string): string => text.split('\n').map((line) => `${by}${line}`.trimEnd()).join('\n');
const say = (text = ''): void => void process.stdout.write(`${text}\n`);

/** Arguments as a person would read them: a confirmation token cut short. */
function shown(args: Record<string, unknown>): string {
  const entries = Object.entries(args).map(([k, v]) => [k, k === 'confirmationToken' && typeof v === 'string' ? `${v.slice(0, 9)}…` : v]);
  return entries.length === 0 ? '' : ` ${JSON.stringify(Object.fromEntries(entries))}`;
}

class Conversation {
  constructor(private readonly client: Client) {}

  user(text: string): void {
    say();
    say(`User: ${text}`);
  }

  /** One tool call: the call, then the summary the tool answered, indented like a tool result in the chat. */
  async call(name: string, args: Record<string, unknown> = {}): Promise<Data> {
    say();
    say(`  Assistant calls ${name}${shown(args)}`);
    const result = (await this.client.callTool({ name, arguments: args })) as CallToolResult;
    const first = result.content[0];
    say(indent(first?.type === 'text' ? first.text : '(no text)', '    │ '));
    if (result.isError) throw new Error(`${name} was refused; the demo stops here.`);
    return result.structuredContent as Data;
  }

  /** Calls again with the same arguments while the tool says it is still preparing. */
  async ready(name: string, args: Record<string, unknown>): Promise<Data> {
    for (;;) {
      const data = await this.call(name, args);
      if (data.state !== 'preparing') return data;
    }
  }

  /** Follows the migration's job until it ends, the way the assistant would. */
  async follow(migrationId: string): Promise<Data> {
    for (;;) {
      const status = await this.call('import_status', { migrationId, waitSeconds: 15 });
      if (status.state !== 'running') {
        if (status.state !== 'finished') throw new Error(`The job ended ${status.state}; the demo stops here.`);
        return status;
      }
    }
  }
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'kartra-twenty-demo-'));
  const exportsDir = join(work, 'Kartra exports');
  const home = join(work, 'migrations');
  await generateSamples({ outDir: exportsDir, leads: 60, seed: 42, messy: true });

  say('kartra-twenty-mcp demo: a scripted chat with the MCP server over stdio, in rehearsal mode (the embedded sandbox,');
  say('paced like Twenty\'s rate limits; nothing leaves this machine). Generated messy Kartra exports (60 leads) are in');
  say(`${exportsDir}.`);

  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [join(root, 'dist', 'server', 'main.js')],
    // exactly these settings (the SDK adds only PATH, HOME and the like): no TWENTY_API_URL, so rehearsal
    env: { KARTRA_EXPORTS_DIR: exportsDir, MIGRATION_HOME: home },
    stderr: 'pipe',
  });
  let log = '';
  transport.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
  const client = new Client({ name: 'kartra-twenty-demo', version: '1' });
  await client.connect(transport);
  const chat = new Conversation(client);

  try {
    chat.user('Move my Kartra exports into Twenty.');
    await chat.call('inspect_exports');
    await chat.call('describe_twenty');
    const proposed = await chat.call('propose_mapping', { show: 'review' });
    const id = proposed.migrationId as string;

    const toReview = proposed.columns as { id: string; header: string }[];
    const review = toReview.find((c) => /instagram/i.test(c.header)) ?? toReview[0];
    if (review) {
      chat.user(`Don't import the "${review.header}" column; the rest of the mapping looks right.`);
      await chat.call('edit_mapping', { migrationId: id, edits: [{ op: 'skip', column: review.id, reason: 'the user does not need it in Twenty' }], show: 'review' });
    } else {
      chat.user('The mapping looks right.');
    }
    const schema = await chat.call('preview_schema_changes', { migrationId: id });

    if (schema.confirmation) {
      chat.user('Yes, create those fields.');
      const applied = await chat.call('apply_schema_changes', { migrationId: id, confirmationToken: schema.confirmation.token });
      if (applied.state === 'working') await chat.follow(id);
    }
    let preview = await chat.ready('preview_import', { migrationId: id, stage: 'sample' });

    chat.user('Go ahead with the sample.');
    await chat.call('start_import', { migrationId: id, stage: 'sample', confirmationToken: preview.confirmation.token });
    await chat.follow(id);
    await chat.ready('reconciliation_report', { migrationId: id, spotCheck: true });

    chat.user('The sample looks right. What would the full import do?');
    preview = await chat.ready('preview_import', { migrationId: id, stage: 'full' });

    chat.user('Yes, import everything.');
    await chat.call('start_import', { migrationId: id, stage: 'full', confirmationToken: preview.confirmation.token });
    await chat.follow(id);
    await chat.ready('reconciliation_report', { migrationId: id });

    chat.user('What will I have to rebuild by hand in Twenty?');
    await chat.call('automation_inventory', { migrationId: id });

    chat.user('Show me the final report.');
    const uri = `migration://${id}/report.md`;
    say();
    say(`  Assistant reads the resource ${uri}`);
    const report = await client.readResource({ uri });
    const text = (report.contents[0] as { text?: string } | undefined)?.text ?? '(empty)';
    say(indent(text.trimEnd(), '    │ '));
  } catch (error) {
    process.exitCode = 1;
    say();
    say(`Demo stopped: ${(error as Error).message}`);
    if (log) say(`The server's log:\n${indent(log.trimEnd(), '  ')}`);
  } finally {
    await client.close();
  }

  say();
  say(`Done in ${Math.round((Date.now() - started) / 1000)} s.`);
  if (keep) {
    say(`The exports, the migration's mapping, journal, report.md and rejects.csv are in ${work}.`);
  } else {
    await rm(work, { recursive: true, force: true });
    say('(npm run demo -- --keep keeps the exports and the migration\'s files.)');
  }
}

await main();
