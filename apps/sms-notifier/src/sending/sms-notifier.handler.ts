import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EVENTS_CONFIG, JetStreamContext, RetryLaterError, type CloudEvent, type EventsConfig } from '@app/events';
import { isOwnEventType } from '../rules/compiled-rule.js';
import { SmsDispatcher } from './sms-dispatcher.service.js';

/**
 * Every event of the mesh, from the `sms-notifier` durable and its replay lane. Rules live in the
 * database, so one handler takes everything and the rules pick. Resolving acks; an SMS whose
 * provider is unavailable naks the event with a delay (the SMS already sent for it are not sent again).
 */
@Controller()
export class SmsNotifierHandler {
  constructor(
    private readonly dispatcher: SmsDispatcher,
    @Inject(EVENTS_CONFIG) private readonly config: EventsConfig,
  ) {}

  @EventPattern<string>('>')
  async onEvent(@Payload() event: CloudEvent, @Ctx() ctx: JetStreamContext): Promise<void> {
    // Our own sms.* outcomes come back through events.>; they never trigger an SMS.
    if (isOwnEventType(event.type)) return;
    const deliveries = ctx.getDeliveryCount();
    const outcomes = await this.dispatcher.dispatch(event, {
      lastDelivery: deliveries >= this.config.maxDeliver,
      replayed: ctx.getConsumer() !== this.config.consumer,
    });
    const retries = outcomes.flatMap((o) => (o.kind === 'retry' ? [o] : []));
    if (retries.length === 0) return;
    const scheduled = this.config.backoffMs[Math.min(deliveries - 1, this.config.backoffMs.length - 1)] ?? 1_000;
    const delay = Math.max(scheduled, ...retries.map((r) => r.afterMs ?? 0));
    throw new RetryLaterError(`${retries.length} SMS of ${event.type} ${event.id} to retry: ${retries[0].error}`, delay);
  }
}
