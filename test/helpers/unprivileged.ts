import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, existsSync } from 'node:fs';

/**
 * File permissions only stop a process without CAP_DAC_OVERRIDE: root reads a chmod 000 file anyway. Tests that
 * check "permission denied" therefore run their probe without that power. As a normal user that is the user itself;
 * as root it is root with CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH dropped (util-linux's setpriv), which still owns
 * and reads the checkout wherever CI put it; without setpriv, `nobody` through runuser. If neither exists while
 * running as root, this throws, so such a test fails loudly instead of passing without having checked anything.
 */

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

function findTool(name: string): string | undefined {
  return ['/usr/bin', '/bin', '/usr/sbin', '/sbin'].map((d) => `${d}/${name}`).find((p) => existsSync(p));
}

/** Runs `command args` as a user that file permissions apply to. */
export function runUnprivileged(command: string, args: string[], options: { cwd?: string; timeoutMs?: number } = {}): SpawnSyncReturns<string> {
  const spawnOptions = { cwd: options.cwd, encoding: 'utf8' as const, timeout: options.timeoutMs ?? 20_000, env: { ...process.env, HOME: '/tmp' } };
  if (!isRoot()) return spawnSync(command, args, spawnOptions);
  const setpriv = findTool('setpriv');
  if (setpriv) {
    return spawnSync(setpriv, ['--bounding-set=-dac_override,-dac_read_search', command, ...args], spawnOptions);
  }
  const runuser = findTool('runuser');
  if (runuser) return spawnSync(runuser, ['-u', 'nobody', '--', command, ...args], spawnOptions);
  throw new Error('running as root without setpriv or runuser: cannot check file permissions as an unprivileged user');
}

/** Makes a temp dir traversable by the unprivileged user (mkdtemp creates it 0700). */
export function openToOthers(dir: string): void {
  chmodSync(dir, 0o755);
}
