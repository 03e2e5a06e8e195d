import Mustache from 'mustache';
import type { HttpGatewayConfig } from '../config/sms-config.js';
import { readPath } from '../rules/json-path.js';
import { neverConnected, OutgoingSms, ProviderRejectedError, ProviderUnavailableError, Reconciliation, retryAfterMs, SentSms, SmsProvider } from './sms-provider.js';

const ESCAPE: Record<HttpGatewayConfig['contentType'], (v: unknown) => string> = {
  // Inside a JSON string literal: the template supplies the quotes.
  'application/json': (v) => JSON.stringify(String(v)).slice(1, -1),
  'application/x-www-form-urlencoded': (v) => encodeURIComponent(String(v)),
};

/**
 * Any HTTP SMS gateway (Kavenegar, a company relay, …): URL, method, auth header and a Mustache
 * body template from the configuration. A GET sends the rendered form as the query string.
 * @example SMS_HTTP_URL=https://api.kavenegar.com/v1/<key>/sms/send.json SMS_HTTP_CONTENT_TYPE=application/x-www-form-urlencoded
 *          SMS_HTTP_BODY_TEMPLATE='receptor={{to}}&message={{text}}&sender={{from}}' SMS_HTTP_MESSAGE_ID_PATH=entries.0.messageid
 */
export class HttpGatewaySmsProvider implements SmsProvider {
  readonly name = 'http';
  readonly statusCallbacks = false;

  constructor(
    private readonly config: HttpGatewayConfig,
    private readonly timeoutMs: number,
  ) {
    Mustache.parse(config.bodyTemplate); // a broken template stops start-up, not the first send
  }

  /**
   * Gateways have no common lookup call. One that honours the idempotency header drops a resend
   * with the same key, so resending is safe; without the header (`none`) nobody can tell.
   */
  async findSent(): Promise<Reconciliation> {
    return this.config.idempotencyHeader ? { kind: 'idempotent' } : { kind: 'unknown' };
  }

  async send(sms: OutgoingSms): Promise<SentSms> {
    const { config } = this;
    const view = { to: sms.to, text: sms.text, from: config.from ?? '', idempotencyKey: sms.idempotencyKey };
    const rendered = Mustache.render(config.bodyTemplate, view, {}, { escape: ESCAPE[config.contentType] });
    const headers: Record<string, string> = { accept: 'application/json' };
    if (config.auth) headers[config.authHeader] = config.auth;
    if (config.idempotencyHeader) headers[config.idempotencyHeader] = sms.idempotencyKey;
    let url = config.url;
    let body: string | undefined = rendered;
    if (config.method === 'GET') {
      url += (url.includes('?') ? '&' : '?') + rendered;
      body = undefined;
    } else {
      headers['content-type'] = config.contentType;
    }
    let res: Response;
    try {
      res = await fetch(url, { method: config.method, headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      const why = e.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : (e.cause?.code ?? e.message);
      throw new ProviderUnavailableError(`SMS gateway unreachable: ${why}`, undefined, !neverConnected(e.cause?.code));
    }
    const text = await res.text().catch(() => '');
    if (res.status === 429 || res.status >= 500) {
      throw new ProviderUnavailableError(`SMS gateway ${res.status}: ${text.slice(0, 150)}`, retryAfterMs(res.headers.get('retry-after')));
    }
    if (!res.ok) throw new ProviderRejectedError(`SMS gateway ${res.status}: ${text.slice(0, 150)}`);
    let id: unknown;
    try {
      id = readPath(JSON.parse(text), config.messageIdPath);
    } catch {
      id = undefined;
    }
    // A gateway that answers 2xx without an id still took the SMS; our key then names it.
    return { providerMessageId: typeof id === 'string' || typeof id === 'number' ? String(id) : sms.idempotencyKey };
  }
}
