/** One SMS for a provider to send. */
export interface OutgoingSms {
  /** E.164. */
  to: string;
  text: string;
  /** Stable across retries of the same SMS: providers that accept one drop a repeat. */
  idempotencyKey: string;
  /** Where the provider should post delivery status: set when it has status callbacks and this app's public URL is known. */
  statusCallbackUrl?: string;
}

/** A claim whose outcome was never recorded (the app crashed, or its commit failed, after calling the provider). */
export interface UnrecordedSms extends OutgoingSms {
  /** When the lost attempt was claimed: the provider cannot have taken it before. */
  claimedAt: Date;
  /** Provider ids already recorded for this recipient: a match among them is another SMS with the same text, not this one. */
  recordedIds: ReadonlySet<string>;
}

/**
 * What the provider says about an unrecorded claim: it took it (`found`), it did not
 * (`not_found`), a resend with the same key is dropped by the provider (`idempotent`), or it
 * cannot tell (`unknown`, SMS_UNKNOWN_OUTCOME decides).
 */
export type Reconciliation = { kind: 'found'; providerMessageId: string } | { kind: 'not_found' } | { kind: 'idempotent' } | { kind: 'unknown' };

export interface SentSms {
  providerMessageId: string;
  /** Segments the provider billed, when it says. */
  segments?: number;
}

/**
 * The port every SMS provider implements. `send` resolves once the provider accepted the SMS, and
 * throws {@link ProviderUnavailableError} (retry later) or {@link ProviderRejectedError} (never).
 */
export interface SmsProvider {
  readonly name: string;
  /** The provider posts signed delivery reports to `/sms/status/<name>` (Twilio). */
  readonly statusCallbacks: boolean;
  send(sms: OutgoingSms): Promise<SentSms>;
  /** Asked before re-sending an unrecorded claim; throws {@link ProviderUnavailableError} when the provider cannot be asked now. */
  findSent(sms: UnrecordedSms): Promise<Reconciliation>;
}

/** The configured SMS providers, in fallback order (SMS_PROVIDERS). */
export const SMS_PROVIDERS = Symbol('SMS_PROVIDERS');

/**
 * 5xx, 429, a timeout or no connection: the same message may succeed later. `maybeSent` marks the
 * answers that do not prove the provider did not take it (a timeout or a connection lost after the
 * request went out): such a message is never handed to the next provider on a guess.
 */
export class ProviderUnavailableError extends Error {
  override name = 'ProviderUnavailableError';
  constructor(
    message: string,
    /** The provider's Retry-After, when it gave one. */
    readonly retryAfterMs?: number,
    readonly maybeSent = false,
  ) {
    super(message);
  }
}

/** The provider refused this SMS for good (invalid number, unverified sender, bad credentials). */
export class ProviderRejectedError extends Error {
  override name = 'ProviderRejectedError';
}

/** Retry-After in seconds or as an HTTP date, in ms; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null | undefined): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Connection errors raised before a request could be written: the provider cannot have taken it. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

export const neverConnected = (code: string | undefined): boolean => code !== undefined && NOT_CONNECTED.has(code);
