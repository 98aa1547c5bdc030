import { filetypeinfo } from 'magic-bytes.js';
import { ATTACHMENT_MIME_TYPES, type AttachmentMimeType } from '@df/domain';

/**
 * The type of a file from its first bytes (magic numbers, via magic-bytes.js), among the accepted ones; undefined
 * when it is none of them. The client's Content-Type and file extension are never trusted.
 */
export function sniffMimeType(bytes: Uint8Array): AttachmentMimeType | undefined {
  const found = filetypeinfo(bytes.subarray(0, 4096));
  for (const t of found) {
    const mime = t.mime as string | undefined;
    if (mime && (ATTACHMENT_MIME_TYPES as readonly string[]).includes(mime)) return mime as AttachmentMimeType;
  }
  return undefined;
}
