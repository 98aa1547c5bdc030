// Loaded inside the workflow sandbox (bundled by path) as well as by clients and workers: imports only
// @temporalio/common. Failure messages and stack traces can name people (a rule violation lists the
// members at fault), so they move into an encoded attributes payload, which the payload codec encrypts.
import { DefaultFailureConverter, type PayloadConverter, type ProtoFailure, type SerializationContext } from '@temporalio/common';

/**
 * The SDK's own refusals of a query, fixed texts naming at most the query asked for (no case data). A query's failure
 * reaches the caller as its message alone (no attributes the codec could decode), so encrypted it read "Encoded
 * failure" to everyone: the Temporal CLI's `workflow stack` and the Web UI's Stack Trace tab while workers leave out
 * the stack-trace hook (WORKER_WORKFLOW_STACK_TRACES), or a query name mistyped.
 */
export const SDK_QUERY_REFUSALS: readonly RegExp[] = [
  /^Workflow stack traces are not enabled on this worker$/,
  /^Workflow did not register a handler for [^\n]*$/,
];

class CaseFailureConverter extends DefaultFailureConverter {
  private readonly plain = new DefaultFailureConverter({ encodeCommonAttributes: false });

  override errorToFailure(err: unknown, payloadConverter: PayloadConverter, context?: SerializationContext): ProtoFailure {
    if (err instanceof Error && SDK_QUERY_REFUSALS.some((r) => r.test(err.message))) {
      // Readable, and without the stack (the SDK's frames say nothing to the caller).
      const failure = this.plain.errorToFailure(err, payloadConverter, context);
      failure.stackTrace = '';
      return failure;
    }
    return super.errorToFailure(err, payloadConverter, context);
  }
}

export const failureConverter = new CaseFailureConverter({ encodeCommonAttributes: true });
