/**
 * A faithful re-implementation of Twenty's own CSV importer column matcher, the peer the proposer is measured against
 * (`../shared/docs/peers.md` §2, `twenty-api.md` §7; `spreadsheet-import/utils/getMatchedColumnsWithFuse.ts`):
 * - Fuse.js over the field labels only: `keys: ['label']`, `threshold: 0.3`, `ignoreLocation: true`;
 * - the header is searched as typed: no normalisation, no synonyms, no value inference;
 * - a column is auto-matched only if its best score is < 0.4, the runner-up's score differs, and that field is still
 *   free; assignment is greedy in column order, so an earlier column keeps a field a later one fits better;
 * - every Fuse hit stays as a suggestion (`suggestedFieldsByColumnHeader`).
 */
import Fuse from 'fuse.js';
import type { Expected, LoadedCorpusFile, TwentyObject } from './corpus.js';
import type { Prediction } from './score.js';

export type CandidateField = {
  object: TwentyObject;
  field: string;
  subfield?: string;
  label: string;
  /** Twenty's field type, when read from a live schema. */
  type?: string;
  /** A custom field already in the workspace (created by a user or by an earlier run of this tool). */
  custom?: boolean;
};

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

type Sub = { subfield: string; label: string };
/** The importable subfields of Twenty's composite field types, with the importer's English labels. */
export const COMPOSITE_SUBFIELDS = {
  FULL_NAME: [
    { subfield: 'firstName', label: 'First Name' },
    { subfield: 'lastName', label: 'Last Name' },
  ],
  EMAILS: [
    { subfield: 'primaryEmail', label: 'Primary Email' },
    { subfield: 'additionalEmails', label: 'Additional Emails' },
  ],
  LINKS: [
    { subfield: 'primaryLinkUrl', label: 'Link URL' },
    { subfield: 'primaryLinkLabel', label: 'Link Label' },
    { subfield: 'secondaryLinks', label: 'Secondary Links' },
  ],
  PHONES: [
    { subfield: 'primaryPhoneCallingCode', label: 'Primary Phone Calling Code' },
    { subfield: 'primaryPhoneCountryCode', label: 'Primary Phone Country Code' },
    { subfield: 'primaryPhoneNumber', label: 'Primary Phone Number' },
    { subfield: 'additionalPhones', label: 'Additional Phones' },
  ],
  ADDRESS: [
    { subfield: 'addressStreet1', label: 'Address 1' },
    { subfield: 'addressStreet2', label: 'Address 2' },
    { subfield: 'addressCity', label: 'City' },
    { subfield: 'addressState', label: 'State' },
    { subfield: 'addressCountry', label: 'Country' },
    { subfield: 'addressPostcode', label: 'Post Code' },
  ],
  CURRENCY: [
    { subfield: 'amountMicros', label: 'Amount' },
    { subfield: 'currencyCode', label: 'Currency' },
  ],
} as const satisfies Record<string, readonly Sub[]>;

/** A composite field: one candidate per importable subfield, labelled "<Field> / <Subfield>". */
const composite = (object: TwentyObject, field: string, label: string, type: keyof typeof COMPOSITE_SUBFIELDS): CandidateField[] =>
  COMPOSITE_SUBFIELDS[type].map((s) => ({ object, field, subfield: s.subfield, label: `${label} / ${s.label}` }));

/**
 * A many-to-one relation: one candidate per unique field of the target ("<Relation> / <Unique field> " and, for a
 * composite unique field, "<Relation> / <Unique field>  / <Subfield>", spacing as Twenty builds it). Every such column
 * connects the same relation, so they share one destination.
 */
const relation = (object: TwentyObject, field: string, label: string, uniques: readonly string[]): CandidateField[] =>
  uniques.map((u) => ({ object, field, label: `${label} / ${u}` }));

/**
 * Twenty 2.x standard fields as its UI importer offers them (`useBuildSpreadSheetImportFields`,
 * `COMPOSITE_FIELD_SUB_FIELD_LABELS`), with the English UI labels. `createdAt` is not offered (the importer skips it),
 * nor are ACTOR and system fields. 2.x has no person `city` or `xLink` and no company `employees`.
 */
export const TWENTY_2X_FIELDS: readonly CandidateField[] = [
  ...composite('person', 'name', 'Name', 'FULL_NAME'),
  ...composite('person', 'emails', 'Emails', 'EMAILS'),
  ...composite('person', 'linkedinLink', 'Linkedin', 'LINKS'),
  { object: 'person', field: 'jobTitle', label: 'Job Title' },
  ...composite('person', 'phones', 'Phones', 'PHONES'),
  ...relation('person', 'company', 'Company', ['Id ', 'Domain  / Link URL']),

  { object: 'company', field: 'name', label: 'Name' },
  ...composite('company', 'domainName', 'Domain', 'LINKS'),
  ...composite('company', 'address', 'Address', 'ADDRESS'),
  ...composite('company', 'linkedinLink', 'Linkedin', 'LINKS'),
  ...composite('company', 'annualRevenue', 'Annual Revenue', 'CURRENCY'),

  { object: 'opportunity', field: 'name', label: 'Name' },
  ...composite('opportunity', 'amount', 'Amount', 'CURRENCY'),
  { object: 'opportunity', field: 'closeDate', label: 'Close date' },
  { object: 'opportunity', field: 'stage', label: 'Stage' },
  ...relation('opportunity', 'pointOfContact', 'Point of Contact', ['Id ', 'Emails  / Primary Email']),
  ...relation('opportunity', 'company', 'Company', ['Id ', 'Domain  / Link URL']),
];

export function candidatesFor(object: TwentyObject, fields: readonly CandidateField[] = TWENTY_2X_FIELDS): CandidateField[] {
  return fields.filter((f) => f.object === object);
}

/** Twenty takes a field by its import key, one per offered column; labels are unique per object, so they stand in. */
const keyOf = (f: CandidateField): string => `${f.object}:${f.label}`;

/** Match the headers the way Twenty's importer does, greedily in column order. */
export function matchLikeTwenty(headers: readonly string[], candidates: readonly CandidateField[]): BaselineMatch[] {
  const fuse = new Fuse([...candidates], { ...FUSE_OPTIONS, keys: [...FUSE_OPTIONS.keys] });
  const taken = new Set<string>();
  return headers.map((header) => {
    const hits = fuse.search(header).map((r) => ({ field: r.item, score: r.score ?? 1 }));
    const suggestions = hits;
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
