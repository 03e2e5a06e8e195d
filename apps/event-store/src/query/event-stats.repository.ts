import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { StatsGroup } from './dto/stats.query.js';
import { filterConditions } from './sql/event-filter.js';
import { SqlParams, whereClause } from './sql/sql-params.js';

export interface TypeStatsRow {
  type: string;
  count: string;
  errors: string;
  first_seen: Date;
  last_seen: Date;
}

export interface GroupRow {
  key: string | Date;
  count: string;
}

/** Fixed SQL per grouping: the user picks one by name, never writes any. UTC buckets for hour and day. */
const GROUP_KEYS: Record<Exclude<StatsGroup, 'type'>, { key: string; order: string }> = {
  level: { key: 'level', order: 'count(*) DESC, 1' },
  source: { key: 'source', order: 'count(*) DESC, 1' },
  hour: { key: `date_trunc('hour', time AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`, order: '1' },
  day: { key: `date_trunc('day', time AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`, order: '1' },
};

/** Aggregates over a time window, read from one snapshot so the per-type figures and the groups agree. */
@Injectable()
export class EventStatsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  read(from: Date | undefined, to: Date | undefined, groupBy: StatsGroup): Promise<{ types: TypeStatsRow[]; groups?: GroupRow[] }> {
    return this.db.transaction('REPEATABLE READ', async (m) => {
      const types = await this.types(m, from, to);
      return groupBy === 'type' ? { types } : { types, groups: await this.groups(m, from, to, groupBy) };
    });
  }

  private types(m: EntityManager, from: Date | undefined, to: Date | undefined): Promise<TypeStatsRow[]> {
    const params = new SqlParams();
    const where = whereClause(filterConditions({ from, to }, params));
    return m.query<TypeStatsRow[]>(
      `SELECT type, count(*) AS count, count(*) FILTER (WHERE level = 'error') AS errors, min(time) AS first_seen, max(time) AS last_seen
       FROM events ${where} GROUP BY type ORDER BY count(*) DESC, type`,
      params.values,
    );
  }

  private groups(m: EntityManager, from: Date | undefined, to: Date | undefined, groupBy: Exclude<StatsGroup, 'type'>): Promise<GroupRow[]> {
    const params = new SqlParams();
    const where = whereClause(filterConditions({ from, to }, params));
    const { key, order } = GROUP_KEYS[groupBy];
    return m.query<GroupRow[]>(`SELECT ${key} AS key, count(*) AS count FROM events ${where} GROUP BY 1 ORDER BY ${order}`, params.values);
  }
}
