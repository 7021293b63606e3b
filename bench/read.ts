/**
 * Reader speed and memory (issue 2): rows per second and peak RSS of the full inspection against bare csv-parse on
 * the same generated leads export, for 100,000 and 1,000,000 leads. Targets: within 3x of bare parsing (a ratio,
 * so machine noise cancels) and peak RSS under 300 MB at 1,000,000 rows.
 *   npm run bench:read            (both sizes)
 *   npm run bench:read -- 20000   (other sizes)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { generateSamples } from '../src/samples/generate.js';

interface Measurement {
  mode: string;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  peakRssMb: number;
}

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const outRoot = join(import.meta.dirname, 'out');

async function leadsFile(leads: number): Promise<string> {
  const dir = join(outRoot, `leads-${leads}`);
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true });
    process.stderr.write(`generating ${leads.toLocaleString('en-US')} leads in ${dir}...\n`);
    await generateSamples({ outDir: dir, leads, seed: 1 });
  }
  const name = readdirSync(dir).find((f) => f.startsWith('contacts_kartra_'));
  if (!name) throw new Error(`no leads export in ${dir}`);
  return join(dir, name);
}

function measure(mode: 'bare' | 'reader', file: string): Measurement {
  const output = execFileSync(process.execPath, [join(import.meta.dirname, 'read-one.mjs'), mode, file], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(output.trim().split('\n').at(-1)!) as Measurement;
}

const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits });

const runs = sizes.length > 0 ? sizes : [100_000, 1_000_000];
const files = new Map<number, string>();
for (const leads of runs) files.set(leads, await leadsFile(leads));

console.log(`# Reader benchmark — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / 2 ** 30)} GB`);
console.log('| leads | bare csv-parse rows/s | reader rows/s | slowdown (target ≤ 3x) | bare peak RSS | reader peak RSS (target < 300 MB at 1M) |');
console.log('|---:|---:|---:|---:|---:|---:|');
for (const leads of runs) {
  const file = files.get(leads)!;
  const bare = measure('bare', file);
  const reader = measure('reader', file);
  if (bare.rows !== reader.rows) throw new Error(`row counts differ: bare ${bare.rows}, reader ${reader.rows}`);
  console.log(
    `| ${fmt(leads)} | ${fmt(bare.rowsPerSecond)} | ${fmt(reader.rowsPerSecond)} | ${fmt(bare.rowsPerSecond / reader.rowsPerSecond, 2)}x | ${fmt(bare.peakRssMb)} MB | ${fmt(reader.peakRssMb)} MB |`,
  );
}
