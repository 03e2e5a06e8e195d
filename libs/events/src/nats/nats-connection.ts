import { Inject, Injectable, Logger, OnApplicationShutdown, ServiceUnavailableException } from '@nestjs/common';
import { connect, credsAuthenticator, NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { readFileSync } from 'node:fs';
import { EVENTS_CONFIG } from '../events.constants.js';
import type { EventsConfig } from '../config/events-config.js';
import { StreamProvisioner } from '../streams/stream-provisioner.js';

/**
 * A path that must not wait asked for a client the connection cannot give yet. It is a 503 at an
 * HTTP edge (the caller retries); a background loop logs it and tries again.
 * @example
 * try { nats.jetStream(); } catch (err) { if (err instanceof NatsNotReadyError) return fallback(); throw err; }
 */
export class NatsNotReadyError extends ServiceUnavailableException {
  constructor(missing: 'connection' | 'streams') {
    super(
      missing === 'connection'
        ? 'Not connected to NATS (reconnecting in the background); try again when GET /health/events answers 200'
        : 'The JetStream streams are not provisioned yet; await NatsConnectionManager.ready(), or try again when GET /health/events answers 200',
    );
    this.name = 'NatsNotReadyError';
  }
}

type ConnectedListener = (nc: NatsConnection) => void | Promise<void>;

/**
 * Owns the app's single NATS connection. The app starts even when NATS is down: the connection
 * is made in the background and retried forever, publishes fall back to the outbox meanwhile,
 * and every (re)connect has the StreamProvisioner bring the streams back. Connected (`isConnected`)
 * and streams ready (`ready()`) are two different states.
 * @example const js = await nats.ready(); // waits for the connection and the streams
 */
@Injectable()
export class NatsConnectionManager implements OnApplicationShutdown {
  private readonly logger = new Logger(NatsConnectionManager.name);
  private nc?: NatsConnection;
  private js?: JetStreamClient;
  private jsm?: JetStreamManager;
  private streamsReady = false;
  private closing = false;
  private connected = false;
  private readonly listeners = new Set<ConnectedListener>();
  private readonly disconnectListeners = new Set<() => void>();
  private readonly streams: Promise<JetStreamClient>;
  private streamsProvisioned!: (js: JetStreamClient) => void;
  private streamsAbandoned!: (err: Error) => void;

  constructor(
    @Inject(EVENTS_CONFIG) private readonly config: EventsConfig,
    private readonly provisioner: StreamProvisioner,
  ) {
    this.streams = new Promise<JetStreamClient>((resolve, reject) => {
      this.streamsProvisioned = resolve;
      this.streamsAbandoned = reject;
    });
    // Only callers of ready() care about a start-up that never got there; nobody waiting is fine.
    this.streams.catch(() => undefined);
    this.connectForever().catch((err: Error) => {
      this.streamsAbandoned(err);
      // Only a fatal problem gets here (bad credentials file, shutdown before connecting):
      // connection attempts themselves are retried forever.
      if (!this.closing) this.logger.error(`cannot connect to NATS: ${err.message}`, err.stack);
    });
  }

  /** True while the client holds a live connection to a server. */
  get isConnected(): boolean {
    return !!this.nc && !this.nc.isClosed() && this.connected;
  }

  /**
   * True when the client knows more than one server (a configured list or a cluster's advertised
   * URLs): losing the connection then means reconnecting to another node, not an outage.
   */
  get clustered(): boolean {
    return this.config.natsServers.length > 1 || (this.nc?.info?.connect_urls?.length ?? 0) > 1;
  }

  /** The live connection, or undefined while none is established. */
  get connection(): NatsConnection | undefined {
    return this.nc;
  }

  /**
   * Resolves with the JetStream client once connected and the streams exist (the first time;
   * reconnects are not waited for); rejects only when the connection is given up (shutdown
   * before connecting, a fatal configuration error).
   */
  ready(): Promise<JetStreamClient> {
    return this.streams;
  }

  /** True while connected with the streams provisioned: a publish or a pull can go out now. */
  get isReady(): boolean {
    return this.streamsReady && this.isConnected;
  }

  /**
   * The JetStream client now, for paths that must not wait (they fall back or answer 503).
   * @throws NatsNotReadyError while not connected or before the streams are provisioned.
   * @example await nats.jetStream().publish(subject, body, { msgID: event.id });
   */
  jetStream(): JetStreamClient {
    if (!this.streamsReady || !this.js) throw new NatsNotReadyError('streams');
    if (!this.isConnected) throw new NatsNotReadyError('connection');
    return this.js;
  }

  /**
   * The JetStream manager now (stream and consumer info, admin calls); needs a live connection,
   * not the streams, so health checks can report a missing stream.
   * @throws NatsNotReadyError while not connected.
   * @example const { state } = await nats.jetStreamManager().streams.info(STREAM_EVENTS);
   */
  jetStreamManager(): JetStreamManager {
    if (!this.jsm || !this.isConnected) throw new NatsNotReadyError('connection');
    return this.jsm;
  }

  /** Runs `listener` now if connected, and after every reconnect; returns a function that stops that. */
  onConnected(listener: ConnectedListener): () => void {
    this.listeners.add(listener);
    if (this.nc && this.streamsReady) void this.notify(listener, this.nc);
    return () => this.listeners.delete(listener);
  }

  /** Runs `listener` each time the connection is lost; returns a function that stops that. */
  onDisconnected(listener: () => void): () => void {
    this.disconnectListeners.add(listener);
    return () => this.disconnectListeners.delete(listener);
  }

  private async connectForever(): Promise<void> {
    const nc = await connect({
      servers: this.config.natsServers,
      name: this.config.consumer ?? this.config.service,
      user: this.config.natsUser,
      pass: this.config.natsPassword,
      authenticator: this.config.natsCreds ? credsAuthenticator(readFileSync(this.config.natsCreds)) : undefined,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      waitOnFirstConnect: true,
      // Async stack traces cost ~45 % of client CPU on pipelined publishes (shared/PERFORMANCE.md).
      noAsyncTraces: true,
    });
    if (this.closing) {
      await nc.close();
      throw new Error('shut down before NATS connected');
    }
    this.nc = nc;
    this.connected = true;
    this.js = jetstream(nc, { timeout: this.config.publishTimeoutMs });
    this.jsm = await jetstreamManager(nc, { timeout: this.config.publishTimeoutMs });
    this.logger.log(`connected to NATS ${nc.getServer()}`);
    void this.watchStatus(nc);
    await this.provisionUntilDone();
  }

  private async provisionUntilDone(): Promise<void> {
    if (!(await this.provisioner.ensureStreamsUntilDone(this.jsm!, () => this.closing))) return;
    this.streamsReady = true;
    for (const listener of this.listeners) await this.notify(listener, this.nc!);
    // After the on-connect hooks (outbox drain, schema bucket): ready means the whole start-up is done.
    this.streamsProvisioned(this.js!);
  }

  private async notify(listener: ConnectedListener, nc: NatsConnection): Promise<void> {
    try {
      await listener(nc);
    } catch (err) {
      this.logger.error(`on-connect hook failed: ${(err as Error).message}`, (err as Error).stack);
    }
  }

  private async watchStatus(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      switch (status.type) {
        case 'disconnect':
          this.connected = false;
          this.logger.warn(`disconnected from NATS ${status.server}`);
          for (const listener of this.disconnectListeners) listener();
          break;
        case 'reconnect':
          this.connected = true;
          this.logger.log(`reconnected to NATS ${status.server}`);
          // A restarted single server may have lost its store: bring the streams back.
          void this.provisionUntilDone();
          break;
        case 'error':
          this.logger.warn(`NATS client error: ${status.error.message}`);
          break;
        case 'close':
        case 'forceReconnect':
        case 'ldm':
        case 'ping':
        case 'reconnecting':
        case 'slowConsumer':
        case 'staleConnection':
        case 'update':
          break;
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    this.streamsAbandoned(new Error('shut down before the streams were ready'));
    if (this.nc && !this.nc.isClosed()) {
      try {
        // Runs after the transport stopped and its in-flight handlers settled (Nest closes the
        // microservice before the shutdown hooks): unsubscribes, then a PING/PONG round trip
        // confirms the server has every buffered ack and publish before the socket closes.
        await this.nc.drain();
        this.logger.log('NATS connection drained: buffered acks and publishes flushed');
      } catch (err) {
        this.logger.warn(`drain failed, closing: ${(err as Error).message}`);
        await this.nc.close();
      }
    }
  }
}
