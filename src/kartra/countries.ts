import countries from 'i18n-iso-countries';

/**
 * Every English country name and code i18n-iso-countries knows, lowercased, plus the spellings Kartra users type.
 * A Set built once: the library's own lookup walks every country per call, too slow for a million cells.
 */
const KNOWN = new Set<string>();
for (const [alpha2, names] of Object.entries(countries.getNames('en', { select: 'all' }))) {
  KNOWN.add(alpha2.toLowerCase());
  KNOWN.add(countries.alpha2ToAlpha3(alpha2)?.toLowerCase() ?? '');
  for (const name of names) KNOWN.add(name.toLowerCase());
}
for (const extra of ['usa', 'u.s.', 'u.s.a.', 'united states of america', 'uk', 'great britain', 'england']) KNOWN.add(extra);
KNOWN.delete('');

export function isCountry(value: string): boolean {
  return value.length <= 60 && KNOWN.has(value.toLowerCase());
}

/** The ISO 3166 alpha-2 code of a country name or code, or undefined. */
export function countryCode(value: string): string | undefined {
  const v = value.trim();
  if (v.length === 2 && countries.isValid(v.toUpperCase())) return v.toUpperCase();
  if (v.length === 3) return countries.alpha3ToAlpha2(v.toUpperCase()) ?? countries.getAlpha2Code(v, 'en');
  if (/^(usa|u\.s\.a?\.)$/i.test(v) || /^united states of america$/i.test(v)) return 'US';
  if (/^(uk|great britain|england)$/i.test(v)) return 'GB';
  return countries.getAlpha2Code(v, 'en');
}
