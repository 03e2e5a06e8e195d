import { Inject } from '@nestjs/common';
import type { CloudEvent, EventMessage, PublishOptions } from '../envelope/cloud-event.js';
import { EVENTS_SERVICE } from '../events.constants.js';
import type { PublishResult } from './publish-result.js';

/**
 * A subscriber's handler: the design's message view and the full envelope.
 * @example
 * const log: EventCallback = (message, event) => console.log(message.type, event.id);
 */
export type EventCallback = (message: EventMessage, event: CloudEvent) => void | Promise<void>;

/**
 * A live subscription; `unsubscribe()` stops the callbacks.
 * @example
 * const sub = events.subscribeToEventType('order.*', onOrder); sub.unsubscribe(); // when done
 */
export interface EventSubscription {
  unsubscribe(): void;
}

/**
 * The event path's health as {@link IEventsService.healthCheck} reports it.
 * @example const { status, nats } = await events.healthCheck(); // status: 'up' | 'down'
 */
export interface EventsHealth {
  status: 'up' | 'down';
  service: string;
  nats: { connected: boolean; server?: string };
  failedEventsCount: number;
  timestamp: string;
}

/**
 * The producer-side port of the mesh (DESIGN.md "EventsService"), provider-agnostic. Bound to the
 * JetStream `EventsService` under the {@link EVENTS_SERVICE} token; a test or another provider
 * replaces it with `{ provide: EVENTS_SERVICE, useClass: ... }` (e.g. `InMemoryEventsService` of
 * `@app/testing`). Every implementation passes the one contract suite, `eventsServiceContract`.
 * @example
 * constructor(@InjectEventsService() private readonly events: IEventsService) {}
 */
export interface IEventsService {
  /** Resolves once the event is durable (acknowledged by the broker, or queued for a retry). */
  publishEvent<T>(type: string, data: T, options?: PublishOptions): Promise<PublishResult>;
  /** Live (non-durable) view of every event. */
  subscribeToEvents(callback: EventCallback): EventSubscription;
  /** Live (non-durable) view of one type or a pattern (`vendor.*`, `order.>`). */
  subscribeToEventType(pattern: string, callback: EventCallback): EventSubscription;
  healthCheck(): Promise<EventsHealth>;
}

/**
 * Injects the {@link IEventsService} bound to the `EventsService` token.
 * @example
 * constructor(@InjectEventsService() private readonly events: IEventsService) {}
 */
export const InjectEventsService = (): ParameterDecorator => Inject(EVENTS_SERVICE);
