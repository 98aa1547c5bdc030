import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ACCESS,
  accessRefusal,
  competentDepartmentRefusal,
  inboxReach,
  accessMatrix,
  CASE_ACTIONS,
  CASE_STATUSES,
  inboxSelectors,
  isDecision,
  mayActOnStep,
  mayAttempt,
  mayReadProcess,
  mayReadRoster,
  mayReadUnitRecords,
  mayWriteRoster,
  PROCESS_ROLES,
  REGISTRY_WRITERS,
  registryUnitKind,
  processRoleRefusal,
  reaches,
  ROSTER_READERS,
  responsibleRole,
  crossRoleRefusal,
  separationRefusal,
  organizersOf,
  statusesFrom,
  statusRefusesForGood,
  type CaseAction,
  type CaseStatus,
  type RegistryUnit,
} from './access';
import { ROLE_LABELS, USER_ROLES, type Role } from './roles';

const PEOPLE: Role[] = [
  'organizer',
  'unit-leader',
  'personnel',
  'secrecy',
  'finance',
  'dept-approver',
  'fao-clerk',
  'fao-reviewer',
  'fao-director',
  'leader',
  'passport-officer',
  'visa-officer',
  'manager',
];
const UNIT = 'commerce';
const CASE = { unit: UNIT, supervisingDepartment: 'dept-trade' };

// The expected answers, written out by hand from docs/api.md and the brief (not derived from ACCESS).
const EXPECTED: Record<Exclude<CaseAction, 'complete' | 'decide'>, { roles: Role[]; statuses: CaseStatus[]; onBehalf: boolean }> = {
  read: { roles: PEOPLE, statuses: [...CASE_STATUSES], onBehalf: false },
  submit: { roles: ['organizer'], statuses: [], onBehalf: false },
  amend: { roles: ['organizer'], statuses: ['open'], onBehalf: true },
  withdraw: { roles: ['organizer'], statuses: ['open'], onBehalf: true },
  cancel: { roles: ['fao-clerk', 'fao-reviewer', 'fao-director'], statuses: ['open'], onBehalf: false },
  objection: { roles: PEOPLE.filter((r) => r !== 'manager'), statuses: ['open'], onBehalf: false },
  supplyDocument: { roles: ['organizer'], statuses: ['open', 'departed'], onBehalf: true },
  extendDeficiency: { roles: ['fao-clerk'], statuses: ['open'], onBehalf: false },
  uploadAttachment: {
    roles: ['organizer', 'fao-clerk', 'fao-reviewer', 'fao-director', 'passport-officer', 'visa-officer'],
    statuses: ['open', 'departed'],
    onBehalf: false,
  },
  removeAttachment: {
    roles: ['organizer', 'fao-clerk', 'fao-reviewer', 'fao-director', 'passport-officer', 'visa-officer'],
    statuses: ['open', 'departed'],
    onBehalf: false,
  },
  readAttachments: { roles: PEOPLE, statuses: [...CASE_STATUSES], onBehalf: false },
};
const ORGANIZER = { kind: 'user', id: 'organizer.commerce', role: 'organizer', unit: UNIT } as const;
const FAO_OFFICERS: Role[] = ['fao-clerk', 'fao-reviewer', 'fao-director', 'passport-officer', 'visa-officer'];
const unitOf = (role: Role): string =>
  ['organizer', 'unit-leader', 'personnel', 'secrecy', 'finance', 'dept-approver'].includes(role) ? UNIT : 'fao';

describe('access table: role x case action x case status', () => {
  for (const [action, want] of Object.entries(EXPECTED) as Array<[keyof typeof EXPECTED, (typeof EXPECTED)[keyof typeof EXPECTED]]>) {
    for (const role of PEOPLE) {
      for (const status of action === 'submit' ? [undefined] : CASE_STATUSES) {
        const allowedStatus = status === undefined || want.statuses.includes(status);
        it(`${action} by ${role} on a ${status ?? 'new'} case: ${allowedStatus && want.roles.includes(role) ? 'allowed' : 'refused'}`, () => {
          const refusal = accessRefusal({ action, actor: { role, unit: unitOf(role) }, case: { ...CASE, ...(status ? { status } : {}) } });
          if (!allowedStatus) {
            expect(refusal?.code).toBe(['open', 'departed'].includes(status!) ? 'ACTION_NOT_ALLOWED' : 'CASE_CLOSED');
          } else if (want.roles.includes(role)) {
            expect(refusal).toBeUndefined();
          } else {
            // The manager may do nothing but read: FORBIDDEN_ROLE, as the route guard says on every route.
            expect(refusal?.code).toBe(role === 'manager' ? 'FORBIDDEN_ROLE' : 'WRONG_ROLE');
            // 帮代办 opens the organizer's actions to FAO officers only.
            const onBehalf = accessRefusal({
              action,
              actor: { role, unit: unitOf(role) },
              case: { ...CASE, ...(status ? { status } : {}) },
              onBehalfOf: ORGANIZER,
            });
            expect(onBehalf === undefined).toBe(want.onBehalf && FAO_OFFICERS.includes(role));
          }
        });
      }
    }
  }

  it('the visa and passport officers may not cancel a case (only the FAO clerk, reviewer and director may)', () => {
    for (const role of ['visa-officer', 'passport-officer'] as Role[]) {
      expect(accessRefusal({ action: 'cancel', actor: { role, unit: 'fao' }, case: { ...CASE, status: 'open' } })?.code).toBe('WRONG_ROLE');
    }
  });

  it('withdraw and cancel are refused once the delegation has departed (the post-trip obligations stay live)', () => {
    expect(
      accessRefusal({ action: 'withdraw', actor: { role: 'organizer', unit: UNIT }, case: { ...CASE, status: 'departed' } }),
    ).toMatchObject({ code: 'ACTION_NOT_ALLOWED' });
    expect(
      accessRefusal({ action: 'cancel', actor: { role: 'fao-director', unit: 'fao' }, case: { ...CASE, status: 'departed' } }),
    ).toMatchObject({ code: 'ACTION_NOT_ALLOWED' });
  });

  it('a status refuses an action for good when no status the case may yet come to allows it (statusRefusesForGood)', () => {
    // A case only moves on: what the read model holds, a moment behind the workflow, rules out what came before.
    expect(statusesFrom('open')).toEqual(CASE_STATUSES);
    expect(statusesFrom('departed')).toEqual(['departed', 'completed', 'rejected', 'withdrawn', 'cancelled', 'failed', 'terminated']);
    expect(statusesFrom('withdrawn')).toEqual(['withdrawn']);
    const refused = (status: CaseStatus) => CASE_ACTIONS.filter((a) => a !== 'submit' && statusRefusesForGood(a, status));
    expect(refused('open')).toEqual([]);
    // Departed: what only an open case takes (an amendment, a withdrawal, a cancellation, an objection, an extension).
    expect(refused('departed')).toEqual(['amend', 'withdraw', 'cancel', 'objection', 'extendDeficiency']);
    // Closed: every change; reading stays.
    expect(refused('completed')).toEqual(CASE_ACTIONS.filter((a) => a !== 'submit' && a !== 'read' && a !== 'readAttachments'));
    // Never a refusal the access table does not make itself.
    for (const status of CASE_STATUSES)
      for (const action of CASE_ACTIONS.filter((a) => a !== 'submit' && statusRefusesForGood(a, status)))
        expect(accessRefusal({ action, actor: { role: 'organizer', unit: UNIT }, case: { ...CASE, status } })).toBeDefined();
  });

  it("step actions: only the step's recording role, in open and departed cases; FAO officers on the organizer's behalf", () => {
    const steps: Array<{ actor: Role; phase: string; by: Role }> = [
      { actor: 'leader', phase: 'review', by: 'leader' },
      { actor: 'member', phase: 'visa', by: 'organizer' },
      { actor: 'external', phase: 'passport', by: 'passport-officer' },
      { actor: 'external', phase: 'visa', by: 'visa-officer' },
      { actor: 'organizer', phase: 'post-trip', by: 'organizer' },
    ];
    for (const step of steps) {
      expect(responsibleRole(step)).toBe(step.by);
      for (const action of ['complete', 'decide'] as const) {
        for (const role of PEOPLE) {
          for (const status of CASE_STATUSES) {
            const refusal = accessRefusal({ action, actor: { role, unit: unitOf(role) }, case: { ...CASE, status }, step });
            const ok = ['open', 'departed'].includes(status) && role === step.by;
            expect({ step: step.actor, action, role, status, ok: refusal === undefined }).toEqual({
              step: step.actor,
              action,
              role,
              status,
              ok,
            });
            const behalf = accessRefusal({
              action,
              actor: { role, unit: unitOf(role) },
              case: { ...CASE, status },
              step,
              onBehalfOf: ORGANIZER,
            });
            // Only an FAO officer, only for the organizer; one who holds the right names no one.
            const behalfOk = ['open', 'departed'].includes(status) && step.by === 'organizer' && FAO_OFFICERS.includes(role);
            expect({ action, role, status, behalf: behalf === undefined }).toEqual({ action, role, status, behalf: behalfOk });
          }
        }
      }
    }
    expect(
      accessRefusal({
        action: 'complete',
        actor: { role: 'fao-clerk', unit: 'fao' },
        case: { ...CASE, status: 'open' },
        step: { actor: 'system', phase: 'prepare' },
      })?.code,
    ).toBe('WRONG_ROLE');
  });

  describe('帮代办 is a recorded authority (issue 11 item 7)', () => {
    const organizerStep = { actor: 'organizer' as Role, phase: 'prepare' };
    const memberStep = { actor: 'member' as Role, phase: 'passport' };
    const open = { ...CASE, status: 'open' as CaseStatus };

    it("refuses a member principal that is not this delegation's member of the step (the visa officer, onBehalfOf 'anyone')", () => {
      const q = { action: 'complete' as const, actor: { role: 'visa-officer' as Role, unit: 'fao' }, case: open, members: ['m1', 'm2'] };
      expect(accessRefusal({ ...q, step: organizerStep, onBehalfOf: { kind: 'member', memberId: 'anyone' } })?.code).toBe(
        'INVALID_ON_BEHALF',
      );
      expect(accessRefusal({ ...q, step: memberStep, stepMemberId: 'm1', onBehalfOf: { kind: 'member', memberId: 'anyone' } })?.code).toBe(
        'INVALID_ON_BEHALF',
      );
      expect(accessRefusal({ ...q, step: memberStep, stepMemberId: 'm1', onBehalfOf: { kind: 'member', memberId: 'm2' } })?.code).toBe(
        'INVALID_ON_BEHALF',
      );
      expect(accessRefusal({ ...q, step: memberStep, stepMemberId: 'm1', onBehalfOf: { kind: 'member', memberId: 'm1' } })).toBeUndefined();
      // The organizer records the member's step for the member in their own right.
      expect(
        accessRefusal({
          ...q,
          actor: { role: 'organizer', unit: UNIT },
          step: memberStep,
          stepMemberId: 'm1',
          onBehalfOf: { kind: 'member', memberId: 'm1' },
        }),
      ).toBeUndefined();
    });

    it('refuses the organizer deciding "on behalf of" the FAO director', () => {
      const director = { kind: 'user', id: 'fao-director.fao', role: 'fao-director', unit: 'fao' } as const;
      const refusal = accessRefusal({
        action: 'decide',
        actor: { role: 'organizer', unit: UNIT },
        case: open,
        step: { actor: 'fao-director', phase: 'review' },
        onBehalfOf: director,
      });
      expect(refusal).toMatchObject({
        code: 'INVALID_ON_BEHALF',
        message: { zh: expect.stringContaining('onBehalfOf'), en: expect.stringContaining('onBehalfOf') },
      });
    });

    it('tells an FAO officer it acts for the organizer only, not the roles that may (trial: the FAO clerk deciding for Finance)', () => {
      const refusal = accessRefusal({
        action: 'decide',
        actor: { role: 'fao-clerk', unit: 'fao' },
        case: open,
        step: { actor: 'finance', phase: 'review' },
        onBehalfOf: { kind: 'user', id: 'finance.city', role: 'finance', unit: UNIT },
      });
      expect(refusal).toEqual({
        code: 'INVALID_ON_BEHALF',
        message: {
          zh: `onBehalfOf：${ROLE_LABELS['fao-clerk'].zh}只能代${ROLE_LABELS.organizer.zh}办理，此步骤属于${ROLE_LABELS.finance.zh}`,
          en: `${ROLE_LABELS['fao-clerk'].en} acts on behalf of the ${ROLE_LABELS.organizer.en} only: this step is for ${ROLE_LABELS.finance.en} (onBehalfOf)`,
        },
      });
      // A role that acts for no one is told so, and who does.
      const leader = accessRefusal({
        action: 'decide',
        actor: { role: 'leader', unit: UNIT },
        case: open,
        step: { actor: 'finance', phase: 'review' },
        onBehalfOf: { kind: 'user', id: 'finance.city', role: 'finance', unit: UNIT },
      });
      expect(leader?.message.en).toMatch(
        new RegExp(`^${ROLE_LABELS.leader.en} may not decide a step on behalf of others: only .*${ROLE_LABELS['fao-clerk'].en}`),
      );
      expect(leader?.message.en).not.toContain(ROLE_LABELS['apec-desk'].en);
    });

    it("refuses a principal who does not hold the needed role for the case's unit", () => {
      const q = { action: 'withdraw' as const, actor: { role: 'passport-officer' as Role, unit: 'fao' }, case: open };
      expect(accessRefusal({ ...q, onBehalfOf: { kind: 'user', id: 'visa-officer.fao', role: 'visa-officer', unit: 'fao' } })?.code).toBe(
        'INVALID_ON_BEHALF',
      );
      expect(
        accessRefusal({ ...q, onBehalfOf: { kind: 'user', id: 'organizer.education', role: 'organizer', unit: 'education' } })?.code,
      ).toBe('INVALID_ON_BEHALF');
      expect(accessRefusal({ ...q, onBehalfOf: { kind: 'member', memberId: 'ghost' } })?.code).toBe('INVALID_ON_BEHALF');
      expect(accessRefusal({ ...q, onBehalfOf: ORGANIZER })).toBeUndefined();
    });

    it('one answer for a name no user holds, a user without the role and one of another unit: it never names their role (trial)', () => {
      const q = { action: 'withdraw' as const, actor: { role: 'passport-officer' as Role, unit: 'fao' }, case: open };
      const said = (p: { role: Role | null; unit: string }) =>
        JSON.stringify(accessRefusal({ ...q, onBehalfOf: { kind: 'user', id: 'x.y', ...p } }));
      const nobody = said({ role: null, unit: '' });
      expect(said({ role: 'finance', unit: open.unit })).toBe(nobody);
      expect(said({ role: 'organizer', unit: 'education' })).toBe(nobody);
      expect(nobody).not.toMatch(/财务|Finance|其角色|their role/);
      // A username without a dot is not capitalised as the sentence's first word: it is quoted (trial: Zhangsan).
      expect(accessRefusal({ ...q, onBehalfOf: { kind: 'user', id: 'zhangsan', role: null, unit: '' } })?.message.en).toMatch(
        /^"zhangsan" does not hold the role of /,
      );
      expect(JSON.parse(nobody)).toMatchObject({
        code: 'INVALID_ON_BEHALF',
        message: { zh: expect.stringContaining('x.y 不是本团组单位') },
      });
    });

    it('refuses 帮代办 where the table allows none (cancel) and a name given by one who holds the right', () => {
      expect(
        accessRefusal({
          action: 'cancel',
          actor: { role: 'fao-clerk', unit: 'fao' },
          case: open,
          onBehalfOf: { kind: 'user', id: 'fao-director.fao', role: 'fao-director', unit: 'fao' },
        })?.code,
      ).toBe('INVALID_ON_BEHALF');
      expect(accessRefusal({ action: 'amend', actor: { role: 'organizer', unit: UNIT }, case: open, onBehalfOf: ORGANIZER })?.code).toBe(
        'INVALID_ON_BEHALF',
      );
    });
  });

  it("unit roles reach their own unit's cases; the supervising department's approver also the supervised unit's; the rest every unit's", () => {
    expect(reaches({ role: 'organizer', unit: UNIT }, CASE)).toBe(true);
    expect(reaches({ role: 'organizer', unit: 'education' }, CASE)).toBe(false);
    expect(reaches({ role: 'finance', unit: 'dept-trade' }, CASE)).toBe(false);
    expect(reaches({ role: 'dept-approver', unit: 'dept-trade' }, CASE)).toBe(true);
    expect(reaches({ role: 'dept-approver', unit: 'dept-trade' }, { unit: UNIT })).toBe(false);
    for (const role of [...FAO_OFFICERS, 'leader', 'manager'] as Role[]) expect(reaches({ role, unit: 'fao' }, CASE)).toBe(true);
    expect(
      accessRefusal({ action: 'amend', actor: { role: 'organizer', unit: 'education' }, case: { ...CASE, status: 'open' } })?.code,
    ).toBe('WRONG_ROLE');
  });

  it('the admin (issue 14.4) manages users and reaches no case: every case action is refused, the inbox is empty', () => {
    expect(reaches({ role: 'admin', unit: 'fao' }, CASE)).toBe(false);
    expect(reaches({ role: 'admin', unit: UNIT }, CASE)).toBe(false);
    for (const action of CASE_ACTIONS) {
      const refusal = accessRefusal({
        action,
        actor: { role: 'admin', unit: UNIT },
        case: action === 'submit' ? CASE : { ...CASE, status: 'open' },
        ...(action === 'complete' || action === 'decide' ? { step: { actor: 'organizer', phase: 'prepare' } } : {}),
      });
      expect({ action, code: refusal?.code }).toEqual({ action, code: 'WRONG_ROLE' });
    }
    expect(accessMatrix().filter((m) => m.role === 'admin')).toEqual([]);
    expect(inboxSelectors('admin')).toEqual([]);
  });

  it('inboxes: each role gets its own steps and those it records for others', () => {
    expect(inboxSelectors('manager')).toEqual([]);
    expect(inboxSelectors('organizer')).toEqual([{ actorRole: 'organizer' }, { actorRole: 'member' }]);
    expect(inboxSelectors('passport-officer')).toEqual([
      { actorRole: 'passport-officer' },
      { actorRole: 'external', phase: { is: 'passport' } },
    ]);
    expect(inboxSelectors('visa-officer')).toEqual([{ actorRole: 'visa-officer' }, { actorRole: 'external', phase: { not: 'passport' } }]);
    expect(inboxSelectors('leader')).toEqual([{ actorRole: 'leader' }]);
  });
});

describe('the roster (registries: people), issue 17 item 2', () => {
  // Written out by hand: who reads which unit's staff roster (docs/api.md, the readRoster row). trading is an APEC card
  // enterprise, commerce a government unit.
  const UNITS: Record<string, RegistryUnit> = {
    commerce: { code: 'commerce', enterprise: false },
    trading: { code: 'trading', enterprise: true },
  };
  it.each([
    ['personnel', 'commerce', 'commerce', true],
    ['secrecy', 'commerce', 'commerce', true],
    ['organizer', 'commerce', 'commerce', true],
    ['enterprise-clerk', 'trading', 'trading', true],
    // F7: the APEC roles read the enterprises' registries only (registryUnitKind), their own unit's too.
    ['enterprise-clerk', 'commerce', 'commerce', false],
    ['enterprise-clerk', 'commerce', 'trading', false],
    ['organizer', 'commerce', 'trading', false],
    ['finance', 'commerce', 'commerce', false],
    ['unit-leader', 'commerce', 'commerce', false],
    ['dept-approver', 'commerce', 'commerce', false],
    ['fao-clerk', 'fao', 'trading', true],
    ['fao-clerk', 'fao', 'commerce', true],
    ['apec-desk', 'fao', 'trading', true],
    ['apec-desk', 'fao', 'commerce', false],
    ['manager', 'fao', 'trading', true],
    ['leader', 'city', 'commerce', true],
    ['admin', 'commerce', 'commerce', false],
  ] as Array<[Role, string, string, boolean]>)('%s of %s reads the roster of %s: %s', (role, own, unit, expected) => {
    expect(mayReadRoster({ role, unit: own }, UNITS[unit]!)).toBe(expected);
  });

  it('scopes every registry read of the APEC roles to the APEC card enterprises (F7), by one rule', () => {
    for (const role of USER_ROLES) {
      const apec = !!PROCESS_ROLES[role];
      expect([role, registryUnitKind(role)]).toEqual([role, apec ? 'enterprise' : 'any']);
      // The rule the roster, passports, plans, units and changes ask: a government unit is out of an APEC role's reach.
      if (apec) expect(mayReadUnitRecords({ role, unit: 'commerce' }, UNITS.commerce!)).toBe(false);
    }
    expect(mayReadUnitRecords({ role: 'apec-desk', unit: 'fao' }, UNITS.trading!)).toBe(true);
    expect(mayReadUnitRecords({ role: 'enterprise-clerk', unit: 'trading' }, UNITS.trading!)).toBe(true);
    expect(mayReadUnitRecords({ role: 'finance', unit: 'commerce' }, UNITS.commerce!)).toBe(true);
  });

  it("writes: a unit's personnel office its government unit's roster, the enterprise clerk its own enterprise's (F4)", () => {
    expect(REGISTRY_WRITERS.people).toEqual(['personnel', 'enterprise-clerk']);
    expect(mayWriteRoster({ role: 'personnel', unit: 'commerce' }, UNITS.commerce!)).toBe(true);
    expect(mayWriteRoster({ role: 'enterprise-clerk', unit: 'trading' }, UNITS.trading!)).toBe(true);
    expect(mayWriteRoster({ role: 'enterprise-clerk', unit: 'commerce' }, UNITS.commerce!)).toBe(false);
    expect(mayWriteRoster({ role: 'enterprise-clerk', unit: 'commerce' }, UNITS.trading!)).toBe(false);
    for (const role of ['apec-desk', 'fao-clerk', 'organizer', 'secrecy', 'manager'] as Role[])
      for (const unit of Object.values(UNITS)) expect([role, mayWriteRoster({ role, unit: unit.code }, unit)]).toEqual([role, false]);
  });
});

/** The table as docs/api.md shows it (between the access-table markers). */
function renderAccessTable(): string {
  const name = (r: Role) => ROLE_LABELS[r].en.toLowerCase();
  const rolesOf = (kind: 'enterprise') =>
    USER_ROLES.filter((r) => registryUnitKind(r) === kind)
      .map(name)
      .join(', ');
  const lines = ['| action | roles | case statuses | units | on behalf (帮代办) |', '|---|---|---|---|---|'];
  for (const action of CASE_ACTIONS) {
    const rule = ACCESS[action];
    const rows = accessMatrix().filter((m) => m.action === action && !m.onBehalfOnly);
    const roles =
      rule.roles === 'step'
        ? "the step's role (members' steps: organizer; external outcomes: the phase's officer)"
        : rule.roles.map(name).join(', ');
    // A process that keeps the action to some of them (processRoles), once per distinct list.
    const byProcess = new Map<string, string[]>();
    for (const [process, only] of Object.entries(rule.processRoles ?? {}))
      byProcess.set(only!.map(name).join(', '), [...(byProcess.get(only!.map(name).join(', ')) ?? []), process]);
    const processNote = [...byProcess].map(([who, processes]) =>
      processes.join() === 'apec-card,apec-whitelist' ? ` (a card or whitelist case: ${who})` : ` (${processes.join(', ')}: ${who})`,
    );
    const reach = [...new Set(rows.map((r) => r.units))];
    const units = reach.length === 1 ? reach[0] : 'by role';
    const statuses = rule.statuses.length > 0 ? rule.statuses.join(', ') : '(creates the case)';
    const behalf = rule.onBehalf ? `${rule.onBehalf.by.map(name).join(', ')} for the ${rule.onBehalf.of.map(name).join(', ')}` : '—';
    lines.push(`| \`${action}\` | ${roles}${processNote.join('')} | ${statuses} | ${units} | ${behalf} |`);
  }
  // Not a case action: the staff roster (GET /api/registries/people), own unit; roles reaching every unit read all.
  lines.push(
    `| \`readRoster\` (registries) | ${ROSTER_READERS.map(name).join(', ')} | — | own (FAO roles, leader, manager: any; ${rolesOf('enterprise')}: the APEC card enterprises only) | — |`,
  );
  lines.push(
    `| \`writeRoster\` (registries) | ${REGISTRY_WRITERS.people.map(name).join(', ')} | — | own (the enterprise clerk: its enterprise) | — |`,
  );
  return lines.join('\n');
}

describe('docs/api.md', () => {
  it('shows the access table as libs/domain/src/access.ts declares it', () => {
    const doc = readFileSync(join(__dirname, '../../../docs/api.md'), 'utf8');
    const section = /<!-- access-table:start -->\n([\s\S]*?)\n<!-- access-table:end -->/.exec(doc)?.[1];
    // On a change of the table, paste the expected text (below) between the markers.
    expect(section).toBe(renderAccessTable());
  });
});

describe('separation of duties (separationRefusal)', () => {
  // The trial's case: zw.user submitted case X as organizer (commerce), then signed in as leader (education).
  const organizers = ['zw.user'];
  it('refuses the submitter deciding their own case, whatever role they hold now', () => {
    const r = separationRefusal({ action: 'decide', actor: { id: 'zw.user' }, organizers });
    expect(r?.code).toBe('SELF_APPROVAL');
    // Said to the one refused, not by their account (trial 84: the refusal named the account).
    expect(r?.message).toEqual({
      zh: '不得审批本人报送的案件（您是本案的报送人或经办人）',
      en: 'No one may decide on a case they submitted or acted on as its organizer (you did)',
    });
  });
  it('refuses completing an approval-kind step, but not the organizer recording their own (task) steps', () => {
    expect(separationRefusal({ action: 'complete', stepKind: 'approval', actor: { id: 'zw.user' }, organizers })?.code).toBe(
      'SELF_APPROVAL',
    );
    expect(separationRefusal({ action: 'complete', stepKind: 'task', actor: { id: 'zw.user' }, organizers })).toBeUndefined();
    expect(separationRefusal({ action: 'amend', actor: { id: 'zw.user' }, organizers })).toBeUndefined();
  });
  it('refuses an officer deciding on behalf of the submitter; lets anyone else decide', () => {
    expect(separationRefusal({ action: 'decide', actor: { id: 'clerk' }, onBehalfOfUserId: 'zw.user', organizers })?.message.zh).toBe(
      '不得审批本人报送的案件（代办对象 zw.user 是本案的报送人或经办人）',
    );
    expect(separationRefusal({ action: 'decide', actor: { id: 'leader.1' }, organizers })).toBeUndefined();
  });
  it('organizersOf: the organizer signed in; for 帮代办 the officer who did their part and the organizer acted for', () => {
    expect(organizersOf({ actor: { id: 'zw.user', role: 'organizer' } })).toEqual(['zw.user']);
    expect(organizersOf({ actor: { id: 'leader.1', role: 'leader' } })).toEqual([]);
    // The trial: an FAO clerk files the organizer's documents on their behalf; both acted as the case's organizer.
    expect(organizersOf({ actor: { id: 'clerk.1', role: 'fao-clerk' }, onBehalfOf: { id: 'zw.user' } }).sort()).toEqual([
      'clerk.1',
      'zw.user',
    ]);
    // Recording a member's step is the organizer's part: the officer who did it counts, the member (not a user) does not.
    expect(organizersOf({ actor: { id: 'clerk.1', role: 'fao-clerk' }, onBehalfOf: { id: 'M1', member: true } })).toEqual(['clerk.1']);
    expect(organizersOf({ actor: null, onBehalfOf: null })).toEqual([]);
    const organizers = organizersOf({ actor: { id: 'clerk.1', role: 'fao-clerk' }, onBehalfOf: { id: 'zw.user' } });
    expect(separationRefusal({ action: 'decide', actor: { id: 'clerk.1' }, organizers })?.code).toBe('SELF_APPROVAL');
    expect(separationRefusal({ action: 'decide', actor: { id: 'clerk.2' }, organizers })).toBeUndefined();
  });
  it('isDecision: decide always, complete only on approval steps', () => {
    expect(isDecision('decide')).toBe(true);
    expect(isDecision('complete', 'approval')).toBe(true);
    expect(isDecision('complete', 'task')).toBe(false);
  });
});

describe('separation of duties across roles (crossRoleRefusal)', () => {
  // The second trial: hr.one holds personnel and unit-leader; decided A11:m1 as personnel, then A15 as unit leader.
  const decisions = [{ stepKey: 'A11:m1', actorId: 'hr.one', role: 'personnel' }];
  const upstream = new Set(['A10', 'A11:m1', 'A12:m1']);
  const a15 = { action: 'decide' as const, actor: { id: 'hr.one', role: 'unit-leader' }, asOrganizer: false, decisions, upstream };
  it('refuses a decision resting on the actor’s own decision in another role', () => {
    const r = crossRoleRefusal(a15);
    expect(r?.code).toBe('SELF_APPROVAL');
    expect(r?.message).toEqual({
      zh: '不得审批以本人在其他岗位上所作审批为前提的事项（您已以组织人事部门身份审批 A11:m1）',
      en: 'No one may decide a step that rests on their own decision in another role (you decided A11:m1 as Personnel office)',
    });
    expect(crossRoleRefusal({ ...a15, action: 'complete', stepKind: 'approval' })?.code).toBe('SELF_APPROVAL');
  });
  it('lets through: someone else, the same role’s own chain (B04 then B05), a step not resting on it, a task', () => {
    expect(crossRoleRefusal({ ...a15, actor: { id: 'leader.two', role: 'unit-leader' } })).toBeUndefined();
    expect(crossRoleRefusal({ ...a15, actor: { id: 'hr.one', role: 'personnel' } })).toBeUndefined();
    expect(crossRoleRefusal({ ...a15, upstream: new Set(['A10']) })).toBeUndefined();
    expect(crossRoleRefusal({ ...a15, action: 'complete', stepKind: 'task' })).toBeUndefined();
  });
  it('refuses acting as the organizer after deciding, whatever the action', () => {
    for (const action of ['amend', 'complete', 'withdraw', 'uploadAttachment'] as const)
      expect([
        action,
        crossRoleRefusal({ action, actor: { id: 'hr.one', role: 'organizer' }, asOrganizer: true, decisions })?.message.en,
      ]).toEqual([action, 'No one who decided on a case may act on it as its organizer (you decided A11:m1 as Personnel office)']);
    expect(
      crossRoleRefusal({ action: 'amend', actor: { id: 'clerk.1', role: 'organizer' }, asOrganizer: true, decisions }),
    ).toBeUndefined();
  });
});

describe("competentDepartmentRefusal: 主管部门审核 (A16) is the supervising department's", () => {
  const a16 = { actor: 'dept-approver' as const, phase: 'prepare' };
  it("refuses the case's own unit's approver and one of no supervising department; takes the department's, and 帮代办 for it", () => {
    const c = { unit: 'education', supervisingDepartment: 'commerce' };
    expect(competentDepartmentRefusal({ step: a16, actor: { role: 'dept-approver', unit: 'education' }, case: c })?.code).toBe(
      'WRONG_ROLE',
    );
    expect(competentDepartmentRefusal({ step: a16, actor: { role: 'dept-approver', unit: 'commerce' }, case: c })).toBeUndefined();
    const forDept = { kind: 'user' as const, id: 'dept-approver.commerce', role: 'dept-approver' as const, unit: 'commerce' };
    expect(
      competentDepartmentRefusal({ step: a16, actor: { role: 'fao-clerk', unit: 'fao' }, case: c, onBehalfOf: forDept }),
    ).toBeUndefined();
    expect(
      competentDepartmentRefusal({
        step: a16,
        actor: { role: 'dept-approver', unit: 'education' },
        case: { unit: 'education', supervisingDepartment: null },
      })?.code,
    ).toBe('WRONG_ROLE');
    // Any other step: not this rule's.
    expect(
      competentDepartmentRefusal({
        step: { actor: 'unit-leader', phase: 'prepare' },
        actor: { role: 'unit-leader', unit: 'education' },
        case: c,
      }),
    ).toBeUndefined();
  });
  it("a dept-approver's inbox is its supervised units' steps", () => {
    expect(inboxReach('dept-approver')).toBe('supervised');
    expect(inboxReach('organizer')).toBe('own');
  });
});

describe('mayReadProcess: the APEC roles read the APEC cases only (new-user trial: the desk read a 审护签 case)', () => {
  it('bounds the PROCESS_ROLES roles to their processes, and no other role', () => {
    for (const role of ['apec-desk', 'enterprise-clerk'] as const) {
      expect([mayReadProcess(role, 'apec-card'), mayReadProcess(role, 'apec-whitelist')]).toEqual([true, true]);
      expect([mayReadProcess(role, 'delegation'), mayReadProcess(role, undefined)]).toEqual([false, false]);
    }
    for (const role of Object.keys(ROLE_LABELS) as Role[])
      if (!PROCESS_ROLES[role])
        for (const p of ['delegation', 'apec-card', undefined]) expect([role, p, mayReadProcess(role, p)]).toEqual([role, p, true]);
  });

  it('is the rule processRoleRefusal refuses an action by', () => {
    const label = { zh: '因公出国（境）审护签', en: 'Delegation' };
    for (const role of Object.keys(ROLE_LABELS) as Role[])
      for (const p of ['delegation', 'apec-card', 'apec-whitelist'])
        expect([role, p, processRoleRefusal(role, p, label) === undefined]).toEqual([role, p, mayReadProcess(role, p)]);
  });
});

describe("mayActOnStep: a step's own rules are checked for those who may act on it (trial 35)", () => {
  const a04 = { actor: 'organizer' as const, phase: 'prepare' };
  it('its own role; an FAO officer naming someone to act for; not finance, whether or not it names someone', () => {
    expect(mayActOnStep('complete', 'organizer', a04, false)).toBe(true);
    expect(mayActOnStep('complete', 'fao-clerk', a04, true)).toBe(true);
    expect(mayActOnStep('complete', 'fao-clerk', a04, false)).toBe(false);
    expect(mayActOnStep('complete', 'finance', a04, true)).toBe(false);
    expect(mayActOnStep('complete', 'finance', a04, false)).toBe(false);
    expect(mayActOnStep('complete', 'apec-desk', a04, true)).toBe(false);
  });
});

describe("mayAttempt: the role before the request's own rules, for every action (forty-seventh trial)", () => {
  it('a decision on a step of another role, an amendment by a role that never amends; 帮代办 where the table allows it', () => {
    const a10 = { actor: 'finance' as const, phase: 'prepare' };
    expect(mayAttempt('decide', 'finance', false, a10)).toBe(true);
    expect(mayAttempt('decide', 'personnel', false, a10)).toBe(false);
    expect(mayAttempt('amend', 'organizer', false)).toBe(true);
    expect(mayAttempt('amend', 'finance', false)).toBe(false);
    expect(mayAttempt('amend', 'fao-clerk', false)).toBe(false);
    expect(mayAttempt('amend', 'fao-clerk', true)).toBe(true); // for the organizer (FAO_FOR_ORGANIZER)
    expect(mayAttempt('cancel', 'fao-director', false)).toBe(true);
    expect(mayAttempt('cancel', 'organizer', true)).toBe(false);
  });
});
