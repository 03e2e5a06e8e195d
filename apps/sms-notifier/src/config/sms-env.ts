import { Transform } from 'class-transformer';
import { isURL, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUrl, Max, Min, MinLength, registerDecorator, ValidateIf } from 'class-validator';
import { isSupportedCountry } from 'libphonenumber-js';
import { parseDuration } from '@app/events';

export const SMS_PROVIDERS = ['console', 'twilio', 'http'] as const;
export type SmsProviderName = (typeof SMS_PROVIDERS)[number];
export const UNKNOWN_OUTCOME_ACTIONS = ['resend', 'skip'] as const;
export type UnknownOutcomeAction = (typeof UNKNOWN_OUTCOME_ACTIONS)[number];

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value);
const URL_OPTIONS = { require_protocol: true, protocols: ['http', 'https'], require_tld: false };

const IsRegion = (): PropertyDecorator => (target, property) =>
  registerDecorator({
    name: 'isRegion',
    target: target.constructor,
    propertyName: property as string,
    options: { message: '$property must be an ISO 3166-1 alpha-2 region that libphonenumber knows, e.g. IR, US, DE' },
    validator: { validate: (v: unknown) => typeof v === 'string' && isSupportedCountry(v.toUpperCase()) },
  });

const IsPositiveDuration = (): PropertyDecorator => (target, property) =>
  registerDecorator({
    name: 'isPositiveDuration',
    target: target.constructor,
    propertyName: property as string,
    options: { message: '$property must be a duration such as 500ms, 10s, 1m' },
    validator: { validate: (v: unknown) => typeof v === 'string' && (parseDuration(v) ?? 0) > 0 },
  });

const IsDuration = (): PropertyDecorator => (target, property) =>
  registerDecorator({
    name: 'isDurationOrZero',
    target: target.constructor,
    propertyName: property as string,
    options: { message: '$property must be a duration such as 30m, 24h, 2d (0s turns it off)' },
    validator: { validate: (v: unknown) => typeof v === 'string' && parseDuration(v) !== undefined },
  });

/** A comma-separated, ordered list of smtp:// or smtps:// URLs (fallback order). */
const IsSmtpUrlList = (): PropertyDecorator => (target, property) =>
  registerDecorator({
    name: 'isSmtpUrlList',
    target: target.constructor,
    propertyName: property as string,
    options: { message: '$property must be one or more smtp:// or smtps:// URLs, comma-separated, in fallback order' },
    validator: {
      validate: (v: unknown) =>
        typeof v === 'string' && v.split(',').every((url) => isURL(url.trim(), { require_protocol: true, protocols: ['smtp', 'smtps'], require_tld: false })),
    },
  });

/** A comma-separated, ordered list of distinct provider names (fallback order). */
const IsProviderList = (): PropertyDecorator => (target, property) =>
  registerDecorator({
    name: 'isProviderList',
    target: target.constructor,
    propertyName: property as string,
    options: { message: `$property must be distinct names among ${SMS_PROVIDERS.join(', ')}, comma-separated in fallback order (e.g. twilio,http)` },
    validator: {
      validate: (v: unknown) => {
        if (typeof v !== 'string') return false;
        const names = providerList(v);
        return names.length > 0 && new Set(names).size === names.length && names.every((n) => (SMS_PROVIDERS as readonly string[]).includes(n));
      },
    },
  });

export const providerList = (value: string): string[] => value.split(',').map((n) => n.trim()).filter(Boolean);

/** The providers in fallback order: SMS_PROVIDERS when set, else the one SMS_PROVIDER. */
export const configuredProviders = (o: SmsEnv): string[] => (o.SMS_PROVIDERS ? providerList(o.SMS_PROVIDERS) : [o.SMS_PROVIDER]);
const twilio = (o: SmsEnv) => configuredProviders(o).includes('twilio');
const http = (o: SmsEnv) => configuredProviders(o).includes('http');
const email = (o: SmsEnv) => Boolean(o.EMAIL_SMTP_URL);

/**
 * The sms-notifier's own environment (the shared variables are `EventsEnv`). Validated at
 * start-up with `validateEnv`: a bad or missing value stops the app naming the variable.
 */
export class SmsEnv {
  /** Which provider sends: `console` prints the masked number and text (the default for `npm start`). */
  @IsIn(SMS_PROVIDERS, { message: `$property must be one of ${SMS_PROVIDERS.join(', ')}` }) SMS_PROVIDER: SmsProviderName = 'console';
  /**
   * Several providers in fallback order (`twilio,http`); replaces SMS_PROVIDER. One that is down for
   * sure (5xx, 429, refused connection, open circuit) is skipped for the next, without a second SMS.
   */
  @IsOptional() @IsProviderList() SMS_PROVIDERS?: string;
  /** Outages in a row that open a provider's circuit (skipped without a call); 0 turns circuits off. */
  @Transform(toInt) @IsInt() @Min(0) @Max(1000) SMS_CIRCUIT_FAILURES = 5;
  /** How long an open circuit skips its provider before one message tries it again. */
  @IsPositiveDuration() SMS_CIRCUIT_OPEN = '30s';
  /** How often the messages held for quiet hours are checked for release. */
  @IsPositiveDuration() SMS_HELD_POLL_INTERVAL = '5s';
  /** Region for numbers written without a country code (`0912 123 4567` with IR → +989121234567). */
  @IsRegion() SMS_DEFAULT_REGION = 'IR';
  /** Most SMS per recipient per rolling hour, across every replica; 0 turns the limit off. */
  @Transform(toInt) @IsInt() @Min(0) @Max(100_000) SMS_RATE_LIMIT_PER_HOUR = 10;
  /** How long one provider request may take before it counts as a timeout (retried). */
  @IsPositiveDuration() SMS_PROVIDER_TIMEOUT = '10s';
  /**
   * Events older than this (by their `time`) send nothing from the live stream: they are recorded
   * as suppressed (`stale`), so a first start on a week of history does not text last week's
   * customers. Replays are exempt. `0s` turns it off.
   */
  @IsDuration() SMS_MAX_EVENT_AGE = '24h';
  /**
   * What to do with a claim whose outcome was never recorded when the provider cannot say whether
   * it took it (console, a gateway without idempotency key). `skip` by default: a second SMS cannot
   * be taken back, a skipped one is reported (sms.outcome_unknown) and can be re-sent by hand.
   */
  @IsIn(UNKNOWN_OUTCOME_ACTIONS, { message: `$property must be one of ${UNKNOWN_OUTCOME_ACTIONS.join(', ')}` }) SMS_UNKNOWN_OUTCOME: UnknownOutcomeAction = 'skip';
  /** The URL the provider reaches this app at; status callbacks are signed over it, and emails' unsubscribe links point to it. */
  @ValidateIf((o: SmsEnv) => email(o) || o.SMS_PUBLIC_BASE_URL !== undefined)
  @IsUrl(URL_OPTIONS, { message: '$property must be this app\'s public http(s) URL (required when EMAIL_SMTP_URL is set: unsubscribe links point to it)' })
  SMS_PUBLIC_BASE_URL?: string;

  @ValidateIf(twilio) @IsString() @IsNotEmpty({ message: '$property is required when SMS_PROVIDER(S) includes twilio' }) TWILIO_ACCOUNT_SID?: string;
  @ValidateIf(twilio) @IsString() @IsNotEmpty({ message: '$property is required when SMS_PROVIDER(S) includes twilio' }) TWILIO_AUTH_TOKEN?: string;
  /** Sender number, or use TWILIO_MESSAGING_SERVICE_SID. */
  @ValidateIf((o: SmsEnv) => twilio(o) && !o.TWILIO_MESSAGING_SERVICE_SID)
  @IsString()
  @IsNotEmpty({ message: '$property (or TWILIO_MESSAGING_SERVICE_SID) is required when SMS_PROVIDER(S) includes twilio' })
  TWILIO_FROM?: string;
  @IsOptional() @IsString() TWILIO_MESSAGING_SERVICE_SID?: string;
  /** Where the Twilio client sends its requests; only changed for a stand-in or a proxy. */
  @IsUrl(URL_OPTIONS) TWILIO_API_BASE_URL = 'https://api.twilio.com';

  @ValidateIf(http) @IsUrl(URL_OPTIONS, { message: '$property must be the gateway URL (http or https) when SMS_PROVIDER(S) includes http' }) SMS_HTTP_URL?: string;
  @IsIn(['POST', 'PUT', 'GET']) SMS_HTTP_METHOD: 'POST' | 'PUT' | 'GET' = 'POST';
  @IsIn(['application/json', 'application/x-www-form-urlencoded']) SMS_HTTP_CONTENT_TYPE: 'application/json' | 'application/x-www-form-urlencoded' = 'application/json';
  /** Mustache template of the request body: `{{to}}`, `{{text}}`, `{{from}}`, `{{idempotencyKey}}`, escaped for the content type. */
  @IsString() SMS_HTTP_BODY_TEMPLATE = '{"to":"{{to}}","text":"{{text}}","reference":"{{idempotencyKey}}"}';
  @IsString() SMS_HTTP_AUTH_HEADER = 'Authorization';
  /** Value of SMS_HTTP_AUTH_HEADER, e.g. `Bearer …`; none when unset. */
  @IsOptional() @IsString() SMS_HTTP_AUTH?: string;
  /** Header carrying the per-SMS idempotency key; `none` when the gateway has no such header. */
  @IsString() @IsNotEmpty() SMS_HTTP_IDEMPOTENCY_HEADER = 'Idempotency-Key';
  /** Dotted path of the gateway's message id in its JSON answer (Kavenegar: `entries.0.messageid`). */
  @IsString() SMS_HTTP_MESSAGE_ID_PATH = 'id';
  /** Sender given to the gateway as `{{from}}`. */
  @IsOptional() @IsString() SMS_FROM?: string;

  /** SMTP servers of the email channel in fallback order, comma-separated (`smtp://user:pass@host:587,smtps://…:465`); unset: no email rules. */
  @IsOptional() @IsSmtpUrlList() EMAIL_SMTP_URL?: string;
  /** Sender of every email (`Shop <no-reply@shop.example>`). */
  @ValidateIf(email) @IsString() @IsNotEmpty({ message: '$property is required when EMAIL_SMTP_URL is set' }) EMAIL_FROM?: string;
  /** Signs the unsubscribe links; changing it voids the links already sent. */
  @ValidateIf(email) @IsString() @MinLength(16, { message: '$property must be at least 16 characters when EMAIL_SMTP_URL is set' }) EMAIL_UNSUBSCRIBE_SECRET?: string;
}
