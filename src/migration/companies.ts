/**
 * Companies come from the leads' company column, one per normalised name: "Acme, Inc.", "ACME Inc" and "acme" are
 * one company. The rule: accents removed, lowercase, `&` read as "and", punctuation dropped, spaces collapsed, and a
 * trailing legal form (Inc, LLC, Ltd, GmbH...) left out.
 */

const LEGAL_FORMS = new Set(['inc', 'incorporated', 'llc', 'ltd', 'limited', 'gmbh', 'sarl', 'sas', 'sa', 'bv', 'co', 'corp', 'corporation', 'plc', 'pty', 'ag']);

/** The key a company is found again by; '' when the name has no letter or digit. */
export function companyKey(name: string): string {
  const words = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}\s]/gu, '')
    .split(/\s+/)
    .filter(Boolean);
  if (words.length > 1 && LEGAL_FORMS.has(words[words.length - 1]!)) words.pop();
  return words.join(' ');
}
