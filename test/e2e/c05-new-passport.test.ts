import request from 'supertest';
import { DataSource } from 'typeorm';
import { addDays, addMonths, shanghaiDate } from '@df/domain';
import { caseClockNow } from '@df/contracts';
import { startTestWorker, eventually, type TestWorker } from '../support/harness';
import {
  bearer,
  canonicalSubmission,
  createTestUsers,
  registerTestUnit,
  startTestApi,
  uniqueSuffix,
  type TestApi,
  type TestUsers,
  registerRosterPerson,
} from '../support/api-harness';
import { actOn, actionable, getProgress, waitForStep } from '../support/api-flow';

/** 11 characters, outside the shape free-text masking knows (9 digits): masked only as the passport record's `number`. */
const passportNo = () => `SE${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;

/**
 * C05 (签发机关制发护照) is completed with the new passport, and the custody ledger (护照委托保管) takes it in for the
 * member's roster person by itself (custody 'register'); C07 then checks that new passport out for the visa.
 */
describe('C05 records the new passport; the custody ledger registers it and C07 checks it out', () => {
  let worker: TestWorker;
  let api: TestApi;
  let users: TestUsers;
  beforeAll(async () => {
    worker = await startTestWorker({ workingDaySeconds: 1 });
    api = await startTestApi({ taskQueue: worker.config.taskQueue, workingDaySeconds: 1 });
    users = await createTestUsers(api);
    await registerTestUnit(api, users);
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });

  const officer = () => bearer(users.tokens['passport-officer']);
  const ledger = async (number: string) =>
    (await request(api.http).get(`/api/registries/passports/${number}`).set(officer()).expect(200)).body as {
      number: string;
      holder: string;
      state: string;
      caseId: string | null;
      issuedOn: string;
      expiresOn: string;
    };

  /** A new active person on the unit's roster (花名册), by the personnel office; answers the person id. */
  const rosterPerson = async (name: string, position: string): Promise<string> => {
    const personId = `P-${uniqueSuffix()}`;
    await registerRosterPerson(api, users, personId, { name, position });
    return personId;
  };

  it('refuses C05 without the passport (422 naming each field), registers it in custody once completed, and C07 checks it out', async () => {
    // A roster person whose passport in custody expires within 6 months of the return: C02-C05 issue a new one.
    const personId = await rosterPerson('张三', '处长');
    const old = passportNo();
    await request(api.http)
      .post('/api/registries/passports')
      .set(officer())
      .send({ number: old, issuedOn: '2017-05-01', expiresOn: '2027-05-01', holder: personId })
      .expect(201);
    const caseId: string = (
      await request(api.http)
        .post('/api/delegations')
        .set(bearer(users.tokens.organizer))
        .send(canonicalSubmission(users.unit, { members: [{ id: 'm1', personId }] }))
        .expect(201)
    ).body.caseId;

    // Every step in turn, as its role does it, until C05 awaits the passport officer.
    const deadline = Date.now() + 120_000;
    for (;;) {
      const p = await getProgress(api, users.tokens.organizer, caseId);
      if (p.steps.some((s) => s.key === 'C05:m1' && (s.status === 'awaiting' || s.status === 'overdue'))) break;
      if (Date.now() > deadline) throw new Error(`stuck: ${actionable(p).map((s) => s.key)}`);
      const open = actionable(p);
      if (open.length === 0) await new Promise((r) => setTimeout(r, 250));
      for (const step of open)
        expect({ key: step.key, status: (await actOn(api, users, caseId, step)).status }).toEqual({ key: step.key, status: 200 });
    }

    const c05 = (body: object) => request(api.http).post(`/api/delegations/${caseId}/steps/C05:m1/complete`).set(officer()).send(body);
    const today = shanghaiDate(Date.now());
    const fresh = passportNo();
    const passport = {
      number: ` ${fresh.slice(0, 2).toLowerCase()} ${fresh.slice(2)}`,
      issuedOn: addDays(today, -3),
      expiresOn: addDays(today, 3600),
    };
    const rules = async (body: object) =>
      ((await c05(body).expect(422)).body.errors as Array<{ field: string; rule: string }>).map((e) => `${e.field} ${e.rule}`);
    expect(await rules({})).toEqual(['data.number required', 'data.issuedOn required', 'data.expiresOn required']);
    expect(await rules({ data: { ...passport, number: 'SE-1' } })).toEqual(['data.number format']);
    // Handed input (new-user trial): a day not in the form YYYY-MM-DD read rule date; it is format, as every date field,
    // in the same words, and a form-valid day that does not exist is date (stepDataDateProblems, dateRuleBroken).
    const forms = await c05({ data: { number: 'SE7654321', issuedOn: '2026/01/01', expiresOn: '2030-02-30' } }).expect(422);
    expect(forms.body.errors).toEqual([
      { field: 'data.issuedOn', rule: 'format', message: { zh: '应为日期 YYYY-MM-DD', en: 'Expected a date YYYY-MM-DD' } },
      { field: 'data.expiresOn', rule: 'date', message: { zh: '不是有效日期', en: 'Not a calendar date' } },
    ]);
    expect(await rules({ data: { ...passport, expiresOn: addDays(today, -4) } })).toEqual(['data.expiresOn after-issue']);
    // Not after the case's today (its clock, 1 s a working day here, runs ahead of the real one): a year past it.
    const caseToday = async () => shanghaiDate(caseClockNow(await getProgress(api, users.tokens.organizer, caseId)));
    expect(await rules({ data: { ...passport, issuedOn: addDays(await caseToday(), 365) } })).toEqual(['data.issuedOn not-future']);
    // Nor one that does not last 6 months past the return (trial: one expiring before the trip was checked out at C07).
    const trip = await getProgress(api, users.tokens.organizer, caseId);
    expect(await rules({ data: { ...passport, expiresOn: addDays(addMonths(trip.facts.returnDate, 6), -1) } })).toEqual([
      'data.expiresOn lasts-trip',
    ]);
    // The passport being replaced is not the new one (trial: C06 then cancelled it and the member had none).
    expect(await rules({ data: { ...passport, number: old } })).toEqual(['data.number replaced-passport']);
    // A number the custody ledger holds for someone outside the case (another roster person) is refused before it is
    // sent, the holder not named (it was only noted by the ledger's activity: the step recorded another's passport).
    const otherPerson = await rosterPerson('王五', '副处长');
    const theirsNo = passportNo();
    await request(api.http)
      .post('/api/registries/passports')
      .set(officer())
      .send({ number: theirsNo, issuedOn: '2020-05-01', expiresOn: '2030-05-01', holder: otherPerson })
      .expect(201);
    const held = await c05({ data: { ...passport, number: theirsNo.toLowerCase() } }).expect(422);
    expect(held.body.errors).toEqual([
      {
        field: 'data.number',
        rule: 'passport-holder',
        message: {
          zh: '此护照号码已在护照保管登记中登记在他人名下，请核对号码',
          en: 'The passport custody ledger holds this number for someone else: check the number',
        },
      },
    ]);
    expect(JSON.stringify(held.body)).not.toContain('王五');
    // Nor a number another open case gives another person, typed there and not in the ledger (third trial: C05 took
    // the number of 测试1号 on an open case): 422, neither the case nor the person named.
    const typedNo = passportNo();
    const elsewhere = canonicalSubmission(users.unit, { title: '另一在办团组' });
    elsewhere.members[0] = {
      ...elsewhere.members[0]!,
      name: '测试1号',
      passport: { ...elsewhere.members[0]!.passport!, number: typedNo, inCustody: false },
    };
    const otherCase = (await request(api.http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(elsewhere).expect(201))
      .body.caseId as string;
    await eventually(
      () => api.app.get(DataSource).query('SELECT 1 FROM cases WHERE case_id = $1', [otherCase]) as Promise<unknown[]>,
      (rows) => rows.length > 0,
    );
    const typedElsewhere = await c05({ data: { ...passport, number: typedNo } }).expect(422);
    expect(typedElsewhere.body.errors).toEqual([expect.objectContaining({ field: 'data.number', rule: 'passport-holder' })]);
    expect(JSON.stringify(typedElsewhere.body)).not.toMatch(new RegExp(`测试1号|${otherCase}`));
    // Handed input (thirty-sixth trial): issued on the case's today, days after the real one, is accepted as the workflow
    // accepts it (the API read the real date and refused it not-future, so it never reached the workflow).
    const accepted = { ...passport, issuedOn: await caseToday() };
    expect(accepted.issuedOn > today).toBe(true);
    await c05({ data: accepted, comment: '新护照已领取' }).expect(200);

    // In custody for the person, by itself: the passport officer registered nothing by hand.
    const listed = await eventually(
      () =>
        request(api.http)
          .get('/api/registries/passports')
          .query({ unit: users.unit })
          .set(officer())
          .then((r) => r.body.items as Array<{ number: string; holder: string; state: string }>),
      (items) => items.some((i) => i.number === fresh),
    );
    expect(listed.find((i) => i.number === fresh)).toMatchObject({ holder: personId, state: 'in-custody' });
    expect(await ledger(fresh)).toMatchObject({ issuedOn: accepted.issuedOn, expiresOn: passport.expiresOn, caseId: null });

    // The step's data is the passport's record: its number masked for the organizer, in clear for the passport officer.
    const masked = `SE${'*'.repeat(fresh.length - 5)}${fresh.slice(-3)}`;
    const mine = await getProgress(api, users.tokens.organizer, caseId);
    // Recorded as the ledger writes it (spaces dropped, capitals), and masked so.
    expect(mine.steps.find((s) => s.key === 'C05:m1')!.data).toEqual({ ...accepted, number: masked });
    const timeline = await request(api.http).get(`/api/delegations/${caseId}/timeline`).set(bearer(users.tokens.organizer)).expect(200);
    expect(JSON.stringify(timeline.body)).toContain(masked);
    for (const body of [mine, timeline.body]) expect(JSON.stringify(body)).not.toContain(fresh.slice(2));
    const theirs = await getProgress(api, users.tokens['passport-officer'], caseId);
    expect(theirs.steps.find((s) => s.key === 'C05:m1')!.data).toEqual({ ...accepted, number: fresh });

    // C07 checks out the new passport for the case (the holder's newest in custody), not the one it replaces.
    const p = await waitForStep(api, users.tokens.organizer, caseId, 'C07:m1', ['awaiting', 'overdue'], 30_000);
    expect(
      (
        await actOn(
          api,
          users,
          caseId,
          p.steps.find((s) => s.key === 'C07:m1')!,
        )
      ).status,
    ).toBe(200);
    const out = await eventually(
      () => ledger(fresh),
      (x) => x.state === 'checked-out',
    );
    expect(out).toMatchObject({ state: 'checked-out', caseId });
    expect((await ledger(old)).state).not.toBe('checked-out');
  });
});
