import { ATTACHMENT_KINDS } from '../../../libs/domain/src/attachments';

/** The kinds of document: the domain's own list (libs/domain/src/attachments.ts; pure data, no imports but types). */
export { ATTACHMENT_KINDS };

/** The attachment kind a 容缺 document is filed as when supplied: its own id when that is a kind, else `other`. */
export const supplyKindOf = (documentId: string): string =>
  (ATTACHMENT_KINDS as readonly string[]).includes(documentId) ? documentId : 'other';
