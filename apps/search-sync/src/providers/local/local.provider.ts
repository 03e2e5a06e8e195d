import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { IndexOperation, SearchRecord } from '../../mapping/index-mapping.js';
import type { SearchProvider, SearchQuery, SearchResult } from '../search-provider.js';
import type { BehindRow } from '../../sync/order-guard.repository.js';
import { type GuardAnswer, winners } from '../../sync/order-guard.js';
import { queryWords, tsQueries } from './local-search.query.js';

/**
 * The offline index: `search_documents` in the app's PostgreSQL, a weighted tsvector per record
 * (first searchable field A, the others B) with a GIN index. Each row also holds its order guard
 * (the time and id of the last event applied, and whether it was a delete: a tombstone row). Ranking: the first searchable field equal to the query, then every word matched
 * whole, then ts_rank of the prefix match.
 */
@Injectable()
export class LocalSearchProvider implements SearchProvider {
  readonly name = 'local' as const;

  constructor(private readonly dataSource: DataSource) {}

  /**
   * One statement guards and writes: a conditional upsert whose `WHERE` lets a row change only
   * for a newer event (time, then id). A delete turns the row into a tombstone (no record, no
   * tsvector), which stays so that an older upsert arriving late cannot bring it back.
   */
  async write<T extends IndexOperation>(ops: readonly T[], tx: EntityManager): Promise<T[]> {
    if (ops.length === 0) return [];
    const rows = ops.map((op) =>
      op.action === 'upsert'
        ? { i: op.index, o: op.objectID, t: op.eventTime, e: op.eventId, r: op.record, p: op.searchable?.[0] ?? '', x: (op.searchable ?? []).slice(1).join(' ') }
        : { i: op.index, o: op.objectID, t: op.eventTime, e: op.eventId, d: true },
    );
    // All rows winning is the usual case: then one row with a count comes back instead of 1,000 keys to parse.
    const [answer]: GuardAnswer[] = await tx.query(
      `WITH w AS (
         INSERT INTO search_documents AS s (index_name, object_id, event_time, event_id, deleted, record, primary_text, document)
         SELECT i, o, t, e, d IS TRUE, r, p, CASE WHEN d IS TRUE THEN NULL ELSE setweight(to_tsvector('simple', p), 'A') || setweight(to_tsvector('simple', x), 'B') END
           FROM json_to_recordset($1::json) AS j(i text, o text, t timestamptz, e text, d boolean, r jsonb, p text, x text)
           ORDER BY i, o
         ON CONFLICT (index_name, object_id) DO UPDATE
           SET event_time = excluded.event_time, event_id = excluded.event_id, deleted = excluded.deleted,
               record = excluded.record, primary_text = excluded.primary_text, document = excluded.document, applied_at = now()
           WHERE (excluded.event_time, excluded.event_id) > (s.event_time, s.event_id)
         RETURNING index_name, object_id)
       SELECT count(*)::int AS n, CASE WHEN count(*) < $2 THEN json_agg(json_build_array(index_name, object_id)) END AS won FROM w`,
      [JSON.stringify(rows), ops.length],
    );
    return winners(ops, answer);
  }

  /** Rows without a known event (`-infinity`, from before the guard moved here) have nothing to catch up. */
  objectsBehind(tx: EntityManager, live: string, temp: string): Promise<BehindRow[]> {
    return tx.query(
      `SELECT l.object_id, l.event_id, l.applied_at FROM search_documents l
         LEFT JOIN search_documents t ON t.index_name = $2 AND t.object_id = l.object_id
        WHERE l.index_name = $1 AND l.event_time > '-infinity'
          AND (t.object_id IS NULL OR (l.event_time, l.event_id) > (t.event_time, t.event_id))
        ORDER BY l.object_id`,
      [live, temp],
    );
  }

  async search(index: string, { q, page, hitsPerPage }: SearchQuery): Promise<SearchResult> {
    const words = queryWords(q);
    const offset = page * hitsPerPage;
    let rows: { record: SearchRecord; total: string }[];
    if (words.length === 0) {
      rows = await this.dataSource.query(
        `SELECT record, count(*) OVER () AS total FROM search_documents WHERE index_name = $1 AND NOT deleted ORDER BY object_id LIMIT $2 OFFSET $3`,
        [index, hitsPerPage, offset],
      );
    } else {
      const { exact, prefix } = tsQueries(words);
      rows = await this.dataSource.query(
        `SELECT record, count(*) OVER () AS total
           FROM search_documents, to_tsquery('simple', $2) AS prefix, to_tsquery('simple', $3) AS exact
          WHERE index_name = $1 AND NOT deleted AND document @@ prefix
          ORDER BY lower(primary_text) = $4 DESC, document @@ exact DESC, ts_rank(document, prefix) DESC, object_id
          LIMIT $5 OFFSET $6`,
        [index, prefix, exact, q.trim().toLowerCase(), hitsPerPage, offset],
      );
    }
    return { hits: rows.map((r) => r.record), nbHits: rows.length > 0 ? Number(rows[0].total) : 0, page, hitsPerPage };
  }

  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1 FROM search_documents LIMIT 1');
  }

  async prepareTemp(): Promise<void> {
    // Rows of the temporary index name are the temporary index: nothing to create.
  }

  async settle(): Promise<void> {
    // A committed write is visible at once.
  }

  async swap(temp: string, live: string, tx: EntityManager): Promise<void> {
    // One transaction: readers see the old index until the commit, then the new one.
    await tx.query('DELETE FROM search_documents WHERE index_name = $1', [live]);
    await tx.query('UPDATE search_documents SET index_name = $1 WHERE index_name = $2', [live, temp]);
  }

  async copyRecords(from: string, to: string, objectIDs: readonly string[], tx: EntityManager): Promise<void> {
    await tx.query(
      `INSERT INTO search_documents (index_name, object_id, event_time, event_id, deleted, applied_at, record, primary_text, document)
       SELECT $2, object_id, event_time, event_id, deleted, applied_at, record, primary_text, document
         FROM search_documents WHERE index_name = $1 AND object_id = ANY($3) ORDER BY object_id
       ON CONFLICT (index_name, object_id) DO UPDATE
         SET event_time = excluded.event_time, event_id = excluded.event_id, deleted = excluded.deleted, applied_at = excluded.applied_at,
             record = excluded.record, primary_text = excluded.primary_text, document = excluded.document`,
      [from, to, objectIDs],
    );
  }

  async drop(index: string, tx: EntityManager): Promise<void> {
    await tx.query('DELETE FROM search_documents WHERE index_name = $1', [index]);
  }
}
