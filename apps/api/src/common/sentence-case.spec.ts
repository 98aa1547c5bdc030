import type { ArgumentsHost } from '@nestjs/common';
import { accessRefusal, CASE_ACTIONS, CASE_STATUSES, ROLES, separationRefusal, type Label, type Principal } from '@df/domain';
import { heldByIncident, unknownOutcome } from '../delegations/temporal-errors';
import { sentenceCase } from '@df/domain';
import { DomainError, type ErrorBody } from './errors';
import { ApiExceptionFilter, BODY_PARSER_REFUSALS } from './exception.filter';
import { INCIDENT_NOTICE } from './incident-notice';
import { JsonLogger } from './json-logger';
import { expectedMessage, TYPE_WORDS } from './validation';
import { notAnEnterprise } from '../apec/enterprise-refusal';

/** What a client reads first in English starts with a capital (new-user trial: refusals reading `is required`, `must be …`). */
const startsWell = (en: string) => !/^[a-z]/.test(en) || /^[a-z]+[A-Z0-9.[]/.test(en); // a lower-case start only for a name (onBehalfOf, data.x)

function answer(err: unknown): ErrorBody {
  let body: ErrorBody | undefined;
  const res = {
    headersSent: false,
    setHeader: () => undefined,
    status() {
      return this;
    },
    json(b: ErrorBody) {
      body = b;
      return this;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => res, getRequest: () => ({ path: '/api/x', method: 'POST' }) }) };
  new ApiExceptionFilter(new JsonLogger([])).catch(err, host as unknown as ArgumentsHost);
  return body!;
}

describe('English refusals in sentence case', () => {
  it('sentenceCase capitalises a lower-case first word and leaves a leading name as written', () => {
    expect(sentenceCase('is required')).toBe('Is required');
    expect(sentenceCase('must be one of: a, b')).toBe('Must be one of: a, b');
    expect(sentenceCase('a rejection must give its reason')).toBe('A rejection must give its reason');
    expect(sentenceCase('re-admit')).toBe('Re-admit');
    for (const kept of [
      'onBehalfOf: no such person',
      'data.route: must be',
      'members[0] is',
      'Already fine',
      '“x” is',
      '42 days',
      'leader.city is not Organizer',
      '',
    ])
      expect(sentenceCase(kept)).toBe(kept);
  });

  it('leaves a leading identifier the Chinese also writes as written: a unit code, a person id, a username, a step key (trial: zzunit read Zzunit)', () => {
    expect(sentenceCase('zzunit is not a registered enterprise', 'zzunit不是已登记的企业')).toBe('zzunit is not a registered enterprise');
    expect(sentenceCase('nope is not a registered enterprise', 'nope不是已登记的企业')).toBe('nope is not a registered enterprise');
    expect(sentenceCase('zz-unit is listed twice', 'zz-unit 重复')).toBe('zz-unit is listed twice');
    expect(sentenceCase('zhangsan is listed twice', 'zhangsan 重复列出')).toBe('zhangsan is listed twice');
    expect(sentenceCase('e12345678 is listed twice', 'e12345678 重复')).toBe('e12345678 is listed twice');
    expect(sentenceCase("zhangsan's passport e1234567 is checked out", 'zhangsan 的护照 e1234567 已借出')).toBe(
      "zhangsan's passport e1234567 is checked out",
    );
    expect(sentenceCase('trading: passport more than 30 days overdue', 'trading 护照逾期30天未交回')).toBe(
      'trading: passport more than 30 days overdue',
    );
    // The Chinese writes the identifier, not the English word: a lower-case English start is still cased.
    expect(sentenceCase('is required', '必填')).toBe('Is required');
    expect(sentenceCase('is required', 'zzunit 必填')).toBe('Is required');
    for (const unit of ['zzunit', 'nope', 'zz-unit', 'a']) {
      const body = answer(notAnEnterprise('NOT_FOUND', unit, null));
      expect(body.message).toEqual({ zh: `${unit}不是已登记的企业`, en: `${unit} is not a registered enterprise` });
      const applicant = answer(notAnEnterprise('RULE_VIOLATION', unit, null));
      expect(applicant.message.en).toBe(`${unit} is not a registered enterprise (the APEC desk registers it first)`);
    }
  });

  it('the one exception filter answers every English message in sentence case, whoever built it (the engine’s field refusals too)', () => {
    const body = answer(
      new DomainError(
        'INVALID_REQUEST',
        { zh: '缺少步骤', en: 'is required' },
        {
          errors: [{ field: 'data.route', rule: 'enum', message: { zh: '入境方式须为', en: 'must be one of visa, visa-free' } }],
          violations: [
            { code: 'INVALID_DATES', field: 'returnDate', message: { zh: '返回日期', en: 'the return is before the departure' } },
          ],
        },
      ),
    );
    expect(body.message.en).toBe('Is required');
    expect(body.errors![0]!.message.en).toBe('Must be one of visa, visa-free');
    expect(body.violations![0]!.message.en).toBe('The return is before the departure');
    expect(body.message.zh).toBe('缺少步骤');
  });

  it('the message catalogues start with a capital: the access table, separation of duties, body parsing, types, incidents, outcomes', () => {
    const labels: Label[] = [
      INCIDENT_NOTICE,
      heldByIncident(true).label,
      heldByIncident(false).label,
      unknownOutcome(new Error('x'), true).label,
    ];
    for (const keyed of [true, false]) labels.push(...(heldByIncident(keyed).extras.errors ?? []).map((e) => e.message));
    for (const r of Object.values(BODY_PARSER_REFUSALS)) labels.push(r.error.message);
    for (const t of Object.keys(TYPE_WORDS)) labels.push(expectedMessage(t as never));
    const principals: Array<Principal | undefined> = [
      undefined,
      { kind: 'member', memberId: 'm1' },
      { kind: 'member', memberId: 'm9' },
      { kind: 'user', id: 'u', role: 'organizer', unit: 'commerce' },
      { kind: 'user', id: 'u', role: 'leader', unit: 'education' },
    ];
    for (const action of CASE_ACTIONS)
      for (const role of ROLES)
        for (const status of CASE_STATUSES)
          for (const onBehalfOf of principals)
            for (const step of [undefined, { actor: 'member' as const, phase: 'A' }, { actor: 'leader' as const, phase: 'B' }]) {
              const refusal = accessRefusal({
                action,
                actor: { role, unit: 'commerce' },
                case: { unit: 'commerce', supervisingDepartment: null, status },
                ...(step ? { step } : {}),
                ...(onBehalfOf ? { onBehalfOf } : {}),
                members: ['m1'],
              });
              if (refusal) labels.push(refusal.message);
            }
    labels.push(separationRefusal({ action: 'decide', actor: { id: 'u' }, organizers: ['u'] })!.message);
    expect(labels.length).toBeGreaterThan(20);
    expect(labels.filter((l) => !startsWell(l.en)).map((l) => l.en)).toEqual([]);
  });
});
