import { maskEmail, normalizeEmail, redactEmails } from './email-address.js';

describe('email addresses', () => {
  it('normalises an address and refuses what cannot be one', () => {
    expect(normalizeEmail('  Sara.Ahmadi@Example.COM ')).toBe('sara.ahmadi@example.com');
    expect(normalizeEmail('not-an-address')).toBeUndefined();
    expect(normalizeEmail('a@b')).toBeUndefined();
    expect(normalizeEmail(42)).toBeUndefined();
  });

  it('masks the local part, in an address and inside free text', () => {
    expect(maskEmail('sara.ahmadi@example.com')).toBe('s***@example.com');
    expect(redactEmails('550 5.1.1 <sara.ahmadi@example.com>: mailbox unavailable')).toBe('550 5.1.1 <s***@example.com>: mailbox unavailable');
  });
});
