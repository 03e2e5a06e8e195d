import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { IndexOperation, SearchRecord } from '../../mapping/index-mapping.js';
import type { SearchProvider, SearchQuery, SearchResult } from '../search-provider.js';
import { queryWords, tsQueries } from './local-search.query.js';

/**
 * The offline index: `search_documents` in the app's PostgreSQL, a weighted tsvector per record
 * (first searchable field A, the others B) with a GIN index. Writes commit with the order guard in
 * one transaction. Ranking: the first searchable field equal to the query, then every word matched
 * whole, then ts_rank of the prefix match.
 */
@Injectable()
export class LocalSearchProvider implements SearchProvider {
  readonly name = 'local' as const;

  constructor(private readonly dataSource: DataSource) {}

  async write(ops: readonly IndexOperation[], tx: EntityManager): Promise<void> {
    const upserts = ops.filter((op) => op.action === 'upsert');
    const deletes = ops.filter((op) => op.action === 'delete');
    if (upserts.length > 0) {
      const rows = upserts.map((op) => ({
        index_name: op.index,
        object_id: op.objectID,
        record: op.record,
        primary_text: op.searchable?.[0] ?? '',
        other_text: (op.searchable ?? []).slice(1).join(' '),
      }));
      await tx.query(
        `INSERT INTO search_documents (index_name, object_id, record, primary_text, document)
         SELECT index_name, object_id, record, primary_text,
                setweight(to_tsvector('simple', primary_text), 'A') || setweight(to_tsvector('simple', other_text), 'B')
           FROM json_to_recordset($1::json) AS r(index_name text, object_id text, record jsonb, primary_text text, other_text text)
           ORDER BY index_name, object_id
         ON CONFLICT (index_name, object_id) DO UPDATE
           SET record = excluded.record, primary_text = excluded.primary_text, document = excluded.document`,
        [JSON.stringify(rows)],
      );
    }
    if (deletes.length > 0) {
      await tx.query(
        `DELETE FROM search_documents d USING json_to_recordset($1::json) AS r(index_name text, object_id text)
          WHERE d.index_name = r.index_name AND d.object_id = r.object_id`,
        [JSON.stringify(deletes.map((op) => ({ index_name: op.index, object_id: op.objectID })))],
      );
    }
  }

  async search(index: string, { q, page, hitsPerPage }: SearchQuery): Promise<SearchResult> {
    const words = queryWords(q);
    const offset = page * hitsPerPage;
    let rows: { record: SearchRecord; total: string }[];
    if (words.length === 0) {
      rows = await this.dataSource.query(
        `SELECT record, count(*) OVER () AS total FROM search_documents WHERE index_name = $1 ORDER BY object_id LIMIT $2 OFFSET $3`,
        [index, hitsPerPage, offset],
      );
    } else {
      const { exact, prefix } = tsQueries(words);
      rows = await this.dataSource.query(
        `SELECT record, count(*) OVER () AS total
           FROM search_documents, to_tsquery('simple', $2) AS prefix, to_tsquery('simple', $3) AS exact
          WHERE index_name = $1 AND document @@ prefix
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
      `INSERT INTO search_documents (index_name, object_id, record, primary_text, document)
       SELECT $2, object_id, record, primary_text, document FROM search_documents WHERE index_name = $1 AND object_id = ANY($3)
       ON CONFLICT (index_name, object_id) DO UPDATE SET record = excluded.record, primary_text = excluded.primary_text, document = excluded.document`,
      [from, to, objectIDs],
    );
  }

  async drop(index: string, tx: EntityManager): Promise<void> {
    await tx.query('DELETE FROM search_documents WHERE index_name = $1', [index]);
  }
}
