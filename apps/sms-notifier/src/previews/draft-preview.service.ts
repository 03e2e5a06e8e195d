import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { SMS_CONFIG, type SmsConfig } from '../config/sms-config.js';
import { emailContent } from '../email/email-content.js';
import { missingPlaceholders, parseTemplate, renderTemplate, smsEncoding, TemplateError } from '../templates/template-text.js';
import type { DraftPreview } from './draft-preview.views.js';

/** Renders an unsaved text with the renderer, segment calculator and email layout the senders use. */
@Injectable()
export class DraftPreviewService {
  constructor(@Inject(SMS_CONFIG) private readonly config: SmsConfig) {}

  preview(body: string, locale: string, data: Record<string, unknown>): DraftPreview {
    let missing: string[];
    try {
      missing = missingPlaceholders(parseTemplate(body), data);
    } catch (err) {
      if (err instanceof TemplateError) throw new BadRequestException([`body: ${err.message}`]);
      throw err;
    }
    if (missing.length > 0) throw new BadRequestException([`data lacks ${missing.map((n) => `{{${n}}}`).join(', ')}, used by body`]);
    const text = renderTemplate(body, data);
    // A real link carries a signed token per recipient; a preview has no recipient.
    const email = emailContent(text, locale, `${this.config.publicBaseUrl ?? ''}/email/unsubscribe?token=preview`);
    return {
      text,
      sms: smsEncoding(text),
      // `dir` is read from the sender's own HTML, so it can never disagree with what is sent.
      email: { subject: email.subject, html: email.html, dir: /<html [^>]*dir="rtl"/.test(email.html) ? 'rtl' : 'ltr' },
    };
  }
}
