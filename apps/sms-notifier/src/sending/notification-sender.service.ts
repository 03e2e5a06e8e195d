import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConcurrencyGate, withSpan } from '@app/events';
import type { EntityManager } from 'typeorm';
import { CLOCK, type Clock } from '../clock/clock.js';
import { SMS_CONFIG, type SmsConfig } from '../config/sms-config.js';
import { ProviderRejectedError, ProviderUnavailableError, type Reconciliation } from '../providers/sms-provider.js';
import { UnknownOutcomes } from '../providers/unknown-outcomes.js';
import type { ChannelPort, ChannelProvider, Delivered, MessageRow, NotificationRequest, SendOutcome } from './channel.port.js';
import { ProviderCircuits } from './provider-circuits.js';

/** `only`: the one provider this message may go to (an earlier attempt there may have reached it). */
type Claim<R> = { kind: 'send'; message: R; only?: string } | { kind: 'done' } | { kind: 'busy'; afterMs: number } | { kind: 'retry'; afterMs?: number; error: string };

/** A retrying row whose last attempt timed out at `provider`: that provider may have it. */
export const OUTCOME_UNCERTAIN = 'outcome_uncertain';

/**
 * Claim transactions running at once: two fewer than the pool's 10 connections. Without a bound,
 * every handler (CONSUMER_CONCURRENCY, 64) queued its claim for a connection, and a message the
 * provider had just taken waited behind them for the commit that records it as sent: a kill -9
 * then left 32–52 claims unrecorded, most of them already sent (email crash test, 2026-12-05).
 */
export const CLAIMS_IN_FLIGHT = 8;

const FINAL = new Set(['sent', 'delivered', 'undelivered', 'failed', 'suppressed']);

type AnyChannel = ChannelPort<MessageRow, NotificationRequest>;

/**
 * Sends one message of any channel at most once per (event, rule, recipient):
 * 1. a claim row in PostgreSQL (unique key, under the recipient's lock with the opt-out and rate checks);
 * 2. the channel's providers in order: one that is down for sure (5xx/429, refused connection,
 *    circuit open) is skipped for the next; a timeout may have reached its provider, so the message
 *    stays with it until it answers or its reconciliation says it never took it;
 * 3. the outcome and its event committed together.
 * A claim a crash left behind is reconciled with the provider it was at before anything is sent
 * again (README, "Exactly once").
 */
@Injectable()
export class NotificationSender {
  private readonly logger = new Logger(NotificationSender.name);
  /** Leaves connections for the outcome records, so a sent message is recorded promptly (CLAIMS_IN_FLIGHT). */
  private readonly claims = new ConcurrencyGate(CLAIMS_IN_FLIGHT);

  constructor(
    @Inject(SMS_CONFIG) private readonly config: SmsConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly circuits: ProviderCircuits,
    private readonly unknownOutcomes: UnknownOutcomes,
  ) {}

  /** `lastDelivery`: a provider outage now ends the message as failed instead of asking for a retry. */
  async send<R extends MessageRow, Q extends NotificationRequest>(channel: ChannelPort<R, Q>, request: Q, lastDelivery: boolean): Promise<SendOutcome> {
    const ch = channel as unknown as AnyChannel;
    await this.claims.acquire();
    let claim: Claim<MessageRow>;
    try {
      claim = await ch.transaction((m) => this.claim(ch, m, request));
    } finally {
      this.claims.release();
    }
    if (claim.kind === 'done' || claim.kind === 'retry') return claim;
    if (claim.kind === 'busy') return { kind: 'retry', afterMs: claim.afterMs, error: `another delivery of this event is sending the ${ch.noun}` };
    return this.deliver(ch, claim.message, lastDelivery, claim.only);
  }

  private async claim(ch: AnyChannel, m: EntityManager, request: NotificationRequest): Promise<Claim<MessageRow>> {
    const row = ch.newRow(request);
    await ch.lockRecipient(m, row.recipient);
    const existing = await ch.findForUpdate(m, { eventId: row.eventId, ruleId: row.ruleId, recipient: row.recipient });
    if (existing) return this.reclaim(ch, m, existing);
    if (request.stale) return this.suppress(ch, m, row, 'stale', false);
    if (request.suppress) return this.suppress(ch, m, row, request.suppress, false);
    if (request.failure) {
      const failed = { ...row, status: 'failed', reason: request.failure.reason, providerError: ch.redact(request.failure.detail).slice(0, 200) };
      await ch.insert(m, failed);
      await ch.publish(m, failed, { kind: 'failed', reason: failed.reason, providerError: failed.providerError });
      ch.count(ch.providers[0].name, 'failed', failed.reason);
      this.logger.warn(`${request.eventType} ${request.eventId}: no ${ch.noun} for rule ${request.ruleId} (${request.failure.reason}: ${ch.redact(request.failure.detail)})`);
      return { kind: 'done' };
    }
    const held = await ch.holdBack(m, row.recipient, true);
    if (held) return this.suppress(ch, m, row, held, false);
    const sending = { ...row, status: 'sending', attempts: 1, claimedAt: this.clock.now(), provider: ch.providers[0].name };
    await ch.insert(m, sending);
    return { kind: 'send', message: sending };
  }

  private async suppress(ch: AnyChannel, m: EntityManager, row: MessageRow, reason: string, existing: boolean): Promise<Claim<MessageRow>> {
    const done = existing ? await ch.update(m, row, { status: 'suppressed', reason, claimedAt: null }) : { ...row, status: 'suppressed', reason };
    if (!existing) await ch.insert(m, done);
    await ch.publish(m, done, { kind: 'suppressed', reason });
    ch.count(done.provider ?? ch.providers[0].name, 'suppressed', reason);
    this.logger.log(`${row.eventType} ${row.eventId}: ${ch.noun} to ${ch.mask(row.recipient)} suppressed (${reason})`);
    return { kind: 'done' };
  }

  /** A redelivery, a replay or a held message's release finds the row: final → nothing; otherwise send again, reconciled first when an attempt may have landed. */
  private async reclaim(ch: AnyChannel, m: EntityManager, row: MessageRow): Promise<Claim<MessageRow>> {
    if (FINAL.has(row.status)) return { kind: 'done' };
    let only: string | undefined;
    if (row.status === 'sending' && row.claimedAt) {
      const age = this.clock.now().getTime() - row.claimedAt.getTime();
      if (age < this.config.sendingLeaseMs) return { kind: 'busy', afterMs: this.config.sendingLeaseMs - age };
      this.logger.warn(`${ch.noun} ${row.id} to ${ch.mask(row.recipient)} was claimed ${age} ms ago and never recorded (crashed?); asking ${row.provider ?? ch.providers[0].name} whether it took it`);
      const settled = await this.reconcile(ch, m, row, row.claimedAt, 'crash');
      if (settled.kind !== 'send') return settled;
      only = settled.only;
    } else if (row.status === 'retrying' && row.reason === OUTCOME_UNCERTAIN && row.claimedAt) {
      const settled = await this.reconcile(ch, m, row, row.claimedAt, 'timeout');
      if (settled.kind !== 'send') return settled;
      only = settled.only;
    }
    const held = await ch.holdBack(m, row.recipient, false);
    if (held) return this.suppress(ch, m, row, held, true);
    const message = await ch.update(m, row, { status: 'sending', attempts: row.attempts + 1, claimedAt: this.clock.now(), reason: null });
    return { kind: 'send', message, only };
  }

  /**
   * Asks the provider the earlier attempt was at, under the row's lock (one replica reconciles).
   * `found`: recorded as sent. `not_found`: any provider may send it. `idempotent`: only that
   * provider (it drops the repeat). `unknown`: after a timeout, only that provider again; after a
   * crash, SMS_UNKNOWN_OUTCOME decides (skip, or resend there).
   */
  private async reconcile(ch: AnyChannel, m: EntityManager, row: MessageRow, claimedAt: Date, cause: 'crash' | 'timeout'): Promise<Claim<MessageRow>> {
    const provider = this.providerOf(ch, row);
    let answer: Reconciliation;
    try {
      answer = await provider.findSent(m, row, claimedAt);
    } catch (err) {
      if (err instanceof ProviderUnavailableError) {
        const error = ch.redact(err.message).slice(0, 200);
        this.logger.warn(`${ch.noun} ${row.id}: cannot ask ${provider.name} whether it took it yet, retrying later: ${error}`);
        return { kind: 'retry', afterMs: err.retryAfterMs, error };
      }
      // A refused lookup (credentials without list rights, …) tells nothing about the message.
      if (!(err instanceof ProviderRejectedError)) throw err;
      this.logger.warn(`${ch.noun} ${row.id}: ${provider.name} refused the lookup: ${ch.redact(err.message).slice(0, 200)}`);
      answer = { kind: 'unknown' };
    }
    switch (answer.kind) {
      case 'found': {
        const done = await ch.update(m, row, { status: 'sent', provider: provider.name, providerMessageId: answer.providerMessageId, providerError: null, reason: null, claimedAt: null, sentAt: this.clock.now() });
        await ch.publish(m, done, { kind: 'sent', reconciled: true });
        ch.count(provider.name, 'sent', 'reconciled');
        this.logger.log(`${ch.noun} ${row.id} to ${ch.mask(row.recipient)} was taken by ${provider.name} before (${answer.providerMessageId}); not sending it again`);
        return { kind: 'done' };
      }
      case 'not_found':
        this.logger.log(`${ch.noun} ${row.id}: ${provider.name} never took it; sending it again`);
        return { kind: 'send', message: row };
      case 'idempotent':
        this.logger.log(`${ch.noun} ${row.id}: ${provider.name} drops a repeat of its idempotency key; sending it there again`);
        return { kind: 'send', message: row, only: provider.name };
      case 'unknown': {
        if (cause === 'timeout') return { kind: 'send', message: row, only: provider.name };
        const action = this.config.unknownOutcome ?? 'skip';
        this.unknownOutcomes.record(provider.name, action);
        const changes = action === 'skip' ? { status: 'suppressed', reason: 'outcome_unknown', provider: provider.name, claimedAt: null } : {};
        const updated = await ch.update(m, row, changes);
        await ch.publish(m, updated, { kind: 'outcome_unknown', action, claimedAt: claimedAt.toISOString() });
        this.logger.warn(`${ch.noun} ${row.id} to ${ch.mask(row.recipient)}: ${provider.name} cannot tell whether it was sent; SMS_UNKNOWN_OUTCOME=${action}`);
        return action === 'skip' ? { kind: 'done' } : { kind: 'send', message: row, only: provider.name };
      }
    }
  }

  private providerOf(ch: AnyChannel, row: MessageRow): ChannelProvider<MessageRow> {
    const provider = ch.providers.find((p) => p.name === row.provider);
    if (provider) return provider;
    // The provider it was at is no longer configured: the first one is the best we can ask.
    if (row.provider) this.logger.warn(`${ch.noun} ${row.id} was at ${row.provider}, which is no longer configured; asking ${ch.providers[0].name}`);
    return ch.providers[0];
  }

  private async deliver(ch: AnyChannel, message: MessageRow, lastDelivery: boolean, only?: string): Promise<SendOutcome> {
    const chain = only ? [this.providerOf(ch, { ...message, provider: only })] : ch.providers;
    const errors: string[] = [];
    let retryAfterMs: number | undefined;
    let row = message;
    for (const provider of chain) {
      // Circuits choose between providers; a lone provider is paced by the transport's backoff instead.
      if (!only && chain.length > 1 && this.circuits.isOpen(ch.name, provider.name)) {
        errors.push(`${provider.name}: circuit open`);
        continue;
      }
      // The row names the provider before it is called, so a crash leaves the one to ask.
      if (row.provider !== provider.name) row = await ch.transaction((m) => ch.update(m, row, { provider: provider.name }));
      let sent: Delivered;
      try {
        sent = await withSpan(`${ch.name}.send`, { 'mesh.provider': provider.name, 'mesh.message_id': row.id }, () => provider.deliver(row));
      } catch (err) {
        if (err instanceof ProviderRejectedError) return this.finish(ch, row, 'rejected', this.describe(ch, provider, err));
        // Anything else is a bug here, not the provider's answer: the transport retries, then dead-letters.
        if (!(err instanceof ProviderUnavailableError)) throw err;
        this.circuits.failed(ch.name, provider.name);
        const error = this.describe(ch, provider, err);
        if (err.maybeSent) return this.uncertain(ch, row, error, err.retryAfterMs, lastDelivery);
        errors.push(error);
        retryAfterMs = err.retryAfterMs ?? retryAfterMs;
        if (provider !== chain[chain.length - 1]) this.logger.warn(`${ch.noun} ${row.id} to ${ch.mask(row.recipient)}: ${error}; trying the next provider`);
        continue;
      }
      this.circuits.succeeded(ch.name, provider.name);
      return this.recordSent(ch, row, provider.name, sent);
    }
    const error = errors.join('; ').slice(0, 200);
    if (lastDelivery) return this.finish(ch, row, 'provider_unavailable', error);
    await ch.transaction((m) => ch.update(m, row, { status: 'retrying', providerError: error, reason: null, claimedAt: null }));
    ch.count(row.provider ?? ch.providers[0].name, 'retrying', 'provider_unavailable');
    this.logger.warn(`${ch.noun} ${row.id} to ${ch.mask(row.recipient)} will be retried: ${error}`);
    return { kind: 'retry', afterMs: retryAfterMs, error };
  }

  /** The provider's answer, masked; named after its provider when there are several to tell apart. */
  private describe(ch: AnyChannel, provider: ChannelProvider<MessageRow>, err: Error): string {
    const message = ch.redact(err.message);
    return ch.providers.length > 1 ? `${provider.name}: ${message}` : message;
  }

  private async recordSent(ch: AnyChannel, row: MessageRow, provider: string, sent: Delivered): Promise<SendOutcome> {
    // If this commit fails, the row stays `sending` and a redelivery after the lease reconciles it: the documented window.
    await ch.transaction(async (m) => {
      const changes: Partial<MessageRow> & { segments?: number } = { status: 'sent', provider, providerMessageId: sent.providerMessageId, providerError: null, reason: null, claimedAt: null, sentAt: this.clock.now() };
      if (sent.segments !== undefined) changes.segments = sent.segments;
      const done = await ch.update(m, row, changes);
      await ch.publish(m, done, { kind: 'sent' });
    });
    ch.count(provider, 'sent', '');
    this.logger.log(`${ch.noun} ${row.id} sent to ${ch.mask(row.recipient)} via ${provider} (${sent.providerMessageId})`);
    return { kind: 'done' };
  }

  /** A timeout: the provider may have it, so it is retried there (and only there) unless its lookup says otherwise. */
  private async uncertain(ch: AnyChannel, row: MessageRow, error: string, afterMs: number | undefined, lastDelivery: boolean): Promise<SendOutcome> {
    if (lastDelivery) return this.finish(ch, row, 'provider_unavailable', error);
    // claimedAt stays: the provider's lookup searches from it.
    await ch.transaction((m) => ch.update(m, row, { status: 'retrying', reason: OUTCOME_UNCERTAIN, providerError: error.slice(0, 200) }));
    ch.count(row.provider ?? ch.providers[0].name, 'retrying', 'provider_unavailable');
    this.logger.warn(`${ch.noun} ${row.id} to ${ch.mask(row.recipient)} will be retried at ${row.provider} only (it may have taken it): ${error}`);
    return { kind: 'retry', afterMs, error };
  }

  private async finish(ch: AnyChannel, row: MessageRow, reason: 'rejected' | 'provider_unavailable', error: string): Promise<SendOutcome> {
    const providerError = error.slice(0, 200);
    await ch.transaction(async (m) => {
      const done = await ch.update(m, row, { status: 'failed', reason, providerError, claimedAt: null });
      await ch.publish(m, done, { kind: 'failed', reason, providerError });
    });
    ch.count(row.provider ?? ch.providers[0].name, 'failed', reason);
    this.logger.warn(`${ch.noun} ${row.id} to ${ch.mask(row.recipient)} failed (${reason}): ${providerError}`);
    return { kind: 'done' };
  }
}
