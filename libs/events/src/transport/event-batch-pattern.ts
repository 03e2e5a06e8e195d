import { EventPattern } from '@nestjs/microservices';

/**
 * How the transport gathers a batch handler's events.
 * @example
 * @EventBatchPattern('>', { maxEvents: 500, maxInFlight: 2, maxBytes: 16 * 1024 * 1024 })
 */
export interface EventBatchOptions {
  /** Most events in one call (default 500). */
  maxEvents?: number;
  /** Most bytes of received events in one call, one event at least (default: no limit). */
  maxBytes?: number;
  /** Calls running at once; while all are busy, events gather for the next free one (default 2). */
  maxInFlight?: number;
}

/** What the transport reads from a handler's `extras` (`EventPattern`'s third argument). */
export const BATCH_EXTRA = 'meshBatch';

export type ResolvedBatchOptions = Required<Omit<EventBatchOptions, 'maxBytes'>> & { maxBytes: number };

const DEFAULTS: ResolvedBatchOptions = { maxEvents: 500, maxInFlight: 2, maxBytes: Infinity };

/** Checks the options where they are declared: a zero would make a handler that is never called. */
export function resolveBatchOptions(pattern: string, options: EventBatchOptions = {}): ResolvedBatchOptions {
  const o = { ...DEFAULTS, ...options };
  const ok = Number.isInteger(o.maxEvents) && o.maxEvents >= 1 && Number.isInteger(o.maxInFlight) && o.maxInFlight >= 1 && o.maxBytes > 0;
  if (!ok) {
    throw new Error(`@EventBatchPattern('${pattern}'): maxEvents and maxInFlight must be integers of at least 1, maxBytes positive (got ${JSON.stringify(options)})`);
  }
  return o;
}

/**
 * Declares a batch handler: the JetStream transport calls it once with the events of one pull or
 * event-loop turn instead of once per event: `@Payload()` is the array of events, `@Ctx()` the
 * {@link JetStreamBatch} (their messages, lane, and `fail(i, err)`). Take the batch with `@Ctx()`:
 * pipes run on the payload only, and a ValidationPipe would rebuild a class instance.
 * Resolving acks every event not marked with `batch.fail(i, err)`; throwing fails them all (each
 * retried with backoff, or dead-lettered on its last delivery or a NonRetryableError); marked
 * events go through the same policy alone. It must be the only handler of the types it matches
 * (listen() refuses an overlapping pattern), and the events of one call come from one durable
 * (live or replay). Events are not run inside their mesh context (AsyncLocalStorage) nor in a
 * consumer span: a batch handler that publishes for an event wraps that in `batch.inContext(i, fn)`.
 * @example
 * @EventBatchPattern('>', { maxEvents: 500 })
 * async store(@Payload() events: CloudEvent[], @Ctx() batch: JetStreamBatch): Promise<void> {
 *   const refused = await this.insert(events);
 *   for (const [i, err] of refused) batch.fail(i, new NonRetryableError(err.message));
 * }
 */
export function EventBatchPattern(pattern: string, options: EventBatchOptions = {}): MethodDecorator {
  return EventPattern<string>(pattern, { [BATCH_EXTRA]: resolveBatchOptions(pattern, options) });
}

/** The batch options of a handler declared with {@link EventBatchPattern}, undefined for a per-event one. */
export const batchOptionsOf = (extras: Record<string, unknown> | undefined): ResolvedBatchOptions | undefined =>
  extras?.[BATCH_EXTRA] as ResolvedBatchOptions | undefined;
