import { Inject, Injectable } from '@nestjs/common';
import { JetStreamApiError, PubAck } from '@nats-io/jetstream';
import { headers as natsHeaders, MsgHdrs } from '@nats-io/transport-node';
import { CLOUDEVENTS_CONTENT_TYPE, EVENTS_CONFIG, HEADER } from '../events.constants.js';
import type { EventsConfig } from '../config/events-config.js';
import { NatsConnectionManager } from '../nats/nats-connection.js';

/** JetStream cannot take the publish right now (no connection, timeout, no responders): queue it. */
export class JetStreamUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`JetStream unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'JetStreamUnavailableError';
  }
}

/**
 * An API error is the server's considered answer (bad subject, size...), except a 503 ("JetStream
 * system temporarily unavailable", no quorum yet); anything else (timeout, no responders, a lost
 * connection) is transient.
 */
export const isTransient = (err: unknown): boolean =>
  err instanceof JetStreamApiError ? err.status === 503 : !(err instanceof RangeError);

const FIRST_PAUSE_MS = 100;
const MAX_PAUSE_MS = 1_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Publishes pre-serialised envelopes to JetStream with `Nats-Msg-Id`. Transient failures are
 * retried for `publishRetryWindowMs` (a stream leader election after a node loss, a reconnect to
 * another node; the same id keeps a retry of a publish that did land single), then reported as
 * {@link JetStreamUnavailableError} so the caller can fall back to the outbox. With a single server
 * and no connection there is nothing to wait for: that fails at once.
 */
@Injectable()
export class JetStreamPublisher {
  constructor(
    @Inject(EVENTS_CONFIG) private readonly config: EventsConfig,
    private readonly nats: NatsConnectionManager,
  ) {}

  async publish(subject: string, payload: string | Uint8Array, id: string): Promise<PubAck> {
    const h = natsHeaders();
    h.set(HEADER.contentType, CLOUDEVENTS_CONTENT_TYPE);
    const js = this.nats.jetstream;
    if (!js || !this.nats.isConnected) {
      if (!this.nats.clustered) throw new JetStreamUnavailableError('not connected to NATS');
      return this.retry(subject, payload, id, h, new Error('not connected to NATS'));
    }
    try {
      return await js.publish(subject, payload, { msgID: id, headers: h });
    } catch (err) {
      if (!isTransient(err)) throw err;
      return this.retry(subject, payload, id, h, err);
    }
  }

  /** The slow path: a leader election or a reconnect in progress. */
  private async retry(subject: string, payload: string | Uint8Array, id: string, h: MsgHdrs, first: unknown): Promise<PubAck> {
    const deadline = Date.now() + this.config.publishRetryWindowMs;
    let last = first;
    for (let pause = FIRST_PAUSE_MS; Date.now() < deadline; pause = Math.min(MAX_PAUSE_MS, pause * 2)) {
      await sleep(Math.min(pause, Math.max(0, deadline - Date.now())));
      const js = this.nats.jetstream;
      if (!js || !this.nats.isConnected) {
        if (!this.nats.clustered) break;
        continue; // reconnecting to another node
      }
      try {
        const timeout = Math.max(500, Math.min(this.config.publishTimeoutMs, deadline - Date.now()));
        return await js.publish(subject, payload, { msgID: id, headers: h, timeout });
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
