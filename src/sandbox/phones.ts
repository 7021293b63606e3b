import { getCountries, getCountryCallingCode, isSupportedCountry, parsePhoneNumberWithError, type CountryCode } from 'libphonenumber-js';
import { SandboxHttpError } from './errors.js';

/**
 * PHONES normalisation as Twenty's `transformPhonesValue` does it (twenty-api.md §3 PHONES): country and calling codes
 * checked, the number parsed with libphonenumber-js `parsePhoneNumberWithError`, missing codes inferred, and the
 * national number stored. Errors carry the record-transformer codes, with Twenty's messages.
 */

export interface PhoneParts {
  number?: string | undefined;
  callingCode?: string | undefined;
  countryCode?: string | undefined;
}

function phoneError(message: string, code: string): SandboxHttpError {
  return new SandboxHttpError(400, message, code);
}

const nonEmpty = (s: unknown): s is string => typeof s === 'string' && s.length > 0;
const stripPlus = (s: string): string => s.replace(/\+/g, '');

function countriesForCallingCode(callingCode: string): string[] {
  const digits = stripPlus(callingCode);
  return getCountries().filter((c) => getCountryCallingCode(c) === digits);
}

function checkCodes({ callingCode, countryCode }: PhoneParts): void {
  if (nonEmpty(countryCode) && !isSupportedCountry(countryCode)) {
    throw phoneError(`Invalid country code ${countryCode}`, 'INVALID_PHONE_COUNTRY_CODE');
  }
  if (!nonEmpty(callingCode)) return;
  const expected = countriesForCallingCode(callingCode);
  if (expected.length === 0) throw phoneError(`Invalid calling code ${callingCode}`, 'INVALID_PHONE_CALLING_CODE');
  if (nonEmpty(countryCode) && !expected.includes(countryCode)) {
    throw phoneError('Provided country code and calling code are conflicting', 'CONFLICTING_PHONE_CALLING_CODE_AND_COUNTRY_CODE');
  }
}

/** One phone (primary or additional): validated, with codes inferred from the number when missing. */
export function normalizePhone(parts: PhoneParts): PhoneParts {
  checkCodes(parts);
  const { number, callingCode, countryCode } = parts;
  if (!nonEmpty(number)) return { number, callingCode, countryCode };
  let phone;
  try {
    phone = parsePhoneNumberWithError(number, {
      defaultCallingCode: callingCode ? stripPlus(callingCode) : undefined,
      defaultCountry: nonEmpty(countryCode) ? (countryCode as CountryCode) : undefined,
    });
  } catch {
    throw phoneError(`Provided phone number is invalid ${number}`, 'INVALID_PHONE_NUMBER');
  }
  if (nonEmpty(phone.country) && nonEmpty(countryCode) && phone.country !== countryCode) {
    throw phoneError('Provided and inferred country code are conflicting', 'CONFLICTING_PHONE_COUNTRY_CODE');
  }
  if (nonEmpty(phone.countryCallingCode) && nonEmpty(callingCode) && phone.countryCallingCode !== stripPlus(callingCode)) {
    throw phoneError('Provided and inferred calling code are conflicting', 'CONFLICTING_PHONE_CALLING_CODE');
  }
  return {
    number: phone.nationalNumber,
    callingCode: callingCode ?? `+${phone.countryCallingCode}`,
    countryCode: countryCode ?? phone.country,
  };
}
