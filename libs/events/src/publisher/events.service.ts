import { Inject, Injectable, Logger } from '@nestjs/common';
import { Subscription } from '@nats-io/transport-node';
import { EntityManager } from 'typeorm';
import { EVENTS_CONFIG } from '../events.constants.js';
import type { EventsConfig } from '../config/events-config.js';
import { assertEventSize } from '../envelope/event-size.js';
import { assertStorable } from '../envelope/jsonb-storable.js';
import { CloudEvent, createEnvelope, EventLevel, PublishOptions, toEventMessage } from '../envelope/cloud-event.js';
import { parseEnvelope } from '../envelope/envelope-parser.js';
import { subjectForPattern, subjectForType } from '../envelope/event-type.js';
import { NatsConnectionManager } from '../nats/nats-connection.js';
import { SchemaRegistry } from '../schemas/schema-registry.js';
import { OutboxRepository } from '../outbox/outbox.repository.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { JetStreamPublisher, JetStreamUnavailableError } from './jetstream-publisher.js';
import { PublishResult } from './publish-result.js';
import { applyMeshContext } from '../context/mesh-context.js';
import { endSpan, startPublishSpan } from '../tracing/mesh-tracer.js';
import type { EventCallback, EventsHealth, EventSubscription, IEventsService } from './events-service.port.js';

const LEVEL_RANK: Record<EventLevel, number> = { debug: 0, info: 1, success: 2, warn: 3, error: 4 };

/**
 * The producer side of the mesh over JetStream: the {@link IEventsService} bound to the
 * `EventsService` token. Inject it by class for what the port does not carry (`publishInTransaction`).
 * @example
 * await events.publishEvent('vendor.created', vendor, { subject: vendor.id, resourceType: 'vendor' });
 */
@Injectable()
export class EventsService implements IEventsService {
  private readonly logger = new Logger(EventsService.name);
  /** The counter child of direct publishes, labelled once rather than per event. */
  private readonly publishedDirect;

  constructor(
    @Inject(EVENTS_CONFIG) private readonly config: EventsConfig,
    private readonly nats: NatsConnectionManager,
    private readonly schemas: SchemaRegistry,
    private readonly outbox: OutboxRepository,
    private readonly publisher: JetStreamPublisher,
    private readonly metrics: MetricsService,
  ) {
    this.publishedDirect = metrics.published.labels({ service: config.service, via: 'direct' });
  }

  /**
   * Publishes an event and resolves once JetStream acknowledged it, or once it is safely in the
   * outbox when JetStream cannot take it (the relay publishes it later with the same id).
   * Rejects at once for an invalid type or data that breaks the registered schema.
   */
  async publishEvent<T>(type: string, data: T, options: PublishOptions = {}): Promise<PublishResult> {
    const event = this.createEvent(type, data, options);
    const subject = subjectForType(event.type);
    const span = startPublishSpan(event, subject, 'direct');
    const payload = this.serialize(event);
    try {
      // The header only with a span: the envelope carries the inherited traceparent anyway.
      const ack = await this.publisher.publish(subject, payload, event.id, span && event.traceparent);
      this.publishedDirect.inc();
      endSpan(span);
      return { id: event.id, queued: false, seq: ack.seq, duplicate: ack.duplicate };
    } catch (err) {
      endSpan(span, err);
      if (!(err instanceof JetStreamUnavailableError)) throw err;
      await this.outbox.add([{ id: event.id, source: this.config.service, subject, payload, lastError: err.message }]);
      this.metrics.queued.inc({ service: this.config.service });
      this.logger.warn(`${event.type} ${event.id} queued in the outbox: ${err.message}`);
      return { id: event.id, queued: true };
    }
  }

  /**
   * Writes the event to the outbox inside the caller's transaction, so the business write and the
   * event commit together or not at all. The relay publishes it right after the commit.
   * @example
   * await dataSource.transaction(async (m) => { await m.save(vendor); await events.publishInTransaction(m, 'vendor.created', vendor); });
   */
  async publishInTransaction<T>(manager: EntityManager, type: string, data: T, options: PublishOptions = {}): Promise<PublishResult> {
    const event = this.createEvent(type, data, options);
    const subject = subjectForType(event.type);
    const span = startPublishSpan(event, subject, 'outbox');
    try {
      await this.outbox.add([{ id: event.id, source: this.config.service, subject, payload: this.serialize(event) }], manager);
      endSpan(span);
    } catch (err) {
      endSpan(span, err);
      throw err;
    }
    this.metrics.queued.inc({ service: this.config.service });
    return { id: event.id, queued: true };
  }

  /**
   * Builds and validates the envelope without publishing it (type rule, registered schema), with
   * correlation, causation and trace inherited from the current request or handled event.
   */
  createEvent<T>(type: string, data: T, options: PublishOptions = {}): CloudEvent<T> {
    const event = createEnvelope(type, data, this.config.service, options);
    applyMeshContext(event);
    const schemaId = this.schemas.validate(type, data, options.schemaVersion);
    if (schemaId) event.dataschema = schemaId;
    return event;
  }

  /**
   * The envelope as sent. Refuses one over `EVENT_MAX_BYTES` (consumers would dead-letter it) or
   * holding text PostgreSQL cannot store (the event store could never keep it).
   */
  private serialize(event: CloudEvent): string {
    const payload = JSON.stringify(event);
    assertEventSize(payload, this.config.eventMaxBytes);
    assertStorable(payload, event);
    return payload;
  }

  debug<T>(type: string, payload: T, options?: PublishOptions) {
    return this.logEvent('debug', type, payload, options);
  }
  info<T>(type: string, payload: T, options?: PublishOptions) {
    return this.logEvent('info', type, payload, options);
  }
  warn<T>(type: string, payload: T, options?: PublishOptions) {
    return this.logEvent('warn', type, payload, options);
  }
  error<T>(type: string, payload: T, options?: PublishOptions) {
    return this.logEvent('error', type, payload, options);
  }

  /**
   * System events at a level: skipped (resolving to undefined) when `ENABLE_EVENT_LOGGING` or
   * `ENABLE_SYSTEM_LOGGING` is off or the level is below `LOG_LEVEL`.
   */
  private async logEvent<T>(level: EventLevel, type: string, payload: T, options: PublishOptions = {}): Promise<PublishResult | undefined> {
    if (!this.config.enableEventLogging || !this.config.enableSystemLogging || LEVEL_RANK[level] < LEVEL_RANK[this.config.logLevel]) return undefined;
    return this.publishEvent(type, payload, { ...options, level });
  }

  /** Live (non-durable) view of every event, as the original `EventMessage` plus the envelope. */
  subscribeToEvents(callback: EventCallback): EventSubscription {
    return this.subscribe('events.>', callback);
  }

  /** Live (non-durable) view of one type or a NATS-style pattern (`vendor.*`, `order.>`). */
  subscribeToEventType(pattern: string, callback: EventCallback): EventSubscription {
    return this.subscribe(subjectForPattern(pattern), callback);
  }

  private subscribe(subject: string, callback: EventCallback): EventSubscription {
    let sub: Subscription | undefined;
    let cancelled = false;
    const attach = () => {
      const nc = this.nats.connection;
      if (cancelled || sub || !nc) return;
      sub = nc.subscribe(subject, {
        callback: (err, msg) => {
          if (err) return this.logger.warn(`subscription ${subject} ended: ${err.message}`);
          let event: CloudEvent;
          try {
            event = parseEnvelope(msg.data);
          } catch (e) {
            return this.logger.warn(`ignoring a malformed message on ${msg.subject}: ${(e as Error).message}`);
          }
          // Called inside the promise: a callback that throws synchronously would otherwise throw
          // into nats.js' dispatch and break the connection's other subscriptions and PubAcks.
          new Promise<void>((resolve) => resolve(callback(toEventMessage(event), event))).catch((e: Error) =>
            this.logger.error(`subscriber of ${subject} failed on ${event.id}: ${e.message}`, e.stack),
          );
        },
      });
    };
    const stopAttaching = this.nats.onConnected(attach);
    attach();
    return {
      unsubscribe: () => {
        cancelled = true;
        stopAttaching();
        sub?.unsubscribe();
      },
    };
  }

  /** A summary of the producer path: NATS connection and the outbox backlog. */
  async healthCheck(): Promise<EventsHealth> {
    const connected = this.nats.isConnected;
    const failedEventsCount = await this.outbox.count(this.config.service).catch(() => -1);
    return {
      status: connected && failedEventsCount >= 0 ? 'up' : 'down',
      service: this.config.service,
      nats: { connected, server: connected ? this.nats.connection?.getServer() : undefined },
      failedEventsCount,
      timestamp: new Date().toISOString(),
    };
  }
}
