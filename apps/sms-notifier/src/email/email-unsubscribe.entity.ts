import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An address that followed its unsubscribe link (table `email_unsubscribes`): no email rule sends to it. */
@Entity({ name: 'email_unsubscribes' })
export class EmailUnsubscribe {
  @PrimaryColumn({ type: 'varchar', length: 320 }) email!: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt!: Date;
}
