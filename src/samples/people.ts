import { DAY, JOINED_FROM, JOINED_UNTIL } from './dates.js';
import { ARABIC, CJK, CYRILLIC, EMOJI, ENGLISH, FRENCH, GERMAN, MIDDLE_NAMES, MOJIBAKE_READY, SPANISH, type Name, type NamePool, type Script } from './names.js';
import { COUNTRY_WEIGHTS, ZERO_ZIP_CITIES, countryByKey, nationalPhone, postalCode, streetAddress, type City, type Country, type CountryKey } from './places.js';
import { Rng, STREAM } from './random.js';
import { BIO_OPENERS, BUSINESS_TYPES, COMPANIES, HOW_HEARD, INTERESTS, LISTS, NOTES, SOURCES, TAGS } from './vocab.js';

/**
 * A person as Kartra holds it, before any export damage. A person is a pure function of (seed, index, leads,
 * constraints): the transactions writer regenerates buyers from their index instead of remembering them.
 */
export interface Person {
  index: number;
  id: number;
  firstName: string;
  middleName: string;
  lastName: string;
  lastName2: string;
  /** Lowercase, unique per index (the local part ends with a number derived from the index). */
  email: string;
  slug: string;
  country: Country;
  city: City;
  address: string;
  zip: string;
  phoneNational: string;
  company: string;
  website: string;
  ip: string;
  /** Naive Eastern seconds (see dates.ts). */
  joinedAt: number;
  source: string;
  sourceId: string;
  score: number;
  blacklisted: boolean;
  gdprStatus: number;
  /** Naive seconds, or null when GDPR is off (status 0). */
  gdprAt: number | null;
  gdprComms: string;
  facebook: string;
  twitter: string;
  linkedin: string;
  leadPicture: string;
  referringId: string;
  salesTaxId: string;
  notes: string;
  businessType: string;
  howHeard: string;
  interests: string[];
  bio: string;
  instagram: string;
  /** Naive seconds of the birthday, or null. */
  birthday: number | null;
  tags: string[];
  lists: string[];
  /** Every text field survives Windows-1252. */
  cp1252: boolean;
}

/** What a messy case needs from the person it damages. */
export interface PersonConstraints {
  country?: CountryKey;
  /** A US city whose ZIP starts with 0. */
  zeroZip?: boolean;
  /** A first name with a lowercase accent (é, ü...): mojibake material, and proof a file is not UTF-8. */
  accented?: boolean;
  /** Only names that Windows-1252 can encode. */
  cp1252?: boolean;
  /** Names from this pool (the multilingual cases). */
  script?: Script;
  /** A phone number is present. */
  phone?: boolean;
  /** A company is present (the spelling-variant case needs one to vary). */
  company?: boolean;
}

/** Kartra ids grow with sign-up order; a gap of up to two between neighbours, as deleted leads leave. */
export function leadId(seed: number, index: number): number {
  return 20_481_000 + index * 3 + (new Rng(seed, STREAM.person, index, 1).int(0, 2));
}

const EMAIL_DOMAINS: Record<CountryKey, readonly string[]> = {
  US: ['gmail.com', 'gmail.com', 'gmail.com', 'yahoo.com', 'outlook.com', 'hotmail.com', 'icloud.com', 'aol.com', 'comcast.net'],
  GB: ['gmail.com', 'yahoo.co.uk', 'btinternet.com', 'outlook.com', 'hotmail.co.uk'],
  AU: ['gmail.com', 'bigpond.com', 'outlook.com', 'optusnet.com.au'],
  DE: ['gmail.com', 'gmx.de', 'web.de', 't-online.de'],
  MX: ['gmail.com', 'hotmail.com', 'yahoo.com.mx', 'outlook.com'],
};

const CP1252_UNSAFE = /[^\x00-\x7F\xA0-\xFF€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]/;

/** True when Windows-1252 can encode the text. */
export function fitsCp1252(text: string): boolean {
  return !CP1252_UNSAFE.test(text);
}

const POOLS_BY_SCRIPT: Record<Exclude<Script, 'latin'>, NamePool> = { cyrillic: CYRILLIC, cjk: CJK, arabic: ARABIC, emoji: EMOJI };

function namePool(rng: Rng, country: Country, cp1252Only: boolean, script?: Script): NamePool {
  if (script !== undefined && script !== 'latin') return POOLS_BY_SCRIPT[script];
  if (!cp1252Only && rng.chance(0.08)) return rng.pick([CYRILLIC, CJK, ARABIC, EMOJI]);
  switch (country.key) {
    case 'MX':
      return rng.chance(0.85) ? SPANISH : ENGLISH;
    case 'DE':
      return rng.chance(0.85) ? GERMAN : ENGLISH;
    default:
      return rng.weighted([[ENGLISH, 80], [SPANISH, 8], [FRENCH, 6], [GERMAN, 6]]);
  }
}

function companySlug(company: string): string {
  return company
    .replace(/,?\s+(Inc\.|LLC|GmbH|Ltd|Co\.|Pty Ltd|S\.A\. de C\.V\.|P\.C\.)$/u, '')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, 'and')
    .replace(/[^a-z0-9]/g, '');
}

function randomIp(rng: Rng): string {
  return `${rng.pick([24, 47, 68, 73, 76, 81, 98, 104, 142, 173, 189, 203])}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

/** A time of day between 07:00:00 and 22:59:59, clear of DST changes (see dates.ts `easternIso`). */
export function timeOfDay(rng: Rng): number {
  return rng.int(7 * 3600, 23 * 3600 - 1);
}

function pickSome(rng: Rng, pool: readonly string[], max: number): string[] {
  return rng.sample(pool, rng.int(0, max));
}

export function makePerson(seed: number, index: number, leads: number, constraints: PersonConstraints = {}): Person {
  const rng = new Rng(seed, STREAM.person, index);
  const country = constraints.zeroZip ? countryByKey('US') : constraints.country ? countryByKey(constraints.country) : rng.weighted(COUNTRY_WEIGHTS);
  const city = constraints.zeroZip ? rng.pick(ZERO_ZIP_CITIES) : rng.pick(country.cities);
  const pool = namePool(rng, country, constraints.cp1252 === true || constraints.accented === true || constraints.script === 'latin', constraints.script);
  const first: Name = constraints.accented ? rng.pick(MOJIBAKE_READY) : rng.pick(pool.first);
  const last: Name = rng.pick(pool.last);
  const middleName = pool.script === 'latin' && rng.chance(0.12) ? rng.pick(MIDDLE_NAMES) : '';
  const lastName2 = pool === SPANISH && rng.chance(0.3) ? rng.pick(SPANISH.last).text : '';

  // Sign-up order follows the index (ids grow with time); leads beyond the file (deleted buyers) get any day.
  const spanDays = Math.floor((JOINED_UNTIL - JOINED_FROM) / DAY);
  const day = index < leads ? Math.floor((index / Math.max(1, leads)) * spanDays) : rng.int(0, spanDays);
  const joinedAt = JOINED_FROM + day * DAY + timeOfDay(rng);

  // The chance is drawn first either way, so an unconstrained person's later draws do not move.
  const company = rng.chance(0.3) || constraints.company === true ? rng.pick(COMPANIES) : '';
  const number = String(index + 11);
  const f = first.slug;
  const l = last.slug;
  const local = rng.weighted([
    [`${f}.${l}${number}`, 40],
    [`${f}${l}${number}`, 20],
    [`${f[0] ?? 'x'}${l}${number}`, 20],
    [`${f}_${l}${number}`, 10],
    [`${f}${number}`, 10],
  ] as const);
  const domain = company && rng.chance(0.4) ? `${companySlug(company)}.com` : rng.pick(EMAIL_DOMAINS[country.key]);
  const slug = `${f}${l}`;

  const gdprStatus = rng.int(0, 5);
  const gdprAt = gdprStatus === 0 ? null : Math.min(joinedAt + rng.int(0, 400) * DAY + rng.int(0, 3600), JOINED_UNTIL + 7 * DAY);
  const source = rng.pick(SOURCES);
  const hasBirthday = rng.chance(0.35);

  const person: Person = {
    index,
    id: leadId(seed, index),
    firstName: first.text,
    middleName,
    lastName: last.text,
    lastName2,
    email: `${local}@${domain}`,
    slug,
    country,
    city,
    address: streetAddress(rng, country),
    zip: postalCode(rng, country, city),
    phoneNational: constraints.phone === true || rng.chance(0.9) ? nationalPhone(rng, country, city) : '',
    company,
    website: company && rng.chance(0.6) ? `https://www.${companySlug(company)}.com` : '',
    ip: randomIp(rng),
    joinedAt,
    source,
    sourceId: source === 'single-optin' || source === 'double-optin' || source === 'checkout' ? String(rng.int(100, 9999)) : '',
    score: rng.int(0, 500),
    blacklisted: rng.chance(0.02),
    gdprStatus,
    gdprAt,
    gdprComms: rng.chance(0.6) ? '1' : '0',
    facebook: rng.chance(0.2) ? `https://facebook.com/${slug}${number}` : '',
    twitter: rng.chance(0.1) ? `https://twitter.com/${slug}` : '',
    linkedin: rng.chance(0.15) ? `https://www.linkedin.com/in/${f}-${l}-${number}` : '',
    leadPicture: rng.chance(0.1) ? `https://app.kartra.com/uploads/lead_pictures/${rng.chars('0123456789abcdef', 16)}.jpg` : '',
    referringId: source === 'affiliate-signup' ? String(leadId(seed, rng.int(0, Math.max(0, Math.min(index, leads) - 1)))) : '',
    salesTaxId: company && rng.chance(0.1) ? `${country.key}${rng.digits(9)}` : '',
    notes: rng.chance(0.1) ? rng.pick(NOTES) : '',
    businessType: rng.chance(0.7) ? rng.pick(BUSINESS_TYPES) : '',
    howHeard: rng.chance(0.6) ? rng.pick(HOW_HEARD) : '',
    interests: pickSome(rng, INTERESTS, 3),
    bio: rng.chance(0.3) ? rng.pick(BIO_OPENERS) : '',
    instagram: rng.chance(0.25) ? (rng.chance(0.5) ? `https://instagram.com/${slug}` : `${slug}.${rng.int(1, 99)}`) : '',
    birthday: hasBirthday ? Date.UTC(rng.int(1950, 2004), rng.int(0, 11), rng.int(1, 28)) / 1000 : null,
    tags: pickSome(rng, TAGS, 8),
    lists: pickSome(rng, LISTS, 4),
    cp1252: true,
  };
  person.cp1252 = [person.firstName, person.lastName, person.lastName2, person.company, person.city.name, person.address, person.bio].every(fitsCp1252);
  return person;
}
