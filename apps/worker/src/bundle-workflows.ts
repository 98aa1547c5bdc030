// Bundles the workflow code (webpack) into the file named by argv[2], then exits. The worker runs this
// as a child process so that webpack's memory (about 90 MiB that the heap keeps) is not the worker's.
import { writeFileSync } from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '@df/runtime';
import { workflowBundleOptions } from './workflow-source';

const target = process.argv[2];
const noop = () => undefined;
if (!target) {
  console.error('usage: bundle-workflows <output file>');
  process.exit(2);
}
bundleWorkflowCode({
  ...workflowBundleOptions(),
  failureConverterPath: FAILURE_CONVERTER_PATH,
  logger: { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: (m: string) => console.error(m) },
}).then(
  ({ code }) => {
    writeFileSync(target, code);
    process.exit(0);
  },
  (err: unknown) => {
    console.error(`bundling the workflow code failed: ${String(err)}`);
    process.exit(1);
  },
);
