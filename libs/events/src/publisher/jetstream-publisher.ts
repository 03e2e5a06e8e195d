import { Injectable } from '@nestjs/common';
import { JetStreamApiError, PubAck } from '@nats-io/jetstream';
import { headers as natsHeaders, MsgHdrs } from '@nats-io/transport-node';
import { CLOUDEVENTS_CONTENT_TYPE, HEADER } from '../events.constants.js';
import { NatsConnectionManager } from '../nats/nats-connection.js';

/** JetStream cannot take the publish right now (no connection, timeout, no responders): queue it. */
export class JetStreamUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`JetStream unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'JetStreamUnavailableError';
  }
}

/** An API error is the server's considered answer (bad subject, size...); anything else is transient. */
const isTransient = (err: unknown) => !(err instanceof JetStreamApiError) && !(err instanceof RangeError);

const RETRY_WINDOW_MS = 2_000;

/**
 * Publishes pre-serialised envelopes to JetStream with `Nats-Msg-Id`. Transient failures are retried
 * for a short window (a leader election takes a moment; the same id keeps the retry single), then
 * reported as {@link JetStreamUnavailableError} so the caller can fall back to the outbox.
 */
@Injectable()
export class JetStreamPublisher {
  constructor(private readonly nats: NatsConnectionManager) {}

  async publish(subject: string, payload: string | Uint8Array, id: string): Promise<PubAck> {
    const js = this.nats.jetstream;
    if (!js || !this.nats.isConnected) throw new JetStreamUnavailableError('not connected to NATS');
    const h = natsHeaders();
    h.set(HEADER.contentType, CLOUDEVENTS_CONTENT_TYPE);
    try {
      return await js.publish(subject, payload, { msgID: id, headers: h });
    } catch (err) {
      if (!isTransient(err)) throw err;
      return this.retry(subject, payload, id, h, err);
    }
  }

  /** The slow path: a leader election or a reconnect in progress. */
  private async retry(subject: string, payload: string | Uint8Array, id: string, h: MsgHdrs, first: unknown): Promise<PubAck> {
    const deadline = Date.now() + RETRY_WINDOW_MS;
    let last = first;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      const js = this.nats.jetstream;
      if (!js || !this.nats.isConnected) break;
      try {
        return await js.publish(subject, payload, { msgID: id, headers: h });
      } catch (err) {
        if (!isTransient(err)) throw err;
        last = err;
      }
    }
    throw new JetStreamUnavailableError(last);
  }

  /** Headers for a publish that carries extra `Mesh-*` fields (DLQ, replay). */
  static headers(values: Record<string, string>): MsgHdrs {
    const h = natsHeaders();
    for (const [k, v] of Object.entries(values)) h.set(k, v);
    return h;
  }
}
