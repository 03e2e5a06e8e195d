import { DiscardPolicy, RetentionPolicy, StorageType, StreamConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { EventsConfig } from '../config/events-config.js';
import { STREAM_DLQ, STREAM_EVENTS, STREAM_REPLAY } from '../events.constants.js';

const DAY_MS = 86_400_000;

/**
 * The three streams of DESIGN.md, as JetStream configurations for this deployment.
 * @example
 * for (const spec of streamSpecs(config)) await jsm.streams.add(spec);
 */
export function streamSpecs(config: EventsConfig): (Partial<StreamConfig> & { name: string })[] {
  const common = {
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    num_replicas: config.streamReplicas,
    duplicate_window: nanos(120_000),
  };
  return [
    { ...common, name: STREAM_EVENTS, subjects: ['events.>'], max_age: nanos(config.eventsMaxAgeMs) },
    { ...common, name: STREAM_DLQ, subjects: ['dlq.>'], max_age: nanos(30 * DAY_MS) },
    { ...common, name: STREAM_REPLAY, subjects: ['replay.>'], max_age: nanos(DAY_MS) },
  ];
}
