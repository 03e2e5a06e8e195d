import { mcpEnv } from './mcp-env.js';

describe(mcpEnv.name, () => {
  it('reports refused tokens only with ENABLE_SERVER_LOGGING on and ENABLE_EVENT_LOGGING not off, as the apps do', () => {
    expect(mcpEnv({}).authRefusals).toEqual({ enabled: false, windowMs: 60_000 });
    expect(mcpEnv({ ENABLE_SERVER_LOGGING: 'true', SERVER_LOGGING_AUTH_WINDOW: '5s' }).authRefusals).toEqual({ enabled: true, windowMs: 5_000 });
    expect(mcpEnv({ ENABLE_SERVER_LOGGING: 'on', ENABLE_EVENT_LOGGING: 'false' }).authRefusals.enabled).toBe(false);
  });

  it('fails naming a bad switch or window', () => {
    expect(() => mcpEnv({ ENABLE_SERVER_LOGGING: 'maybe' })).toThrow(/ENABLE_SERVER_LOGGING must be true or false, got maybe/);
    expect(() => mcpEnv({ SERVER_LOGGING_AUTH_WINDOW: 'soon' })).toThrow(/SERVER_LOGGING_AUTH_WINDOW must be a duration/);
  });
});
