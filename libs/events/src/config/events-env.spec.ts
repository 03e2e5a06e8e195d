import { IsOptional, IsString } from 'class-validator';
import { EventsEnv, validateEnv } from './events-env.js';

const validate = validateEnv(EventsEnv);

/** Runs the validation expecting it to fail and returns the error message. */
function failureOf(raw: Record<string, unknown>, envClass: new () => EventsEnv = EventsEnv): string {
  try {
    validateEnv(envClass)(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(Error);
    return (err as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be rejected`);
}

/** The variables named on the `  - NAME: ...` lines of a validation failure. */
const namedVariables = (message: string): string[] =>
  [...message.matchAll(/^ {2}- ([A-Z_]+):/gm)].map((m) => m[1]);

describe(validateEnv.name, () => {
  describe('defaults', () => {
    it('applies every documented default to an empty environment', () => {
      const env = validate({});
      expect(env).toBeInstanceOf(EventsEnv);
      expect(env).toMatchObject({
        NATS_URL: 'nats://127.0.0.1:4222',
        DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/mesh',
        EVENTS_STREAM_REPLICAS: 1,
        EVENTS_MAX_AGE: '7d',
        EVENTS_PUBLISH_RETRY_WINDOW: '15s',
        CONSUMER_MAX_DELIVER: 5,
        CONSUMER_BACKOFF: '1s,5s,30s,2m',
        CONSUMER_ACK_WAIT: '30s',
        CONSUMER_CONCURRENCY: 64,
        ENABLE_EVENT_LOGGING: true,
        LOG_LEVEL: 'info',
      });
      expect(env.PORT).toBeUndefined();
      expect(env.NATS_CREDS).toBeUndefined();
      expect(env.ADMIN_API_KEY).toBeUndefined();
    });

    it('keeps unrelated variables of process.env without complaining', () => {
      expect(() => validate({ PATH: '/usr/bin', HOME: '/root', NODE_ENV: 'test' })).not.toThrow();
    });

    it('takes given values over the defaults', () => {
      const env = validate({ NATS_URL: 'nats://nats:4222', EVENTS_MAX_AGE: '30d', LOG_LEVEL: 'warn', NATS_USER: 'mesh' });
      expect(env.NATS_URL).toBe('nats://nats:4222');
      expect(env.EVENTS_MAX_AGE).toBe('30d');
      expect(env.LOG_LEVEL).toBe('warn');
      expect(env.NATS_USER).toBe('mesh');
    });
  });

  describe('NATS_URL', () => {
    it.each([
      'nats://127.0.0.1:4222',
      'tls://nats.example.com:4222',
      'ws://localhost:8080',
      'wss://nats.example.com',
      'nats://user:pass@nats:4222',
      'localhost:4222',
    ])('accepts %s', (url) => {
      expect(validate({ NATS_URL: url }).NATS_URL).toBe(url);
    });

    it('accepts a comma-separated list of servers, with spaces after the commas', () => {
      const list = 'nats://n1:4222, nats://n2:4222,tls://n3:4222';
      expect(validate({ NATS_URL: list }).NATS_URL).toBe(list);
    });

    it.each(['http://x', 'not a url', 'nats://', 'nats://n1:4222,', 'nats://n1:4222,http://n2'])(
      'rejects %j with a message naming NATS_URL and the value received',
      (url) => {
        const message = failureOf({ NATS_URL: url });
        expect(namedVariables(message)).toEqual(['NATS_URL']);
        expect(message).toContain('must be a NATS server URL');
        expect(message).toContain(`(got ${JSON.stringify(url)})`);
      },
    );
  });

  describe('CONSUMER_BACKOFF and durations', () => {
    it('accepts a schedule such as 500ms,10s,1h', () => {
      expect(validate({ CONSUMER_BACKOFF: '500ms,10s,1h' }).CONSUMER_BACKOFF).toBe('500ms,10s,1h');
    });

    it('rejects 1s,soon with a message naming CONSUMER_BACKOFF', () => {
      const message = failureOf({ CONSUMER_BACKOFF: '1s,soon' });
      expect(namedVariables(message)).toEqual(['CONSUMER_BACKOFF']);
      expect(message).toMatch(/CONSUMER_BACKOFF: must be a comma-separated list of durations.*\(got "1s,soon"\)/);
    });

    it.each(['EVENTS_MAX_AGE', 'CONSUMER_ACK_WAIT', 'EVENTS_PUBLISH_RETRY_WINDOW'])('rejects a malformed %s', (name) => {
      expect(namedVariables(failureOf({ [name]: 'a week' }))).toEqual([name]);
    });
  });

  describe('conversions', () => {
    it('converts integer variables from strings to numbers', () => {
      const env = validate({ EVENTS_STREAM_REPLICAS: '3', CONSUMER_MAX_DELIVER: '10', CONSUMER_CONCURRENCY: '8', PORT: '3001' });
      expect(env.EVENTS_STREAM_REPLICAS).toBe(3);
      expect(env.CONSUMER_MAX_DELIVER).toBe(10);
      expect(env.CONSUMER_CONCURRENCY).toBe(8);
      expect(env.PORT).toBe(3001);
    });

    it('treats an empty PORT as unset', () => {
      expect(validate({ PORT: '' }).PORT).toBeUndefined();
    });

    it('treats an empty variable as unset, so its default applies', () => {
      const env = validate({ NATS_URL: '', CONSUMER_MAX_DELIVER: '', ENABLE_EVENT_LOGGING: '' });
      expect(env.NATS_URL).toBe('nats://127.0.0.1:4222');
      expect(env.CONSUMER_MAX_DELIVER).toBe(5);
      expect(env.ENABLE_EVENT_LOGGING).toBe(true);
    });

    it.each([
      ['true', true],
      ['TRUE', true],
      ['1', true],
      ['yes', true],
      ['on', true],
      ['false', false],
      ['False', false],
      ['0', false],
      ['no', false],
      ['off', false],
    ])('converts ENABLE_EVENT_LOGGING=%s to %s', (raw, value) => {
      expect(validate({ ENABLE_EVENT_LOGGING: raw }).ENABLE_EVENT_LOGGING).toBe(value);
    });

    it('rejects a boolean it cannot read', () => {
      const message = failureOf({ ENABLE_EVENT_LOGGING: 'maybe' });
      expect(namedVariables(message)).toEqual(['ENABLE_EVENT_LOGGING']);
      expect(message).toContain('(got "maybe")');
    });

    it.each([
      ['CONSUMER_MAX_DELIVER', 'five'],
      ['CONSUMER_MAX_DELIVER', '0'],
      ['CONSUMER_MAX_DELIVER', '2.5'],
      ['CONSUMER_MAX_DELIVER', '1001'],
      ['CONSUMER_CONCURRENCY', '0'],
      ['CONSUMER_CONCURRENCY', '10001'],
      ['PORT', '-1'],
      ['PORT', '65536'],
      ['PORT', 'http'],
      ['EVENTS_STREAM_REPLICAS', '2'],
      ['EVENTS_STREAM_REPLICAS', 'three'],
    ])('rejects %s=%s', (name, raw) => {
      expect(namedVariables(failureOf({ [name]: raw }))).toContain(name);
    });

    it('explains the allowed replica counts', () => {
      expect(failureOf({ EVENTS_STREAM_REPLICAS: '2' })).toContain('EVENTS_STREAM_REPLICAS: must be 1, 3 or 5');
    });

    it('rejects a LOG_LEVEL outside debug|info|warn|error', () => {
      expect(namedVariables(failureOf({ LOG_LEVEL: 'verbose' }))).toEqual(['LOG_LEVEL']);
    });

    it('rejects a DATABASE_URL that is not a PostgreSQL URL', () => {
      expect(namedVariables(failureOf({ DATABASE_URL: 'mysql://db/mesh' }))).toEqual(['DATABASE_URL']);
      expect(validate({ DATABASE_URL: 'postgresql://u:p@db:5432/x' }).DATABASE_URL).toBe('postgresql://u:p@db:5432/x');
    });
  });

  describe('error message', () => {
    it('lists every bad variable, one per line, under a single heading', () => {
      const message = failureOf({
        NATS_URL: 'http://x',
        CONSUMER_BACKOFF: '1s,soon',
        CONSUMER_MAX_DELIVER: 'lots',
        LOG_LEVEL: 'loud',
        PORT: '3000',
      });
      expect(message.split('\n')[0]).toBe('Invalid configuration, fix these environment variables:');
      expect(new Set(namedVariables(message))).toEqual(new Set(['NATS_URL', 'CONSUMER_BACKOFF', 'CONSUMER_MAX_DELIVER', 'LOG_LEVEL']));
      expect(message).not.toContain('PORT');
    });
  });

  describe('app subclasses', () => {
    class AppEnv extends EventsEnv {
      @IsOptional() @IsString() ALGOLIA_APP_ID?: string;
      @IsString() REQUIRED_KEY!: string;
    }

    it('validates the shared and the app variables together', () => {
      const message = failureOf({ NATS_URL: 'http://x' }, AppEnv);
      expect(new Set(namedVariables(message))).toEqual(new Set(['NATS_URL', 'REQUIRED_KEY']));
    });

    it('returns an instance of the subclass with defaults and app values', () => {
      const env = validateEnv(AppEnv)({ REQUIRED_KEY: 'k', ALGOLIA_APP_ID: 'app' });
      expect(env).toBeInstanceOf(AppEnv);
      expect(env.REQUIRED_KEY).toBe('k');
      expect(env.ALGOLIA_APP_ID).toBe('app');
      expect(env.CONSUMER_MAX_DELIVER).toBe(5);
    });
  });
});
