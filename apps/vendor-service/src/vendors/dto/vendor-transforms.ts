import { parsePhoneNumberFromString } from 'libphonenumber-js';

type TransformArgs = { value: unknown };

/** Trims strings, so a name of spaces counts as empty. */
export const trim = ({ value }: TransformArgs): unknown => (typeof value === 'string' ? value.trim() : value);

/** Stores a valid international number in E.164 (`+1 415 555 2671` → `+14155552671`); anything else is left for the validator to reject. */
export const toE164 = ({ value }: TransformArgs): unknown => {
  if (typeof value !== 'string') return value;
  const parsed = parsePhoneNumberFromString(value);
  return parsed?.isValid() ? parsed.number : value;
};

/** `http(s)://` only: an address a browser can open. */
export const HTTP_URL = { require_protocol: true, protocols: ['http', 'https'] };

export const PHONE_MESSAGE = '$property must be a phone number in international format, e.g. +14155552671';
