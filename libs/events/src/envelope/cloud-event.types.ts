/** The envelope's shape, free of runtime dependencies: the console's browser code imports it as a type (`@app/events/views`). */

/**
 * The envelope's `level` values, least to most severe (DESIGN.md).
 * @example
 * if (!EVENT_LEVELS.includes(level)) throw new BadRequestException(`level must be one of ${EVENT_LEVELS.join(', ')}`);
 */
export const EVENT_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/**
 * One of {@link EVENT_LEVELS}.
 * @example const level: EventLevel = 'warn';
 */
export type EventLevel = (typeof EVENT_LEVELS)[number];

/**
 * The CloudEvents 1.0 structured JSON envelope every event travels in (DESIGN.md "Subjects and the envelope").
 * @example
 * async onOrderCreated(event: CloudEvent<Order>) { await this.orders.record(event.data); } // an @EventPattern('order.created') handler
 */
export interface CloudEvent<T = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  subject?: string;
  datacontenttype: 'application/json';
  dataschema?: string;
  data: T;
  level: EventLevel;
  resourcetype?: string;
  resourceid?: string;
  actor?: string;
  audience?: string;
  correlationid?: string;
  causationid?: string;
  traceparent?: string;
  [extension: string]: unknown;
}
