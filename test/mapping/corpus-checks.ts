import { TWENTY_2X_FIELDS } from '../../src/mapping/baseline-twenty-matcher.js';
import type { LoadedCorpusFile } from '../../src/mapping/corpus.js';

/**
 * Columns labelled with a standard field that is not one Twenty 2.x's importer offers on the file's object (plus
 * createdAt): a corpus must use only destinations the product can reach, or it measures nothing real.
 */
export function unknownStandardLabels(corpus: readonly LoadedCorpusFile[]): string[] {
  const known = new Set(TWENTY_2X_FIELDS.map((c) => `${c.object}.${c.field}.${c.subfield ?? ''}`));
  for (const o of ['person', 'company', 'opportunity']) known.add(`${o}.createdAt.`);
  return corpus.flatMap((f) =>
    f.columns.flatMap((c) =>
      c.expected.kind === 'field' && (c.expected.object !== f.object || !known.has(`${c.expected.object}.${c.expected.field}.${c.expected.subfield ?? ''}`))
        ? [`${f.file}: ${c.header}`]
        : [],
    ),
  );
}
