import { Injectable, Logger, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { NatsConnectionManager, replayDurable, ReplayService, STREAM_REPLAY } from '@app/events';
import { AuditPublisher } from '../audit/audit.publisher.js';
import type { ReplayFilter } from './replay-filter.js';
import { StoredEventsReader } from './stored-events.reader.js';

export interface ReplayOutcome {
  consumer: string;
  queued: number;
}

/**
 * Re-delivers stored events to ONE consumer app through the library's `ReplayService`
 * (`replay.<consumer>.<type>`, read only by that app's `<consumer>-replay` durable), batch by batch.
 */
@Injectable()
export class EventReplayer {
  private readonly logger = new Logger(EventReplayer.name);

  constructor(
    private readonly reader: StoredEventsReader,
    private readonly replay: ReplayService,
    private readonly nats: NatsConnectionManager,
    private readonly audit: AuditPublisher,
  ) {}

  /** Queues the matching events (oldest first, at most `limit`) and records `audit.events_replayed`. */
  async replayTo(consumer: string, filter: ReplayFilter, limit: number, echo: Record<string, unknown>): Promise<ReplayOutcome> {
    await this.assertKnownConsumer(consumer);
    let queued = 0;
    try {
      for await (const batch of this.reader.batches(filter, limit)) queued += await this.replay.replay(consumer, batch);
    } catch (err) {
      const message = (err as Error).message;
      await this.record({ consumer, queued, filter: echo, error: message });
      throw new ServiceUnavailableException(`Replay to ${consumer} stopped after ${queued} events: ${message}`);
    }
    this.logger.log(`replayed ${queued} events to ${consumer}`);
    await this.record({ consumer, queued, filter: echo });
    return { consumer, queued };
  }

  /** A consumer app that has run once has its replay durable; a name without one is most likely a typo. */
  private async assertKnownConsumer(consumer: string): Promise<void> {
    const jsm = this.nats.manager;
    if (!jsm || !this.nats.isConnected) throw new ServiceUnavailableException('NATS is not connected; try again when /health/events is up');
    try {
      await jsm.consumers.info(STREAM_REPLAY, replayDurable(consumer));
    } catch (err) {
      if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound)) {
        throw new ServiceUnavailableException(`Cannot check consumer ${consumer} on ${STREAM_REPLAY}: ${(err as Error).message}`);
      }
      const known: string[] = [];
      for await (const c of jsm.consumers.list(STREAM_REPLAY)) known.push(c.name.replace(/-replay$/, ''));
      throw new NotFoundException(
        `No consumer app "${consumer}": ${STREAM_REPLAY} has no durable "${replayDurable(consumer)}" (an app creates it when it first starts). Known: ${known.sort().join(', ') || 'none'}`,
      );
    }
  }

  private async record(details: Record<string, unknown>): Promise<void> {
    await this.audit.record('events_replayed', details).catch((err: Error) => this.logger.warn(`audit.events_replayed not recorded: ${err.message}`));
  }
}
