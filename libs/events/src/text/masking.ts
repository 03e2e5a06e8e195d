/**
 * The form a number takes in logs, console output and events: the country code and first digits,
 * the last two, stars between (`+989121234567` → `+98912*****67`). Short or odd input gets fewer
 * visible digits, never the whole number.
 * @example
 * maskPhone('+989121234567'); // '+98912*****67'
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

/**
 * The text with every phone-like number in it masked, for logs and events.
 * @example
 * this.logger.warn(redactPhones(`provider refused: ${err.message}`));
 */
export const redactPhones = (text: string): string => text.replace(PHONE_IN_TEXT, (n) => maskPhone(n.replace(/[ ()-]/g, '')));

/** Keys whose value is a phone number (compared without case, `_` or `-`). */
const PHONE_KEYS = new Set(['phone', 'mobile', 'msisdn', 'tel', 'telephone', 'phonenumber', 'to', 'from', 'recipient', 'sender']);
/** Keys whose value is a secret: never shown, not even in part. */
const SECRET_KEYS = /secret|password|passwd|token|apikey|authorization|credential|signature/i;

const normalKey = (key: string): string => key.toLowerCase().replace(/[_-]/g, '');

/**
 * A copy of `value` fit for a sentence anyone may read: numbers under phone-like keys masked
 * (`+98912*****67`), secrets replaced by `***`; other values as they are (a date is not a number to hide).
 * @example maskedCopy({ phone: '+989121234567' }) // { phone: '+98912*****67' }
 */
export function maskedCopy(value: unknown, key = ''): unknown {
  if (typeof value === 'string' || typeof value === 'number') {
    const k = normalKey(key);
    if (SECRET_KEYS.test(k)) return '***';
    if (PHONE_KEYS.has(k) || k.endsWith('phone')) return String(value).includes('*') ? String(value) : maskPhone(String(value));
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => maskedCopy(v, key));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = maskedCopy(v, k);
  return out;
}
