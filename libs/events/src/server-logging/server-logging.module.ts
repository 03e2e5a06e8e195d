import { type DynamicModule, Inject, Module, type NestModule } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { EventsConfig } from '../config/events-config.js';
import { EVENTS_CONFIG } from '../events.constants.js';
import { RequestLoggerMiddleware } from './request-logger.middleware.js';
import type { ServerLoggingOptions } from './server-logging-env.js';
import { resolveServerLogging, SERVER_LOGGING_OPTIONS } from './server-logging-options.js';

/**
 * Publishes the app's HTTP request events (see {@link RequestLoggerMiddleware}) when
 * ENABLE_SERVER_LOGGING is on and ENABLE_EVENT_LOGGING (the master switch) is not off;
 * SERVER_LOGGING_SAMPLE_RATE and SERVER_LOGGING_SLOW_MS tune it. The HTTP adapter's request hook,
 * set only when on: the event consumer's handlers never pass through it (an interceptor, even
 * one that returns at once outside HTTP, would be on every handled event: the event store's writer
 * fell from ~18k to ~14k events/s with one), so consumer apps import it too. The API-key guard's
 * refusals (`http.auth_failed`, AuthAttempts) need no import: EventsModule reports them in every
 * app. Needs EventsModule and the HTTP edge's exception filter (configureHttpEdge) for the
 * exception's class. `overrides` win over the environment (tests).
 * @example imports: [EventsModule.forProducer({ service: 'orders' }), ServerLoggingModule.forRoot()]
 */
@Module({})
export class ServerLoggingModule implements NestModule {
  constructor(
    @Inject(SERVER_LOGGING_OPTIONS) private readonly options: ServerLoggingOptions,
    private readonly adapterHost: HttpAdapterHost,
    private readonly requestLogger: RequestLoggerMiddleware,
  ) {}

  static forRoot(overrides: Partial<ServerLoggingOptions> = {}): DynamicModule {
    return {
      module: ServerLoggingModule,
      providers: [
        // Its own, shadowing EventsModule's within this module, so that `overrides` reach the middleware (built in this module's scope).
        { provide: SERVER_LOGGING_OPTIONS, inject: [EVENTS_CONFIG], useFactory: (events: EventsConfig): ServerLoggingOptions => resolveServerLogging(events, overrides) },
        RequestLoggerMiddleware,
      ],
    };
  }

  /** Nest calls it for HTTP apps only, before any request. */
  configure(): void {
    // Off: not even set, so a request pays nothing either.
    if (!this.options.enabled) return;
    // The adapter's request hook runs in its first layer, ahead of configureHttpEdge's body parser, whose
    // refusals (413, 415, malformed JSON) skip every later middleware. Nothing else in the mesh sets it.
    this.adapterHost.httpAdapter.setOnRequestHook(this.requestLogger.use.bind(this.requestLogger));
  }
}
