import { Column, Entity, PrimaryColumn } from 'typeorm';

export const RULE_CHANNELS = ['sms', 'email'] as const;
export type RuleChannel = (typeof RULE_CHANNELS)[number];

/** Which events send which template to whom (table `sms_rules`). */
@Entity({ name: 'sms_rules' })
export class SmsRule {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** Event type or NATS-style pattern: `order.status_changed`, `payment.*`. */
  @Column({ name: 'event_pattern', type: 'varchar', length: 200 })
  eventPattern!: string;

  /** `newStatus == "Started"`; null matches every event of the pattern. */
  @Column({ type: 'varchar', length: 1000, nullable: true })
  condition!: string | null;

  /** `sms` or `email`: which channel the rule sends on. */
  @Column({ type: 'varchar', length: 8, default: 'sms' })
  channel!: RuleChannel;

  /** Where the recipient's number is in the event data (a string, or a list of them); `sms` rules. */
  @Column({ name: 'phone_path', type: 'varchar', length: 200, nullable: true })
  phonePath!: string | null;

  /** Where the recipient's address is in the event data (a string, or a list of them); `email` rules. */
  @Column({ name: 'email_path', type: 'varchar', length: 200, nullable: true })
  emailPath!: string | null;

  /** Where the user id is in the event data: the recipient comes from the directory kept from `user.*` events (instead of phonePath / emailPath). */
  @Column({ name: 'user_path', type: 'varchar', length: 200, nullable: true })
  userPath!: string | null;

  /** `22:00-08:00`: messages that fall inside, in the recipient's time zone, are held until it ends; null: none. */
  @Column({ name: 'quiet_hours', type: 'varchar', length: 11, nullable: true })
  quietHours!: string | null;

  /** Zone of the quiet hours when the recipient's own is unknown (IANA, `Asia/Tehran`); UTC when null. */
  @Column({ name: 'time_zone', type: 'varchar', length: 64, nullable: true })
  timeZone!: string | null;

  /** Sends at once, inside quiet hours too. */
  @Column({ type: 'boolean', default: false })
  urgent!: boolean;

  @Column({ name: 'template_key', type: 'varchar', length: 100 })
  templateKey!: string;

  /** Where the recipient's locale is in the data; `defaultLocale` when absent or without a template. */
  @Column({ name: 'locale_path', type: 'varchar', length: 200, nullable: true })
  localePath!: string | null;

  @Column({ name: 'default_locale', type: 'varchar', length: 16 })
  defaultLocale!: string;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
