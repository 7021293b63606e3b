import { parse } from 'csv-parse/sync';
import { isEmail } from './values.js';

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
 * The delimiter is the candidate under which the header has the most columns and the rows agree with it. Each
 * candidate is really parsed, so "Acme, Inc." inside a semicolon file's quotes, or "VIP;Gold" in a comma file's
 * tags, does not count. A row agrees when it has at least the header's cells and nothing but empties beyond them.
 */
function detectDelimiter(sample: string): Delimiter {
  let best: { delimiter: Delimiter; columns: number; agreement: number } = { delimiter: ',', columns: 1, agreement: 0 };
  for (const delimiter of DELIMITERS) {
    const records = parseSample(sample, delimiter);
    const columns = records[0] ? widthWithoutTrailingEmpties(records[0]) : 0;
    if (columns < 2) continue;
    const agreeing = records.filter((r) => r.length >= columns && widthWithoutTrailingEmpties(r) <= columns).length;
    const agreement = agreeing / records.length;
    const better =
      agreement > best.agreement + 0.05 || (agreement >= best.agreement - 0.05 && columns > best.columns);
    if (better) best = { delimiter, columns, agreement };
  }
  return best.delimiter;
}

function parseSample(sample: string, delimiter: Delimiter): string[][] {
  // The sample ends mid-file, maybe inside a quoted field: parse only whole lines, and if a quote is still open
  // (a long quoted note), retry on ever fewer lines. Lines may end in \n, \r\n or a lone \r (Excel for Mac).
  let text = sample.slice(0, lastLineBreak(sample, sample.length) + 1) || sample;
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
      text = text.slice(0, lastLineBreak(text, Math.floor(text.length / 2)) + 1);
    }
  }
  return [];
}

function lastLineBreak(text: string, before: number): number {
  return Math.max(text.lastIndexOf('\n', before), text.lastIndexOf('\r', before));
}

export function widthWithoutTrailingEmpties(record: string[]): number {
  let width = record.length;
  while (width > 1 && record[width - 1]!.trim() === '') width--;
  return width;
}

/** Line endings between records; a line break inside a quoted cell (a note, an address) does not count. */
function detectLineEnding(sample: string): LineEnding {
  let crlf = 0;
  let lf = 0;
  let cr = 0;
  let quoted = false;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c === 34 /* " */) quoted = !quoted;
    else if (quoted) continue;
    else if (c === 13 /* \r */) {
      if (sample.charCodeAt(i + 1) === 10) {
        crlf++;
        i++;
      } else cr++;
    } else if (c === 10 /* \n */) lf++;
  }
  const kinds = [crlf > 0, lf > 0, cr > 0].filter(Boolean).length;
  if (kinds === 0) return 'none';
  if (kinds > 1) return 'mixed';
  return crlf > 0 ? 'CRLF' : lf > 0 ? 'LF' : 'CR';
}

/** A header names columns: no cell of it is an email, a number, a date or a phone. */
function looksLikeHeader(record: string[]): boolean {
  const cells = record.map((c) => c.trim()).filter((c) => c !== '');
  if (cells.length === 0) return true;
  return !cells.some((c) => isEmail(c) || /^[+\-$€£(]?[\d\s.,:/()\-]+$/.test(c));
}
