/**
 * Mapping benchmark: the deterministic proposer and Twenty's own importer matcher (the baseline) on the labelled
 * corpus under fixtures/mapping/, with the scorer's per-tier table and the targets of issue 4.
 */
import { loadCorpus, type LoadedCorpusFile } from '../src/mapping/corpus.js';
import { baselinePredictions } from '../src/mapping/baseline-twenty-matcher.js';
import { formatScore, scoreCorpus, sameDestination, type Prediction } from '../src/mapping/score.js';
import { describe, isKartraColumn, proposeMapping } from '../src/mapping/propose.js';

const files = loadCorpus(process.argv[2]);

const proposer = (file: LoadedCorpusFile): Prediction[] =>
  proposeMapping(file.object, file.columns).map((p) => ({ tier: p.tier, destination: p.destination, score: p.score }));

const ours = scoreCorpus(files, proposer);
const base = scoreCorpus(files, (file) => baselinePredictions(file));

console.log(formatScore('Proposer (deterministic, no LLM)', ours));
console.log();
console.log(formatScore("Baseline (Twenty's importer matcher)", base));
console.log();

// Every standard Kartra column must be mapped correctly at `exact`.
// Kartra's own exports; their non-Kartra columns (custom fields an account added) are not standard.
const kartraFiles = files.filter((f) => f.file.startsWith('kartra-'));
let kartraTotal = 0;
let kartraExact = 0;
const kartraMisses: string[] = [];
for (const file of kartraFiles) {
  const proposals = proposeMapping(file.object, file.columns);
  file.columns.forEach((c, i) => {
    const p = proposals[i]!;
    if (!isKartraColumn(file.object, c.header)) return;
    kartraTotal += 1;
    if (p.tier === 'exact' && sameDestination(c.expected, p.destination)) kartraExact += 1;
    else kartraMisses.push(`  ${file.file} '${c.header}': ${p.tier} ${describe(p.destination)}`);
  });
}

const pct = (x: number | null): string => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);
const check = (ok: boolean): string => (ok ? 'met' : 'NOT met');
console.log('Targets');
console.log(`  correct in first place ≥ 95%: ${pct(ours.correctFirstShare)} (${check(ours.correctFirstShare >= 0.95)}); baseline ${pct(base.correctFirstShare)}`);
console.log(`  auto-accepted precision ≥ 99%: ${pct(ours.autoAccepted.precision)} (${check((ours.autoAccepted.precision ?? 0) >= 0.99)}); baseline ${pct(base.autoAccepted.precision)}`);
console.log(`  standard Kartra columns exact and correct: ${kartraExact}/${kartraTotal} (${check(kartraExact === kartraTotal)})`);
for (const m of kartraMisses) console.log(m);
console.log();
console.log(`Proposer misses (${ours.misses.length}):`);
for (const m of ours.misses) {
  console.log(`  ${m.file} '${m.header}' [${m.tier}]: expected ${describe(m.expected)}, got ${m.predicted ? describe(m.predicted) : 'nothing'}`);
}
