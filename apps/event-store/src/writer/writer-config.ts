import type { EventsModuleOptions } from '@app/events';

type Overrides = NonNullable<EventsModuleOptions['config']>;

/**
 * Events the transport holds at once in the event-store (gathered for the writer's batch handler
 * or being written): both INSERTs in flight (2 × 500) and a third batch filling meanwhile. With
 * 1,000 the gate was full while two INSERTs ran, so the next batch started with what one turn
 * brought (~315 rows on average against raw's ~490). Quiet machine, 2026-12-05, backlog ÷ raw in
 * alternated single rounds (`BENCH_CONCURRENCY=… BENCH_MODES=backlog`): 1,500 → 0.86, 0.87, 0.84,
 * 0.79, 0.86 (~490 rows per INSERT); 1,000 → 0.76, 0.75, 0.75; 2,000 → 0.84, 0.82 (no better).
 * (With per-event handlers more had cost more: each waiting handler kept its promises alive.)
 */
export const WRITER_CONCURRENCY = 1_500;

/**
 * The event-store's defaults on top of the environment: `CONSUMER_CONCURRENCY`, when set, still
 * wins, and so do the caller's (a test's) overrides.
 * @example EventsModule.forConsumer({ service, consumer, config: writerConfig(config) })
 */
export function writerConfig(overrides: Overrides = {}, env: NodeJS.ProcessEnv = process.env): Overrides {
  return { ...(env.CONSUMER_CONCURRENCY ? {} : { concurrency: WRITER_CONCURRENCY }), ...overrides };
}
