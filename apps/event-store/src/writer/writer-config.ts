import type { EventsModuleOptions } from '@app/events';

type Overrides = NonNullable<EventsModuleOptions['config']>;

/**
 * Handlers the transport runs at once in the event-store. Each writer handler waits for its
 * batch's commit, so this bounds how many rows can wait: two INSERTs of 500 in flight plus a
 * full batch accumulating need more than 1,000.
 */
export const WRITER_CONCURRENCY = 2_000;

/**
 * The event-store's defaults on top of the environment: `CONSUMER_CONCURRENCY`, when set, still
 * wins, and so do the caller's (a test's) overrides.
 * @example EventsModule.forRoot({ service, consumer, config: writerConfig(config) })
 */
export function writerConfig(overrides: Overrides = {}, env: NodeJS.ProcessEnv = process.env): Overrides {
  return { ...(env.CONSUMER_CONCURRENCY ? {} : { concurrency: WRITER_CONCURRENCY }), ...overrides };
}
