import { Inject, Injectable, Logger, NotFoundException, BeforeApplicationShutdown, ServiceUnavailableException } from '@nestjs/common';
import { AuditTrail, uuidv7, type CloudEvent } from '@app/events';
import { DataSource, EntityManager } from 'typeorm';
import { SEARCH_SYNC_CONFIG, type SearchSyncConfig } from '../config/search-sync-env.js';
import type { IndexOperation } from '../mapping/index-mapping.js';
import { RecordBuilder } from '../mapping/record-builder.js';
import { SEARCH_PROVIDER, type SearchProvider } from '../providers/search-provider.js';
import { lockForSwap } from '../sync/index-lock.js';
import type { BehindRow } from '../sync/order-guard.repository.js';
import { SyncApplier } from '../sync/sync-applier.js';
import { EventStoreClient } from './event-store.client.js';
import type { ReindexJob } from './reindex-job.js';
import { ReindexJobsRepository } from './reindex-jobs.repository.js';


class ReindexAborted extends Error {}

/**
 * Full reindex from the event store's history:
 * 1. create the job; from now on every live batch also writes to the temporary index `<index>_reindex_<id>`,
 *    through its own order guard (the job row is read in each batch's transaction);
 * 2. copy the live index's settings to it and read every stored event of the index's types
 *    (`GET /events`, keyset pages), applying them through the same guard;
 * 3. catch up what the live index applied and the read missed (the event store lagging): the
 *    objects whose live guard row is newer are fetched by event id (`GET /events/:id`);
 * 4. under the exclusive index lock (live batches wait): catch up once more, then swap in one step
 *    (Algolia `operationIndex` move; locally a rename in one transaction) together with the guard rows.
 * Searches read the live index until the swap, so they never see a half-built one. The temporary
 * index holds, per object, the newest of history and live traffic, so the result equals the current state.
 */
@Injectable()
export class ReindexService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ReindexService.name);
  private readonly running = new Map<string, Promise<void>>();
  private stopping = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: ReindexJobsRepository,
    private readonly store: EventStoreClient,
    private readonly applier: SyncApplier,
    private readonly records: RecordBuilder,
    @Inject(SEARCH_PROVIDER) private readonly provider: SearchProvider,
    @Inject(SEARCH_SYNC_CONFIG) private readonly config: SearchSyncConfig,
    private readonly audit: AuditTrail,
  ) {}

  async start(index: string): Promise<ReindexJob> {
    if (!this.records.indexMapping(index)) {
      const known = this.records.mapping.indexes.map((m) => m.index).join(', ');
      throw new NotFoundException(`index "${index}" is not in the search mapping (known: ${known})`);
    }
    try {
      await this.store.check();
    } catch (err) {
      throw new ServiceUnavailableException(`Cannot reindex ${index}: ${(err as Error).message}`);
    }
    const id = uuidv7();
    const job = await this.jobs.create(id, index, `${index}_reindex_${id.replace(/-/g, '').slice(-12)}`);
    this.logger.log(`reindex ${id} of ${index} into ${job.tempIndex} started`);
    await this.audit.record({ action: 'reindex_started', target: { type: 'search-index', id: index }, details: { jobId: id, tempIndex: job.tempIndex } });
    const run = this.run(job).finally(() => this.running.delete(id));
    this.running.set(id, run);
    return job;
  }

  get(id: string): Promise<ReindexJob | undefined> {
    return this.jobs.get(id);
  }

  private async run(job: ReindexJob): Promise<void> {
    try {
      await this.provider.prepareTemp(job.index, job.tempIndex);
      for (const type of this.records.typesOf(job.index)) {
        for await (const events of this.store.pages(type, this.config.reindexPageSize)) {
          this.checkStopping();
          const ops = this.operationsFor(events, job);
          const outcomes = ops.ops.length > 0 ? await this.applier.apply(ops.ops) : [];
          const rejected = outcomes.filter(Boolean).length;
          await this.jobs.progress(job.id, { events_read: events.length, operations_applied: ops.ops.length - rejected, records_rejected: rejected + ops.unmappable });
        }
      }
      await this.catchUp(job);
      await this.provider.settle(job.tempIndex);
      await this.dataSource.transaction(async (tx) => {
        await lockForSwap(tx);
        await this.jobs.setStatus(job.id, 'swapping', tx);
        const caught = await this.catchUpWithin(job, tx);
        if (caught > 0) await this.provider.settle(job.tempIndex);
        await this.provider.swap(job.tempIndex, job.index, tx);
        await this.jobs.setStatus(job.id, 'done', tx);
      });
      this.logger.log(`reindex ${job.id} of ${job.index} done`);
    } catch (err) {
      const message = err instanceof ReindexAborted ? 'interrupted: the app stopped' : (err as Error).message;
      this.logger.error(`reindex ${job.id} of ${job.index} failed: ${message}`);
      await this.fail(job, message);
    }
  }

  private operationsFor(events: CloudEvent[], job: ReindexJob): { ops: IndexOperation[]; unmappable: number } {
    const ops: IndexOperation[] = [];
    let unmappable = 0;
    for (const event of events) {
      try {
        for (const op of this.records.operations(event)) if (op.index === job.index) ops.push({ ...op, index: job.tempIndex });
      } catch (err) {
        // The live path dead-lettered it with the same reason; a rebuild goes on without it.
        unmappable++;
        this.logger.warn(`reindex ${job.id}: skipping ${(err as Error).message}`);
      }
    }
    return { ops, unmappable };
  }

  /** Step 3, outside the lock, until nothing is behind but what the store does not have. */
  private async catchUp(job: ReindexJob): Promise<void> {
    const deadline = Date.now() + this.config.reindexLagGraceMs;
    for (;;) {
      this.checkStopping();
      const behind = await this.provider.objectsBehind(this.dataSource.manager, job.index, job.tempIndex);
      const { ops, missing } = await this.fetchOperations(job, behind);
      if (ops.length > 0) {
        await this.applier.apply(ops);
        await this.jobs.progress(job.id, { caught_up: ops.length });
        continue;
      }
      // What is left the store lacks: wait only while some of it may still arrive.
      if (!missing.some((m) => this.isRecent(m, job)) || Date.now() > deadline) return;
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  /**
   * Step 4's catch-up inside the swap transaction. A recent event the store still lacks fails the
   * job (retry it) rather than lose a change; for old ones the live record and guard row are carried over.
   */
  private async catchUpWithin(job: ReindexJob, tx: EntityManager): Promise<number> {
    const behind = await this.provider.objectsBehind(tx, job.index, job.tempIndex);
    if (behind.length === 0) return 0;
    const { ops, missing } = await this.fetchOperations(job, behind);
    const recent = missing.filter((m) => this.isRecent(m, job));
    if (recent.length > 0) {
      throw new Error(`the event store has not stored ${recent.length} event(s) the live index applied since ${this.config.reindexLagGraceMs / 1000} s before the reindex started (e.g. ${recent[0].event_id}); is the event-store consumer lagging? Start the reindex again`);
    }
    const applied = ops.length > 0 ? (await this.applier.applyWithin(tx, ops)).length : 0;
    if (missing.length > 0) {
      const ids = missing.map((m) => m.object_id);
      await this.provider.copyRecords(job.index, job.tempIndex, ids, tx);
      this.logger.warn(`reindex ${job.id}: ${ids.length} object(s) of ${job.index} have no stored last event (retention?); their live records were carried over`);
    }
    await this.jobs.progress(job.id, { caught_up: ops.length, missing_history: missing.length }, tx);
    return applied + missing.length;
  }

  private async fetchOperations(job: ReindexJob, behind: BehindRow[]): Promise<{ ops: IndexOperation[]; missing: BehindRow[] }> {
    const ops: IndexOperation[] = [];
    const missing: BehindRow[] = [];
    for (const b of behind) {
      const event = await this.store.byId(b.event_id);
      if (!event) missing.push(b);
      else ops.push(...this.operationsFor([event], job).ops);
    }
    return { ops, missing };
  }

  /**
   * Records the failure and deletes the temporary index in one transaction under the exclusive
   * lock: batches still copying live changes to it finish first, later ones see the job failed, so
   * nothing re-creates it, and whoever reads `failed` finds nothing left over.
   */
  private async fail(job: ReindexJob, message: string): Promise<void> {
    try {
      await this.dataSource.transaction(async (tx) => {
        await lockForSwap(tx);
        await this.jobs.setStatus(job.id, 'failed', tx, message);
        // An index the provider cannot delete now is left behind (and named), not a reason to keep the job running.
        await this.provider.drop(job.tempIndex, tx).catch((err: Error) => this.logger.warn(`reindex ${job.id}: ${job.tempIndex} left behind: ${err.message}`));
      });
    } catch (err) {
      // Without a heartbeat the job stops counting as running after REINDEX_STALE_AFTER_SECONDS anyway.
      this.logger.error(`reindex ${job.id}: could not record the failure or delete ${job.tempIndex}: ${(err as Error).message}`);
    }
  }

  /**
   * An event the live index applied within the grace period before the job started, or since, may still be on its way into the
   * event store (its consumer lagging): wait for it rather than lose it. An older one the store
   * lacks is gone from its history (retention): the live record is carried over instead.
   */
  private isRecent(b: BehindRow, job: ReindexJob): boolean {
    return new Date(b.applied_at).getTime() > Date.parse(job.startedAt) - this.config.reindexLagGraceMs;
  }

  private checkStopping(): void {
    if (this.stopping) throw new ReindexAborted();
  }

  /** Before the database closes: a running job stops at its next page and records why. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.running.values());
  }
}
