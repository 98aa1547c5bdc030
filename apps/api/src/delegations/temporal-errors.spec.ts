import { QueryNotRegisteredError, ServiceError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { DomainError } from '../common/errors';
import { amendmentRefusal, queryFailure, toDomainError, underChanges, withoutFieldPrefix } from './temporal-errors';

describe("an amendment's refusal names its fields as sent, under changes", () => {
  it('the trip facts an amendment changes are prefixed; others and (case) are not', () => {
    expect(underChanges('returnDate')).toBe('changes.returnDate');
    expect(underChanges('departureDate')).toBe('changes.departureDate');
    expect(underChanges('destinations[0]')).toBe('changes.destinations[0]');
    expect(underChanges('members[1].passport.number')).toBe('changes.members[1].passport.number');
    expect(underChanges('changes.members')).toBe('changes.members');
    expect(underChanges('(case)')).toBe('(case)');
    expect(underChanges('unit')).toBe('unit');
  });

  it('errors and violations alike', () => {
    const message = { zh: '在外16天', en: '16 days abroad' };
    const err = new DomainError(
      'RULE_VIOLATION',
      { zh: '变更后不符合出访规定', en: 'The amended trip breaks the rules' },
      {
        violations: [
          { code: 'DAYS_EXCEEDED', field: 'returnDate', message },
          { code: 'SIZE_EXCEEDED', message },
        ],
        errors: [{ field: 'returnDate', rule: 'DAYS_EXCEEDED', message }],
      },
    );
    const mapped = amendmentRefusal(err);
    expect(mapped.code).toBe('RULE_VIOLATION');
    expect(mapped.extras.errors!.map((e) => e.field)).toEqual(['changes.returnDate']);
    expect(mapped.extras.violations!.map((v) => v.field)).toEqual(['changes.returnDate', undefined]);
  });
});

describe("an engine refusal's top-level message says the same in zh and en", () => {
  it('the en `<field>: ` prefix of a one-field refusal is dropped (the field is in errors[].field)', () => {
    const message = { zh: '回国日期须为 YYYY-MM-DD 格式的日期', en: 'must be YYYY-MM-DD' };
    const failure = ApplicationFailure.create({
      type: 'INVALID_REQUEST',
      message: 'refused',
      details: [
        {
          message: { zh: message.zh, en: `data.returnedOn: ${message.en}` },
          stepKey: 'P01',
          errors: [{ field: 'data.returnedOn', rule: 'date', message }],
        },
      ],
    });
    const mapped = toDomainError(failure);
    expect(mapped.label).toEqual(message);
    expect(mapped.extras.errors).toEqual([{ field: 'data.returnedOn', rule: 'date', message }]);
  });

  it('a message that does not start with a named field stays as it is', () => {
    expect(withoutFieldPrefix('The trip breaks the rules', [{ field: 'returnDate' }])).toBe('The trip breaks the rules');
    expect(withoutFieldPrefix('returnDate: too late', undefined)).toBe('returnDate: too late');
  });
});

describe('a refusal because the case is stopped by an incident (409 CASE_INCIDENT)', () => {
  it("says what happened and what to do, not the workflow's raw failure type", () => {
    const failure = ApplicationFailure.create({
      type: 'CASE_INCIDENT',
      message: 'refused',
      details: [
        {
          code: 'CASE_INCIDENT',
          message: {
            zh: '案件因故障暂停（EVENT_STORE_REJECTED，2026-03-03T02:00:00.000Z），待运维人员排除后重试：暂不能办理',
            en: 'The case is stopped by an incident (EVENT_STORE_REJECTED, 2026-03-03T02:00:00.000Z) until an operator fixes the cause and retries it',
          },
        },
      ],
    });
    const mapped = toDomainError(failure);
    expect(mapped.code).toBe('CASE_INCIDENT');
    expect(mapped.status).toBe(409);
    expect(mapped.label).toEqual({
      zh: '本案暂停：系统记录失败，已通知运维，恢复后可继续办理',
      en: 'Paused: the system could not record the case; operations have been told, and it can go on once they have fixed it',
    });
    expect(JSON.stringify(mapped.label)).not.toContain('EVENT_STORE_REJECTED');
  });
});

describe('a query the worker failed', () => {
  it('is 503 TEMPORAL_UNAVAILABLE, to be asked again (a stale activation refused, workflows/stale-activation.ts), never 500', () => {
    // What the client throws for it: gRPC INVALID_ARGUMENT, the failure's text encrypted by the payload codec.
    const mapped = toDomainError(new QueryNotRegisteredError('Encoded failure', 3));
    expect(mapped.code).toBe('TEMPORAL_UNAVAILABLE');
    expect(mapped.status).toBe(503);
    expect(mapped.label.en).toBe('The workflow engine could not read the case just now: try again');
  });
});

describe('a progress query that fails is 503 "try again", never 500 (second trial: a workflow task failing in a loop)', () => {
  it("Temporal's service refusing the query ('Failed to query Workflow') is TEMPORAL_UNAVAILABLE; anything else as before", () => {
    const failed = queryFailure(
      new ServiceError('Failed to query Workflow', { cause: Object.assign(new Error('workflow task failed'), { code: 13 }) }),
    );
    expect(failed).toBeInstanceOf(DomainError);
    expect((failed as DomainError).code).toBe('TEMPORAL_UNAVAILABLE');
    const bug = new TypeError('not a Temporal error');
    expect(queryFailure(bug)).toBe(bug);
  });
});
