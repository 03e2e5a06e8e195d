import type { EventsModuleOptions } from '@app/events';

type Overrides = NonNullable<EventsModuleOptions['config']>;

/**
 * Handlers the transport runs at once in the event-store. Each writer handler waits for its
 * batch's commit, so this bounds how many rows can wait: enough to fill both INSERTs in flight
 * (2 × 500). More than that cost more than it gave: each waiting handler keeps its message, event,
 * row and promises alive through young-generation GCs, and with 2,000 the app spent ~50–60 µs of
 * CPU per event against ~45 with 1,000, backlog ÷ raw 0.58–0.65 against 0.73–0.81 (bench
 * `BENCH_CONCURRENCY=…`, 2026-12-04, a busy machine), although its batches were fuller.
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
