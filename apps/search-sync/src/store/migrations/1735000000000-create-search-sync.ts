import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * search-sync's tables:
 * - `search_sync_state`: the order guard, per (index, objectID) the time and id of the last event
 *   applied, and whether it was a delete (a tombstone, so an older upsert cannot bring it back);
 * - `search_documents`: the local full-text index (used when Algolia is not configured);
 * - `search_reindex_jobs`: full reindexes and their progress.
 */
export class CreateSearchSync1735000000000 implements MigrationInterface {
  name = 'CreateSearchSync1735000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE search_sync_state (
      index_name text NOT NULL,
      object_id text NOT NULL,
      event_time timestamptz NOT NULL,
      event_id text NOT NULL,
      deleted boolean NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (index_name, object_id)
    )`);
    await q.query(`CREATE TABLE search_documents (
      index_name text NOT NULL,
      object_id text NOT NULL,
      record jsonb NOT NULL,
      primary_text text NOT NULL,
      document tsvector NOT NULL,
      PRIMARY KEY (index_name, object_id)
    )`);
    await q.query(`CREATE INDEX search_documents_document ON search_documents USING gin (document)`);
    await q.query(`CREATE TABLE search_reindex_jobs (
      id uuid PRIMARY KEY,
      index_name text NOT NULL,
      temp_index text NOT NULL,
      status text NOT NULL CHECK (status IN ('running', 'swapping', 'done', 'failed')),
      events_read integer NOT NULL DEFAULT 0,
      operations_applied integer NOT NULL DEFAULT 0,
      records_rejected integer NOT NULL DEFAULT 0,
      caught_up integer NOT NULL DEFAULT 0,
      missing_history integer NOT NULL DEFAULT 0,
      error text,
      started_at timestamptz NOT NULL DEFAULT now(),
      heartbeat_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz
    )`);
    // One live reindex per index.
    await q.query(`CREATE UNIQUE INDEX search_reindex_jobs_one_active ON search_reindex_jobs (index_name) WHERE status IN ('running', 'swapping')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE search_reindex_jobs`);
    await q.query(`DROP TABLE search_documents`);
    await q.query(`DROP TABLE search_sync_state`);
  }
}
