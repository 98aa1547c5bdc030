import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import request from 'supertest';
import { Connection } from '@temporalio/client';
import { delegationWorkflowId, progressQuery } from '@df/contracts';
import { loadConfig, temporalConnectionOptions } from '@df/runtime';
import { bearer, canonicalSubmission, createTestUsers, startTestApi, type TestApi } from '../support/api-harness';
import { caseInput } from '../support/factories';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';

/**
 * A throwaway CA, a server certificate for `temporal.test` (not for 127.0.0.1) and a client certificate, made
 * with openssl: what an operator's PKI hands the deployment.
 */
function makePki(dir: string) {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=delegation-flow test CA');
  const leaf = (name: string, cn: string, ext: string) => {
    writeFileSync(join(dir, `${name}.ext`), ext);
    ssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
    ssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '1',
      '-extfile',
      `${name}.ext`,
    );
  };
  leaf('server', 'temporal.test', 'subjectAltName=DNS:temporal.test\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n');
  leaf('client', 'delegation-flow worker', 'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n');
  return {
    ca: join(dir, 'ca.pem'),
    serverCert: join(dir, 'server.pem'),
    serverKey: join(dir, 'server.key'),
    clientCert: join(dir, 'client.pem'),
    clientKey: join(dir, 'client.key'),
  };
}

/**
 * The suite's Temporal dev server behind mutual TLS. `temporal server start-dev` (CLI 1.9) has no TLS
 * flags, so TLS is terminated in front of it, as a load balancer or Envoy does in a deployment: the app
 * sees a TLS-only Temporal endpoint that demands a client certificate from the test CA.
 */
async function startMtlsFrontend(
  pki: ReturnType<typeof makePki>,
  upstream: string,
): Promise<{ server: TlsServer; address: string; handshakes: () => number }> {
  const [host, port] = upstream.split(':') as [string, string];
  let handshakes = 0;
  const server = createTlsServer(
    {
      key: readFileSync(pki.serverKey),
      cert: readFileSync(pki.serverCert),
      ca: readFileSync(pki.ca),
      requestCert: true,
      rejectUnauthorized: true,
      ALPNProtocols: ['h2'],
    },
    (socket) => {
      handshakes++;
      const up = netConnect(Number(port), host);
      socket.pipe(up).pipe(socket);
      const close = () => {
        socket.destroy();
        up.destroy();
      };
      socket.on('error', close);
      up.on('error', close);
    },
  );
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, address: `127.0.0.1:${(server.address() as AddressInfo).port}`, handshakes: () => handshakes };
}

describe('the client, the worker and the API connect to Temporal over mutual TLS', () => {
  let dir: string;
  let frontend: Awaited<ReturnType<typeof startMtlsFrontend>>;
  let pki: ReturnType<typeof makePki>;
  let worker: TestWorker | undefined;
  let api: TestApi | undefined;
  /** The app's configuration from the environment variables an operator sets. */
  let tlsConfig: ReturnType<typeof loadConfig> & { temporalAddress: string };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'df-tls-'));
    pki = makePki(dir);
    frontend = await startMtlsFrontend(pki, process.env.TEMPORAL_ADDRESS!);
    tlsConfig = {
      ...loadConfig({
        ...process.env,
        TEMPORAL_ADDRESS: frontend.address,
        TEMPORAL_TLS_CA_FILE: pki.ca,
        TEMPORAL_TLS_CERT_FILE: pki.clientCert,
        TEMPORAL_TLS_KEY_FILE: pki.clientKey,
        // The certificate names temporal.test, not the address dialled.
        TEMPORAL_TLS_SERVER_NAME: 'temporal.test',
      }),
      temporalAddress: frontend.address,
    };
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
    await new Promise((r) => frontend?.server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('a worker and a client over mTLS run a case: start, then query its progress', async () => {
    worker = await startTestWorker({ temporalAddress: tlsConfig.temporalAddress, temporalTls: tlsConfig.temporalTls });
    const input = caseInput();
    const handle = await worker.client.workflow.start('delegation', {
      taskQueue: worker.config.taskQueue,
      workflowId: delegationWorkflowId(input.caseId),
      args: [input],
    });
    const progress = await eventually(
      () => handle.query(progressQuery),
      (p) => p.steps.some((s) => s.status === 'awaiting'),
    );
    expect(progress).toMatchObject({ caseId: input.caseId, status: 'open' });
    expect(frontend.handshakes()).toBeGreaterThanOrEqual(2); // the worker's and the client's connections
  });

  it('the API over mTLS: /health reaches Temporal and a submission starts the case', async () => {
    api = await startTestApi({
      taskQueue: worker!.config.taskQueue,
      temporalAddress: tlsConfig.temporalAddress,
      temporalTls: tlsConfig.temporalTls,
    });
    const health = await request(api.http).get('/health').expect(200);
    expect(health.body.checks.temporal.status).toBe('up');
    const users = await createTestUsers(api);
    const submitted = await request(api.http)
      .post('/api/delegations')
      .set(bearer(users.tokens.organizer))
      .send(canonicalSubmission(users.unit))
      .expect(201);
    const progress = await eventually(
      () => worker!.client.workflow.getHandle(submitted.body.workflowId).query(progressQuery),
      (p) => p.steps.length > 0,
    );
    expect(progress.caseId).toBe(submitted.body.caseId);
  });

  it('the endpoint is really TLS-only and mutual: no client certificate, no trusted CA, a wrong server name or plain TCP are refused', async () => {
    const attempt = async (options: Parameters<typeof Connection.connect>[0]) => {
      const connection = await Connection.connect({ ...options, connectTimeout: 3000 });
      try {
        await connection.withDeadline(Date.now() + 3000, () => connection.workflowService.getSystemInfo({}));
        return 'connected';
      } catch {
        return 'refused';
      } finally {
        await connection.close();
      }
    };
    const base = temporalConnectionOptions(tlsConfig);
    expect(await attempt(base).catch(() => 'refused')).toBe('connected');
    expect(await attempt({ ...base, tls: { ...base.tls, clientCertPair: undefined } }).catch(() => 'refused')).toBe('refused');
    expect(await attempt({ ...base, tls: { ...base.tls, serverRootCACertificate: undefined } }).catch(() => 'refused')).toBe('refused');
    // The certificate names temporal.test only: without TEMPORAL_TLS_SERVER_NAME, 127.0.0.1 does not match.
    expect(await attempt({ ...base, tls: { ...base.tls, serverNameOverride: undefined } }).catch(() => 'refused')).toBe('refused');
    expect(await attempt({ address: base.address }).catch(() => 'refused')).toBe('refused');
  });
});
