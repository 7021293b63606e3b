import iconv from 'iconv-lite';
import { companyKey } from './companies.js';
import { dayMonYear, mmddyyyy, usSpreadsheet, yyyymmddSlash } from './dates.js';
import type { LeadRecord, Separator } from './leads.js';
import type { Person, PersonConstraints } from './people.js';
import type { Rng } from './random.js';
import { AMPERSAND_TAGS, BIO_OPENERS, BIO_SECOND_LINES, COMMA_TAGS, TAGS } from './vocab.js';

/**
 * The damage of kartra-exports.md §5 and the fixture spec's messy lists, one case per lead row. One case per row
 * keeps the ground truth simple: every row's findings, reject reason or duplicate link comes from exactly one cause.
 */

/** Lead chunk files of a messy set, in `files.leads` order. */
export type ChunkKey = 'A' | 'B' | 'C';

export interface DamageContext {
  record: LeadRecord;
  person: Person;
  rng: Rng;
  separator: Separator;
}

export interface CaseSpec {
  /** Share of rows in a messy set; every case is also forced onto at least one row. */
  rate: number;
  needs?: PersonConstraints;
  /** Chunks the row may go to (default: any that can encode it). */
  chunks?: readonly ChunkKey[];
  /** Column the damage is written into; without it (few custom fields) the case is skipped. */
  column?: string;
  /** The row duplicates an earlier lead instead of being a person of its own. */
  duplicate?: 'email' | 'id' | 'id-new-email';
  damage?(ctx: DamageContext): void;
  /** Damage to the row's cells after they are laid out in header order. */
  cells?(cells: string[], rng: Rng): void;
}

/** UTF-8 bytes read as Windows-1252: "José" → "JosÃ©". */
export function mojibake(text: string): string {
  return iconv.decode(Buffer.from(text, 'utf8'), 'win1252');
}

/** Other ways people type a legal form; each normalises to the same company key. */
const LEGAL_FORM_SPELLINGS: readonly (readonly [RegExp, string])[] = [
  [/Inc\.$/, 'Incorporated'], [/LLC$/, 'L.L.C.'], [/Ltd$/, 'Limited'], [/GmbH$/, 'G.m.b.H.'], [/Co\.$/, 'Co'],
];

export type CompanyVariantKind = 'spelling' | 'legal_form';

/**
 * Spellings of a company that are the same company under `companyKey`, as leads type them: `spelling` changes
 * case, punctuation, spacing, accents or `&` ("Acme, Inc." → "ACME Inc"); `legal_form` drops, respells or adds
 * one ("Acme, Inc." → "Acme Incorporated", "Northwind Traders" → "Northwind Traders LLC"). Only spellings that keep
 * the key are offered, so a migration that normalises by the documented rule counts the company once.
 */
export function companyVariants(company: string, kind: CompanyVariantKind): string[] {
  const bare = company.replace(/[.,]/g, '');
  const candidates =
    kind === 'spelling'
      ? [
          bare.toUpperCase(),
          bare.replace(/^\S+/, (word) => word.toUpperCase()),
          company.toLowerCase(),
          bare,
          company.normalize('NFD').replace(/\p{M}/gu, ''),
          company.replace(/ & /g, ' and '),
          company.replace(' ', '  '),
        ]
      : [
          company.replace(/,?\s+(Inc\.|LLC|GmbH|Ltd|Co\.)$/, ''),
          ...LEGAL_FORM_SPELLINGS.map(([form, spelling]) => company.replace(form, spelling)),
          `${company} Inc`,
          `${company}, LLC`,
          `${company} Ltd.`,
        ];
  const key = companyKey(company);
  // A name cut down to "Smith &" is no spelling anyone types.
  return [...new Set(candidates)].filter((v) => v !== company && /[\p{L}\p{N}.]$/u.test(v) && companyKey(v) === key);
}

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function varyCompany(ctx: DamageContext, kind: CompanyVariantKind): void {
  const variants = companyVariants(ctx.person.company, kind);
  if (variants.length > 0) ctx.record.company = ctx.rng.pick(variants);
}

function setTags(ctx: DamageContext, tags: string[], joiner: string = ctx.separator): void {
  ctx.record.tags = tags.join(joiner);
}

export const LEAD_CASES = {
  mojibake_name: { rate: 0.01, needs: { accented: true }, damage: (c) => void (c.record.first_name = mojibake(c.person.firstName)) },
  mojibake_bio: { rate: 0.002, column: 'bio', damage: (c) => void (c.record.bio = mojibake('I’m a coach who loves teaching – ask me anything.')) },
  bio_newline: {
    rate: 0.015,
    column: 'bio',
    damage: (c) => void (c.record.bio = `${c.rng.pick(BIO_OPENERS)}\n${c.rng.pick(BIO_SECOND_LINES)}`),
  },
  address_newline: { rate: 0.005, damage: (c) => void (c.record.address = `${c.person.address}\nSuite ${c.rng.int(100, 900)}`) },
  doubled_quotes: { rate: 0.005, damage: (c) => void (c.record.notes = `Goes by "${c.rng.pick(['Bobby', 'Liz', 'Doc', 'Coach K'])}" on calls`) },
  trailing_empty: { rate: 0.01, cells: (cells, rng) => void cells.push(...(rng.chance(0.3) ? ['', ''] : [''])) },
  ragged_extra: { rate: 0.00005, cells: (cells) => void cells.push('see notes') },
  ragged_missing: { rate: 0.00005, cells: (cells) => void cells.pop() },

  email_mixed_case: {
    rate: 0.02,
    damage: (c) => void (c.record.email = c.person.email.replace(/(^|[._@])([a-z])/g, (_, sep: string, ch: string) => sep + ch.toUpperCase())),
  },
  email_spaces: { rate: 0.01, damage: (c) => void (c.record.email = c.rng.pick([` ${c.person.email}`, `${c.person.email}  `, `  ${c.person.email} `])) },
  email_no_domain: { rate: 0.002, damage: (c) => void (c.record.email = `${/^[a-z]+/.exec(c.person.email)?.[0] ?? 'john'}@`) },
  email_invalid: {
    rate: 0.003,
    damage: (c) => {
      const [local, domain] = c.person.email.split('@') as [string, string];
      c.record.email = c.rng.pick([`${local}@${domain.split('.')[0]}`, `${local}.${domain}`, `${local} @${domain}`]);
    },
  },
  email_na: { rate: 0.004, damage: (c) => void (c.record.email = 'N/A') },
  email_empty: { rate: 0.004, damage: (c) => void (c.record.email = '') },
  email_kartra: { rate: 0.005, damage: (c) => void (c.record.email = `${c.person.email.split('@')[0]}@kartra.com`) },
  dup_email_case: { rate: 0.01, duplicate: 'email' },
  dup_id: { rate: 0.0025, duplicate: 'id' },
  dup_id_new_email: { rate: 0.0015, duplicate: 'id-new-email' },

  phone_parens: {
    rate: 0.008,
    needs: { country: 'US', phone: true },
    damage: (c) => {
      const n = c.person.phoneNational;
      c.record.phone = `(${n.slice(0, 3)}) ${n.slice(3, 6)}-${n.slice(6)}`;
    },
  },
  phone_dots: {
    rate: 0.008,
    needs: { country: 'US', phone: true },
    damage: (c) => {
      const n = c.person.phoneNational;
      c.record.phone = `${n.slice(0, 3)}.${n.slice(3, 6)}.${n.slice(6)}`;
    },
  },
  phone_double_prefix: { rate: 0.005, needs: { country: 'US', phone: true }, damage: (c) => void (c.record.phone = `+1${c.person.phoneNational}`) },
  phone_code_bare: { rate: 0.004, needs: { country: 'US', phone: true }, damage: (c) => void (c.record.phone_country_code = '1') },
  phone_code_empty: { rate: 0.004, needs: { country: 'US', phone: true }, damage: (c) => void (c.record.phone_country_code = '') },
  phone_uk_trunk: {
    rate: 0.005,
    needs: { country: 'GB', phone: true },
    damage: (c) => {
      const n = c.person.phoneNational;
      c.record.phone = `0${n.slice(0, 4)} ${n.slice(4)}`;
    },
  },
  phone_excel: {
    rate: 0.003,
    needs: { country: 'US', phone: true },
    damage: (c) => {
      const n = c.person.phoneNational;
      c.record.phone = `${n[0]}.${n.slice(1, 6)}E+09`;
    },
  },
  phone_short: { rate: 0.003, needs: { phone: true }, damage: (c) => void (c.record.phone = String(c.rng.int(10000, 99999))) },
  phone_extension_only: { rate: 0.002, needs: { phone: true }, damage: (c) => void (c.record.phone = `x${c.rng.int(10, 99)}`) },

  zip_lost_zero: { rate: 0.005, needs: { zeroZip: true }, damage: (c) => void (c.record.zip = c.person.zip.slice(1)) },
  zip_plus4: { rate: 0.005, needs: { country: 'US' }, damage: (c) => void (c.record.zip = `${c.person.zip}-${c.rng.digits(4)}`) },
  uk_postcode_lower: { rate: 0.002, needs: { country: 'GB' }, damage: (c) => void (c.record.zip = c.person.zip.toLowerCase()) },
  country_variant: { rate: 0.02, needs: { country: 'US' }, damage: (c) => void (c.record.country = c.rng.pick(['US', 'USA', 'United States of America'])) },
  state_abbrev: { rate: 0.02, damage: (c) => void (c.record.state = c.person.city.stateAbbr) },

  date_us: { rate: 0.03, damage: (c) => void (c.record.date_joined = usSpreadsheet(c.person.joinedAt)) },
  date_zero: { rate: 0.003, damage: (c) => void (c.record.date_joined = '0000-00-00 00:00:00') },
  date_empty: { rate: 0.003, damage: (c) => void (c.record.date_joined = '') },
  birthday_mixed: {
    rate: 0.03,
    column: 'birthday',
    damage: (c) => {
      const day = c.person.birthday ?? Date.UTC(c.rng.int(1950, 2004), c.rng.int(0, 11), c.rng.int(1, 28)) / 1000;
      c.record.birthday = c.rng.pick([mmddyyyy, dayMonYear, yyyymmddSlash])(day);
    },
  },
  birthday_unparseable: {
    rate: 0.0005,
    column: 'birthday',
    damage: (c) => void (c.record.birthday = `${c.rng.pick(MONTH_NAMES)} ${c.rng.int(4, 20)}th`),
  },

  tag_comma: { rate: 0.01, chunks: ['A', 'C'], damage: (c) => setTags(c, [...c.person.tags, c.rng.pick(COMMA_TAGS)]) },
  tag_ampersand: { rate: 0.01, damage: (c) => setTags(c, [c.rng.pick(AMPERSAND_TAGS), ...c.person.tags]) },
  tag_case_duplicate: { rate: 0.01, damage: (c) => setTags(c, ['VIP', ...c.person.tags.filter((t) => t !== 'VIP'), 'vip']) },
  tag_trailing_spaces: {
    rate: 0.01,
    damage: (c) => setTags(c, (c.person.tags.length > 0 ? c.person.tags : ['Lead']).map((t) => `${t} `), `${c.separator} `),
  },
  tags_over_255: {
    rate: 0.0001,
    chunks: ['A'],
    damage: (c) => {
      const tags: string[] = [];
      for (const tag of c.rng.sample(TAGS, TAGS.length)) {
        tags.push(tag);
        if (tags.join(c.separator).length > 255) break;
      }
      setTags(c, tags);
    },
  },
  interests_ampersand: { rate: 0.005, column: 'interests', damage: (c) => void (c.record.interests = ['Health & Wellness', ...c.person.interests].join(c.separator)) },

  source_zero: { rate: 0.003, damage: (c) => Object.assign(c.record, { source: '0', source_id: '' }) },
  score_negative: { rate: 0.003, damage: (c) => void (c.record.score = `-${c.rng.int(1, 50)}`) },
  formula_name: { rate: 0.0002, damage: (c) => void (c.record.first_name = '=HYPERLINK("http://x","y")') },
  apostrophe_name: { rate: 0.0005, needs: { script: 'latin' }, damage: (c) => void (c.record.first_name = `'${c.person.firstName}`) },
  instagram_at: { rate: 0.01, column: 'instagram', damage: (c) => void (c.record.instagram = `@${c.person.slug}`) },
  company_spelling: { rate: 0.01, needs: { company: true }, damage: (c) => varyCompany(c, 'spelling') },
  company_legal_form: { rate: 0.01, needs: { company: true }, damage: (c) => varyCompany(c, 'legal_form') },

  // No damage: placements that make sure a small set still shows every script and a real Windows-1252 byte.
  accented_in_cp1252: { rate: 0, needs: { accented: true }, chunks: ['C'] },
  script_cyrillic: { rate: 0, needs: { script: 'cyrillic' } },
  script_cjk: { rate: 0, needs: { script: 'cjk' } },
  script_arabic: { rate: 0, needs: { script: 'arabic' } },
  script_emoji: { rate: 0, needs: { script: 'emoji' } },
} satisfies Record<string, CaseSpec>;

export type LeadCase = keyof typeof LEAD_CASES | 'none';

export const CASE_NAMES = Object.keys(LEAD_CASES) as (keyof typeof LEAD_CASES)[];

export function caseSpec(name: LeadCase): CaseSpec | undefined {
  return name === 'none' ? undefined : (LEAD_CASES as Record<string, CaseSpec>)[name];
}

/** Cases whose row ends up rejected or a duplicate: such rows carry no other finding, so counts stay unambiguous. */
export const REJECT_OR_DUPLICATE_CASES: ReadonlySet<LeadCase> = new Set<LeadCase>([
  'email_no_domain', 'email_invalid', 'email_na', 'email_empty', 'ragged_extra', 'ragged_missing', 'dup_email_case', 'dup_id', 'dup_id_new_email',
]);

/** Rows whose phone cell differs from the person's valid national number. */
export const PHONE_CASES: ReadonlySet<LeadCase> = new Set<LeadCase>([
  'phone_parens', 'phone_dots', 'phone_double_prefix', 'phone_code_bare', 'phone_code_empty', 'phone_uk_trunk',
  'phone_excel', 'phone_short', 'phone_extension_only',
]);

/** Rows whose date_joined is read at minute precision (a spreadsheet dropped the seconds). */
export const MINUTE_DATE_CASES: ReadonlySet<LeadCase> = new Set<LeadCase>(['date_us']);
