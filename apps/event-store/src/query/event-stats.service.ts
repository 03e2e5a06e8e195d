import { Injectable } from '@nestjs/common';
import type { StatsQuery } from './dto/stats.query.js';
import { EventStatsRepository, GroupRow, TypeStatsRow } from './event-stats.repository.js';
import type { TypeStats, EventStats } from './query.views.js';
export type { TypeStats, EventStats } from './query.views.js';

const rate = (errors: number, total: number): number => (total === 0 ? 0 : errors / total);

const toTypeStats = (row: TypeStatsRow): TypeStats => {
  const count = Number(row.count);
  const errors = Number(row.errors);
  return { type: row.type, count, errors, errorRate: rate(errors, count), firstSeen: row.first_seen.toISOString(), lastSeen: row.last_seen.toISOString() };
};

const toGroup = (row: GroupRow) => ({ key: row.key instanceof Date ? row.key.toISOString() : row.key, count: Number(row.count) });

/** Counts over a time window: totals, error rate, groups, and per type its errors and first/last seen. */
@Injectable()
export class EventStatsService {
  constructor(private readonly stats: EventStatsRepository) {}

  async read(q: StatsQuery): Promise<EventStats> {
    const from = q.from === undefined ? undefined : new Date(q.from);
    const to = q.to === undefined ? undefined : new Date(q.to);
    const read = await this.stats.read(from, to, q.groupBy);
    const types = read.types.map(toTypeStats);
    const total = types.reduce((n, t) => n + t.count, 0);
    const errors = types.reduce((n, t) => n + t.errors, 0);
    const groups = read.groups?.map(toGroup) ?? types.map((t) => ({ key: t.type, count: t.count }));
    return { from: from?.toISOString() ?? null, to: to?.toISOString() ?? null, groupBy: q.groupBy, total, errors, errorRate: rate(errors, total), groups, types };
  }
}
