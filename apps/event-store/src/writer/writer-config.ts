import type { EventsModuleOptions } from '@app/events';

type Overrides = NonNullable<EventsModuleOptions['config']>;

/**
 * Events the transport holds at once in the event-store (gathered for the writer's batch handler
 * or being written): enough to fill both INSERTs in flight (2 × 500). With per-event handlers,
 * more cost more than it gave (each waiting handler kept its promises alive through young GCs:
 * 2,000 spent ~50–60 µs of CPU per event against ~45 with 1,000, 2026-12-04). With the batch
 * handler a waiting event is two array slots; 1,500 filled the batches (~490 rows against ~315)
 * but did not measurably beat 1,000 (backlog ÷ raw 0.73, 0.72 against 0.60, 0.96, 2026-12-05), so
 * it stays.
 */
export const WRITER_CONCURRENCY = 1_000;

/**
 * The event-store's defaults on top of the environment: `CONSUMER_CONCURRENCY`, when set, still
 * wins, and so do the caller's (a test's) overrides.
 * @example EventsModule.forConsumer({ service, consumer, config: writerConfig(config) })
 */
export function writerConfig(overrides: Overrides = {}, env: NodeJS.ProcessEnv = process.env): Overrides {
  return { ...(env.CONSUMER_CONCURRENCY ? {} : { concurrency: WRITER_CONCURRENCY }), ...overrides };
}
