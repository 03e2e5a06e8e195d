import { Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { edgeError } from '@app/events';
import { UnsubscribeService } from './unsubscribe.service.js';

/** The part of Express's response these routes use (the app does not depend on @types/express). */
interface HtmlResponse {
  type(type: string): unknown;
}

const page = (title: string, body: string) =>
  `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>\n`;

/**
 * `/email/unsubscribe?token=…`: public, the signed token is the proof. GET shows a confirm button
 * (link scanners fetch links without meaning to unsubscribe); POST unsubscribes, the one-click form
 * mail clients send from the List-Unsubscribe-Post header (RFC 8058).
 */
@Controller('email/unsubscribe')
export class UnsubscribeController {
  constructor(private readonly unsubscribes: UnsubscribeService) {}

  @Get()
  confirm(@Query('token') token: string | undefined, @Res({ passthrough: true }) res: HtmlResponse): string {
    this.unsubscribes.addressOf(token);
    // Set here, not with @Header: an error answer stays JSON.
    res.type('html');
    const action = `/email/unsubscribe?token=${encodeURIComponent(token!)}`;
    return page('Unsubscribe', `<form method="post" action="${action}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe / لغو اشتراک</button></form>`);
  }

  @Post()
  @HttpCode(200)
  async unsubscribe(@Query('token') token: string | undefined, @Res({ passthrough: true }) res: HtmlResponse): Promise<string> {
    if (!token) throw edgeError(400, ['token: the unsubscribe link lacks its token; use the link from the email as it is'], 'token');
    await this.unsubscribes.unsubscribe(token);
    res.type('html');
    return page('Unsubscribed', '<p>You will receive no more of these emails. / دیگر این ایمیل‌ها برای شما فرستاده نمی‌شود.</p>');
  }
}
