import { Logger } from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { JetStreamManager } from '@nats-io/jetstream';
import { DlqPublisher } from './dlq.publisher.js';

interface MaxDeliveriesAdvisory {
  stream: string;
  consumer: string;
  stream_seq: number;
  deliveries: number;
}

/**
 * A process that dies during a message's last delivery never sees the failure: the server only
 * announces it in a MAX_DELIVERIES advisory. This listener dead-letters such messages by their
 * stream sequence. A queue group makes one replica handle each advisory.
 */
export class MaxDeliveriesListener {
  private readonly logger = new Logger(MaxDeliveriesListener.name);
  private sub?: Subscription;

  constructor(
    private readonly dlq: DlqPublisher,
    private readonly stream: string,
    private readonly durable: string,
    private readonly deadLetterAs: string,
  ) {}

  start(nc: NatsConnection, jsm: JetStreamManager): void {
    this.sub?.unsubscribe();
    const subject = `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${this.stream}.${this.durable}`;
    this.sub = nc.subscribe(subject, {
      queue: `${this.durable}-advisories`,
      callback: (err, msg) => {
        if (err) return this.logger.warn(`advisory subscription ended: ${err.message}`);
        void this.onAdvisory(jsm, msg.json<MaxDeliveriesAdvisory>());
      },
    });
  }

  private async onAdvisory(jsm: JetStreamManager, advisory: MaxDeliveriesAdvisory): Promise<void> {
    try {
      const stored = await jsm.streams.getMessage(advisory.stream, { seq: advisory.stream_seq });
      if (!stored) return this.logger.warn(`message #${advisory.stream_seq} of ${advisory.stream} is gone; nothing to dead-letter`);
      await this.dlq.publish({
        consumer: this.deadLetterAs,
        stream: advisory.stream,
        subject: stored.subject,
        streamSeq: advisory.stream_seq,
        deliveries: advisory.deliveries,
        data: stored.data,
        reason: 'max_deliveries',
        error: 'the last delivery was never acknowledged (handler crashed or timed out)',
      });
    } catch (err) {
      this.logger.error(`could not dead-letter #${advisory.stream_seq} of ${advisory.stream}: ${(err as Error).message}`);
    }
  }

  stop(): void {
    this.sub?.unsubscribe();
    this.sub = undefined;
  }
}
