import type { EventsConfig } from './config/events-config.js';
import type { MeshDatabaseOptions } from './database/mesh-data-source.js';

/**
 * What an app that only publishes gives `EventsModule.forProducer`.
 * @example
 * EventsModule.forProducer({ service: 'vendor-service', database: { entities: [Vendor] } })
 */
export interface EventsProducerOptions {
  /** The app's name: the envelope's `source`, the health `service`, the metrics label. */
  service: string;
  /** Overrides of what is otherwise read from the (validated) environment. */
  config?: Partial<Omit<EventsConfig, 'service' | 'consumer'>>;
  /** The app's TypeORM entities and migrations; the library's own are added. */
  database?: MeshDatabaseOptions;
}

/**
 * What a consuming app gives `EventsModule.forConsumer`: its durable consumer's name is required.
 * @example
 * EventsModule.forConsumer({ service: 'event-store', consumer: 'event-store', config: { concurrency: 64 } })
 */
export interface EventsConsumerOptions extends EventsProducerOptions {
  /** This app's durable consumer name (`event-store`, ...). */
  consumer: string;
}

/**
 * Either role: `forRoot` picks by whether `consumer` is given.
 * @example EventsModule.forRoot({ service: 'recorder', consumer: process.env.CONSUMER })
 */
export interface EventsModuleOptions extends EventsProducerOptions {
  consumer?: string;
}
