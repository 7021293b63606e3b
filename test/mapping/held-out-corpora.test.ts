import { describe, expect, it } from 'vitest';
import { TWENTY_2X_FIELDS } from '../../src/mapping/baseline-twenty-matcher.js';
import { loadCorpus } from '../../src/mapping/corpus.js';
import { unknownStandardLabels } from './corpus-checks.js';

/**
 * The held-out corpora were written without looking at the proposer (the second one also without the other corpora,
 * from sources neither uses). Their accuracy is reported by `npm run bench:mapping`, not asserted here: these tests
 * only keep them valid and apart.
 */
const CORPORA = [
  { dir: 'fixtures/mapping/held-out', files: 8, columns: 150, minSamples: 0 },
  { dir: 'fixtures/mapping/held-out-2', files: 10, columns: 200, minSamples: 3 },
];

describe.each(CORPORA)('held-out mapping corpus $dir', ({ dir, files, columns, minSamples }) => {
  const corpus = loadCorpus(dir);

  it(`loads and validates, with at least ${files} files and ${columns} columns of at most 5 samples`, () => {
    expect(corpus.length).toBeGreaterThanOrEqual(files);
    expect(corpus.reduce((n, f) => n + f.columns.length, 0)).toBeGreaterThanOrEqual(columns);
    const badSamples = corpus.flatMap((f) => f.columns.filter((c) => c.samples.length < minSamples || c.samples.length > 5).map((c) => `${f.file}: ${c.header}`));
    expect(badSamples).toEqual([]);
  });

  it("labels only Twenty 2.x standard fields (those the importer offers, plus createdAt) of the file's object", () => {
    expect(unknownStandardLabels(corpus)).toEqual([]);
  });

  it('shares no file name with any other corpus', () => {
    const others = new Set([loadCorpus(), ...CORPORA.filter((c) => c.dir !== dir).map((c) => loadCorpus(c.dir))].flat().map((f) => f.file));
    expect(corpus.filter((f) => others.has(f.file)).map((f) => f.file)).toEqual([]);
  });
});
