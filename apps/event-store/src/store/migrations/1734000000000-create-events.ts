import { MigrationInterface, QueryRunner } from 'typeorm';

const COLUMNS = `
  id uuid PRIMARY KEY,
  stream_seq bigint,
  type text NOT NULL,
  source text NOT NULL,
  subject text,
  resource_type text,
  resource_id text,
  level text NOT NULL,
  audience text,
  actor text,
  correlation_id text,
  causation_id text,
  dataschema text,
  time timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  data jsonb,
  extensions jsonb NOT NULL DEFAULT '{}',
  resolved boolean NOT NULL DEFAULT false,
  resolved_at timestamptz,
  resolved_by text`;

/** `events` (the history) and `events_archive` (what retention moved out); indexes fit the query API. */
export class CreateEvents1734000000000 implements MigrationInterface {
  name = 'CreateEvents1734000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE events (${COLUMNS})`);
    await q.query(`CREATE TABLE events_archive (${COLUMNS}, archived_at timestamptz NOT NULL DEFAULT now())`);
    // Newest first with a keyset cursor (time, id).
    await q.query(`CREATE INDEX events_time ON events (time DESC, id DESC)`);
    await q.query(`CREATE INDEX events_type_time ON events (type, time DESC)`);
    await q.query(`CREATE INDEX events_resource ON events (resource_type, resource_id, time)`);
    await q.query(`CREATE INDEX events_level_time ON events (level, time DESC)`);
    await q.query(`CREATE INDEX events_source_time ON events (source, time DESC)`);
    await q.query(`CREATE INDEX events_correlation ON events (correlation_id) WHERE correlation_id IS NOT NULL`);
    await q.query(`CREATE INDEX events_unresolved_errors ON events (time DESC) WHERE level = 'error' AND NOT resolved`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE events_archive`);
    await q.query(`DROP TABLE events`);
  }
}
