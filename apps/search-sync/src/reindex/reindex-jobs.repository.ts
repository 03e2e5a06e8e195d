import { ConflictException, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { REINDEX_STALE_AFTER_SECONDS, type ReindexJob, type ReindexStatus } from './reindex-job.js';

interface JobRow {
  id: string;
  index_name: string;
  temp_index: string;
  status: ReindexStatus;
  events_read: number;
  operations_applied: number;
  records_rejected: number;
  caught_up: number;
  missing_history: number;
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
}

const toJob = (r: JobRow): ReindexJob => ({
  id: r.id,
  index: r.index_name,
  tempIndex: r.temp_index,
  status: r.status,
  eventsRead: r.events_read,
  operationsApplied: r.operations_applied,
  recordsRejected: r.records_rejected,
  caughtUp: r.caught_up,
  missingHistory: r.missing_history,
  error: r.error,
  startedAt: r.started_at.toISOString(),
  finishedAt: r.finished_at?.toISOString() ?? null,
});

export type ProgressDelta = Partial<Record<'events_read' | 'operations_applied' | 'records_rejected' | 'caught_up' | 'missing_history', number>>;

/** `search_reindex_jobs`: the jobs and their progress, shared by every replica. */
@Injectable()
export class ReindexJobsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Records a running job; 409 when one runs for the index (a dead one, without heartbeat, is failed first). */
  async create(id: string, index: string, tempIndex: string): Promise<ReindexJob> {
    await this.dataSource.query(
      `UPDATE search_reindex_jobs SET status = 'failed', error = 'abandoned: its process stopped', finished_at = now()
        WHERE index_name = $1 AND status IN ('running', 'swapping') AND heartbeat_at <= now() - make_interval(secs => $2)`,
      [index, REINDEX_STALE_AFTER_SECONDS],
    );
    try {
      const rows: JobRow[] = await this.dataSource.query(
        `INSERT INTO search_reindex_jobs (id, index_name, temp_index, status) VALUES ($1, $2, $3, 'running') RETURNING *`,
        [id, index, tempIndex],
      );
      return toJob(rows[0]);
    } catch (err) {
      if ((err as { code?: string }).code !== '23505') throw err;
      const [running] = await this.dataSource.query<{ id: string }[]>(
        `SELECT id FROM search_reindex_jobs WHERE index_name = $1 AND status IN ('running', 'swapping')`,
        [index],
      );
      throw new ConflictException(`A reindex of ${index} is already running (job ${running?.id}); follow it at GET /search/reindex/${running?.id}`);
    }
  }

  async get(id: string): Promise<ReindexJob | undefined> {
    const rows: JobRow[] = await this.dataSource.query('SELECT * FROM search_reindex_jobs WHERE id = $1', [id]);
    return rows[0] && toJob(rows[0]);
  }

  /** Adds to the counters and renews the heartbeat (which keeps live writes copied to the temporary index). */
  async progress(id: string, delta: ProgressDelta = {}, tx: EntityManager = this.dataSource.manager): Promise<void> {
    await tx.query(
      `UPDATE search_reindex_jobs SET events_read = events_read + $2, operations_applied = operations_applied + $3,
         records_rejected = records_rejected + $4, caught_up = caught_up + $5, missing_history = missing_history + $6, heartbeat_at = now()
        WHERE id = $1`,
      [id, delta.events_read ?? 0, delta.operations_applied ?? 0, delta.records_rejected ?? 0, delta.caught_up ?? 0, delta.missing_history ?? 0],
    );
  }

  async setStatus(id: string, status: ReindexStatus, tx: EntityManager = this.dataSource.manager, error?: string): Promise<void> {
    await tx.query(
      `UPDATE search_reindex_jobs SET status = $2, error = $3, heartbeat_at = now(),
         finished_at = CASE WHEN $2 IN ('done', 'failed') THEN now() END
        WHERE id = $1`,
      [id, status, error ?? null],
    );
  }
}
