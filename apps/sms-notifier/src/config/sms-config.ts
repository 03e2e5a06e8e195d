import { registerAs } from '@nestjs/config';
import type { CountryCode } from 'libphonenumber-js';
import { parseDuration, validateEnv } from '@app/events';
import { providerList, SmsEnv, SmsProviderName, UnknownOutcomeAction } from './sms-env.js';

export interface TwilioConfig {
  accountSid: string;
  authToken: string;
  from?: string;
  messagingServiceSid?: string;
  apiBaseUrl: string;
}

export interface HttpGatewayConfig {
  url: string;
  method: 'POST' | 'PUT' | 'GET';
  contentType: 'application/json' | 'application/x-www-form-urlencoded';
  bodyTemplate: string;
  authHeader: string;
  auth?: string;
  idempotencyHeader?: string;
  messageIdPath: string;
  from?: string;
}

/** The email channel; unset when EMAIL_SMTP_URL is not. */
export interface EmailConfig {
  smtpUrl: string;
  from: string;
  unsubscribeSecret: string;
}

/** The resolved, typed configuration of the sms-notifier. */
export interface SmsConfig {
  provider: SmsProviderName;
  /** Fallback order; when unset, `provider` alone. */
  providers?: SmsProviderName[];
  /** Outages in a row that open a provider's circuit; 0: no circuits. */
  circuitFailures: number;
  circuitOpenMs: number;
  /** How often held messages (quiet hours) are checked for release. */
  heldPollMs: number;
  defaultRegion: CountryCode;
  ratePerHour: number;
  providerTimeoutMs: number;
  /** Live events older than this are suppressed as `stale`; 0: no limit. */
  maxEventAgeMs: number;
  /** A `sending` claim older than this is taken as a crashed attempt (see README, "Exactly once"). */
  sendingLeaseMs: number;
  /** An unrecorded claim the provider cannot reconcile is sent again or skipped (default `skip`). */
  unknownOutcome?: UnknownOutcomeAction;
  publicBaseUrl?: string;
  twilio?: TwilioConfig;
  http?: HttpGatewayConfig;
  email?: EmailConfig;
}

export function smsConfigFromEnv(env: SmsEnv): SmsConfig {
  const providerTimeoutMs = parseDuration(env.SMS_PROVIDER_TIMEOUT)!;
  return {
    provider: env.SMS_PROVIDER,
    // Only when set: a test's (or an override's) `provider` must not be shadowed by the default.
    providers: env.SMS_PROVIDERS ? (providerList(env.SMS_PROVIDERS) as SmsProviderName[]) : undefined,
    circuitFailures: env.SMS_CIRCUIT_FAILURES,
    circuitOpenMs: parseDuration(env.SMS_CIRCUIT_OPEN)!,
    heldPollMs: parseDuration(env.SMS_HELD_POLL_INTERVAL)!,
    defaultRegion: env.SMS_DEFAULT_REGION.toUpperCase() as CountryCode,
    ratePerHour: env.SMS_RATE_LIMIT_PER_HOUR,
    providerTimeoutMs,
    maxEventAgeMs: parseDuration(env.SMS_MAX_EVENT_AGE)!,
    sendingLeaseMs: providerTimeoutMs + 5_000,
    unknownOutcome: env.SMS_UNKNOWN_OUTCOME,
    publicBaseUrl: env.SMS_PUBLIC_BASE_URL?.replace(/\/+$/, ''),
    twilio: env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN
      ? {
          accountSid: env.TWILIO_ACCOUNT_SID,
          authToken: env.TWILIO_AUTH_TOKEN,
          from: env.TWILIO_FROM,
          messagingServiceSid: env.TWILIO_MESSAGING_SERVICE_SID,
          apiBaseUrl: env.TWILIO_API_BASE_URL.replace(/\/+$/, ''),
        }
      : undefined,
    http: env.SMS_HTTP_URL
      ? {
          url: env.SMS_HTTP_URL,
          method: env.SMS_HTTP_METHOD,
          contentType: env.SMS_HTTP_CONTENT_TYPE,
          bodyTemplate: env.SMS_HTTP_BODY_TEMPLATE,
          authHeader: env.SMS_HTTP_AUTH_HEADER,
          auth: env.SMS_HTTP_AUTH,
          idempotencyHeader: env.SMS_HTTP_IDEMPOTENCY_HEADER.toLowerCase() === 'none' ? undefined : env.SMS_HTTP_IDEMPOTENCY_HEADER,
          messageIdPath: env.SMS_HTTP_MESSAGE_ID_PATH,
          from: env.SMS_FROM,
        }
      : undefined,
    email: env.EMAIL_SMTP_URL ? { smtpUrl: env.EMAIL_SMTP_URL, from: env.EMAIL_FROM!, unsubscribeSecret: env.EMAIL_UNSUBSCRIBE_SECRET! } : undefined,
  };
}

export const SMS_CONFIG = Symbol('SMS_CONFIG');

/** The validated environment as a @nestjs/config namespace (read while the modules are built). */
export const smsEnv = registerAs('sms-notifier', () => smsConfigFromEnv(validateEnv(SmsEnv)({ ...process.env })));
