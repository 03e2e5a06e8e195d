import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { JetStreamContext, RetryLaterError, type CloudEvent } from '@app/events';
import { RecipientDirectory, USER_EVENT_TYPES } from '../recipients/recipient-directory.service.js';
import { isOwnEventType } from '../rules/compiled-rule.js';
import { NotificationDispatcher } from './notification-dispatcher.service.js';

/**
 * Every event of the mesh, from the `sms-notifier` durable and its replay lane. Rules live in the
 * database, so one handler takes everything and the rules pick. Resolving acks; an SMS or email whose
 * provider is unavailable naks the event with a delay (the SMS already sent for it are not sent again).
 */
@Controller()
export class SmsNotifierHandler {
  constructor(
    private readonly dispatcher: NotificationDispatcher,
    private readonly directory: RecipientDirectory,
  ) {}

  @EventPattern<string>('>')
  async onEvent(@Payload() event: CloudEvent, @Ctx() ctx: JetStreamContext): Promise<void> {
    // Our own sms.* outcomes come back through events.>; they never trigger an SMS.
    if (isOwnEventType(event.type)) return;
    // First the directory, so a rule on the same user.created already finds the user.
    if (USER_EVENT_TYPES.has(event.type)) await this.directory.apply(event);
    const outcomes = await this.dispatcher.dispatch(event, { lastDelivery: ctx.isLastDelivery(), replayed: ctx.isReplay() });
    const retries = outcomes.flatMap((o) => (o.kind === 'retry' ? [o] : []));
    if (retries.length === 0) return;
    // Never sooner than the schedule; later when a provider asked for it (Retry-After).
    const delay = Math.max(ctx.nextDelay(), ...retries.map((r) => r.afterMs ?? 0));
    throw new RetryLaterError(`${retries.length} message(s) (SMS or email) of ${event.type} ${event.id} to retry: ${retries[0].error}`, delay);
  }
}
