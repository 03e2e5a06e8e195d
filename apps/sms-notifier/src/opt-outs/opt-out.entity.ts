import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A number that asked for no more SMS (table `sms_opt_outs`). */
@Entity({ name: 'sms_opt_outs' })
export class OptOut {
  /** E.164. */
  @PrimaryColumn({ type: 'varchar', length: 32 })
  phone!: string;

  /** `inbound:<provider>` (the recipient replied STOP) or `admin`. */
  @Column({ type: 'varchar', length: 32 })
  source!: string;

  @Column({ type: 'varchar', length: 32, nullable: true })
  keyword!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
