import { describe, expect, it } from '@jest/globals';
import { caseInput } from '../../../../test/support/factories';
import type { TemporalClientService } from '../temporal/temporal-client.provider';
import { DomainError } from '../common/errors';
import { startCaseWorkflow } from './start-case';

describe('startCaseWorkflow: no case the engine refuses at its start', () => {
  const temporalRecording = (started: unknown[]) =>
    ({
      client: async () => ({ workflow: { start: async (_type: string, options: unknown) => void started.push(options) } }),
    }) as unknown as TemporalClientService;

  it('refuses (422, a definite refusal) an input startInputProblems finds at fault, and sends nothing (new-user trial: needed by 2099)', async () => {
    const started: unknown[] = [];
    const input = caseInput({ facts: { departureDate: '2099-06-01', returnDate: '2099-06-01' } });
    const refused = await startCaseWorkflow(temporalRecording(started), 'q', 'delegation-x', input, true).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(DomainError);
    expect((refused as DomainError).code).toBe('INVALID_REQUEST');
    expect((refused as DomainError).extras).toMatchObject({
      errors: [expect.objectContaining({ field: 'facts.departureDate', rule: 'engine-input' })],
    });
    expect(started).toEqual([]);
  });

  it('starts an input the engine runs', async () => {
    const started: unknown[] = [];
    await expect(startCaseWorkflow(temporalRecording(started), 'q', 'delegation-y', caseInput(), true)).resolves.toMatchObject({
      started: true,
    });
    expect(started).toHaveLength(1);
  });
});
