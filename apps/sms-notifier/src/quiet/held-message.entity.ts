import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { NotificationRequest } from '../sending/channel.port.js';

/** A message that fell inside its recipient's quiet hours, kept until `releaseAt` (table `held_messages`). */
@Entity({ name: 'held_messages' })
export class HeldMessage {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ type: 'varchar', length: 8 }) channel!: 'sms' | 'email';
  @Column({ name: 'event_id', type: 'varchar', length: 200 }) eventId!: string;
  @Column({ name: 'rule_id', type: 'uuid' }) ruleId!: string;
  @Column({ type: 'varchar', length: 320 }) recipient!: string;
  /** The rendered request, sent as is on release. */
  @Column({ type: 'jsonb' }) request!: NotificationRequest;
  @Column({ name: 'release_at', type: 'timestamptz' }) releaseAt!: Date;
  /** Set while a scheduler sends it; an expired lease (a crash) lets another take it. */
  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true }) leaseUntil!: Date | null;
  @Column({ type: 'int' }) attempts!: number;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
