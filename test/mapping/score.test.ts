import { describe, expect, it } from 'vitest';
import type { LoadedCorpusFile } from '../../src/mapping/corpus.js';
import { baselinePredictions } from '../../src/mapping/baseline-twenty-matcher.js';
import { loadCorpus } from '../../src/mapping/corpus.js';
import { formatScore, sameDestination, scoreCorpus, type Prediction } from '../../src/mapping/score.js';

const first = { kind: 'field', object: 'person', field: 'name', subfield: 'firstName' } as const;
const email = { kind: 'field', object: 'person', field: 'emails', subfield: 'primaryEmail' } as const;
const tags = { kind: 'custom', type: 'MULTI_SELECT', name: 'kartraTags' } as const;

const tiny: LoadedCorpusFile = {
  file: 'tiny.json',
  name: 'tiny',
  description: 'hand-made',
  object: 'person',
  columns: [
    { header: 'a', samples: [], expected: first }, // exact, right
    { header: 'b', samples: [], expected: email }, // exact, wrong
    { header: 'c', samples: [], expected: tags }, // confident, right
    { header: 'd', samples: [], expected: { kind: 'custom', type: 'NUMBER' } }, // suggested, right
    { header: 'e', samples: [], expected: { kind: 'skip' } }, // none, no destination: right (left unmapped)
    { header: 'f', samples: [], expected: first }, // none, no destination: wrong
    { header: 'g', samples: [], expected: { kind: 'custom', type: 'TEXT' } }, // suggested, wrong type
    { header: 'h', samples: [], expected: email }, // exact, right
  ],
};
const predictions: Prediction[] = [
  { tier: 'exact', destination: first },
  { tier: 'exact', destination: first },
  { tier: 'confident', destination: { kind: 'custom', type: 'MULTI_SELECT', name: 'kartraTags' } },
  { tier: 'suggested', destination: { kind: 'custom', type: 'NUMBER', name: 'score' } },
  { tier: 'none', destination: null },
  { tier: 'none', destination: null },
  { tier: 'suggested', destination: { kind: 'custom', type: 'SELECT' } },
  { tier: 'exact', destination: email },
];

describe('mapping scorer', () => {
  it('computes per-tier precision and recall, auto-accepted precision and correct-first share', () => {
    const s = scoreCorpus([tiny], () => predictions);
    expect(s.columns).toBe(8);
    expect(s.tiers.exact).toEqual({ predicted: 3, correct: 2, precision: 2 / 3, recall: 2 / 8 });
    expect(s.tiers.confident).toEqual({ predicted: 1, correct: 1, precision: 1, recall: 1 / 8 });
    expect(s.tiers.suggested).toEqual({ predicted: 2, correct: 1, precision: 0.5, recall: 1 / 8 });
    expect(s.tiers.none).toEqual({ predicted: 2, correct: 1, precision: 0.5, recall: 1 / 8 });
    expect(s.autoAccepted).toEqual({ predicted: 4, correct: 3, precision: 0.75, recall: 3 / 8 });
    expect(s.correctFirst).toBe(5);
    expect(s.correctFirstShare).toBe(5 / 8);
    expect(s.misses.map((m) => m.header)).toEqual(['b', 'f', 'g']);
    expect(formatScore('tiny', s)).toContain('correct in first place: 5/8 (62.5%)');
  });

  it('reports an empty tier with no precision', () => {
    const s = scoreCorpus([tiny], () => tiny.columns.map(() => ({ tier: 'none', destination: null })));
    expect(s.tiers.exact).toEqual({ predicted: 0, correct: 0, precision: null, recall: 0 });
    expect(s.autoAccepted.precision).toBeNull();
    expect(s.correctFirst).toBe(1);
  });

  it('compares destinations by object, field and subfield, by custom type and name, and treats no destination as skip', () => {
    expect(sameDestination(first, { ...first, subfield: 'lastName' })).toBe(false);
    expect(sameDestination({ kind: 'field', object: 'person', field: 'company' }, { kind: 'field', object: 'opportunity', field: 'company' })).toBe(false);
    expect(sameDestination(tags, { kind: 'custom', type: 'MULTI_SELECT', name: 'kartraLists' })).toBe(false);
    expect(sameDestination(tags, { kind: 'custom', type: 'MULTI_SELECT' })).toBe(false);
    expect(sameDestination({ kind: 'custom', type: 'TEXT' }, { kind: 'custom', type: 'TEXT', name: 'anything' })).toBe(true);
    expect(sameDestination({ kind: 'skip' }, null)).toBe(true);
    expect(sameDestination({ kind: 'skip' }, { kind: 'skip' })).toBe(true);
  });

  it('refuses a predictor that does not answer every column', () => {
    expect(() => scoreCorpus([tiny], () => predictions.slice(1))).toThrow(/tiny\.json: 7 predictions for 8 columns/);
  });

  it("scores the baseline on the full corpus: everything it accepts is tier confident, and it falls far short of the issue's targets", () => {
    const s = scoreCorpus(loadCorpus(), baselinePredictions);
    expect(s.tiers.exact.predicted).toBe(0);
    expect(s.tiers.suggested.predicted).toBe(0);
    expect(s.tiers.confident.predicted + s.tiers.none.predicted).toBe(s.columns);
    expect(s.autoAccepted.precision).toBeLessThan(0.99);
    expect(s.correctFirstShare).toBeLessThan(0.95);
  });
});
