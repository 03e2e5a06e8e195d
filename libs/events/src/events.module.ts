import { DynamicModule, FactoryProvider, Module, Provider } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ConfigModule } from '@nestjs/config';
import { EVENTS_CONFIG, EVENTS_SERVICE } from './events.constants.js';
import type { EventsConsumerOptions, EventsModuleOptions, EventsProducerOptions } from './events-module-options.js';
import { EventsEnv, eventsEnv } from './config/events-env.js';
import { EventsConfig, eventsConfigFromEnv } from './config/events-config.js';
import { EventsDatabaseModule } from './database/events-database.module.js';
import { NatsConnectionManager } from './nats/nats-connection.js';
import { StreamProvisioner } from './streams/stream-provisioner.js';
import { SchemaRegistry } from './schemas/schema-registry.js';
import { OutboxRepository } from './outbox/outbox.repository.js';
import { OutboxRelay } from './outbox/outbox-relay.js';
import { JetStreamPublisher } from './publisher/jetstream-publisher.js';
import { EventsService } from './publisher/events.service.js';
import { MetricsService } from './metrics/metrics.service.js';
import { MeshGauges } from './metrics/mesh-gauges.js';
import { TracingShutdown } from './tracing/tracing-shutdown.js';
import { DlqPublisher } from './dlq/dlq.publisher.js';
import { ReplayService } from './replay/replay.service.js';
import { JetStreamServer } from './transport/jetstream.server.js';
import { MeshExceptionFilter } from './transport/mesh-exception.filter.js';
import { AuthAttempts } from './server-logging/auth-attempts.js';
import { resolveServerLogging, SERVER_LOGGING_OPTIONS } from './server-logging/server-logging-options.js';

const OPTIONS = Symbol('EVENTS_MODULE_OPTIONS');

/**
 * `EventsModule.forRootAsync`: options built from injected configuration.
 * @example
 * EventsModule.forRootAsync({ imports: [ConfigModule], inject: [ConfigService], useFactory: (c: ConfigService) => ({ service: 'vendor-service', config: { natsServers: [c.getOrThrow('NATS_URL')] } }) })
 */
export interface EventsModuleAsyncOptions {
  imports?: DynamicModule['imports'];
  inject?: FactoryProvider['inject'];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- injected values are typed by the caller's factory
  useFactory: (...args: any[]) => EventsModuleOptions | Promise<EventsModuleOptions>;
  /** Given up front because TypeORM must know the entities when the module is built. */
  database?: EventsModuleOptions['database'];
}

const services: Provider[] = [
  NatsConnectionManager,
  StreamProvisioner,
  SchemaRegistry,
  OutboxRepository,
  OutboxRelay,
  JetStreamPublisher,
  EventsService,
  { provide: EVENTS_SERVICE, useExisting: EventsService },
  MetricsService,
  MeshGauges,
  TracingShutdown,
  DlqPublisher,
  ReplayService,
  // The API-key guard's reporter (http.auth_failed, behind ENABLE_SERVER_LOGGING) lives beside the
  // guard's own config: every app with an admin route has this module, so none can forget it.
  { provide: SERVER_LOGGING_OPTIONS, inject: [EVENTS_CONFIG], useFactory: (events: EventsConfig) => resolveServerLogging(events) },
  AuthAttempts,
  // App-wide so that the event consumer, which inherits the app's config, gets it (connect-event-consumer.ts).
  { provide: APP_FILTER, useClass: MeshExceptionFilter },
];

/** Only a consuming app has the transport: its durable's name is required to build one. */
const transport: Provider = JetStreamServer;

/** Environment (validated) with the app's overrides on top. */
function resolveConfig(options: EventsModuleOptions, env: EventsEnv): EventsConfig {
  return { ...eventsConfigFromEnv(env, { service: options.service, consumer: options.consumer }), ...options.config };
}

/**
 * The event bus for one app: NATS connection, streams, `EventsService`, outbox and relay, schemas,
 * replay, and (for consumer apps) the JetStream transport; the database through
 * `EventsDatabaseModule`. Configuration comes from the environment, validated at start-up
 * (`EventsEnv`), with per-app overrides.
 * @example
 * EventsModule.forProducer({ service: 'vendor-service', database: { entities: [Vendor], migrations: [CreateVendors] } })
 * EventsModule.forConsumer({ service: 'event-store', consumer: 'event-store', database: { entities: [StoredEvent] } })
 */
@Module({})
export class EventsModule {
  /** An app that publishes (and reads health, replay, the outbox) but consumes nothing. */
  static forProducer(options: EventsProducerOptions): DynamicModule {
    return EventsModule.build({ useFactory: () => options, database: options.database }, false);
  }

  /** An app with a durable consumer: adds the JetStream transport (`connectEventConsumer`). */
  static forConsumer(options: EventsConsumerOptions): DynamicModule {
    return EventsModule.build({ useFactory: () => options, database: options.database }, true);
  }

  /** Either role, by whether `consumer` is given. */
  static forRoot(options: EventsModuleOptions): DynamicModule {
    return options.consumer ? EventsModule.forConsumer({ ...options, consumer: options.consumer }) : EventsModule.forProducer(options);
  }

  /** Options from injected configuration; `consumer: true` when the factory names a durable consumer. */
  static forRootAsync(options: EventsModuleAsyncOptions & { consumer?: boolean }): DynamicModule {
    return EventsModule.build(options, options.consumer ?? false);
  }

  private static build(options: EventsModuleAsyncOptions, consumer: boolean): DynamicModule {
    // The app's own ConfigModule.forRoot, if any, can load .env files; this one only provides the host.
    const host = ConfigModule.forRoot({ ignoreEnvFile: true });
    // One module object, imported here and by TypeORM's factory, so both see the same config.
    const config: DynamicModule = {
      module: EventsConfigModule,
      imports: [...(options.imports ?? []), ConfigModule.forFeature(eventsEnv)],
      providers: [
        { provide: OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory },
        { provide: EVENTS_CONFIG, inject: [OPTIONS, eventsEnv.KEY], useFactory: resolveConfig },
      ],
      exports: [EVENTS_CONFIG],
    };
    return {
      module: EventsModule,
      global: true,
      imports: [host, config, EventsDatabaseModule.forRoot(config, options.database)],
      providers: consumer ? [...services, transport] : services,
      exports: [
        config,
        EventsService,
        EVENTS_SERVICE,
        SchemaRegistry,
        ReplayService,
        MetricsService,
        NatsConnectionManager,
        OutboxRepository,
        SERVER_LOGGING_OPTIONS,
        AuthAttempts,
        OutboxRelay,
        ...(consumer ? [JetStreamServer] : []),
      ],
    };
  }
}

@Module({})
class EventsConfigModule {}
