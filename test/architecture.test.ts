import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CORE = ['kartra', 'samples', 'twenty', 'mapping', 'migration', 'sandbox'];
const ADAPTERS = /from '(\.\.\/)+(cli|server|tools)\//;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

describe('layering', () => {
  it('keeps the core free of MCP and CLI code', () => {
    const offenders: string[] = [];
    for (const area of CORE) {
      let files: string[] = [];
      try {
        files = sources(join('src', area));
      } catch {
        continue; // that part of the core does not exist yet
      }
      for (const file of files) {
        const text = readFileSync(file, 'utf8');
        if (ADAPTERS.test(text) || text.includes('@modelcontextprotocol/')) offenders.push(file);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('ships no native modules', () => {
    const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { dev?: boolean; hasInstallScript?: boolean; optional?: boolean }> };
    const native = Object.entries(lock.packages)
      .filter(([name, p]) => name !== '' && !p.dev && (p.hasInstallScript || name.includes('node-gyp')))
      .map(([name]) => name);
    expect(native).toEqual([]);
  });
});
