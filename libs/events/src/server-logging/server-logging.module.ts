import { type DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { RequestLoggerInterceptor, SERVER_LOGGING_OPTIONS } from './request-logger.interceptor.js';
import { serverLoggingFromEnv, type ServerLoggingOptions } from './server-logging-env.js';

/**
 * Publishes the app's request events (see {@link RequestLoggerInterceptor}) when
 * ENABLE_SERVER_LOGGING is on; SERVER_LOGGING_SAMPLE_RATE and SERVER_LOGGING_SLOW_MS tune it.
 * Needs EventsModule (for the EventsService). `overrides` win over the environment (tests).
 * @example imports: [EventsModule.forProducer({ service: 'orders' }), ServerLoggingModule.forRoot()]
 */
@Module({})
export class ServerLoggingModule {
  static forRoot(overrides: Partial<ServerLoggingOptions> = {}): DynamicModule {
    return {
      module: ServerLoggingModule,
      providers: [
        { provide: SERVER_LOGGING_OPTIONS, useFactory: (): ServerLoggingOptions => ({ ...serverLoggingFromEnv(), ...overrides }) },
        { provide: APP_INTERCEPTOR, useClass: RequestLoggerInterceptor },
      ],
    };
  }
}
