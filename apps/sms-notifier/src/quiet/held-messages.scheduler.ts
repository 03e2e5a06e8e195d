import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CLOCK, type Clock } from '../clock/clock.js';
import { SMS_CONFIG, type SmsConfig } from '../config/sms-config.js';
import { EmailChannel } from '../email/email.channel.js';
import type { SendOutcome } from '../sending/channel.port.js';
import { NotificationSender } from '../sending/notification-sender.service.js';
import { SmsChannel, type SmsRequest } from '../sending/sms.channel.js';
import type { EmailRequest } from '../email/email.channel.js';
import { HeldMessagesRepository } from './held-messages.repository.js';

/** Held messages leased per pass. */
const BATCH = 50;
/** After this many releases that found every provider down, the message ends failed (provider_unavailable). */
const MAX_ATTEMPTS = 10;
/** Wait before trying a release again that found the providers down, when they gave no Retry-After. */
const RETRY_MS = 30_000;

/**
 * Sends the messages held for quiet hours once their window is over. Each pass leases the due rows
 * (a replica that dies mid-pass leaves them to another once the lease ends) and sends them through
 * the same pipeline as live messages, whose once-per-(event, rule, recipient) row means a release
 * repeated after a crash sends nothing twice. A row is deleted only after its outcome is recorded.
 */
@Injectable()
export class HeldMessagesScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(HeldMessagesScheduler.name);
  private timer?: NodeJS.Timeout;
  private pass?: Promise<void>;
  private stopped = false;

  constructor(
    @Inject(SMS_CONFIG) private readonly config: SmsConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly held: HeldMessagesRepository,
    private readonly sender: NotificationSender,
    private readonly sms: SmsChannel,
    private readonly email: EmailChannel,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  /** Before the database closes (its own shutdown hook): the pass under way finishes the message it is sending, and no other starts. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.pass;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.pass = this.releaseDue()
        .then(() => undefined)
        .catch((err: Error) => this.logger.error(`held messages: a release pass failed, the next one retries it after the lease: ${err.message}`))
        .finally(() => this.schedule());
    }, this.config.heldPollMs);
  }

  /** One pass: every due message, leased for longer than its sending can take (every provider timing out). */
  async releaseDue(): Promise<number> {
    const leaseMs = this.config.sendingLeaseMs * Math.max(2, this.sms.providers.length + this.email.providers.length);
    let released = 0;
    for (;;) {
      const due = await this.held.claimDue(this.clock.now(), leaseMs, BATCH);
      for (const row of due) {
        if (this.stopped) return released;
        const last = row.attempts >= MAX_ATTEMPTS;
        const outcome: SendOutcome =
          row.channel === 'sms' ? await this.sender.send(this.sms, row.request as SmsRequest, last) : await this.sender.send(this.email, row.request as EmailRequest, last);
        if (outcome.kind === 'done') {
          await this.held.release(row.id);
          released++;
        } else {
          await this.held.later(row.id, new Date(this.clock.now().getTime() + (outcome.afterMs ?? RETRY_MS)));
        }
      }
      if (due.length < BATCH) return released;
    }
  }
}
