import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { EventFilter } from '../matching/event-filter.js';
import type { OAuth2Credentials } from '../oauth2/oauth2-credentials.js';
import type { Ordering } from '../delivery/ordering-key.js';
import type { BatchConfig } from '../batch/batch-config.js';

/** A webhook subscription (table `webhook_subscriptions`, created by the CreateWebhooks migration). */
@Entity({ name: 'webhook_subscriptions' })
export class Subscription {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  /** Normalised patterns: `*` is stored as `>`. */
  @Column({ name: 'event_types', type: 'text', array: true })
  eventTypes!: string[];

  @Column({ type: 'jsonb', nullable: true })
  filter!: EventFilter | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ name: 'timeout_ms', type: 'integer' })
  timeoutMs!: number;

  @Column({ name: 'max_attempts', type: 'integer' })
  maxAttempts!: number;

  @Column({ name: 'rate_limit_per_second', type: 'integer', nullable: true })
  rateLimitPerSecond!: number | null;

  @Column({ type: 'jsonb', default: {} })
  headers!: Record<string, string>;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  description!: string | null;

  /** `whsec_…`; only ever returned by create and rotate-secret. */
  @Column({ type: 'varchar', length: 200 })
  secret!: string;

  @Column({ name: 'previous_secret', type: 'varchar', length: 200, nullable: true })
  previousSecret!: string | null;

  @Column({ name: 'previous_secret_expires_at', type: 'timestamptz', nullable: true })
  previousSecretExpiresAt!: Date | null;

  /** Client credentials for a bearer token on every request (SubscriptionOAuth2 migration); the secret is never shown. */
  @Column({ type: 'jsonb', nullable: true })
  oauth2!: OAuth2Credentials | null;

  /** `fifo`: a delivery waits until the previous one of its ordering key succeeded or was given up (FifoOrdering migration). */
  @Column({ type: 'varchar', length: 8, default: 'none' })
  ordering!: Ordering;

  /** Dot path into the envelope whose value keys the order (`data.orderId`); null: one order for the whole subscription. */
  @Column({ name: 'ordering_key', type: 'varchar', length: 200, nullable: true })
  orderingKey!: string | null;

  /** Batched delivery: up to maxEvents events per request (BatchesGapsHealth migration); null: one event per request. */
  @Column({ type: 'jsonb', nullable: true })
  batch!: BatchConfig | null;

  @Column({ name: 'consecutive_failures', type: 'integer', default: 0 })
  consecutiveFailures!: number;

  @Column({ name: 'disabled_reason', type: 'varchar', length: 500, nullable: true })
  disabledReason!: string | null;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
