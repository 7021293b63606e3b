/**
 * Path traversal and symbolic-link escapes, which cannot be committed as files: made here in a temp copy of the
 * hostile corpus used as KARTRA_EXPORTS_DIR, and sent through src/server/export-paths.ts and through the MCP server's
 * inspect_exports and propose_mapping. Each must be refused with a sentence saying what to do, and nothing outside
 * the folder may be read: the outside "export" holds a marker that must never appear in a result, and another is a
 * FIFO, which any attempt to open it would hang on.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { UserError } from '../../src/errors.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { ServerContext } from '../../src/server/context.js';
import { resolveExportPaths } from '../../src/server/export-paths.js';
import { createServer } from '../../src/server/server.js';
import { REHEARSAL_NOTICE, type TwentyConnection } from '../../src/twenty/connect.js';
import { createTwentyClient, type TwentyClient } from '../../src/twenty/index.js';
import { McpSession, REHEARSAL_HEADING, textOf } from '../server/mcp-flow.js';
import { materialise, withinTime } from './corpus.js';

const MARKER = 'SECRET_OUTSIDE_MARKER_7f3a';
const posixOnly = process.platform === 'win32' ? describe.skip : describe;

let base: string;
let exportsDir: string;
let outside: string;

/**
 * base/exports/   the corpus, plus: link-out.csv → ../outside/secret.csv, abs-link-out.csv → its absolute path,
 *                 fifo-link.csv → ../outside/fifo.csv, passwd.csv → /etc/passwd, dangling.csv → nowhere, loop.csv →
 *                 itself, linked-folder → ../outside, inside-link.csv → inject-prompt-control.csv (allowed),
 *                 sub/up.csv → ../../outside/secret.csv, sub/ok.csv
 * base/outside/   secret.csv (the marker), fifo.csv (a FIFO)
 */
beforeAll(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'hostile-paths-')));
  exportsDir = join(base, 'exports');
  outside = join(base, 'outside');
  materialise('', exportsDir);
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.csv'), `id,first_name,email\n1,${MARKER},secret@outside.example\n`);
  execFileSync('mkfifo', [join(outside, 'fifo.csv')]);
  symlinkSync('../outside/secret.csv', join(exportsDir, 'link-out.csv'));
  symlinkSync(join(outside, 'secret.csv'), join(exportsDir, 'abs-link-out.csv'));
  symlinkSync('../outside/fifo.csv', join(exportsDir, 'fifo-link.csv'));
  symlinkSync('/etc/passwd', join(exportsDir, 'passwd.csv'));
  symlinkSync(join(base, 'nowhere.csv'), join(exportsDir, 'dangling.csv'));
  symlinkSync('loop.csv', join(exportsDir, 'loop.csv'));
  symlinkSync('../outside', join(exportsDir, 'linked-folder'));
  symlinkSync('inject-prompt-control.csv', join(exportsDir, 'inside-link.csv'));
  mkdirSync(join(exportsDir, 'sub'));
  symlinkSync('../../outside/secret.csv', join(exportsDir, 'sub', 'up.csv'));
  writeFileSync(join(exportsDir, 'sub', 'ok.csv'), 'id,first_name,email\n1,Ann,ann@example.com\n');
});

afterAll(() => {
  rmSync(base, { recursive: true, force: true });
});

const OUTSIDE = /^Refused .*: it is outside the exports folder the server may read \(.*\)\. Move or copy the export into that folder/;
const LINK_OUT = /^Refused .*: it is a symbolic link to a place outside .*\. Copy the export itself into the (exports )?folder/;

/** Requests that must be refused, and why. */
const REFUSED: [string, () => string, RegExp][] = [
  ['a ../ path to a file beside the folder', () => '../outside/secret.csv', OUTSIDE],
  ['an absolute path outside', () => join(outside, 'secret.csv'), OUTSIDE],
  ['/etc/passwd', () => '/etc/passwd', OUTSIDE],
  ['a path that climbs out through a subfolder', () => 'sub/../../outside/secret.csv', OUTSIDE],
  ['a path that climbs out and back in', () => `../${'../'.repeat(40)}${exportsDir.slice(1)}/../outside/secret.csv`, OUTSIDE],
  ['the parent folder', () => '..', OUTSIDE],
  ['the FIFO outside', () => '../outside/fifo.csv', OUTSIDE],
  ['a relative symbolic link out', () => 'link-out.csv', LINK_OUT],
  ['an absolute symbolic link out', () => 'abs-link-out.csv', LINK_OUT],
  ['a symbolic link to the FIFO outside', () => 'fifo-link.csv', LINK_OUT],
  ['a symbolic link to /etc/passwd', () => 'passwd.csv', LINK_OUT],
  ['a symbolic link out, in a subfolder', () => 'sub/up.csv', LINK_OUT],
  ['a symbolically linked folder', () => 'linked-folder', LINK_OUT],
  ['a file through a symbolically linked folder', () => 'linked-folder/secret.csv', LINK_OUT],
  ['the FIFO through a symbolically linked folder', () => 'linked-folder/fifo.csv', LINK_OUT],
  ['a subfolder holding a link out', () => 'sub', /^Refused "sub\/up\.csv": it is a symbolic link to a place outside/],
  ['the whole folder, which holds links out', () => '.', /^Refused .*: it is a symbolic link to (a place outside|something that does not exist)/],
  ['a dangling symbolic link', () => 'dangling.csv', /^Refused "dangling\.csv": there is no such file or folder in .*\. Check the name/],
  ['a symbolic link to itself', () => 'loop.csv', /^Refused "loop\.csv": it cannot be opened \(ELOOP\)\. Check the file/],
  ['a null byte', () => 'inject-prompt-control.csv\u0000../../outside/secret.csv', /^Refused the path ".*\\x00.*": it contains a null byte\. Name the export file or folder without it\./],
  ['Windows separators', () => '..\\outside\\secret.csv', /^Refused .*: there is no such file or folder/],
  ['a URL-encoded ../', () => '%2e%2e/outside/secret.csv', /^Refused .*: there is no such file or folder/],
];

posixOnly('src/server/export-paths.ts on traversal and symbolic links', () => {
  it.each(REFUSED)('refuses %s', async (_what, request, why) => {
    const error = await withinTime(
      resolveExportPaths([request()], [exportsDir]).then(
        (files) => files,
        (e: unknown) => e,
      ),
      10_000,
      'resolving the path',
    );
    expect(error).toBeInstanceOf(UserError);
    const message = (error as UserError).message;
    expect(message).toMatch(why);
    expect(message).not.toContain(MARKER);
    expect(message).not.toContain('\u0000');
    expect(message.length).toBeLessThan(600);
  });

  it('accepts a link that stays inside, as its real file, and the subfolder file by a path that stays inside', async () => {
    expect(await resolveExportPaths(['inside-link.csv'], [exportsDir])).toEqual([join(exportsDir, 'inject-prompt-control.csv')]);
    expect(await resolveExportPaths(['sub/../sub/ok.csv', `${exportsDir}/sub/ok.csv`], [exportsDir])).toEqual([join(exportsDir, 'sub', 'ok.csv')]);
  });
});

posixOnly('inspect_exports and propose_mapping over MCP on traversal and symbolic links', () => {
  let sandbox: SandboxHandle;
  let client: TwentyClient;
  let ctx: ServerContext;
  let mcp: Client;
  let s: McpSession;
  let home: string;

  beforeAll(async () => {
    vi.stubEnv('ANTHROPIC_API_KEY', '');
    home = mkdtempSync(join(tmpdir(), 'hostile-paths-home-'));
    sandbox = await startSandbox({ rateLimit: false });
    client = createTwentyClient({ baseUrl: sandbox.url, apiKey: sandbox.apiKey, rateLimit: { buckets: [{ limit: 100_000, windowMs: 1000 }], safetyMargin: 0 } });
    const connection: TwentyConnection = { mode: 'rehearsal', client, describe: () => REHEARSAL_NOTICE, close: async () => undefined };
    ctx = new ServerContext({ MIGRATION_HOME: home, KARTRA_EXPORTS_DIR: exportsDir }, { connect: async () => connection });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    mcp = new Client({ name: 'hostile-paths', version: '1' });
    await Promise.all([createServer(ctx).connect(serverSide), mcp.connect(clientSide)]);
    s = new McpSession(mcp, { mode: 'rehearsal', heading: REHEARSAL_HEADING });
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await mcp?.close();
    await ctx?.close();
    await client?.close();
    await sandbox?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it.each(REFUSED.filter(([what]) => what !== 'a null byte'))('inspect_exports refuses %s: isError with a sentence, nothing read', async (_what, request, why) => {
    const text = await withinTime(s.refused('inspect_exports', { paths: [request()] }, why), 10_000, 'inspect_exports');
    expect(text).not.toContain(MARKER);
  });

  it('inspect_exports refuses a path with a null byte, and one outside among good ones', async () => {
    await s.refused('inspect_exports', { paths: ['inject-prompt-control.csv\u0000x'] }, /null byte/);
    await s.refused('inspect_exports', { paths: ['inject-prompt-control.csv', 'link-out.csv', 'sub/ok.csv'] }, LINK_OUT);
  });

  it('inspect_exports without paths reads the whole folder, so it is refused too while the folder holds links out', async () => {
    await s.refused('inspect_exports', {}, /^Refused .*symbolic link/);
  });

  it('propose_mapping refuses the same escapes, before reading anything or opening a migration', async () => {
    for (const request of ['../outside/secret.csv', 'link-out.csv', 'linked-folder/secret.csv', 'fifo-link.csv']) {
      await withinTime(s.refused('propose_mapping', { paths: [request] }, /^Refused /), 10_000, 'propose_mapping');
    }
    expect(sandbox.stats().calls).toEqual({});
  });

  it('no answer of the session carried the outside file\'s content, and an allowed link still reads', async () => {
    const data = await s.ok('inspect_exports', { paths: ['inside-link.csv', 'sub/ok.csv'] });
    expect(data.files.map((f: { name: string }) => f.name).sort()).toEqual(['inject-prompt-control.csv', 'ok.csv']);
    expect(s.everything()).not.toContain(MARKER);
    for (const r of s.recorded) expect(textOf(r.result)).not.toContain('secret@outside.example');
  });
});
