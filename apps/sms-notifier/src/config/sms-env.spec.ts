import { validateEnv } from '@app/events';
import { smsConfigFromEnv } from './sms-config.js';
import { SmsEnv } from './sms-env.js';

const validate = validateEnv(SmsEnv);

describe(SmsEnv.name, () => {
  it('defaults to the console provider, region IR, 10 SMS an hour, a 10 s provider timeout', () => {
    expect(smsConfigFromEnv(validate({}))).toEqual({
      provider: 'console',
      providers: undefined,
      circuitFailures: 5,
      circuitOpenMs: 30_000,
      heldPollMs: 5_000,
      defaultRegion: 'IR',
      ratePerHour: 10,
      providerTimeoutMs: 10_000,
      maxEventAgeMs: 86_400_000,
      sendingLeaseMs: 15_000,
      unknownOutcome: 'skip',
      publicBaseUrl: undefined,
      twilio: undefined,
      http: undefined,
      email: undefined,
    });
  });

  it('turns the email channel on with EMAIL_SMTP_URL, and then requires the sender, the unsubscribe secret and the public URL', () => {
    const env = { EMAIL_SMTP_URL: 'smtp://mail.example:587', EMAIL_FROM: 'Shop <no-reply@shop.example>', EMAIL_UNSUBSCRIBE_SECRET: 'a-long-enough-secret', SMS_PUBLIC_BASE_URL: 'https://n.example' };
    expect(smsConfigFromEnv(validate(env)).email).toEqual({ smtpUrl: 'smtp://mail.example:587', from: 'Shop <no-reply@shop.example>', unsubscribeSecret: 'a-long-enough-secret' });
    expect(() => validate({ ...env, EMAIL_FROM: undefined })).toThrow(/EMAIL_FROM: is required when EMAIL_SMTP_URL is set/);
    expect(() => validate({ ...env, EMAIL_UNSUBSCRIBE_SECRET: 'short' })).toThrow(/EMAIL_UNSUBSCRIBE_SECRET: must be at least 16 characters/);
    expect(() => validate({ ...env, SMS_PUBLIC_BASE_URL: undefined })).toThrow(/SMS_PUBLIC_BASE_URL: must be this app's public http\(s\) URL/);
    expect(() => validate({ ...env, EMAIL_SMTP_URL: 'http://mail.example' })).toThrow(/EMAIL_SMTP_URL: must be one or more smtp:\/\/ or smtps:\/\/ URLs/);
    expect(smsConfigFromEnv(validate({ ...env, EMAIL_SMTP_URL: 'smtp://a.example:587, smtps://b.example:465' })).email?.smtpUrl).toBe('smtp://a.example:587, smtps://b.example:465');
  });

  it('reads SMS_MAX_EVENT_AGE, where 0s turns the limit off', () => {
    expect(smsConfigFromEnv(validate({ SMS_MAX_EVENT_AGE: '0s' })).maxEventAgeMs).toBe(0);
    expect(smsConfigFromEnv(validate({ SMS_MAX_EVENT_AGE: '2h' })).maxEventAgeMs).toBe(7_200_000);
    expect(() => validate({ SMS_MAX_EVENT_AGE: 'forever' })).toThrow(/SMS_MAX_EVENT_AGE: must be a duration such as 30m, 24h, 2d \(0s turns it off\)/);
  });

  it('reads SMS_UNKNOWN_OUTCOME (resend or skip) and refuses anything else, naming the choices', () => {
    expect(smsConfigFromEnv(validate({ SMS_UNKNOWN_OUTCOME: 'resend' })).unknownOutcome).toBe('resend');
    expect(() => validate({ SMS_UNKNOWN_OUTCOME: 'ask' })).toThrow(/SMS_UNKNOWN_OUTCOME: must be one of resend, skip/);
  });

  it('names every bad variable, without echoing secrets', () => {
    expect(() => validate({ SMS_PROVIDER: 'kavenegar', SMS_DEFAULT_REGION: 'XX', SMS_RATE_LIMIT_PER_HOUR: '-1', SMS_PROVIDER_TIMEOUT: 'soon' })).toThrow(
      /SMS_PROVIDER: must be one of console, twilio, http \(got "kavenegar"\)[\s\S]*SMS_DEFAULT_REGION: must be an ISO 3166-1 alpha-2 region[\s\S]*SMS_RATE_LIMIT_PER_HOUR[\s\S]*SMS_PROVIDER_TIMEOUT: must be a duration/,
    );
  });

  it('requires the Twilio credentials and a sender when SMS_PROVIDER=twilio', () => {
    let message = '';
    try {
      validate({ SMS_PROVIDER: 'twilio', TWILIO_AUTH_TOKEN: 'secret-token' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/TWILIO_ACCOUNT_SID: is required when SMS_PROVIDER\(S\) includes twilio/);
    expect(message).toMatch(/TWILIO_FROM: \(or TWILIO_MESSAGING_SERVICE_SID\) is required/);
    expect(message).not.toContain('secret-token');
    const ok = smsConfigFromEnv(validate({ SMS_PROVIDER: 'twilio', TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 't', TWILIO_MESSAGING_SERVICE_SID: 'MG1', SMS_PUBLIC_BASE_URL: 'https://sms.example.com/' }));
    expect(ok.twilio).toEqual({ accountSid: 'AC1', authToken: 't', from: undefined, messagingServiceSid: 'MG1', apiBaseUrl: 'https://api.twilio.com' });
    expect(ok.publicBaseUrl).toBe('https://sms.example.com');
  });

  it('reads SMS_PROVIDERS as the fallback order, requiring each provider\'s settings, and refuses unknown or repeated names', () => {
    const env = { SMS_PROVIDERS: 'twilio, http', TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 't', TWILIO_FROM: '+15005550006', SMS_HTTP_URL: 'http://gateway:8080/send' };
    expect(smsConfigFromEnv(validate(env)).providers).toEqual(['twilio', 'http']);
    expect(() => validate({ ...env, SMS_HTTP_URL: undefined })).toThrow(/SMS_HTTP_URL: must be the gateway URL \(http or https\) when SMS_PROVIDER\(S\) includes http/);
    expect(() => validate({ ...env, SMS_PROVIDERS: 'twilio,kavenegar' })).toThrow(/SMS_PROVIDERS: must be distinct names among console, twilio, http/);
    expect(() => validate({ ...env, SMS_PROVIDERS: 'http,http' })).toThrow(/SMS_PROVIDERS: must be distinct names/);
    expect(smsConfigFromEnv(validate({ ...env, SMS_CIRCUIT_FAILURES: '0', SMS_CIRCUIT_OPEN: '1m' }))).toMatchObject({ circuitFailures: 0, circuitOpenMs: 60_000 });
  });

  it('reads the HTTP gateway settings; SMS_HTTP_IDEMPOTENCY_HEADER=none sends no key', () => {
    expect(() => validate({ SMS_PROVIDER: 'http' })).toThrow(/SMS_HTTP_URL: must be the gateway URL/);
    const config = smsConfigFromEnv(validate({ SMS_PROVIDER: 'http', SMS_HTTP_URL: 'http://gateway:8080/send', SMS_HTTP_IDEMPOTENCY_HEADER: 'none', SMS_HTTP_AUTH: 'Bearer x' }));
    expect(config.http).toMatchObject({ url: 'http://gateway:8080/send', method: 'POST', contentType: 'application/json', idempotencyHeader: undefined, auth: 'Bearer x', messageIdPath: 'id' });
  });
});
