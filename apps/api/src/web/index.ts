import { DocumentsController } from '../documents/documents.controller';
import { DocumentsService } from '../documents/documents.service';
import { WebAppServer } from './web-app.server';

/** What the web app adds to the API module: the PDF downloads and the server of the built app at `/`. */
export const WEB_CONTROLLERS = [DocumentsController];
export const WEB_PROVIDERS = [DocumentsService, WebAppServer];
