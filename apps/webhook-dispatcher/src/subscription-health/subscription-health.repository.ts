import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { HealthLastError, HealthWindow, SubscriptionHealthView } from './subscription-health.views.js';

interface AttemptFigures {
  id: string;
  h_attempts: number;
  h_ok: number;
  h_p50: number | null;
  h_p95: number | null;
  d_attempts: number;
  d_ok: number;
  d_p50: number | null;
  d_p95: number | null;
}
interface LastErrorRow {
  id: string;
  started_at: Date;
  delivery_id: string;
  response_status: number | null;
  error: string | null;
}
interface GapRow {
  id: string;
  hour: number;
  day: number;
}
interface BacklogRow {
  id: string;
  pending: number;
  paused: number;
  oldest_due: number | null;
}

const OK = `a.response_status BETWEEN 200 AND 299`;
const HOUR = `a.started_at >= now() - interval '1 hour'`;
/** `$1` null: every subscription. */
const WHICH = (column: string) => `($1::uuid IS NULL OR ${column} = $1)`;

/**
 * Health figures from the attempt log (the last day, through the BRIN index on `started_at`) and
 * the deliveries not settled (through the partial indexes on pending, paused and failed rows):
 * four statements, whatever the number of subscriptions.
 */
@Injectable()
export class SubscriptionHealthRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Every subscription's health (newest subscription first), or one's; [] when `id` names none. */
  async health(id: string | null): Promise<SubscriptionHealthView[]> {
    const [subs, figures, lastErrors, gaps, backlog] = await Promise.all([
      this.dataSource.query(`SELECT id, name, active FROM webhook_subscriptions WHERE ${WHICH('id')} ORDER BY created_at DESC, id DESC`, [id]) as Promise<
        { id: string; name: string; active: boolean }[]
      >,
      this.dataSource.query(
        `SELECT a.subscription_id AS id,
           count(*) FILTER (WHERE ${HOUR})::int AS h_attempts,
           count(*) FILTER (WHERE ${HOUR} AND ${OK})::int AS h_ok,
           percentile_disc(0.5) WITHIN GROUP (ORDER BY a.duration_ms) FILTER (WHERE ${HOUR}) AS h_p50,
           percentile_disc(0.95) WITHIN GROUP (ORDER BY a.duration_ms) FILTER (WHERE ${HOUR}) AS h_p95,
           count(*)::int AS d_attempts,
           count(*) FILTER (WHERE ${OK})::int AS d_ok,
           percentile_disc(0.5) WITHIN GROUP (ORDER BY a.duration_ms) AS d_p50,
           percentile_disc(0.95) WITHIN GROUP (ORDER BY a.duration_ms) AS d_p95
         FROM webhook_attempts a WHERE a.started_at >= now() - interval '1 day' AND ${WHICH('a.subscription_id')}
         GROUP BY a.subscription_id`,
        [id],
      ) as Promise<AttemptFigures[]>,
      this.dataSource.query(
        `SELECT DISTINCT ON (a.subscription_id) a.subscription_id AS id, a.started_at, a.delivery_id, a.response_status, a.error
         FROM webhook_attempts a WHERE a.started_at >= now() - interval '1 day' AND ${WHICH('a.subscription_id')} AND NOT COALESCE(${OK}, false)
         ORDER BY a.subscription_id, a.started_at DESC, a.id DESC`,
        [id],
      ) as Promise<LastErrorRow[]>,
      this.dataSource.query(
        `SELECT subscription_id AS id, count(*) FILTER (WHERE updated_at >= now() - interval '1 hour')::int AS hour, count(*)::int AS day
         FROM webhook_deliveries WHERE status = 'failed' AND ordering_key IS NOT NULL AND updated_at >= now() - interval '1 day' AND ${WHICH('subscription_id')}
         GROUP BY subscription_id`,
        [id],
      ) as Promise<GapRow[]>,
      this.dataSource.query(
        `SELECT subscription_id AS id, count(*) FILTER (WHERE status = 'pending')::int AS pending, count(*) FILTER (WHERE status = 'paused')::int AS paused,
           EXTRACT(EPOCH FROM now() - min(next_attempt_at) FILTER (WHERE status = 'pending' AND next_attempt_at <= now()))::float8 AS oldest_due
         FROM webhook_deliveries WHERE status IN ('pending', 'paused') AND ${WHICH('subscription_id')} GROUP BY subscription_id`,
        [id],
      ) as Promise<BacklogRow[]>,
    ]);
    const byId = <T extends { id: string }>(rows: T[]) => new Map(rows.map((r) => [r.id, r]));
    const [f, e, g, b] = [byId(figures), byId(lastErrors), byId(gaps), byId(backlog)];
    const hourAgo = Date.now() - 3_600_000;
    return subs.map((s) => {
      const fig = f.get(s.id);
      const err = e.get(s.id);
      const lastError: HealthLastError | null = err
        ? { at: err.started_at.toISOString(), deliveryId: err.delivery_id, status: err.response_status, error: err.error }
        : null;
      const back = b.get(s.id);
      return {
        subscriptionId: s.id,
        name: s.name,
        active: s.active,
        hour: window(fig?.h_attempts ?? 0, fig?.h_ok ?? 0, fig?.h_p50 ?? null, fig?.h_p95 ?? null, err && err.started_at.getTime() >= hourAgo ? lastError : null, g.get(s.id)?.hour ?? 0),
        day: window(fig?.d_attempts ?? 0, fig?.d_ok ?? 0, fig?.d_p50 ?? null, fig?.d_p95 ?? null, lastError, g.get(s.id)?.day ?? 0),
        backlog: {
          pending: back?.pending ?? 0,
          paused: back?.paused ?? 0,
          oldestDueSeconds: back?.oldest_due === null || back?.oldest_due === undefined ? null : Math.round(back.oldest_due * 10) / 10,
        },
      };
    });
  }
}

function window(attempts: number, succeeded: number, p50: number | null, p95: number | null, lastError: HealthLastError | null, orderingGaps: number): HealthWindow {
  return {
    attempts,
    succeeded,
    failed: attempts - succeeded,
    successRate: attempts === 0 ? null : Math.round((succeeded / attempts) * 10_000) / 10_000,
    p50Ms: p50,
    p95Ms: p95,
    lastError,
    orderingGaps,
  };
}
