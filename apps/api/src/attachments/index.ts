import type { Provider } from '@nestjs/common';
import type { ServiceConfig } from '@df/runtime';
import { AttachmentsRepository } from '@df/persistence';
import { API_CONFIG } from '../api.options';
import { AttachmentsController } from './attachments.controller';
import { AttachmentsService } from './attachments.service';
import { ATTACHMENT_STORE, createAttachmentStore } from './storage';
import { UploadInterceptor } from './upload.interceptor';
import { AttachmentOrphanSweeper } from './orphan-sweeper.service';

export { ATTACHMENT_UPLOAD_PATH } from './attachments.controller';

export const ATTACHMENT_CONTROLLERS = [AttachmentsController];
export const ATTACHMENT_PROVIDERS: Provider[] = [
  { provide: ATTACHMENT_STORE, inject: [API_CONFIG], useFactory: (config: ServiceConfig) => createAttachmentStore(config.attachments) },
  AttachmentsRepository,
  AttachmentsService,
  UploadInterceptor,
  AttachmentOrphanSweeper,
];
