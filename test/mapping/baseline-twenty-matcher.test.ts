import { describe, expect, it } from 'vitest';
import {
  ACCEPT_BELOW,
  FUSE_OPTIONS,
  TWENTY_2X_FIELDS,
  baselinePredictions,
  candidatesFor,
  matchLikeTwenty,
  type CandidateField,
} from '../../src/mapping/baseline-twenty-matcher.js';

const person = candidatesFor('person');
const f = (field: string, label: string, subfield?: string): CandidateField =>
  subfield === undefined ? { object: 'person', field, label } : { object: 'person', field, subfield, label };

describe("Twenty's importer matcher, re-implemented", () => {
  it('uses the documented Fuse options and accept score', () => {
    expect(FUSE_OPTIONS).toEqual({ keys: ['label'], includeScore: true, ignoreLocation: true, threshold: 0.3 });
    expect(ACCEPT_BELOW).toBe(0.4);
  });

  it('offers Twenty 2.x fields as its importer labels them: "<Field> / <Subfield>", no person city, no createdAt, no xLink', () => {
    const labels = person.map((c) => c.label);
    expect(labels).toEqual(
      expect.arrayContaining([
        'Name / First Name',
        'Name / Last Name',
        'Emails / Primary Email',
        'Phones / Primary Phone Number',
        'Phones / Primary Phone Calling Code',
        'Job Title',
        'Linkedin / Link URL',
        'Company / Id ',
        'Company / Domain  / Link URL',
      ]),
    );
    expect(new Set(labels).size).toBe(labels.length);
    expect(TWENTY_2X_FIELDS.some((c) => c.object === 'person' && (c.field === 'city' || c.field === 'xLink' || c.field === 'createdAt'))).toBe(false);
  });

  it('accepts an exact label, and a header found inside a longer label', () => {
    const [title, first] = matchLikeTwenty(['Job Title', 'First Name'], person);
    expect(title).toMatchObject({ outcome: 'accepted', accepted: { field: 'jobTitle' } });
    expect(title?.score).toBeLessThan(0.01);
    expect(first).toMatchObject({ outcome: 'accepted', accepted: { field: 'name', subfield: 'firstName' } });
  });

  it('leaves "Email" unmatched: Primary Email and Additional Emails score the same (a tie)', () => {
    const [m] = matchLikeTwenty(['Email'], person);
    expect(m?.outcome).toBe('tie');
    expect(m?.accepted).toBeNull();
    expect(m?.suggestions.map((s) => s.field.label).slice(0, 2).sort()).toEqual(['Emails / Additional Emails', 'Emails / Primary Email']);
  });

  it('does not normalise: "first_name" is only a fuzzy hit, and an unrelated header finds nothing', () => {
    const [spaced] = matchLikeTwenty(['First Name'], person);
    const [snake, other] = matchLikeTwenty(['first_name', 'date_joined'], person);
    // A normaliser would turn first_name into "first name" and score it like "First Name"; Fuse sees another string.
    expect(snake?.score).toBeGreaterThan(0.25);
    expect(snake!.score!).toBeGreaterThan(spaced!.score! * 5);
    expect(other).toMatchObject({ outcome: 'no-hit', accepted: null, score: null, suggestions: [] });
  });

  it('has no synonyms and no value inference', () => {
    const [fr, mobile] = matchLikeTwenty(['Prénom', 'Mobile'], person);
    expect(fr?.accepted).toBeNull();
    expect(mobile?.accepted).toBeNull();
  });

  it('refuses a best hit at or above 0.4 but keeps it as a suggestion', () => {
    const [far] = matchLikeTwenty(['IP Country'], person);
    expect(far?.outcome).toBe('above-accept-score');
    expect(far?.score).toBeGreaterThanOrEqual(0.4);
    expect(far?.accepted).toBeNull();
  });

  it('is greedy in column order: an earlier column keeps the field, a later exact match gets nothing', () => {
    const fields = [f('name', 'First Name', 'firstName'), f('name', 'Last Name', 'lastName')];
    const [early, late] = matchLikeTwenty(['first_name', 'First Name'], fields);
    expect(early?.accepted).toMatchObject({ subfield: 'firstName' });
    expect(late).toMatchObject({ outcome: 'taken', accepted: null });
    expect(late?.score).toBeLessThan(0.01);
    expect(late?.suggestions[0]?.field.subfield).toBe('firstName'); // still suggested, as in Twenty
    const [reversed] = matchLikeTwenty(['First Name', 'first_name'], fields);
    expect(reversed?.accepted).toMatchObject({ subfield: 'firstName' });
  });

  it('refuses a tie between the best two hits', () => {
    const [m] = matchLikeTwenty(['Name'], [f('name', 'First Name', 'firstName'), f('name', 'Last Name', 'lastName')]);
    expect(m?.outcome).toBe('tie');
    expect(m?.accepted).toBeNull();
    expect(m?.suggestions).toHaveLength(2);
  });

  it('predicts tier confident for accepted columns and none with no destination for the rest', () => {
    const preds = baselinePredictions({
      file: 't.json',
      name: 't',
      description: 't',
      object: 'person',
      columns: [
        { header: 'Primary Email', samples: [], expected: { kind: 'skip' } },
        { header: 'tags', samples: [], expected: { kind: 'skip' } },
      ],
    });
    expect(preds[0]).toMatchObject({ tier: 'confident', destination: { kind: 'field', object: 'person', field: 'emails', subfield: 'primaryEmail' } });
    expect(preds[1]).toMatchObject({ tier: 'none', destination: null });
  });
});
