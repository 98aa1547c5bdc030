import { DEFAULT_DEFINITION, type ProcessDefinition } from './definition';
import { needsNewPassport, personKey } from './facts';
import { makeFacts, makeMember } from './fixtures';
import { memberTripViolations } from './rules';
import {
  birthDateProblems,
  codeProblems,
  CODE_WORDS,
  MAX_STAFF_AGE,
  passportBirthProblems,
  passportDateProblems,
  passportExpired,
  passportExpiredLabel,
  checkInDueDays,
  checkOutProblems,
  daysOverdue,
  duplicatePerson,
  duplicatePersonLabel,
  personIdentityKey,
  unitNameKey,
  unitReferenceProblems,
  officeUnitRegistryProblems,
  isYearScheduleList,
  diffDefinitions,
  matchAnnualPlan,
  assignPlannedTrips,
  planQuestion,
  pastQuarterPlanProblems,
  passportHeldElsewhere,
  passportHeldLabel,
  secondValidPassport,
  outlastedPassports,
  passportValid,
  passportState,
  MAX_WEEKDAY_HOLIDAYS,
  MAX_ADJUSTED_WORKDAYS,
  MAX_WORKDAY_HOLIDAY_DISTANCE,
  CALENDAR_YEARS,
  SCHEDULE_YEARS,
  pastYearProblem,
  scheduleImportProblems,
  scheduleEntryProblems,
  statutoryWeekdays,
  scheduleProblems,
  snapshotMember,
  travelPassport,
  typedMemberIdentity,
  custodyClaimProblem,
  unitSuspension,
  type CustodyPassport,
  type PlannedTrip,
  type RegisteredPerson,
  unregisteredClerk,
  custodyMovePassport,
  custodyMoveProblem,
  custodyMoveLabel,
} from './registries';
import { STATUTORY_HOLIDAY_YEARS, statutoryHolidays } from './statutory-holidays';
import holidayData from 'chinese-days/dist/chinese-days.json';

const unit = { code: 'u1', status: 'active' as const, suspendedReason: null };
const passport = (over: Partial<CustodyPassport> = {}): CustodyPassport => ({
  number: 'SE1000001',
  type: 'official',
  issuedOn: '2020-01-01',
  expiresOn: '2030-01-01',
  holder: 'P1',
  state: 'in-custody',
  caseId: null,
  dueBackOn: null,
  ...over,
});

describe('passports in custody: overdue and the suspension rule', () => {
  it('counts days overdue from the due date; only a checked-out passport is overdue', () => {
    const out = passport({ state: 'checked-out', caseId: 'c1', dueBackOn: '2027-03-19' });
    expect(daysOverdue(out, '2027-03-19')).toBe(0);
    expect(passportState(out, '2027-03-19')).toBe('checked-out');
    expect(daysOverdue(out, '2027-03-27')).toBe(8);
    expect(passportState(out, '2027-03-27')).toBe('overdue');
    expect(daysOverdue(passport(), '2030-01-01')).toBe(0);
  });

  it('suspends at more than 30 days overdue, not at 30; a registry suspension stands on its own', () => {
    const out = passport({ state: 'checked-out', dueBackOn: '2027-03-01' });
    expect(unitSuspension(unit, [out], '2027-03-31').suspended).toBe(false);
    const s = unitSuspension(unit, [out], '2027-04-01');
    expect(s).toMatchObject({ suspended: true, reasons: [{ code: 'PASSPORT_OVERDUE', passport: 'SE1000001', daysOverdue: 31 }] });
    expect(s.reasons[0]!.message.zh).toContain('31');
    expect(unitSuspension({ ...unit, status: 'suspended', suspendedReason: '未交出访报告' }, [], '2027-04-01').reasons).toEqual([
      expect.objectContaining({
        code: 'UNIT_SUSPENDED',
        message: expect.objectContaining({ zh: expect.stringContaining('未交出访报告') }),
      }),
    ]);
  });
});

describe('one valid official passport per person (passportHeldElsewhere)', () => {
  const out = passport({ number: 'SE1000001', state: 'checked-out', caseId: 'case-7', dueBackOn: '2027-03-20' });
  it("answers the holder's other passport checked out for a trip: no new one, no second one out", () => {
    // The trial: a new official passport registered while the current one is out for a trip.
    expect(passportHeldElsewhere([out], 'SE2000002')).toEqual(out);
    expect(passportHeldElsewhere([out, passport({ number: 'SE2000002' })], 'SE2000002')).toEqual(out);
  });
  it('allows a new one once the old is back in custody, cancelled or reported lost; the passport itself is not "another"', () => {
    for (const state of ['in-custody', 'cancelled', 'lost'] as const)
      expect(passportHeldElsewhere([{ ...out, state, caseId: null, dueBackOn: null }], 'SE2000002')).toBeNull();
    expect(passportHeldElsewhere([out], 'SE1000001')).toBeNull();
    expect(passportHeldElsewhere([], 'SE2000002')).toBeNull();
  });
  it('names the other passport and its case in both languages', () => {
    const label = passportHeldLabel('P1', out);
    expect(label.zh).toContain('SE1000001');
    expect(label.zh).toContain('case-7');
    expect(label.en).toMatch(/SE1000001 is checked out \(case case-7\): one valid official passport per person/);
  });
});

describe("the chain's custody moves: the passport out on loan they wait for, and no valid passport to move", () => {
  const today = '2026-12-03';
  const inCustody = passport({ number: 'SE1000001', expiresOn: '2031-01-01' });
  const outFor = (caseId: string, over: Partial<CustodyPassport> = {}) =>
    passport({ number: 'SE1000001', expiresOn: '2031-01-01', state: 'checked-out', caseId, dueBackOn: '2026-12-10', ...over });
  const problem = (
    action: Parameters<typeof custodyMoveProblem>[0],
    caseId: string,
    held: CustodyPassport[],
    byNumber: CustodyPassport | null,
    newNumber?: string,
  ) => custodyMoveProblem(action, caseId, held, byNumber, today, newNumber);
  const waiting = (p: CustodyPassport) => ({ reason: 'checked-out', passport: p });

  it('C07 checks out the travel passport in custody, or finds it out for this case; waits for one out for another case', () => {
    expect(custodyMovePassport('check-out', 'case-2', [inCustody], null)).toBe(inCustody);
    expect(problem('check-out', 'case-2', [inCustody], null)).toBeNull();
    expect(custodyMovePassport('check-out', 'case-2', [outFor('case-2')], null)).toEqual(outFor('case-2')); // a retried move
    expect(problem('check-out', 'case-2', [outFor('case-2')], null)).toBeNull();
    // The handed input: out for a withdrawn first case (due back), the second case's C07 waits for it.
    expect(custodyMovePassport('check-out', 'case-2', [outFor('case-1')], outFor('case-1'))).toBeNull();
    expect(problem('check-out', 'case-2', [outFor('case-1')], outFor('case-1'))).toEqual(waiting(outFor('case-1')));
    // A typed member's number only (no roster person): the same.
    expect(problem('check-out', 'case-2', [], outFor('case-1'))).toEqual(waiting(outFor('case-1')));
    // Nothing in the ledger: nothing to refuse (the worker notes it).
    expect(problem('check-out', 'case-2', [], null)).toBeNull();
  });

  it('C07 with no valid passport to check out (second trial: reported lost while out, the next C07 moved nothing): not-valid, naming it', () => {
    const lost = passport({ number: 'SE1000001', expiresOn: '2031-01-01', state: 'lost' });
    expect(problem('check-out', 'case-2', [lost], lost)).toEqual({ reason: 'not-valid', passport: lost });
    const cancelled = passport({ number: 'SE1000002', expiresOn: '2032-01-01', state: 'cancelled' });
    expect(problem('check-out', 'case-2', [lost, cancelled], lost)).toEqual({ reason: 'not-valid', passport: cancelled });
    const expired = passport({ number: 'SE1000003', expiresOn: '2026-12-02' });
    expect(problem('check-out', 'case-2', [expired], expired)).toEqual({ reason: 'not-valid', passport: expired });
    expect(custodyMoveLabel({ reason: 'not-valid', passport: lost }, today).en).toBe(
      'The custody ledger holds no valid passport of this member to check out (SE1000001: lost): the organizer amends the member (picks the roster person again), and a new passport is issued (C02-C06)',
    );
    expect(custodyMoveLabel({ reason: 'not-valid', passport: expired }, today).zh).toContain('SE1000003：已过期');
    // A valid one beside the lost one: checked out, nothing refused.
    expect(problem('check-out', 'case-2', [lost, inCustody], lost)).toBeNull();
  });

  it('C06 does not cancel a passport out on loan (for any case); C05 does not register a new one while another is out', () => {
    expect(custodyMovePassport('cancel', 'case-2', [], inCustody)).toBe(inCustody);
    expect(problem('cancel', 'case-2', [inCustody], inCustody)).toBeNull();
    expect(problem('cancel', 'case-2', [outFor('case-1')], outFor('case-1'))).toEqual(waiting(outFor('case-1')));
    expect(problem('cancel', 'case-2', [outFor('case-2')], outFor('case-2'))).toEqual(waiting(outFor('case-2')));
    expect(problem('cancel', 'case-2', [], passport({ state: 'cancelled' }))).toBeNull(); // a retry: already cancelled
    expect(problem('register', 'case-2', [outFor('case-1')], outFor('case-1'), 'EN0000001')).toEqual(waiting(outFor('case-1')));
    expect(problem('register', 'case-2', [inCustody], inCustody, 'EN0000001')).toBeNull();
    // P02 brings it back whatever the state: never refused.
    expect(problem('check-in', 'case-2', [outFor('case-1')], outFor('case-1'))).toBeNull();
  });

  it("C05 does not register a holder's second valid passport (trial: one person on two cases, both C05s registered one)", () => {
    const old = passport({ number: 'SE1000009', expiresOn: '2027-03-01' }); // the expiring one both cases replace
    const first = passport({ number: 'EN0000001', expiresOn: '2036-12-01' }); // the first case's new one
    const second = { reason: 'second-valid', passport: first };
    // The handed input: the second case's C05, the first case's new passport in custody, the old one still there or cancelled.
    expect(problem('register', 'case-2', [old, first], old, 'EN0000002')).toEqual(second);
    expect(problem('register', 'case-2', [{ ...old, state: 'cancelled' }, first], old, 'EN0000002')).toEqual(second);
    // Out on loan for the first case: a second valid one too (seventh trial: "check it back in" led to this refusal).
    expect(problem('register', 'case-2', [old, { ...first, state: 'checked-out', caseId: 'case-1' }], old, 'EN0000002')).toEqual({
      reason: 'second-valid',
      passport: { ...first, state: 'checked-out', caseId: 'case-1' },
    });
    // The passport replaced, out on loan: waited for (checked back in, then cancelled at C06).
    expect(problem('register', 'case-2', [{ ...old, state: 'checked-out', caseId: 'case-1' }], old, 'EN0000002')).toEqual({
      reason: 'checked-out',
      passport: { ...old, state: 'checked-out', caseId: 'case-1' },
    });
    // A first passport (the facts name none): any valid one held is a second.
    expect(problem('register', 'case-2', [first], null, 'EN0000002')).toEqual(second);
    // What is no second: the one the case replaces, a retry of the same number, an expired, lost or cancelled one.
    expect(problem('register', 'case-1', [old], old, 'EN0000001')).toBeNull();
    expect(problem('register', 'case-1', [old, first], old, 'EN0000001')).toBeNull();
    for (const gone of [
      { ...first, expiresOn: '2026-12-02' },
      { ...first, state: 'lost' as const },
      { ...first, state: 'cancelled' as const },
    ])
      expect(problem('register', 'case-2', [gone], null, 'EN0000002')).toBeNull();
    expect(secondValidPassport([old, first], 'EN0000002', 'SE1000009', today)).toBe(first);
    expect(secondValidPassport([old], 'EN0000002', 'SE1000009', today)).toBeNull();
    const label = custodyMoveLabel(second as Parameters<typeof custodyMoveLabel>[0], today);
    expect(label.zh).toContain('EN0000001（在库保管，有效期至 2036-12-01）');
    expect(label.en).toMatch(
      /^The member already holds a valid official passport, EN0000001 \(in custody, valid until 2036-12-01\): .*the organizer amends the member/i,
    );
    expect(passportHeldLabel('P1', first).en).toBe(
      'P1 already holds a valid official passport, EN0000001 (in custody): one valid official passport per person; cancel it or report it lost first',
    );
  });

  it('C07 does not check out a passport that does not last 6 months past the return (short-validity)', () => {
    const short = passport({ number: 'EN0000003', expiresOn: '2027-03-01' });
    const returnDate = '2027-06-10';
    expect(custodyMoveProblem('check-out', 'case-2', [short], short, today, undefined, returnDate)).toEqual({
      reason: 'short-validity',
      passport: short,
      returnDate,
    });
    expect(custodyMoveProblem('check-out', 'case-2', [short], short, today, undefined, '2026-08-31')).toBeNull();
    // Already out for the case (a retried move): not refused for its dates.
    const out = { ...short, state: 'checked-out' as const, caseId: 'case-2' };
    expect(custodyMoveProblem('check-out', 'case-2', [out], out, today, undefined, returnDate)).toBeNull();
    expect(custodyMoveLabel({ reason: 'short-validity', passport: short, returnDate }, today).en).toBe(
      'Passport EN0000003 expires on 2027-03-01, less than 6 months after the return (2027-06-10; valid until 2027-12-10 needed): the organizer amends the member (picks the roster person again), and a new passport is issued (C02-C06)',
    );
  });

  it("eighth trial, D: a new passport replaces the holder's valid ones that do not last its trip, not only the facts' one", () => {
    const old = passport({ number: 'SE1000009', expiresOn: '2027-05-01' }); // both cases' facts name it
    const forFirst = passport({ number: 'EN0000001', expiresOn: '2028-06-01' }); // case 1's new one: lasts case 1 only
    const returnDate = '2028-09-24'; // case 2's trip: needs a passport valid until 2029-03-24
    const fresh = 'EN0000002';
    // The handed input: case 2's C05 after case 1's registered its new one. Before, 409 second-valid (EN0000001), with
    // advice that led nowhere (its number does not last the trip; an amended member was refused for the old one).
    expect(custodyMoveProblem('register', 'case-2', [old, forFirst], old, today, fresh, returnDate)).toBeNull();
    expect(secondValidPassport([old, forFirst], fresh, old.number, today, returnDate)).toBeNull();
    // One that lasts the trip is still the passport to use; one not lasting it but out on loan is waited for.
    const lasting = { ...forFirst, expiresOn: '2030-01-01' };
    expect(custodyMoveProblem('register', 'case-2', [old, lasting], old, today, fresh, returnDate)).toEqual({
      reason: 'second-valid',
      passport: lasting,
    });
    const outForFirst = { ...forFirst, state: 'checked-out' as const, caseId: 'case-1' };
    expect(custodyMoveProblem('register', 'case-2', [old, outForFirst], old, today, fresh, returnDate)).toEqual({
      reason: 'checked-out',
      passport: outForFirst,
    });
    // Without the trip's date (a registration by hand), every valid one counts, as before.
    expect(secondValidPassport([old, forFirst], fresh, old.number, today)).toBe(forFirst);
    // C06 cancels them with the facts' one, once the ledger holds the one lasting the trip; never the new one.
    const registered = passport({ number: fresh, expiresOn: '2036-01-01' });
    expect(outlastedPassports([old, forFirst, registered], returnDate, today, [old.number, fresh])).toEqual([forFirst]);
    expect(outlastedPassports([old, forFirst], returnDate, today, [old.number])).toEqual([]); // no replacement held
    expect(outlastedPassports([old, { ...forFirst, state: 'cancelled' }, registered], returnDate, today, [old.number])).toEqual([]);
    // C06 waits for one of them out on loan, as for the facts' one.
    expect(custodyMoveProblem('cancel', 'case-2', [old, outForFirst, registered], old, today, undefined, returnDate)).toEqual({
      reason: 'checked-out',
      passport: outForFirst,
    });
    expect(custodyMoveProblem('cancel', 'case-2', [old, forFirst, registered], old, today, undefined, returnDate)).toBeNull();
    expect(passportValid(forFirst, today)).toBe(true);
    expect(passportValid({ ...forFirst, expiresOn: '2026-12-02' }, today)).toBe(false);
    expect(passportValid({ ...forFirst, expiresOn: '2026-12-02', state: 'checked-out' }, today)).toBe(true);
  });

  it('tenth trial: a passport out for another running case is waited for at its check-in, never advised back by hand', () => {
    const label = custodyMoveLabel({ reason: 'checked-out', passport: outFor('case-1'), forOpenCase: true }, today);
    expect(label.en).toBe(
      "Passport SE1000001 is out for the running case case-1, due back by 2026-12-10: this step waits until it comes back at that case's check-in step after its trip (or that case closes); do not check it in by hand before, or that case is left without a passport",
    );
    expect(label.zh).toContain('请勿在护照登记中提前交回');
  });

  it('the refusal of a passport out names it and the day it is due back, and what to do', () => {
    const label = custodyMoveLabel({ reason: 'checked-out', passport: outFor('case-1') }, today);
    expect(label.zh).toContain('SE1000001');
    expect(label.zh).toContain('2026-12-10');
    expect(label.en).toMatch(/^Passport SE1000001 is checked out for case case-1, due back by 2026-12-10: .*check it back in first/);
    expect(custodyMoveLabel({ reason: 'checked-out', passport: outFor('case-1', { dueBackOn: null }) }, today).en).toMatch(
      /^Passport SE1000001 is checked out for case case-1: /,
    );
    // The case by its title when known (trial 86: by its id alone).
    const titled = custodyMoveLabel({ reason: 'checked-out', passport: outFor('case-1'), caseTitle: '访美团', forOpenCase: true }, today);
    expect(titled.zh).toContain('已为在办案件 “访美团”（case-1） 借出');
    expect(titled.en).toMatch(/^Passport SE1000001 is out for the running case “访美团” \(case-1\), due back/);
  });
});

describe('snapshot of a member from the roster and the ledger', () => {
  const person: RegisteredPerson = {
    personId: 'P1',
    unit: 'commerce',
    name: '张三',
    gender: 'male',
    dateOfBirth: '1970-01-01',
    rank: 'provincial',
    position: '市长',
    partyMember: true,
    classifiedAccess: true,
    leadershipTeam: 'team',
    status: 'active',
  };
  it('takes rank, Party membership, classified access, leadership team and the passport from the registries', () => {
    const typed = { ...makeFacts().members[0]!, personId: 'P1', classifiedAccess: false, partyMember: false, rank: 'staff' as const };
    const passports = [
      passport({ number: 'OLD00001', expiresOn: '2026-01-01', state: 'cancelled' }),
      passport({ number: 'NEW00001', expiresOn: '2029-01-01', state: 'checked-out' }),
    ];
    expect(snapshotMember(typed, person, passports)).toMatchObject({
      id: typed.id,
      rank: 'provincial',
      partyMember: true,
      classifiedAccess: true,
      leadershipTeam: 'team',
      passport: { inCustody: true, number: 'NEW00001', expiresOn: '2029-01-01' },
    });
    expect(snapshotMember(typed, person, []).passport).toBeNull();
    // Out on loan for any case (this one's C07, or a withdrawn case's, due back) is still the office's: no new passport
    // for it (trial: a member whose passport was out for a withdrawn case was sent for a new one).
    const out = passports.map((x) => ({ ...x, state: 'checked-out' as const, caseId: 'case-1', dueBackOn: '2026-12-10' }));
    expect(snapshotMember(typed, person, out).passport).toEqual({ inCustody: true, number: 'NEW00001', expiresOn: '2029-01-01' });
    expect(needsNewPassport(snapshotMember(typed, person, out), '2027-03-19')).toBe(false);
    expect(travelPassport([passport({ state: 'lost' })])).toBeNull();
  });
});

describe('typedMemberIdentity: one identity for a member, typed or named from the roster', () => {
  const zhang: RegisteredPerson = {
    personId: 'P-c-1',
    unit: 'commerce',
    name: '张三',
    gender: 'male',
    dateOfBirth: '1970-01-01',
    rank: 'bureau',
    position: '局长',
    partyMember: true,
    classifiedAccess: false,
    leadershipTeam: null,
    status: 'active',
  };
  const wang: RegisteredPerson = { ...zhang, personId: 'P-e-1', unit: 'education', name: '王五' };
  const registry = {
    passports: [passport({ number: 'SE1000001', holder: 'P-c-1' }), passport({ number: 'SE2000002', holder: 'P-e-1' })],
    people: [zhang, wang],
  };
  const typed = (over: Record<string, unknown> = {}) =>
    makeMember({
      id: 'm1',
      name: '张三',
      rank: 'staff',
      passport: { inCustody: true, number: 'SE1000001', expiresOn: '2030-01-01' },
      ...over,
    });

  it('handed input: 张三 by personId in one case and typed (name, passport) in another are one person with one trip history', () => {
    const identity = typedMemberIdentity(typed(), 'commerce', registry);
    expect(identity).toEqual({ kind: 'person', person: zhang });
    // Written as a clerk may write it, it is the same number.
    expect(
      typedMemberIdentity(typed({ passport: { inCustody: true, number: ' se1000001', expiresOn: '2030-01-01' } }), 'commerce', registry),
    ).toEqual({ kind: 'person', person: zhang });
    // The history the rule reads is the roster person's: the trip of the case that named P-c-1 counts.
    const facts = makeFacts({ unit: 'commerce', departureDate: '2027-03-15', returnDate: '2027-03-19' });
    const resolved = snapshotMember({ ...typed(), personId: zhang.personId }, zhang, [registry.passports[0]!]);
    const history = new Map([[zhang.personId, [{ departureDate: '2026-09-01', returnDate: '2026-09-04', caseId: 'by-person-id' }]]]);
    expect(personKey(facts, resolved)).toBe('P-c-1');
    expect(memberTripViolations({ ...facts, members: [resolved] }, history).map((v) => [v.code, v.field])).toEqual([
      ['FREQUENCY_EXCEEDED', 'members[0]'],
    ]);
  });

  it('handed input: a typed lower rank (staff: no limit) is not believed: the rule reads the roster’s bureau rank', () => {
    const facts = makeFacts({ unit: 'commerce', departureDate: '2027-03-15', returnDate: '2027-03-19' });
    const history = new Map([[zhang.personId, [{ departureDate: '2026-09-01', returnDate: '2026-09-04', caseId: 'earlier' }]]]);
    const asTyped = { ...typed(), personId: zhang.personId };
    // As typed, staff has no frequency limit: the dodge.
    expect(memberTripViolations({ ...facts, members: [asTyped] }, history)).toEqual([]);
    const resolved = snapshotMember(asTyped, zhang, [registry.passports[0]!]);
    expect(resolved.rank).toBe('bureau');
    expect(memberTripViolations({ ...facts, members: [resolved] }, history)).toEqual([
      expect.objectContaining({ code: 'FREQUENCY_EXCEEDED', field: 'members[0]', details: expect.objectContaining({ rank: 'bureau' }) }),
    ]);
  });

  it("handed input: another unit's passport number is refused at passport.number, the holder unnamed", () => {
    const identity = typedMemberIdentity(
      typed({ passport: { inCustody: true, number: 'SE2000002', expiresOn: '2030-01-01' } }),
      'commerce',
      registry,
    );
    expect(identity).toEqual({ kind: 'refused', field: 'passport.number', rule: 'passport-holder', message: expect.any(Object) });
    expect(JSON.stringify(identity)).not.toContain('王五');
    // The number of a person of the unit under another name: another person's passport.
    expect(typedMemberIdentity(typed({ name: '李四' }), 'commerce', registry)).toMatchObject({
      kind: 'refused',
      field: 'passport.number',
      rule: 'passport-holder',
    });
  });

  it('a roster name without the ledger’s passport is named by personId; a person the registries do not know stays typed', () => {
    expect(typedMemberIdentity(typed({ passport: null }), 'commerce', registry)).toMatchObject({
      kind: 'refused',
      field: 'name',
      rule: 'roster-person',
    });
    // Second trial: spelled with a space or an invisible character, the roster's 张三 all the same; so is 張三, the same
    // name in traditional characters (OpenCC folds it).
    for (const name of ['张 三', '张\u200b三', '\u2060张三', '张三\u00ad', '張三', '張 三'])
      expect([name, typedMemberIdentity(typed({ name, passport: null }), 'commerce', registry)]).toEqual([
        name,
        expect.objectContaining({ kind: 'refused', field: 'name', rule: 'roster-person' }),
      ]);
    expect(
      typedMemberIdentity(
        typed({ name: ' 张三', passport: { inCustody: true, number: 'X9999999', expiresOn: '2030-01-01' } }),
        'commerce',
        registry,
      ),
    ).toMatchObject({
      kind: 'refused',
      field: 'name',
    });
    // Someone who left is no longer the name's owner; another unit's namesake is not this unit's person.
    expect(typedMemberIdentity(typed({ passport: null }), 'commerce', { ...registry, people: [{ ...zhang, status: 'left' }] })).toEqual({
      kind: 'typed',
    });
    expect(typedMemberIdentity(typed({ passport: null }), 'trade', registry)).toEqual({ kind: 'typed' });
  });

  describe('custodyClaimProblem: a passport claimed in custody is one the ledger holds for the unit (in-ledger)', () => {
    const claim = (over: Record<string, unknown> = {}) => ({ inCustody: true, number: 'SE1000001', expiresOn: '2030-01-01', ...over });

    it('handed input: a number the ledger does not hold, claimed in custody, is refused at passport.inCustody', () => {
      expect(custodyClaimProblem(claim({ number: 'SE9999999' }), 'commerce', registry)).toEqual({
        field: 'passport.inCustody',
        rule: 'in-ledger',
        message: expect.objectContaining({ zh: expect.stringContaining('护照保管登记中本单位没有此号码的护照') }),
      });
    });

    it("another unit's number gets the very answer of a number not held (no oracle of another unit's passports)", () => {
      const notHeld = custodyClaimProblem(claim({ number: 'SE9999999' }), 'commerce', registry);
      expect(custodyClaimProblem(claim({ number: 'SE2000002' }), 'commerce', registry)).toEqual(notHeld);
      // The holder's own unit: held.
      expect(custodyClaimProblem(claim({ number: 'SE2000002' }), 'education', registry)).toBeNull();
    });

    it('held in custody for the unit with the same expiry, however the number is written: no problem', () => {
      expect(custodyClaimProblem(claim(), 'commerce', registry)).toBeNull();
      expect(custodyClaimProblem(claim({ number: ' se 1000001' }), 'commerce', registry)).toBeNull();
      expect(custodyClaimProblem(claim({ expiresOn: undefined }), 'commerce', registry)).toBeNull();
    });

    it('cancelled or lost is not in custody; another expiry is refused at passport.expiresOn', () => {
      for (const state of ['cancelled', 'lost'] as const)
        expect(
          custodyClaimProblem(claim(), 'commerce', { ...registry, passports: [passport({ number: 'SE1000001', holder: 'P-c-1', state })] }),
        ).toMatchObject({ field: 'passport.inCustody', rule: 'in-ledger' });
      expect(custodyClaimProblem(claim({ expiresOn: '2031-01-01' }), 'commerce', registry)).toMatchObject({
        field: 'passport.expiresOn',
        rule: 'in-ledger',
      });
    });

    it("a passport out on loan for a case (this one, or another: due back) is still the office's, as the snapshot reads it", () => {
      const out = (caseId: string) => ({
        ...registry,
        passports: [{ ...passport({ number: 'SE1000001', holder: 'P-c-1', state: 'checked-out' }), caseId }],
      });
      expect(custodyClaimProblem(claim(), 'commerce', out('case-1'))).toBeNull();
      expect(custodyClaimProblem(claim(), 'commerce', out('case-2'))).toBeNull();
    });

    it('a passport not claimed in custody (or none) is not the rule’s', () => {
      expect(custodyClaimProblem(claim({ inCustody: false, number: 'SE9999999' }), 'commerce', registry)).toBeNull();
      expect(custodyClaimProblem(null, 'commerce', registry)).toBeNull();
      expect(custodyClaimProblem(undefined, 'commerce', registry)).toBeNull();
    });
  });
});

describe('annual plan (A01)', () => {
  describe("pastQuarterPlanProblems: this year's past quarters are on record", () => {
    const q = (id: string, quarter: 1 | 2 | 3 | 4, over: Partial<PlannedTrip> = {}): PlannedTrip => ({
      id,
      purpose: 'investment-promotion',
      countries: ['US', 'DE'],
      size: 5,
      quarter,
      ...over,
    });
    const approved = [q('P1', 1), q('P3', 3), q('P4', 4)];
    const today = '2026-12-04'; // quarter 4

    it('keeps past-quarter trips as approved (country order aside); the current and later quarters change freely', () => {
      expect(
        pastQuarterPlanProblems(approved, [q('P1', 1, { countries: ['DE', 'US'] }), q('P3', 3), q('P5', 4, { size: 9 })], 2026, today),
      ).toEqual([]);
    });
    it('the handed input: a trip filed in a past quarter of this year, with no approved plan or beside it, is refused', () => {
      expect(pastQuarterPlanProblems(null, [q('P1', 1), q('P4', 4)], 2026, today)).toEqual([
        expect.objectContaining({ field: 'trips[0]', rule: 'not-past' }),
      ]);
      expect(pastQuarterPlanProblems(approved, [...approved, q('P2', 2)], 2026, today)).toEqual([
        expect.objectContaining({ field: 'trips[3]', rule: 'not-past' }),
      ]);
    });
    it('a past trip changed, moved out of its quarter or removed is named', () => {
      const problems = pastQuarterPlanProblems(approved, [q('P1', 1, { size: 6 }), q('P3', 4), q('P4', 4)], 2026, today);
      expect(problems.map((p) => [p.field, p.rule])).toEqual([
        ['trips[0]', 'not-past'],
        ['trips[1]', 'not-past'],
      ]);
      expect(problems[1]!.message.en).toContain('(was 3)');
      expect(pastQuarterPlanProblems(approved, [q('P4', 4)], 2026, today).map((p) => p.field)).toEqual(['trips', 'trips']);
    });
    it('a later year has no past quarter; on the first day of a quarter the one before is past', () => {
      expect(pastQuarterPlanProblems(null, [q('P1', 1)], 2027, today)).toEqual([]);
      expect(pastQuarterPlanProblems(null, [q('P1', 1), q('P2', 2)], 2026, '2026-04-01').map((p) => p.field)).toEqual(['trips[0]']);
    });
  });

  const facts = makeFacts();
  const q = Math.floor((Number(facts.departureDate.slice(5, 7)) - 1) / 3) + 1;
  const year = Number(facts.departureDate.slice(0, 4));
  const trip = { id: 'T1', purpose: facts.purpose, countries: ['US', 'CA'], size: facts.members.length, quarter: q as 1 | 2 | 3 | 4 };
  it('planned, over the plan, unplanned, no plan', () => {
    expect(matchAnnualPlan({ unit: facts.unit, year, trips: [trip] }, facts).outcome).toBe('planned');
    expect(matchAnnualPlan({ unit: facts.unit, year, trips: [{ ...trip, size: facts.members.length - 1 }] }, facts).outcome).toBe(
      'over-plan',
    );
    expect(matchAnnualPlan({ unit: facts.unit, year, trips: [{ ...trip, quarter: ((q % 4) + 1) as 1 | 2 | 3 | 4 }] }, facts).outcome).toBe(
      'unplanned',
    );
    expect(matchAnnualPlan(null, facts).outcome).toBe('no-plan');
  });
  it('thirteenth trial: trips shared out in filing order; a held trip is kept while it qualifies, and A01 run again finds the same', () => {
    const plan = { unit: facts.unit, year, trips: [trip, { ...trip, id: 'T2' }] };
    const question = planQuestion(facts);
    const claimant = (caseId: string, held: string | null = null) => ({ caseId, question, held });
    // Nobody holds one: the first filed gets T1, the second T2, the third none.
    expect([...assignPlannedTrips(plan, [claimant('a'), claimant('b'), claimant('c')], new Set())]).toEqual([
      ['a', 'T1'],
      ['b', 'T2'],
      ['c', null],
    ]);
    // A later case holding T1 keeps it; the earlier gets the free one; a made trip (fixed) is nobody's to take.
    expect([...assignPlannedTrips(plan, [claimant('a'), claimant('b', 'T1'), claimant('c')], new Set())]).toEqual([
      ['a', 'T2'],
      ['b', 'T1'],
      ['c', null],
    ]);
    expect([...assignPlannedTrips(plan, [claimant('a'), claimant('b')], new Set(['T1']))]).toEqual([
      ['a', 'T2'],
      ['b', null],
    ]);
    // A held trip the plan no longer has, or no longer covers the case, is let go and the trips shared anew.
    const smaller = {
      ...plan,
      trips: [
        { ...trip, size: facts.members.length - 1 },
        { ...trip, id: 'T2' },
      ],
    };
    expect([...assignPlannedTrips(smaller, [claimant('a'), claimant('b', 'T1')], new Set())]).toEqual([
      ['a', 'T2'],
      ['b', null],
    ]);
    // matchAnnualPlan keeps the held trip over an earlier free one.
    expect(matchAnnualPlan(plan, facts, new Set(), 'T2')).toMatchObject({ outcome: 'planned', tripId: 'T2' });
    expect(matchAnnualPlan(plan, facts, new Set(['T2']), 'T2')).toMatchObject({ outcome: 'planned', tripId: 'T1' });
  });
  it('names the planned countries by their names, not their codes', () => {
    const size = facts.members.length - 1;
    const over = matchAnnualPlan({ unit: facts.unit, year, trips: [{ ...trip, size }] }, facts);
    expect(over.message).toEqual({
      zh: `超出年度计划（T1：${size}人，美国、加拿大）`,
      en: `Over the annual plan (T1: ${size} people, United States, Canada)`,
    });
  });
  // A planned trip covers one delegation (trial H2's kind, quota used by other open cases: a plan of one US trip let every US trip of the quarter read 计划内).
  it('a planned trip another delegation took is no longer free: the next match, else over the plan naming it', () => {
    const plan = (trips: (typeof trip)[]) => ({ unit: facts.unit, year, trips });
    expect(matchAnnualPlan(plan([trip]), facts, new Set(['T1']))).toEqual({
      outcome: 'over-plan',
      comparedWith: ['T1'],
      message: {
        zh: '超出年度计划（T1已由本单位其他团组使用）',
        en: 'Over the annual plan (T1 was taken by another delegation of the unit)',
      },
    });
    expect(matchAnnualPlan(plan([trip, { ...trip, id: 'T2' }]), facts, new Set(['T1']))).toMatchObject({
      outcome: 'planned',
      tripId: 'T2',
    });
    // Every trip that covers it taken: all named (eighteenth trial: the note named one of two).
    expect(matchAnnualPlan(plan([trip, { ...trip, id: 'T2' }]), facts, new Set(['T1', 'T2']))).toEqual({
      outcome: 'over-plan',
      comparedWith: ['T1', 'T2'],
      message: {
        zh: '超出年度计划（T1、T2已由本单位其他团组使用）',
        en: 'Over the annual plan (T1, T2 were taken by other delegations of the unit)',
      },
    });
    // A free trip matching in part is named before a taken one.
    const smaller = { ...trip, id: 'T3', size: facts.members.length - 1 };
    expect(matchAnnualPlan(plan([trip, smaller]), facts, new Set(['T1']))).toMatchObject({ outcome: 'over-plan', comparedWith: ['T3'] });
    // Another trip taken leaves this one free.
    expect(matchAnnualPlan(plan([trip]), facts, new Set(['T9']))).toMatchObject({ outcome: 'planned', tripId: 'T1' });
    // Handed input (twenty-third trial): a delegation larger than a taken trip is over the plan, as one of its size is;
    // it read unplanned, as if the plan held no such trip.
    expect(matchAnnualPlan(plan([smaller]), facts, new Set(['T3']))).toEqual({
      outcome: 'over-plan',
      comparedWith: ['T3'],
      message: {
        zh: '超出年度计划（T3已由本单位其他团组使用）',
        en: 'Over the annual plan (T3 was taken by another delegation of the unit)',
      },
    });
    // A taken trip to other countries only is no match: unplanned.
    expect(matchAnnualPlan(plan([{ ...trip, countries: ['DE'] }]), facts, new Set(['T1']))).toMatchObject({ outcome: 'unplanned' });
  });
});

describe('process versions: what changed', () => {
  it('lists steps added, removed, changed field by field, and settings changed', () => {
    const next = {
      ...DEFAULT_DEFINITION,
      version: 'v2',
      steps: DEFAULT_DEFINITION.steps.filter((s) => s.code !== 'A13').map((s) => (s.code === 'B07' ? { ...s, durationWd: 9 } : s)),
    };
    next.steps.push({ ...DEFAULT_DEFINITION.steps[0]!, code: 'Z01' });
    expect(
      diffDefinitions(
        { definition: DEFAULT_DEFINITION, settings: { rules: { maxMembers: 6 } } },
        { definition: next, settings: { rules: { maxMembers: 8 } } },
      ),
    ).toEqual([
      {
        kind: 'step-changed',
        step: 'B07',
        field: 'durationWd',
        from: DEFAULT_DEFINITION.steps.find((s) => s.code === 'B07')!.durationWd,
        to: 9,
      },
      { kind: 'step-added', step: 'Z01' },
      { kind: 'step-removed', step: 'A13' },
      { kind: 'setting-changed', field: 'rules.maxMembers', from: 6, to: 8 },
    ]);
    expect(diffDefinitions({ definition: DEFAULT_DEFINITION }, { definition: DEFAULT_DEFINITION })).toEqual([]);
  });

  it("lists only what changed whatever the keys' order, behaviours included (new-user trial: 58 names listed for one condition)", () => {
    // Every object with its keys reversed (names { en, zh }), as a client may send the GET's definition back.
    const reversed = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(reversed)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v)
                .reverse()
                .map(([k, x]) => [k, reversed(x)]),
            )
          : v;
    const next = reversed(DEFAULT_DEFINITION) as ProcessDefinition;
    expect(
      diffDefinitions(
        { definition: DEFAULT_DEFINITION, settings: { a: { x: 1, y: 2 } } },
        { definition: next, settings: { a: { y: 2, x: 1 } } },
      ),
    ).toEqual([]);
    const e07 = next.steps.find((s) => s.code === 'E07')!;
    e07.behaviour = { ...e07.behaviour, rerunOnAmend: 'dates' };
    expect(diffDefinitions({ definition: DEFAULT_DEFINITION }, { definition: next })).toEqual([
      {
        kind: 'step-changed',
        step: 'E07',
        field: 'behaviour',
        from: DEFAULT_DEFINITION.steps.find((s) => s.code === 'E07')!.behaviour,
        to: e07.behaviour,
      },
    ]);
  });
});

describe('holiday schedules loaded by the office', () => {
  it('names days outside the year, weekdays as working days, and days both off and worked', () => {
    expect(
      scheduleProblems({ year: 2027, holidays: ['2027-01-01', '2026-12-31'], workdays: ['2027-02-14', '2027-02-15', '2027-01-01'] }).map(
        (p) => `${p.field}:${p.rule}`,
      ),
    ).toEqual(['holidays[1]:in-year', 'workdays[1]:weekend', 'workdays[2]:weekend', 'workdays[2]:not-both']);
  });
});

describe('isYearScheduleList (what a calendarChanged signal may carry)', () => {
  const ok = { year: 2027, holidays: ['2027-10-01', '2027-10-04'], workdays: ['2027-09-26'] };
  it('takes well-formed schedules, one per year', () => {
    expect(isYearScheduleList([])).toBe(true);
    expect(isYearScheduleList([ok, { year: 2028, holidays: [], workdays: [] }])).toBe(true);
  });
  it.each<[string, unknown]>([
    ['not a list', { schedules: [] }],
    ['null entry', [null]],
    ['year as text', [{ ...ok, year: '2027' }]],
    ['year out of range', [{ ...ok, year: 2101 }]],
    ['fractional year', [{ ...ok, year: 2027.5 }]],
    ['no such day', [{ ...ok, holidays: ['2027-02-30'] }]],
    ['NUL in a day', [{ ...ok, holidays: ['2027-10-01\u0000'] }]],
    ['a day of another year', [{ ...ok, holidays: ['2028-01-01'] }]],
    ['a weekday worked', [{ ...ok, workdays: ['2027-09-27'] }]],
    ['a day both off and worked', [{ ...ok, holidays: ['2027-09-26'], workdays: ['2027-09-26'] }]],
    ['the same year twice', [ok, ok]],
    ['workdays missing', [{ year: 2027, holidays: [] }]],
    ['too many days', [{ ...ok, holidays: Array.from({ length: 367 }, () => '2027-10-01') }]],
  ])('refuses %s', (_, value) => {
    expect(isYearScheduleList(value)).toBe(false);
  });
});

describe('scheduleEntryProblems: what a schedule sent to the registries must also hold', () => {
  const statutory2027 = statutoryWeekdays(2027).map((h) => h.date);

  it('names a day listed twice, and more weekday holidays than any published schedule has', () => {
    expect(
      scheduleEntryProblems({ year: 2027, holidays: [...statutory2027, '2027-01-01'], workdays: ['2027-02-14', '2027-02-14'] }),
    ).toEqual([
      expect.objectContaining({ field: `holidays[${statutory2027.length}]`, rule: 'unique' }),
      expect.objectContaining({ field: 'workdays[1]', rule: 'unique' }),
    ]);
    // The statutory weekdays, then the year's first other weekdays, up to n weekdays off.
    const weekdays = (n: number) => {
      const out = new Set(statutory2027);
      for (let d = Date.UTC(2027, 0, 1); out.size < n; d += 86_400_000)
        if (![0, 6].includes(new Date(d).getUTCDay())) out.add(new Date(d).toISOString().slice(0, 10));
      return [...out];
    };
    expect(scheduleEntryProblems({ year: 2027, holidays: weekdays(MAX_WEEKDAY_HOLIDAYS), workdays: [] })).toEqual([]);
    expect(scheduleEntryProblems({ year: 2027, holidays: weekdays(MAX_WEEKDAY_HOLIDAYS + 1), workdays: [] })).toEqual([
      expect.objectContaining({ field: 'holidays', rule: 'plausible-count' }),
    ]);
  });

  it('a schedule from 2025 holds every statutory holiday that falls on a weekday (trial: an empty schedule was loaded)', () => {
    // 2027: 元旦 Fri 1 Jan; 除夕 Fri 5 Feb, 初一-初三 Sat 6 – Mon 8 Feb; 清明 Mon 5 Apr; 劳动节 Sat-Sun (none);
    // 端午 Wed 9 Jun; 中秋 Wed 15 Sep; 国庆 Fri 1 Oct (2-3 Oct a weekend).
    expect(statutory2027).toEqual(['2027-01-01', '2027-02-05', '2027-02-08', '2027-04-05', '2027-06-09', '2027-09-15', '2027-10-01']);
    expect(scheduleEntryProblems({ year: 2027, holidays: [], workdays: [] })).toEqual([
      {
        field: 'holidays',
        rule: 'statutory-holidays',
        message: {
          zh: expect.stringContaining('2027-01-01（元旦）、2027-02-05（春节）'),
          en: expect.stringContaining("2027-01-01 (New Year's Day), 2027-02-05 (Spring Festival)"),
        },
      },
    ]);
    const withoutMidAutumn = statutory2027.filter((d) => d !== '2027-09-15');
    expect(scheduleEntryProblems({ year: 2027, holidays: withoutMidAutumn, workdays: [] })[0]!.message.en).toMatch(
      /missing: 2027-09-15 \(Mid-Autumn Festival\) \(/,
    );
    // Before the 2025 rules (除夕 and 2 May were not statutory) and outside the lunar tables: not checked.
    expect(scheduleEntryProblems({ year: 2024, holidays: [], workdays: [] })).toEqual([]);
    expect(scheduleEntryProblems({ year: 2100, holidays: [], workdays: [] })).toEqual([]);
  });
});

describe('scheduleImportProblems: every rule the API and the CLI apply to a schedule sent to them', () => {
  const TODAY = '2026-12-02';
  const statutory2027 = statutoryWeekdays(2027).map((h) => h.date);
  const pairs = (ps: Array<{ field: string; rule: string }>) => ps.map((p) => [p.field, p.rule]);

  it('takes a year holding its statutory weekday holidays, this year or later', () => {
    expect(scheduleImportProblems({ year: 2027, holidays: statutory2027, workdays: ['2027-02-14'] }, { today: TODAY })).toEqual([]);
    const statutory2026 = statutoryWeekdays(2026).map((h) => h.date);
    expect(scheduleImportProblems({ year: 2026, holidays: statutory2026, workdays: [] }, { today: TODAY })).toEqual([]);
  });

  it('refuses a year that has ended (rule not-past at year), whatever its days', () => {
    const statutory2025 = statutoryWeekdays(2025).map((h) => h.date);
    expect(scheduleImportProblems({ year: 2025, holidays: statutory2025, workdays: [] }, { today: TODAY })).toEqual([
      {
        field: 'year',
        rule: 'not-past',
        message: { zh: '只能登记或修改本年度及以后的放假安排', en: "Only this and later years' holiday schedule may be filed or changed" },
      },
    ]);
    expect(pairs(scheduleImportProblems({ year: 2025, holidays: [], workdays: [] }, { today: TODAY }))).toEqual([
      ['year', 'not-past'],
      ['holidays', 'statutory-holidays'],
    ]);
    expect(pastYearProblem(2026, '2026-01-01', { zh: '年度出访计划', en: 'outbound plan' })).toBeUndefined();
    expect(pastYearProblem(2025, '2026-01-01', { zh: '年度出访计划', en: 'outbound plan' })?.message.en).toBe(
      "Only this and later years' outbound plan may be filed or changed",
    );
  });

  it('entry problems then the calendar rules, each at its place as sent (thirtieth trial: the calendar rules counted in the sorted lists)', () => {
    expect(
      pairs(
        scheduleImportProblems(
          { year: 2027, holidays: ['2027-01-01', '2028-01-01', '2027-01-01'], workdays: ['2027-02-15'] },
          { today: TODAY },
        ),
      ),
    ).toEqual([
      ['holidays[2]', 'unique'],
      ['holidays', 'statutory-holidays'],
      ['holidays[1]', 'in-year'],
      ['workdays[0]', 'weekend'],
    ]);
    // The handed input: a 2028 schedule with a 2027 day sent last is named there, not at the sorted list's first place.
    const days2028 = ['2028-01-01', '2028-05-01', '2027-12-31'];
    expect(
      pairs(scheduleImportProblems({ year: 2028, holidays: days2028, workdays: [] }, { today: TODAY })).filter(
        ([, rule]) => rule === 'in-year',
      ),
    ).toEqual([['holidays[2]', 'in-year']]);
  });

  it('holds the year to CALENDAR_YEARS: through the last year the statutory holidays are known (2100 unchecked before)', () => {
    const last = statutoryWeekdays(2099).map((h) => h.date);
    expect(scheduleImportProblems({ year: 2099, holidays: last, workdays: [] }, { today: TODAY })).toEqual([]);
    expect(scheduleImportProblems({ year: 2100, holidays: [], workdays: [] }, { today: TODAY })).toEqual([
      { field: 'year', rule: 'max', message: { zh: '不得大于2099', en: 'Must be at most 2099' } },
    ]);
    expect(pairs(scheduleImportProblems({ year: 1999, holidays: [], workdays: [] }, { today: TODAY }))).toEqual([
      ['year', 'min'],
      ['year', 'not-past'],
    ]);
  });
});

describe('adjusted working days (调休上班) as the State Council sets them', () => {
  const TODAY = '2026-12-02';
  const statutory2027 = statutoryWeekdays(2027).map((h) => h.date);
  const pairs = (ps: Array<{ field: string; rule: string }>) => ps.map((p) => [p.field, p.rule]);
  const weekends2027: string[] = [];
  for (let d = Date.UTC(2027, 0, 1); d < Date.UTC(2028, 0, 1); d += 86_400_000)
    if ([0, 6].includes(new Date(d).getUTCDay())) weekends2027.push(new Date(d).toISOString().slice(0, 10));
  const statutoryDates2027 = statutoryHolidays(2027).map((h) => h.date);

  it('refuses all 98 weekend days of 2027 as working days (trial: loaded, every running case re-planned)', () => {
    const workdays = weekends2027.filter((d) => !statutoryDates2027.includes(d));
    expect(workdays).toHaveLength(98);
    const problems = pairs(scheduleImportProblems({ year: 2027, holidays: statutory2027, workdays }, { today: TODAY }));
    expect(problems).toContainEqual(['workdays', 'plausible-count']);
    // Far from any break: e.g. 2027-03-06, a month from the Spring Festival and from Qingming.
    expect(problems).toContainEqual([`workdays[${workdays.indexOf('2027-03-06')}]`, 'near-holiday']);
    expect(problems.filter(([, rule]) => rule === 'near-holiday').length).toBeGreaterThan(50);
    expect(problems.every(([field, rule]) => field.startsWith('workdays') && ['plausible-count', 'near-holiday'].includes(rule!))).toBe(
      true,
    );
    const entry = scheduleEntryProblems({ year: 2027, holidays: statutory2027, workdays });
    expect(entry[entry.length - 1]).toEqual({
      field: 'workdays',
      rule: 'plausible-count',
      message: {
        zh: `调休上班98天，超过${MAX_ADJUSTED_WORKDAYS}天：国务院公布的放假安排每年约5-8天，请核对`,
        en: `98 adjusted working days, more than ${MAX_ADJUSTED_WORKDAYS}: the State Council's schedules give about 5-8 a year; check the list`,
      },
    });
  });

  it('refuses weekend days that are statutory holidays as working days (rule not-statutory at workdays[i])', () => {
    const workdays = ['2027-02-06', '2027-02-07', '2027-05-01', '2027-05-02', '2027-10-02', '2027-10-03'];
    expect(workdays.every((d) => weekends2027.includes(d) && statutoryDates2027.includes(d))).toBe(true);
    const problems = scheduleImportProblems({ year: 2027, holidays: statutory2027, workdays }, { today: TODAY });
    expect(pairs(problems)).toEqual(workdays.map((_, i) => [`workdays[${i}]`, 'not-statutory']));
    expect(problems[0]!.message).toEqual({
      zh: '2027-02-06 是法定节假日（春节），不能调休上班（《全国年节及纪念日放假办法》第二条）',
      en: '2027-02-06 is a statutory holiday (Spring Festival), not an adjusted working day (National Holidays Regulation, art. 2)',
    });
  });

  it('takes up to MAX_ADJUSTED_WORKDAYS within MAX_WORKDAY_HOLIDAY_DISTANCE days of a holiday, refuses one more', () => {
    expect(MAX_ADJUSTED_WORKDAYS).toBe(12);
    expect(MAX_WORKDAY_HOLIDAY_DISTANCE).toBe(7);
    // Weekend days within 7 days of 2027's statutory holidays and not on them.
    const near = weekends2027.filter(
      (d) => !statutoryDates2027.includes(d) && statutoryDates2027.some((h) => Math.abs(Date.parse(h) - Date.parse(d)) <= 7 * 86_400_000),
    );
    expect(near.length).toBeGreaterThan(MAX_ADJUSTED_WORKDAYS);
    const at = (n: number) => scheduleImportProblems({ year: 2027, holidays: statutory2027, workdays: near.slice(0, n) }, { today: TODAY });
    expect(at(MAX_ADJUSTED_WORKDAYS)).toEqual([]);
    expect(pairs(at(MAX_ADJUSTED_WORKDAYS + 1))).toEqual([['workdays', 'plausible-count']]);
    // 2027-02-14 is 6 days after 初三 (2027-02-08), 2027-02-20 is 12: refused, unless the schedule's own days off
    // reach it (a break to 2027-02-13, 7 days before).
    const springBreak = ['2027-02-09', '2027-02-10', '2027-02-11', '2027-02-12', '2027-02-13'];
    expect(
      pairs(scheduleImportProblems({ year: 2027, holidays: statutory2027, workdays: ['2027-02-14', '2027-02-20'] }, { today: TODAY })),
    ).toEqual([['workdays[1]', 'near-holiday']]);
    expect(
      scheduleImportProblems(
        { year: 2027, holidays: [...statutory2027, ...springBreak], workdays: ['2027-02-14', '2027-02-20'] },
        { today: TODAY },
      ),
    ).toEqual([]);
    expect(
      pairs(
        scheduleImportProblems(
          { year: 2027, holidays: [...statutory2027, ...springBreak.slice(0, 4)], workdays: ['2027-02-20'] },
          { today: TODAY },
        ),
      ),
    ).toEqual([['workdays[0]', 'near-holiday']]);
    // A working weekend at the end of December belongs to the next year's New Year (2011-12-31 in the 2012 notice).
    expect(pairs(scheduleEntryProblems({ year: 2027, holidays: statutory2027, workdays: ['2027-12-26'] }))).toEqual([]);
  });

  it('every published schedule in the chinese-days data (2004-2026, the State Council notices) passes', () => {
    const data = holidayData as unknown as { holidays: Record<string, string>; workdays: Record<string, string> };
    const years = [...new Set(Object.keys(data.workdays).map((d) => Number(d.slice(0, 4))))].sort();
    expect(years).toEqual(expect.arrayContaining([2013, 2024, 2025, 2026]));
    for (const year of years) {
      const days = (m: Record<string, string>) =>
        Object.keys(m)
          .filter((d) => d.startsWith(`${year}-`))
          .sort();
      const schedule = { year, holidays: days(data.holidays), workdays: days(data.workdays) };
      expect([year, scheduleImportProblems(schedule, { today: `${year}-01-01` })]).toEqual([year, []]);
    }
  });
});

describe('CALENDAR_YEARS: the years a holiday schedule may be loaded for', () => {
  it('end with the last year the statutory holidays are known (2100 was taken unchecked); plans keep SCHEDULE_YEARS', () => {
    expect(CALENDAR_YEARS).toEqual({ from: 2000, to: 2099 });
    expect(CALENDAR_YEARS.to).toBe(STATUTORY_HOLIDAY_YEARS.to);
    // Annual plans and the workflow's signal check keep their years.
    expect(SCHEDULE_YEARS).toEqual({ from: 2000, to: 2100 });
    expect(statutoryWeekdays(CALENDAR_YEARS.to).length).toBeGreaterThan(0);
    expect(() => statutoryHolidays(CALENDAR_YEARS.to + 1)).toThrow(RangeError);
  });
});

describe('passports in custody: an expired passport reads expired, the custody state unchanged', () => {
  it('is expired the day after its expiry date while in custody; checked out it stays checked out or overdue', () => {
    const p = passport({ expiresOn: '2027-01-31' });
    expect(passportState(p, '2027-01-31')).toBe('in-custody');
    expect(passportState(p, '2027-02-01')).toBe('expired');
    expect(p.state).toBe('in-custody');
    const out = passport({ expiresOn: '2027-01-31', state: 'checked-out', dueBackOn: '2027-02-10' });
    expect(passportState(out, '2027-02-05')).toBe('checked-out');
    expect(passportState(out, '2027-02-11')).toBe('overdue');
    expect(passportState(passport({ expiresOn: '2020-01-01', state: 'cancelled' }), '2027-01-01')).toBe('cancelled');
  });
});

describe('manual check-out: an open case with the holder, due back by the check-in rule', () => {
  const found = { caseId: 'c1', open: true, returnDate: '2027-03-19', personIds: ['P1', 'P2'] };
  const input = (dueBackOn: string | undefined, today = '2027-03-01') => ({ holder: 'P1', dueBackOn, today, dueDays: 7 });

  it('takes the days from the definition’s check-in step (P02), not a number of its own', () => {
    expect(checkInDueDays(DEFAULT_DEFINITION)).toBe(7);
    expect(checkInDueDays({ steps: [] })).toBeNull();
  });

  it('accepts a due date from today to the return date plus the days; defaults to the latest', () => {
    expect(checkOutProblems(input('2027-03-26'), found)).toEqual({ latest: '2027-03-26', errors: [] });
    expect(checkOutProblems(input('2027-03-01'), found).errors).toEqual([]);
    expect(checkOutProblems(input(undefined), found)).toEqual({ latest: '2027-03-26', errors: [] });
  });

  it.each([['2020-01-01'], ['2027-02-28'], ['2027-03-27'], ['9999-12-31']])('refuses a due date of %s (due-back-window)', (due) => {
    expect(checkOutProblems(input(due), found).errors.map((e) => [e.field, e.rule])).toEqual([['dueBackOn', 'due-back-window']]);
  });

  it('refuses no case, a closed case and a case without the holder at caseId (open-case-member)', () => {
    for (const c of [null, { ...found, open: false }, { ...found, personIds: ['P2'] }])
      expect(checkOutProblems(input('2027-03-20'), c).errors.map((e) => [e.field, e.rule])).toEqual([['caseId', 'open-case-member']]);
  });
  it('a passport that does not last 6 months past the return does not go out for the trip (valid-for-trip)', () => {
    const out = (expiresOn: string) => checkOutProblems({ ...input('2027-03-20'), expiresOn }, found).errors;
    expect(out('2027-09-18').map((e) => [e.field, e.rule])).toEqual([['path.number', 'valid-for-trip']]);
    expect(out('2027-09-18')[0]!.message.en).toBe(
      "The passport expires on 2027-09-18, less than 6 months after the case's return (2027-03-19; valid until 2027-09-19 needed)",
    );
    expect(out('2027-09-19')).toEqual([]);
  });
  it("second trial: only the holder's newest valid passport in custody goes out (travel-passport), not the one a new passport replaces", () => {
    const out = (number: string, travel: string | null) => checkOutProblems({ ...input('2027-03-20'), number, travel }, found);
    expect(out('SE2345678', 'EN7777001').errors).toEqual([
      {
        field: 'path.number',
        rule: 'travel-passport',
        message: {
          zh: '持照人在库的最新有效护照是 EN7777001：借出用于出访的须是该护照',
          en: "The holder's newest valid passport in custody is EN7777001: that is the one checked out for a trip",
        },
      },
    ]);
    expect(out('EN7777001', 'EN7777001').errors).toEqual([]);
    expect(out('EN7777001', null).errors).toEqual([]);
  });
});

describe('one person once on the rosters (name key, gender, date of birth)', () => {
  const person = (over: Partial<RegisteredPerson> = {}): RegisteredPerson => ({
    personId: 'P1',
    unit: 'u1',
    name: '张三',
    gender: 'male',
    dateOfBirth: '1970-05-01',
    rank: 'bureau',
    position: '副市长',
    partyMember: true,
    classifiedAccess: false,
    leadershipTeam: null,
    status: 'active',
    ...over,
  });

  it('finds an active entry of the same identity under another id, the name compared as personNameKey compares it', () => {
    const there = person();
    expect(duplicatePerson(person({ personId: 'P2', name: '张 三' }), [there])).toBe(there);
    expect(duplicatePerson(person({ personId: 'P2', unit: 'u2', name: '张\u200b三' }), [there])).toBe(there);
    expect(personIdentityKey(person({ name: ' 张三 ' }))).toBe(personIdentityKey(there));
    // Third trial: the same person registered again in traditional characters escaped as another.
    expect(duplicatePerson(person({ personId: 'P3', unit: 'u2', name: '張三' }), [there])).toBe(there);
    expect(personIdentityKey(person({ name: '張三' }))).toBe(personIdentityKey(there));
    // Another name stays another person.
    expect(duplicatePerson(person({ personId: 'P4', name: '张四' }), [there])).toBeNull();
  });

  it('a namesake of another birth date or gender, the person itself, and inactive entries are not duplicates', () => {
    const there = person();
    expect(duplicatePerson(person({ personId: 'P2', dateOfBirth: '1971-05-01' }), [there])).toBeNull();
    expect(duplicatePerson(person({ personId: 'P2', gender: 'female' }), [there])).toBeNull();
    expect(duplicatePerson(person(), [there])).toBeNull();
    expect(duplicatePerson(person({ personId: 'P2' }), [person({ status: 'left' })])).toBeNull();
    expect(duplicatePerson(person({ personId: 'P2', status: 'retired' }), [there])).toBeNull();
  });

  it('names the registered id only when given', () => {
    expect(duplicatePersonLabel(person(), 'P1').en).toContain('as P1');
    expect(JSON.stringify(duplicatePersonLabel(person(), null))).not.toContain('P1');
  });
});

describe("the office's own units stand under none of the units they serve (trial 79)", () => {
  const u = (code: string, parentCode: string | null = null, supervisingDepartment: string | null = null) => ({
    code,
    parentCode,
    supervisingDepartment,
  });
  it('refuses a bureau as the FAO’s parent or supervising department; another office unit, and any other unit’s, are taken', () => {
    const office = ['fao', 'city'];
    expect(officeUnitRegistryProblems(u('fao', 'commerce', 'commerce'), office).map((p) => [p.field, p.rule])).toEqual([
      ['parentCode', 'office-unit'],
      ['supervisingDepartment', 'office-unit'],
    ]);
    expect(officeUnitRegistryProblems(u('FAO', 'commerce'), office)).toHaveLength(1);
    expect(officeUnitRegistryProblems(u('fao', 'city'), office)).toEqual([]);
    expect(officeUnitRegistryProblems(u('commerce', 'city', 'fao'), office)).toEqual([]);
  });
});

describe('unit references: registered units, no cycle', () => {
  const u = (code: string, parentCode: string | null = null, supervisingDepartment: string | null = null) => ({
    code,
    nameZh: `单位${code}`,
    nameEn: `Unit ${code}`,
    parentCode,
    supervisingDepartment,
  });

  it('refuses an unregistered parent or supervising department', () => {
    expect(unitReferenceProblems(u('a', 'nope', 'none'), [u('b')]).map((p) => [p.field, p.rule])).toEqual([
      ['parentCode', 'registered-unit'],
      ['supervisingDepartment', 'registered-unit'],
    ]);
  });

  it('refuses a reference that leads back to the unit, along either relation', () => {
    expect(unitReferenceProblems(u('a', 'b'), [u('a'), u('b', 'a')]).map((p) => [p.field, p.rule])).toEqual([['parentCode', 'no-cycle']]);
    expect(unitReferenceProblems(u('a', null, 'b'), [u('b', null, 'c'), u('c', null, 'a')]).map((p) => [p.field, p.rule])).toEqual([
      ['supervisingDepartment', 'no-cycle'],
    ]);
  });

  it('refuses a new code that is a registered unit’s in other letter case (trial: COMMERCE beside commerce); the unit itself may be written again', () => {
    expect(unitReferenceProblems({ ...u('COMMERCE'), nameZh: '商务', nameEn: 'Commerce' }, [u('commerce'), u('fao')])).toEqual([
      {
        field: 'code',
        rule: 'unique-code',
        message: {
          zh: '单位代码与已备案单位 commerce 仅大小写不同，请使用该单位或另取代码',
          en: 'Differs from the registered unit commerce only in letter case: use that unit or another code',
        },
      },
    ]);
    expect(unitReferenceProblems(u('commerce', 'fao'), [u('commerce'), u('fao')])).toEqual([]);
  });

  it('refuses a name another unit bears as people read it (trial 79: a second 市商务局); a name the unit already bore stays', () => {
    const commerce = { ...u('commerce'), nameZh: '市商务局', nameEn: 'Municipal Bureau of Commerce' };
    for (const nameZh of ['市商务局', ' 市 商务局 ', '市商務局', '市商务局。', '市\u200b商务局'])
      expect(unitReferenceProblems({ ...u('commerce2'), nameZh }, [commerce, u('fao')])).toEqual([
        {
          field: 'nameZh',
          rule: 'unique-name',
          message: {
            zh: '中文名称与已备案单位 commerce（市商务局）相同，请使用该单位或另取名称',
            en: "The Chinese name is the registered unit commerce's (市商务局): use that unit or another name",
          },
        },
      ]);
    expect(
      unitReferenceProblems({ ...u('trade'), nameEn: 'MUNICIPAL  bureau of commerce' }, [commerce]).map((p) => [p.field, p.rule]),
    ).toEqual([['nameEn', 'unique-name']]);
    // The unit itself, renamed or not; and two namesakes registered before the rule, the one edited keeping its name.
    expect(unitReferenceProblems({ ...commerce, nameEn: 'Bureau of Commerce' }, [commerce])).toEqual([]);
    const twin = { ...commerce, code: 'commerce-old' };
    expect(unitReferenceProblems({ ...twin, parentCode: 'fao' }, [commerce, twin, u('fao')])).toEqual([]);
    expect(unitReferenceProblems({ ...u('x'), nameZh: '市商务局二处' }, [commerce])).toEqual([]);
    // Trial 84: another unit's English name as the Chinese one.
    expect(
      unitReferenceProblems({ ...u('commerce3'), nameZh: 'Municipal Bureau of Commerce' }, [commerce]).map((p) => [
        p.field,
        p.rule,
        p.message.zh,
      ]),
    ).toEqual([['nameZh', 'unique-name', '中文名称与已备案单位 commerce（Municipal Bureau of Commerce）相同，请使用该单位或另取名称']]);
    expect(unitNameKey('市 商務局（二处）')).toBe(unitNameKey('市商务局二处'));
  });

  it('accepts a chain, a tree, and a cycle elsewhere that does not pass through the unit', () => {
    expect(unitReferenceProblems(u('a', 'b', 'c'), [u('b', 'c'), u('c')])).toEqual([]);
    expect(unitReferenceProblems(u('a', 'b'), [u('b', 'x'), u('x', 'y'), u('y', 'x')])).toEqual([]);
    // Self is the API's not-self rule, not this one.
    expect(unitReferenceProblems(u('a', 'a'), [])).toEqual([]);
  });
});

describe('codeProblems: a registry code as typed (trial 56: ＡＢＣ１２３ refused only by the API)', () => {
  it.each([
    ['T56UNIT', []],
    ['commerce.sub-1', []],
    ['', [['code', 'required']]],
    ['   ', [['code', 'required']]],
    ['ＡＢＣ１２３', [['code', 'format']]],
    ['__proto__', [['code', 'format']]],
    ['x'.repeat(65), [['code', 'format']]],
  ])('%p: %p', (code, expected) => expect(codeProblems('code', code).map((p) => [p.field, p.rule])).toEqual(expected));

  it('says the rule as the API does', () =>
    expect(codeProblems('personId', 'a b')).toEqual([{ field: 'personId', rule: 'format', message: CODE_WORDS }]));
});

describe('the dates a registry holds (new-user trials: a passport issued before its holder was born, a staff member aged 126)', () => {
  const today = '2026-12-01';
  const rules = (ps: Array<{ field: string; rule: string }>) => ps.map((p) => [p.field, p.rule]);
  const bilingual = (ps: Array<{ message: { zh: string; en: string } }>) =>
    ps.every((p) => /[\u4e00-\u9fff]/.test(p.message.zh) && /^[A-Z]/.test(p.message.en));

  it('handed input: a staff member born 1900-01-01 (126 today) is dateOfBirth working-age; 100 years old is taken, 101 is not', () => {
    const aged = birthDateProblems('1900-01-01', today);
    expect(rules(aged)).toEqual([['dateOfBirth', 'working-age']]);
    expect(bilingual(aged)).toBe(true);
    expect(aged[0]!.message.en).toContain(`${MAX_STAFF_AGE} years old`);
    expect(birthDateProblems('1926-12-02', today)).toEqual([]); // 100 years old, 101 tomorrow
    expect(rules(birthDateProblems('1925-12-01', today))).toEqual([['dateOfBirth', 'working-age']]); // 101 today
    expect(birthDateProblems('1980-05-01', today)).toEqual([]);
  });

  it('a birth date in the future or before 1900 is plausible-date; under 16 working-age; no calendar date gets no rule here', () => {
    expect(rules(birthDateProblems('2026-12-02', today))).toEqual([['dateOfBirth', 'plausible-date']]);
    expect(rules(birthDateProblems('1800-06-01', today))).toEqual([['dateOfBirth', 'plausible-date']]);
    expect(rules(birthDateProblems('2026-11-30', today))).toEqual([['dateOfBirth', 'working-age']]);
    expect(rules(birthDateProblems('2010-12-02', today))).toEqual([['dateOfBirth', 'working-age']]); // 16 tomorrow
    expect(birthDateProblems('2010-12-01', today)).toEqual([]); // 16 today
    expect(birthDateProblems('2027-02-30', today)).toEqual([]);
  });

  it('handed input: a passport issued 1975-01-01 to a holder born 1980-05-01 is issuedOn after-birth', () => {
    const refused = passportBirthProblems('1980-05-01', [{ issuedOn: '1975-01-01' }], 'issuedOn');
    expect(rules(refused)).toEqual([['issuedOn', 'after-birth']]);
    expect(bilingual(refused)).toBe(true);
    expect(refused[0]!.message.en).toContain('1980-05-01');
    expect(passportBirthProblems('1980-05-01', [{ issuedOn: '1980-05-01' }], 'issuedOn')).toEqual([]);
    expect(passportBirthProblems('1980-05-01', [{ issuedOn: '2021-07-01' }], 'issuedOn')).toEqual([]);
  });

  it("a roster write moving a holder's birth after a passport's issue is dateOfBirth after-birth, naming the earliest issue date", () => {
    const passports = [{ issuedOn: '2021-07-01' }, { issuedOn: '1999-03-03' }, { issuedOn: '2001-01-01' }];
    const refused = passportBirthProblems('2000-01-01', passports, 'dateOfBirth');
    expect(rules(refused)).toEqual([['dateOfBirth', 'after-birth']]);
    expect(refused[0]!.message.en).toContain('1999-03-03');
    expect(passportBirthProblems('1970-01-01', passports, 'dateOfBirth')).toEqual([]);
    expect(passportBirthProblems('1970-01-01', [], 'dateOfBirth')).toEqual([]);
  });

  it("a passport's own dates: issued not after today, expiring after its issue and within ten years", () => {
    expect(passportDateProblems({ issuedOn: '2021-07-01', expiresOn: '2031-07-01' }, today)).toEqual([]);
    expect(rules(passportDateProblems({ issuedOn: '2026-12-02', expiresOn: '2036-12-01' }, today))).toEqual([['issuedOn', 'not-future']]);
    expect(rules(passportDateProblems({ issuedOn: '2021-07-01', expiresOn: '2021-07-01' }, today))).toEqual([['expiresOn', 'after-issue']]);
    expect(rules(passportDateProblems({ issuedOn: '2021-07-01', expiresOn: '2020-01-01' }, today))).toEqual([['expiresOn', 'after-issue']]);
    expect(rules(passportDateProblems({ issuedOn: '2021-07-01', expiresOn: '2031-07-02' }, today))).toEqual([
      ['expiresOn', 'max-validity'],
    ]);
    expect(rules(passportDateProblems({ issuedOn: '2099-01-01', expiresOn: '2098-01-01' }, today))).toEqual([
      ['issuedOn', 'not-future'],
      ['expiresOn', 'after-issue'],
    ]);
    // A long-expired passport is a record the ledger may hold.
    expect(passportDateProblems({ issuedOn: '2005-01-01', expiresOn: '2015-01-01' }, today)).toEqual([]);
    // A date that is no calendar date is the request's `date` refusal alone: no rule on the other end.
    expect(passportDateProblems({ issuedOn: '2027-02-30', expiresOn: '2026-01-01' }, today)).toEqual([]);
    expect(passportDateProblems({ issuedOn: '2021-07-01', expiresOn: '2027-02-30' }, today)).toEqual([]);
  });

  it('an expired passport never travels: expired the day after its expiry, and a trip on it needs a new passport', () => {
    const old = passport({ number: 'SE0000001', issuedOn: '2005-01-01', expiresOn: '2015-01-01' });
    expect(passportExpired(old, '2015-01-01')).toBe(false);
    expect(passportExpired(old, '2015-01-02')).toBe(true);
    expect(passportExpiredLabel(old).en).toContain('2015-01-01');
    // The roster snapshot of a holder whose only passport is expired: the trip rules ask for a new one (C01-C06).
    const person: RegisteredPerson = {
      personId: 'P1',
      unit: 'commerce',
      name: '张三',
      gender: 'male',
      dateOfBirth: '1970-01-01',
      rank: 'division',
      position: '处长',
      partyMember: false,
      classifiedAccess: false,
      leadershipTeam: null,
      status: 'active',
    };
    const member = snapshotMember({ ...makeFacts().members[0]!, personId: 'P1' }, person, [old]);
    expect(needsNewPassport(member, '2027-03-19')).toBe(true);
  });
});

describe('unregisteredClerk (专办员备案)', () => {
  it('a unit with clerks registered takes submissions only from them, usernames without letter case; one with none from anyone', () => {
    expect(unregisteredClerk({ clerks: ['organizer.commerce'] }, 'Organizer.Commerce')).toBeNull();
    expect(unregisteredClerk({ clerks: [] }, 'anyone')).toBeNull();
    expect(unregisteredClerk({ clerks: ['a.one', 'b.two'] }, 'c.three')).toEqual({
      zh: expect.stringContaining('a.one、b.two'),
      en: expect.stringContaining("not one of the unit's registered clerks (a.one, b.two)"),
    });
  });
});
