/** The kinds of document (libs/domain/src/attachments.ts ATTACHMENT_KINDS). */
export const ATTACHMENT_KINDS = [
  'invitation-letter',
  'invitation-translation',
  'inviter-note',
  'itinerary',
  'passport-copy',
  'other',
] as const;

/** The attachment kind a 容缺 document is filed as when supplied: its own id when that is a kind, else `other`. */
export const supplyKindOf = (documentId: string): string =>
  (ATTACHMENT_KINDS as readonly string[]).includes(documentId) ? documentId : 'other';
