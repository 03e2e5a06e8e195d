import { serverLoggingFromEnv } from './server-logging-env.js';

describe(serverLoggingFromEnv.name, () => {
  it('is off by default, every request sampled, slow from 1 s', () => {
    expect(serverLoggingFromEnv({})).toEqual({ enabled: false, sampleRate: 1, slowMs: 1000, authWindowMs: 60_000 });
  });

  it('reads the four variables', () => {
    expect(serverLoggingFromEnv({ ENABLE_SERVER_LOGGING: 'true', SERVER_LOGGING_SAMPLE_RATE: '0.25', SERVER_LOGGING_SLOW_MS: '200', SERVER_LOGGING_AUTH_WINDOW: '5s' })).toEqual({ enabled: true, sampleRate: 0.25, slowMs: 200, authWindowMs: 5_000 });
  });

  it('fails naming a bad variable', () => {
    expect(() => serverLoggingFromEnv({ ENABLE_SERVER_LOGGING: 'maybe', SERVER_LOGGING_SAMPLE_RATE: '2', SERVER_LOGGING_AUTH_WINDOW: 'soon' })).toThrow(/ENABLE_SERVER_LOGGING[\s\S]*SERVER_LOGGING_SAMPLE_RATE[\s\S]*SERVER_LOGGING_AUTH_WINDOW/);
  });
});
