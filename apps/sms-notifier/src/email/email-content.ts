/** Scripts written right to left: their emails get `dir="rtl"`. */
const RTL = new Set(['fa', 'ar', 'he', 'ur', 'ps', 'ku']);

const UNSUBSCRIBE_TEXT: Record<string, string> = {
  fa: 'لغو اشتراک ایمیل‌ها',
  en: 'Unsubscribe from these emails',
};

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/**
 * Subject, text and HTML from one rendered template text: the first line is the subject (the
 * whole text when it has one line), the text part is the template's text, and the HTML part is the
 * same text escaped, in paragraphs, right to left for Persian. Both end with the unsubscribe link.
 */
export function emailContent(rendered: string, locale: string | null, unsubscribeUrl: string): EmailContent {
  const language = (locale ?? 'en').split('-')[0];
  const lines = rendered.split(/\r?\n/);
  const subject = lines[0].trim().slice(0, 200) || rendered.slice(0, 200);
  const unsubscribe = UNSUBSCRIBE_TEXT[language] ?? UNSUBSCRIBE_TEXT.en;
  const dir = RTL.has(language) ? 'rtl' : 'ltr';
  const paragraphs = rendered
    .split(/\r?\n\s*\r?\n/)
    .map((p) => `<p>${escapeHtml(p.trim()).replace(/\r?\n/g, '<br>')}</p>`)
    .join('\n');
  const html = [
    '<!doctype html>',
    `<html lang="${escapeHtml(language)}" dir="${dir}">`,
    '<head><meta charset="utf-8"></head>',
    `<body dir="${dir}">`,
    paragraphs,
    `<p><a href="${escapeHtml(unsubscribeUrl)}">${escapeHtml(unsubscribe)}</a></p>`,
    '</body>',
    '</html>',
  ].join('\n');
  return { subject, text: `${rendered}\n\n${unsubscribe}: ${unsubscribeUrl}\n`, html };
}
