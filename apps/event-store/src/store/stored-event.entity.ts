import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One event as stored: the envelope's attributes as columns (indexed for the queries), data as jsonb. */
@Entity({ name: 'events' })
export class StoredEvent {
  /** Any non-empty CloudEvents id up to 256 characters (UUID v7, NUID, ULID, `order-42`). */
  @PrimaryColumn('text', { collation: 'C' }) id!: string;
  @Column('bigint', { name: 'stream_seq', nullable: true }) streamSeq!: string | null;
  @Column('text') type!: string;
  @Column('text') source!: string;
  @Column('text', { nullable: true }) subject!: string | null;
  @Column('text', { name: 'resource_type', nullable: true }) resourceType!: string | null;
  @Column('text', { name: 'resource_id', nullable: true }) resourceId!: string | null;
  @Column('text') level!: string;
  @Column('text', { nullable: true }) audience!: string | null;
  @Column('text', { nullable: true }) actor!: string | null;
  @Column('text', { name: 'correlation_id', nullable: true }) correlationId!: string | null;
  @Column('text', { name: 'causation_id', nullable: true }) causationId!: string | null;
  @Column('text', { nullable: true }) dataschema!: string | null;
  @Column('timestamptz') time!: Date;
  @Column('timestamptz', { name: 'received_at' }) receivedAt!: Date;
  @Column('jsonb', { nullable: true }) data!: unknown;
  /** Every other envelope attribute (traceparent, custom extensions). */
  @Column('jsonb', { default: () => "'{}'" }) extensions!: Record<string, unknown>;
  @Column('boolean', { default: false }) resolved!: boolean;
  @Column('timestamptz', { name: 'resolved_at', nullable: true }) resolvedAt!: Date | null;
  @Column('text', { name: 'resolved_by', nullable: true }) resolvedBy!: string | null;
  /** The sentences rendered when the event was stored (Persian, English) and its category. */
  @Column('text', { nullable: true }) message!: string | null;
  @Column('text', { name: 'message_en', nullable: true }) messageEn!: string | null;
  @Column('text', { nullable: true }) category!: string | null;
}
