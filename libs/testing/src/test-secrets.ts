import { parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * Every secret and phone number the tests hand to the apps, in one place, so the check after the
 * whole run (jest globalTeardown → scanRunLogs) can grep every log for them. A test that uses a new
 * secret or number adds it here (or imports it from here).
 *
 * Values shorter than 8 characters (`'t'`, `'k'`, `'token'`) are left out on purpose: they occur in
 * ordinary text, and the suites that use them check no log of theirs anyway.
 */

/** Admin API keys (`ADMIN_API_KEY`, sent as `X-Api-Key`). */
export const ADMIN_KEYS = {
  badInput: 'bad-input-admin-key',
  shared: 'test-admin-key', // webhook-dispatcher and search-sync suites
  eventStoreQuery: 'k-3f1c9a',
  smsCrash: 'sms-crash-admin-key',
  smsStop: 'sms-stop-admin-key',
  traceChain: 'trace-chain-admin-key',
  consoleApi: 'console-api-test-key',
  console: 'console-test-admin-key',
  clusterFailover: 'cluster-failover-admin-key',
  cli: 'cli-suite-admin-key',
  eventMessages: 'event-messages-admin-key',
  auditTrail: 'audit-trail-admin-key',
  clientIngest: 'client-ingest-admin-key',
  clientLogger: 'client-logger-admin-key',
  customSchemas: 'custom-schemas-admin-key',
  mcp: 'mcp-suite-admin-key',
  /** A wrong bearer token the mcp suite sends: refused, reported aggregated, never in an event or a log. */
  mcpWrong: 'mcp-suite-wrong-guess-9d4e',
  schemaEditor: 'schema-editor-admin-key',
  emailChannel: 'email-channel-admin-key',
  notificationsConsole: 'notifications-console-admin-key',
  authAttempts: 'auth-attempts-admin-key',
  /** A wrong key the auth-attempts suite sends: it must never reach an event or a log either. */
  authAttemptsWrong: 'auth-attempts-wrong-guess-7f3a',
  /** The admin key of the apps in test/auth-attempts.e2e-spec.ts, and the wrong one it sends them. */
  authAttemptsApps: 'auth-attempts-apps-admin-key',
  authAttemptsAppsWrong: 'auth-attempts-apps-wrong-guess-c81d',
  /** The event-store's request-events suite, and the wrong key it sends (refused, reported aggregated only). */
  requestEvents: 'request-events-admin-key',
  requestEventsWrong: 'request-events-wrong-guess-5e2b',
  smsFallback: 'sms-fallback-admin-key',
  smsRecipients: 'sms-recipients-admin-key',
  smsQuietHours: 'sms-quiet-hours-admin-key',
} as const;

/** Twilio auth tokens and the Basic header a Twilio client sends with one. */
export const TWILIO = {
  badInputToken: 'twilio-auth-token-bad-input',
  smsSuiteAccount: 'AC' + 'a1'.repeat(16),
  smsSuiteToken: 'twilio-test-auth-token',
  crashToken: 'crash-test-token',
  stopToken: 'stop-test-token',
  envSpecToken: 'secret-token',
} as const;

/** Other providers' keys: Algolia, the HTTP SMS gateway (its key travels in the URL path). */
export const PROVIDER_KEYS = {
  algoliaWrite: 'test-write-key',
  algoliaEnvSpec: 'super-secret',
  smsGatewayPathKey: 'SECRET-API-KEY',
} as const;

/** NATS passwords, and credentials written into server URLs (`user:password@`). */
export const CREDENTIALS = {
  cliNatsPassword: 'cli-s3cret',
  cliSpecUrlCredentials: 'ops:s3cret@',
  envSpecUrlCredentials: 'user:pass@',
} as const;

/** Custom `Authorization` values given to webhook subscriptions. */
export const WEBHOOK_HEADERS = {
  badInput: 'Bearer header-secret-bad-input-0123456789',
  subscriptions: 'Bearer top-secret-token',
  delivery: 'Bearer t0k',
} as const;

/** Webhook signing secrets the tests fix themselves (the apps' own are caught by their shape). */
export const SIGNING_SECRETS = {
  filterSpec: 'whsec_c2VjcmV0LXRoYXQtbXVzdC1ub3QtbGVhaw==',
  ssrf: `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`,
  deliveryWrong: `whsec_${Buffer.from('another secret of some length').toString('base64')}`,
  /** The event-store's EVENTS_FEED_SECRET (HMAC key of user-feed tokens). */
  feed: 'feed-secret-of-the-event-messages-suite-0123456789',
  /** The sms-notifier's EMAIL_UNSUBSCRIBE_SECRET (HMAC key of unsubscribe links). */
  emailUnsubscribe: 'email-unsubscribe-secret-of-the-email-suite',
} as const;

/** Recipients' email addresses in fixtures: logs only ever show them masked (`s***@example.com`). */
export const EMAILS = {
  faCustomer: 'sara.ahmadi@shop-customers.example',
  enCustomer: 'john.doe@shop-customers.example',
  retried: 'retried.customer@shop-customers.example',
  refused: 'refused.customer@shop-customers.example',
  fallback: 'fallback.customer@shop-customers.example',
  crashed: 'crashed.customer@shop-customers.example',
  console: 'maryam.rahimi@shop-customers.example',
  directoryUser: 'directory.user@shop-customers.example',
  quietHours: 'quiet.hours.customer@shop-customers.example',
} as const;

/**
 * OAuth2 client credentials the webhook suite gives its subscriptions, and the prefix of every
 * access token its local token server issues (found in a log, a token leaked).
 */
export const OAUTH2 = {
  clientSecret: 'oauth2-client-secret-of-the-webhook-suite',
  accessTokenPrefix: 'oauth2-test-access-token-',
} as const;

/** Phone numbers in fixtures, E.164. Recipients' numbers and senders' alike. */
export const PHONES = {
  badInput: '+14155550123',
  badInputForm: '+14155550199',
  filterSpec: '+14155550100',
  vendor: '+14155552671', // also the vendor-service's own example in its validation message
  twilioFrom: '+15005550006',
  iran: '+989121234567', // also the sms-notifier's own example in its validation messages
  unknownOutcome: '+989121239876',
  unrecorded: '+989121234500',
  gatewayFa: '+989125550101',
  gatewayEn: '+989125550102',
  replayFa: '+989121110001',
  replayEn: '+989121110002',
  traceChain: '+989121117001',
  feedUser: '+989121110777',
  auditOptOut: '+989121110003',
  consoleSent: '+989121110005',
  consoleRefused: '+989121110006',
  fallback503: '+989121118001',
  fallbackTimeout: '+989121118002',
  fallbackCircuit: '+989121118003',
  fallbackLost: '+989121118007',
  directoryUser: '+989121118004',
  quietHours: '+989121118005',
  quietUrgent: '+989121118006',
} as const;

/** `Basic base64(user:password)`, as an HTTP client sends credentials. */
export const basicAuth = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

export interface SecretNeedle {
  /** Which secret, for the report (never the value itself). */
  label: string;
  /** Found verbatim. */
  text?: string;
  /** Found by shape: secrets an app makes up during the run, which no list can hold. */
  pattern?: RegExp;
}

/** How a number can be written in a log: E.164, international and national, spaced or not. */
export function phoneSpellings(e164: string): Array<{ form: string; text: string }> {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return [{ form: 'E.164', text: e164 }];
  // The national significant number is inside E.164 and the 0-prefixed national digits as well.
  const forms = [
    { form: 'E.164', text: e164 },
    { form: 'national digits', text: String(parsed.nationalNumber) },
    { form: 'national', text: parsed.formatNational() },
    { form: 'international', text: parsed.formatInternational() },
  ];
  return forms.filter((f, i) => forms.findIndex((g) => g.text === f.text) === i);
}

const MIN_SECRET_CHARS = 8;

/** What the whole-run log scan looks for. */
export function testSecretNeedles(): SecretNeedle[] {
  const named = (group: string, values: Record<string, string>) =>
    Object.entries(values)
      .filter(([, v]) => v.length >= MIN_SECRET_CHARS)
      .map(([k, v]) => ({ label: `${group}.${k}`, text: v }));
  return [
    ...named('ADMIN_KEYS', ADMIN_KEYS),
    ...named('TWILIO', { badInputToken: TWILIO.badInputToken, smsSuiteToken: TWILIO.smsSuiteToken, crashToken: TWILIO.crashToken, envSpecToken: TWILIO.envSpecToken }),
    { label: 'TWILIO.smsSuiteBasicAuth', text: basicAuth(TWILIO.smsSuiteAccount, TWILIO.smsSuiteToken).slice('Basic '.length) },
    ...named('PROVIDER_KEYS', PROVIDER_KEYS),
    ...named('CREDENTIALS', CREDENTIALS),
    ...named('WEBHOOK_HEADERS', WEBHOOK_HEADERS),
    // The token part alone, so `Authorization: Bearer …` split over a log line's fields still shows.
    ...named('WEBHOOK_HEADERS.token', Object.fromEntries(Object.entries(WEBHOOK_HEADERS).map(([k, v]) => [k, v.replace(/^Bearer /, '')]))),
    ...named('SIGNING_SECRETS', SIGNING_SECRETS),
    ...named('OAUTH2', OAUTH2),
    { label: 'signing secret (whsec_ shape)', pattern: /whsec_[A-Za-z0-9+/]{16,}={0,2}/ },
    ...named('EMAILS', EMAILS),
    ...Object.entries(PHONES).flatMap(([k, v]) => phoneSpellings(v).map(({ form, text }) => ({ label: `PHONES.${k} (${form})`, text }))),
  ];
}
