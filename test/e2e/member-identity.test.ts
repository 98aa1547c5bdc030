import request from 'supertest';
import { DataSource } from 'typeorm';
import { startTestWorker, type TestWorker } from '../support/harness';
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
 * The new-user trial: A08's trip-frequency limit was dodged by typing a roster person (name, passport fields)
 * instead of naming them by personId (two trip histories), by typing a lower rank, and by typing another unit's
 * passport number. A typed member whose passport number the custody ledger gives to a person of the unit IS that
 * person (typedMemberIdentity): the same trip history, the roster's rank, and a contradicting typed fact refused.
 */
describe('one identity for a member, typed or named from the roster', () => {
  let worker: TestWorker;
  let api: TestApi;
  let users: TestUsers;
  let others: TestUsers;
  const digits = String(Date.now()).slice(-7);
  const own = `SE${digits}`;
  const foreign = `SF${digits}`;
  let personId: string;

  const register = async (u: TestUsers, id: string, number: string) => {
    const as = (role: keyof TestUsers['tokens']) => bearer(u.tokens[role]);
    await registerTestUnit(api, u);
    // The OpenAPI example's member, on the roster: 张三, 厅局级 (bureau: once in 24 months).
    // Each unit's 张三 another person (one person once on the rosters: registerRosterPerson's birth dates).
    await registerRosterPerson(api, u, id, {
      name: '张三',
      rank: 'bureau',
      position: '副市长',
      partyMember: true,
      leadershipTeam: '市政府领导班子',
    });
    await request(api.http)
      .post('/api/registries/passports')
      .set(as('passport-officer'))
      .send({ number, type: 'official', issuedOn: '2021-07-01', expiresOn: '2031-06-30', holder: id })
      .expect(201);
  };
  /** The example submission of `users`' unit, its member typed with this passport number and these changes. */
  const typed = (number: string, member: Record<string, unknown> = {}) => {
    const body = canonicalSubmission(users.unit);
    const m = body.members[0]!;
    return { ...body, members: [{ ...m, name: '张三', passport: { ...m.passport, number }, ...member }] };
  };
  const check = (body: object) => request(api.http).post('/api/delegations/check').set(bearer(users.tokens.organizer)).send(body);
  const submit = (body: object) => request(api.http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(body);

  beforeAll(async () => {
    // A slow clock: the amended case stays in its first steps.
    worker = await startTestWorker({ workingDaySeconds: 60 });
    api = await startTestApi({ taskQueue: worker.config.taskQueue, workingDaySeconds: 60 });
    users = await createTestUsers(api);
    others = await createTestUsers(api);
    personId = `P-${users.unit}-1`;
    await register(users, personId, own);
    await register(others, `P-${others.unit}-1`, foreign);
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });

  it('handed input: a trip of 张三 named by personId counts against 张三 typed with his passport → FREQUENCY_EXCEEDED at members[0]', async () => {
    const body = typed(own);
    expect((await check(body).expect(200)).body).toMatchObject({ ok: true, violations: [] });
    // A departed case that named him by personId (member_trips keyed by the person id, as the projection writes it).
    await api.app
      .get(DataSource)
      .query(
        `INSERT INTO member_trips (case_id, member_id, person_key, unit, purpose, departure_date, return_date) VALUES ($1, 'm1', $2, $3, 'trade', '2026-09-01', '2026-09-04')`,
        [`trip-${users.unit}-by-id`, personId, users.unit],
      );
    const checked = (await check(body).expect(200)).body;
    expect(checked.ok).toBe(false);
    expect(checked.violations).toEqual([
      expect.objectContaining({
        code: 'FREQUENCY_EXCEEDED',
        field: 'members[0]',
        message: { zh: expect.stringContaining('24个月内已出访1次，限1次'), en: expect.any(String) },
      }),
    ]);
    const refused = (await submit(body).expect(422)).body;
    expect(refused.code).toBe('RULE_VIOLATION');
    expect(refused.errors).toEqual([expect.objectContaining({ field: 'members[0]', rule: 'FREQUENCY_EXCEEDED' })]);
  });

  it('handed input: a typed lower rank (一般工作人员, no limit) → 422 members[0].rank registry-value naming the registered rank', async () => {
    for (const res of [await check(typed(own, { rank: 'staff' })), await submit(typed(own, { rank: 'staff' }))]) {
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('INVALID_REQUEST');
      expect(res.body.errors).toEqual([
        {
          field: 'members[0].rank',
          rule: 'registry-value',
          message: { zh: expect.stringContaining('登记的职级为厅局级'), en: expect.stringContaining('the registered rank is Bureau') },
        },
      ]);
    }
  });

  it("handed input: another unit's passport number typed for a member (not claimed in custody) → 422 members[0].passport.number passport-holder", async () => {
    const notInCustody = typed(foreign, { passport: { inCustody: false, number: foreign, expiresOn: '2031-06-30' } });
    for (const res of [await check(notInCustody), await submit(notInCustody)]) {
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('INVALID_REQUEST');
      expect(res.body.errors).toEqual([
        {
          field: 'members[0].passport.number',
          rule: 'passport-holder',
          message: { zh: expect.stringContaining('属于另一人员'), en: expect.any(String) },
        },
      ]);
      // The holder is not named.
      expect(JSON.stringify(res.body)).not.toContain(others.unit);
    }
    // His own unit's passport under another name is another person's.
    expect((await check(typed(own, { name: '李四' })).expect(422)).body.errors).toEqual([
      expect.objectContaining({ field: 'members[0].passport.number', rule: 'passport-holder' }),
    ]);
  });

  describe('a passport claimed in custody (委托保管) is one the ledger holds for the unit: in-ledger', () => {
    const notHeld = `SK${digits}`;
    const inCustody = (number: string, expiresOn = '2031-06-30') => ({ passport: { inCustody: true, number, expiresOn } });
    const amendCase = async () => {
      const caseId = (await submit(typed(`SL${digits}`, { name: '周八', leadershipTeam: null, passport: null })).expect(201)).body
        .caseId as string;
      return (members: unknown[]) =>
        request(api.http).post(`/api/delegations/${caseId}/amend`).set(bearer(users.tokens.organizer)).send({ changes: { members } });
    };

    it('handed input: a typed member claiming a number the ledger does not hold in custody → 422 members[0].passport.inCustody in-ledger (check, submission, amendment)', async () => {
      const body = typed(notHeld, { name: '吴九', leadershipTeam: null, ...inCustody(notHeld) });
      const amend = await amendCase();
      for (const [res, field] of [
        [await check(body), 'members[0].passport.inCustody'],
        [await submit(body), 'members[0].passport.inCustody'],
        [await amend(body.members), 'changes.members[0].passport.inCustody'],
      ] as const) {
        expect([res.status, res.body.code]).toEqual([422, 'INVALID_REQUEST']);
        expect(res.body.errors).toEqual([
          {
            field,
            rule: 'in-ledger',
            message: { zh: expect.stringContaining('护照保管登记中本单位没有此号码的护照'), en: expect.stringContaining('custody ledger') },
          },
        ]);
      }
      // Not claimed in custody, the same member is taken as typed.
      const notClaimed = typed(notHeld, { name: '吴九', leadershipTeam: null, passport: { inCustody: false, number: notHeld } });
      expect((await check(notClaimed).expect(200)).body).toMatchObject({ ok: true, violations: [] });
    });

    it("another unit's number claimed in custody gets the very answer of a number not held: no oracle of another unit's passports", async () => {
      const answer = async (number: string) => {
        const res = await check(typed(number, { name: '吴九', leadershipTeam: null, ...inCustody(number) }));
        return [res.status, res.body.code, res.body.errors, res.body.message];
      };
      const [held, unknown] = [await answer(foreign), await answer(notHeld)];
      expect(held).toEqual(unknown);
      expect(held[2]).toEqual([expect.objectContaining({ field: 'members[0].passport.inCustody', rule: 'in-ledger' })]);
      // The same under the other unit's holder's name (张三 is theirs too): no passport-holder, no hint.
      const named = await check(typed(foreign, { ...inCustody(foreign), name: '张三' }));
      expect(named.body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'members[0].passport.inCustody', rule: 'in-ledger' })]),
      );
      expect(named.body.errors.map((e: { rule: string }) => e.rule)).not.toContain('passport-holder');
    });

    it('each member is checked and every problem collected: not held, another expiry (.expiresOn), not in custody now (lost)', async () => {
      const lost = `SM${digits}`;
      const holder = `P-${users.unit}-4`;
      await registerRosterPerson(api, users, holder, { name: '郑十', gender: 'female', rank: 'staff', position: '科员' });
      await request(api.http)
        .post('/api/registries/passports')
        .set(bearer(users.tokens['passport-officer']))
        .send({ number: lost, type: 'official', issuedOn: '2021-07-01', expiresOn: '2031-06-30', holder })
        .expect(201);
      await request(api.http)
        .post(`/api/registries/passports/${lost}/transitions`)
        .set(bearer(users.tokens['passport-officer']))
        .send({ to: 'lost', note: '持照人在机场遗失' })
        .expect(200);
      const base = typed(own);
      const body = {
        ...base,
        members: [
          { ...base.members[0]!, id: 'm1', name: '吴九', leadershipTeam: null, ...inCustody(notHeld) },
          { ...base.members[0]!, id: 'm2', ...inCustody(own, '2032-01-01') },
          {
            ...base.members[0]!,
            id: 'm3',
            name: '郑十',
            rank: 'staff',
            position: '科员',
            partyMember: false,
            leadershipTeam: null,
            ...inCustody(lost),
          },
        ],
      };
      const res = await check(body).expect(422);
      expect(res.body.errors).toEqual([
        expect.objectContaining({ field: 'members[0].passport.inCustody', rule: 'in-ledger' }),
        expect.objectContaining({ field: 'members[1].passport.expiresOn', rule: 'in-ledger' }),
        expect.objectContaining({
          field: 'members[2].passport.inCustody',
          rule: 'in-ledger',
          message: { zh: expect.stringContaining('挂失'), en: expect.any(String) },
        }),
      ]);
      // The number is personal data: never repeated.
      expect(JSON.stringify(res.body)).not.toContain(own);
    });

    it("a roster person's passport typed with their name is that person (typedMemberIdentity): their ledger passport, in custody", async () => {
      // Written as a clerk may write it: held in custody for the unit, so no in-ledger; and it is 张三, whose trip by
      // personId (the first test's) counts: the frequency rule reads the person.
      const res = await check(typed(own, inCustody(` ${own.toLowerCase()}`))).expect(200);
      expect(res.body.violations.map((v: { code: string }) => v.code)).toEqual(['FREQUENCY_EXCEEDED']);
    });
  });

  it('a roster person typed without his passport is named by personId: 422 members[0].name roster-person', async () => {
    expect((await check(typed('SG0000001', { passport: { inCustody: false, number: 'SG0000001' } })).expect(422)).body.errors).toEqual([
      expect.objectContaining({ field: 'members[0].name', rule: 'roster-person' }),
    ]);
    expect((await check(typed(own, { passport: null })).expect(422)).body.errors).toEqual([
      expect.objectContaining({ field: 'members[0].name', rule: 'roster-person' }),
    ]);
  });

  it('a roster person named by personId meets the trips he made typed before the registries knew him (unit:name)', async () => {
    const lisi = `P-${users.unit}-2`;
    await registerRosterPerson(api, users, lisi, { name: '李四', dateOfBirth: '1966-04-01' });
    const body = { ...canonicalSubmission(users.unit), members: [{ id: 'm1', personId: lisi }] };
    expect((await check(body).expect(200)).body).toMatchObject({ ok: true, violations: [] });
    await api.app
      .get(DataSource)
      .query(
        `INSERT INTO member_trips (case_id, member_id, person_key, unit, purpose, departure_date, return_date) VALUES ($1, 'm2', $2, $3, 'trade', '2026-09-01', '2026-09-04')`,
        [`trip-${users.unit}-typed`, `${users.unit}:李四`, users.unit],
      );
    expect((await check(body).expect(200)).body.violations).toEqual([
      expect.objectContaining({
        code: 'FREQUENCY_EXCEEDED',
        field: 'members[0]',
        message: expect.objectContaining({ zh: expect.stringContaining('12个月内已出访1次，限1次') }),
      }),
    ]);
  });

  it("a typed member whose passport is a departed person's → 422 members[0].passport.number active-person, the person id unsaid", async () => {
    const gone = `P-${users.unit}-3`;
    await registerRosterPerson(api, users, gone, {
      name: '王五',
      dateOfBirth: '1960-01-01',
      rank: 'bureau',
      position: '副市长',
      leadershipTeam: '市政府领导班子',
      status: 'left',
    });
    await request(api.http)
      .post('/api/registries/passports')
      .set(bearer(users.tokens['passport-officer']))
      .send({ number: `SJ${digits}`, type: 'official', issuedOn: '2021-07-01', expiresOn: '2031-06-30', holder: gone })
      .expect(201);
    const res = await check(typed(`SJ${digits}`, { name: '王五' })).expect(422);
    expect(res.body.errors).toEqual([
      {
        field: 'members[0].passport.number',
        rule: 'active-person',
        message: { zh: expect.stringContaining('已调离'), en: expect.any(String) },
      },
    ]);
    expect(JSON.stringify(res.body)).not.toContain(gone);
  });

  it("an amendment's changes.members pass the same identity: a lower rank and another unit's passport are refused under changes.", async () => {
    // A case of a person the registries do not know.
    const stranger = typed(`SH${digits}`, { name: '赵六', leadershipTeam: null, passport: { inCustody: false, number: `SH${digits}` } });
    const caseId = (await submit(stranger).expect(201)).body.caseId as string;
    const amend = (members: unknown[]) =>
      request(api.http).post(`/api/delegations/${caseId}/amend`).set(bearer(users.tokens.organizer)).send({ changes: { members } });
    const [lower, foreignPassport] = [
      typed(own, { rank: 'staff' }).members,
      typed(foreign, { passport: { inCustody: false, number: foreign } }).members,
    ];
    expect((await amend(lower).expect(422)).body.errors).toEqual([
      expect.objectContaining({
        field: 'changes.members[0].rank',
        rule: 'registry-value',
        message: expect.objectContaining({ zh: expect.stringContaining('登记的职级为厅局级') }),
      }),
    ]);
    expect((await amend(foreignPassport).expect(422)).body.errors).toEqual([
      expect.objectContaining({ field: 'changes.members[0].passport.number', rule: 'passport-holder' }),
    ]);
  });
  it('handed input: 张三 named by personId and typed again with his passport → DUPLICATE_MEMBER at members[1] in the dry run, the submission and an amendment, as A07 refuses it', async () => {
    const copy = typed(own).members[0]!;
    const members = [
      { id: 'm1', personId },
      { ...copy, id: 'm2' },
    ];
    const body = { ...canonicalSubmission(users.unit), members };
    const duplicate = expect.objectContaining({
      code: 'DUPLICATE_MEMBER',
      field: 'members[1].passport.number',
      message: { zh: expect.stringContaining('同一人不能重复列入'), en: expect.stringContaining('one person is listed once') },
    });
    const checked = (await check(body).expect(200)).body;
    expect(checked.ok).toBe(false);
    expect(checked.violations).toEqual(expect.arrayContaining([duplicate]));
    const refused = (await submit(body).expect(422)).body;
    expect(refused.code).toBe('RULE_VIOLATION');
    expect(refused.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'members[1].passport.number', rule: 'DUPLICATE_MEMBER' })]),
    );
    // The number is personal data: never repeated.
    expect(JSON.stringify([checked, refused])).not.toContain(own);
    // An amendment naming both: refused before the workflow, under changes.
    const started = await submit(
      typed(`SQ${digits}`, { name: '孙七', leadershipTeam: null, passport: { inCustody: false, number: `SQ${digits}` } }),
    );
    expect([started.status, started.body.errors]).toEqual([201, undefined]);
    const caseId = started.body.caseId as string;
    const amended = await request(api.http)
      .post(`/api/delegations/${caseId}/amend`)
      .set(bearer(users.tokens.organizer))
      .send({ changes: { members } })
      .expect(422);
    expect(amended.body.errors).toEqual([
      expect.objectContaining({ field: 'changes.members[1].passport.number', rule: 'DUPLICATE_MEMBER' }),
    ]);
  });
});
