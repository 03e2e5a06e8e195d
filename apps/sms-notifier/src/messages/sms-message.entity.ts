import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * - `sending`: claimed, the provider is being called (or the app crashed while it was);
 * - `retrying`: the provider failed in a way worth retrying; the event was nak'ed;
 * - `sent`, `delivered`, `undelivered`, `failed`, `suppressed`: final (delivery status may still move sent → delivered/undelivered).
 */
export const MESSAGE_STATUSES = ['sending', 'retrying', 'sent', 'delivered', 'undelivered', 'failed', 'suppressed'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** One SMS per (event, rule, recipient), recorded before the provider is called (table `sms_messages`). */
@Entity({ name: 'sms_messages' })
export class SmsMessage {
  /** Also the idempotency key given to the provider. */
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'event_id', type: 'varchar', length: 200 })
  eventId!: string;

  @Column({ name: 'rule_id', type: 'uuid' })
  ruleId!: string;

  /** E.164, or the value as found when it is not a valid number (status `failed`, reason `invalid_phone`). */
  @Column({ type: 'varchar', length: 64 })
  recipient!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: MessageStatus;

  @Column({ name: 'event_type', type: 'varchar', length: 200 })
  eventType!: string;

  @Column({ name: 'resource_type', type: 'varchar', length: 200, nullable: true })
  resourceType!: string | null;

  @Column({ name: 'resource_id', type: 'varchar', length: 200, nullable: true })
  resourceId!: string | null;

  @Column({ name: 'template_key', type: 'varchar', length: 100 })
  templateKey!: string;

  @Column({ type: 'varchar', length: 16, nullable: true })
  locale!: string | null;

  @Column({ type: 'text', nullable: true })
  body!: string | null;

  @Column({ type: 'varchar', length: 8, nullable: true })
  encoding!: string | null;

  @Column({ type: 'int', nullable: true })
  segments!: number | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  provider!: string | null;

  @Column({ name: 'provider_message_id', type: 'varchar', length: 200, nullable: true })
  providerMessageId!: string | null;

  /** The provider's last delivery status (`delivered`, `undelivered`, `failed`, …). */
  @Column({ name: 'provider_status', type: 'varchar', length: 32, nullable: true })
  providerStatus!: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  reason!: string | null;

  @Column({ name: 'provider_error', type: 'varchar', length: 200, nullable: true })
  providerError!: string | null;

  @Column({ type: 'int' })
  attempts!: number;

  @Column({ name: 'claimed_at', type: 'timestamptz', nullable: true })
  claimedAt!: Date | null;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
