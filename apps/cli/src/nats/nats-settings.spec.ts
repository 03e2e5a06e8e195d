import { natsSettings, shownServers } from './nats-settings.js';

describe(natsSettings.name, () => {
  it('reads NATS_URL (a list), NATS_CREDS, NATS_USER, NATS_PASSWORD like the apps, flags first', () => {
    const env = { NATS_URL: 'nats://a:4222, nats://b:4222', NATS_USER: 'ops', NATS_PASSWORD: 'pw', NATS_CREDS: '' };
    expect(natsSettings({}, env)).toEqual({ servers: ['nats://a:4222', 'nats://b:4222'], user: 'ops', password: 'pw', creds: undefined });
    expect(natsSettings({ server: 'c:4222', user: 'me' }, env)).toMatchObject({ servers: ['c:4222'], user: 'me' });
    expect(natsSettings({}, {}).servers).toEqual(['nats://127.0.0.1:4222']);
    expect(natsSettings({}, { NATS_URL: '' }).servers).toEqual(['nats://127.0.0.1:4222']);
  });

  it('masks a password inside a server URL wherever it is shown', () => {
    expect(shownServers(natsSettings({ server: 'nats://ops:s3cret@a:4222,nats://b:4222' }))).toBe('nats://ops:***@a:4222, nats://b:4222');
    expect(() => natsSettings({ server: 'http://ops:s3cret@x:1' })).toThrow('Invalid NATS server "http://ops:***@x:1/"');
  });

  it('refuses a URL that is not a NATS server, exit 2', () => {
    expect(() => natsSettings({ server: 'http://x:1' })).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringMatching(/^Invalid NATS server "http:\/\/x:1"/) }));
  });
});
