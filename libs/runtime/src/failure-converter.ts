// Loaded inside the workflow sandbox (bundled by path) as well as by clients and workers: imports only
// @temporalio/common. Failure messages and stack traces can name people (a rule violation lists the
// members at fault), so they move into an encoded attributes payload, which the payload codec encrypts.
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
