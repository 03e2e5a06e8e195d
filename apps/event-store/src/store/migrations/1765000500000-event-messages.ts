import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each event's sentences as they were rendered when it was stored (`message` in Persian,
 * `message_en`, its `category`), and the templates saved over `/events/templates` (the defaults
 * live in the code). The archive gets the same columns: retention attaches partitions of `events`
 * to it, which needs both tables to have the same columns. Nullable columns without a default: the
 * ALTER rewrites no row; older rows are rendered when read, or filled by the re-render command.
 */
export class EventMessages1765000500000 implements MigrationInterface {
  name = 'EventMessages1765000500000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['events', 'events_archive']) {
      await q.query(`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS message text, ADD COLUMN IF NOT EXISTS message_en text, ADD COLUMN IF NOT EXISTS category text`);
    }
    await q.query(`CREATE TABLE IF NOT EXISTS event_templates (
      type text NOT NULL,
      audience text NOT NULL,
      category text NOT NULL,
      fa text NOT NULL,
      en text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      updated_by text,
      PRIMARY KEY (type, audience)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS event_templates`);
    for (const table of ['events', 'events_archive']) {
      await q.query(`ALTER TABLE ${table} DROP COLUMN IF EXISTS message, DROP COLUMN IF EXISTS message_en, DROP COLUMN IF EXISTS category`);
    }
  }
}
