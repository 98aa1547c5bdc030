import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthUser } from '../auth/access';
import { CurrentUser } from '../auth/decorators';
import { errorResponses } from '../openapi';
import { DocumentsService, type DocumentKind } from './documents.service';

const CASE_ID = ApiParam({ name: 'id', description: 'Case id' });
const PDF = ApiOkResponse({
  description: 'The PDF (A4, Chinese in Noto Sans SC)',
  content: {
    'application/pdf': { schema: { type: 'string', format: 'binary', example: '%PDF-1.3 … (a PDF document, Noto Sans SC embedded)' } },
  },
});

/** PDF downloads of a case (批件下载): anyone who may see the case. */
@ApiTags('documents')
@ApiBearerAuth()
@Controller('api/delegations/:id/documents')
export class DocumentsController {
  constructor(private readonly documents: DocumentsService) {}

  @Get('approval-document.pdf')
  @CASE_ID
  @ApiProduces('application/pdf')
  @ApiOperation({ summary: '任务批件 The approval document as PDF (once B08 issued it; 409 before)' })
  @PDF
  @errorResponses(401, 403, 404, 409, 503)
  approval(@CurrentUser() user: AuthUser, @Param('id') id: string, @Res() res: Response) {
    return this.send(user, id, 'approval-document', res);
  }

  @Get('application-form.pdf')
  @CASE_ID
  @ApiProduces('application/pdf')
  @ApiOperation({ summary: '出访申请表 The application form as PDF' })
  @PDF
  @errorResponses(401, 403, 404, 503)
  form(@CurrentUser() user: AuthUser, @Param('id') id: string, @Res() res: Response) {
    return this.send(user, id, 'application-form', res);
  }

  private async send(user: AuthUser, id: string, kind: DocumentKind, res: Response) {
    const { pdf, filename } = await this.documents.render(user, id, kind, res.req);
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
    res.setHeader('Cache-Control', 'private, no-store');
    res.send(pdf);
  }
}
