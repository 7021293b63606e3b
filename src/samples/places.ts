import type { Rng } from './random.js';

/**
 * Countries, cities and the shape of their postal codes and phone numbers. Phone area codes and number ranges are
 * real allocations (no 555 numbers), so libphonenumber-js accepts every clean number; test/samples.test.ts checks
 * that on a large sample.
 */

export type CountryKey = 'US' | 'GB' | 'AU' | 'DE' | 'MX';

export interface City {
  name: string;
  state: string;
  /** What people type when they abbreviate the state (US: USPS code). */
  stateAbbr: string;
  /** Leading digits or letters of the postal code. */
  postal: readonly string[];
  /** National phone prefixes (area codes, or mobile prefixes) and how many digits follow. */
  phone: readonly (readonly [prefix: string, rest: number])[];
}

export interface Country {
  key: CountryKey;
  name: string;
  callingCode: string;
  timeZone: string;
  weight: number;
  cities: readonly City[];
  mobiles: readonly (readonly [prefix: string, rest: number])[];
  streets: readonly string[];
}

const US_CITIES: City[] = [
  { name: 'New York', state: 'New York', stateAbbr: 'NY', postal: ['100', '101', '102'], phone: [['212', 7], ['646', 7], ['917', 7]] },
  { name: 'Brooklyn', state: 'New York', stateAbbr: 'NY', postal: ['112'], phone: [['718', 7], ['347', 7]] },
  { name: 'Boston', state: 'Massachusetts', stateAbbr: 'MA', postal: ['021', '022'], phone: [['617', 7], ['857', 7]] },
  { name: 'Cambridge', state: 'Massachusetts', stateAbbr: 'MA', postal: ['021'], phone: [['617', 7]] },
  { name: 'Providence', state: 'Rhode Island', stateAbbr: 'RI', postal: ['029'], phone: [['401', 7]] },
  { name: 'Hartford', state: 'Connecticut', stateAbbr: 'CT', postal: ['061'], phone: [['860', 7]] },
  { name: 'Newark', state: 'New Jersey', stateAbbr: 'NJ', postal: ['071'], phone: [['973', 7]] },
  { name: 'Portland', state: 'Maine', stateAbbr: 'ME', postal: ['041'], phone: [['207', 7]] },
  { name: 'Burlington', state: 'Vermont', stateAbbr: 'VT', postal: ['054'], phone: [['802', 7]] },
  { name: 'Philadelphia', state: 'Pennsylvania', stateAbbr: 'PA', postal: ['191'], phone: [['215', 7], ['267', 7]] },
  { name: 'Washington', state: 'District of Columbia', stateAbbr: 'DC', postal: ['200'], phone: [['202', 7]] },
  { name: 'Atlanta', state: 'Georgia', stateAbbr: 'GA', postal: ['303'], phone: [['404', 7], ['678', 7]] },
  { name: 'Miami', state: 'Florida', stateAbbr: 'FL', postal: ['331'], phone: [['305', 7], ['786', 7]] },
  { name: 'Chicago', state: 'Illinois', stateAbbr: 'IL', postal: ['606'], phone: [['312', 7], ['773', 7]] },
  { name: 'Austin', state: 'Texas', stateAbbr: 'TX', postal: ['787'], phone: [['512', 7], ['737', 7]] },
  { name: 'Houston', state: 'Texas', stateAbbr: 'TX', postal: ['770'], phone: [['713', 7], ['832', 7]] },
  { name: 'Denver', state: 'Colorado', stateAbbr: 'CO', postal: ['802'], phone: [['303', 7], ['720', 7]] },
  { name: 'Phoenix', state: 'Arizona', stateAbbr: 'AZ', postal: ['850'], phone: [['602', 7], ['480', 7]] },
  { name: 'Seattle', state: 'Washington', stateAbbr: 'WA', postal: ['981'], phone: [['206', 7]] },
  { name: 'Portland', state: 'Oregon', stateAbbr: 'OR', postal: ['972'], phone: [['503', 7], ['971', 7]] },
  { name: 'San Francisco', state: 'California', stateAbbr: 'CA', postal: ['941'], phone: [['415', 7], ['628', 7]] },
  { name: 'Los Angeles', state: 'California', stateAbbr: 'CA', postal: ['900'], phone: [['213', 7], ['310', 7], ['323', 7]] },
  { name: 'San Diego', state: 'California', stateAbbr: 'CA', postal: ['921'], phone: [['619', 7], ['858', 7]] },
  { name: 'Nashville', state: 'Tennessee', stateAbbr: 'TN', postal: ['372'], phone: [['615', 7]] },
  { name: 'Minneapolis', state: 'Minnesota', stateAbbr: 'MN', postal: ['554'], phone: [['612', 7]] },
  { name: 'Salt Lake City', state: 'Utah', stateAbbr: 'UT', postal: ['841'], phone: [['801', 7]] },
];

export const COUNTRIES: readonly Country[] = [
  {
    key: 'US',
    name: 'United States',
    callingCode: '+1',
    timeZone: 'America/New_York',
    weight: 70,
    cities: US_CITIES,
    mobiles: [],
    streets: ['Maple Street', 'Oak Avenue', 'Main Street', 'Cedar Lane', 'Park Place', 'Elm Street', 'Washington Blvd', 'Lakeview Drive', 'Sunset Road', 'Hillcrest Ave'],
  },
  {
    key: 'GB',
    name: 'United Kingdom',
    callingCode: '+44',
    timeZone: 'Europe/London',
    weight: 10,
    cities: [
      { name: 'London', state: 'England', stateAbbr: 'ENG', postal: ['SW1A', 'E1', 'N1', 'SE1', 'W1D', 'EC2A'], phone: [['207', 7], ['208', 7]] },
      { name: 'Manchester', state: 'England', stateAbbr: 'ENG', postal: ['M1', 'M2', 'M4'], phone: [['161', 7]] },
      { name: 'Birmingham', state: 'England', stateAbbr: 'ENG', postal: ['B1', 'B2', 'B5'], phone: [['1214', 6], ['1216', 6]] },
      { name: 'Bristol', state: 'England', stateAbbr: 'ENG', postal: ['BS1', 'BS8'], phone: [['1173', 6], ['1179', 6]] },
      { name: 'Edinburgh', state: 'Scotland', stateAbbr: 'SCT', postal: ['EH1', 'EH3'], phone: [['1312', 6], ['1314', 6]] },
    ],
    mobiles: [['7400', 6], ['7412', 6], ['7521', 6], ['7802', 6], ['7904', 6], ['7957', 6], ['7725', 6], ['7834', 6]],
    streets: ['High Street', 'Station Road', 'Church Lane', 'Victoria Road', 'Baker Street', 'Mill Lane', 'King Street'],
  },
  {
    key: 'AU',
    name: 'Australia',
    callingCode: '+61',
    timeZone: 'Australia/Sydney',
    weight: 7,
    cities: [
      { name: 'Sydney', state: 'New South Wales', stateAbbr: 'NSW', postal: ['20', '21'], phone: [['29', 7]] },
      { name: 'Melbourne', state: 'Victoria', stateAbbr: 'VIC', postal: ['30', '31'], phone: [['39', 7]] },
      { name: 'Brisbane', state: 'Queensland', stateAbbr: 'QLD', postal: ['40', '41'], phone: [['73', 7]] },
      { name: 'Perth', state: 'Western Australia', stateAbbr: 'WA', postal: ['60', '61'], phone: [['89', 7]] },
    ],
    mobiles: [['40', 7], ['41', 7], ['42', 7], ['43', 7], ['46', 7]],
    streets: ['George Street', 'Collins Street', 'Queen Street', 'Beach Road', 'Bridge Road', 'Elizabeth Street'],
  },
  {
    key: 'DE',
    name: 'Germany',
    callingCode: '+49',
    timeZone: 'Europe/Berlin',
    weight: 7,
    cities: [
      { name: 'Berlin', state: 'Berlin', stateAbbr: 'BE', postal: ['101', '104', '107', '120'], phone: [['30', 8]] },
      { name: 'München', state: 'Bayern', stateAbbr: 'BY', postal: ['803', '806', '809'], phone: [['89', 8]] },
      { name: 'Hamburg', state: 'Hamburg', stateAbbr: 'HH', postal: ['200', '203', '221'], phone: [['40', 8]] },
      { name: 'Köln', state: 'Nordrhein-Westfalen', stateAbbr: 'NW', postal: ['506', '509'], phone: [['221', 7]] },
    ],
    mobiles: [['151', 8], ['160', 7], ['170', 7], ['171', 7], ['176', 8]],
    streets: ['Hauptstraße', 'Schillerstraße', 'Gartenweg', 'Bahnhofstraße', 'Lindenallee', 'Goethestraße'],
  },
  {
    key: 'MX',
    name: 'Mexico',
    callingCode: '+52',
    timeZone: 'America/Mexico_City',
    weight: 6,
    cities: [
      { name: 'Ciudad de México', state: 'Ciudad de México', stateAbbr: 'CDMX', postal: ['06', '03', '11'], phone: [['55', 8]] },
      { name: 'Guadalajara', state: 'Jalisco', stateAbbr: 'JAL', postal: ['44'], phone: [['33', 8]] },
      { name: 'Monterrey', state: 'Nuevo León', stateAbbr: 'NL', postal: ['64'], phone: [['81', 8]] },
      { name: 'Puebla', state: 'Puebla', stateAbbr: 'PUE', postal: ['72'], phone: [['222', 7]] },
    ],
    mobiles: [],
    streets: ['Av. Reforma', 'Calle Juárez', 'Av. Insurgentes', 'Calle Hidalgo', 'Av. Revolución', 'Calle Morelos'],
  },
];

export const COUNTRY_WEIGHTS = COUNTRIES.map((c) => [c, c.weight] as const);

export function countryByKey(key: CountryKey): Country {
  return COUNTRIES.find((c) => c.key === key)!;
}

/** US cities whose ZIP starts with 0: the ones a spreadsheet damages. */
export const ZERO_ZIP_CITIES = US_CITIES.filter((c) => c.postal.every((p) => p.startsWith('0')));

/** National significant number (no trunk 0), digits only. US exchanges avoid N11 and the fictional 555. */
export function nationalPhone(rng: Rng, country: Country, city: City): string {
  if (country.key === 'US') {
    const [area] = rng.pick(city.phone);
    let exchange: number;
    do exchange = rng.int(201, 989);
    while (exchange % 100 === 11 || exchange === 555);
    return `${area}${exchange}${rng.digits(4)}`;
  }
  const useMobile = country.mobiles.length > 0 && rng.chance(0.5);
  const [prefix, rest] = useMobile ? rng.pick(country.mobiles) : rng.pick(city.phone);
  // A leading 0 or 1 after the area code is not allocated in these plans.
  return `${prefix}${rng.int(2, 9)}${rng.digits(rest - 1)}`;
}

const UK_INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

export function postalCode(rng: Rng, country: Country, city: City): string {
  const prefix = rng.pick(city.postal);
  switch (country.key) {
    case 'US':
    case 'DE':
    case 'MX':
      return prefix + rng.digits(5 - prefix.length);
    case 'AU':
      return prefix + rng.digits(4 - prefix.length);
    case 'GB':
      return `${prefix} ${rng.int(1, 9)}${rng.chars(UK_INWARD_LETTERS, 2)}`;
  }
}

export function streetAddress(rng: Rng, country: Country): string {
  const street = rng.pick(country.streets);
  const number = rng.int(1, 2400);
  if (country.key === 'DE' || country.key === 'MX') return `${street} ${number}`;
  const unit = country.key === 'US' && rng.chance(0.15) ? ` Apt ${rng.int(1, 30)}${rng.pick(['', 'A', 'B', 'C'])}` : '';
  return `${number} ${street}${unit}`;
}
