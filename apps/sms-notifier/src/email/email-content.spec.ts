import { emailContent } from './email-content.js';

describe('emailContent', () => {
  it('writes Persian right to left, escapes the text, and ends both parts with the unsubscribe link', () => {
    const c = emailContent('سفارش #7 <ثبت شد>\n\nجزئیات & پیگیری', 'fa', 'https://n.example/email/unsubscribe?token=a.b');
    expect(c.subject).toBe('سفارش #7 <ثبت شد>');
    expect(c.html).toContain('<html lang="fa" dir="rtl">');
    expect(c.html).toContain('<p>سفارش #7 &lt;ثبت شد&gt;</p>');
    expect(c.html).toContain('جزئیات &amp; پیگیری');
    expect(c.html).toContain('<a href="https://n.example/email/unsubscribe?token=a.b">لغو اشتراک ایمیل‌ها</a>');
    expect(c.text).toContain('لغو اشتراک ایمیل‌ها: https://n.example/email/unsubscribe?token=a.b');
  });

  it('writes English left to right', () => {
    const c = emailContent('Order #7 placed', 'en', 'https://n.example/u');
    expect(c.html).toContain('dir="ltr"');
    expect(c.subject).toBe('Order #7 placed');
    expect(c.text.startsWith('Order #7 placed\n\nUnsubscribe from these emails: https://n.example/u')).toBe(true);
  });
});
