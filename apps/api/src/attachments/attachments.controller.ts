import { Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res, UseInterceptors } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AuthUser } from '../auth/access';
import { CurrentUser } from '../auth/decorators';
import { errorResponses, IdempotencyKeyHeader, queryParams, schemaRef } from '../openapi';
import { parseOrThrow } from '../common/validation';
import { IdempotencyKey } from '../delegations/idempotency.service';
import { AttachmentsService, type UploadedFile } from './attachments.service';
import { contentDisposition } from './content-disposition';
import { AttachmentListQuerySchema, AttachmentListSchema, AttachmentRemovedSchema, AttachmentUploadedSchema, UPLOAD_BODY } from './schemas';
import { UploadInterceptor } from './upload.interceptor';

const CASE_ID = ApiParam({ name: 'id', description: 'Case id' });
const ATTACHMENT_ID = ApiParam({ name: 'attachmentId', description: 'Attachment id (UUID)', schema: { type: 'string', format: 'uuid' } });

/** The path multipart bodies are accepted on (every other route takes JSON only: common/http-middleware.ts). */
export const ATTACHMENT_UPLOAD_PATH = /^\/api\/delegations\/[^/]+\/attachments\/?$/;

/** Documents of a case (issue 15 item 3, docs/attachments.md): who may do what is the access table's. */
@ApiTags('attachments')
@ApiBearerAuth()
@Controller('api/delegations/:id/attachments')
export class AttachmentsController {
  constructor(private readonly attachments: AttachmentsService) {}

  @Get()
  @CASE_ID
  @queryParams(AttachmentListQuerySchema)
  @ApiOperation({ summary: "附件列表 The case's attachments (anyone who may read the case)" })
  @ApiOkResponse({ description: 'Oldest first', schema: schemaRef(AttachmentListSchema) })
  @errorResponses(400, 401, 403, 404, 503)
  list(@CurrentUser() user: AuthUser, @Param('id') id: string, @Query() query: unknown, @Req() req: Request) {
    const { includeRemoved } = parseOrThrow(AttachmentListQuerySchema, query ?? {}, ['query']);
    return this.attachments.list(user, id, includeRemoved === 'true', req);
  }

  @Post()
  @CASE_ID
  @IdempotencyKeyHeader()
  @UseInterceptors(UploadInterceptor)
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: UPLOAD_BODY as never,
    examples: {
      invitationLetter: {
        summary: "The US counterpart's invitation letter for A03:US",
        value: { kind: 'invitation-letter', stepKey: 'A03:US', file: '(the PDF bytes; file name 邀请函.pdf)' },
      },
    },
  })
  @ApiOperation({
    summary: '上传附件 Upload a document for the case or one of its steps (organizer, FAO officers)',
    description:
      'The type is sniffed from the content (PDF, PNG, JPEG), never taken from the client; the SHA-256 is computed and kept. ' +
      'The case records attachment.added on its timeline; a step that requires this kind may then be completed.',
  })
  @ApiCreatedResponse({ description: 'Stored and recorded on the case', schema: schemaRef(AttachmentUploadedSchema) })
  @errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 503)
  async upload(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Req() req: Request & { file?: UploadedFile },
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const out = await this.attachments.upload(user, id, req.file, req.body, key, req);
    if (out.replayed) res.setHeader('Idempotent-Replayed', 'true');
    return { attachment: out.attachment, result: out.result };
  }

  @Get(':attachmentId')
  @CASE_ID
  @ATTACHMENT_ID
  @ApiProduces('application/pdf', 'image/png', 'image/jpeg')
  @ApiOperation({ summary: '下载附件 Download an attachment (verified against its SHA-256 before it is sent)' })
  @ApiOkResponse({
    description: 'The bytes, with the sniffed Content-Type, Content-Disposition (RFC 5987 filename* for non-ASCII names) and Repr-Digest',
    content: {
      'application/pdf': { schema: { type: 'string', format: 'binary', example: '%PDF-1.4 … (the stored bytes, as uploaded)' } },
      'image/png': { schema: { type: 'string', format: 'binary', example: '\u0089PNG … (the stored bytes, as uploaded)' } },
      'image/jpeg': { schema: { type: 'string', format: 'binary', example: '\u00ff\u00d8\u00ff … (the stored bytes, as uploaded)' } },
    },
  })
  @errorResponses(400, 401, 403, 404, 500, 503)
  async download(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('attachmentId') attachmentId: string,
    @Res() res: Response,
  ) {
    const { row, bytes } = await this.attachments.download(user, id, attachmentId, res.req);
    res.setHeader('Content-Type', row.mimeType);
    res.setHeader('Content-Length', String(bytes.length));
    res.setHeader('Content-Disposition', contentDisposition(row.fileName));
    res.setHeader('Repr-Digest', `sha-256=:${Buffer.from(row.sha256, 'hex').toString('base64')}:`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.end(bytes);
  }

  @Delete(':attachmentId')
  @HttpCode(200)
  @CASE_ID
  @ATTACHMENT_ID
  @IdempotencyKeyHeader()
  @ApiOperation({ summary: '删除附件 Remove an attachment (recorded on the timeline; the row stays with removedAt)' })
  @ApiOkResponse({ description: 'Removed', schema: schemaRef(AttachmentRemovedSchema) })
  @errorResponses(400, 401, 403, 404, 409, 422, 503)
  async remove(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('attachmentId') attachmentId: string,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const out = await this.attachments.remove(user, id, attachmentId, key, res.req);
    if (out.replayed) res.setHeader('Idempotent-Replayed', 'true');
    return { attachmentId: out.attachmentId, result: out.result };
  }
}
