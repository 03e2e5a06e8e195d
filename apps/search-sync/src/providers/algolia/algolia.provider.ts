import { Logger } from '@nestjs/common';
import { algoliasearch, type Algoliasearch } from 'algoliasearch';
import type { EntityManager } from 'typeorm';
import type { AlgoliaSettings } from '../../config/search-sync-env.js';
import type { IndexOperation, SearchRecord } from '../../mapping/index-mapping.js';
import { claimNewer, copyGuard, dropGuard, objectsBehind, swapGuard, type BehindRow } from '../../sync/order-guard.repository.js';
import type { SearchProvider, SearchQuery, SearchResult } from '../search-provider.js';
import { translateAlgoliaError } from './algolia-errors.js';

type Host = { url: string; accept: 'readWrite'; protocol: 'http' | 'https'; port?: number };

/** `http://127.0.0.1:9000` → the client's host form. */
export function algoliaHost(base: string): Host {
  const u = new URL(base);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`ALGOLIA_HOSTS: ${base} must be an http(s) URL`);
  return { url: u.hostname, accept: 'readWrite', protocol: u.protocol === 'http:' ? 'http' : 'https', port: u.port ? Number(u.port) : undefined };
}

/** Algolia keys that are Algolia's own, not record fields (highlighting, ranking info). */
const RESPONSE_ONLY = new Set(['_highlightResult', '_snippetResult', '_rankingInfo', '_distinctSeqID']);

/**
 * Algolia through algoliasearch v5: writes as one `multipleBatch` call per batch (one request
 * for every index touched, a reindex's temporary index included); the batch is accepted when
 * Algolia answers with its task ids, which are kept so a reindex can wait until they are published.
 * The client's own 429 retries are off: a rate limit goes back to JetStream as a delayed nak.
 * The index is remote, so its order guard is the table `search_sync_state` (claimed in the
 * caller's transaction before the call, rolled back with it when Algolia refuses).
 */
export class AlgoliaSearchProvider implements SearchProvider {
  readonly name = 'algolia' as const;
  private readonly logger = new Logger(AlgoliaSearchProvider.name);
  private readonly client: Algoliasearch;
  private readonly lastTask = new Map<string, number>();

  constructor(settings: AlgoliaSettings) {
    this.client = algoliasearch(settings.appId, settings.apiKey, {
      ...(settings.hosts?.length ? { hosts: settings.hosts.map(algoliaHost) } : {}),
      timeouts: { connect: Math.min(2_000, settings.timeoutMs), read: Math.min(5_000, settings.timeoutMs), write: settings.timeoutMs },
      maxRateLimitRetries: 0,
    });
  }

  private async call<T>(what: () => Promise<T>): Promise<T> {
    try {
      return await what();
    } catch (err) {
      throw translateAlgoliaError(err);
    }
  }

  async write<T extends IndexOperation>(ops: readonly T[], tx: EntityManager): Promise<T[]> {
    const winners = await claimNewer(tx, ops);
    if (winners.length > 0) await this.send(winners);
    return winners;
  }

  objectsBehind(tx: EntityManager, live: string, temp: string): Promise<BehindRow[]> {
    return objectsBehind(tx, live, temp);
  }

  private async send(ops: readonly IndexOperation[]): Promise<void> {
    const requests = ops.map((op) =>
      op.action === 'upsert'
        ? { action: 'updateObject' as const, indexName: op.index, body: op.record! }
        : { action: 'deleteObject' as const, indexName: op.index, body: { objectID: op.objectID } },
    );
    const res = await this.call(() => this.client.multipleBatch({ requests }));
    for (const [index, taskID] of Object.entries(res.taskID)) this.lastTask.set(index, taskID);
  }

  async search(index: string, { q, page, hitsPerPage }: SearchQuery): Promise<SearchResult> {
    const res = await this.call(() => this.client.searchSingleIndex<SearchRecord>({ indexName: index, searchParams: { query: q, page, hitsPerPage } }));
    const hits = res.hits.map((hit) => Object.fromEntries(Object.entries(hit).filter(([k]) => !RESPONSE_ONLY.has(k))) as SearchRecord);
    return { hits, nbHits: res.nbHits ?? hits.length, page: res.page ?? page, hitsPerPage: res.hitsPerPage ?? hitsPerPage };
  }

  async ping(): Promise<void> {
    await this.call(() => this.client.listIndices({ hitsPerPage: 1 }));
  }

  async prepareTemp(live: string, temp: string): Promise<void> {
    // Moving an index replaces the destination's settings too: the temporary one starts with the live one's.
    let taskID: number;
    try {
      ({ taskID } = await this.client.operationIndex({ indexName: live, operationIndexParams: { operation: 'copy', destination: temp, scope: ['settings', 'synonyms', 'rules'] } }));
    } catch (err) {
      if ((err as { status?: unknown }).status !== 404) throw translateAlgoliaError(err);
      this.logger.log(`index ${live} does not exist yet: ${temp} starts with default settings`);
      return;
    }
    await this.call(() => this.client.waitForTask({ indexName: temp, taskID }));
  }

  async settle(index: string): Promise<void> {
    const taskID = this.lastTask.get(index);
    if (taskID !== undefined) await this.call(() => this.client.waitForTask({ indexName: index, taskID }));
  }

  async swap(temp: string, live: string, tx: EntityManager): Promise<void> {
    await swapGuard(tx, temp, live);
    const move = await this.call(() => this.client.operationIndex({ indexName: temp, operationIndexParams: { operation: 'move', destination: live } }));
    await this.call(() => this.client.waitForTask({ indexName: temp, taskID: move.taskID }));
    this.lastTask.delete(temp);
  }

  async copyRecords(from: string, to: string, objectIDs: readonly string[], tx: EntityManager): Promise<void> {
    if (objectIDs.length === 0) return;
    await copyGuard(tx, from, to, objectIDs);
    const { results } = await this.call(() => this.client.getObjects<SearchRecord>({ requests: objectIDs.map((objectID) => ({ indexName: from, objectID })) }));
    const requests = results.filter((r): r is SearchRecord => r !== null && typeof r === 'object').map((body) => ({ action: 'updateObject' as const, indexName: to, body }));
    if (requests.length === 0) return;
    const res = await this.call(() => this.client.multipleBatch({ requests }));
    for (const [index, taskID] of Object.entries(res.taskID)) this.lastTask.set(index, taskID);
  }

  async drop(index: string, tx: EntityManager): Promise<void> {
    await dropGuard(tx, index);
    await this.call(() => this.client.deleteIndex({ indexName: index }));
    this.lastTask.delete(index);
  }
}
