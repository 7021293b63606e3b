/**
 * Findings: things in an export a person should know before migrating it. Each finding has a code, a count and up
 * to five example line numbers (the physical line where the record starts, the header being line 1).
 *
 * The meaning of every code is fixed here, because the sample generator's `expected.json` states the counts a correct
 * reader must report. "cell" codes count cells, "row" codes count rows.
 */
export const FINDING_CODES = {
  missing_email: { unit: 'row', severity: 'error', text: 'no email (empty or a placeholder such as N/A)' },
  invalid_email: { unit: 'row', severity: 'error', text: 'email that is not a valid address' },
  duplicate_email: { unit: 'row', severity: 'warning', text: 'email already used by an older lead (case-insensitive); the older one wins' },
  duplicate_id: { unit: 'row', severity: 'warning', text: 'Kartra id already used by an older row; the older one wins' },
  unparseable_phone: { unit: 'row', severity: 'warning', text: 'phone that cannot be read as a valid number with its calling code' },
  excel_scientific: { unit: 'cell', severity: 'warning', text: 'number damaged by a spreadsheet into scientific notation (5.55123E+09); digits are lost' },
  zip_lost_zero: { unit: 'cell', severity: 'warning', text: 'US ZIP code of 4 digits: a spreadsheet removed its leading zero' },
  placeholder: { unit: 'cell', severity: 'info', text: 'placeholder instead of a value (N/A, #N/A, NULL)' },
  zero_date: { unit: 'cell', severity: 'warning', text: 'date 0000-00-00: no date' },
  unparseable_date: { unit: 'cell', severity: 'warning', text: 'value in a date column that is not a date in any accepted format' },
  formula_like: { unit: 'cell', severity: 'warning', text: 'cell that a spreadsheet would run as a formula (starts with = + - @)' },
  blacklisted: { unit: 'row', severity: 'info', text: 'lead blacklisted in Kartra' },
  test_mode_email: { unit: 'row', severity: 'warning', text: 'Kartra test-mode address (@kartra.com), not a real lead email' },
  over_255: { unit: 'cell', severity: 'warning', text: 'value longer than 255 characters' },
  mojibake: { unit: 'cell', severity: 'warning', text: 'text already garbled by a wrong encoding (JosÃ© for José)' },
  invalid_utf8: {
    unit: 'cell',
    severity: 'warning',
    text: 'bytes that are not UTF-8 in an otherwise UTF-8 file, shown as \uFFFD: those characters are lost; fix them in the source',
  },
  ragged_row: { unit: 'row', severity: 'error', text: 'row with more or fewer cells than the header; its values cannot be trusted to be in the right columns' },
} as const;

export type FindingCode = keyof typeof FINDING_CODES;
export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  code: FindingCode;
  severity: Severity;
  /** What the finding means, for a person. */
  message: string;
  /** Column header the finding is about, when it is about one column. */
  column?: string;
  count: number;
  /** Up to five physical line numbers, in file order. */
  exampleLines: number[];
  /** File the example lines belong to (a dataset spans several files). */
  file?: string;
}

export const MAX_EXAMPLE_LINES = 5;

/** Counts findings per code (and column) as rows are read, keeping the first example lines. */
export class FindingCollector {
  private readonly byKey = new Map<string, Finding>();

  constructor(private readonly file?: string) {}

  add(code: FindingCode, line: number, column?: string): void {
    const key = findingKey(code, column);
    let finding = this.byKey.get(key);
    if (finding === undefined) {
      const { severity, text } = FINDING_CODES[code];
      finding = { code, severity, message: text, count: 0, exampleLines: [] };
      if (column !== undefined) finding.column = column;
      if (this.file !== undefined) finding.file = this.file;
      this.byKey.set(key, finding);
    }
    finding.count++;
    if (finding.exampleLines.length < MAX_EXAMPLE_LINES) finding.exampleLines.push(line);
  }

  /** Adds a finding counted elsewhere (a column profile's non-conforming values). */
  addCounted(code: FindingCode, count: number, exampleLines: number[], column?: string): void {
    if (count === 0) return;
    this.byKey.set(findingKey(code, column), countedFinding(code, count, exampleLines, { column, file: this.file }));
  }

  list(): Finding[] {
    return sortFindings([...this.byKey.values()]);
  }
}

/** A finding whose count and example lines are already known. */
export function countedFinding(
  code: FindingCode,
  count: number,
  exampleLines: number[],
  where: { column?: string | undefined; file?: string | undefined } = {},
): Finding {
  const { severity, text } = FINDING_CODES[code];
  const finding: Finding = { code, severity, message: text, count, exampleLines: exampleLines.slice(0, MAX_EXAMPLE_LINES) };
  if (where.column !== undefined) finding.column = where.column;
  if (where.file !== undefined) finding.file = where.file;
  return finding;
}

function findingKey(code: FindingCode, column: string | undefined): string {
  return column === undefined ? code : `${code}\u0000${column}`;
}

const CODE_ORDER = Object.keys(FINDING_CODES);

/** Findings in the order of FINDING_CODES: errors about emails first, ragged rows and duplicates last. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => CODE_ORDER.indexOf(a.code) - CODE_ORDER.indexOf(b.code));
}

/** Total count per code, over findings of one or many files. */
export function countByCode(findings: Finding[]): Partial<Record<FindingCode, number>> {
  const totals: Partial<Record<FindingCode, number>> = {};
  for (const f of findings) totals[f.code] = (totals[f.code] ?? 0) + f.count;
  return totals;
}
