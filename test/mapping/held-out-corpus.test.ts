import { describe, expect, it } from 'vitest';
import { TWENTY_2X_FIELDS } from '../../src/mapping/baseline-twenty-matcher.js';
import { loadCorpus } from '../../src/mapping/corpus.js';

// The held-out corpus is written without looking at the proposer; its accuracy there is reported by
// `npm run bench:mapping`, not asserted here.
const HELD_OUT_DIR = 'fixtures/mapping/held-out';

describe('held-out mapping corpus', () => {
  const corpus = loadCorpus(HELD_OUT_DIR);

  it('loads and validates, with at least 8 files and 150 columns', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(8);
    const total = corpus.reduce((n, f) => n + f.columns.length, 0);
    expect(total).toBeGreaterThanOrEqual(150);
    for (const f of corpus) for (const c of f.columns) expect(c.samples.length).toBeLessThanOrEqual(5);
  });

  it("labels only Twenty 2.x standard fields (those the importer offers, plus createdAt) of the file's object", () => {
    const known = new Set(TWENTY_2X_FIELDS.map((c) => `${c.object}.${c.field}.${c.subfield ?? ''}`));
    for (const o of ['person', 'company', 'opportunity']) known.add(`${o}.createdAt.`);
    const unknown = corpus.flatMap((f) =>
      f.columns.flatMap((c) =>
        c.expected.kind === 'field' &&
        (c.expected.object !== f.object || !known.has(`${c.expected.object}.${c.expected.field}.${c.expected.subfield ?? ''}`))
          ? [`${f.file}: ${c.header}`]
          : [],
      ),
    );
    expect(unknown).toEqual([]);
  });

  it('shares no file name with the in-sample corpus', () => {
    const inSample = new Set(loadCorpus().map((f) => f.file));
    expect(corpus.filter((f) => inSample.has(f.file)).map((f) => f.file)).toEqual([]);
  });
});
