import pg from 'pg';
import { rebuildEventSummaries } from './event-summaries.js';

/**
 * `npm run event-store:rebuild-summaries` (DATABASE_URL of the event-store's database): recomputes
 * the stats and schemas summaries from the `events` table. Safe while the app runs.
 */
async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: point it at the event-store database, e.g. postgres://postgres@127.0.0.1:5432/mesh');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const started = Date.now();
    const { buckets, types } = await rebuildEventSummaries((sql, params) => client.query(sql, params));
    console.log(`event summaries rebuilt in ${Date.now() - started} ms: ${buckets} hour buckets, ${types} types`);
  } finally {
    await client.end();
  }
}

main().catch((err: Error) => {
  console.error(`event summaries not rebuilt: ${err.message}${/rebuild_event_summaries/.test(err.message) ? ' (start the event-store once so that its migrations run)' : ''}`);
  process.exitCode = 1;
});
