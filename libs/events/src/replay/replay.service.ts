import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CLOUDEVENTS_CONTENT_TYPE, HEADER, replaySubject } from '../events.constants.js';
import type { CloudEvent } from '../envelope/cloud-event.js';
import { NatsConnectionManager } from '../nats/nats-connection.js';
import { JetStreamPublisher } from '../publisher/jetstream-publisher.js';
import { DeadLetterStore, type RedriveResult } from '../dlq/dead-letter-store.js';

const CHUNK = 1000;

/**
 * Sends events back to ONE consumer app through `replay.<consumer>.<type>`, which only that app's
 * `<consumer>-replay` durable reads; the other apps never see them again.
 * @example const queued = await replay.replay('search-sync', envelopes);
 */
@Injectable()
export class ReplayService {
  private readonly logger = new Logger(ReplayService.name);

  constructor(private readonly nats: NatsConnectionManager) {}

  private connected() {
    return { js: this.nats.jetStream(), jsm: this.nats.jetStreamManager() };
  }

  /**
   * Re-delivers a dead-lettered message to the consumer that failed it, then removes it from the DLQ.
   * @example await replay.redrive(42)
   */
  async redrive(dlqSeq: number): Promise<RedriveResult> {
    const { js, jsm } = this.connected();
    const result = await new DeadLetterStore(jsm, js).redrive(dlqSeq);
    this.logger.log(`redrove DLQ #${dlqSeq} (${result.type}) to ${result.consumer}`);
    return result;
  }

  /**
   * Queues stored envelopes (same ids) for one consumer app; returns how many were accepted.
   * @example await replay.replay('search-sync', eventsFromTheStore)
   */
  async replay(consumer: string, events: CloudEvent[]): Promise<number> {
    if (!/^[a-z0-9_-]+$/.test(consumer)) throw new Error(`Invalid consumer name "${consumer}": use the app's durable name, e.g. search-sync`);
    const { js } = this.connected();
    const run = randomUUID();
    const headers = JetStreamPublisher.headers({ [HEADER.contentType]: CLOUDEVENTS_CONTENT_TYPE, [HEADER.replay]: 'replay' });
    let queued = 0;
    for (let i = 0; i < events.length; i += CHUNK) {
      const chunk = events.slice(i, i + CHUNK);
      await Promise.all(
        chunk.map((e) => js.publish(replaySubject(consumer, e.type), JSON.stringify(e), { msgID: `replay:${run}:${e.id}`, headers })),
      );
      queued += chunk.length;
    }
    return queued;
  }
}
