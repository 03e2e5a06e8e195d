import { CreateEvents1734000000000 } from './1734000000000-create-events.js';
import { TextEventIds1764700000000 } from './1764700000000-text-event-ids.js';
import { EventSummaries1764700001000 } from './1764700001000-event-summaries.js';
import { KeysetFilterIndexes1764700002000 } from './1764700002000-keyset-filter-indexes.js';
import { DailyRollup1764700003000 } from './1764700003000-daily-rollup.js';
import { TimePartitions1764700004000 } from './1764700004000-time-partitions.js';
import { CoveringTimeIndex1764700005000 } from './1764700005000-covering-time-index.js';
import { OrderedSummaryRebuild1764700006000 } from './1764700006000-ordered-summary-rebuild.js';
import { SpanSummaries1765000200000 } from './1765000200000-span-summaries.js';
import { EventMessages1765000500000 } from './1765000500000-event-messages.js';
import { CausationIndex1765000700000 } from './1765000700000-causation-index.js';
import { AuditEvents1765000701000 } from './1765000701000-audit-events.js';
import { ClientKeys1765000900000 } from './1765000900000-client-keys.js';
import { SummariesAggregateOnce1765001000000 } from './1765001000000-summaries-aggregate-once.js';

/** Every migration of the event store's schema, oldest first (TypeORM runs the ones not yet applied). */
export const EVENT_STORE_MIGRATIONS = [
  CreateEvents1734000000000,
  TextEventIds1764700000000,
  EventSummaries1764700001000,
  KeysetFilterIndexes1764700002000,
  DailyRollup1764700003000,
  TimePartitions1764700004000,
  CoveringTimeIndex1764700005000,
  OrderedSummaryRebuild1764700006000,
  SpanSummaries1765000200000,
  EventMessages1765000500000,
  CausationIndex1765000700000,
  AuditEvents1765000701000,
  ClientKeys1765000900000,
  SummariesAggregateOnce1765001000000,
];
