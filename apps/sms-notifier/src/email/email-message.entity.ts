import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `sending` (claimed, or the app crashed while sending), `retrying`, then final: `sent`, `failed`, `suppressed`. */
export const EMAIL_STATUSES = ['sending', 'retrying', 'sent', 'failed', 'suppressed'] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

/** One email per (event, rule, recipient), claimed before the SMTP server is called (table `email_messages`). */
@Entity({ name: 'email_messages' })
export class EmailMessage {
  /** Also the Message-ID's local part, so a repeat after a crash carries the same id. */
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ name: 'event_id', type: 'varchar', length: 200 }) eventId!: string;
  @Column({ name: 'rule_id', type: 'uuid' }) ruleId!: string;
  /** Normalised address, or the value as found when it is not one (`failed`, `invalid_address`). */
  @Column({ type: 'varchar', length: 320 }) recipient!: string;
  @Column({ type: 'varchar', length: 16 }) status!: EmailStatus;
  @Column({ name: 'event_type', type: 'varchar', length: 200 }) eventType!: string;
  @Column({ name: 'resource_type', type: 'varchar', length: 200, nullable: true }) resourceType!: string | null;
  @Column({ name: 'resource_id', type: 'varchar', length: 200, nullable: true }) resourceId!: string | null;
  @Column({ name: 'template_key', type: 'varchar', length: 100 }) templateKey!: string;
  @Column({ type: 'varchar', length: 16, nullable: true }) locale!: string | null;
  @Column({ type: 'text', nullable: true }) subject!: string | null;
  /** The rendered text part. */
  @Column({ type: 'text', nullable: true }) body!: string | null;
  @Column({ type: 'varchar', length: 32, nullable: true }) provider!: string | null;
  @Column({ name: 'provider_message_id', type: 'varchar', length: 300, nullable: true }) providerMessageId!: string | null;
  @Column({ type: 'varchar', length: 32, nullable: true }) reason!: string | null;
  @Column({ name: 'provider_error', type: 'varchar', length: 200, nullable: true }) providerError!: string | null;
  @Column({ type: 'int' }) attempts!: number;
  @Column({ name: 'claimed_at', type: 'timestamptz', nullable: true }) claimedAt!: Date | null;
  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true }) sentAt!: Date | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
