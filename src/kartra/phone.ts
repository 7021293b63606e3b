import { parsePhoneNumberFromString, type PhoneNumber } from 'libphonenumber-js';
import { isExcelScientific } from './values.js';

/**
 * Reads a Kartra phone: the number in `phone`, its calling code apart in `phone_country_code` ("+1", "1", or empty,
 * which Kartra treats as +1; kartra-exports.md §1.3). People also paste the full international number into `phone`,
 * so "+12125550147" with code "+1" is one number, not "+1 +1 212...".
 * Returns undefined when the value is not a valid number: the caller keeps the raw text and reports it.
 */
export function parseKartraPhone(phone: string, callingCode: string): PhoneNumber | undefined {
  const raw = phone.trim();
  if (raw === '' || isExcelScientific(raw)) return undefined;
  const code = callingCode.replace(/\D/g, '') || '1';
  if (raw.startsWith('+')) return valid(raw);
  if (raw.startsWith('00')) return valid(`+${raw.slice(2)}`);
  const national = valid(raw, code);
  if (national) return national;
  const digits = raw.replace(/\D/g, '');
  return digits.startsWith(code) ? valid(`+${digits}`) : undefined;
}

function valid(text: string, defaultCallingCode?: string): PhoneNumber | undefined {
  try {
    const parsed = parsePhoneNumberFromString(text, defaultCallingCode ? { defaultCallingCode } : undefined);
    return parsed?.isValid() ? parsed : undefined;
  } catch {
    // libphonenumber-js throws "Unknown calling code" for a code no country has (+999, +0): not a valid number.
    return undefined;
  }
}
