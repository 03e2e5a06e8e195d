import { CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * A number as E.164 (`+989121234567`), or undefined when it is not a valid number. Numbers
 * without a country code are read in `region`.
 */
export function toE164(raw: unknown, region: CountryCode): string | undefined {
  if (typeof raw !== 'string' && typeof raw !== 'number') return undefined;
  const parsed = parsePhoneNumberFromString(String(raw).trim(), region);
  return parsed?.isValid() ? parsed.number : undefined;
}

// Masking moved to libs/events: the event-store masks numbers in event sentences too.
export { maskPhone, redactPhones } from '@app/events';
