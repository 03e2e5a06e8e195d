import type { EventsConfig } from './config/events-config.js';
import type { MeshDatabaseOptions } from './database/mesh-data-source.js';

export interface EventsModuleOptions {
  /** The app's name: the envelope's `source`, the health `service`, the metrics label. */
  service: string;
  /** This app's durable consumer name, when it consumes events (`event-store`, ...). */
  consumer?: string;
  /** Overrides of what is otherwise read from the (validated) environment. */
  config?: Partial<Omit<EventsConfig, 'service' | 'consumer'>>;
  /** The app's TypeORM entities and migrations; the outbox's own are added. */
  database?: MeshDatabaseOptions;
}
