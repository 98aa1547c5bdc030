import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import { createApiApp } from '../../apps/api/src';
import { freePort } from '@df/runtime';
import { testConfig } from '../support/harness';

async function startApi(overrides: Parameters<typeof testConfig>[0] = {}): Promise<INestApplication> {
  const app = await createApiApp(testConfig(overrides));
  await app.init();
  return app;
}

describe('GET /health and the OpenAPI document', () => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await startApi();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers 200 when PostgreSQL and Temporal both answer', async () => {
    const res = await request(app.getHttpServer()).get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', checks: { database: { status: 'up' }, temporal: { status: 'up' } } });
  });

  it('serves an OpenAPI 3 document at /api/docs-json and its UI at /api/docs', async () => {
    const doc = await request(app.getHttpServer()).get('/api/docs-json').expect(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(doc.body.paths['/health'].get.responses).toHaveProperty('200');
    expect(doc.body.paths['/health'].get.responses).toHaveProperty('503');
    const ui = await request(app.getHttpServer()).get('/api/docs').redirects(1).expect(200);
    expect(ui.text).toContain('swagger-ui');
  });
});

describe('GET /health when a dependency is down', () => {
  it('answers 503 naming Temporal when nothing listens at TEMPORAL_ADDRESS', async () => {
    const app = await startApi({ temporalAddress: `127.0.0.1:${await freePort()}` });
    try {
      const res = await request(app.getHttpServer()).get('/health').expect(503);
      expect(res.body.status).toBe('error');
      expect(res.body.checks.database).toEqual({ status: 'up' });
      expect(res.body.checks.temporal.status).toBe('down');
      expect(typeof res.body.checks.temporal.error).toBe('string');
    } finally {
      await app.close();
    }
  });

  it('answers 503 naming the database when its database disappears under it', async () => {
    const base = testConfig().databaseUrl;
    const name = `health_probe_${Date.now()}`;
    const admin = new Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(base);
    url.pathname = `/${name}`;
    const app = await startApi({ databaseUrl: url.toString() });
    try {
      await request(app.getHttpServer()).get('/health').expect(200);
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      const res = await request(app.getHttpServer()).get('/health').expect(503);
      expect(res.body.checks.database.status).toBe('down');
      expect(res.body.checks.temporal).toEqual({ status: 'up' });
    } finally {
      await app.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
