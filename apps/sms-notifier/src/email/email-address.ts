/** Loose on purpose: the SMTP server is the judge; this only refuses what cannot be an address. */
const ADDRESS = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

/** The address trimmed and lower-cased (the unsubscribe list and the once-per-recipient key compare these), or undefined. */
export function normalizeEmail(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const address = value.trim().toLowerCase();
  return address.length <= 320 && ADDRESS.test(address) ? address : undefined;
}

/**
 * The form an address takes in logs and events: the first letter of the local part and the domain
 * (`sara.ahmadi@example.com` → `s***@example.com`).
 */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '*'.repeat(Math.min(address.length, 8));
  return `${address[0]}***${address.slice(at)}`;
}

const EMAIL_IN_TEXT = /[^\s@<>(),;:"']+@[^\s@<>(),;:"']+\.[A-Za-z]{2,}/g;

/** Free text (an SMTP server's error) with every address in it masked. */
export const redactEmails = (text: string): string => text.replace(EMAIL_IN_TEXT, (a) => maskEmail(a));
