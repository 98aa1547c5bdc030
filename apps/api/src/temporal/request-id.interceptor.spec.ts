import { defaultPayloadConverter } from '@temporalio/common';
import type { WorkflowStartUpdateInput, WorkflowStartUpdateOutput } from '@temporalio/client';
import { requestContext } from '../common/request-context';
import { REQUEST_ID_HEADER, requestIdInterceptor } from './temporal-client.provider';

describe('the request-id client interceptor', () => {
  const input = {
    updateName: 'decide',
    args: [],
    workflowExecution: { workflowId: 'w' },
    headers: {},
    options: {},
  } as unknown as WorkflowStartUpdateInput;
  const output = {} as WorkflowStartUpdateOutput;

  it('puts the HTTP request id into the Temporal headers of an update', async () => {
    let seen: WorkflowStartUpdateInput | undefined;
    await requestContext.run({ requestId: 'req-42' }, () =>
      requestIdInterceptor.startUpdate!(input, async (i) => {
        seen = i;
        return output;
      }),
    );
    expect(defaultPayloadConverter.fromPayload(seen!.headers[REQUEST_ID_HEADER]!)).toBe('req-42');
  });

  it('leaves the headers alone outside a request', async () => {
    let seen: WorkflowStartUpdateInput | undefined;
    await requestIdInterceptor.startUpdate!(input, async (i) => {
      seen = i;
      return output;
    });
    expect(seen!.headers).toEqual({});
  });
});
