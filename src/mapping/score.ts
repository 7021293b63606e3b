/**
 * Scores mapping predictions against the labelled corpus (`fixtures/mapping/`).
 *
 * A prediction is correct when its first-place destination equals the expected one: the same object, field and
 * subfield; a custom field of the same type (and the same name when the corpus names it); or a skip. A prediction with
 * no destination leaves the column unmapped, which is a skip.
 *
 * Per tier: `precision` = correct / predicted in that tier; `recall` = correct in that tier / all columns (so the
 * tiers' recalls add up to the share correct in first place). `autoAccepted` is `exact` + `confident`.
 */
import type { Expected, LoadedCorpusFile } from './corpus.js';

export const TIERS = ['exact', 'confident', 'suggested', 'none'] as const;
export type Tier = (typeof TIERS)[number];

export type Prediction = { tier: Tier; destination: Expected | null; score?: number | null };
export type Predictor = (file: LoadedCorpusFile) => Prediction[];

export type Figures = { predicted: number; correct: number; precision: number | null; recall: number };
export type Miss = { file: string; header: string; tier: Tier; expected: Expected; predicted: Expected | null };
export type Score = {
  columns: number;
  tiers: Record<Tier, Figures>;
  autoAccepted: Figures;
  correctFirst: number;
  correctFirstShare: number;
  misses: Miss[];
};

export function sameDestination(expected: Expected, predicted: Expected | null): boolean {
  const p: Expected = predicted ?? { kind: 'skip' };
  if (expected.kind === 'skip') return p.kind === 'skip';
  if (expected.kind === 'custom') {
    return p.kind === 'custom' && p.type === expected.type && (expected.name === undefined || p.name === expected.name);
  }
  return p.kind === 'field' && p.object === expected.object && p.field === expected.field && p.subfield === expected.subfield;
}

const figures = (predicted: number, correct: number, total: number): Figures => ({
  predicted,
  correct,
  precision: predicted === 0 ? null : correct / predicted,
  recall: total === 0 ? 0 : correct / total,
});

/** Score one predictor over the given corpus files. */
export function scoreCorpus(files: readonly LoadedCorpusFile[], predict: Predictor): Score {
  const counts = Object.fromEntries(TIERS.map((t) => [t, { predicted: 0, correct: 0 }])) as Record<Tier, { predicted: number; correct: number }>;
  const misses: Miss[] = [];
  let columns = 0;
  for (const file of files) {
    const predictions = predict(file);
    if (predictions.length !== file.columns.length) {
      throw new Error(`${file.file}: ${predictions.length} predictions for ${file.columns.length} columns`);
    }
    file.columns.forEach((column, i) => {
      const p = predictions[i]!;
      columns += 1;
      counts[p.tier].predicted += 1;
      if (sameDestination(column.expected, p.destination)) counts[p.tier].correct += 1;
      else misses.push({ file: file.file, header: column.header, tier: p.tier, expected: column.expected, predicted: p.destination });
    });
  }
  const tiers = Object.fromEntries(TIERS.map((t) => [t, figures(counts[t].predicted, counts[t].correct, columns)])) as Record<Tier, Figures>;
  const correctFirst = TIERS.reduce((n, t) => n + counts[t].correct, 0);
  return {
    columns,
    tiers,
    autoAccepted: figures(counts.exact.predicted + counts.confident.predicted, counts.exact.correct + counts.confident.correct, columns),
    correctFirst,
    correctFirstShare: columns === 0 ? 0 : correctFirst / columns,
    misses,
  };
}

const pct = (x: number | null): string => (x === null ? '   –  ' : `${(x * 100).toFixed(1).padStart(5)}%`);

/** A plain-text table of a score, for the benchmark's output. */
export function formatScore(title: string, s: Score): string {
  const lines = [`${title}: ${s.columns} columns`, 'tier        predicted  correct  precision  recall'];
  for (const t of TIERS) {
    const f = s.tiers[t];
    lines.push(`${t.padEnd(10)}  ${String(f.predicted).padStart(9)}  ${String(f.correct).padStart(7)}  ${pct(f.precision).padStart(9)}  ${pct(f.recall)}`);
  }
  const a = s.autoAccepted;
  lines.push(`auto-accepted (exact+confident): ${a.correct}/${a.predicted} correct, precision ${pct(a.precision).trim()}`);
  lines.push(`correct in first place: ${s.correctFirst}/${s.columns} (${pct(s.correctFirstShare).trim()})`);
  return lines.join('\n');
}
