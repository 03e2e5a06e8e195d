/**
 * Object paths pino censors in every log line: credentials and phone numbers passed as fields
 * (a request's headers, a provider's config, an SMS's recipient).
 */
export const REDACT_PATHS = [
  'password', '*.password', 'secret', '*.secret', 'token', '*.token', 'apiKey', '*.apiKey', 'authToken', '*.authToken',
  'authorization', '*.authorization', '*.headers.authorization', '*.headers["x-api-key"]', '*.headers.cookie',
  'phone', '*.phone', 'to', '*.to', 'from', '*.from', 'phoneNumber', '*.phoneNumber',
];

/** An E.164-looking number written into a message's text: the digits but the last two are masked. */
const PHONE_IN_TEXT = /\+\d{6,14}(\d{2})\b/g;

/** A message's text with phone numbers masked (paths cover fields, not free text). */
export const maskPhonesInText = (text: string): string =>
  text.includes('+') ? text.replace(PHONE_IN_TEXT, (_m, tail: string) => `+***${tail}`) : text;
