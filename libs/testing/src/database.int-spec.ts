import pg from 'pg';
import { TestDatabase } from './database.js';

async function databaseExists(name: string): Promise<boolean> {
  const url = new URL(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const res = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return res.rowCount === 1;
  } finally {
    await client.end();
  }
}

describe(TestDatabase.name, () => {
  let db: TestDatabase | undefined;

  afterAll(async () => {
    await db?.drop();
  });

  it('creates a fresh database reachable through query() and url', async () => {
    db = await TestDatabase.create('Spec-Suite');

    expect(db.name).toMatch(/^mesh_spec_suite_[a-z0-9]+$/);
    const res = await db.query<{ name: string }>('SELECT current_database() AS name');
    expect(res.rows[0]?.name).toBe(db.name);
    expect(new URL(db.url).pathname).toBe(`/${db.name}`);
  });

  it('drops the database even while the pool holds connections', async () => {
    const victim = await TestDatabase.create('drop');
    await victim.query('SELECT 1');

    await victim.drop();

    expect(await databaseExists(victim.name)).toBe(false);
  });
});
