/**
 * Mapping benchmark: the deterministic proposer and Twenty's own importer matcher (the baseline) on three labelled
 * corpora, each with the scorer's per-tier table and the targets of issue 4:
 * - in-sample, `fixtures/mapping/`: the proposer's synonyms were written with this corpus in view, so its figures
 *   there are flattering;
 * - held-out, `fixtures/mapping/held-out/`: written without seeing the proposer (its synonyms, code or figures), but the
 *   proposer was then improved with general rules after its misses there were seen, so it is no longer clean;
 * - held-out 2, `fixtures/mapping/held-out-2/`: other sources, written after the proposer's last change without seeing
 *   the proposer or the other corpora, the honest measure of the current proposer.
 *
 * `node --import tsx bench/mapping.ts <dir>` scores one corpus directory only.
 */
import { DEFAULT_CORPUS_DIR, loadCorpus, type LoadedCorpusFile } from '../src/mapping/corpus.js';
import { baselinePredictions } from '../src/mapping/baseline-twenty-matcher.js';
import { formatScore, scoreCorpus, sameDestination, type Prediction } from '../src/mapping/score.js';
import { describe, isKartraColumn, proposeMapping } from '../src/mapping/propose.js';
import { isKartraExport } from '../src/mapping/build.js';
import { ColumnProfiler } from '../src/kartra/profile.js';
import { detectKind } from '../src/kartra/kind.js';

const HELD_OUT_DIR = `${DEFAULT_CORPUS_DIR}/held-out`;
const HELD_OUT_2_DIR = `${DEFAULT_CORPUS_DIR}/held-out-2`;

/** The value type the reader's profile gives a column of these samples, as the product passes it to the proposer. */
function profiledType(header: string, samples: readonly string[]): string {
  const profiler = new ColumnProfiler(header, 0);
  samples.forEach((v, i) => profiler.add(v.trim(), i + 2));
  return profiler.result().type;
}

/** What the reader would take the export for, from its header alone, as the product decides it. */
function kartraKind(file: LoadedCorpusFile): { kartra: boolean; subscriptions: boolean } {
  const { kind, confidence } = detectKind(`${file.name}.csv`, file.columns.map((c) => c.header), true);
  return { kartra: isKartraExport(kind, confidence), subscriptions: kind === 'subscriptions' };
}

const proposer = (file: LoadedCorpusFile): Prediction[] =>
  proposeMapping(
    file.object,
    file.columns.map((c) => ({ ...c, valueType: profiledType(c.header, c.samples) })),
    kartraKind(file),
  ).map((p) => ({ tier: p.tier, destination: p.destination, score: p.score }));

const pct = (x: number | null): string => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);
const check = (ok: boolean): string => (ok ? 'met' : 'NOT met');

/** Print the proposer-vs-baseline tables, the targets and the proposer's misses for one corpus directory. */
function report(dir: string, label: string): void {
  const files = loadCorpus(dir);
  const ours = scoreCorpus(files, proposer);
  const base = scoreCorpus(files, (file) => baselinePredictions(file));

  const heading = `== ${label}: ${dir} (${files.length} files) ==`;
  console.log(heading);
  console.log();
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

  console.log(`Targets (${label})`);
  console.log(`  correct in first place ≥ 95%: ${pct(ours.correctFirstShare)} (${check(ours.correctFirstShare >= 0.95)}); baseline ${pct(base.correctFirstShare)}`);
  console.log(`  auto-accepted precision ≥ 99%: ${pct(ours.autoAccepted.precision)} (${check((ours.autoAccepted.precision ?? 0) >= 0.99)}); baseline ${pct(base.autoAccepted.precision)}`);
  console.log(`  standard Kartra columns exact and correct: ${kartraExact}/${kartraTotal} (${check(kartraExact === kartraTotal)})`);
  for (const m of kartraMisses) console.log(m);
  console.log();
  console.log(`Proposer misses, ${label} (${ours.misses.length}):`);
  for (const m of ours.misses) {
    console.log(`  ${m.file} '${m.header}' [${m.tier}]: expected ${describe(m.expected)}, got ${m.predicted ? describe(m.predicted) : 'nothing'}`);
  }
}

const dir = process.argv[2];
if (dir !== undefined) {
  report(dir, 'corpus');
} else {
  report(DEFAULT_CORPUS_DIR, 'in-sample (synonyms written with this corpus in view)');
  console.log();
  report(HELD_OUT_DIR, 'held-out (written without seeing the proposer)');
  console.log();
  report(HELD_OUT_2_DIR, "held-out 2 (written after the proposer's last change, without seeing it)");
}
