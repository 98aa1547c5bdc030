import { Injectable } from '@nestjs/common';
import { DataSource, In, IsNull } from 'typeorm';
import { AttachmentEntity } from './entities/attachment.entity';

/**
 * Reads the case_attachments read model. Rows are written only by the projection of the case's
 * `attachment.*` events (projection.ts), never here: an upload reaches the table through the workflow.
 */
@Injectable()
export class AttachmentsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The case's attachments, oldest first; removed ones only when asked. */
  list(caseId: string, opts: { includeRemoved?: boolean } = {}): Promise<AttachmentEntity[]> {
    return this.dataSource.getRepository(AttachmentEntity).find({
      where: { caseId, ...(opts.includeRemoved ? {} : { removedAt: IsNull() }) },
      order: { uploadedAt: 'ASC', id: 'ASC' },
    });
  }

  /** The storage keys of the live (not removed) attachments among these ids (primary key): the files the orphan sweep keeps. */
  async liveStorageKeys(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.dataSource
      .getRepository(AttachmentEntity)
      .find({ where: { id: In([...ids]), removedAt: IsNull() }, select: { id: true, storageKey: true } });
    return new Set(rows.map((r) => r.storageKey));
  }

  /** One attachment of the case (removed ones included), or null. */
  get(caseId: string, id: string): Promise<AttachmentEntity | null> {
    return this.dataSource.getRepository(AttachmentEntity).findOne({ where: { caseId, id } });
  }
}
