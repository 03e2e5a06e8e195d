import { Injectable } from '@nestjs/common';
import type { StatsQuery } from './dto/stats.query.js';
import { EventStatsRepository, GroupRow, SplitRow, TypeStatsRow } from './event-stats.repository.js';
import type { TypeStats, EventStats, StatsGroupItem } from './query.views.js';
export type { TypeStats, EventStats } from './query.views.js';

const rate = (errors: number, total: number): number => (total === 0 ? 0 : errors / total);

const toTypeStats = (row: TypeStatsRow): TypeStats => {
  const count = Number(row.count);
  const errors = Number(row.errors);
  return { type: row.type, count, errors, errorRate: rate(errors, count), firstSeen: row.first_seen.toISOString(), lastSeen: row.last_seen.toISOString() };
};

const toGroup = (row: GroupRow): StatsGroupItem => ({ key: row.key instanceof Date ? row.key.toISOString() : row.key, count: Number(row.count) });

/** Counts over a time window: totals, error rate, groups, and per type its errors and first/last seen. */
@Injectable()
export class EventStatsService {
  constructor(private readonly stats: EventStatsRepository) {}

  async read(q: StatsQuery): Promise<EventStats> {
    const from = q.from === undefined ? undefined : new Date(q.from);
    const to = q.to === undefined ? undefined : new Date(q.to);
    const read = await this.stats.read(from, to, q.groupBy, q.split);
    const types = read.types.map(toTypeStats);
    const total = types.reduce((n, t) => n + t.count, 0);
    const errors = types.reduce((n, t) => n + t.errors, 0);
    const groups = read.groups?.map(toGroup) ?? types.map((t) => ({ key: t.type, count: t.count }));
    if (read.splits) splitBuckets(groups, read.splits);
    return { from: from?.toISOString() ?? null, to: to?.toISOString() ?? null, groupBy: q.groupBy, total, errors, errorRate: rate(errors, total), groups, types };
  }
}

/** Adds each time bucket's errors and its counts by level and by type to its group. */
function splitBuckets(groups: StatsGroupItem[], rows: SplitRow[]): void {
  const byKey = new Map(groups.map((g) => [g.key, Object.assign(g, { errors: 0, levels: {}, types: {} })]));
  for (const row of rows) {
    const g = byKey.get(row.key.toISOString());
    if (!g) continue;
    const n = Number(row.count);
    g.levels[row.level] = (g.levels[row.level] ?? 0) + n;
    g.types[row.type] = (g.types[row.type] ?? 0) + n;
    if (row.level === 'error') g.errors += n;
  }
}
