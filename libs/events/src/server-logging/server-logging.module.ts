import { type DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { EventsConfig } from '../config/events-config.js';
import { EVENTS_CONFIG } from '../events.constants.js';
import { AuthAttempts } from './auth-attempts.js';
import { RequestLoggerInterceptor } from './request-logger.interceptor.js';
import { serverLoggingFromEnv, type ServerLoggingOptions } from './server-logging-env.js';
import { SERVER_LOGGING_OPTIONS } from './server-logging-options.js';

/**
 * Publishes the app's request events (see {@link RequestLoggerInterceptor}) and the API-key guard's
 * refusals, aggregated (`http.auth_failed`, see AuthAttempts), when ENABLE_SERVER_LOGGING is on and
 * ENABLE_EVENT_LOGGING (the master switch) is not off; SERVER_LOGGING_SAMPLE_RATE,
 * SERVER_LOGGING_SLOW_MS and SERVER_LOGGING_AUTH_WINDOW tune it. Global, so the guard of every
 * module finds AuthAttempts. Needs EventsModule. `overrides` win over the environment (tests).
 * @example imports: [EventsModule.forProducer({ service: 'orders' }), ServerLoggingModule.forRoot()]
 */
@Module({})
export class ServerLoggingModule {
  static forRoot(overrides: Partial<ServerLoggingOptions> = {}): DynamicModule {
    return {
      module: ServerLoggingModule,
      global: true,
      providers: [
        {
          provide: SERVER_LOGGING_OPTIONS,
          inject: [EVENTS_CONFIG],
          useFactory: (events: EventsConfig): ServerLoggingOptions => {
            const options = { ...serverLoggingFromEnv(), ...overrides };
            return { ...options, enabled: options.enabled && events.enableEventLogging };
          },
        },
        { provide: APP_INTERCEPTOR, useClass: RequestLoggerInterceptor },
        AuthAttempts,
      ],
      exports: [AuthAttempts],
    };
  }
}
