import { matchesPattern, type CloudEvent } from '@app/events';
import { matchesFilter, type EventFilter } from './event-filter.js';

/** What fan-out needs of a subscription. */
export interface MatchableSubscription {
  id: string;
  event_types: string[];
  filter: EventFilter | null;
  max_attempts: number;
}

/** The subscriptions an event goes to: one of its patterns matches the type and its filter holds on the data. */
export const matchingSubscriptions = <S extends MatchableSubscription>(event: CloudEvent, subscriptions: readonly S[]): S[] =>
  subscriptions.filter((s) => s.event_types.some((p) => matchesPattern(event.type, p)) && matchesFilter(s.filter, event.data));
