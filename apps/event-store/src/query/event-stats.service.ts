import { Injectable } from '@nestjs/common';
import type { StatsGroup, StatsQuery } from './dto/stats.query.js';
import { BucketRow, EventStatsRepository, GroupRow, TypeStatsRow } from './event-stats.repository.js';

export interface TypeStats {
  type: string;
  count: number;
  errors: number;
  /** Share of this type's events at level `error`, 0–1. */
  errorRate: number;
  firstSeen: string;
  lastSeen: string;
}

export interface EventStats {
  from: string | null;
  to: string | null;
  groupBy: StatsGroup;
  total: number;
  errors: number;
  /** Share of all events in the window at level `error`, 0–1 (0 when there are none). */
  errorRate: number;
  /**
   * By count (most first) for type, level and source; by time for hour and day (keys are UTC bucket
   * starts, only buckets with events), which also carry their errors and their counts by level and by type.
   */
  groups: StatsGroupItem[];
  types: TypeStats[];
}

export interface StatsGroupItem {
  key: string;
  count: number;
  errors?: number;
  levels?: Record<string, number>;
  types?: Record<string, number>;
}

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
    const groups: StatsGroupItem[] = read.groups?.map(toGroup) ?? types.map((t) => ({ key: t.type, count: t.count }));
    if (read.buckets) splitBuckets(groups, read.buckets);
    return { from: from?.toISOString() ?? null, to: to?.toISOString() ?? null, groupBy: q.groupBy, total, errors, errorRate: rate(errors, total), groups, types };
  }
}

/** Adds each time bucket's errors and its counts by level and by type to its group. */
function splitBuckets(groups: StatsGroupItem[], rows: BucketRow[]): void {
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
