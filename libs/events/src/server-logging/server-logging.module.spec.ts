import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { ServerLoggingModule } from './server-logging.module.js';

describe(ServerLoggingModule.name, () => {
  it('binds no app-wide enhancer: the event consumer inherits those (inheritAppConfig), and every handled event would pass through it', () => {
    const tokens = (ServerLoggingModule.forRoot({ enabled: true }).providers ?? []).map((p) => (typeof p === 'function' ? p : p.provide));
    expect(tokens.length).toBeGreaterThan(0);
    for (const enhancer of [APP_INTERCEPTOR, APP_GUARD, APP_PIPE, APP_FILTER]) expect(tokens).not.toContain(enhancer);
  });
});
