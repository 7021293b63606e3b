import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../helpers/edge.js';
import { call } from './helpers.js';

/** The CLI from source (through tsx), so these tests do not depend on a build. */
const CLI = ['--import', 'tsx', join(REPO_ROOT, 'src', 'cli', 'main.ts')];
const tmp = tempDir('kartra-sandbox-cli-');
afterAll(() => tmp.cleanup());

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

interface Started {
  child: ChildProcess;
  url: string;
  apiKey: string;
  stdout: () => string;
  exit: Promise<number | null>;
}

/** Starts `kartra-twenty sandbox …` and waits for it to print its URL and key. */
function startCli(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, [...CLI, 'sandbox', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let out = '';
  let err = '';
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed; stdout: ${out}; stderr: ${err}`)), 15_000);
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /^TWENTY_API_URL=(\S+)$/m.exec(out)?.[1];
      const apiKey = /^TWENTY_API_KEY=(\S+)$/m.exec(out)?.[1];
      if (url && apiKey && out.includes('Press Ctrl-C')) {
        clearTimeout(timer);
        resolve({ child, url, apiKey, stdout: () => out, exit });
      }
    });
    void exit.then((code) => reject(new Error(`exited ${code}; stdout: ${out}; stderr: ${err}`)));
  });
}

/** Runs the CLI to completion (asynchronously, so several can run at once). */
function runCli(args: string[]): Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // Not in `running`: concurrent tests would kill each other's children; the timer bounds it instead.
    const child = spawn(process.execPath, [...CLI, 'sandbox', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

describe('kartra-twenty sandbox', () => {
  it('prints its URL and API key, serves the API with the options given, stops on Ctrl-C, and keeps its data', async () => {
    const data = join(tmp.dir, 'rehearsal.json');
    const first = await startCli(['--port', '0', '--profile', 'v1', '--rate-limit', '3/60s', '--data', data]);
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(first.stdout()).toContain('profile v1');
    expect(first.stdout()).toContain('rate limit: 100 calls per 1000 ms and 3 calls per 60000 ms');
    expect(first.stdout()).toContain(`data: ${data}`);
    const created = await call(first, 'POST', '/rest/people', { city: 'Paris' }); // v1 field
    expect(created.status).toBe(201);
    await call(first, 'GET', '/rest/people');
    await call(first, 'GET', '/rest/people');
    expect((await call(first, 'GET', '/rest/people')).status).toBe(429);
    first.child.kill('SIGINT');
    expect(await first.exit).toBe(0);
    expect(first.stdout()).toContain('Sandbox stopped.');

    const second = await startCli(['--data', data]);
    expect(second.apiKey).toBe(first.apiKey);
    const found = await call(second, 'GET', '/rest/people');
    expect(found.body.data.people.map((p: { city: string }) => p.city)).toEqual(['Paris']);
    second.child.kill('SIGTERM');
    expect(await second.exit).toBe(0);
  }, 40_000);

  it('applies --faults', async () => {
    const started = await startCli(['--faults', '{"error500Rate":1}', '--rate-limit', 'off']);
    expect(started.stdout()).toContain('faults: error500Rate=1 (seed 1)');
    expect(started.stdout()).toContain('rate limit: off');
    expect((await call(started, 'GET', '/rest/people')).status).toBe(500);
    started.child.kill('SIGINT');
    expect(await started.exit).toBe(0);
  }, 30_000);

  it.concurrent.each([
    ['--port abc', ['--port', 'abc'], /--port must be a whole number from 0 to 65535/],
    ['--port 70000', ['--port', '70000'], /--port must be a whole number/],
    ['--profile v3', ['--profile', 'v3'], /--profile must be v1 \(Twenty 1\.x\) or v2 \(Twenty 2\.x\), not "v3"/],
    ['--rate-limit fast', ['--rate-limit', 'fast'], /--rate-limit "fast" is not CALLS\/WINDOW/],
    ['--faults {bad', ['--faults', '{bad'], /--faults is not valid JSON/],
    ['--faults with a bad rate', ['--faults', '{"hangRate":3}'], /faults: hangRate must be a number from 0 to 1/],
    ['an unknown option', ['--colour'], /Unknown option '--colour'/],
    ['a stray argument', ['now'], /Unexpected argument 'now'/],
  ])('bad options → one line, exit 2: %s', async (_what, args, message) => {
    const result = await runCli(args);
    expect(result.signal).toBeNull();
    expect(result.status).toBe(2);
    const lines = `${result.stdout}${result.stderr}`.split('\n').filter((l) => l.trim() !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^kartra-twenty: /);
    expect(lines[0]).toMatch(message);
  }, 20_000);

  it('a port in use → one line, exit 2', async () => {
    const running = await startCli([]);
    const port = new URL(running.url).port;
    const result = await runCli(['--port', port]);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe(`kartra-twenty: port ${port} is already in use; pick another with --port, or 0 for any free port`);
    running.child.kill('SIGINT');
    await running.exit;
  }, 30_000);
});
