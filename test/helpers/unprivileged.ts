import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, existsSync } from 'node:fs';

/**
 * File permissions only stop a non-root user: root reads a chmod 000 file anyway. Tests that check "permission
 * denied" therefore run their probe as an unprivileged user. As a normal user that is the user itself; as root it is
 * `nobody` (uid 65534), switched to with util-linux's setpriv (or runuser). If neither exists while running as root,
 * this throws, so such a test fails loudly instead of passing without having checked anything.
 */
export const NOBODY = 65534;

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
    return spawnSync(setpriv, [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', command, ...args], spawnOptions);
  }
  const runuser = findTool('runuser');
  if (runuser) return spawnSync(runuser, ['-u', 'nobody', '--', command, ...args], spawnOptions);
  throw new Error('running as root without setpriv or runuser: cannot check file permissions as an unprivileged user');
}

/** Makes a temp dir traversable by the unprivileged user (mkdtemp creates it 0700). */
export function openToOthers(dir: string): void {
  chmodSync(dir, 0o755);
}
