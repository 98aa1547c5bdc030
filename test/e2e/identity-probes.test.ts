import request from 'supertest';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';
import {
  bearer,
  canonicalSubmission,
  createTestUsers,
  registerRosterPerson,
  registerTestUnit,
  startTestApi,
  type TestApi,
  type TestUsers,
  typedTrip,
} from '../support/api-harness';
import { uniqueBirthDate } from '../support/factories';

/**
 * Trial (medium): an organizer tested passport numbers against the custody ledger through /check (422 passport-holder
 * for a number the ledger holds for someone else, 200 otherwise; 20 checks in 2.4 s): with the masked list's first two
 * and last three characters, ~10^4 tries recover a number. Each refusal naming another person's passport takes a point
 * of the user's budget (IDENTITY_PROBE_MAX in IDENTITY_PROBE_WINDOW_SECONDS); spent, /check and the submission answer
 * 429 TOO_MANY_ATTEMPTS with Retry-After, whatever is sent, until the window ends.
 */
describe('identity probes through the dry run, submissions and amendments are limited per user', () => {
  let worker: TestWorker;
  let api: TestApi;
  let users: TestUsers;
  let others: TestUsers;
  const digits = String(Date.now()).slice(-7);
  const held = `SG${digits}`;

  beforeAll(async () => {
    // A slow clock: the amended case stays in its first steps.
    worker = await startTestWorker({ workingDaySeconds: 60 });
    api = await startTestApi({
      taskQueue: worker.config.taskQueue,
      workingDaySeconds: 60,
      identityProbeMax: 3,
      identityProbeWindowSeconds: 600,
    });
    users = await createTestUsers(api);
    others = await createTestUsers(api);
    await registerTestUnit(api, others);
    const personId = `P-${others.unit}-probe`;
    await registerRosterPerson(api, others, personId, { name: '钱十' });
    await request(api.http)
      .post('/api/registries/passports')
      .set(bearer(others.tokens['passport-officer']))
      .send({ number: held, type: 'official', issuedOn: '2021-07-01', expiresOn: '2031-06-30', holder: personId })
      .expect(201);
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });

  const typed = (number: string) => {
    const body = canonicalSubmission(users.unit);
    const m = body.members[0]!;
    return { ...body, members: [{ ...m, passport: { inCustody: false, number, expiresOn: '2031-06-30' } }] };
  };
  const as = (u: TestUsers) => ({
    check: (body: object) => request(api.http).post('/api/delegations/check').set(bearer(u.tokens.organizer)).send(body),
    submit: (body: object) => request(api.http).post('/api/delegations').set(bearer(u.tokens.organizer)).send(body),
  });

  it("handed input: three refusals naming another person's passport (a check, a submission, an amendment), then 429 with Retry-After for any of them, for that user only", async () => {
    // A number the ledger does not hold costs nothing.
    for (let i = 0; i < 5; i++) expect((await as(users).check(typed(`SH${digits.slice(0, 6)}${i}`))).status).toBe(200);
    const caseId = (
      await as(users)
        .submit(typed(`SJ${digits}`))
        .expect(201)
    ).body.caseId as string;
    // Second trial: an amendment naming the member with another's passport answered the same, unlimited.
    const amend = (number: string) =>
      request(api.http)
        .post(`/api/delegations/${caseId}/amend`)
        .set(bearer(users.tokens.organizer))
        .send({ changes: { members: typed(number).members }, comment: '护照更正' });
    await eventually(
      () => amend(`SK${digits}`).then((r) => r.status),
      (status) => status !== 404,
    );
    for (const probe of [
      as(users).check,
      as(users).submit,
      (body: { members: Array<{ passport: { number: string } }> }) => amend(body.members[0]!.passport.number),
    ]) {
      const res = await probe(typed(held));
      expect([res.status, res.body.errors?.[0]?.rule]).toEqual([422, expect.stringMatching(/passport-holder$/)]);
    }
    for (const res of [
      await as(users).check(typed(held)),
      await as(users).check(typed(`SH${digits}`)),
      await as(users).submit(typed(`SH${digits}`)),
      await amend(held),
    ]) {
      expect([res.status, res.body.code]).toEqual([429, 'TOO_MANY_ATTEMPTS']);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(600);
      expect(res.body.message.zh).toContain('涉及其他单位人员、护照或出访记录的核对次数过多');
    }
    // Another organizer keeps their budget.
    expect((await as(others).check({ ...typed(`SH${digits}`), unit: others.unit })).status).toBe(200);
  });
  it("thirteenth trial: the overlap and frequency rules match another unit's case by a typed passport number: no dates named, each such answer a probe; one's own unit's trips named and free", async () => {
    const holder = await createTestUsers(api);
    const prober = await createTestUsers(api);
    const number = `SW${digits}`;
    const trip = (u: TestUsers, departureDate: string, returnDate: string) =>
      typedTrip(u.unit, departureDate, returnDate, { name: '孙七', rank: 'bureau', passportNumber: number });
    await as(holder)
      .submit(trip(holder, '2027-08-10', '2027-08-14'))
      .expect(201);

    // The holder's unit reads its own trip's dates, and that costs nothing.
    for (let i = 0; i < 4; i++) {
      const own = (
        await as(holder)
          .check(trip(holder, '2027-10-01', '2027-10-05'))
          .expect(200)
      ).body;
      expect(own.violations).toEqual([
        expect.objectContaining({
          code: 'FREQUENCY_EXCEEDED',
          details: expect.objectContaining({ plannedDepartures: ['2027-08-10'], plannedTrips: 1 }),
        }),
      ]);
      expect(own.violations[0].details.withheld).toBeUndefined();
    }

    // Another unit typing the number: refused as before, but the trip's dates are not named anywhere in the answer.
    const overlapping = (
      await as(prober)
        .check(trip(prober, '2027-08-12', '2027-08-16'))
        .expect(200)
    ).body;
    expect(overlapping.violations).toEqual([
      expect.objectContaining({
        code: 'FREQUENCY_EXCEEDED',
        details: expect.objectContaining({ withheld: true, withheldTrips: 1, plannedTrips: 1, plannedDepartures: [] }),
      }),
      { code: 'MEMBER_ON_OPEN_CASE', field: 'members[0]', message: expect.any(Object), details: { memberId: 'm1', withheld: true } },
    ]);
    const later = (
      await as(prober)
        .check(trip(prober, '2027-10-01', '2027-10-05'))
        .expect(200)
    ).body;
    expect(later.violations).toEqual([
      expect.objectContaining({ code: 'FREQUENCY_EXCEEDED', details: expect.objectContaining({ withheld: true, plannedDepartures: [] }) }),
    ]);
    const submitted = await as(prober)
      .submit(trip(prober, '2027-10-01', '2027-10-05'))
      .expect(422);
    for (const answer of [overlapping, later, submitted.body]) {
      expect(JSON.stringify(answer)).not.toMatch(/2027-08-1[04]|08-10|08-14/);
      expect(JSON.stringify(answer)).toContain('其他单位');
    }
    // Three such answers spent the budget of three: the fourth is 429, and what it would say is not said.
    const spent = await as(prober).check(trip(prober, '2027-10-01', '2027-10-05'));
    expect([spent.status, spent.body.code]).toEqual([429, 'TOO_MANY_ATTEMPTS']);
    expect(Number(spent.headers['retry-after'])).toBeGreaterThan(0);
  });
  it("fifteenth trial: an answer that passes after reading another unit's trips counts too (a search paid only on its failing side), and names no window", async () => {
    const holder = await createTestUsers(api);
    const prober = await createTestUsers(api);
    const number = `SV${digits}`;
    const trip = (u: TestUsers, departureDate: string, returnDate: string, rank: string) =>
      typedTrip(u.unit, departureDate, returnDate, { name: '钱八', rank, passportNumber: number });
    await as(holder)
      .submit(trip(holder, '2027-08-10', '2027-08-14', 'staff'))
      .expect(201);
    // A rank with no limit: the answer passes, but it rests on the other unit's trip history.
    for (let i = 0; i < 3; i++) {
      const passed = (
        await as(prober)
          .check(trip(prober, `2027-11-0${i + 1}`, `2027-11-0${i + 3}`, 'staff'))
          .expect(200)
      ).body;
      expect(passed).toMatchObject({ ok: true, violations: [] });
    }
    const spent = await as(prober).check(trip(prober, '2027-12-01', '2027-12-03', 'staff'));
    expect([spent.status, spent.body.code]).toEqual([429, 'TOO_MANY_ATTEMPTS']);
    // The holder's unit is not counted for its own trip.
    for (let i = 0; i < 4; i++)
      await as(holder)
        .check(trip(holder, '2027-11-01', '2027-11-03', 'staff'))
        .expect(200);
  });

  it('sixteenth trial: probes sent at once are counted before they are answered: of 12 at once, no more than the budget are answered', async () => {
    const burst = await createTestUsers(api);
    const sent = await Promise.all(Array.from({ length: 12 }, () => as(burst).check({ ...typed(held), unit: burst.unit })));
    const statuses = sent.map((r) => r.status);
    expect(statuses.filter((s) => s === 422).length).toBeLessThanOrEqual(3);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(9);
    expect(statuses.every((s) => s === 422 || s === 429)).toBe(true);
    // Checks that tell nothing of anyone else's take no point, however many at once (seventeenth trial: points held
    // while in flight refused an honest unit's own checks).
    const honest = await createTestUsers(api);
    const own = await Promise.all(
      Array.from({ length: 10 }, (_, i) => as(honest).check({ ...typed(`SZ${digits.slice(0, 6)}${i}`), unit: honest.unit })),
    );
    expect(own.map((r) => r.status)).toEqual(Array.from({ length: 10 }, () => 200));
  });

  it("sixteenth and seventeenth trials: a number another unit typed under another name is not registered for a roster person (409, the case named); typed under the person's name, their unit files them at no cost", async () => {
    const squatter = await createTestUsers(api);
    const owner = await createTestUsers(api);
    await registerTestUnit(api, owner);
    const personId = `P-${owner.unit}-sq`;
    await registerRosterPerson(api, owner, personId, { name: '李十', rank: 'bureau' });
    const register = (number: string) =>
      request(api.http)
        .post('/api/registries/passports')
        .set(bearer(owner.tokens['passport-officer']))
        .send({ number, type: 'official', issuedOn: '2021-07-01', expiresOn: '2031-06-30', holder: personId });
    // Another unit typed the number first, under another name: the ledger does not give it to the roster person.
    const taken = `SQ${digits}`;
    const squatted = (
      await as(squatter)
        .submit(typedTrip(squatter.unit, '2027-04-20', '2027-04-24', { name: '孙某', rank: 'bureau', passportNumber: taken }))
        .expect(201)
    ).body.caseId as string;
    // At once: a case not projected yet counts by the first answer stored with its submission.
    const refused = await register(taken).expect(409);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'number', rule: 'typed-elsewhere' })]);
    expect(refused.body.message.zh).toContain(squatted);
    // Typed under the person's own name: the same person; the unit files them, and it never costs its organizer a point.
    const shared = `SR${digits}`;
    await as(squatter)
      .submit(typedTrip(squatter.unit, '2027-04-20', '2027-04-24', { name: '李十', rank: 'bureau', passportNumber: shared }))
      .expect(201);
    await register(shared).expect(201);
    const trip = { ...canonicalSubmission(owner.unit, { title: '本单位人员' }), members: [{ id: 'm1', personId }] };
    for (let i = 0; i < 5; i++) expect((await as(owner).check(trip)).status).toBe(200);
    // Handed input (trial 84): the number, now in the ledger for 李十, registered for another person is the ledger's
    // unique-number, not typed-elsewhere (which named the case that typed it rightly).
    const another = `P-${owner.unit}-sq2`;
    await registerRosterPerson(api, owner, another, { name: '王十一', rank: 'bureau' });
    const twice = await request(api.http)
      .post('/api/registries/passports')
      .set(bearer(owner.tokens['passport-officer']))
      .send({ number: shared, type: 'official', issuedOn: '2021-07-01', expiresOn: '2031-06-30', holder: another })
      .expect(409);
    expect(twice.body.errors).toEqual([expect.objectContaining({ field: 'number', rule: 'unique-number' })]);
  });

  it("thirteenth trial: a person id another unit holds is 404 as on the read route, and counted, as a copy of their person is; a free one in another unit's numbering 422 unit-numbering; spent, every registration is 429 and an update of one's own is not", async () => {
    const a = await createTestUsers(api);
    const b = await createTestUsers(api);
    await registerTestUnit(api, a);
    await registerTestUnit(api, b);
    const put = (u: TestUsers, personId: string, name: string, dateOfBirth = uniqueBirthDate()) =>
      request(api.http).put(`/api/registries/people/${personId}`).set(bearer(u.tokens.personnel)).send({
        unit: u.unit,
        name,
        gender: 'female',
        dateOfBirth,
        rank: 'staff',
        position: '科员',
        partyMember: false,
        leadershipTeam: null,
        status: 'active',
      });
    const held = `P-${a.unit}-held`;
    await put(a, held, '甲一').expect(200);
    const own = `P-${b.unit}-own`;
    const ownBorn = uniqueBirthDate();
    await put(b, own, '乙一', ownBorn).expect(200);

    // The id in another unit's numbering is refused whether or not anyone holds it, and costs nothing.
    const numbered = await put(b, `${a.unit}-0001`, '乙二').expect(422);
    expect(numbered.body.errors).toEqual([expect.objectContaining({ field: 'path.personId', rule: 'unit-numbering' })]);
    // …and in the pattern the seeded ids follow, P-<unit>-NNN, or set off by a dot, or the code before a digit (fifteenth trial).
    for (const id of [`P-${a.unit}-004`, `${a.unit}.7`, `${a.unit.toUpperCase()}0001`]) {
      const res = await put(b, id, '乙五').expect(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'path.personId', rule: 'unit-numbering' })]);
    }
    await put(a, `${a.unit}-0001`, '甲二').expect(200);

    // Another unit's person registered again under a new id (name, gender, birth date): 409 unique-person, a probe.
    const born = uniqueBirthDate();
    await put(a, `P-${a.unit}-twin`, '甲双', born).expect(200);
    const copy = await put(b, `P-${b.unit}-twin`, '甲双', born).expect(409);
    expect(copy.body.errors).toEqual([expect.objectContaining({ field: 'name', rule: 'unique-person' })]);
    // Another unit's id answers as the read route does (404, naming neither), and each such answer is a probe.
    for (let i = 0; i < 2; i++) {
      const taken = await put(b, held, '乙三').expect(404);
      expect(JSON.stringify(taken.body)).not.toContain(a.unit);
      expect(JSON.stringify(taken.body)).not.toContain(held);
    }
    // Spent: a free id answers as a held one would, 429; an update of one's own person is no probe.
    for (const id of [`P-${b.unit}-free`, held]) {
      const res = await put(b, id, '乙四');
      expect([res.status, res.body.code]).toEqual([429, 'TOO_MANY_ATTEMPTS']);
    }
    await put(b, own, '乙一', ownBorn).expect(200);
    // Spent, an update to another identity is 429 too, whether or not it meets another unit's person (fifteenth
    // trial: 429 for a copy of another unit's person, 200 otherwise, told them apart without limit).
    for (const [name, dateOfBirth] of [
      ['甲双', born],
      ['乙新', uniqueBirthDate()],
    ] as const) {
      const res = await put(b, own, name, dateOfBirth);
      expect([res.status, res.body.code]).toEqual([429, 'TOO_MANY_ATTEMPTS']);
    }
    await put(a, `P-${a.unit}-free`, '甲三').expect(200);
  });
});
