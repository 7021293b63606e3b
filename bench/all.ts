/**
 * `npm run bench`: every benchmark of the project, one after the other, each in its own process, and their figures
 * written to bench/RESULTS.md with the command that produced them and the machine they ran on. A section of the
 * file can be run again alone (`--only migrate,soak`); the other sections are kept as they were, with their dates.
 *   npm run bench                      (all: about 35 minutes, most of it the import at Twenty's real pace)
 *   npm run bench -- --only read,mapping
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

type Bench = { id: string; title: string; command: string[]; measures: string };

const BENCHES: Bench[] = [
  { id: 'read', title: 'Reader speed and memory', command: ['npm', 'run', '--silent', 'bench:read'], measures: 'the export reader against bare csv-parse on the same file (a ratio), and its peak RSS' },
  { id: 'mapping', title: 'Mapping precision', command: ['npm', 'run', '--silent', 'bench:mapping'], measures: "the proposer's first-place and auto-accept precision on three labelled corpora, against Twenty's own matcher" },
  { id: 'throughput', title: 'Client throughput against the API ceiling', command: ['npm', 'run', '--silent', 'bench:throughput'], measures: "this client, the batching of Twenty's own importer and a naive client, under Twenty's rate limit scaled 10x" },
  { id: 'migrate', title: 'Migration at 100,000 leads', command: ['npm', 'run', '--silent', 'bench:migrate'], measures: "dry-run speed and memory, then the full import at Twenty's real pace as a fraction of the ceiling" },
  { id: 'soak', title: 'Soak under faults', command: ['npm', 'run', '--silent', 'soak'], measures: 'full migrations under injected faults, each checked against expected.json and the stored records' },
];

const RESULTS = join(import.meta.dirname, 'RESULTS.md');
const { values } = parseArgs({ options: { only: { type: 'string' } } });
const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
for (const id of only ?? []) if (!BENCHES.some((b) => b.id === id)) throw new Error(`--only: no benchmark "${id}" (known: ${BENCHES.map((b) => b.id).join(', ')})`);

const machine = `node ${process.version}, ${platform()} ${release()}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GB`;

/** The sections RESULTS.md holds now, by id, so a partial run keeps the others. */
function previousSections(): Map<string, string> {
  const sections = new Map<string, string>();
  if (!existsSync(RESULTS)) return sections;
  const text = readFileSync(RESULTS, 'utf8');
  for (const m of text.matchAll(/<!-- bench:(\w+) -->\n([\s\S]*?)<!-- \/bench:\1 -->/g)) sections.set(m[1]!, m[2]!);
  return sections;
}

function run(bench: Bench): Promise<{ output: string; seconds: number; code: number }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(bench.command[0]!, bench.command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      process.stdout.write(d);
    });
    child.stderr.on('data', (d: Buffer) => process.stderr.write(d)); // progress lines; not part of the figures
    child.on('close', (code) => resolve({ output, seconds: (performance.now() - started) / 1000, code: code ?? 1 }));
  });
}

const ran = new Map<string, string>();
let failed = 0;
for (const bench of BENCHES) {
  if (only && !only.includes(bench.id)) continue;
  process.stderr.write(`\n== ${bench.title}: ${bench.command.join(' ')}\n`);
  const { output, seconds, code } = await run(bench);
  if (code !== 0) failed++;
  ran.set(
    bench.id,
    [
      `## ${bench.title}`,
      '',
      `What it measures: ${bench.measures}.`,
      `Command: \`${bench.command.filter((a) => a !== '--silent').join(' ')}\` · ran ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC for ${Math.round(seconds)} s on ${machine}${code === 0 ? '' : ` · **exited with ${code}**`}`,
      '',
      // markdown tables as they are; plain text kept in a block so its columns line up
      /^\|/m.test(output) ? output.replace(/^# /gm, '### ').trim() : `\`\`\`text\n${output.trim()}\n\`\`\``,
      '',
    ].join('\n'),
  );
}

// read now, not at the start: another run may have written its sections meanwhile
const sections = new Map([...previousSections(), ...ran]);
const body = BENCHES.filter((b) => sections.has(b.id))
  .map((b) => `<!-- bench:${b.id} -->\n${sections.get(b.id)}<!-- /bench:${b.id} -->`)
  .join('\n\n');
writeFileSync(
  RESULTS,
  `# Benchmark results\n\nWritten by \`npm run bench\` (bench/all.ts); each section says the command that produced it, when, and on what machine.\nRatios are the figures to compare across machines; absolute speeds depend on the machine.\n\n${body}\n`,
);
process.stderr.write(`\nWrote ${RESULTS}${failed > 0 ? `; ${failed} benchmark(s) failed` : ''}\n`);
process.exitCode = failed > 0 ? 1 : 0;
