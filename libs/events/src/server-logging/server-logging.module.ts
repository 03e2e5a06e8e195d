import { type DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { EventsConfig } from '../config/events-config.js';
import { EVENTS_CONFIG } from '../events.constants.js';
import { RequestLoggerInterceptor } from './request-logger.interceptor.js';
import type { ServerLoggingOptions } from './server-logging-env.js';
import { resolveServerLogging, SERVER_LOGGING_OPTIONS } from './server-logging-options.js';

/**
 * Publishes the app's request events (see {@link RequestLoggerInterceptor}) when ENABLE_SERVER_LOGGING
 * is on and ENABLE_EVENT_LOGGING (the master switch) is not off; SERVER_LOGGING_SAMPLE_RATE and
 * SERVER_LOGGING_SLOW_MS tune it. An app opts in, as every request costs an event; a consumer app
 * should not: the interceptor is global, and the event consumer inherits the app's global
 * interceptors, so every handled event would pass through Nest's interceptor chain too (measured:
 * the event store's writer fell from ~18k to ~14k events/s). The API-key
 * guard's refusals (`http.auth_failed`, AuthAttempts) need no import: EventsModule reports them in
 * every app. Needs EventsModule. `overrides` win over the environment (tests).
 * @example imports: [EventsModule.forProducer({ service: 'orders' }), ServerLoggingModule.forRoot()]
 */
@Module({})
export class ServerLoggingModule {
  static forRoot(overrides: Partial<ServerLoggingOptions> = {}): DynamicModule {
    return {
      module: ServerLoggingModule,
      providers: [
        // Its own, shadowing EventsModule's within this module, so that `overrides` reach the interceptor.
        { provide: SERVER_LOGGING_OPTIONS, inject: [EVENTS_CONFIG], useFactory: (events: EventsConfig): ServerLoggingOptions => resolveServerLogging(events, overrides) },
        { provide: APP_INTERCEPTOR, useClass: RequestLoggerInterceptor },
      ],
    };
  }
}
