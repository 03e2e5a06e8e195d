import { randomBytes } from 'node:crypto';
import pg from 'pg';

const DEFAULT_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

function serverUrl(): string {
  return process.env.DATABASE_URL || DEFAULT_SERVER_URL;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Runs `fn` on a short-lived client connected to the server's `postgres` maintenance db. */
async function onMaintenanceDb<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl(), 'postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh, uniquely named database on the server at DATABASE_URL, dropped by `drop()`. */
export class TestDatabase {
  private pool?: pg.Pool;

  private constructor(
    readonly name: string,
    readonly url: string,
  ) {}

  static async create(prefix = 'test'): Promise<TestDatabase> {
    const safe = prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 40);
    const name = `mesh_${safe}_${randomBytes(6).toString('hex')}`;
    // The name is restricted to [a-z0-9_], so quoting it as an identifier is safe.
    await onMaintenanceDb((c) => c.query(`CREATE DATABASE "${name}"`));
    return new TestDatabase(name, withDatabase(serverUrl(), name));
  }

  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    sql: string,
    params?: unknown[],
  ): Promise<pg.QueryResult<R>> {
    if (!this.pool) {
      this.pool = new pg.Pool({ connectionString: this.url, max: 4 });
      // Suites that cut PostgreSQL connections (pg_terminate_backend, ALLOW_CONNECTIONS false) also
      // kill this pool's idle clients; pg drops them and the next query connects anew, while an
      // unhandled 'error' event would crash the test process (57P01). Queries still reject on their own errors.
      this.pool.on('error', () => undefined);
    }
    return this.pool.query<R>(sql, params);
  }

  async drop(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end();
    await onMaintenanceDb(async (c) => {
      await c.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [this.name],
      );
      await c.query(`DROP DATABASE IF EXISTS "${this.name}" WITH (FORCE)`);
    });
  }
}
