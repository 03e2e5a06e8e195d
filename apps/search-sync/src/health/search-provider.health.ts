import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { EventsHealthContributor } from '@app/events';
import { SEARCH_SYNC_CONFIG, type SearchSyncConfig } from '../config/search-sync-env.js';
import { SEARCH_PROVIDER, type SearchProvider } from '../providers/search-provider.js';
import { IndexWriter } from '../sync/index-writer.js';

const PROBE_TIMEOUT_MS = 3_000;

/**
 * `searchProvider` in `/health/events`: which provider, whether it answers (one probe per
 * `healthProbeIntervalMs` at most, since Algolia counts API calls), the last batch the
 * index accepted, the operations being sent to it (backlog) and the last batch failure. Down (503)
 * when the provider does not answer.
 */
@Injectable()
export class SearchProviderHealthIndicator implements EventsHealthContributor {
  private probe?: { at: number; result: Promise<string | undefined> };

  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(SEARCH_PROVIDER) private readonly provider: SearchProvider,
    private readonly writer: IndexWriter,
    @Inject(SEARCH_SYNC_CONFIG) private readonly config: SearchSyncConfig,
  ) {}

  private reachability(): Promise<string | undefined> {
    if (!this.probe || Date.now() - this.probe.at >= this.config.healthProbeIntervalMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`no answer within ${PROBE_TIMEOUT_MS} ms`), PROBE_TIMEOUT_MS)));
      const answer = this.provider.ping().then(
        () => undefined,
        (err: unknown) => (err as Error).message ?? String(err),
      );
      this.probe = { at: Date.now(), result: Promise.race([answer, timeout]).finally(() => clearTimeout(timer)) };
    }
    return this.probe.result;
  }

  async isHealthy() {
    const check = this.health.check('searchProvider');
    const problem = await this.reachability();
    const { stats, health } = this.writer;
    const details = {
      provider: this.provider.name,
      reachable: problem === undefined,
      lastSuccessfulBatchAt: health.lastSuccessAt ?? null,
      backlog: this.writer.backlog,
      batches: stats.batches,
      averageBatchSize: stats.batches ? Math.round((stats.items / stats.batches) * 10) / 10 : 0,
      lastError: health.lastError ?? null,
    };
    return problem === undefined ? check.up(details) : check.down({ ...details, message: problem });
  }
}
