import { DataSource, type MigrationInterface } from 'typeorm';
import { TestDatabase } from '@app/testing';
import { CreateSearchSync1735000000000 } from '../src/store/migrations/1735000000000-create-search-sync.js';
import { GuardOnDocuments1765100000000 } from '../src/store/migrations/1765100000000-guard-on-documents.js';
import { LocalSearchProvider } from '../src/providers/local/local.provider.js';
import type { IndexOperation } from '../src/mapping/index-mapping.js';

const upsert = (objectID: string, eventTime: string, eventId: string, name: string): IndexOperation => ({
  index: 'vendors', objectID, action: 'upsert', eventTime, eventId, record: { objectID, name }, searchable: [name],
});

describe('GuardOnDocuments1765100000000: the local order guard moves onto the document rows, and back (real PostgreSQL)', () => {
  let db: TestDatabase;
  let ds: DataSource | undefined;

  beforeAll(async () => {
    db = await TestDatabase.create('search_sync_guard_migration');
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const migrateTo = async (migrations: (new () => MigrationInterface)[]) => {
    await ds?.destroy();
    ds = await new DataSource({ type: 'postgres', url: db.url, migrations }).initialize();
    await ds.runMigrations();
    return ds;
  };
  const docs = () => ds!.query(`SELECT object_id, record->>'name' AS name, event_id, deleted, event_time = '-infinity' AS unknown FROM search_documents ORDER BY object_id`);

  it('carries guard rows and tombstones over, guards writes on the rows, and gives the newest guard back on the way down', async () => {
    await migrateTo([CreateSearchSync1735000000000]);
    // a: indexed, with its guard row; b: deleted (a tombstone only); c: a document without a guard row.
    await ds!.query(`INSERT INTO search_sync_state (index_name, object_id, event_time, event_id, deleted) VALUES
      ('vendors', 'a', '2025-01-01T00:00:01Z', 'e-a1', false), ('vendors', 'b', '2025-01-01T00:00:05Z', 'e-b2', true)`);
    await ds!.query(`INSERT INTO search_documents (index_name, object_id, record, primary_text, document) VALUES
      ('vendors', 'a', '{"objectID":"a","name":"A1"}', 'A1', to_tsvector('simple', 'A1')),
      ('vendors', 'c', '{"objectID":"c","name":"C1"}', 'C1', to_tsvector('simple', 'C1'))`);

    await migrateTo([CreateSearchSync1735000000000, GuardOnDocuments1765100000000]);
    expect(await docs()).toEqual([
      { object_id: 'a', name: 'A1', event_id: 'e-a1', deleted: false, unknown: false },
      { object_id: 'b', name: null, event_id: 'e-b2', deleted: true, unknown: false },
      { object_id: 'c', name: 'C1', event_id: '', deleted: false, unknown: true },
    ]);

    // One statement guards: a newer update lands, an older one after the tombstone does not, any event beats "unknown".
    const local = new LocalSearchProvider(ds!);
    const won = await ds!.transaction((tx) =>
      local.write([upsert('a', '2025-01-01T00:00:02Z', 'e-a2', 'A2'), upsert('b', '2025-01-01T00:00:04Z', 'e-b1', 'B old'), upsert('c', '2020-01-01T00:00:00Z', 'e-c1', 'C2')], tx),
    );
    expect(won.map((op) => op.objectID)).toEqual(['a', 'c']);
    expect(await docs()).toEqual([
      { object_id: 'a', name: 'A2', event_id: 'e-a2', deleted: false, unknown: false },
      { object_id: 'b', name: null, event_id: 'e-b2', deleted: true, unknown: false },
      { object_id: 'c', name: 'C2', event_id: 'e-c1', deleted: false, unknown: false },
    ]);
    await expect(ds!.query(`INSERT INTO search_documents (index_name, object_id, event_time, event_id, deleted) VALUES ('vendors', 'x', now(), 'e', false)`)).rejects.toThrow(
      /search_documents_tombstone/,
    );

    await ds!.undoLastMigration();
    expect(await ds!.query(`SELECT object_id, event_id, deleted FROM search_sync_state ORDER BY object_id`)).toEqual([
      { object_id: 'a', event_id: 'e-a2', deleted: false },
      { object_id: 'b', event_id: 'e-b2', deleted: true },
      { object_id: 'c', event_id: 'e-c1', deleted: false },
    ]);
    expect(await ds!.query(`SELECT object_id, record->>'name' AS name FROM search_documents ORDER BY object_id`)).toEqual([
      { object_id: 'a', name: 'A2' },
      { object_id: 'c', name: 'C2' },
    ]);
    const columns = await ds!.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'search_documents' ORDER BY column_name`);
    expect(columns.map((c: { column_name: string }) => c.column_name)).toEqual(['document', 'index_name', 'object_id', 'primary_text', 'record']);

    // And up again over the reverted schema.
    await migrateTo([CreateSearchSync1735000000000, GuardOnDocuments1765100000000]);
    expect((await docs()).map((d: { object_id: string; event_id: string }) => [d.object_id, d.event_id])).toEqual([['a', 'e-a2'], ['b', 'e-b2'], ['c', 'e-c1']]);
  });
});
