import { Injectable, Logger } from '@nestjs/common';
import { CLOUDEVENTS_CONTENT_TYPE, dlqSubject, HEADER } from '../events.constants.js';
import { typeFromSubject } from '../envelope/event-type.js';
import { NatsConnectionManager } from '../nats/nats-connection.js';
import { JetStreamPublisher } from '../publisher/jetstream-publisher.js';
import { MetricsService } from '../metrics/metrics.service.js';

/** Kept here too: it lived in this file first. */
export { typeFromSubject };

export interface DeadLetter {
  consumer: string;
  stream: string;
  subject: string;
  streamSeq: number;
  deliveries: number;
  data: Uint8Array;
  reason: string;
  error: string;
}

/** Publishes a failed message, byte for byte, to `dlq.<consumer>.<type>` with the `Mesh-*` headers. */
@Injectable()
export class DlqPublisher {
  private readonly logger = new Logger(DlqPublisher.name);

  constructor(
    private readonly nats: NatsConnectionManager,
    private readonly metrics: MetricsService,
  ) {}

  async publish(letter: DeadLetter): Promise<void> {
    const js = this.nats.jetStream();
    const headers = JetStreamPublisher.headers({
      [HEADER.contentType]: CLOUDEVENTS_CONTENT_TYPE,
      [HEADER.dlqConsumer]: letter.consumer,
      [HEADER.dlqReason]: letter.reason,
      [HEADER.originalSubject]: letter.subject,
      [HEADER.originalSeq]: String(letter.streamSeq),
      [HEADER.deliveries]: String(letter.deliveries),
      [HEADER.error]: letter.error.replace(/[\r\n]+/g, ' ').slice(0, 200),
    });
    // The id makes the advisory path and the handler path dedupe if both dead-letter one message.
    const msgID = `dlq:${letter.consumer}:${letter.stream}:${letter.streamSeq}`;
    const type = typeFromSubject(letter.subject);
    await js.publish(dlqSubject(letter.consumer, type), letter.data, { msgID, headers });
    this.metrics.deadLettered.inc({ consumer: letter.consumer, type, reason: letter.reason });
    this.logger.warn(`dead-lettered ${letter.subject} #${letter.streamSeq} for ${letter.consumer}: ${letter.reason}: ${letter.error.slice(0, 200)}`);
  }
}
