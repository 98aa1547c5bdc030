import { JsonLogger } from './json-logger';

/** The API's log lines mask personal data at the logger (maskForLog), whatever the statement logged. */
describe('JsonLogger masks personal data in every line', () => {
  const captured = (log: (logger: JsonLogger) => void): string => {
    const out: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    try {
      log(new JsonLogger());
    } finally {
      spy.mockRestore();
    }
    return out.join('');
  };

  it("an unhandled error naming an APEC card number (the exception filter's line): masked, the case id kept", () => {
    const line = captured((l) =>
      l.event('error', 'unhandled error', {
        error: 'duplicate key value violates unique constraint "pk_apec_cards": Key (number)=(CHN123456789) already exists',
        note: 'K07:m1 card CHN123456789 not registered',
        caseId: '3f2a9c1e-1234-4abc-8def-123456789abc',
        data: { cardNumber: 'AB1234567', passport: { number: 'SE1234567' } },
      }),
    );
    expect(line).not.toMatch(/CHN123456789|AB1234567|SE1234567/);
    expect(line).toContain('Key (number)=(…) already exists');
    expect(line).toContain('K07:m1 card CH*******789 not registered');
    expect(line).toContain('3f2a9c1e-1234-4abc-8def-123456789abc');
  });
});
