import { Inject, Injectable } from '@nestjs/common';
import { JetStreamApiError, JetStreamClient, JetStreamPublishOptions, PubAck } from '@nats-io/jetstream';
import { headers as natsHeaders, MsgHdrs } from '@nats-io/transport-node';
import { CLOUDEVENTS_CONTENT_TYPE, EVENTS_CONFIG, HEADER } from '../events.constants.js';
import type { EventsConfig } from '../config/events-config.js';
import { NatsConnectionManager } from '../nats/nats-connection.js';
import { TRACEPARENT_HEADER } from '../tracing/traceparent.js';

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
  /** Rejecters of the publishes waiting for a PubAck on the current connection. */
  private readonly inFlight = new Set<(err: Error) => void>();
  /**
   * One header set for every publish: nats.js writes `Nats-Msg-Id` into it and encodes it
   * synchronously inside `js.publish()`, before that call returns, so reuse is safe and saves a
   * header object (and its map) per message.
   */
  private readonly h = natsHeaders();

  constructor(
    @Inject(EVENTS_CONFIG) private readonly config: EventsConfig,
    private readonly nats: NatsConnectionManager,
  ) {
    this.h.set(HEADER.contentType, CLOUDEVENTS_CONTENT_TYPE);
    // A PubAck cannot come back over a lost connection: give up on those publishes now and retry
    // them on the next node (same id), instead of waiting out the publish timeout (5 s).
    nats.onDisconnected(() => {
      for (const abandon of this.inFlight) abandon(new Error('connection lost while waiting for the PubAck'));
      this.inFlight.clear();
    });
  }

  /** With `traceparent` (only when tracing is on) the publish gets its own header set carrying it. */
  async publish(subject: string, payload: string | Uint8Array, id: string, traceparent?: string): Promise<PubAck> {
    const h = traceparent ? this.tracedHeaders(traceparent) : this.h;
    if (!this.nats.isReady) {
      if (!this.nats.clustered) throw new JetStreamUnavailableError('not connected to NATS');
      return this.retry(subject, payload, id, h, new Error('not connected to NATS'));
    }
    try {
      return await this.attempt(this.nats.jetStream(), subject, payload, { msgID: id, headers: h });
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
      if (!this.nats.isReady) {
        if (!this.nats.clustered) break;
        continue; // reconnecting to another node
      }
      try {
        const timeout = Math.max(500, Math.min(this.config.publishTimeoutMs, deadline - Date.now()));
        return await this.attempt(this.nats.jetStream(), subject, payload, { msgID: id, headers: h, timeout });
      } catch (err) {
        if (!isTransient(err)) throw err;
        last = err;
      }
    }
    throw new JetStreamUnavailableError(last);
  }

  /**
   * One publish. In a cluster it is tracked so that a lost connection abandons it at once; a single
   * server has no other node to move to, so there the plain publish (the pipelined fast path) is kept.
   */
  private attempt(js: JetStreamClient, subject: string, payload: string | Uint8Array, opts: Partial<JetStreamPublishOptions>): Promise<PubAck> {
    if (!this.nats.clustered) return js.publish(subject, payload, opts);
    return new Promise<PubAck>((resolve, reject) => {
      this.inFlight.add(reject);
      js.publish(subject, payload, opts).then(
        (ack) => {
          this.inFlight.delete(reject);
          resolve(ack);
        },
        (err: unknown) => {
          this.inFlight.delete(reject);
          reject(err);
        },
      );
    });
  }

  private tracedHeaders(traceparent: string): MsgHdrs {
    const h = natsHeaders();
    h.set(HEADER.contentType, CLOUDEVENTS_CONTENT_TYPE);
    h.set(TRACEPARENT_HEADER, traceparent);
    return h;
  }

  /** Headers for a publish that carries extra `Mesh-*` fields (DLQ, replay). */
  static headers(values: Record<string, string>): MsgHdrs {
    const h = natsHeaders();
    for (const [k, v] of Object.entries(values)) h.set(k, v);
    return h;
  }
}
