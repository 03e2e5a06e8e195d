import { MigrationInterface, QueryRunner } from 'typeorm';

const PLAIN = '(time DESC, id DESC)';
const COVERING = `${PLAIN} INCLUDE (type, level, source)`;

/**
 * The time index of `events` (and of the archive, so that a partition retention moves still
 * attaches there without building an index) carries `type`, `level` and `source`: the ragged ends
 * of a `stats` window (under an hour each) become an index-only scan instead of a heap page per
 * row (a 59-minute end at 1M rows: 12 pages read instead of 669). It replaces the plain index rather
 * than joining it, so the writer still updates as many indexes per row; keyset pages and the
 * `(time, id)` lookups read it as before. Built under a write lock (partitioned indexes cannot be
 * built concurrently in a migration): about 22 s per 5M rows on this machine.
 */
export class CoveringTimeIndex1764700005000 implements MigrationInterface {
  name = 'CoveringTimeIndex1764700005000';

  async up(q: QueryRunner): Promise<void> {
    await replaceTimeIndex(q, COVERING);
  }

  async down(q: QueryRunner): Promise<void> {
    await replaceTimeIndex(q, PLAIN);
  }
}

async function replaceTimeIndex(q: QueryRunner, definition: string): Promise<void> {
  for (const table of ['events', 'events_archive']) {
    await q.query(`CREATE INDEX ${table}_time_next ON ${table} ${definition}`);
    await q.query(`DROP INDEX ${table}_time`);
    // The name stays `<table>_time`, so nothing that names the index changes.
    await q.query(`ALTER INDEX ${table}_time_next RENAME TO ${table}_time`);
  }
}
