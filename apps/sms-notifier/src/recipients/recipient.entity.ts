import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One user's contact data and preferences, kept from `user.created` / `user.updated` (table `recipients`). */
@Entity({ name: 'recipients' })
export class Recipient {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 200 }) userId!: string;
  /** E.164. */
  @Column({ type: 'varchar', length: 64, nullable: true }) phone!: string | null;
  /** Trimmed, lower-cased. */
  @Column({ type: 'varchar', length: 320, nullable: true }) email!: string | null;
  @Column({ type: 'varchar', length: 16, nullable: true }) locale!: string | null;
  /** IANA zone (`Asia/Tehran`): quiet hours are read in it. */
  @Column({ name: 'time_zone', type: 'varchar', length: 64, nullable: true }) timeZone!: string | null;
  @Column({ name: 'sms_enabled', type: 'boolean' }) smsEnabled!: boolean;
  @Column({ name: 'email_enabled', type: 'boolean' }) emailEnabled!: boolean;
  /** The `time` of the last event applied: an older one arriving later changes nothing. */
  @Column({ name: 'event_time', type: 'timestamptz' }) eventTime!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
