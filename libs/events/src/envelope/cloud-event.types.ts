/** The envelope's shape, free of runtime dependencies: the console's browser code imports it as a type (`@app/events/views`). */

/**
 * The envelope's `level` values, least to most severe (DESIGN.md); `success` sits between info and warn
 * (the Strapi design's severity): a good outcome worth noticing.
 * @example
 * if (!EVENT_LEVELS.includes(level)) throw new BadRequestException(`level must be one of ${EVENT_LEVELS.join(', ')}`);
 */
export const EVENT_LEVELS = ['debug', 'info', 'success', 'warn', 'error'] as const;

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
  /** One or more of user, admin, superadmin, all, comma-separated (`user,admin`). */
  audience?: string;
  /** The kind of event: `Notification`, `Error`, `Info`, … */
  category?: string;
  /** A sentence for the end user, shown in the user feed instead of the rendered message. */
  usermessage?: string;
  correlationid?: string;
  causationid?: string;
  traceparent?: string;
  [extension: string]: unknown;
}
