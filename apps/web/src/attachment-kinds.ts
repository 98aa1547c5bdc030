import { ATTACHMENT_KIND_LABELS, ATTACHMENT_KINDS, documentAttachmentKind } from '../../../libs/domain/src/attachments';

/** The kinds of document: the domain's own list (libs/domain/src/attachments.ts; pure data, no imports but types). */
export { ATTACHMENT_KIND_LABELS, ATTACHMENT_KINDS };

/** The attachment kind a 容缺 document is filed as when supplied: the kind its id names (documentAttachmentKind), else `other`. */
export const supplyKindOf = (documentId: string): string => documentAttachmentKind(documentId) ?? 'other';
