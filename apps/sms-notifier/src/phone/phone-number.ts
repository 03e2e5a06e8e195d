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

/**
 * The form a number takes in logs, console output and events: the country code and first digits,
 * the last two, stars between (`+989121234567` → `+98912*****67`). Short or odd input gets fewer
 * visible digits, never the whole number.
 */
export function maskPhone(phone: string): string {
  const s = String(phone).trim();
  if (s.length <= 4) return '*'.repeat(s.length);
  // At least five digits stay hidden in a full number; a short one shows a third of itself at most.
  const visibleHead = s.length >= 9 ? Math.min(6, s.length - 7) : Math.floor(s.length / 3);
  const visibleTail = s.length >= 9 ? 2 : 1;
  return s.slice(0, visibleHead) + '*'.repeat(s.length - visibleHead - visibleTail) + s.slice(-visibleTail);
}

/** Anything in free text (a provider's error message) that looks like a phone number. */
const PHONE_IN_TEXT = /\+?\d[\d ()-]{6,}\d/g;

/** The text with every phone-like number in it masked, for logs and events. */
export const redactPhones = (text: string): string => text.replace(PHONE_IN_TEXT, (n) => maskPhone(n.replace(/[ ()-]/g, '')));
