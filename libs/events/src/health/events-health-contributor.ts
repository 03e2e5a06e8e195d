import type { HealthIndicatorResult } from '@nestjs/terminus';

/** Token of the app's own indicators (`EventsHealthModule.forRoot({ contributors })`). */
export const EVENTS_HEALTH_CONTRIBUTORS = Symbol('EVENTS_HEALTH_CONTRIBUTORS');

/**
 * One of an app's own dependencies on the event path (a search provider, an SMS gateway), shown in
 * `/health/events` under its key. Build the result with terminus' `HealthIndicatorService`:
 * `.up(details)` reports it, `.down(details)` turns the whole check into a 503.
 * @example
 * class SearchHealth implements EventsHealthContributor { isHealthy() { return Promise.resolve(this.health.check('search').up()); } }
 */
export interface EventsHealthContributor {
  isHealthy(): Promise<HealthIndicatorResult>;
}
