import { Injectable } from '@nestjs/common';
import type { OAuth2Credentials } from '../oauth2/oauth2-credentials.js';
import { OAuth2TokenSource } from '../oauth2/oauth2-token.source.js';
import { WebhookHttpClient, type WebhookExchange, type WebhookRequest } from './webhook-http.client.js';

/** An exchange with the headers it went out with (the bearer token among them, when there was one). */
export interface SentRequest {
  exchange: WebhookExchange;
  headers: Record<string, string>;
}

const withoutAuthorization = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'));

/**
 * Sends a webhook request, with a subscription's OAuth2 bearer token when it has credentials:
 * a token the endpoint answers 401 to is dropped, and the request goes once more with a new one.
 * No token to be had is a failed attempt (retried on the schedule), its reason in `error`.
 */
@Injectable()
export class AuthorizedSender {
  constructor(
    private readonly http: WebhookHttpClient,
    private readonly tokens: OAuth2TokenSource,
  ) {}

  async post(req: WebhookRequest, oauth2: OAuth2Credentials | null): Promise<SentRequest> {
    if (!oauth2) return { exchange: await this.http.post(req), headers: req.headers };
    const started = performance.now();
    const base = withoutAuthorization(req.headers);
    let sent = await this.withToken(req, base, oauth2, started);
    if (sent.exchange.status !== 401 || !sent.token) return sent;
    // Revoked or expired early: one new token, one more request, within the same attempt.
    this.tokens.refused(oauth2, sent.token);
    const first = sent.exchange;
    sent = await this.withToken(req, base, oauth2, started);
    return { ...sent, exchange: { ...sent.exchange, durationMs: first.durationMs + sent.exchange.durationMs } };
  }

  private async withToken(req: WebhookRequest, base: Record<string, string>, oauth2: OAuth2Credentials, started: number): Promise<SentRequest & { token?: string }> {
    let token: string;
    try {
      token = await this.tokens.token(oauth2, req.timeoutMs, req.signal);
    } catch (err) {
      const durationMs = Math.round(performance.now() - started);
      if (req.signal?.aborted) {
        return { headers: base, exchange: { status: null, headers: {}, body: null, durationMs, error: 'interrupted: the dispatcher stopped before the token endpoint answered', interrupted: true } };
      }
      return { headers: base, exchange: { status: null, headers: {}, body: null, durationMs, error: `oauth2: ${(err as Error).message}` } };
    }
    const headers = { ...base, authorization: `Bearer ${token}` };
    return { headers, token, exchange: await this.http.post({ ...req, headers }) };
  }
}
