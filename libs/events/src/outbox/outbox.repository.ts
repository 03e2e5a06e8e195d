import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export interface OutboxRow {
  seq: string;
  id: string;
  subject: string;
  payload: string;
  attempts: number;
}

export interface NewOutboxRow {
  id: string;
  source: string;
  subject: string;
  payload: string;
  lastError?: string;
}

/** Notified on commit only, so the relay wakes exactly when a row becomes visible. */
export const OUTBOX_CHANNEL = 'mesh_outbox';

/** SQL for the durable outbox table (`mesh_outbox`). */
@Injectable()
export class OutboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inserts events, inside `manager`'s transaction when given. A repeated id is kept once. */
  async add(rows: NewOutboxRow[], manager: EntityManager = this.dataSource.manager): Promise<void> {
    if (rows.length === 0) return;
    const values: unknown[] = [];
    const tuples = rows.map((r, i) => {
      values.push(r.id, r.source, r.subject, r.payload, r.lastError ?? null);
      const b = i * 5;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5})`;
    });
    await manager.query(
      `INSERT INTO mesh_outbox (id, source, subject, payload, last_error) VALUES ${tuples.join(', ')} ON CONFLICT (id) DO NOTHING`,
      values,
    );
    await manager.query(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`);
  }

  /**
   * Runs `work` on the next due rows, locked so that concurrent relays (other replicas, other apps
   * sharing the database) never take the same row.
   */
  async withDueRows<T>(limit: number, work: (rows: OutboxRow[], manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const rows: OutboxRow[] = await manager.query(
        `SELECT seq, id, subject, payload, attempts FROM mesh_outbox
          WHERE next_attempt_at <= now() ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      return work(rows, manager);
    });
  }

  async remove(manager: EntityManager, seqs: string[]): Promise<void> {
    if (seqs.length > 0) await manager.query(`DELETE FROM mesh_outbox WHERE seq = ANY($1::bigint[])`, [seqs]);
  }

  async postpone(manager: EntityManager, seqs: string[], delayMs: number, error: string): Promise<void> {
    if (seqs.length === 0) return;
    await manager.query(
      `UPDATE mesh_outbox SET attempts = attempts + 1, last_error = $2,
              next_attempt_at = now() + ($3::int * interval '1 millisecond')
        WHERE seq = ANY($1::bigint[])`,
      [seqs, error.slice(0, 500), delayMs],
    );
  }

  /** Rows still waiting for JetStream, for this source (`failedEventsCount`). */
  async count(source: string): Promise<number> {
    const [row] = await this.dataSource.query(`SELECT count(*)::int AS n FROM mesh_outbox WHERE source = $1`, [source]);
    return (row as { n: number }).n;
  }
}
