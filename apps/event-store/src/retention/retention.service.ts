import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RETENTION_CONFIG, type RetentionConfig } from './event-store-env.js';

/** What one retention run did. */
export interface RetentionRun {
  /** Events moved to the archive (whole days, and strays of the default partition). */
  archived: number;
  /** Partitions (weeks) detached from `events` into the archive. */
  partitions: number;
  /** Archived partitions dropped after EVENT_ARCHIVE_DAYS. */
  pruned: number;
}

/**
 * Retention by partition. Every partition (a UTC week) of `events` whose whole range is older than
 * `EVENT_RETENTION_DAYS` is detached and attached to `events_archive` (catalogue changes, in
 * milliseconds, no row copied and no dead row left; the summaries drop that day in the same
 * transaction). Events kept in `events_default` (their time was outside every partition) move
 * row by row, in bounded batches, at the exact cutoff. Archived partitions are dropped
 * `EVENT_ARCHIVE_DAYS` after their retention. So an event leaves `events` within a week after its
 * `time` is `EVENT_RETENTION_DAYS` old. Runs shortly after start-up and then every `EVENT_RETENTION_INTERVAL`; replicas serialise
 * on an advisory lock in the SQL functions.
 */
/**
 * Run before an archived week is dropped, in its transaction: its admin actions move to
 * `audit_events`, kept for AUDIT_RETENTION_DAYS (audit events outlive ordinary ones).
 */
const KEEP_AUDIT = `INSERT INTO audit_events SELECT * FROM events_archive
  WHERE time >= $1::date::timestamp AT TIME ZONE 'UTC' AND time < event_partition_end($1::date)::timestamp AT TIME ZONE 'UTC'
    AND type LIKE 'audit.%' ON CONFLICT (id) DO NOTHING`;

/** SQLSTATE 40P01. */
const DEADLOCK_DETECTED = '40P01';

@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RetentionService.name);
  private timers: NodeJS.Timeout[] = [];
  private current?: Promise<RetentionRun>;
  private stopped = false;

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
    // Let a running step finish before the DataSource closes.
    await this.current?.catch(() => undefined);
  }

  private tick(): void {
    if (this.current || this.stopped) return; // the previous run is still going
    this.run().catch((err: Error) => this.logger.error(`retention run failed, next try in ${this.config.intervalMs} ms: ${err.message}`));
  }

  /** Archives (and prunes) everything due now; resolves with how many events were archived. */
  async runOnce(): Promise<number> {
    return (await this.run()).archived;
  }

  /** One run, after any run in progress. Does nothing when retention is disabled. */
  async run(): Promise<RetentionRun> {
    while (this.current) await this.current.catch(() => undefined);
    const run = this.archiveAndPrune();
    this.current = run;
    try {
      return await run;
    } finally {
      this.current = undefined;
    }
  }

  private async archiveAndPrune(): Promise<RetentionRun> {
    const result: RetentionRun = { archived: 0, partitions: 0, pruned: 0 };
    if (this.config.days === 0) return result;
    const { days, archiveDays, batchSize } = this.config;

    for (const day of await this.daysOlderThan('events', days)) {
      if (this.stopped) return result;
      result.archived += await this.step('archive_event_partition', day);
      result.partitions++;
    }
    for (;;) {
      const rows = (await this.retryDeadlock(() =>
        this.dataSource.query(`SELECT archive_event_strays(now() - make_interval(days => $1::int), $2::int)::int AS moved`, [days, batchSize]),
      )) as { moved: number }[];
      result.archived += rows[0].moved;
      if (rows[0].moved < batchSize || this.stopped) break;
    }
    if (archiveDays > 0) {
      for (const day of await this.daysOlderThan('events_archive', days + archiveDays)) {
        if (this.stopped) return result;
        await this.step('prune_event_archive_partition', day, KEEP_AUDIT);
        result.pruned++;
      }
      if (this.config.auditDays > 0) await this.dataSource.query(`DELETE FROM audit_events WHERE time < now() - make_interval(days => $1::int)`, [this.config.auditDays]);
    }
    if (result.archived > 0 || result.pruned > 0) {
      this.logger.log(
        `archived ${result.archived} event(s) older than ${days} day(s) (${result.partitions} weekly partition(s)); pruned ${result.pruned} archived partition(s)`,
      );
    }
    return result;
  }

  /** The first days of `table`'s partitions that end at least `age` days ago (UTC dates, `YYYY-MM-DD`). */
  private async daysOlderThan(table: 'events' | 'events_archive', age: number): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT to_char(d, 'YYYY-MM-DD') AS day FROM event_partition_days($1::regclass) AS d
        WHERE event_partition_end(d)::timestamp AT TIME ZONE 'UTC' <= now() - make_interval(days => $2::int) ORDER BY d`,
      [table, age],
    )) as { day: string }[];
    return rows.map((r) => r.day);
  }

  /**
   * One partition's move or drop in its own transaction. Detaching takes a brief exclusive lock on
   * `events`: a bounded wait, so a long read makes this step fail and retry at the next run rather
   * than queue every writer behind it.
   */
  private step(fn: 'archive_event_partition' | 'prune_event_archive_partition', day: string, before?: string): Promise<number> {
    return this.retryDeadlock(() =>
      this.dataSource.transaction(async (m) => {
        await m.query(`SET LOCAL lock_timeout = '5s'`);
        if (before) await m.query(before, [day]);
        const rows = (await m.query(`SELECT ${fn}($1::date)::int AS n`, [day])) as { n: number }[];
        return rows[0].n;
      }),
    );
  }

  /**
   * The summaries' rows are updated by both the writer's trigger and retention, so PostgreSQL may
   * pick a retention step as a deadlock victim (seen under load): its transaction rolled back whole,
   * so it is run again at once rather than at the next run an interval later.
   */
  private async retryDeadlock<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (err) {
        const code = (err as { code?: string }).code ?? (err as { driverError?: { code?: string } }).driverError?.code;
        if (code !== DEADLOCK_DETECTED || attempt >= attempts || this.stopped) throw err;
        this.logger.warn(`retention step chosen as a deadlock victim (attempt ${attempt} of ${attempts}); running it again`);
        await new Promise((r) => setTimeout(r, 50 * attempt));
      }
    }
  }
}
