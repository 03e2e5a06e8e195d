import { Logger } from '@nestjs/common';
import pg from 'pg';
import { DataSource, DataSourceOptions, MixedList } from 'typeorm';
import { CreateOutbox1732000000000 } from '../outbox/migrations/1732000000000-create-outbox.js';
import { CreateRateLimits1764900000000 } from '../rate-limit/migrations/1764900000000-create-rate-limits.js';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type Classes = MixedList<Function | string>;

/**
 * The app's tables on the mesh's PostgreSQL pool: entities and migrations join the library's own.
 * @example
 * EventsModule.forConsumer({ service: 'search-sync', consumer: 'search-sync', database: { entities: [ReindexJob], migrations: [CreateReindexJobs1764000000000] } })
 */
export interface MeshDatabaseOptions {
  entities?: Classes;
  migrations?: Classes;
}

/** The library's own migrations (the outbox, the shared rate-limit counters), run with the app's. */
export const EVENTS_MIGRATIONS = [CreateOutbox1732000000000, CreateRateLimits1764900000000];

/** Any fixed number: every app shares it so concurrent start-ups run migrations one at a time. */
const MIGRATION_LOCK = 7_413_301;
const logger = new Logger('MeshDatabase');

export function meshDataSourceOptions(url: string, options: MeshDatabaseOptions = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: options.entities ?? [],
    migrations: [...EVENTS_MIGRATIONS, ...((options.migrations as unknown[]) ?? [])] as Classes,
    // Schema changes only through migrations, never synchronize.
    synchronize: false,
    migrationsRun: false,
    extra: { max: 10 },
  };
}

/** Creates the database named in the URL when the server has none by that name (first `npm start`). */
async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err; // created meanwhile by another app
      });
      logger.log(`created database ${name}`);
    }
  } finally {
    await client.end();
  }
}

/** Initialises a DataSource and runs pending migrations under an advisory lock. */
export async function createMeshDataSource(options: DataSourceOptions): Promise<DataSource> {
  const url = (options as { url?: string }).url;
  if (url) await ensureDatabase(url);
  const dataSource = await new DataSource(options).initialize();
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    for (const m of applied) logger.log(`applied migration ${m.name}`);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
  return dataSource;
}

/**
 * The DataSource's own pg pool (TypeORM's postgres driver keeps it as `master`), for what TypeORM's
 * `query` cannot do: name a statement, or choose per call whether it is prepared.
 * @example await pgPoolOf(dataSource).query({ name: 'claim-deliveries', text: CLAIM_SQL, values: [limit] });
 */
export function pgPoolOf(dataSource: DataSource): pg.Pool {
  const pool = (dataSource.driver as unknown as { master?: pg.Pool }).master;
  if (typeof pool?.query !== 'function') throw new Error('needs an initialised PostgreSQL DataSource (no pg pool on its driver)');
  return pool;
}
