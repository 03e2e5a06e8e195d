import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Days covered ahead of today: next week's partition exists from the start of this one's last 7 days. */
export const PARTITION_DAYS_AHEAD = 7;
/** Yesterday too, for events published late around midnight. */
export const PARTITION_DAYS_BEHIND = 1;
const INTERVAL_MS = 3_600_000;

/**
 * Keeps the weekly partitions of `events` created ahead (those holding yesterday to today + 7
 * days, UTC): at start-up, before the first batch is written, and every hour. An event outside
 * them is still stored, in `events_default`, and moved into its partition when that one is created.
 */
@Injectable()
export class EventPartitionsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(EventPartitionsService.name);
  private timer?: NodeJS.Timeout;
  private current?: Promise<number>;

  constructor(private readonly dataSource: DataSource) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensure();
    // unref: a pending run must never keep the process alive.
    this.timer = setInterval(() => {
      this.ensure().catch((err: Error) => this.logger.error(`creating the partitions ahead failed, next try in 1h: ${err.message}`));
    }, INTERVAL_MS).unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.current?.catch(() => undefined);
  }

  /** Creates the missing partitions around `now`; resolves with how many were created. */
  async ensure(now = new Date()): Promise<number> {
    const run = this.create(now);
    this.current = run;
    try {
      return await run;
    } finally {
      if (this.current === run) this.current = undefined;
    }
  }

  private async create(now: Date): Promise<number> {
    const rows = (await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE ensure_event_partition(d::date))::int AS created
         FROM generate_series(($1::timestamptz AT TIME ZONE 'UTC')::date - $2::int, ($1::timestamptz AT TIME ZONE 'UTC')::date + $3::int, interval '1 day') AS d`,
      [now, PARTITION_DAYS_BEHIND, PARTITION_DAYS_AHEAD],
    )) as { created: number }[];
    const created = rows[0].created;
    if (created > 0) this.logger.log(`created ${created} weekly partition(s) of events`);
    return created;
  }
}
