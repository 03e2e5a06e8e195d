import { AckPolicy, ConsumerConfig, DeliverPolicy, JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';

export interface DurableSpec {
  stream: string;
  durable: string;
  filterSubject: string;
  maxDeliver: number;
  ackWaitMs: number;
  maxAckPending: number;
  replicas: number;
  deliverPolicy: 'all' | 'new';
}

/**
 * Creates the durable pull consumer or updates the fields that may change in place, replicas
 * included (never lowered, as for the streams). Replicas of one app call this concurrently:
 * `add` with an identical config is idempotent on the server.
 */
export async function ensureDurable(jsm: JetStreamManager, spec: DurableSpec): Promise<void> {
  const config: Partial<ConsumerConfig> = {
    durable_name: spec.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: spec.deliverPolicy === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
    filter_subject: spec.filterSubject,
    max_deliver: spec.maxDeliver,
    ack_wait: nanos(spec.ackWaitMs),
    max_ack_pending: spec.maxAckPending,
    num_replicas: spec.replicas,
  };
  const info = () => jsm.consumers.info(spec.stream, spec.durable).catch(() => undefined);
  let existing = await info();
  if (!existing) {
    try {
      await jsm.consumers.add(spec.stream, config);
      return;
    } catch (err) {
      existing = await info();
      if (!existing) throw err;
    }
  }
  const { deliver_policy: _policy, durable_name: _name, ...mutable } = config;
  // Like the streams, replicas only go up (R1 → R3 in place, nats-server 2.9 allows it).
  mutable.num_replicas = Math.max(existing.config.num_replicas ?? 0, spec.replicas);
  await jsm.consumers.update(spec.stream, spec.durable, mutable);
}
