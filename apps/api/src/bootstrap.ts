import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { nestLogLevels, type ServiceConfig } from '@df/runtime';
import { ApiModule } from './api.module';

export const OPENAPI_UI_PATH = 'api/docs';

/** Builds the HTTP app (not listening yet), with the OpenAPI document at /api/docs-json and its UI at /api/docs. */
export async function createApiApp(config: ServiceConfig): Promise<INestApplication> {
  const app = await NestFactory.create(ApiModule.forRoot(config), { logger: nestLogLevels(config.logLevel) });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('delegation-flow API 因公出国（境）审护签')
      .setDescription('外办审批、护照、签证全流程引擎 — the outbound delegation chain: review and approval, official passport, visa.')
      .setVersion('0.1.0')
      .build(),
  );
  SwaggerModule.setup(OPENAPI_UI_PATH, app, document, { jsonDocumentUrl: `${OPENAPI_UI_PATH}-json` });
  return app;
}

export async function bootstrapApi(config: ServiceConfig): Promise<INestApplication> {
  const app = await createApiApp(config);
  await app.listen(config.port, config.host);
  return app;
}
