import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { BODY_PARSER_REFUSALS } from '../../apps/api/src/common/exception.filter';
import { startTestApi, type TestApi } from '../support/api-harness';

/** A raw exchange: `head` (and `body`) written as given, then the client half-closes (`end`) or not; what came back. */
function exchange(port: number, bytes: string, { halfClose = true } = {}) {
  return new Promise<{ status: number; headers: Record<string, string>; text: string }>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = raw.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()] as [string, string]),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, text: rest.join('\r\n\r\n') });
    });
    socket.write(bytes, () => {
      if (halfClose) socket.end();
    });
  });
}

/** A request the HTTP parser cannot read is answered in our JSON (status, code, bilingual message, errors[]). */
describe('HTTP parser errors (clientError) answer in our JSON shape', () => {
  let api: TestApi;
  let port: number;
  beforeAll(async () => {
    api = await startTestApi();
    await api.app.listen(0, '127.0.0.1');
    port = (api.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(async () => {
    await api?.close();
  });

  /** Our refusal of one field: 400 (or `status`), code, `请求有1处错误`, the field and rule, a request id in body and header. */
  const expectRefusal = (
    res: { status: number; headers: Record<string, string>; text: string },
    field: string,
    rule: string,
    { status = 400, code = 'VALIDATION_FAILED' } = {},
  ) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    const body = JSON.parse(res.text) as { requestId: string; errors: Array<{ field: string; rule: string; message: unknown }> };
    expect(body).toMatchObject({
      statusCode: status,
      code,
      message: { zh: '请求有1处错误', en: 'The request has 1 error(s)' },
      errors: [{ field, rule, message: { zh: expect.any(String), en: expect.any(String) } }],
    });
    expect(res.headers['x-request-id']).toBe(body.requestId);
    return body;
  };

  it('handed input: a body cut off (Content-Length 100, 10 bytes sent, then half-closed) is 400 (body) incomplete, as body-parser’s request.aborted', async () => {
    const res = await exchange(
      port,
      'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\nX-Request-Id: cut-off-1\r\n\r\n{"username"',
    );
    // It was Node's bare `400 Bad Request` with no body.
    const body = expectRefusal(res, '(body)', 'incomplete');
    // The same field, rule and words as body-parser's aborted request (one refusal, whichever sees it first).
    expect(body.errors).toEqual([BODY_PARSER_REFUSALS['request.aborted'].error]);
    // The request under way keeps its id (the one the client sent).
    expect(body.requestId).toBe('cut-off-1');
  });

  it('a chunked body cut off mid-chunk is the same refusal', async () => {
    const res = await exchange(
      port,
      'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n20\r\n{"user',
    );
    expectRefusal(res, '(body)', 'incomplete');
  });

  it('other parser errors name the part at fault: a header without a colon, a bad Content-Length, a bad chunk size, a bad request line', async () => {
    expectRefusal(
      await exchange(port, 'GET /health HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n', { halfClose: false }),
      'headers',
      'header-syntax',
    );
    expectRefusal(
      await exchange(port, 'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n', { halfClose: false }),
      'headers.Content-Length',
      'content-length',
    );
    expectRefusal(
      await exchange(
        port,
        'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
        {
          halfClose: false,
        },
      ),
      '(body)',
      'chunked',
    );
    expectRefusal(await exchange(port, 'HELLO\r\n\r\n', { halfClose: false }), '(request)', 'method');
    expectRefusal(await exchange(port, 'GET /health HTTP/9.9\r\nHost: x\r\n\r\n', { halfClose: false }), '(request)', 'http-version');
  });

  it('headers over the server’s limit stay 431 (documented: answered by the HTTP server, no JSON body); a well-formed request is untouched', async () => {
    const big = await exchange(port, `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, { halfClose: false });
    expect(big.status).toBe(431);
    expect(big.text).toBe('');
    const fine = await exchange(port, 'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', { halfClose: false });
    expect(fine.status).toBe(200);
  });
  it('new-user trial: an HTTP/1.1 request without Host is 400 headers.Host required in our JSON (it was Node’s bare 400); HTTP/1.0 needs none; a Host that is not one host is 400 format', async () => {
    const res = await exchange(port, 'GET /health HTTP/1.1\r\nConnection: close\r\n\r\n', { halfClose: false });
    expectRefusal(res, 'headers.Host', 'required');
    const old = await exchange(port, 'GET /api/docs-json HTTP/1.0\r\n\r\n', { halfClose: false });
    expect(old.status).toBe(200);
    // Two hosts folded into one value (as a proxy merging two lines sends them) are not one host (trial: 200).
    for (const host of ['a, b', 'a b', 'x:80:81', 'a/b'])
      expectRefusal(
        await exchange(port, `GET /health HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`, { halfClose: false }),
        'headers.Host',
        'format',
      );
    for (const host of ['localhost:3000', '127.0.0.1', '[::1]:8080', 'api.example.gov.cn', ''])
      expect(
        (await exchange(port, `GET /api/docs-json HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`, { halfClose: false })).status,
      ).toBe(200);
  });

  it('new-user trial: Content-Type, Authorization, Idempotency-Key given twice are 400 single-value in either order (Node kept the first, a proxy may read the last)', async () => {
    const login = (headers: string) =>
      exchange(port, `POST /api/auth/login HTTP/1.1\r\nHost: x\r\n${headers}Content-Length: 2\r\nConnection: close\r\n\r\n{}`, {
        halfClose: false,
      });
    const json = 'Content-Type: application/json\r\n';
    for (const [headers, field] of [
      ['Content-Type: application/json\r\nContent-Type: text/plain\r\n', 'headers.Content-Type'],
      ['Content-Type: text/plain\r\nContent-Type: application/json\r\n', 'headers.Content-Type'],
      [`${json}Authorization: Bearer a.b.c\r\nAuthorization: Bearer x\r\n`, 'headers.Authorization'],
      [`${json}Idempotency-Key: k1\r\nidempotency-key: k2\r\n`, 'headers.Idempotency-Key'],
      [`Host: y\r\n${json}`, 'headers.Host'],
    ] as Array<[string, string]>)
      expectRefusal(await login(headers), field, 'single-value');
  });

  it('new-user trial: a charset named twice (either order) or as charset*= is 415 headers.Content-Type charset (charset=UTF-8; charset=utf-16 was read as UTF-8)', async () => {
    const body = Buffer.from('{"username":"a","password":"b"}', 'utf16le').toString('latin1');
    for (const type of [
      'application/json; charset=UTF-8; charset=utf-16',
      'application/json; charset=utf-16; charset=utf-8',
      "application/json; charset*=utf-8''utf-16",
      'application/json; charset*=utf-16',
    ]) {
      const res = await exchange(
        port,
        `POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: ${type}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
        { halfClose: false },
      );
      expectRefusal(res, 'headers.Content-Type', 'charset', { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    }
  });
});
