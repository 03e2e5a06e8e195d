import { Injectable, Logger, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { NatsConnectionManager, replayDurable, ReplayService, STREAM_REPLAY, AuditTrail } from '@app/events';

import type { ReplayFilter } from './replay-filter.js';
import { StoredEventsReader } from './stored-events.reader.js';

export interface ReplayOutcome {
  consumer: string;
  queued: number;
  /** Present when the replay was stopped before the end of its match: why. */
  cancelled?: string;
}

export interface ReplayRunOptions {
  /** Aborting stops the replay between two batches (what was queued stays queued). */
  signal?: AbortSignal;
  /** Called after each batch with the total queued so far. */
  onProgress?: (queued: number) => void;
  /** The audit event's actor (`X-Audit-Actor`); the admin key's when absent. */
  actor?: string;
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
    private readonly audit: AuditTrail,
  ) {}

  /** Queues the matching events (oldest first, at most `limit`) and records `audit.events_replayed`. */
  async replayTo(consumer: string, filter: ReplayFilter, limit: number, echo: Record<string, unknown>, actor?: string): Promise<ReplayOutcome> {
    await this.assertKnownConsumer(consumer);
    return this.run(consumer, filter, limit, echo, { actor });
  }

  /**
   * The replay itself, for a consumer already checked with {@link assertKnownConsumer}: batch after
   * batch until the match, `limit` or `options.signal` ends it; recorded as `audit.events_replayed`.
   */
  async run(consumer: string, filter: ReplayFilter, limit: number, echo: Record<string, unknown>, options: ReplayRunOptions = {}): Promise<ReplayOutcome> {
    const { signal, onProgress, actor } = options;
    let queued = 0;
    try {
      for await (const batch of this.reader.batches(filter, limit)) {
        if (signal?.aborted) break;
        queued += await this.replay.replay(consumer, batch);
        onProgress?.(queued);
      }
    } catch (err) {
      const message = (err as Error).message;
      await this.record({ consumer, queued, filter: echo, error: message }, actor);
      throw new ServiceUnavailableException(`Replay to ${consumer} stopped after ${queued} events: ${message}`);
    }
    if (signal?.aborted) {
      const cancelled = String(signal.reason ?? 'cancelled');
      this.logger.log(`replay to ${consumer} cancelled after ${queued} events: ${cancelled}`);
      await this.record({ consumer, queued, filter: echo, cancelled }, actor);
      return { consumer, queued, cancelled };
    }
    this.logger.log(`replayed ${queued} events to ${consumer}`);
    await this.record({ consumer, queued, filter: echo }, actor);
    return { consumer, queued };
  }

  /** A consumer app that has run once has its replay durable; a name without one is most likely a typo. */
  async assertKnownConsumer(consumer: string): Promise<void> {
    const jsm = this.nats.jetStreamManager();
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

  private async record(details: Record<string, unknown>, actor: string | undefined): Promise<void> {
    await this.audit.record({ action: 'events_replayed', actor, target: { type: 'event-store' }, details }).catch((err: Error) => this.logger.warn(`audit.events_replayed not recorded: ${err.message}`));
  }
}
