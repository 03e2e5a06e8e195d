import { createHash } from 'node:crypto';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import type { TwilioConfig } from '../config/sms-config.js';
import { neverConnected, OutgoingSms, ProviderRejectedError, ProviderUnavailableError, Reconciliation, SentSms, SmsProvider, UnrecordedSms } from './sms-provider.js';

const TWILIO_API = 'https://api.twilio.com';
/** Twilio's clock and ours may differ: a message created this long before our claim may still be ours. */
const CLOCK_SKEW_MS = 5 * 60_000;
/** Most messages to one number read while reconciling; beyond that the outcome counts as unknown. */
const LOOKUP_LIMIT = 1_000;

const digest = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The twilio package's own HTTP client, sending to another origin: `edge`/`region` only change the
 * host name inside twilio.com, so a stand-in or an egress proxy needs the request's URL rewritten.
 */
class RebasedRequestClient extends twilio.RequestClient {
  constructor(
    private readonly baseUrl: string,
    timeoutMs: number,
  ) {
    super({ timeout: timeoutMs, keepAlive: true });
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const uri = opts.uri.startsWith(TWILIO_API) ? this.baseUrl + opts.uri.slice(TWILIO_API.length) : opts.uri;
    return super.request<TData>({ ...opts, uri });
  }
}

/**
 * Twilio Programmable Messaging through the `twilio` package. Its Messages API takes no
 * idempotency key, so an unrecorded claim is looked up in the Messages list before any resend
 * (README, "Exactly once").
 */
export class TwilioSmsProvider implements SmsProvider {
  readonly name = 'twilio';
  readonly statusCallbacks = true;
  private readonly client: twilio.Twilio;

  constructor(
    private readonly config: TwilioConfig,
    timeoutMs: number,
  ) {
    const httpClient = config.apiBaseUrl === TWILIO_API ? new twilio.RequestClient({ timeout: timeoutMs, keepAlive: true }) : new RebasedRequestClient(config.apiBaseUrl, timeoutMs);
    // The transport retries (with backoff, across replicas); the client must not retry on its own.
    this.client = twilio(config.accountSid, config.authToken, { httpClient, autoRetry: false });
  }

  async send(sms: OutgoingSms): Promise<SentSms> {
    try {
      const message = await this.client.messages.create({
        to: sms.to,
        body: sms.text,
        ...(this.config.messagingServiceSid ? { messagingServiceSid: this.config.messagingServiceSid } : { from: this.config.from! }),
        ...(sms.statusCallbackUrl ? { statusCallback: sms.statusCallbackUrl } : {}),
      });
      const segments = Number(message.numSegments);
      return { providerMessageId: message.sid, segments: Number.isInteger(segments) && segments > 0 ? segments : undefined };
    } catch (err) {
      throw classify(err);
    }
  }

  /**
   * Lists the messages to the number sent since the claim's day (Twilio filters DateSent by day)
   * and matches the body's digest, created after the claim, whose SID is not already recorded.
   * The list does not return the StatusCallback URL, so the body is the only marker it gives back.
   */
  async findSent(sms: UnrecordedSms): Promise<Reconciliation> {
    const day = new Date(Date.UTC(sms.claimedAt.getUTCFullYear(), sms.claimedAt.getUTCMonth(), sms.claimedAt.getUTCDate()));
    const wanted = digest(sms.text);
    const earliest = sms.claimedAt.getTime() - CLOCK_SKEW_MS;
    let listed;
    try {
      listed = await this.client.messages.list({ to: sms.to, dateSentAfter: day, pageSize: 100, limit: LOOKUP_LIMIT });
    } catch (err) {
      throw classify(err);
    }
    const match = listed.find(
      (m) => m.direction.startsWith('outbound') && m.body != null && digest(m.body) === wanted && m.dateCreated.getTime() >= earliest && !sms.recordedIds.has(m.sid),
    );
    if (match) return { kind: 'found', providerMessageId: match.sid };
    return listed.length >= LOOKUP_LIMIT ? { kind: 'unknown' } : { kind: 'not_found' };
  }
}

function classify(err: unknown): Error {
  if (err instanceof twilio.RestException) {
    const what = `Twilio ${err.status}${err.code ? ` (error ${err.code})` : ''}: ${err.message}`;
    return err.status === 429 || err.status >= 500 ? new ProviderUnavailableError(what) : new ProviderRejectedError(what);
  }
  // No HTTP answer at all: a timeout, a refused or reset connection.
  const e = err as { code?: string; message?: string };
  return new ProviderUnavailableError(`Twilio unreachable${e.code ? ` (${e.code})` : ''}: ${e.message ?? String(err)}`, undefined, !neverConnected(e.code));
}
