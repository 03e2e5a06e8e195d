import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `events.id` (and the archive's) from `uuid` to `text`: other clients publish NUIDs, ULIDs or
 * `order-42`, which the uuid column refused. COLLATE "C" compares bytes, so a UUID v7 (lowercase
 * hex) still sorts by its time, the keyset order (time, id) stays cheap, and no locale applies.
 * The CHECK makes an empty or over-long id a data error (SQLSTATE 23514): the writer dead-letters
 * that one event with the reason and keeps the rest of its batch.
 */
export class TextEventIds1764700000000 implements MigrationInterface {
  name = 'TextEventIds1764700000000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['events', 'events_archive']) {
      await q.query(`ALTER TABLE ${table} ALTER COLUMN id TYPE text COLLATE "C" USING id::text`);
    }
    await q.query(`ALTER TABLE events ADD CONSTRAINT events_id_length CHECK (char_length(id) BETWEEN 1 AND 256)`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Fails, naming the row, once an id that is not a UUID is stored: such events cannot go back.
    await q.query(`ALTER TABLE events DROP CONSTRAINT events_id_length`);
    for (const table of ['events', 'events_archive']) await q.query(`ALTER TABLE ${table} ALTER COLUMN id TYPE uuid USING id::uuid`);
  }
}
