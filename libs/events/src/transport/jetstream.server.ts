import { Inject, Injectable } from '@nestjs/common';
import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { setTimeout as delay } from 'node:timers/promises';
import { isObservable, lastValueFrom } from 'rxjs';
import { EVENTS_CONFIG, replayDurable, STREAM_EVENTS, STREAM_REPLAY } from '../events.constants.js';
import type { EventsConfig } from '../config/events-config.js';
import { CloudEvent } from '../envelope/cloud-event.js';
import { parseEnvelope } from '../envelope/envelope-parser.js';
import { EventTooLargeError } from '../envelope/event-size.js';
import { matchesPattern, normalizePattern, patternsOverlap } from '../envelope/event-type.js';
import { NatsConnectionManager } from '../nats/nats-connection.js';
import { DlqPublisher } from '../dlq/dlq.publisher.js';
import { MaxDeliveriesListener } from '../dlq/max-deliveries.listener.js';
import { MetricsService, type PendingCount } from '../metrics/metrics.service.js';
import type { HistogramTally } from '../metrics/tally-histogram.js';
import { AckBatcher } from './ack-batcher.js';
import { BatchCollector, type GatheredBatch } from './batch-collector.js';
import { BurstMemoryRelease, type BurstSource } from './burst-memory-release.js';
import { ConcurrencyGate } from './concurrency-gate.js';
import { batchOptionsOf } from './event-batch-pattern.js';
import { ensureDurable } from './consumer-provisioner.js';
import { decideFailure } from './failure-policy.js';
import { runHandlers } from './handler-chain.js';
import { errorMessage } from './handler-errors.js';
import { DeliveryLane, JetStreamContext } from './jetstream.context.js';
import { LeaseKeeper } from './lease-keeper.js';
import { handleInContext } from '../tracing/mesh-tracer.js';

export const JETSTREAM_TRANSPORT = Symbol('JETSTREAM_TRANSPORT');

const SHUTDOWN_GRACE_MS = 25_000;
/**
 * Lifetime of one pull request. The server sends idle heartbeats every half of it and the client
 * re-pulls after two missed ones (and backs off by about this much while the consumer has no
 * leader), so it bounds the stall when the node leading the durable dies with our pull requests.
 * Measured on a 3-node 2.9.10 cluster, killing the durable's leader and the client's node: about
 * 8 s to the next message at 2 s, 9–11 s at 5 s; nats.js' default of 30 s stalls for 30 s or more.
 * An idle consumer pays one pull request per lane every 2 s for it.
 */
const PULL_EXPIRES_MS = 2_000;

/** What one event type is dispatched to, made once per type. */
interface Route {
  handlers: MessageHandler[];
  /** The handler when it is the only one and has no chained handlers: the direct path. */
  only?: MessageHandler;
  consumed: PendingCount;
  duration: HistogramTally;
  /** Publish→handler latency, from the envelope's time. */
  latency: HistogramTally;
  /** For a type whose only handler is a batch handler: that handler's collector per lane (by `Lane.index`). */
  batch?: BatchCollector<Route>[];
}

/** Runs an event's handlers; module-level so that the context wrapper takes it without a closure. */
async function dispatch(route: Route, event: CloudEvent, context: JetStreamContext): Promise<void> {
  if (route.only) {
    // The common case, one handler: awaited here, without runHandlers' own promise.
    const result: unknown = await route.only(event, context);
    if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
  } else {
    await runHandlers(route.handlers, event, context);
  }
}

interface Lane {
  /** Position in `lanes`, which picks a batch handler's collector. */
  index: number;
  stream: string;
  durable: string;
  filterSubject: string;
  messages?: ConsumerMessages;
  advisories: MaxDeliveriesListener;
  loop?: Promise<void>;
  /** What each delivery's context tells its handlers, made once per lane. */
  delivery: DeliveryLane;
}

/**
 * A @nestjs/microservices transport over JetStream durable pull consumers, so consumer apps write
 * `@EventPattern('vendor.created')` / `@EventPattern('vendor.*')` handlers. The handler's
 * outcome decides the message's fate: resolve → ack; throw → nak with the backoff delay, or
 * dead-letter when the error is permanent or the delivery was the last.
 *
 * It runs two durables into the same handlers: `<consumer>` on `events.>` and `<consumer>-replay`
 * on `replay.<consumer>.>` (replays and redrives aimed at this app only).
 * @example
 * app.connectMicroservice({ strategy: app.get(JetStreamServer) }, { inheritAppConfig: true }); // what connectEventConsumer(app) does
 */
@Injectable()
export class JetStreamServer extends Server implements CustomTransportStrategy {
  override readonly transportId = JETSTREAM_TRANSPORT;
  /** Handler failures are this transport's to report (retry or dead-letter), not Nest's to log. */
  override readonly propagatesEventHandlerErrors = true;
  private readonly gate: ConcurrencyGate;
  private readonly lanes: Lane[];
  /** Handlers and metric tallies per event type, made once: labelling per message showed up in profiles. */
  private readonly routes = new Map<string, Route>();
  /** Batch handlers' collectors, per handler, one per lane. */
  private readonly collectors = new Map<MessageHandler, BatchCollector<Route>[]>();
  private readonly leases: LeaseKeeper;
  /** Acks after handlers succeed, one socket write per event-loop turn. */
  private readonly acks = new AckBatcher((msg, err) =>
    this.logger.warn(`ack of #${msg.seq} not sent (${(err as Error).message}); the server will redeliver it`),
  );
  /** Messages taken and handlers running: a full GC when a burst of them is over (see BurstMemoryRelease). */
  private readonly load: BurstSource & { events: number };
  private readonly burst: BurstMemoryRelease;
  private closing = false;
  /** Aborted by close(): cuts short the pauses between retries so nothing outlives the server. */
  private readonly stopped = new AbortController();
  private stopOnConnected?: () => void;

  constructor(
    @Inject(EVENTS_CONFIG) private readonly config: EventsConfig,
    private readonly nats: NatsConnectionManager,
    private readonly dlq: DlqPublisher,
    private readonly metrics: MetricsService,
  ) {
    super();
    if (!config.consumer) {
      throw new Error('EventsModule.forRoot({ consumer }) is required to run the JetStream transport: name the durable consumer');
    }
    const gate = (this.gate = new ConcurrencyGate(config.concurrency));
    this.load = {
      events: 0,
      get backlog() {
        return gate.inFlight;
      },
    };
    this.burst = new BurstMemoryRelease(this.load);
    // Long handlers keep their lease instead of being redelivered to another replica.
    this.leases = new LeaseKeeper(config.ackWaitMs / 3);
    const consumer = config.consumer;
    const { maxDeliver, backoffMs } = config;
    this.lanes = [
      { stream: STREAM_EVENTS, durable: consumer, filterSubject: 'events.>', replay: false },
      { stream: STREAM_REPLAY, durable: replayDurable(consumer), filterSubject: `replay.${consumer}.>`, replay: true },
    ].map(({ replay, ...lane }, index) => ({
      ...lane,
      index,
      advisories: new MaxDeliveriesListener(dlq, lane.stream, lane.durable, consumer),
      delivery: { durable: lane.durable, replay, maxDeliver, backoffMs },
    }));
  }

  get consumerName(): string {
    return this.config.consumer!;
  }

  /** Deliveries gathered for batch handlers and waiting for a call (a free slot or the next turn): tests and diagnosis. */
  get batchWaiting(): number {
    let n = 0;
    for (const collectors of this.collectors.values()) for (const c of collectors) n += c.waiting;
    return n;
  }

  /** Starts consuming once NATS is reachable; the app does not wait for that to come up. */
  listen(callback: (...optionalParams: unknown[]) => void): void {
    for (const pattern of this.messageHandlers.keys()) normalizePattern(pattern);
    this.checkBatchHandlers();
    // Not awaited: provisioning may wait out an election, and other on-connect hooks should not.
    this.stopOnConnected = this.nats.onConnected((nc) => {
      this.start(nc).catch((err: Error) => this.logger.error(`consumers not started: ${err.message}`, err.stack));
    });
    this.burst.start();
    callback();
  }

  /**
   * A batch handler must be the only handler of every type it matches: its events are settled by
   * its one call, which cannot also wait for a per-event handler (or a second batch handler).
   */
  private checkBatchHandlers(): void {
    const handlers = [...this.messageHandlers.entries()];
    const isBatch = (h: MessageHandler | undefined): boolean => !!h && (batchOptionsOf(h.extras) !== undefined || isBatch(h.next));
    for (const [pattern, handler] of handlers) {
      if (!isBatch(handler)) continue;
      if (handler.next) {
        throw new Error(`@EventBatchPattern('${pattern}') must be the only handler of its pattern, but more than one method is bound to '${pattern}'`);
      }
      const other = handlers.find(([p, h]) => h !== handler && patternsOverlap(p, pattern));
      if (other) {
        throw new Error(`@EventBatchPattern('${pattern}') must be the only handler of the events it matches, but '${other[0]}' also matches some of them: narrow one of the patterns or make both per-event handlers`);
      }
    }
  }

  /** Runs on every (re)connect. close() may run at any await, so nothing starts once it has. */
  private async start(nc: NatsConnection): Promise<void> {
    for (const lane of this.lanes) {
      await this.provision(lane);
      if (this.closing) return;
      lane.advisories.start(nc, this.nats.jetStreamManager());
      lane.loop ??= this.consumeForever(lane);
    }
  }

  /** Waits `ms`, or less when close() runs meanwhile. */
  private async pause(ms: number): Promise<void> {
    await delay(ms, undefined, { signal: this.stopped.signal }).catch(() => undefined);
  }

  /** Creates or updates the lane's durable, retrying through a cluster election (503s, timeouts). */
  private async provision(lane: Lane): Promise<void> {
    for (let attempt = 1; !this.closing; attempt++) {
      try {
        return await this.ensureDurable(lane);
      } catch (err) {
        this.logger.warn(`durable ${lane.durable} not provisioned (attempt ${attempt}), retrying: ${(err as Error).message}`);
        await this.pause(Math.min(5_000, 250 * attempt));
      }
    }
  }

  private ensureDurable(lane: Lane): Promise<void> {
    return ensureDurable(this.nats.jetStreamManager(), {
      stream: lane.stream,
      durable: lane.durable,
      filterSubject: lane.filterSubject,
      maxDeliver: this.config.maxDeliver,
      ackWaitMs: this.config.ackWaitMs,
      maxAckPending: Math.max(1000, this.config.concurrency * 2),
      replicas: this.config.streamReplicas,
      deliverPolicy: 'all',
    });
  }

  /**
   * Keeps a consume loop alive across reconnects, server restarts and consumer re-creation.
   * `closing` is checked after every await: close() can only stop the iterator it has seen, so an
   * iterator that `consume()` hands over after close() must be stopped here, or it pulls forever
   * and close() waits on this loop forever.
   */
  private async consumeForever(lane: Lane): Promise<void> {
    while (!this.closing) {
      try {
        const js = this.nats.jetStream();
        const consumer = await js.consumers.get(lane.stream, lane.durable);
        if (this.closing) break;
        const messages = await consumer.consume({ max_messages: Math.min(1000, this.config.concurrency * 2), expires: PULL_EXPIRES_MS });
        lane.messages = messages;
        // close() ran while consume() was pending and could not stop an iterator it never saw.
        // Stopped, the loop below ends at once (its end marker is only processed by iterating).
        if (this.closing) messages.stop();
        for await (const msg of messages) {
          // A free slot is taken without a promise; only a full gate makes the loop wait.
          if (!this.gate.tryAcquire()) await this.gate.acquire();
          this.load.events++;
          if (this.closing) {
            // Fetched but not started: hand it straight back rather than run it after shutdown began.
            this.gate.release();
            msg.nak();
            break;
          }
          // handle() releases the slot itself (no closure and chained promise per message).
          void this.handle(msg, lane);
        }
        // nats.js ends the iterator without an error when its connection closes or its
        // subscription drains; anything but our own close() is worth a line before the restart.
        if (!this.closing) this.logger.warn(`consumer ${lane.durable}: its message iterator ended; restarting`);
      } catch (err) {
        if (!this.closing) this.logger.warn(`consumer ${lane.durable} stopped (${(err as Error).message}); restarting`);
      }
      if (!this.closing) await this.pause(1_000);
    }
  }

  /** The handlers and metric tallies of one event type, found with one Map lookup per message. */
  private routeFor(type: string): Route {
    let route = this.routes.get(type);
    if (!route) {
      const handlers = [...this.messageHandlers.entries()].filter(([p]) => matchesPattern(type, p)).map(([, h]) => h);
      const labels = { consumer: this.consumerName, type };
      const only = handlers.length === 1 && !handlers[0].next ? handlers[0] : undefined;
      route = {
        handlers,
        only,
        consumed: this.metrics.consumedCount(labels),
        duration: this.metrics.handlerSeconds.tally(labels),
        latency: this.metrics.eventLatencySeconds.tally(labels),
        // listen() made sure a batch handler is alone on the types it matches.
        batch: only && this.collectorsFor(only),
      };
      this.routes.set(type, route);
    }
    return route;
  }

  /** A batch handler's collectors, one per lane, shared by every type it matches; undefined for a per-event handler. */
  private collectorsFor(handler: MessageHandler): BatchCollector<Route>[] | undefined {
    const options = batchOptionsOf(handler.extras);
    if (!options) return undefined;
    let collectors = this.collectors.get(handler);
    if (!collectors) {
      collectors = this.lanes.map((lane) => new BatchCollector<Route>(options, lane.delivery, (g) => this.runBatch(handler, g, lane)));
      this.collectors.set(handler, collectors);
    }
    return collectors;
  }

  /**
   * Settles the message (ack, nak or dead letter) and frees its gate slot; never rejects. A
   * delivery for a batch handler is handed to its collector, which settles it and frees the slot.
   */
  private async handle(msg: JsMsg, lane: Lane): Promise<void> {
    let gathered = false;
    try {
      // Read once: with headers, each `msg.data` makes a new subarray (4 reads: ~1.5 µs per event in profiles).
      const data = msg.data;
      if (data.length > this.config.eventMaxBytes) {
        // A publisher that bypassed EventsService; no handler could take it, so no retries.
        return await this.deadLetter(msg, lane, 'too_large', new EventTooLargeError(data.length, this.config.eventMaxBytes));
      }
      let event: CloudEvent;
      try {
        event = parseEnvelope(data);
      } catch (err) {
        return await this.fail(msg, lane, undefined, err);
      }
      const route = this.routeFor(event.type);
      if (route.handlers.length === 0) return this.acks.ack(msg);
      if (route.batch) {
        route.latency.observe(Math.max(0, Date.now() - Date.parse(event.time)) / 1000);
        route.batch[lane.index].add(msg, event, data.length, route, this.leases.hold(msg));
        gathered = true;
        return;
      }
      const started = performance.now();
      const lease = this.leases.hold(msg);
      try {
        route.latency.observe(Math.max(0, Date.now() - Date.parse(event.time)) / 1000);
        const context = new JetStreamContext([msg, event, lane.delivery]);
        // Inside the event's context: what the handlers publish inherits its correlation, causation and trace.
        await handleInContext(event, msg.subject, msg, dispatch, route, context);
        this.acks.ack(msg);
        route.consumed.n++;
      } catch (err) {
        await this.fail(msg, lane, event, err);
      } finally {
        this.leases.release(lease);
        route.duration.observe((performance.now() - started) / 1000);
      }
    } catch (err) {
      // Only settling itself can throw here (the connection closed under a nak): the server redelivers.
      this.logger.error(`#${msg.seq} on ${lane.durable} not settled, the server will redeliver it: ${(err as Error).message}`);
    } finally {
      if (!gathered) this.gate.release();
    }
  }

  /**
   * Calls a batch handler once for the batch and settles each delivery: resolved → ack, except the
   * events it marked with `batch.fail(i, err)`, which go through the failure policy one by one as
   * does every event when it throws. The handler's duration is observed per event (each event's
   * handling took its batch's call). Never rejects.
   */
  private async runBatch(handler: MessageHandler, g: GatheredBatch<Route>, lane: Lane): Promise<void> {
    const { batch, routes, leases } = g;
    const started = performance.now();
    let thrown = false;
    let error: unknown;
    try {
      // The events as the payload and the batch as the context, as for a per-event handler; Nest's
      // pipes (the edge's ValidationPipe) see a plain array, which they leave alone.
      const result: unknown = await handler(batch.events, batch);
      if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
    } catch (err) {
      thrown = true;
      error = err;
    }
    const seconds = (performance.now() - started) / 1000;
    const failing: Promise<void>[] = [];
    for (let i = 0; i < batch.size; i++) {
      const route = routes[i];
      route.duration.observe(seconds);
      const failure = thrown ? error : batch.failed > 0 ? batch.failureOf(i) : undefined;
      if (!thrown && failure === undefined) {
        this.leases.release(leases[i]);
        this.acks.ack(batch.messages[i]);
        route.consumed.n++;
        this.gate.release();
      } else {
        failing.push(this.failGathered(batch.messages[i], lane, batch.events[i], failure, leases[i]));
      }
    }
    if (failing.length > 0) await Promise.all(failing);
  }

  /** One failed delivery of a batch through the failure policy; frees its lease and slot after. Never rejects. */
  private async failGathered(msg: JsMsg, lane: Lane, event: CloudEvent, err: unknown, lease: number): Promise<void> {
    try {
      await this.fail(msg, lane, event, err);
    } catch (settleErr) {
      this.logger.error(`#${msg.seq} on ${lane.durable} not settled, the server will redeliver it: ${(settleErr as Error).message}`);
    } finally {
      this.leases.release(lease);
      this.gate.release();
    }
  }

  /** close(): deliveries gathered for batch handlers and not handed over yet go back to the server. */
  private handBackGathered(): void {
    for (const collectors of this.collectors.values()) {
      for (const collector of collectors) {
        for (const { batch, leases } of collector.takeWaiting()) {
          for (let i = 0; i < batch.size; i++) {
            this.leases.release(leases[i]);
            try {
              batch.messages[i].nak();
            } catch (err) {
              this.logger.warn(`#${batch.messages[i].seq} not handed back (${(err as Error).message}); the server redelivers it after the ack wait`);
            }
            this.gate.release();
          }
        }
      }
    }
  }

  private async fail(msg: JsMsg, lane: Lane, event: CloudEvent | undefined, err: unknown): Promise<void> {
    const type = event?.type ?? 'invalid';
    this.metrics.failed.inc({ consumer: this.consumerName, type });
    const deliveries = msg.info.deliveryCount;
    const decision = decideFailure(err, deliveries, this.config.maxDeliver, this.config.backoffMs);
    if (decision.action === 'retry') {
      this.metrics.retried.inc({ consumer: this.consumerName, type });
      this.logger.warn(`${type} #${msg.seq} failed (delivery ${deliveries}/${this.config.maxDeliver}), retry in ${decision.delayMs} ms: ${errorMessage(err)}`);
      return msg.nak(decision.delayMs);
    }
    return this.deadLetter(msg, lane, event ? decision.reason : 'invalid_envelope', err);
  }

  private async deadLetter(msg: JsMsg, lane: Lane, reason: string, err: unknown): Promise<void> {
    try {
      await this.dlq.publish({
        consumer: this.consumerName,
        stream: lane.stream,
        subject: msg.subject,
        streamSeq: msg.seq,
        deliveries: msg.info.deliveryCount,
        data: msg.data,
        reason,
        error: errorMessage(err),
      });
      // No reason argument: nats-server 2.9 ignores `+TERM <reason>` and would keep the message pending.
      msg.term();
    } catch (dlqErr) {
      // Not in the DLQ, so not terminated: the server redelivers (or advises max deliveries) later.
      this.logger.error(`dead-lettering #${msg.seq} failed, leaving it for redelivery: ${(dlqErr as Error).message}`);
      msg.nak(this.config.backoffMs[0] ?? 1_000);
    }
  }

  /** Stops fetching, lets in-flight handlers finish (acks flush with the connection drain). */
  async close(): Promise<void> {
    this.closing = true;
    this.stopped.abort();
    this.burst.stop();
    this.stopOnConnected?.();
    for (const lane of this.lanes) {
      lane.advisories.stop();
      lane.messages?.stop();
    }
    this.handBackGathered();
    const idle = await this.gate.idle(SHUTDOWN_GRACE_MS);
    this.leases.stop();
    this.acks.flush();
    await Promise.all(this.lanes.map((l) => l.loop));
    if (idle) this.logger.log('stopped consuming, in-flight handlers finished');
    else this.logger.warn(`${this.gate.inFlight} handler(s) still running after ${SHUTDOWN_GRACE_MS} ms; their messages will be redelivered`);
  }

  on(): never {
    throw new Error('JetStreamServer does not emit client events; watch /health/events instead');
  }

  unwrap<T>(): T {
    const nc = this.nats.connection;
    if (!nc) throw new Error('NATS is not connected yet');
    return nc as T;
  }
}
