import type { EntityManager } from 'typeorm';
import type { SearchProviderName } from '../config/search-sync-env.js';
import type { IndexOperation, SearchRecord } from '../mapping/index-mapping.js';

export interface SearchQuery {
  q: string;
  page: number;
  hitsPerPage: number;
}

export interface SearchResult {
  hits: SearchRecord[];
  nbHits: number;
  page: number;
  hitsPerPage: number;
}

/**
 * The port every search index adapter implements (Algolia, local PostgreSQL). Writes receive the
 * transaction that holds the order guard's rows, so a local index commits with the guard and a
 * remote one is called while the rows are locked.
 */
export interface SearchProvider {
  readonly name: SearchProviderName;
  /**
   * Applies upserts and deletes; resolves once the index accepted them. Throws
   * `RecordRejectedError` for records it will never take, `RetryLaterError` on a rate limit,
   * `ProviderUnavailableError` otherwise.
   */
  write(ops: readonly IndexOperation[], tx: EntityManager): Promise<void>;
  search(index: string, query: SearchQuery): Promise<SearchResult>;
  /** Throws when the index cannot be reached. */
  ping(): Promise<void>;
  /** Readies an empty `temp` index to be filled and swapped in for `live` (settings copied). */
  prepareTemp(live: string, temp: string): Promise<void>;
  /** Resolves when every write accepted for `index` so far is visible in it. */
  settle(index: string): Promise<void>;
  /** Replaces `live` by `temp` in one step; `temp` is gone afterwards. */
  swap(temp: string, live: string, tx: EntityManager): Promise<void>;
  /** Copies the records of `objectIDs` (those that exist) from one index to another. */
  copyRecords(from: string, to: string, objectIDs: readonly string[], tx: EntityManager): Promise<void>;
  /** Deletes an index (an abandoned temporary one). */
  drop(index: string, tx: EntityManager): Promise<void>;
}

export const SEARCH_PROVIDER = Symbol('SEARCH_PROVIDER');
