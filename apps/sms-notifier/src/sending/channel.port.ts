import type { EntityManager } from 'typeorm';
import type { UnknownOutcomeAction } from '../config/sms-env.js';
import type { Reconciliation } from '../providers/sms-provider.js';

/** The columns every channel's message row has (`sms_messages`, `email_messages`). */
export interface MessageRow {
  id: string;
  eventId: string;
  ruleId: string;
  recipient: string;
  status: string;
  eventType: string;
  resourceType: string | null;
  resourceId: string | null;
  templateKey: string;
  locale: string | null;
  body: string | null;
  provider: string | null;
  providerMessageId: string | null;
  reason: string | null;
  providerError: string | null;
  attempts: number;
  claimedAt: Date | null;
  sentAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** One message the rules asked for on one channel: who, what, and why (or why it cannot be sent). */
export interface NotificationRequest {
  eventId: string;
  eventType: string;
  resourceType?: string;
  resourceId?: string;
  ruleId: string;
  templateKey: string;
  /** Normalised (E.164, lower-cased address), or the raw value when `failure` says it is invalid. */
  recipient: string;
  locale: string | null;
  text: string | null;
  /** Known before any claim: recorded as failed with this reason, never sent. */
  failure?: { reason: string; detail: string };
  /** Older than SMS_MAX_EVENT_AGE (live stream only): recorded as suppressed, never sent. */
  stale?: boolean;
  /** Known before any claim: recorded as suppressed with this reason (`preference`: the user turned the channel off). */
  suppress?: string;
}

export type SendOutcome = { kind: 'done' } | { kind: 'retry'; afterMs?: number; error: string };

export interface Delivered {
  providerMessageId: string;
  /** Segments the provider billed (SMS), when it says. */
  segments?: number;
}

/** One provider of a channel, in the channel's fallback order (an SMS provider, an SMTP server). */
export interface ChannelProvider<R extends MessageRow> {
  readonly name: string;
  /** Resolves once the provider took the message; throws ProviderUnavailableError or ProviderRejectedError. */
  deliver(row: R): Promise<Delivered>;
  /** Whether an attempt whose outcome was never learnt (crash, timeout) reached this provider. */
  findSent(m: EntityManager, row: R, claimedAt: Date): Promise<Reconciliation>;
}

/** What an outcome event says; each channel names it (`sms.sent`, `email.suppressed`, …). */
export type Outcome =
  | { kind: 'sent'; reconciled?: boolean }
  | { kind: 'failed'; reason: string; providerError: string | null }
  | { kind: 'suppressed'; reason: string }
  | { kind: 'outcome_unknown'; action: UnknownOutcomeAction; claimedAt: string };

/**
 * The port a channel (sms, email) gives the one sending pipeline: its rows, its recipients' checks,
 * its providers in fallback order, its outcome events and its masking.
 */
export interface ChannelPort<R extends MessageRow, Q extends NotificationRequest> {
  readonly name: 'sms' | 'email';
  /** For logs: `SMS`, `email`. */
  readonly noun: string;
  readonly providers: readonly ChannelProvider<R>[];
  mask(recipient: string): string;
  /** Providers quote recipients in their errors; logs and events only get them masked. */
  redact(text: string): string;
  newRow(request: Q): R;
  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T>;
  /** Serialises claims for one recipient across replicas (opt-out and rate checks hold). */
  lockRecipient(m: EntityManager, recipient: string): Promise<void>;
  findForUpdate(m: EntityManager, key: Pick<R, 'eventId' | 'ruleId' | 'recipient'>): Promise<R | null>;
  insert(m: EntityManager, row: R): Promise<void>;
  update(m: EntityManager, row: R, changes: Partial<R>): Promise<R>;
  /** Why this recipient gets nothing now (opted out, unsubscribed, rate limited), checked under the recipient's lock. */
  holdBack(m: EntityManager, recipient: string, firstClaim: boolean): Promise<string | undefined>;
  /** Publishes the outcome in the transaction that records it (outbox). */
  publish(m: EntityManager, row: R, outcome: Outcome): Promise<void>;
  count(provider: string, outcome: 'sent' | 'failed' | 'suppressed' | 'retrying', reason: string): void;
}
