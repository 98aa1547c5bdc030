import { ATTACHMENT_KIND_LABELS, ATTACHMENT_KINDS, documentAttachmentKind } from '../../../libs/domain/src/attachments';

/** The kinds of document: the domain's own list (libs/domain/src/attachments.ts; pure data, no imports but types). */
export { ATTACHMENT_KIND_LABELS, ATTACHMENT_KINDS };

/** The attachment kind a 容缺 document is filed as when supplied: the kind its id names (documentAttachmentKind), else `other`. */
export const supplyKindOf = (documentId: string): string => documentAttachmentKind(documentId) ?? 'other';

/** A file's size as people read it: bytes below 1 KiB (trial 65: a 45-byte file read 0.0 KiB), else KiB or MiB. */
export function fileSizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
