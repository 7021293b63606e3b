import { describe, expect, it } from 'vitest';
import { TWENTY_2X_FIELDS } from '../../src/mapping/baseline-twenty-matcher.js';
import { loadCorpus } from '../../src/mapping/corpus.js';

// The second held-out corpus was written after the proposer's last change, without looking at the proposer or at the
// other corpora, from sources neither of them uses. Its accuracy there is reported by `npm run bench:mapping`, not
// asserted here.
const HELD_OUT_2_DIR = 'fixtures/mapping/held-out-2';

describe('second held-out mapping corpus', () => {
  const corpus = loadCorpus(HELD_OUT_2_DIR);

  it('loads and validates, with at least 10 files and 200 columns, each with 3 to 5 samples', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(10);
    const total = corpus.reduce((n, f) => n + f.columns.length, 0);
    expect(total).toBeGreaterThanOrEqual(200);
    const badSamples = corpus.flatMap((f) =>
      f.columns.filter((c) => c.samples.length < 3 || c.samples.length > 5).map((c) => `${f.file}: ${c.header}`),
    );
    expect(badSamples).toEqual([]);
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

  it('shares no file name with the in-sample or the first held-out corpus', () => {
    const others = new Set([...loadCorpus(), ...loadCorpus('fixtures/mapping/held-out')].map((f) => f.file));
    expect(corpus.filter((f) => others.has(f.file)).map((f) => f.file)).toEqual([]);
  });
});
