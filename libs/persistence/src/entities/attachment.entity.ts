import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Attachments of a case (issue 15 item 3): the metadata of each uploaded document, a read model projected
 * from the case's `attachment.added` / `attachment.removed` events in the append transaction (so a row exists
 * exactly when its event does, and `projections:rebuild` rebuilds it). The bytes live in the attachment store
 * (local disk under DATA_DIR or S3) under `storage_key`. A removed attachment keeps its row (removed_at).
 */
@Entity({ name: 'case_attachments' })
@Index('ix_case_attachments_case', ['caseId', 'uploadedAt'])
export class AttachmentEntity {
  /** UUID chosen by the API (derived from the Idempotency-Key when given, so a retried upload is one row). */
  @PrimaryColumn({ name: 'id', type: 'uuid' })
  id!: string;

  @Column({ name: 'case_id', type: 'varchar', length: 64 })
  caseId!: string;

  /** Step instance key (e.g. A03:US), or null for the case as a whole. */
  @Column({ name: 'step_key', type: 'varchar', length: 64, nullable: true })
  stepKey!: string | null;

  /** ATTACHMENT_KINDS (libs/domain/src/attachments.ts). */
  @Column({ name: 'kind', type: 'varchar', length: 32 })
  kind!: string;

  @Column({ name: 'file_name', type: 'varchar', length: 255 })
  fileName!: string;

  /** Sniffed from the content, never the client's claim. */
  @Column({ name: 'mime_type', type: 'varchar', length: 100 })
  mimeType!: string;

  /** Bytes. */
  @Column({ name: 'size', type: 'integer' })
  size!: number;

  /** Lower-case hex SHA-256 of the content, verified again on every download. */
  @Column({ name: 'sha256', type: 'char', length: 64 })
  sha256!: string;

  @Column({ name: 'storage_key', type: 'varchar', length: 300 })
  storageKey!: string;

  @Column({ name: 'uploaded_by', type: 'varchar', length: 64 })
  uploadedBy!: string;

  /** The role the file was uploaded in (the event's actor role; null: not recorded): who may remove it (mayRemoveUpload). */
  @Column({ name: 'uploaded_by_role', type: 'varchar', length: 32, nullable: true })
  uploadedByRole!: string | null;

  @Column({ name: 'uploaded_at', type: 'timestamptz' })
  uploadedAt!: Date;

  @Column({ name: 'removed_by', type: 'varchar', length: 64, nullable: true })
  removedBy!: string | null;

  @Column({ name: 'removed_at', type: 'timestamptz', nullable: true })
  removedAt!: Date | null;
}
