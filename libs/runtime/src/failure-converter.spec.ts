import { defaultPayloadConverter } from '@temporalio/common';
import { failureConverter } from './failure-converter';

describe('failureConverter', () => {
  it("encrypts a failure's message and stack, which can name people", () => {
    const failure = failureConverter.errorToFailure(new Error('成员 张三 护照 E12345678 已过期'), defaultPayloadConverter);
    expect(failure.message).toBe('Encoded failure');
    expect(failure.stackTrace).toBe('');
    expect(JSON.stringify(failure.encodedAttributes)).not.toContain('张三');
  });

  it("keeps the SDK's own query refusals readable: a query's failure reaches the caller as its message alone", () => {
    for (const message of [
      'Workflow stack traces are not enabled on this worker',
      'Workflow did not register a handler for stack. Registered queries: [__stack_trace __enhanced_stack_trace progress]',
    ]) {
      const failure = failureConverter.errorToFailure(new Error(message), defaultPayloadConverter);
      expect(failure).toMatchObject({ message, stackTrace: '' });
      expect(failure.encodedAttributes).toBeFalsy();
    }
    // Only those texts: one that merely begins like them is encrypted.
    expect(
      failureConverter.errorToFailure(new Error('Workflow stack traces are not enabled on this worker: 张三'), defaultPayloadConverter)
        .message,
    ).toBe('Encoded failure');
  });
});
