import type { EventsModuleOptions } from '@app/events';

type Overrides = NonNullable<EventsModuleOptions['config']>;

/**
 * Events the transport holds at once: two handler calls of 1,000 being written and the next 1,000
 * gathering while they run need room for 3,000.
 */
export const SEARCH_SYNC_CONCURRENCY = 3_000;

/**
 * Deliveries before dead-lettering: with the default backoff (1s, 5s, 30s, then 2m) 30 deliveries
 * ride out an index outage of about 50 minutes (36 s + 26 × 2 min), where the mesh default (5)
 * would dead-letter after under 3.
 */
export const SEARCH_SYNC_MAX_DELIVER = 30;

/**
 * search-sync's defaults on top of the environment: CONSUMER_CONCURRENCY and CONSUMER_MAX_DELIVER,
 * when set, still win, and so do the caller's (a test's) overrides.
 */
export function consumerConfig(overrides: Overrides = {}, env: NodeJS.ProcessEnv = process.env): Overrides {
  return {
    ...(env.CONSUMER_CONCURRENCY ? {} : { concurrency: SEARCH_SYNC_CONCURRENCY }),
    ...(env.CONSUMER_MAX_DELIVER ? {} : { maxDeliver: SEARCH_SYNC_MAX_DELIVER }),
    ...overrides,
  };
}
