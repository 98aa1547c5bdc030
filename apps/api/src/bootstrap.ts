import 'reflect-metadata';
import { strictJsonBodies } from './common/strict-json';
import { canonicalCaseIds } from './common/uuid';
import type { Server } from 'node:http';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import express, { type Express, type Request, type Response } from 'express';
import helmet from 'helmet';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { nestLogLevels, type ServiceConfig } from '@df/runtime';
import { ApiModule } from './api.module';
import { RegistriesService } from './registries/registries.service';
import { resolveJwtSecret } from './auth/jwt-secret';
import { UsersService } from './auth/users.service';
import { answerClientErrors } from './common/client-error';
import { httpMiddleware, isJsonRequest, jsonBodiesOnly, noStore, singleValuedHeaders } from './common/http-middleware';
import { MAX_BODY_BYTES } from './common/exception.filter';
import { JsonLogger } from './common/json-logger';
import { ATTACHMENT_UPLOAD_PATH } from './attachments';
import { documentedMethodsOnly, documentedQueryOnly, setRouteTable } from './common/route-table';
import { MetricsService } from './metrics/metrics.service';
import { addEdgeContract, addZodComponents } from './openapi';
import { FORM_VALIDATORS_PATH, formValidatorsModule } from './common/form-validators';

export const OPENAPI_UI_PATH = 'api/docs';
/** Largest JSON body the API parses (413 PAYLOAD_TOO_LARGE above). */
export { MAX_BODY_BYTES } from './common/exception.filter';

/**
 * helmet's defaults, but `upgrade-insecure-requests` only when the deployment says browsers come over HTTPS
 * (API_HTTPS): over plain HTTP on a host other than localhost the browser would upgrade every /assets/*.js request
 * to https, which nothing answers, and show a blank page (new-user trial; docs/security.md "Content Security Policy").
 */
export function helmetOptions(config: Pick<ServiceConfig, 'apiHttps'>): Parameters<typeof helmet>[0] {
  return { contentSecurityPolicy: { directives: { upgradeInsecureRequests: config.apiHttps ? [] : null } } };
}

/** The OpenAPI 3 document of the app: Nest's routes, with the zod request/response schemas as components. */
export function buildOpenApiDocument(app: INestApplication) {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('delegation-flow API 因公出国（境）审护签')
      .setDescription(
        '外办审批、护照、签证全流程引擎 — the outbound delegation chain: review and approval, official passport, visa.\n\n' +
          'Sign in with POST /api/auth/login and send `Authorization: Bearer <accessToken>`. Errors: `{ statusCode, code, message: { zh, en }, requestId, errors?, violations? }`. ' +
          'Every response carries X-Request-Id (yours, or a new one).',
      )
      .setVersion('0.1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
  );
  return addEdgeContract(addZodComponents(document));
}

/**
 * Builds the HTTP app (not listening yet), with the OpenAPI document at /api/docs-json, its UI at /api/docs and its
 * request schemas' validators for the web app at /api/form-validators.js.
 */
export async function createApiApp(config: ServiceConfig): Promise<INestApplication> {
  const logger = new JsonLogger(nestLogLevels(config.logLevel));
  // Before the module: a first start generates the development secret here, so the warning says so.
  const secret = resolveJwtSecret(config);
  // Our own body parsing: JSON only (no urlencoded parser), with the size limit the docs name.
  // Paths are the document's, letter for letter: Express matches routes without regard to case by default, so
  // `/api/Delegations/…` reached the routes while every path-keyed rule (the query rules, 405, the path parameters'
  // encoding) missed it (trial: `POST /api/Delegations/{id}/withdraw?dryRun=true` withdrew). Set before the adapter
  // touches the router, which Express builds once, on first use.
  const server = express().set('case sensitive routing', true);
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config, logger), new ExpressAdapter(server), {
    logger,
    bufferLogs: false,
    bodyParser: false,
    rawBody: true, // the JSON parser keeps the bytes it parsed for strictJsonBodies
  });
  app.disable('x-powered-by');
  // A request the HTTP parser cannot read (a body cut off, a malformed header) is answered in our JSON, not Node's bare 400.
  answerClientErrors(app.getHttpServer(), logger);
  // A request without Host is refused by singleValuedHeaders in our JSON, not by Node's bare 400 (RFC 9112 3.2).
  // (The option of http.createServer, read by Node per request from the server; Nest creates the server itself.)
  (app.getHttpServer() as Server & { requireHostHeader: boolean }).requireHostHeader = false;
  app.use(httpMiddleware(logger, app.get(MetricsService)));
  // helmet's defaults: scripts from this origin only, no eval (the form validators come compiled: FORM_VALIDATORS_PATH).
  app.use(helmet(helmetOptions(config)));
  app.use(noStore());
  app.use(singleValuedHeaders()); // Host present, and Content-Type, Authorization… once each (400)
  app.use(documentedMethodsOnly()); // a documented path asked with a method it does not answer: 405 with Allow, before its body
  app.use(jsonBodiesOnly([ATTACHMENT_UPLOAD_PATH]));
  app.use(canonicalCaseIds()); // a case's UUID in capitals is the case (lower-cased before routing)
  app.use(documentedQueryOnly()); // the query-string rules of every route: percent-encoding, once each, documented names (400)
  app.useBodyParser('json', { limit: MAX_BODY_BYTES, type: isJsonRequest });
  app.use(strictJsonBodies()); // what JSON.parse would silently change: a duplicated key, a number out of range (400)
  if (secret.source !== 'env')
    logger.warn(
      `JWT_SECRET is not set: signing tokens with the ${secret.source} development secret in ${secret.path} (mode 0600). Set JWT_SECRET in production.`,
      'ApiBootstrap',
    );
  const document = buildOpenApiDocument(app);
  setRouteTable(document);
  SwaggerModule.setup(OPENAPI_UI_PATH, app, document, { jsonDocumentUrl: `${OPENAPI_UI_PATH}-json` });
  // The request schemas' validators for the web's forms, compiled here once on first use (docs/security.md).
  let validators: string | undefined;
  (app.getHttpAdapter().getInstance() as Express).get(FORM_VALIDATORS_PATH, (_req: Request, res: Response) => {
    validators ??= formValidatorsModule((document.components?.schemas ?? {}) as Record<string, unknown>);
    res.type('text/javascript; charset=utf-8').send(validators);
  });
  return app;
}

export async function bootstrapApi(config: ServiceConfig): Promise<INestApplication> {
  const app = await createApiApp(config);
  await app.init();
  if (config.seedDemoUsers) await app.get(UsersService).seedDemoUsers();
  if (config.seedDemoUsers) await app.get(RegistriesService).seedDemo();
  await app.listen(config.port, config.host);
  return app;
}
