import { consoleConfigFromEnv, parseAppUrls } from './console-env.js';

describe(parseAppUrls.name, () => {
  it('reads name=url pairs in order and drops trailing slashes', () => {
    expect(parseAppUrls('event-store=http://127.0.0.1:4001/, webhook-dispatcher=https://hooks.internal:8443')).toEqual([
      { name: 'event-store', url: 'http://127.0.0.1:4001' },
      { name: 'webhook-dispatcher', url: 'https://hooks.internal:8443' },
    ]);
  });

  it.each([
    ['event-store', /must be <app name>=<http url>/],
    ['Event Store=http://x', /must be <app name>=<http url>/],
    ['event-store=localhost:3001', /the URL must be http/],
    ['event-store=not a url', /is not a URL/],
    ['a=http://x,a=http://y', /listed twice/],
  ])('refuses %j', (raw, message) => {
    expect(() => parseAppUrls(raw)).toThrow(message);
  });
});

describe(consoleConfigFromEnv.name, () => {
  it("defaults to every app on its DESIGN.md port, the console's own included", () => {
    const config = consoleConfigFromEnv({});
    expect(config.apps.find((a) => a.name === 'event-store')).toEqual({ name: 'event-store', url: 'http://127.0.0.1:3001' });
    expect(config.apps.map((a) => a.name)).toEqual(['vendor-service', 'event-store', 'search-sync', 'webhook-dispatcher', 'sms-notifier', 'console']);
    expect(config.webDir).toBe('dist/apps/console/web');
  });

  it('finds itself on its own PORT', () => {
    expect(consoleConfigFromEnv({ PORT: '4005' }).apps.at(-1)).toEqual({ name: 'console', url: 'http://127.0.0.1:4005' });
  });

  it('stops start-up naming MESH_APP_URLS and the bad entry', () => {
    expect(() => consoleConfigFromEnv({ MESH_APP_URLS: 'event-store=ftp://x' })).toThrow(/MESH_APP_URLS: must be a comma-separated list of name=url: "event-store=ftp:\/\/x": the URL must be http/);
  });
});
