import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RETENTION_CONFIG, type RetentionConfig } from './event-store-env.js';

/**
 * Moves events older than `EVENT_RETENTION_DAYS` (by their `time`) from `events` to
 * `events_archive`, in bounded batches: each batch is one transaction (DELETE … RETURNING feeding
 * the archive INSERT), so a crash mid-way loses nothing and leaves nothing twice. Runs shortly
 * after start-up and then every `EVENT_RETENTION_INTERVAL`. Replicas may run it at once: a batch
 * skips rows another one has locked.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RetentionService.name);
  private timers: NodeJS.Timeout[] = [];
  private current?: Promise<number>;
  private stopped = false;
  private columns?: string;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(RETENTION_CONFIG) readonly config: RetentionConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.days === 0) {
      this.logger.log('retention disabled (EVENT_RETENTION_DAYS=0): events are kept for ever');
      return;
    }
    // unref: a pending run must never keep the process alive.
    this.timers.push(setTimeout(() => this.tick(), this.config.startDelayMs).unref());
    this.timers.push(setInterval(() => this.tick(), this.config.intervalMs).unref());
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    // Let a running batch finish before the DataSource closes.
    await this.current?.catch(() => undefined);
  }

  private tick(): void {
    if (this.current || this.stopped) return; // the previous run is still going
    this.runOnce().catch((err: Error) => this.logger.warn(`retention run failed, next try in ${this.config.intervalMs} ms: ${err.message}`));
  }

  /**
   * Moves every event older than the cutoff now, batch after batch; resolves with how many moved.
   * Waits for a run already in progress first. Does nothing when retention is disabled.
   */
  async runOnce(): Promise<number> {
    while (this.current) await this.current.catch(() => undefined);
    const run = this.moveAll();
    this.current = run;
    try {
      return await run;
    } finally {
      this.current = undefined;
    }
  }

  private async moveAll(): Promise<number> {
    if (this.config.days === 0) return 0;
    const sql = await this.moveSql();
    let total = 0;
    for (;;) {
      const rows = (await this.dataSource.query(sql, [this.config.days, this.config.batchSize])) as { moved: number }[];
      const moved = rows[0]?.moved ?? 0;
      total += moved;
      if (moved < this.config.batchSize || this.stopped) break;
    }
    if (total > 0) this.logger.log(`moved ${total} event(s) older than ${this.config.days} day(s) to events_archive`);
    return total;
  }

  /**
   * The batch statement. The archive takes every column the two tables share (so a column added
   * to both later is carried without touching this); an id already archived (an old event
   * replayed into the store) is not archived twice.
   */
  private async moveSql(): Promise<string> {
    if (!this.columns) {
      const rows = (await this.dataSource.query(
        `SELECT e.column_name AS name FROM information_schema.columns e
           JOIN information_schema.columns a ON a.table_schema = e.table_schema AND a.table_name = 'events_archive' AND a.column_name = e.column_name
          WHERE e.table_schema = current_schema() AND e.table_name = 'events'
          ORDER BY e.ordinal_position`,
      )) as { name: string }[];
      if (!rows.some((r) => r.name === 'id')) throw new Error('events / events_archive not found: are the migrations applied?');
      this.columns = rows.map((r) => `"${r.name.replace(/"/g, '""')}"`).join(', ');
    }
    return `WITH moved AS (
        DELETE FROM events WHERE id IN (
          SELECT id FROM events WHERE time < now() - make_interval(days => $1::int)
           ORDER BY time LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING *),
      archived AS (
        INSERT INTO events_archive (${this.columns}) SELECT ${this.columns} FROM moved ON CONFLICT (id) DO NOTHING)
      SELECT count(*)::int AS moved FROM moved`;
  }
}
