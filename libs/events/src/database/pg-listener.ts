import { Logger } from '@nestjs/common';
import pg from 'pg';

const RECONNECT_MS = 2_000;

/**
 * A dedicated PostgreSQL LISTEN connection that reconnects. Its users poll as well, so losing it
 * costs latency only, never work: that is why failures are warnings and the retry is quiet.
 * @example
 * const listener = new PgListener(config.databaseUrl, 'mesh_outbox', () => relay.kick());
 * listener.start();
 * await listener.stop();
 */
export class PgListener {
  private readonly logger = new Logger(PgListener.name);
  private client?: pg.Client;
  private retry?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly channel: string,
    private readonly onNotify: () => void,
  ) {}

  /** True while the LISTEN is in place. */
  get listening(): boolean {
    return this.client !== undefined;
  }

  start(): void {
    this.running = true;
    void this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on('notification', () => this.onNotify());
    client.on('error', (err) => {
      this.logger.warn(`LISTEN ${this.channel} connection lost (${err.message}); polling until it is back`);
      if (this.client === client) this.client = undefined;
      this.scheduleRetry();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
      // stop() ran meanwhile and could not end a client it never saw.
      if (!this.running) return void (await client.end());
      this.client = client;
    } catch (err) {
      this.logger.warn(`LISTEN ${this.channel} failed (${(err as Error).message}); polling instead`);
      await client.end().catch(() => undefined);
      this.scheduleRetry();
    }
  }

  /** One pending retry at most, cancelled by stop(), never keeping the process alive. */
  private scheduleRetry(): void {
    if (!this.running || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (this.running) void this.connect();
    }, RECONNECT_MS).unref();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    // Ending a connection that already broke rejects; it is closed either way.
    await client?.end().catch(() => undefined);
  }
}
