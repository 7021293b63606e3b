import { parse } from 'csv-parse/sync';

export type Delimiter = ',' | ';' | '\t';
export type LineEnding = 'CRLF' | 'LF' | 'CR' | 'mixed' | 'none';

export interface Dialect {
  delimiter: Delimiter;
  lineEnding: LineEnding;
  /** False for header-less files such as Kartra's own TXT import format. */
  hasHeader: boolean;
}

const DELIMITERS: Delimiter[] = [',', ';', '\t'];
const SAMPLE_RECORDS = 200;

/** Decides the dialect from the first few hundred records of the file's text. */
export function detectDialect(sample: string): Dialect {
  const delimiter = detectDelimiter(sample);
  const firstRecord = parseSample(sample, delimiter)[0] ?? [];
  return { delimiter, lineEnding: detectLineEnding(sample), hasHeader: looksLikeHeader(firstRecord) };
}

/**
 * The delimiter is the candidate that splits the sample into the most columns, consistently: most records have the
 * same number of cells. "Acme, Inc." inside quotes does not count, which is why each candidate is really parsed.
 */
function detectDelimiter(sample: string): Delimiter {
  let best: { delimiter: Delimiter; columns: number; consistency: number } = { delimiter: ',', columns: 1, consistency: 0 };
  for (const delimiter of DELIMITERS) {
    const widths = parseSample(sample, delimiter).map(widthWithoutTrailingEmpties);
    if (widths.length === 0) continue;
    const { value: columns, share: consistency } = mode(widths);
    if (columns < 2) continue;
    const better =
      consistency > best.consistency + 0.2 || (consistency >= best.consistency - 0.2 && columns > best.columns);
    if (better) best = { delimiter, columns, consistency };
  }
  return best.delimiter;
}

function parseSample(sample: string, delimiter: Delimiter): string[][] {
  // The sample ends mid-file, maybe inside a quoted field: parse only whole lines, and if a quote is still open
  // (a long quoted note), retry on ever fewer lines.
  let text = sample.slice(0, sample.lastIndexOf('\n') + 1) || sample;
  for (let attempt = 0; attempt < 8 && text.length > 0; attempt++) {
    try {
      return parse(text, {
        delimiter,
        relax_column_count: true,
        relax_quotes: true,
        skip_empty_lines: true,
        record_delimiter: ['\r\n', '\n', '\r'],
        to: SAMPLE_RECORDS,
      }) as string[][];
    } catch {
      text = text.slice(0, text.lastIndexOf('\n', Math.floor(text.length / 2)) + 1);
    }
  }
  return [];
}

export function widthWithoutTrailingEmpties(record: string[]): number {
  let width = record.length;
  while (width > 1 && record[width - 1]!.trim() === '') width--;
  return width;
}

function mode(values: number[]): { value: number; share: number } {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let value = 0;
  let count = 0;
  for (const [v, c] of counts) if (c > count || (c === count && v > value)) [value, count] = [v, c];
  return { value, share: count / values.length };
}

function detectLineEnding(sample: string): LineEnding {
  const crlf = sample.match(/\r\n/g)?.length ?? 0;
  const lf = (sample.match(/\n/g)?.length ?? 0) - crlf;
  const cr = (sample.match(/\r/g)?.length ?? 0) - crlf;
  const kinds = [crlf > 0, lf > 0, cr > 0].filter(Boolean).length;
  if (kinds === 0) return 'none';
  if (kinds > 1) return 'mixed';
  return crlf > 0 ? 'CRLF' : lf > 0 ? 'LF' : 'CR';
}

/** A header names columns: no cell of it is an email, a number, a date or a phone. */
function looksLikeHeader(record: string[]): boolean {
  const cells = record.map((c) => c.trim()).filter((c) => c !== '');
  if (cells.length === 0) return true;
  return !cells.some((c) => /@/.test(c) || /^[+\-$€£(]?[\d\s.,:/()\-]+$/.test(c));
}
