import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { EventRate } from './glance.types.js';

const MINUTE = 60_000;

/**
 * Events per minute over the last minutes, counted from `events` through its time index (it carries
 * `level`, so an index-only scan): the rollups are hourly, too coarse for a sparkline.
 */
@Injectable()
export class EventRateService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async read(minutes: number, now = Date.now()): Promise<EventRate> {
    const to = Math.floor(now / MINUTE) * MINUTE + MINUTE;
    const from = to - (minutes + 1) * MINUTE;
    const rows = await this.db.query<{ minute: Date; count: string; errors: string }[]>(
      `SELECT date_trunc('minute', time) AS minute, count(*) AS count, count(*) FILTER (WHERE level = 'error') AS errors
         FROM events WHERE time >= $1 AND time < $2 GROUP BY 1`,
      [new Date(from), new Date(to)],
    );
    const byMinute = new Map(rows.map((r) => [r.minute.getTime(), r]));
    const series = Array.from({ length: minutes + 1 }, (_, i) => {
      const t = from + i * MINUTE;
      const r = byMinute.get(t);
      return { minute: new Date(t).toISOString(), count: Number(r?.count ?? 0), errors: Number(r?.errors ?? 0) };
    });
    const total = series.reduce((n, m) => n + m.count, 0);
    const errors = series.reduce((n, m) => n + m.errors, 0);
    return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), total, errors, errorRate: total === 0 ? 0 : errors / total, minutes: series };
  }
}
