import request from 'supertest';
import { DEFAULT_DEFINITION, type ProcessDefinition, type StepDefinition } from '@df/domain';
import { startTestWorker, type TestWorker } from '../support/harness';
import { bearer, createTestUsers, startTestApi, type TestApi, type TestUsers } from '../support/api-harness';
import { createTestDatabase, type TestDatabase } from '../support/database';

/**
 * New-user trial (all answered 201, then ran): a published version weakened or broke a statutory step. Each is now
 * 422 INVALID_REQUEST naming the step's field and rule `statutory-step` (STATUTORY_STEPS), nothing published.
 */

type FieldError = { field: string; rule: string; message: { zh: string; en: string } };

describe('process versions: the statutory steps (own database: process versions are office-wide)', () => {
  let db: TestDatabase;
  let worker: TestWorker;
  let api: TestApi;
  let users: TestUsers;
  beforeAll(async () => {
    db = await createTestDatabase('process_version_statutory');
    worker = await startTestWorker({ databaseUrl: db.url });
    api = await startTestApi({ databaseUrl: db.url, taskQueue: worker.config.taskQueue });
    users = await createTestUsers(api);
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
    await db?.drop();
  });

  const publish = (definition: ProcessDefinition, settings?: object) =>
    request(api.http)
      .post('/api/registries/process-versions')
      .set(bearer(users.tokens['fao-director']))
      .send({ definition, ...(settings ? { settings } : {}) });
  const changed = (version: string, code: string, change: (s: StepDefinition) => StepDefinition | undefined): ProcessDefinition => ({
    ...structuredClone(DEFAULT_DEFINITION),
    version,
    steps: structuredClone(DEFAULT_DEFINITION.steps).flatMap((s) => (s.code === code ? (change(s) ?? []) : [s])),
  });
  const at = (code: string) => DEFAULT_DEFINITION.steps.findIndex((s) => s.code === code);

  it.each([
    ['A13 durationWd 0', changed('t-a13-0', 'A13', (s) => ({ ...s, durationWd: 0 })), [`steps[${at('A13')}].durationWd`]],
    [
      'A13 a task for the organizer',
      changed('t-a13-task', 'A13', (s) => ({ ...s, kind: 'task', actor: 'organizer' })),
      [`steps[${at('A13')}].kind`, `steps[${at('A13')}].actor`],
    ],
    [
      'A13 notice.objections false',
      changed('t-a13-obj', 'A13', (s) => ({ ...s, behaviour: { notice: { objections: false } } }) as unknown as StepDefinition),
      [`steps[${at('A13')}].behaviour.notice.objections`],
    ],
    ['P02 removed', changed('t-p02-gone', 'P02', () => undefined), ['steps']],
    [
      'P02 due 3650 days after return',
      changed('t-p02-late', 'P02', (s) => ({
        ...s,
        behaviour: { ...s.behaviour, afterDeparture: { due: { calendarDays: 3650 }, escalateAfterDays: 30 } },
      })),
      [`steps[${at('P02')}].behaviour.afterDeparture.due`],
    ],
    // The escalation of a passport not returned is escalateAfterDays after the due: 0 escalated never.
    [
      'P02 escalateAfterDays 0',
      changed('t-p02-never', 'P02', (s) => ({
        ...s,
        behaviour: { ...s.behaviour, afterDeparture: { due: { calendarDays: 7 }, escalateAfterDays: 0 } },
      })),
      [`steps[${at('P02')}].behaviour.afterDeparture.escalateAfterDays`],
    ],
    ['E07 without certifies', changed('t-e07', 'E07', (s) => ({ ...s, behaviour: {} })), [`steps[${at('E07')}].behaviour.certifies.event`]],
    // Third trial: B08 rewired to need B07 alone was published (the approval document no longer waited for B03).
    ['B08 needing only B07', changed('t-b08-b07', 'B08', (s) => ({ ...s, needs: ['B07'] })), [`steps[${at('B08')}].needs`]],
    // Fresh tester: B03 (容缺补交) without its condition and collectsDeficiencies was published; the organizer completed it
    // with nothing supplied and B08 stayed blocked for ever.
    [
      'B03 without its condition and collectsDeficiencies',
      changed('t-b03', 'B03', ({ condition: _, behaviour: __, ...s }) => s),
      [`steps[${at('B03')}].behaviour.collectsDeficiencies`],
    ],
    [
      'B03 run on another condition',
      changed('t-b03-cond', 'B03', (s) => ({ ...s, condition: 'objectionRaised' })),
      [`steps[${at('B03')}].condition`],
    ],
    // Thirty-fourth trial: a 20-day timer put before P02 held the passport check-in past its due (counted from the
    // return), the unit flagged while the officer could not check it in. Trial 33: P02 after P05 (the reimbursement).
    [
      "an office's task before P02",
      (() => {
        const def = changed('t-p02-held', 'P02', (s) => ({ ...s, needs: ['P06'] }));
        const p05 = def.steps.find((s) => s.code === 'P05')!;
        def.steps.push({ ...p05, code: 'P06', name: { zh: '财务核销', en: 'Finance sign-off' } });
        return def;
      })(),
      [`steps[${at('P02')}].needs`],
    ],
    ['P02 after P05', changed('t-p02-p05', 'P02', (s) => ({ ...s, needs: ['P05'] })), [`steps[${at('P02')}].needs`]],
    // Trial 35: the return registration, which P02-P04 wait on, due 100 working days after the return was published.
    [
      'P01 due 100 working days after return',
      changed('t-p01-late', 'P01', (s) => ({ ...s, behaviour: { ...s.behaviour, afterDeparture: { due: { workingDays: 100 } } } })),
      [`steps[${at('P01')}].behaviour.afterDeparture.due`],
    ],
  ])('handed input: %s is 422, rule statutory-step at the field, nothing published', async (_what, definition, fields) => {
    const res = await publish(definition).expect(422);
    expect(res.body.code).toBe('INVALID_REQUEST');
    const errors = res.body.errors as FieldError[];
    expect(errors.map((e) => [e.field, e.rule])).toEqual(fields.map((f) => [`definition.${f}`, 'statutory-step']));
    for (const e of errors) {
      expect(e.message.zh).toMatch(/法定/);
      expect(e.message.en).toMatch(/statutory/);
    }
    await request(api.http)
      .get(`/api/registries/process-versions/${definition.version}`)
      .set(bearer(users.tokens['fao-director']))
      .expect(404);
  });

  it.each([
    // Thirtieth trial: E07 published as an approval; a second clerk refused it and the fully approved case closed rejected.
    [
      'E07 (the departure confirmation) an approval',
      changed('t-e07-approval', 'E07', (s) => ({ ...s, kind: 'approval' })),
      [
        [`steps[${at('E07')}].actor`, 'step-actor'],
        [`steps[${at('E07')}].kind`, 'step-kind'],
        [`steps[${at('E07')}].kind`, 'statutory-step'],
      ],
    ],
    // Thirtieth trial: A10, the finance countersign of the budget, published for the organizer.
    [
      'A10 (the finance countersign) for the organizer',
      changed('t-a10-organizer', 'A10', (s) => ({ ...s, actor: 'organizer' })),
      [
        [`steps[${at('A10')}].actor`, 'step-actor'],
        [`steps[${at('A10')}].actor`, 'statutory-step'],
      ],
    ],
    ['A10 a task', changed('t-a10-task', 'A10', (s) => ({ ...s, kind: 'task' })), [[`steps[${at('A10')}].kind`, 'statutory-step']]],
    [
      'A10 for the FAO clerk',
      changed('t-a10-clerk', 'A10', (s) => ({ ...s, actor: 'fao-clerk' })),
      [[`steps[${at('A10')}].actor`, 'statutory-step']],
    ],
    // Trial 33: P05 (reimbursement) as finance's approval: its refusal closed the trip made as rejected (201 before).
    [
      'P05 (reimbursement) an approval for finance',
      changed('t-p05-approval', 'P05', (s) => ({ ...s, kind: 'approval', actor: 'finance' })),
      [[`steps[${at('P05')}].kind`, 'step-kind']],
    ],
    [
      'P04 (the disclosure) a timer',
      changed('t-p04-timer', 'P04', (s) => ({ ...s, kind: 'timer', actor: 'system' })),
      [
        [`steps[${at('P04')}].kind`, 'statutory-step'],
        [`steps[${at('P04')}].actor`, 'statutory-step'],
      ],
    ],
    [
      'P03 (the trip report) needing nothing',
      changed('t-p03-early', 'P03', (s) => ({ ...s, needs: [] })),
      [[`steps[${at('P03')}].needs`, 'statutory-step']],
    ],
    [
      'P04 without its due after the return',
      changed('t-p04-undated', 'P04', (s) => ({ ...s, behaviour: {} })),
      [[`steps[${at('P04')}].behaviour.afterDeparture.due`, 'statutory-step']],
    ],
    // The same kind elsewhere: the FAO's own review for the travellers, a custody move made a decision, P01 an approval.
    [
      'B05 for the members',
      changed('t-b05-member', 'B05', (s) => ({ ...s, actor: 'member' })),
      [[`steps[${at('B05')}].actor`, 'step-actor']],
    ],
    [
      'C07 (the check-out) an approval',
      changed('t-c07-approval', 'C07', (s) => ({ ...s, kind: 'approval' })),
      [[`steps[${at('C07')}].kind`, 'step-kind']],
    ],
    [
      'P01 (the return registration) an approval',
      changed('t-p01-approval', 'P01', (s) => ({ ...s, kind: 'approval' })),
      [
        [`steps[${at('P01')}].actor`, 'step-actor'],
        [`steps[${at('P01')}].kind`, 'step-kind'],
        [`steps[${at('P01')}].kind`, 'statutory-step'],
      ],
    ],
  ])('handed input: %s is 422 naming the field, nothing published (who decides)', async (_what, definition, fields) => {
    const res = await publish(definition).expect(422);
    expect(res.body.code).toBe('INVALID_REQUEST');
    expect((res.body.errors as FieldError[]).map((e) => [e.field, e.rule])).toEqual(fields.map(([f, rule]) => [`definition.${f}`, rule]));
    await request(api.http)
      .get(`/api/registries/process-versions/${definition.version}`)
      .set(bearer(users.tokens['fao-director']))
      .expect(404);
  });

  // An office's own task after A02, carrying the behaviour.
  const withAdded = (version: string, behaviour: unknown): ProcessDefinition => {
    const def = { ...structuredClone(DEFAULT_DEFINITION), version };
    const task = {
      code: 'X01',
      phase: 'prepare',
      name: { zh: '外办补充材料', en: 'Additional FAO paperwork' },
      actor: 'fao-clerk',
      scope: 'delegation',
      needs: ['A02'],
      durationWd: 0.5,
      kind: 'task',
      behaviour,
    } as StepDefinition;
    def.steps = [...def.steps, task];
    return def;
  };
  const X = DEFAULT_DEFINITION.steps.length;
  it.each([
    // The probe after the thirtieth trial: each was published; A02 closing the case would complete a trip at its drafting.
    [
      'A02 closes the case',
      changed('t-a02-closes', 'A02', (s) => ({ ...s, behaviour: { closes: true } })),
      `steps[${at('A02')}].behaviour.closes`,
    ],
    [
      "A13 rerunOnAmend 'bogus' (taken, and the notice never ran again)",
      changed('t-a13-rerun', 'A13', (s) => ({ ...s, behaviour: { ...s.behaviour, rerunOnAmend: 'bogus' } }) as unknown as StepDefinition),
      `steps[${at('A13')}].behaviour.rerunOnAmend`,
    ],
    [
      "an added clerk's task certifying the departure",
      withAdded('t-x01-departs', { certifies: { event: 'departure' } }),
      `steps[${X}].behaviour.certifies`,
    ],
    [
      "an added clerk's task refusing members",
      withAdded('t-x01-refuses', { outcome: { mayFail: 'member' } }),
      `steps[${X}].behaviour.outcome`,
    ],
    ['a behaviour that is a string', withAdded('t-x01-string', 'nonsense'), `steps[${X}].behaviour`],
    // Trial 31 (201 before): a clerk's task collecting the 容缺 documents, completed by hand; the invitation upload
    // escalating as a passport overdue; a trip report asked for before the trip.
    [
      "an added clerk's task collecting the missing documents",
      withAdded('t-x01-collects', { collectsDeficiencies: true }),
      `steps[${X}].behaviour.collectsDeficiencies`,
    ],
    [
      "A03 (the invitation upload) with overdue 'passport-overdue'",
      changed('t-a03-overdue', 'A03', (s) => ({ ...s, behaviour: { ...s.behaviour, overdue: 'passport-overdue' } })),
      `steps[${at('A03')}].behaviour.overdue`,
    ],
    [
      "an added clerk's task before the trip asking for the trip report",
      withAdded('t-x01-report', { data: 'trip-report' }),
      `steps[${X}].behaviour.data`,
    ],
    // Trial 32 (201 before): a second approval document (任务批件); the intake's missing documents needed by A01, done
    // before it.
    [
      'a second approval-document step',
      ((): ProcessDefinition => {
        const def = withAdded('t-x01-document', { system: 'approval-document' });
        def.steps[X] = { ...def.steps[X]!, kind: 'system', actor: 'system', phase: 'review', needs: ['B08'] };
        return def;
      })(),
      `steps[${X}].behaviour.system`,
    ],
    [
      "B02's missing documents needed by A01",
      changed('t-b02-a01', 'B02', (s) => ({ ...s, behaviour: { intake: { acceptWithDeficiencies: { defaultNeededBy: 'A01' } } } })),
      `steps[${at('B02')}].behaviour.intake.acceptWithDeficiencies.defaultNeededBy`,
    ],
    // Trial 33 (201 before): P05's escalation told the manager a passport was 30 days late and the unit blocked.
    [
      'P05 (reimbursement) with an escalation',
      changed('t-p05-escalates', 'P05', (s) => ({
        ...s,
        behaviour: { ...s.behaviour, overdue: 'step-overdue', afterDeparture: { due: { calendarDays: 0 }, escalateAfterDays: 1 } },
      })),
      `steps[${at('P05')}].behaviour.afterDeparture.escalateAfterDays`,
    ],
    [
      'P05 due a thousandth of a working day after the return',
      changed('t-p05-finer', 'P05', (s) => ({ ...s, behaviour: { ...s.behaviour, afterDeparture: { due: { workingDays: 0.001 } } } })),
      `steps[${at('P05')}].behaviour.afterDeparture`,
    ],
    // A second report step's filing replaced P03's report date and outcomes on the case.
    [
      'P04 (the public disclosure) filing a second trip report',
      changed('t-p04-report', 'P04', (s) => ({ ...s, behaviour: { ...s.behaviour, data: 'trip-report' } })),
      `steps[${at('P04')}].behaviour.data`,
    ],
  ])('handed input: %s is 422 invalid-field at the behaviour, nothing published', async (_what, definition, field) => {
    const res = await publish(definition).expect(422);
    expect(res.body.code).toBe('INVALID_REQUEST');
    const errors = res.body.errors as FieldError[];
    expect(errors.map((e) => [e.field, e.rule])).toEqual([[`definition.${field}`, 'invalid-field']]);
    expect(errors[0]!.message.zh).toMatch(/[\u4e00-\u9fff]/);
    await request(api.http)
      .get(`/api/registries/process-versions/${definition.version}`)
      .set(bearer(users.tokens['fao-director']))
      .expect(404);
  });

  it('an approval the office adds is for a reviewing office, not the applicant side: for the organizer 422, for the FAO reviewer published', async () => {
    const withReview = (version: string, actor: StepDefinition['actor']): ProcessDefinition => {
      const def = { ...structuredClone(DEFAULT_DEFINITION), version };
      const review: StepDefinition = {
        code: 'Z01',
        phase: 'review',
        name: { zh: '外办补充审核', en: 'Additional FAO review' },
        actor,
        scope: 'delegation',
        needs: ['B05'],
        durationWd: 0.5,
        kind: 'approval',
      };
      def.steps = [...def.steps.map((s) => (s.code === 'B06' ? { ...s, needs: [...s.needs, 'Z01'] } : s)), review];
      return def;
    };
    const refused = await publish(withReview('t-z01-organizer', 'organizer')).expect(422);
    expect((refused.body.errors as FieldError[]).map((e) => [e.field, e.rule])).toEqual([
      [`definition.steps[${DEFAULT_DEFINITION.steps.length}].actor`, 'step-actor'],
    ]);
    expect((refused.body.errors as FieldError[])[0]!.message).toEqual({
      zh: expect.stringContaining('审批步骤不能由申请一方或外部机构办理'),
      en: expect.stringContaining("An approval is not decided by the applicant's side or an outside body"),
    });
    await publish(withReview('t-z01-reviewer', 'fao-reviewer')).expect(201);
  });

  it('trial 34: parallel publications are one at a time — one name once (409, never 500), several names one chain', async () => {
    const copy = (version: string): ProcessDefinition => ({ ...structuredClone(DEFAULT_DEFINITION), version });
    // Five of one name: one 201, four 409 unique-version (500 on the primary key before).
    const same = await Promise.all(Array.from({ length: 5 }, () => publish(copy('t34-race-one'))));
    expect(same.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    for (const r of same.filter((x) => x.status === 409)) expect(r.body.errors[0]).toMatchObject({ rule: 'unique-version' });
    // Four names, each checked against the current t34-race-one: one publishes, the others were based on a version no
    // longer current (409 current-version-changed, naming it), not four 201s against the same previous version.
    const several = await Promise.all(['t34-a', 't34-b', 't34-c', 't34-d'].map((v) => publish(copy(v))));
    const won = several.filter((r) => r.status === 201);
    expect(won).toHaveLength(1);
    expect(won[0]!.body.previousVersion).toBe('t34-race-one');
    for (const r of several.filter((x) => x.status !== 201)) {
      expect(r.status).toBe(409);
      expect(r.body.errors[0]).toMatchObject({ field: 'definition.version', rule: 'current-version-changed' });
      expect(r.body.errors[0].message.en).toContain(won[0]!.body.version);
    }
    const list = await request(api.http).get('/api/registries/process-versions').set(bearer(users.tokens['fao-director'])).expect(200);
    expect(list.body.items[0]).toMatchObject({ version: won[0]!.body.version, current: true, previousVersion: 't34-race-one' });
  });

  it('a post-trip step needing a step before departure is named at its need as crossing departure, not as an unknown step', async () => {
    const definition = changed('t-p05-b08', 'P05', (s) => ({ ...s, needs: ['P01', 'B08'] }));
    const res = await publish(definition).expect(422);
    expect((res.body.errors as FieldError[]).map((e) => [e.field, e.rule])).toEqual([
      [`definition.steps[${at('P05')}].needs[1]`, 'cross-departure-dependency'],
    ]);
  });

  it('trial 34, handed input: a 20-day timer before P02 is 422 at P02 needs (statutory-step) and at its duration (invalid-field)', async () => {
    const def = changed('t-p02-timer', 'P02', (s) => ({ ...s, needs: ['P06'] }));
    const p05 = def.steps.find((s) => s.code === 'P05')!;
    def.steps.push({ ...p05, code: 'P06', name: { zh: '冷静期', en: 'Cooling-off' }, kind: 'timer', actor: 'system', durationWd: 20 });
    const res = await publish(def).expect(422);
    expect((res.body.errors as FieldError[]).map((e) => [e.field, e.rule])).toEqual([
      [`definition.steps[${def.steps.length - 1}].durationWd`, 'invalid-field'],
      [`definition.steps[${at('P02')}].needs`, 'statutory-step'],
    ]);
    // A post-trip step's duration in the office's settings is refused as in the version (taken and unused before).
    const settings = await publish(
      { ...structuredClone(DEFAULT_DEFINITION), version: 't-p04-settings' },
      { stepDurations: { P04: 3 } },
    ).expect(422);
    expect((settings.body.errors as FieldError[]).map((e) => [e.field, e.rule])).toEqual([['settings.stepDurations.P04', 'invalid-field']]);
  });

  it('trial 36, handed input: the embassy days (D12) come from the country table — stepDurations.D12 and a D12 durationWd are 422', async () => {
    const settings = await publish(
      { ...structuredClone(DEFAULT_DEFINITION), version: 't36-d12-settings' },
      { stepDurations: { D12: 8 } },
    ).expect(422);
    expect((settings.body.errors as FieldError[]).map((e) => [e.field, e.rule, e.message.en])).toEqual([
      [
        'settings.stepDurations.D12',
        'invalid-field',
        "This step's days come per country from the country table (countries.<code>.processingWd): a duration here is never used",
      ],
    ]);
    const def = await publish(changed('t36-d12-def', 'D12', (s) => ({ ...s, durationWd: 8 }))).expect(422);
    expect((def.body.errors as FieldError[]).map((e) => [e.field, e.rule])).toEqual([
      [`definition.steps[${at('D12')}].durationWd`, 'invalid-field'],
    ]);
    // Where the days are set: the country table, taken.
    await publish({ ...structuredClone(DEFAULT_DEFINITION), version: 't36-us-days' }, { countries: { US: { processingWd: 8 } } }).expect(
      201,
    );
  });

  it('trial 34, handed input: a need listed twice (P02 needs P01, P01) is 422 duplicate-dependency at the second', async () => {
    const res = await publish(changed('t-p02-twice', 'P02', (s) => ({ ...s, needs: ['P01', 'P01'] }))).expect(422);
    expect((res.body.errors as FieldError[]).map((e) => [e.field, e.rule, e.message.en])).toEqual([
      [`definition.steps[${at('P02')}].needs[1]`, 'duplicate-dependency', 'Step P02 needs P01 twice'],
    ]);
  });

  it("the office's settings may not shorten the notice either (stepDurations.A13 below 5 WD: 422 statutory-step)", async () => {
    const res = await publish({ ...structuredClone(DEFAULT_DEFINITION), version: 't-a13-settings' }, { stepDurations: { A13: 0 } }).expect(
      422,
    );
    expect((res.body.errors as FieldError[]).map((e) => [e.field, e.rule])).toEqual([['settings.stepDurations.A13', 'statutory-step']]);
  });

  it('a version lengthening the notice and tightening the passport deadline is published', async () => {
    const stricter = changed('t-stricter', 'A13', (s) => ({ ...s, durationWd: 7 }));
    stricter.steps = stricter.steps.map((s) =>
      s.code === 'P02' ? { ...s, behaviour: { ...s.behaviour, afterDeparture: { due: { calendarDays: 5 }, escalateAfterDays: 20 } } } : s,
    );
    await publish(stricter).expect(201);
  });
});
