import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './edge.js';
import { runUnprivileged } from './unprivileged.js';

/** The built CLI: `npm test` builds before vitest runs; in a manual run, `npm run build` first. */
export const CLI = join(REPO_ROOT, 'dist', 'cli', 'main.js');

export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from spawn to exit. */
  elapsedMs: number;
}

export const CLI_TIMEOUT_MS = 20_000;

function assertBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" before these tests`);
}

/** Runs `node dist/cli/main.js <args>` and waits for it, killing it after CLI_TIMEOUT_MS. */
export function runCli(args: string[], options: { unprivileged?: boolean } = {}): CliResult {
  assertBuilt();
  const started = Date.now();
  const result = options.unprivileged
    ? runUnprivileged(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, timeoutMs: CLI_TIMEOUT_MS })
    : spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: CLI_TIMEOUT_MS });
  if (result.error) throw result.error;
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr, elapsedMs: Date.now() - started };
}

/** Non-empty output lines of both streams. */
export function outputLines(result: CliResult): string[] {
  return `${result.stdout}${result.stderr}`.split('\n').filter((l) => l.trim() !== '');
}

/**
 * Runs the built CLI asynchronously with only PATH and the given environment (no TWENTY_API_URL unless given: the
 * rehearsal sandbox), killing it after `timeoutMs`. For commands that run long or serve while the test works.
 */
export function runCliAsync(args: string[], env: Record<string, string>, timeoutMs = 110_000): Promise<{ status: number | null; stdout: string; stderr: string }> {
  assertBuilt();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
