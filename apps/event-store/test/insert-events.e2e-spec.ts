import { DataSource } from 'typeorm';
import { createEnvelope } from '@app/events';
import { TestDatabase } from '@app/testing';
import { EVENT_STORE_MIGRATIONS } from '../src/store/migrations/index.js';
import { dataSourceRowWriter } from '../src/writer/insert-events.sql.js';
import { SENTENCE, toEventRow, type EventRow } from '../src/writer/event-row.js';
import { MigratedDatabase } from './migrated-database.js';

describe('the writer statement (real PostgreSQL)', () => {
  let db: TestDatabase;
  let migrated: MigratedDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await TestDatabase.create('event_store_insert');
    migrated = new MigratedDatabase(db.url);
    ds = await migrated.migrateTo(EVENT_STORE_MIGRATIONS);
    await ds.query(`SELECT ensure_event_partition(current_date)`);
  });

  afterAll(async () => {
    await migrated?.destroy();
    await db?.drop();
  });

  const row = (id: string, sentence?: string, en = `en ${id}`): EventRow => {
    const r = toEventRow(createEnvelope('insert.checked', { id }, 'insert-spec', { id }), undefined, new Date());
    if (sentence !== undefined) r[SENTENCE] = sentence;
    r.message_en = en;
    r.category = 'Info';
    return r;
  };
  const stored = async (ids: string[]) =>
    (await ds.query(`SELECT id, message, message_en FROM events WHERE id = ANY ($1) ORDER BY id`, [ids])) as { id: string; message: string | null; message_en: string }[];

  it('stores each row with its own Persian sentence, whatever the batch order, and the first copy of an id sent twice', async () => {
    // Sent out of id order (the writer sorts them) and with the sentence apart from the row's JSON.
    const batch = [row('w-3', 'رویداد سوم'), row('w-1', 'رویداد «یکم»'), row('w-2'), row('w-1', 'copy', 'en copy'), row('w-0', 'ascii only')];
    await dataSourceRowWriter(ds)(batch);
    expect(await stored(['w-0', 'w-1', 'w-2', 'w-3'])).toEqual([
      { id: 'w-0', message: 'ascii only', message_en: 'en w-0' },
      { id: 'w-1', message: 'رویداد «یکم»', message_en: 'en w-1' },
      { id: 'w-2', message: null, message_en: 'en w-2' },
      { id: 'w-3', message: 'رویداد سوم', message_en: 'en w-3' },
    ]);
  });

  it('leaves the sentence out of the row JSON (it travels as its own parameter)', () => {
    expect(JSON.parse(JSON.stringify(row('w-9', 'سلام')))).not.toHaveProperty('message');
  });
});
