import { setWorkflowStackTraces, WORKFLOW_STACK_TRACES_ENV, workflowStackTracesSwitchable } from './workflow-stack-traces';

describe('the workflow stack-trace switch (patches/@temporalio+worker+*.patch)', () => {
  const before = process.env[WORKFLOW_STACK_TRACES_ENV];
  afterEach(() => {
    if (before === undefined) delete process.env[WORKFLOW_STACK_TRACES_ENV];
    else process.env[WORKFLOW_STACK_TRACES_ENV] = before;
  });

  it('is applied to the installed Temporal SDK (npm install runs patch-package)', () => {
    expect(workflowStackTracesSwitchable()).toBe(true);
  });

  it('sets what the workflow threads read as they start', () => {
    expect(setWorkflowStackTraces(false)).toBe(true);
    expect(process.env[WORKFLOW_STACK_TRACES_ENV]).toBe('off');
    setWorkflowStackTraces(true);
    expect(process.env[WORKFLOW_STACK_TRACES_ENV]).toBe('on');
  });
});
