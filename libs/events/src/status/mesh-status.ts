import type { ConsumerInfo, JetStreamManager, StreamInfo } from '@nats-io/jetstream';
import { STREAM_DLQ, STREAM_EVENTS, STREAM_REPLAY } from '../events.constants.js';
import { DeadLetterStore } from '../dlq/dead-letter-store.js';
import type { StreamStatus, DurableStatus, MeshStatus } from './mesh-status.views.js';
export type { StreamStatus, DurableStatus, MeshStatus } from './mesh-status.views.js';

export const MESH_STREAMS = [STREAM_EVENTS, STREAM_DLQ, STREAM_REPLAY] as const;

const isoOrUndefined = (t: string | undefined) => (t && !t.startsWith('0001-01-01') ? new Date(t).toISOString() : undefined);

function streamStatus(info: StreamInfo): StreamStatus {
  const { state, config } = info;
  const empty = state.messages === 0;
  return {
    name: config.name,
    subjects: config.subjects ?? [],
    messages: state.messages,
    bytes: state.bytes,
    firstSeq: state.first_seq,
    firstTime: empty ? undefined : isoOrUndefined(state.first_ts),
    lastSeq: state.last_seq,
    lastTime: empty ? undefined : isoOrUndefined(state.last_ts),
    consumers: state.consumer_count,
  };
}

/** The later of the last delivery and the last acknowledgement (servers send RFC 3339 times). */
function lastActive(info: ConsumerInfo): string | undefined {
  const times = [info.delivered?.last_active, info.ack_floor?.last_active]
    .map((t) => (t === undefined ? NaN : Date.parse(String(t))))
    .filter((t) => Number.isFinite(t));
  return times.length > 0 ? new Date(Math.max(...times)).toISOString() : undefined;
}

function durableStatus(info: ConsumerInfo): DurableStatus {
  return {
    stream: info.stream_name,
    name: info.name,
    filterSubject: info.config.filter_subject || undefined,
    pending: info.num_pending,
    ackPending: info.num_ack_pending,
    redelivered: info.num_redelivered,
    waiting: info.num_waiting,
    lastActive: lastActive(info),
  };
}

/**
 * A read-only picture of the mesh on one NATS server: streams, durable consumers with their lag,
 * and DLQ depth per consumer. Ephemeral consumers (tails, ordered consumers) are left out.
 * @example const status = await meshStatus(await jetstreamManager(nc));
 */
export async function meshStatus(jsm: JetStreamManager): Promise<MeshStatus> {
  const streams: StreamStatus[] = [];
  for await (const info of jsm.streams.list()) streams.push(streamStatus(info));
  const rank = (name: string) => (MESH_STREAMS as readonly string[]).indexOf(name) + 1 || MESH_STREAMS.length + 1;
  streams.sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));

  const durables: DurableStatus[] = [];
  for (const stream of streams) {
    if (stream.consumers === 0) continue;
    for await (const info of jsm.consumers.list(stream.name)) {
      if (info.config.durable_name) durables.push(durableStatus(info));
    }
  }
  durables.sort((a, b) => rank(a.stream) - rank(b.stream) || a.name.localeCompare(b.name));

  const names = new Set(streams.map((s) => s.name));
  const deadLetters = names.has(STREAM_DLQ) ? await new DeadLetterStore(jsm).depthByConsumer() : {};
  return { streams, missingStreams: MESH_STREAMS.filter((s) => !names.has(s)), durables, deadLetters };
}
