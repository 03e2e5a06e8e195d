import type { EntityManager } from 'typeorm';
import type { SearchProviderName } from '../config/search-sync-env.js';
import type { IndexOperation, SearchRecord } from '../mapping/index-mapping.js';
import type { BehindRow } from '../sync/order-guard.repository.js';

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
 * The port every search index adapter implements (Algolia, local PostgreSQL). Each adapter keeps
 * its own order guard (per index and objectID the time and id of the last event applied, and
 * tombstones): the local index on its document rows, so one statement guards and writes; a
 * remote index in `search_sync_state`. Writes receive the transaction that holds the guard's
 * rows, so a local index commits with the guard and a remote one is called while they are locked.
 */
export interface SearchProvider {
  readonly name: SearchProviderName;
  /**
   * Applies the upserts and deletes newer (time, then id) than what was last applied to their
   * object, and returns those; the others change nothing. `ops` holds one operation per object,
   * sorted by key (so concurrent batches lock rows in one order). Resolves once the index
   * accepted them. Throws `RecordRejectedError` for records it will never take,
   * `RetryLaterError` on a rate limit, `ProviderUnavailableError` otherwise.
   */
  write<T extends IndexOperation>(ops: readonly T[], tx: EntityManager): Promise<T[]>;
  /**
   * Objects whose last applied event in `live` is newer than in `temp` (or that `temp` lacks):
   * what live traffic applied that a reindex's history read has not. Deletes count too.
   */
  objectsBehind(tx: EntityManager, live: string, temp: string): Promise<BehindRow[]>;
  search(index: string, query: SearchQuery): Promise<SearchResult>;
  /** Throws when the index cannot be reached. */
  ping(): Promise<void>;
  /** Readies an empty `temp` index to be filled and swapped in for `live` (settings copied). */
  prepareTemp(live: string, temp: string): Promise<void>;
  /** Resolves when every write accepted for `index` so far is visible in it. */
  settle(index: string): Promise<void>;
  /** Replaces `live` by `temp` in one step, order guard included; `temp` is gone afterwards. */
  swap(temp: string, live: string, tx: EntityManager): Promise<void>;
  /** Copies the records of `objectIDs` (those that exist) and their guard rows (tombstones too) from one index to another. */
  copyRecords(from: string, to: string, objectIDs: readonly string[], tx: EntityManager): Promise<void>;
  /** Deletes an index and its guard rows (an abandoned temporary one). */
  drop(index: string, tx: EntityManager): Promise<void>;
}

export const SEARCH_PROVIDER = Symbol('SEARCH_PROVIDER');
