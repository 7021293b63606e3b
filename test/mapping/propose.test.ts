import { describe, expect, it } from 'vitest';
import { camelName, columnKind, customPlan, proposeMapping, type ProposeColumn } from '../../src/mapping/propose.js';
import { loadCorpus } from '../../src/mapping/corpus.js';
import { sameDestination } from '../../src/mapping/score.js';
import { TRANSACTION_COLUMNS } from '../../src/kartra/columns.js';

const col = (header: string, samples: string[] = []): ProposeColumn => ({ header, samples });
const one = (object: 'person' | 'company' | 'opportunity', header: string, samples: string[] = []) =>
  proposeMapping(object, [col(header, samples)])[0]!;

describe('proposeMapping: Kartra columns', () => {
  it('maps Kartra API spellings at tier exact with the API field in the reason', () => {
    const p = proposeMapping('person', [col('first_name', ['Maria']), col('email', ['maria@example.com']), col('phone_country_code', ['+1'])]);
    expect(p.map((x) => x.tier)).toEqual(['exact', 'exact', 'exact']);
    expect(p[0]!.destination).toEqual({ kind: 'field', object: 'person', field: 'name', subfield: 'firstName' });
    expect(p[0]!.reason).toBe('Kartra API field `first_name`');
    expect(p[2]!.destination).toEqual({ kind: 'field', object: 'person', field: 'phones', subfield: 'primaryPhoneCallingCode' });
  });

  it('maps Kartra label spellings at tier exact, including the Kartra decisions', () => {
    const p = proposeMapping('person', [
      col('Last Name', ['Garcia']),
      col('Date Joined', ['2021-03-04 10:22:01']),
      col('Lead ID', ['1043']),
      col('Tags', ['VIP, Webinar']),
      col('Lists', ['Newsletter']),
      col('GDPR Status', ['0', '1']),
      col('Blacklisted', ['0']),
      col('LinkedIn', ['https://www.linkedin.com/in/x']),
    ]);
    expect(p.every((x) => x.tier === 'exact')).toBe(true);
    expect(p.map((x) => x.destination)).toEqual([
      { kind: 'field', object: 'person', field: 'name', subfield: 'lastName' },
      { kind: 'field', object: 'person', field: 'createdAt' },
      { kind: 'custom', type: 'TEXT', name: 'kartraLeadId' },
      { kind: 'custom', type: 'MULTI_SELECT', name: 'kartraTags' },
      { kind: 'custom', type: 'MULTI_SELECT', name: 'kartraLists' },
      { kind: 'custom', type: 'SELECT', name: 'gdprLeadStatus' },
      { kind: 'custom', type: 'BOOLEAN', name: 'kartraBlacklisted' },
      { kind: 'field', object: 'person', field: 'linkedinLink', subfield: 'primaryLinkUrl' },
    ]);
  });

  it('proposes every one of the 57 transaction columns at tier exact', () => {
    const p = proposeMapping('opportunity', TRANSACTION_COLUMNS.map((h) => col(h)));
    expect(p).toHaveLength(57);
    expect(p.every((x) => x.tier === 'exact')).toBe(true);
    expect(p[TRANSACTION_COLUMNS.indexOf('Amount (USD)')]!.destination).toEqual({ kind: 'field', object: 'opportunity', field: 'amount', subfield: 'amountMicros' });
    // Another account's currency suffix is the same column.
    expect(one('opportunity', 'Amount (EUR)', ['12.00']).destination).toEqual({ kind: 'field', object: 'opportunity', field: 'amount', subfield: 'amountMicros' });
    expect(p[TRANSACTION_COLUMNS.indexOf('Buyer_Phone')]!.destination).toEqual({ kind: 'skip' });
  });

  it('gets every Kartra column of the corpus right at exact', () => {
    for (const file of loadCorpus().filter((f) => f.file.startsWith('kartra-leads') || f.file === 'kartra-transactions.json')) {
      const p = proposeMapping(file.object, file.columns);
      file.columns.forEach((c, i) => {
        if (p[i]!.tier !== 'exact') return;
        expect(sameDestination(c.expected, p[i]!.destination), `${file.file} ${c.header}`).toBe(true);
      });
    }
  });
});

describe('proposeMapping: global assignment', () => {
  it('gives a field to the column that fits it best, not the first one that asks', () => {
    // Greedy in column order would hand firstName to "Name"; the later "First Name" fits it exactly.
    const p = proposeMapping('person', [col('Name', ['Maria']), col('First Name', ['Maria'])]);
    expect(p[1]!.destination).toEqual({ kind: 'field', object: 'person', field: 'name', subfield: 'firstName' });
    expect(p[0]!.destination).not.toEqual(p[1]!.destination);
  });

  it('sends a second email column to additionalEmails when a better column holds the primary', () => {
    const p = proposeMapping('person', [col('Contact', ['a@b.co', 'c@d.co']), col('Email', ['x@y.co'])]);
    expect(p[1]!.destination).toEqual({ kind: 'field', object: 'person', field: 'emails', subfield: 'primaryEmail' });
    expect(p[0]!.destination).toEqual({ kind: 'field', object: 'person', field: 'emails', subfield: 'additionalEmails' });
    expect(p[0]!.reason).toBe('every value is an email');
  });
});

describe('proposeMapping: value evidence', () => {
  it("never maps a 'Phone' column of emails to phones", () => {
    const p = one('person', 'Phone', ['maria@example.com', 'john@acme.io']);
    expect(p.destination).not.toMatchObject({ field: 'phones' });
    expect(p.destination).toEqual({ kind: 'field', object: 'person', field: 'emails', subfield: 'primaryEmail' });
    expect(p.tier).toBe('suggested');
    expect(p.reason).toContain('every value is an email');
  });

  it('vetoes a text field for yes/no values and plans a BOOLEAN instead', () => {
    const p = one('person', 'Company', ['Yes', 'No']);
    expect(p.destination).toMatchObject({ kind: 'custom', type: 'BOOLEAN' });
  });

  it("uses the reader's profile when the samples are empty", () => {
    const p = proposeMapping('person', [{ header: 'Phone', samples: ['', ''], valueType: 'email' }])[0]!;
    expect(p.destination).toEqual({ kind: 'field', object: 'person', field: 'emails', subfield: 'primaryEmail' });
  });

  it('classifies sample values', () => {
    expect(columnKind(['a@b.co', ''])).toBe('email');
    expect(columnKind(['+1', '+49'])).toBe('callingCode');
    expect(columnKind(['2021-03-04', '2021-03-04 10:00'])).toBe('datetime');
    expect(columnKind(['https://www.linkedin.com/in/x'])).toBe('linkedin');
    expect(columnKind(['Yes', 'no'])).toBe('boolean');
    expect(columnKind(['(555) 987-6543', '5551234567'])).toBe('phone');
  });
});

describe('proposeMapping: synonyms and fuzzy matches', () => {
  it('maps French, German and Spanish headers through the synonym lists', () => {
    expect(one('person', 'Prénom', ['Marie'])).toMatchObject({ tier: 'confident', destination: { field: 'name', subfield: 'firstName' } });
    expect(one('person', 'Indicatif téléphonique', ['+33']).destination).toEqual({ kind: 'field', object: 'person', field: 'phones', subfield: 'primaryPhoneCallingCode' });
    expect(one('person', 'Straße', ['Hauptstraße 1']).destination).toEqual({ kind: 'custom', type: 'ADDRESS', name: 'address' });
    expect(one('person', 'Correo electrónico', ['a@b.es']).destination).toEqual({ kind: 'field', object: 'person', field: 'emails', subfield: 'primaryEmail' });
  });

  it('matches a near spelling fuzzily, as a suggestion with the score in the reason', () => {
    const p = one('company', 'LinkedIn Company Page', ['https://www.linkedin.com/company/acme']);
    expect(p.destination).toEqual({ kind: 'field', object: 'company', field: 'linkedinLink', subfield: 'primaryLinkUrl' });
    expect(p.reason).toMatch(/matched .* fuzzily \(\d\.\d\d\)/);
  });

  it('keeps at most three alternatives, none equal to the pick', () => {
    for (const p of proposeMapping('company', [col('Company Domain Name', ['acme.com']), col('Address', ['12 Main St'])])) {
      expect(p.alternatives.length).toBeLessThanOrEqual(3);
      expect(p.alternatives.some((a) => sameDestination(a.destination, p.destination))).toBe(false);
    }
  });
});

describe('proposeMapping: unknown columns', () => {
  it('plans a custom field typed from the values, with a camelCase name and a reason', () => {
    const p = one('person', 'Years in Business', ['3', '10']);
    expect(p.destination).toEqual({ kind: 'custom', type: 'NUMBER', name: 'yearsInBusiness' });
    expect(p.reason).toContain('every value is a number');
    expect(one('person', 'Newsletter opt-in', ['Yes', 'No']).destination).toMatchObject({ kind: 'custom', type: 'BOOLEAN' });
    expect(one('person', 'Interests', ['Yoga, Nutrition']).destination).toMatchObject({ kind: 'custom', type: 'MULTI_SELECT' });
    expect(one('person', 'Goals', ['Grow my list', 'Launch my course']).destination).toMatchObject({ kind: 'custom', type: 'TEXT' });
  });

  it('skips an unknown column whose samples are empty, saying why', () => {
    const p = one('person', 'Zzq', ['', '']);
    expect(p.destination).toEqual({ kind: 'skip' });
    expect(p.tier).toBe('none');
    expect(p.reason).toContain('empty');
  });

  it("skips other CRMs' bookkeeping columns with the reason", () => {
    const p = one('opportunity', 'Deal owner', ['Jane Doe']);
    expect(p.destination).toEqual({ kind: 'skip' });
    expect(p.reason).toContain('workspace member');
  });

  it('names custom fields in valid camelCase', () => {
    expect(camelName('How did you hear about us?')).toBe('howDidYouHearAboutUs');
    expect(camelName('7 Field')).toBe('field7Field');
    expect(camelName('Ländervorwahl')).toBe('landervorwahl');
    expect(customPlan('Record ID', ['1001'], 'integer').destination).toMatchObject({ type: 'TEXT' });
  });
});

describe('proposeMapping: what counts as evidence in whose export', () => {
  it("reads Kartra's column names only in Kartra's own exports: a 'state' column elsewhere is no address part", () => {
    const columns = [{ header: 'state', samples: ['active', 'cancelled', 'active'] }];
    expect(proposeMapping('person', columns)[0]!.tier).toBe('exact');
    const elsewhere = proposeMapping('person', columns, { kartra: false })[0]!;
    expect(elsewhere.tier).not.toBe('exact');
  });

  it("knows the subscriptions report's own columns only in that report", () => {
    const status = [{ header: 'Status', samples: ['Active', 'Cancelled'] }];
    expect(proposeMapping('opportunity', status, { subscriptions: true })[0]!).toMatchObject({ tier: 'exact', destination: { kind: 'custom', name: 'subscriptionStatus' } });
    expect(proposeMapping('opportunity', status)[0]!.tier).not.toBe('exact');
  });

  it('never plans handles as links: a Twitter column of @handles becomes text', () => {
    const [twitter] = proposeMapping('person', [{ header: 'twitter', samples: ['@danawhit', 'aishabello', '@k_ng'] }]);
    expect(twitter!.destination).toMatchObject({ kind: 'custom', type: 'TEXT' });
    const [links] = proposeMapping('person', [{ header: 'twitter', samples: ['https://twitter.com/danawhit', 'https://x.com/k_ng'] }]);
    expect(links!.destination).toMatchObject({ kind: 'custom', type: 'LINKS' });
  });

  it('an export with only an additional-looking email column gives the main email', () => {
    const [emails] = proposeMapping('person', [
      { header: 'Name', samples: ['Ana Ruiz', 'Bo Lin'] },
      { header: 'Additional Emails', samples: ['ana@example.com', 'bo@example.org'] },
    ]).slice(1);
    expect(emails!.destination).toEqual({ kind: 'field', object: 'person', field: 'emails', subfield: 'primaryEmail' });
    expect(emails!.reason).toMatch(/no other column gives the main email/);
  });

  it('a postcode with a dash is still a postcode, not a phone number', () => {
    const [zip] = proposeMapping('company', [{ header: 'Zip code', samples: ['02134-1234', '10001-0001', '94105-2211'] }]);
    expect(zip!.destination).toEqual({ kind: 'field', object: 'company', field: 'address', subfield: 'addressPostcode' });
  });
});
