import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One text of a template key in one locale (table `sms_templates`). */
@Entity({ name: 'sms_templates' })
export class SmsTemplate {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  key!: string;

  @PrimaryColumn({ type: 'varchar', length: 16 })
  locale!: string;

  /** Mustache text: `{{orderId}}`, `{{customer.name}}`, sections; nothing is HTML-escaped. */
  @Column({ type: 'text' })
  body!: string;

  /** Example event data: every placeholder must resolve in it (checked on save), and preview uses it. */
  @Column({ name: 'sample_data', type: 'jsonb' })
  sampleData!: Record<string, unknown>;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
