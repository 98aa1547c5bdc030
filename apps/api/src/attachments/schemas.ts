import { z } from 'zod';
import { ATTACHMENT_KINDS, ATTACHMENT_KINDS_BY_PROCESS, ATTACHMENT_MIME_TYPES, ATTACHMENT_NAME_MAX, STEP_KEY_PATTERN } from '@df/domain';
import { ActorNamesSchema } from '../common/actor-names';
import { formatMessage } from '../common/zod-text';
import { ActionResultSchema, StepKeySchema } from '../delegations/schemas';

/**
 * The `attachmentId` of a path (GET and DELETE …/attachments/{attachmentId}): a UUID as the upload answered it (any
 * 8-4-4-4-12 hex, as the id column holds: `z.guid`, not RFC 9562's version check), either letter case, read in lower
 * case. Another shape is 400 rule `format` at `path.attachmentId` before the case is looked up (twenty-first trial:
 * `not-a-uuid` answered 404 "no attachment" though the document declares `format: uuid`).
 */
export const AttachmentIdSchema = z.guid().transform((id) => id.toLowerCase());

/** The multipart fields besides the file (validated after multer parsed them; the file is checked separately). */
export const UploadFieldsSchema = z.strictObject({
  kind: z.enum(ATTACHMENT_KINDS),
  // The step key of a path's rule (one home, STEP_KEY_PATTERN of libs/domain): one line first, then the pattern.
  stepKey: StepKeySchema.optional(),
});

const ACTION_RESULT_EXAMPLE = {
  accepted: true,
  requestId: '0b9f2f7e-8c1a-4f0e-b8e3-0d8e2a6f4c11',
  seq: 42,
  opened: [],
  status: 'open',
};

export const AttachmentListQuerySchema = z.strictObject({
  includeRemoved: z.enum(['true', 'false']).optional().meta({ description: 'true: removed attachments too (with removedAt)' }),
});

export const AttachmentSchema = z
  .strictObject({
    id: z.uuid(),
    caseId: z.string(),
    kind: z.enum(ATTACHMENT_KINDS),
    stepKey: z.string().nullable(),
    fileName: z.string().max(ATTACHMENT_NAME_MAX),
    mimeType: z.enum(ATTACHMENT_MIME_TYPES),
    size: z.number().int().positive().meta({ description: 'Bytes' }),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, formatMessage('须为64位小写十六进制的 SHA-256', 'Expected a lower-case hex SHA-256 (64 characters)'))
      .meta({ description: 'Lower-case hex SHA-256 of the content' }),
    uploadedBy: z.string(),
    uploadedAt: z.iso.datetime(),
    removedBy: z.string().nullable(),
    removedAt: z.iso.datetime().nullable(),
  })
  .meta({
    id: 'Attachment',
    example: {
      id: '7d1b3a52-3c8e-4c1a-9f5e-2a6b8c0d1e2f',
      caseId: '5f0c6a8e-2b7d-4c1e-9a57-3c4d2e1f0a9b',
      kind: 'invitation-letter',
      stepKey: 'A03:US',
      fileName: '邀请函.pdf',
      mimeType: 'application/pdf',
      size: 48213,
      sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      uploadedBy: 'organizer.commerce',
      uploadedAt: '2027-03-02T08:15:00.000Z',
      removedBy: null,
      removedAt: null,
    },
  });

export const AttachmentListSchema = z
  .strictObject({
    items: z.array(
      AttachmentSchema.extend({
        mayRemove: z.boolean().meta({
          description:
            'The caller may remove this file now: the list’s mayRemove, the file not removed, not held (heldBy), and not the FAO’s file for a unit role (an FAO upload is the FAO’s to remove)',
        }),
        heldBy: z
          .strictObject({
            rule: z.enum(['step-done', 'supplied-document']),
            message: z.strictObject({ zh: z.string(), en: z.string() }),
          })
          .nullable()
          .meta({
            description:
              'What keeps this live file on the case, as its last published progress shows it (the engine refuses its removal, 409): `step-done` — its finished step was completed on it; `supplied-document` — a missing (容缺) document was supplied as it. Null: nothing does',
          }),
      }),
    ),
    mayUpload: z.boolean().meta({ description: 'The access table lets the caller upload to this case now' }),
    mayRemove: z.boolean().meta({ description: 'The access table lets the caller remove attachments of this case now' }),
    actorNames: ActorNamesSchema,
  })
  .meta({
    id: 'AttachmentList',
    example: {
      items: [{ ...(AttachmentSchema.meta()?.example as object), mayRemove: true, heldBy: null }],
      mayUpload: true,
      mayRemove: true,
      actorNames: { 'organizer.commerce': '王建国' },
    },
  });

export const AttachmentUploadedSchema = z
  .strictObject({ attachment: AttachmentSchema, result: ActionResultSchema })
  .meta({ id: 'AttachmentUploaded', example: { attachment: AttachmentSchema.meta()?.example, result: ACTION_RESULT_EXAMPLE } });

export const AttachmentRemovedSchema = z
  .strictObject({ attachmentId: z.uuid(), result: ActionResultSchema })
  .meta({ id: 'AttachmentRemoved', example: { attachmentId: '7d1b3a52-3c8e-4c1a-9f5e-2a6b8c0d1e2f', result: ACTION_RESULT_EXAMPLE } });

/** The multipart request body as OpenAPI states it (the file as binary). */
export const UPLOAD_BODY = {
  type: 'object',
  required: ['file', 'kind'],
  additionalProperties: false,
  properties: {
    file: {
      type: 'string',
      format: 'binary',
      minLength: 1,
      description: `The document: ${ATTACHMENT_MIME_TYPES.join(', ')} (sniffed from the content), not empty, at most ATTACHMENT_MAX_BYTES (default 10 MiB); file name without control characters, path separators or <>:"|?*, not a Windows device name (CON, NUL, COM1, LPT1.txt, …), not ending in a dot or space, at most ${ATTACHMENT_NAME_MAX} characters (else 400 rule file-name); its extension the content's, .pdf, .png, .jpg or .jpeg (else 400 rule file-extension)`,
    },
    kind: {
      type: 'string',
      enum: [...ATTACHMENT_KINDS],
      description: `What the document is; a case takes its process's kinds (${Object.entries(ATTACHMENT_KINDS_BY_PROCESS)
        .map(([process, kinds]) => `${process}: ${kinds.join(', ')}`)
        .join('; ')}), another is 422 rule process-kind`,
    },
    stepKey: { type: 'string', pattern: STEP_KEY_PATTERN, description: 'The step instance it is for (e.g. A03:US); absent: the case' },
  },
} as const;
