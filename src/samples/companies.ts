import type { Expected } from './expected.js';

/**
 * When two leads' companies are one company, as the ground truth counts them. The migration engine implements the
 * same documented rule on its own: the oracle never shares the engine's code, or a bug in one would hide in both.
 *
 * The rule, in order:
 * 1. NFKD, then lowercase.
 * 2. `&` becomes ` and `.
 * 3. Every character that is not a letter, a digit or whitespace is removed (punctuation, symbols, and the
 *    diacritics NFKD split off): "S.A." → "sa", "Café" → "cafe".
 * 4. Whitespace runs become one space; leading and trailing space is dropped.
 * 5. One trailing legal form (LEGAL_FORMS) is removed when a word precedes it: "acme inc" → "acme", "inc" stays.
 * 6. A name that leaves nothing (only symbols or emoji) is keyed by its trimmed spelling, so it still counts.
 */

/** Whole words, after steps 1–4; only the last word of a name is ever removed. */
export const LEGAL_FORMS: ReadonlySet<string> = new Set([
  'inc', 'incorporated', 'llc', 'ltd', 'limited', 'gmbh', 'sarl', 'sas', 'sa', 'bv', 'co', 'corp', 'corporation', 'plc', 'pty', 'ag',
]);

export function companyKey(name: string): string {
  const words = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}\s]/gu, '')
    .split(/\s+/)
    .filter((word) => word !== '');
  if (words.length > 1 && LEGAL_FORMS.has(words.at(-1)!)) words.pop();
  return words.length > 0 ? words.join(' ') : name.trim();
}

export type CompaniesExpected = Expected['companies'];

/**
 * Distinct companies of the people a migration keeps. People arrive in generation order, which is not file order
 * (rows are spread over chunks), so each company keeps its earliest position; memory grows with companies, not rows.
 */
export class CompanyTally {
  private readonly first = new Map<string, { name: string; order: number; line: number }>();

  /** `name` as written; blank names are no company. `order` is the file's place in `files.leads`. */
  add(name: string, order: number, line: number): void {
    const trimmed = name.trim();
    if (trimmed === '') return;
    const key = companyKey(trimmed);
    const seen = this.first.get(key);
    if (!seen || order < seen.order || (order === seen.order && line < seen.line)) this.first.set(key, { name: trimmed, order, line });
  }

  result(): CompaniesExpected {
    const names = [...this.first.values()].sort((a, b) => a.order - b.order || a.line - b.line).map((c) => c.name);
    return { count: names.length, names };
  }
}
