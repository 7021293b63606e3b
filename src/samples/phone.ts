import { parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * The reader's phone rule, written out independently so expected.json states what a correct reader must produce:
 * the calling code is `phone_country_code` without non-digits (empty means +1); a phone that starts with + or with
 * the calling code's digits is international; the number must pass libphonenumber-js `isValid()`.
 */
export function expectedE164(phone: string, phoneCountryCode: string): string | null {
  const raw = phone.trim();
  if (raw === '') return null;
  const code = phoneCountryCode.replace(/\D/g, '') || '1';
  const tryParse = (text: string, defaultCallingCode?: string): string | null => {
    const parsed = parsePhoneNumberFromString(text, defaultCallingCode ? { defaultCallingCode } : undefined);
    return parsed?.isValid() ? parsed.number : null;
  };
  if (/^\d(\.\d+)?E\+\d+$/i.test(raw)) return null;
  if (raw.startsWith('+')) return tryParse(raw);
  const national = tryParse(raw, code);
  if (national) return national;
  const digits = raw.replace(/\D/g, '');
  return digits.startsWith(code) ? tryParse(`+${digits}`) : null;
}
