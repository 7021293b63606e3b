/**
 * `npm run bundle`: builds the MCP server and packs it as a Claude Desktop extension, `kartra-twenty-mcp.mcpb` at the
 * repository root. Steps: `npm run build`; stage what the server needs at run time in `bundle/out/stage/` (manifest,
 * package files, dist/, prompts/, schemas/, README, LICENSE); install the production dependencies there from the lock
 * file without running install scripts; `mcpb validate` and `mcpb pack`; print the bundle's size and file count.
 */
import { spawnSync } from 'node:child_process';
import { cp, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const stage = join(root, 'bundle', 'out', 'stage');
const output = join(root, 'kartra-twenty-mcp.mcpb');
const STAGED = ['manifest.json', 'package.json', 'package-lock.json', 'dist', 'prompts', 'schemas', 'README.md', 'LICENSE'];
const OPTIONAL = new Set(['LICENSE']);

// The mcpb CLI of node_modules (its package.json "bin"), run with this node: no .cmd shim to find on Windows.
const mcpbCli = join(root, 'node_modules', '@anthropic-ai', 'mcpb', 'dist', 'cli', 'cli.js');

function run(command: string, args: string[], cwd: string): string {
  process.stderr.write(`\n> ${command} ${args.join(' ')}  (in ${relative(root, cwd) || '.'})\n`);
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    // npm is npm.cmd on Windows, which only a shell runs.
    shell: process.platform === 'win32' && command === 'npm',
  });
  if (result.stdout) process.stderr.write(result.stdout);
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal}).`);
  return result.stdout;
}

function mcpb(args: string[], cwd: string): string {
  return run(process.execPath, [mcpbCli, ...args], cwd);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function countFiles(folder: string): Promise<number> {
  let count = 0;
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (entry.isDirectory()) count += await countFiles(join(folder, entry.name));
    else count += 1;
  }
  return count;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

run('npm', ['run', 'build'], root);

await rm(stage, { recursive: true, force: true });
await mkdir(stage, { recursive: true });
for (const name of STAGED) {
  const from = join(root, name);
  if (!(await exists(from))) {
    if (OPTIONAL.has(name)) continue;
    throw new Error(`${name} is missing; the bundle needs it.`);
  }
  await cp(from, join(stage, name), { recursive: true });
}

run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], stage);
mcpb(['validate', 'manifest.json'], stage);
await rm(output, { force: true });
const packLog = mcpb(['pack', stage, output], root);
mcpb(['info', output], root);

const size = (await stat(output)).size;
const staged = await countFiles(stage);
const packed = /total files:\s*(\d+)/i.exec(packLog)?.[1];
process.stdout.write(
  `\n${relative(root, output)}: ${megabytes(size)} (${size} bytes), ${packed ?? '?'} files packed of ${staged} staged in ${relative(root, stage)}\n`,
);
