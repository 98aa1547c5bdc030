import request from 'supertest';
import { DataSource } from 'typeorm';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';
import {
  bearer,
  canonicalSubmission,
  createTestUsers,
  registerTestUnit,
  startTestApi,
  type TestApi,
  type TestUsers,
  registerRosterPerson,
} from '../support/api-harness';

/**
 * The new-user trial: 李四 of the roster on case A (2027-03-10 → 03-17), then on case B departing 03-12: both were
 * accepted (A08 counts only departed trips). A person on another open case whose trip window overlaps (days
 * inclusive) is refused: MEMBER_ON_OPEN_CASE at members[i], in the dry run, at submission and on an amendment.
 */
describe('one person is not on two open cases at overlapping dates', () => {
  let worker: TestWorker;
  let api: TestApi;
  let users: TestUsers;
  let personId: string;

  const trip = (title: string, departureDate: string, returnDate: string, countries: string[] = ['US']) => {
    const base = canonicalSubmission(users.unit, { title });
    const legs =
      countries.length === 1
        ? [[departureDate, returnDate]]
        : [
            [departureDate, departureDate],
            [departureDate, returnDate],
          ];
    return {
      ...base,
      departureDate,
      returnDate,
      destinations: countries.map((country, i) => ({ ...base.destinations[0]!, country, arrive: legs[i]![0], leave: legs[i]![1] })),
      members: [{ id: 'm1', personId, position: '科员' }],
    };
  };
  const check = (body: object) => request(api.http).post('/api/delegations/check').set(bearer(users.tokens.organizer)).send(body);
  const submit = (body: object) => request(api.http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(body);
  /** The case's members are projected (case.submitted folded into case_members): what the rule reads. */
  const projected = (caseId: string) =>
    eventually(
      () => api.app.get(DataSource).query('SELECT 1 FROM case_members WHERE case_id = $1', [caseId]) as Promise<unknown[]>,
      (rows) => rows.length > 0,
    );

  beforeAll(async () => {
    // A slow clock: the cases stay in their first steps.
    worker = await startTestWorker({ workingDaySeconds: 60 });
    api = await startTestApi({ taskQueue: worker.config.taskQueue, workingDaySeconds: 60 });
    users = await createTestUsers(api);
    personId = `P-${users.unit}-lisi`;
    await registerTestUnit(api, users);
    // Staff (no frequency limit): the overlap rule alone. A ranked member's other open case is also a planned trip
    // toward their frequency limit (FREQUENCY_EXCEEDED beside MEMBER_ON_OPEN_CASE: planned-trips.test.ts).
    await registerRosterPerson(api, users, personId, { name: '李四', dateOfBirth: '1972-03-01', rank: 'staff', position: '科员' });
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });

  it('handed input: 李四 on case A (03-10 → 03-17), case B departing 03-12 → refused in /check, at submission and on an amendment; apart → accepted; A withdrawn → accepted', async () => {
    const a = (await submit(trip('案件甲', '2027-03-10', '2027-03-17', ['US', 'CA'])).expect(201)).body.caseId as string;
    await projected(a);

    const b = trip('案件乙', '2027-03-12', '2027-03-16', ['US', 'CA']);
    const refusal = {
      code: 'MEMBER_ON_OPEN_CASE',
      field: 'members[0]',
      message: {
        zh: `李四已在另一未结案件“案件甲”（${a}，2027-03-10至2027-03-17）中，与本次出访期间重叠：同一人不能同时出访两次`,
        en: `Member 李四 is already on another open case “案件甲” (${a}, 2027-03-10 to 2027-03-17), which overlaps this trip: one person cannot be on two trips at once`,
      },
      details: { memberId: 'm1', departureDate: '2027-03-10', returnDate: '2027-03-17', caseId: a, title: '案件甲' },
    };
    expect((await check(b).expect(200)).body).toEqual({ ok: false, violations: [refusal] });
    const refused = (await submit(b).expect(422)).body;
    expect(refused.code).toBe('RULE_VIOLATION');
    expect(refused.errors).toEqual([{ field: 'members[0]', rule: 'MEMBER_ON_OPEN_CASE', message: refusal.message }]);
    // Departing on A's return day overlaps (days inclusive); the day after does not.
    expect((await check(trip('案件乙', '2027-03-17', '2027-03-21')).expect(200)).body.violations).toEqual([
      expect.objectContaining({ code: 'MEMBER_ON_OPEN_CASE', field: 'members[0]' }),
    ]);
    const c = (await submit(trip('案件丙', '2027-03-18', '2027-03-22')).expect(201)).body.caseId as string;
    await projected(c);

    // An amendment of C into A's window is refused under changes; C moved within its own dates is not its own rival.
    const amend = (changes: object) =>
      request(api.http).post(`/api/delegations/${c}/amend`).set(bearer(users.tokens.organizer)).send({ changes });
    const into = { departureDate: '2027-03-16', returnDate: '2027-03-20' };
    const intoA = { ...into, destinations: trip('', into.departureDate, into.returnDate).destinations };
    const amended = (await amend(intoA).expect(422)).body;
    expect(amended.code).toBe('RULE_VIOLATION');
    expect(amended.errors).toEqual([{ field: 'changes.members[0]', rule: 'MEMBER_ON_OPEN_CASE', message: refusal.message }]);
    const within = { departureDate: '2027-03-19', returnDate: '2027-03-22' };
    await amend({ ...within, destinations: trip('', within.departureDate, within.returnDate).destinations }).expect(200);

    // Once A is withdrawn (closed), B is accepted.
    await request(api.http)
      .post(`/api/delegations/${a}/withdraw`)
      .set(bearer(users.tokens.organizer))
      .send({ reason: '邀请方推迟活动' })
      .expect(200);
    const after = await eventually(
      () => check(b).then((r) => r.body as { ok: boolean }),
      (r) => r.ok,
    );
    expect(after).toMatchObject({ ok: true, violations: [] });
    await submit(b).expect(201);
  });

  it('third trial: a typed member spelled another way (赵 六, 趙六) is the same person: refused in /check and at submission', async () => {
    const typed = (name: string, passportNumber: string) => {
      const base = canonicalSubmission(users.unit, { title: `同名异写 ${name}` });
      const member = base.members[0]!;
      return {
        ...base,
        departureDate: '2027-04-10',
        returnDate: '2027-04-12',
        destinations: [{ ...base.destinations[0]!, arrive: '2027-04-10', leave: '2027-04-12' }],
        members: [{ ...member, name, rank: 'staff', passport: { ...member.passport, inCustody: false, number: passportNumber } }],
      };
    };
    const first = (await submit(typed('赵六', 'E22222222')).expect(201)).body.caseId as string;
    await projected(first);
    for (const [name, number] of [
      ['赵 六', 'E33333333'],
      ['趙六', 'E11111111'],
      ['趙\u200b六', 'E44444444'],
      // Fifth trial: punctuation around a name (李四. escaped 李四's open case, rank and frequency).
      ['赵六.', 'E66666666'],
      ['赵-六', 'E77777777'],
      // (赵六（）: no name since trial 79, refused as `person-name` below.)
    ] as const) {
      expect([name, (await check(typed(name, number)).expect(200)).body.violations]).toEqual([
        name,
        [expect.objectContaining({ code: 'MEMBER_ON_OPEN_CASE', field: 'members[0]' })],
      ]);
      expect((await submit(typed(name, number)).expect(422)).body.errors).toEqual([
        expect.objectContaining({ field: 'members[0]', rule: 'MEMBER_ON_OPEN_CASE' }),
      ]);
    }
    // Another person (another name) is not held by 赵六's case.
    expect((await check(typed('赵七', 'E55555555')).expect(200)).body).toMatchObject({ ok: true, violations: [] });
    // A name without a letter is no person's name (fifth trial: a member named 12345 was accepted).
    // Nor markup or a statement (trial 79: both were registered on a roster).
    for (const path of ['/api/delegations/check', '/api/delegations'])
      for (const name of ['12345', '<script>alert(1)</script>', "Robert'); DROP TABLE people;--", '赵六（）']) {
        const refused = (await request(api.http).post(path).set(bearer(users.tokens.organizer)).send(typed(name, 'E99999999')).expect(422))
          .body;
        expect([name, refused.errors]).toEqual([name, [expect.objectContaining({ field: 'members[0].name', rule: 'person-name' })]]);
      }
  });

  it('third trial: one typed person (one passport number) on overlapping trips of two units, under two names: refused in /check, at submission, on an amendment and when both are sent at once', async () => {
    const other = await createTestUsers(api);
    await registerTestUnit(api, other);
    const number = `G${String(Date.now()).slice(-8)}`;
    // The number as another clerk types it: lower case, spaced as printed (passportNumberKey compares it as the same).
    const retyped = `${number.slice(0, 1).toLowerCase()} ${number.slice(1)}`;
    const typed = (u: TestUsers, name: string, passportNumber: string, departureDate: string, returnDate: string) => {
      const base = canonicalSubmission(u.unit, { title: `护照同号 ${name}` });
      const member = base.members[0]!;
      return {
        ...base,
        departureDate,
        returnDate,
        destinations: [{ ...base.destinations[0]!, arrive: departureDate, leave: returnDate }],
        members: [{ ...member, name, rank: 'staff', passport: { ...member.passport, inCustody: false, number: passportNumber } }],
      };
    };
    const as = (u: TestUsers) => ({
      check: (body: object) => request(api.http).post('/api/delegations/check').set(bearer(u.tokens.organizer)).send(body),
      submit: (body: object) => request(api.http).post('/api/delegations').set(bearer(u.tokens.organizer)).send(body),
    });
    const first = (
      await as(users)
        .submit(typed(users, '孙七', number, '2027-08-10', '2027-08-14'))
        .expect(201)
    ).body.caseId as string;
    await projected(first);

    // The other unit's clerk types the same passport under another name: it is another person's passport
    // (passport-holder, as the ledger's; fifteenth trial), in the dry run and the submission alike.
    const renamed = typed(other, '孙琪', retyped, '2027-08-20', '2027-08-22');
    for (const res of [await as(other).check(renamed), await as(other).submit(renamed)])
      expect([res.status, res.body.errors]).toEqual([
        422,
        [expect.objectContaining({ field: 'members[0].passport.number', rule: 'passport-holder' })],
      ]);
    // Under the same name, at overlapping dates (the unit + name key never met it: the passport number did).
    const overlapping = typed(other, '孙七', retyped, '2027-08-12', '2027-08-16');
    const held = expect.objectContaining({ code: 'MEMBER_ON_OPEN_CASE', field: 'members[0]' });
    expect((await as(other).check(overlapping).expect(200)).body.violations).toEqual([held]);
    expect((await as(other).submit(overlapping).expect(422)).body.errors).toEqual([
      expect.objectContaining({ field: 'members[0]', rule: 'MEMBER_ON_OPEN_CASE' }),
    ]);
    // Another passport under that name is another person; the same passport after the first trip is accepted.
    expect(
      (
        await as(other)
          .check(typed(other, '孙七', `H${number.slice(1)}`, '2027-08-12', '2027-08-16'))
          .expect(200)
      ).body,
    ).toMatchObject({
      ok: true,
      violations: [],
    });
    const later = (
      await as(other)
        .submit(typed(other, '孙七', retyped, '2027-08-20', '2027-08-22'))
        .expect(201)
    ).body.caseId as string;
    await projected(later);
    // …and amended into the first trip's dates: refused under changes.
    const into = typed(other, '孙七', retyped, '2027-08-13', '2027-08-15');
    const amended = await request(api.http)
      .post(`/api/delegations/${later}/amend`)
      .set(bearer(other.tokens.organizer))
      .send({ changes: { departureDate: into.departureDate, returnDate: into.returnDate, destinations: into.destinations } })
      .expect(422);
    expect(amended.body.errors).toEqual([expect.objectContaining({ field: 'changes.members[0]', rule: 'MEMBER_ON_OPEN_CASE' })]);

    // Two units sending one new passport number at the same moment: one case is started, the other refused (the claim).
    const fresh = `K${String(Date.now()).slice(-8)}`;
    const both = await Promise.all([
      as(users).submit(typed(users, '周八', fresh, '2027-09-10', '2027-09-12')),
      as(other).submit(typed(other, '周捌', fresh.toLowerCase(), '2027-09-11', '2027-09-13')),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 422]);
  });

  it('two submissions naming 李四 at overlapping dates at the same moment: one case is started, the other refused (the members claimed under a lock per person)', async () => {
    // Before the claims both passed: each checked case_members before the other case was projected.
    for (let round = 0; round < 3; round++) {
      const day = (d: number) => `2027-0${5 + round}-${String(d).padStart(2, '0')}`;
      const answers = await Promise.all([
        submit(trip(`同时甲${round}`, day(10), day(14))),
        submit(trip(`同时乙${round}`, day(12), day(16))),
        submit(trip(`同时丙${round}`, day(14), day(14))),
      ]);
      expect(answers.map((r) => r.status).sort()).toEqual([201, 422, 422]);
      for (const refused of answers.filter((r) => r.status === 422))
        expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'members[0]', rule: 'MEMBER_ON_OPEN_CASE' })]);
      // The dry run sees the started case at once, projected or not.
      expect((await check(trip(`之后${round}`, day(14), day(14))).expect(200)).body.violations).toEqual([
        expect.objectContaining({ code: 'MEMBER_ON_OPEN_CASE', field: 'members[0]' }),
      ]);
    }
  });
});
