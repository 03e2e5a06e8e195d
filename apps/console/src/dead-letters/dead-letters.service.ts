import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { AuditTrail, DeadLetterNotFoundError, DeadLetterStore, type DeadLetterFilter, NatsConnectionManager, type RedriveReport, type StoredDeadLetter } from '@app/events';
import type { DeadLetterList } from '../console.views.js';
export type { DeadLetterList } from '../console.views.js';

/** The DLQ, narrowed to one consumer app when the filter names one. */
const dlqTarget = (filter: DeadLetterFilter) => ({ type: 'dlq', ...(filter.consumer ? { id: filter.consumer } : {}) });

/**
 * The Dead letters page's operations on `EVENTS_DLQ`, through the library's DeadLetterStore on the
 * console's connection. Redrive and purge are recorded as `audit.*` events, like the event-store's
 * admin actions.
 */
@Injectable()
export class DeadLettersService {
  constructor(
    private readonly nats: NatsConnectionManager,
    private readonly audit: AuditTrail,
  ) {}

  private store(): DeadLetterStore {
    return new DeadLetterStore(this.nats.jetStreamManager(), this.nats.jetStream());
  }

  async list(filter: DeadLetterFilter, limit: number): Promise<DeadLetterList> {
    const store = this.store();
    const [depth, total, items] = await Promise.all([store.depthByConsumer(), store.count(filter), store.list({ ...filter, limit })]);
    return { depth, total, items };
  }

  async show(seq: number): Promise<StoredDeadLetter> {
    try {
      return await this.store().show(seq);
    } catch (err) {
      if (err instanceof DeadLetterNotFoundError) throw new NotFoundException(err.message.replace(/; list them .*/, ''));
      throw err;
    }
  }

  async redrive(seqs: number[] | 'all', filter: DeadLetterFilter): Promise<RedriveReport> {
    if (seqs === 'all' && !filter.consumer) throw new BadRequestException('consumer is required with "all": true (redrive one consumer app at a time)');
    const store = this.store();
    const report = seqs === 'all' ? await store.redriveAll(filter) : await store.redriveMany(seqs);
    await this.audit.record({
      action: 'dead_letters_redriven',
      target: dlqTarget(filter),
      details: { ...(seqs === 'all' ? { filter } : {}), redriven: report.redriven.map((r) => r.dlqSeq), failed: report.failed },
    });
    return report;
  }

  async purge(filter: DeadLetterFilter): Promise<{ purged: number }> {
    const purged = await this.store().purge(filter);
    await this.audit.record({ action: 'dead_letters_purged', target: dlqTarget(filter), details: { filter, purged } });
    return { purged };
  }
}
