/**
 * Which columns a field can take, by the reader's profile of the column's values: the one rule behind an edit's
 * refusal and the shortlist the LLM chooses from, so the model is never offered what a user could not choose.
 */

/** Value types (ColumnProfile `type`) each field type, or part of a composite field, can take; unlisted: anything. */
const ACCEPTED_VALUES: Record<string, readonly string[]> = {
  EMAILS: ['email'],
  DATE: ['date', 'datetime'],
  DATE_TIME: ['date', 'datetime'],
  NUMBER: ['number', 'money'],
  NUMERIC: ['number', 'money'],
  CURRENCY: ['number', 'money'],
  RATING: ['number', 'enumeration'],
  BOOLEAN: ['boolean'],
  'PHONES.primaryPhoneNumber': ['phone', 'number'],
  'PHONES.additionalPhones': ['phone', 'number'],
  'LINKS.primaryLinkUrl': ['url', 'text'],
};

/** Parts of composite fields that take text whatever their field's type takes. */
const ANY_VALUE_PARTS = new Set(['CURRENCY.currencyCode', 'LINKS.primaryLinkLabel', 'PHONES.primaryPhoneCallingCode', 'PHONES.primaryPhoneCountryCode']);

/** Whether a column whose values are `valueType` can go to a field of `type` (and `subfield`, for a part). */
export function valuesFit(type: string, subfield: string | undefined, valueType: string): boolean {
  if (valueType === 'empty') return true;
  const part = subfield === undefined ? undefined : `${type}.${subfield}`;
  if (part !== undefined && ANY_VALUE_PARTS.has(part)) return true;
  const accepted = (part === undefined ? undefined : ACCEPTED_VALUES[part]) ?? ACCEPTED_VALUES[type];
  return accepted === undefined || accepted.includes(valueType);
}
