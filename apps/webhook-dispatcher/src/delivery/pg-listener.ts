import { Logger } from '@nestjs/common';
import pg from 'pg';

/**
 * A dedicated LISTEN connection that reconnects; the workers poll as well, so losing it costs
 * latency only, never a delivery.
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

  start(): void {
    this.running = true;
    void this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on('notification', () => this.onNotify());
    client.on('error', (err) => {
      this.logger.warn(`LISTEN ${this.channel} connection lost (${err.message}); polling until it is back`);
      this.client = undefined;
      this.scheduleRetry();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
      if (!this.running) return void (await client.end());
      this.client = client;
    } catch (err) {
      this.logger.warn(`LISTEN ${this.channel} failed (${(err as Error).message}); polling instead`);
      await client.end().catch(() => undefined);
      this.scheduleRetry();
    }
  }

  private scheduleRetry(): void {
    if (!this.running || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (this.running) void this.connect();
    }, 2_000).unref();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.retry);
    await this.client?.end().catch(() => undefined);
  }
}
