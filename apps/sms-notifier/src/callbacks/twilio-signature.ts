import { Inject, Injectable } from '@nestjs/common';
import twilio from 'twilio';
import { SMS_CONFIG, type SmsConfig } from '../config/sms-config.js';
import type { CallbackRequest } from './http-request.js';

/**
 * Checks `X-Twilio-Signature` with the twilio package's `validateRequest`: an HMAC of the URL
 * Twilio called plus the sorted form fields, keyed with the auth token. The URL is
 * SMS_PUBLIC_BASE_URL + the path, as Twilio saw it (behind a proxy the Host header is the
 * proxy's); without that setting it is rebuilt from the request.
 */
@Injectable()
export class TwilioSignatureVerifier {
  constructor(@Inject(SMS_CONFIG) private readonly config: SmsConfig) {}

  signedUrl(req: CallbackRequest): string {
    const base = this.config.publicBaseUrl ?? `${req.protocol}://${req.headers.host ?? 'localhost'}`;
    return base + req.originalUrl;
  }

  verify(req: CallbackRequest): boolean {
    const signature = req.headers['x-twilio-signature'];
    const authToken = this.config.twilio?.authToken;
    if (typeof signature !== 'string' || !signature || !authToken) return false;
    const params = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
    return twilio.validateRequest(authToken, signature, this.signedUrl(req), params);
  }
}
