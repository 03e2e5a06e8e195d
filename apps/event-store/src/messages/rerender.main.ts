import pg from 'pg';
import type { MessageTemplate } from './message-template.js';
import { MessageCatalog } from './message-catalog.js';
import { rerenderMessages } from './rerender-messages.js';

/**
 * `npm run event-store:rerender-messages [-- <type or pattern>]` (DATABASE_URL of the event-store's
 * database): renders the stored events' sentences again with the templates in force, after a
 * template changed. Safe while the app runs. `POST /events/templates/rerender` does the same over HTTP.
 */
async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: point it at the event-store database, e.g. postgres://postgres@127.0.0.1:5432/mesh');
  const type = process.argv[2];
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const started = Date.now();
    const saved = await client.query<MessageTemplate>('SELECT type, audience, category, fa, en FROM event_templates');
    const query = async <T>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as T[];
    const updated = await rerenderMessages(query, new MessageCatalog(saved.rows), { type });
    console.log(`sentences rendered again in ${Date.now() - started} ms: ${updated} events${type ? ` of ${type}` : ''}`);
  } finally {
    await client.end();
  }
}

main().catch((err: Error) => {
  console.error(`sentences not rendered again: ${err.message}${/event_templates|message/.test(err.message) ? ' (start the event-store once so that its migrations run)' : ''}`);
  process.exitCode = 1;
});
