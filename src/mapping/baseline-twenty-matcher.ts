/**
 * A faithful re-implementation of Twenty's own CSV importer column matcher, the peer the proposer is measured against
 * (`../shared/docs/peers.md` §2, `twenty-api.md` §7; `spreadsheet-import/utils/getMatchedColumnsWithFuse.ts`):
 * - Fuse.js over the field labels only: `keys: ['label']`, `threshold: 0.3`, `ignoreLocation: true`;
 * - the header is searched as typed: no normalisation, no synonyms, no value inference;
 * - a column is auto-matched only if its best score is < 0.4, the runner-up's score differs, and that field is still
 *   free; assignment is greedy in column order, so an earlier column keeps a field a later one fits better;
 * - every Fuse hit (minus the fields already taken) stays as a suggestion.
 */
import Fuse from 'fuse.js';
import type { Expected, LoadedCorpusFile, TwentyObject } from './corpus.js';
import type { Prediction } from './score.js';

export type CandidateField = { object: TwentyObject; field: string; subfield?: string; label: string };

export type BaselineOutcome = 'accepted' | 'no-hit' | 'above-accept-score' | 'tie' | 'taken';

export type BaselineMatch = {
  header: string;
  /** The auto-matched field, or null when the column is left for the user. */
  accepted: CandidateField | null;
  /** Fuse score of the best hit (0 is perfect), null when Fuse found nothing under its threshold. */
  score: number | null;
  outcome: BaselineOutcome;
  suggestions: { field: CandidateField; score: number }[];
};

export const FUSE_OPTIONS = { keys: ['label'], includeScore: true, ignoreLocation: true, threshold: 0.3 } as const;
export const ACCEPT_BELOW = 0.4;

/**
 * Twenty 2.x standard fields the UI importer offers, with their English UI labels. Composite fields import one column
 * per subfield; the primary subfield carries the field's label, the others "<Subfield> (<Field>)". `createdAt` is not
 * offered (the UI importer skips it); relations are offered under the relation's label. 2.x has no person `city` or
 * `xLink`, no company `employees`.
 */
export const TWENTY_2X_FIELDS: readonly CandidateField[] = [
  { object: 'person', field: 'name', subfield: 'firstName', label: 'First Name' },
  { object: 'person', field: 'name', subfield: 'lastName', label: 'Last Name' },
  { object: 'person', field: 'emails', subfield: 'primaryEmail', label: 'Emails' },
  { object: 'person', field: 'phones', subfield: 'primaryPhoneNumber', label: 'Phones' },
  { object: 'person', field: 'phones', subfield: 'primaryPhoneCountryCode', label: 'Country Code (Phones)' },
  { object: 'person', field: 'phones', subfield: 'primaryPhoneCallingCode', label: 'Calling Code (Phones)' },
  { object: 'person', field: 'jobTitle', label: 'Job Title' },
  { object: 'person', field: 'linkedinLink', subfield: 'primaryLinkUrl', label: 'Linkedin' },
  { object: 'person', field: 'company', label: 'Company' },

  { object: 'company', field: 'name', label: 'Name' },
  { object: 'company', field: 'domainName', subfield: 'primaryLinkUrl', label: 'Domain' },
  { object: 'company', field: 'address', subfield: 'addressStreet1', label: 'Address 1 (Address)' },
  { object: 'company', field: 'address', subfield: 'addressStreet2', label: 'Address 2 (Address)' },
  { object: 'company', field: 'address', subfield: 'addressCity', label: 'City (Address)' },
  { object: 'company', field: 'address', subfield: 'addressState', label: 'State (Address)' },
  { object: 'company', field: 'address', subfield: 'addressPostcode', label: 'Post Code (Address)' },
  { object: 'company', field: 'address', subfield: 'addressCountry', label: 'Country (Address)' },
  { object: 'company', field: 'linkedinLink', subfield: 'primaryLinkUrl', label: 'Linkedin' },
  { object: 'company', field: 'annualRevenue', subfield: 'amountMicros', label: 'Annual Revenue' },
  { object: 'company', field: 'annualRevenue', subfield: 'currencyCode', label: 'Currency Code (Annual Revenue)' },

  { object: 'opportunity', field: 'name', label: 'Name' },
  { object: 'opportunity', field: 'amount', subfield: 'amountMicros', label: 'Amount' },
  { object: 'opportunity', field: 'amount', subfield: 'currencyCode', label: 'Currency Code (Amount)' },
  { object: 'opportunity', field: 'closeDate', label: 'Close date' },
  { object: 'opportunity', field: 'stage', label: 'Stage' },
  { object: 'opportunity', field: 'pointOfContact', label: 'Point of Contact' },
  { object: 'opportunity', field: 'company', label: 'Company' },
];

export function candidatesFor(object: TwentyObject, fields: readonly CandidateField[] = TWENTY_2X_FIELDS): CandidateField[] {
  return fields.filter((f) => f.object === object);
}

const keyOf = (f: CandidateField): string => `${f.object}.${f.field}.${f.subfield ?? ''}`;

/** Match the headers the way Twenty's importer does, greedily in column order. */
export function matchLikeTwenty(headers: readonly string[], candidates: readonly CandidateField[]): BaselineMatch[] {
  const fuse = new Fuse([...candidates], { ...FUSE_OPTIONS, keys: [...FUSE_OPTIONS.keys] });
  const taken = new Set<string>();
  return headers.map((header) => {
    const hits = fuse.search(header).map((r) => ({ field: r.item, score: r.score ?? 1 }));
    const suggestions = hits.filter((h) => !taken.has(keyOf(h.field)));
    const [first, second] = hits;
    if (!first) return { header, accepted: null, score: null, outcome: 'no-hit', suggestions };
    const base = { header, score: first.score, suggestions };
    if (!(first.score < ACCEPT_BELOW)) return { ...base, accepted: null, outcome: 'above-accept-score' };
    if (second && second.score === first.score) return { ...base, accepted: null, outcome: 'tie' };
    if (taken.has(keyOf(first.field))) return { ...base, accepted: null, outcome: 'taken' };
    taken.add(keyOf(first.field));
    return { ...base, accepted: first.field, outcome: 'accepted' };
  });
}

export function destinationOf(field: CandidateField): Expected {
  return field.subfield === undefined
    ? { kind: 'field', object: field.object, field: field.field }
    : { kind: 'field', object: field.object, field: field.field, subfield: field.subfield };
}

/** The baseline as a predictor for the scorer: accepted matches are tier `confident`, the rest `none` (left unmapped). */
export function baselinePredictions(file: LoadedCorpusFile, fields: readonly CandidateField[] = TWENTY_2X_FIELDS): Prediction[] {
  const matches = matchLikeTwenty(
    file.columns.map((c) => c.header),
    candidatesFor(file.object, fields),
  );
  return matches.map((m) =>
    m.accepted
      ? { tier: 'confident', destination: destinationOf(m.accepted), score: m.score }
      : { tier: 'none', destination: null, score: m.score },
  );
}
