import { clientErrorAnswer, clientErrorResponse } from './client-error';
import { BODY_PARSER_REFUSALS } from './exception.filter';

describe('clientErrorAnswer: Node’s parser errors as our refusals', () => {
  it('a body cut off is body-parser’s request.aborted: the same status, code, field, rule and words', () => {
    const aborted = BODY_PARSER_REFUSALS['request.aborted'];
    expect(clientErrorAnswer('HPE_INVALID_EOF_STATE', true)).toEqual({ status: aborted.status, code: aborted.code, error: aborted.error });
    // A Content-Length the parser refuses is body-parser's request.size.invalid field and rule.
    const size = BODY_PARSER_REFUSALS['request.size.invalid'];
    expect(clientErrorAnswer('HPE_INVALID_CONTENT_LENGTH', true)).toMatchObject({
      status: 400,
      error: { field: size.error.field, rule: size.error.rule },
    });
  });

  it('every parser error is a 4xx naming a field and a rule in both languages; 431 and 408 stay Node’s bare answers', () => {
    const codes = [
      'HPE_INVALID_EOF_STATE',
      'HPE_INVALID_METHOD',
      'HPE_INVALID_HEADER_TOKEN',
      'HPE_INVALID_CHUNK_SIZE',
      'HPE_UNKNOWN',
      undefined,
    ];
    for (const code of codes)
      for (const inFlight of [true, false]) {
        const a = clientErrorAnswer(code, inFlight);
        if (!('status' in a)) throw new Error(`${String(code)}: expected our answer`);
        expect(a.status).toBeLessThan(500);
        expect(a.error).toEqual({
          field: expect.any(String),
          rule: expect.any(String),
          message: { zh: expect.any(String), en: expect.any(String) },
        });
      }
    expect(clientErrorAnswer('HPE_HEADER_OVERFLOW', false)).toEqual({ raw: expect.stringMatching(/^HTTP\/1\.1 431 /) });
    expect(clientErrorAnswer('ERR_HTTP_REQUEST_TIMEOUT', false)).toEqual({ raw: expect.stringMatching(/^HTTP\/1\.1 408 /) });
  });

  it('the response is complete HTTP: its Content-Length is the JSON body’s bytes (Chinese included)', () => {
    const answer = clientErrorAnswer('HPE_INVALID_EOF_STATE', true);
    if (!('status' in answer)) throw new Error('expected our answer');
    const raw = clientErrorResponse(answer, 'r-1');
    const [head, body] = raw.split('\r\n\r\n') as [string, string];
    expect(head).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(head).toContain(`Content-Length: ${Buffer.byteLength(body)}`);
    expect(JSON.parse(body)).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', requestId: 'r-1', errors: [answer.error] });
  });
});
