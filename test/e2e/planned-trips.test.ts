import request from 'supertest';
import { DataSource } from 'typeorm';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';
import {
  bearer,
  rosterTrip,
  createTestUsers,
  registerRosterPerson,
  registerTestUnit,
  startTestApi,
  type TestApi,
  type TestUsers,
  typedTrip,
} from '../support/api-harness';
import { randomUUID } from 'node:crypto';
import { amendUpdate, delegationWorkflowId, progressQuery } from '@df/contracts';
import { actor } from '../support/factories';
import { throughA08, waitForStep } from '../support/api-flow';

/**
 * Trial H2: a division head (1 trip per 12 months) on two open cases, March and June 2027, passed the dry run, the
 * submission and A08 on both: only departed trips were counted. A trip of another open case counts as planned
 * (memberTripHistory), before or after this one (checkMemberFrequency checks every window holding this trip), in
 * /check, at submission (422) and at A08; a withdrawn case frees its trip.
 */
describe('planned trips of open cases count toward the frequency limit', () => {
  let worker: TestWorker;
  let api: TestApi;
  let users: TestUsers;

  const trip = (personId: string, departureDate: string, returnDate: string) => rosterTrip(users.unit, personId, departureDate, returnDate);
  const check = (body: object) =>
    request(api.http).post('/api/delegations/check').set(bearer(users.tokens.organizer)).send(body).expect(200);
  const submit = (body: object) => request(api.http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(body);

  beforeAll(async () => {
    // A working day in 20 s: the cases wait in their first steps on the organizer, and a blocked A08's daily recheck comes soon.
    worker = await startTestWorker({ workingDaySeconds: 20 });
    api = await startTestApi({ taskQueue: worker.config.taskQueue, workingDaySeconds: 20 });
    users = await createTestUsers(api);
    await registerTestUnit(api, users);
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });

  it('handed input: 魏十八 (division) open in March 2027 → June 2027 refused in /check and at submission (另有已申报出访1次); withdrawn, June passes', async () => {
    const personId = `P-${users.unit}-wei18`;
    await registerRosterPerson(api, users, personId, { name: '魏十八' });
    const march = await submit(trip(personId, '2027-03-15', '2027-03-19')).expect(201);
    const june = trip(personId, '2027-06-14', '2027-06-18');
    expect((await check(june)).body).toEqual({
      ok: false,
      violations: [
        {
          code: 'FREQUENCY_EXCEEDED',
          field: 'members[0]',
          message: {
            zh: '魏十八（县处级）12个月内已出访0次，另有已申报出访1次（2027-03-15出发），限1次',
            en: '魏十八 (Division) already travelled 0 time(s) and has 1 other planned trip(s) (departing 2027-03-15) in 12 months; limit 1',
          },
          details: {
            memberId: 'm1',
            rank: 'division',
            windowMonths: 12,
            maxTrips: 1,
            previousDepartures: [],
            plannedDepartures: ['2027-03-15'],
            plannedTrips: 1,
            windowAfter: '2026-06-14',
            windowThrough: '2027-06-14',
          },
        },
      ],
    });
    const refused = await submit(june).expect(422);
    expect(refused.body.code).toBe('RULE_VIOLATION');
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'members[0]', rule: 'FREQUENCY_EXCEEDED' })]);
    // More than 12 months after March: another window.
    expect((await check(trip(personId, '2028-03-20', '2028-03-24'))).body).toMatchObject({ ok: true, violations: [] });

    await request(api.http)
      .post(`/api/delegations/${march.body.caseId}/withdraw`)
      .set(bearer(users.tokens.organizer))
      .send({ reason: '邀请方取消活动' })
      .expect(200);
    await eventually(
      async () => (await check(june)).body,
      (b) => b.ok === true,
    );
    await submit(june).expect(201);
  });

  it('handed input reversed: 魏十九 open in June 2027 → a March 2027 trip is refused (the window ending at June holds both)', async () => {
    const personId = `P-${users.unit}-wei19`;
    await registerRosterPerson(api, users, personId, { name: '魏十九' });
    await submit(trip(personId, '2027-06-14', '2027-06-18')).expect(201);
    const march = trip(personId, '2027-03-15', '2027-03-19');
    expect((await check(march)).body.violations).toEqual([
      expect.objectContaining({
        code: 'FREQUENCY_EXCEEDED',
        field: 'members[0]',
        details: expect.objectContaining({ plannedDepartures: ['2027-06-14'], windowAfter: '2026-06-14', windowThrough: '2027-06-14' }),
      }),
    ]);
    expect((await submit(march).expect(422)).body.errors).toEqual([
      expect.objectContaining({ field: 'members[0]', rule: 'FREQUENCY_EXCEEDED' }),
    ]);
  });

  it('two submissions of one division head at the same moment, March and June: one case is started, the other refused (the frequency rule under the claim lock)', async () => {
    // Before, both passed (each counted the person's trips before the other's claim) and both cases' A08 then blocked.
    for (let round = 0; round < 3; round++) {
      const personId = `P-${users.unit}-together${round}`;
      await registerRosterPerson(api, users, personId, { name: `同时${round}号` });
      const answers = await Promise.all([
        submit(trip(personId, '2027-03-15', '2027-03-19')),
        submit(trip(personId, '2027-06-14', '2027-06-18')),
      ]);
      expect(answers.map((r) => r.status).sort()).toEqual([201, 422]);
      const refused = answers.find((r) => r.status === 422)!;
      expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'members[0]', rule: 'FREQUENCY_EXCEEDED' })]);
      const started = answers.find((r) => r.status === 201)!.body.caseId as string;
      const rows = (await api.app
        .get(DataSource)
        .query(`SELECT DISTINCT case_id FROM member_trip_claims WHERE person_key = $1`, [personId])) as Array<{ case_id: string }>;
      expect(rows.map((r) => r.case_id)).toEqual([started]); // the refused one claimed nothing
    }
  });

  it('second trial: amendments are held to the limit as submissions are: two at once into one window, one refused; a division head added with a trip open, refused', async () => {
    const personId = `P-${users.unit}-amend2`;
    await registerRosterPerson(api, users, personId, { name: '魏二二' });
    const a = (await submit(trip(personId, '2027-01-11', '2027-01-15')).expect(201)).body.caseId as string;
    const b = (await submit(trip(personId, '2028-03-13', '2028-03-17')).expect(201)).body.caseId as string;
    await eventually(
      () => api.app.get(DataSource).query('SELECT 1 FROM case_members WHERE case_id = ANY($1)', [[a, b]]) as Promise<unknown[]>,
      (rows) => rows.length === 2,
    );
    const amend = (caseId: string, from: string, to: string) =>
      request(api.http)
        .post(`/api/delegations/${caseId}/amend`)
        .set(bearer(users.tokens.organizer))
        .send({ changes: { departureDate: from, returnDate: to, destinations: trip(personId, from, to).destinations } });
    const both = await Promise.all([amend(a, '2027-03-01', '2027-03-05'), amend(b, '2028-01-12', '2028-01-14')]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 422]);
    expect(both.find((r) => r.status === 422)!.body.errors).toEqual([
      expect.objectContaining({ field: 'changes.members[0]', rule: 'FREQUENCY_EXCEEDED' }),
    ]);
    // A division head with a trip open, added to another case by an amendment: refused at changes.members[1].
    const added = `P-${users.unit}-amend2b`;
    await registerRosterPerson(api, users, added, { name: '魏二三' });
    await submit(trip(added, '2027-03-15', '2027-03-19')).expect(201);
    const august = (await submit(trip(personId, '2027-08-16', '2027-08-20')).expect(422)).body; // 魏二二 is over the limit too
    expect(august.errors).toEqual([expect.objectContaining({ field: 'members[0]', rule: 'FREQUENCY_EXCEEDED' })]);
    const staff = `P-${users.unit}-amend2c`;
    await registerRosterPerson(api, users, staff, { name: '魏二四', rank: 'staff', position: '科员' });
    const other = (await submit(trip(staff, '2027-08-16', '2027-08-20')).expect(201)).body.caseId as string;
    const refused = await request(api.http)
      .post(`/api/delegations/${other}/amend`)
      .set(bearer(users.tokens.organizer))
      .send({ changes: { members: [{ id: 'm1' }, { id: 'm2', personId: added }] } })
      .expect(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'changes.members[1]', rule: 'FREQUENCY_EXCEEDED' })]);
  });

  it('A08 counts them too: an amendment into the window of another open case blocks A08; that case withdrawn, the daily recheck passes', async () => {
    const personId = `P-${users.unit}-wei20`;
    await registerRosterPerson(api, users, personId, { name: '魏二十' });
    const march = (await submit(trip(personId, '2027-03-15', '2027-03-19')).expect(201)).body.caseId as string;
    const later = (await submit(trip(personId, '2028-06-12', '2028-06-16')).expect(201)).body.caseId as string;
    const token = users.tokens.organizer;
    // A08 passes: March 2027 is outside June 2028's window.
    await throughA08(api, users, later);
    const changes = {
      departureDate: '2027-09-06',
      returnDate: '2027-09-10',
      destinations: trip(personId, '2027-09-06', '2027-09-10').destinations,
    };
    // The API refuses the amendment into March's window, as a submission (second trial: it was accepted, A08 then blocked).
    const refused = await request(api.http)
      .post(`/api/delegations/${later}/amend`)
      .set(bearer(token))
      .send({ changes, comment: '日期变更' })
      .expect(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'changes.members[0]', rule: 'FREQUENCY_EXCEEDED' })]);
    // A client of the workflow's own (the Temporal CLI, bypassing the API) meets A08, which blocks and rechecks.
    await worker.client.workflow.getHandle(delegationWorkflowId(later)).executeUpdate(amendUpdate, {
      args: [{ requestId: randomUUID(), actor: actor('organizer', users.unit), changes, comment: '日期变更' }],
    });
    const blocked = await waitForStep(api, token, later, 'A08:m1', ['blocked']);
    expect(blocked.violations).toEqual([
      expect.objectContaining({
        code: 'FREQUENCY_EXCEEDED',
        field: 'members[0]',
        details: expect.objectContaining({ plannedDepartures: ['2027-03-15'], windowThrough: '2027-09-06' }),
      }),
    ]);
    // A planned trip can go away: March withdrawn, A08 runs again within a working day (20 s here) and passes.
    await request(api.http).post(`/api/delegations/${march}/withdraw`).set(bearer(token)).send({ reason: '出访计划调整' }).expect(200);
    const passed = await waitForStep(api, token, later, 'A08:m1', ['done'], 90_000);
    expect(passed.violations.filter((v) => v.code === 'FREQUENCY_EXCEEDED')).toEqual([]);
  });

  it("handed input (trial): a member amended from staff to division rank has A08 run again: blocked by the person's other open case", async () => {
    // One typed person (one passport) on two open cases six months apart: staff has no limit, both are taken.
    const zhou = (rank: string) => ({ name: '周九', rank, passportNumber: `EN${String(Date.now()).slice(-7)}` });
    const member = zhou('staff');
    await submit(typedTrip(users.unit, '2027-06-07', '2027-06-11', member)).expect(201);
    const later = (await submit(typedTrip(users.unit, '2027-12-06', '2027-12-10', member)).expect(201)).body.caseId as string;
    await throughA08(api, users, later);
    const division = typedTrip(users.unit, '2027-12-06', '2027-12-10', { ...member, rank: 'division' }).members[0]!;
    // The API refuses it as a submission would be (second trial: it was accepted, and A08 blocked).
    const refused = await request(api.http)
      .post(`/api/delegations/${later}/amend`)
      .set(bearer(users.tokens.organizer))
      .send({ changes: { members: [{ ...division, id: 'm1' }] }, comment: '职级更正' })
      .expect(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'changes.members[0]', rule: 'FREQUENCY_EXCEEDED' })]);
    // Sent to the workflow itself (its facts as the API would have resolved them), A08 runs again and blocks.
    const handle = worker.client.workflow.getHandle(delegationWorkflowId(later));
    const held = (await handle.query(progressQuery)).facts!.members[0]!;
    await handle.executeUpdate(amendUpdate, {
      args: [{ requestId: randomUUID(), actor: actor('organizer', users.unit), changes: { members: [{ ...held, rank: 'division' }] } }],
    });
    const blocked = await waitForStep(api, users.tokens.organizer, later, 'A08:m1', ['blocked']);
    expect(blocked.violations).toEqual([
      expect.objectContaining({
        code: 'FREQUENCY_EXCEEDED',
        details: expect.objectContaining({ rank: 'division', plannedDepartures: ['2027-06-07'] }),
      }),
    ]);
  });

  it("handed input (trial): one passport typed division on one unit's open case, staff on another's → 422 members[0].rank recorded-rank; as division → FREQUENCY_EXCEEDED", async () => {
    const other = await createTestUsers(api);
    await registerTestUnit(api, other);
    const number = `EN${String(Date.now() + 7).slice(-7)}`;
    const as = (u: TestUsers) => (path: string, body: object) => request(api.http).post(path).set(bearer(u.tokens.organizer)).send(body);
    const first = (
      await as(users)(
        '/api/delegations',
        typedTrip(users.unit, '2027-04-12', '2027-04-16', { name: '孙八', rank: 'division', passportNumber: number }),
      ).expect(201)
    ).body.caseId as string;
    // The rule reads the other cases' published answers (case_progress): the first case's, once projected.
    await eventually(
      () =>
        api.app
          .get(DataSource)
          .query('SELECT 1 FROM cases c JOIN case_progress p USING (case_id) WHERE c.case_id = $1', [first]) as Promise<unknown[]>,
      (rows) => rows.length > 0,
    );
    // Under another name the number is another person's (passport-holder, fifteenth trial); the name as another
    // clerk types it (traditional 孫) is the same person, whose rank is one fact.
    const renamed = typedTrip(other.unit, '2027-08-09', '2027-08-13', { name: '孫捌', rank: 'division', passportNumber: number });
    expect((await as(other)('/api/delegations/check', renamed).expect(422)).body.errors).toEqual([
      expect.objectContaining({ field: 'members[0].passport.number', rule: 'passport-holder' }),
    ]);
    const lower = typedTrip(other.unit, '2027-08-09', '2027-08-13', {
      name: '孫八',
      rank: 'staff',
      passportNumber: `${number.slice(0, 2).toLowerCase()} ${number.slice(2)}`,
    });
    for (const path of ['/api/delegations/check', '/api/delegations']) {
      const refused = await as(other)(path, lower).expect(422);
      expect(refused.body.errors).toEqual([
        {
          field: 'members[0].rank',
          rule: 'recorded-rank',
          // Another unit's record: the rank is not named (sixteenth trial).
          message: {
            zh: '此护照的持有人在其他单位的在办团组中登记的职级更高，不得填写更低的职级（可向外办核实）',
            en: "This passport's holder is recorded at a higher rank on another unit's open delegation: a lower rank is refused (the FAO can tell)",
          },
        },
      ]);
    }
    // Fifteenth trial's handed input: the other unit typing the number under another name at a higher rank is refused,
    // so the unit that holds the person still files them at their own rank.
    const higher = typedTrip(other.unit, '2028-11-20', '2028-11-24', { name: '某某', rank: 'provincial', passportNumber: number });
    expect((await as(other)('/api/delegations', higher).expect(422)).body.errors).toEqual([
      expect.objectContaining({ field: 'members[0].passport.number', rule: 'passport-holder' }),
    ]);
    await as(users)(
      '/api/delegations/check',
      typedTrip(users.unit, '2028-10-01', '2028-10-05', { name: '孙八', rank: 'division', passportNumber: number }),
    ).expect(200);
    const same = typedTrip(other.unit, '2027-08-09', '2027-08-13', { name: '孫八', rank: 'division', passportNumber: number });
    expect((await as(other)('/api/delegations/check', same).expect(200)).body.violations).toEqual([
      // Another unit's trip: counted, its date not named (thirteenth trial).
      expect.objectContaining({
        code: 'FREQUENCY_EXCEEDED',
        details: expect.objectContaining({ plannedDepartures: [], plannedTrips: 1, withheld: true, withheldTrips: 1 }),
      }),
    ]);
  });
});
