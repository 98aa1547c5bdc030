import request from 'supertest';
import type { UserRole } from '../../apps/api/src/auth/access';
import { USER_ROLES } from '../../apps/api/src/auth/access';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';
import {
  bearer,
  canonicalSubmission,
  createTestUsers,
  startTestApi,
  uniqueSuffix,
  type TestApi,
  type TestUsers,
} from '../support/api-harness';
import { actionable, actOn, getProgress } from '../support/api-flow';
import { InboxService } from '../../apps/api/src/delegations/inbox.service';
import { DEFAULT_DEFINITION } from '@df/domain';
import { requiredTaskData } from '@df/contracts';

/*
 * Every GET endpoint of the OpenAPI document, for every role (and another unit's personnel, and no token), on a
 * case seeded with personal values everywhere: facts, step data, comments, decisions, an objection. Each value
 * appears in clear to exactly the roles that need it (docs/security.md, "What each role sees") and to nobody else.
 */

const ID_18 = '11010519610715003X';
const ID_15 = '110105610715003';

/** One personal value of each class, where it was put, and who must see it in clear (an explicit table, not the classification). */
const PERSON_ID = 'staff-commerce-0042';
const REGISTRY_YEAR = 2027;
/**
 * The member's passport, registered in the (shared) custody ledger below: a number no other test types, since a
 * typed member whose number the ledger gives to another unit's person is refused (typedMemberIdentity).
 */
const MASKED_PASSPORT = 'SE9420042';

const SEEDED = [
  { what: 'passport number (facts)', value: MASKED_PASSPORT, clear: ['passport-officer', 'visa-officer'] },
  // A step's data holds only the fields the step reads (unknown-field): personal values reach it as written text (A04's outcome).
  { what: 'passport number (step data, written outcome)', value: 'PE7654321', clear: ['passport-officer', 'visa-officer'] },
  { what: 'passport number (step data, written outcome, second)', value: 'DE2345678', clear: ['passport-officer', 'visa-officer'] },
  { what: 'passport number (comments)', value: 'E87654321', clear: ['passport-officer', 'visa-officer'] },
  { what: 'passport number (objection)', value: 'EA1234567', clear: ['passport-officer', 'visa-officer'] },
  { what: 'passport number (case title: list, inbox, board)', value: 'G12345678', clear: ['passport-officer', 'visa-officer'] },
  { what: 'APEC card number (facts)', value: 'ABTC88001234', clear: ['passport-officer', 'visa-officer'] },
  {
    what: 'person id (facts, roster, custody ledger, audit)',
    value: 'staff-commerce-0042',
    // The organizer names its own unit's staff as delegation members by person id (the new-trip form's roster picker).
    // The enterprise clerk does so for its own enterprise's card applicants, but this unit is a government unit: the
    // APEC roles read the enterprises' registries only (F7, mayReadUnitRecords), so its clerk here reads none of them
    // (its own enterprise's ids in clear: test/e2e/apec.test.ts).
    clear: ['personnel', 'secrecy', 'passport-officer', 'organizer'],
  },
  {
    what: 'national ID, 18 digits with X check digit (step data, comments, objection)',
    value: ID_18,
    clear: ['passport-officer', 'personnel'],
  },
  { what: 'national ID, 15 digits (comments)', value: ID_15, clear: ['passport-officer', 'personnel'] },
] as const;
/** Yes/no facts of a member: shown as true/false to these roles, null to others. */
const FLAGS = [
  { key: 'partyMember', clear: ['personnel', 'secrecy'] },
  { key: 'classifiedAccess', clear: ['personnel', 'secrecy'] },
] as const;

type Viewer = UserRole | 'personnel of another unit' | 'anonymous';
const VIEWERS: Viewer[] = [...USER_ROLES, 'personnel of another unit', 'anonymous'];

describe('personal data masked by classification on every GET endpoint, for every role', () => {
  let worker: TestWorker;
  let api: TestApi;
  let users: TestUsers;
  let others: TestUsers;
  let caseId: string;
  let passportRef: string;
  const enterpriseCode = `ent-${uniqueSuffix()}`;
  beforeAll(async () => {
    // Slow clock: the public notice (A13) stays open for the objection.
    worker = await startTestWorker({ workingDaySeconds: 60 });
    api = await startTestApi({ taskQueue: worker.config.taskQueue, workingDaySeconds: 60 });
    users = await createTestUsers(api);
    others = await createTestUsers(api);
    const member = canonicalSubmission(users.unit).members[0]!;
    const submission = canonicalSubmission(users.unit, {
      title: '经贸代表团访美（团长护照 G12345678）',
      members: [
        {
          ...member,
          personId: 'staff-commerce-0042',
          passport: { inCustody: true, number: MASKED_PASSPORT, expiresOn: '2031-06-30' },
          apecCard: { number: 'ABTC88001234', expiresOn: '2030-01-31', economies: ['AU'] },
        },
      ],
    });
    caseId = (await request(api.http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(submission).expect(201)).body
      .caseId;

    // The registries (issue 14) hold the same person and passport: their endpoints are walked too. Seeded after
    // the submission, so the case keeps the values typed above.
    const reg = (method: 'put' | 'post', path: string, role: UserRole, body: object, status: number) =>
      request(api.http)[method](`/api/registries/${path}`).set(bearer(users.tokens[role])).send(body).expect(status);
    await reg(
      'put',
      `units/${users.unit}`,
      'fao-clerk',
      {
        nameZh: `测试单位${users.unit}`,
        nameEn: `Test unit ${users.unit}`,
        parentCode: null,
        supervisingDepartment: null,
        clerks: [],
        signatories: ['王局长'],
        status: 'active',
        suspendedReason: null,
      },
      201,
    );
    await reg(
      'put',
      `units/${users.unit}/plans/${REGISTRY_YEAR}`,
      'organizer',
      { trips: [{ id: 'P1', purpose: 'trade', countries: ['US'], size: 1, quarter: 1 }] },
      201,
    );
    await reg(
      'put',
      `people/${PERSON_ID}`,
      'personnel',
      {
        unit: users.unit,
        name: '张三',
        gender: 'male',
        dateOfBirth: '1961-07-15',
        rank: 'bureau',
        position: '副市长',
        partyMember: true,
        leadershipTeam: 'team-a',
        status: 'active',
      },
      200,
    );
    passportRef = (
      await reg(
        'post',
        'passports',
        'passport-officer',
        { number: MASKED_PASSPORT, issuedOn: '2021-07-01', expiresOn: '2031-06-30', holder: PERSON_ID },
        201,
      )
    ).body.ref;
    // APEC (issue 17): an enterprise, so its endpoint is walked too. A unit of its own: the test unit has users of
    // government roles, so it is no enterprise (government-unit).
    await reg(
      'put',
      `units/${enterpriseCode}`,
      'fao-clerk',
      {
        nameZh: `测试企业${enterpriseCode}`,
        nameEn: `Test Co. ${enterpriseCode}`,
        parentCode: null,
        supervisingDepartment: null,
        clerks: [],
        signatories: [],
        status: 'active',
        suspendedReason: null,
      },
      201,
    );
    await request(api.http)
      .put(`/api/apec/enterprises/${enterpriseCode}`)
      .set(bearer(users.tokens['apec-desk']))
      .send({ ownership: 'state', size: 'large' })
      .expect(200);

    // Every prepare step is done with personal values in its data and comment, until the public notice runs.
    // (Keyed personal data in a step's data, passportNumber or idNumber, can no longer be sent: masking.spec covers those keys.)
    const outcome = `核对护照 PE7654321、DE2345678，身份证 ${ID_18}`;
    const dataOf = (code: string) =>
      requiredTaskData(code)?.outcome !== undefined ? { data: { ...requiredTaskData(code), outcome } } : {};
    const comment = `核对护照 E87654321，身份证 ${ID_18}（旧证 ${ID_15}）`;
    for (let i = 0; i < 60; i++) {
      const p = await getProgress(api, users.tokens.organizer, caseId);
      const written = p.steps.some((s) => s.code === 'A04' && s.status === 'done');
      if (written && p.steps.some((s) => s.key === 'A13' && (s.status === 'awaiting' || s.status === 'overdue'))) break;
      const open = actionable(p).filter((s) => s.phase === 'prepare');
      if (open.length === 0) await new Promise((r) => setTimeout(r, 200));
      for (const step of open) {
        const res = await actOn(api, users, caseId, step, step.kind === 'approval' ? { comment } : { ...dataOf(step.code), comment });
        expect({ key: step.key, status: res.status }).toEqual({ key: step.key, status: 200 });
      }
    }
    await request(api.http)
      .post(`/api/delegations/${caseId}/notice-objections`)
      .set(bearer(users.tokens['unit-leader']))
      .send({ objection: `张三（护照EA1234567，身份证${ID_18}）本年度已出访` })
      .expect(200);
    // The read models (list, inbox, board) have the case.
    await eventually(
      () =>
        request(api.http)
          .get('/api/delegations')
          .set(bearer(users.tokens.organizer))
          .then((r) => r.body.items as Array<{ caseId: string; lastSeq?: number }>),
      (items) => items.some((c) => c.caseId === caseId),
    );
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });

  const tokenOf = (v: Viewer): string | undefined =>
    v === 'anonymous' ? undefined : v === 'personnel of another unit' ? others.tokens.personnel : users.tokens[v];

  /** The GET endpoints of the OpenAPI document, with the case id filled in (an unknown path parameter fails the test). */
  const getEndpoints = async (): Promise<string[]> => {
    const doc = (await request(api.http).get('/api/docs-json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
    return (
      Object.entries(doc.paths)
        .filter(([, ops]) => 'get' in ops)
        // The registries too: their person ids (roster, custody ledger `holder`, audit `entityKey`) are classified.
        .map(([path]) =>
          path.replace(/\{(\w+)\}/g, (_, name: string) => {
            if (name === 'id') return caseId;
            // The registries' keys, seeded in beforeAll.
            const registryKeys: Record<string, string> = {
              code: users.unit,
              year: String(REGISTRY_YEAR),
              personId: PERSON_ID,
              number: MASKED_PASSPORT,
              // A passport's detail by its ledger id: every role in scope reads it (by number only the officers).
              key: passportRef,
              version: DEFAULT_DEFINITION.version,
              // User administration (issue 14.4): the organizer's own account.
              username: users.usernames.organizer,
              // APEC (issue 17): the enterprise registered in beforeAll.
              unit: enterpriseCode,
              // Issue 15.3: a file's bytes are the uploader's own document, not a view masking applies to; the case's
              // attachment list (filled with the case id above) is walked. An unknown id: 404 for every role.
              attachmentId: '00000000-0000-4000-8000-000000000000',
            };
            if (registryKeys[name]) return registryKeys[name];
            throw new Error(`masking test: GET ${path} has a path parameter {${name}} this walk does not fill; add it`);
          }),
        )
    );
  };

  it('the seeded case really holds every value (the officers and personnel see them in the case)', async () => {
    const asPassport = await getProgress(api, users.tokens['passport-officer'], caseId);
    expect(asPassport.facts.members[0]).toMatchObject({ passport: { number: MASKED_PASSPORT }, apecCard: { number: 'ABTC88001234' } });
    expect(asPassport.objections[0]).toMatchObject({ text: expect.stringContaining('EA1234567') });
    expect(asPassport.steps.filter((s) => s.data?.outcome === `核对护照 PE7654321、DE2345678，身份证 ${ID_18}`).length).toBeGreaterThan(0);
    const asPersonnel = await getProgress(api, users.tokens.personnel, caseId);
    expect(asPersonnel.facts.members[0]).toMatchObject({
      personId: 'staff-commerce-0042',
      partyMember: true,
      classifiedAccess: false,
      passport: { number: 'SE****042' },
    });
    const asOrganizer = await getProgress(api, users.tokens.organizer, caseId);
    expect(asOrganizer.facts.members[0]).toMatchObject({
      // The organizer names its own unit's staff by person id (the new-trip form's roster picker).
      personId: 'staff-commerce-0042',
      partyMember: null,
      classifiedAccess: null,
      passport: { number: 'SE****042' },
      apecCard: { number: 'AB*******234' },
    });
    expect(asOrganizer.steps.find((s) => typeof s.data?.outcome === 'string' && s.data.outcome.startsWith('核对护照'))?.data).toMatchObject(
      {
        outcome: '核对护照 PE****321、DE****678，身份证 11**************3X',
      },
    );
  });

  it('who recorded a notice objection: the FAO sees it, the unit whose trip it is does not (trial: the organizer read the user id)', async () => {
    const recorder = users.usernames['unit-leader'];
    const objectionsOf = async (role: UserRole) => {
      const progress = await getProgress(api, users.tokens[role], caseId);
      const timeline = await request(api.http).get(`/api/delegations/${caseId}/timeline`).set(bearer(users.tokens[role])).expect(200);
      const event = (
        timeline.body.events as Array<{ type: string; actorId: string | null; actorRole: string | null; onBehalfOf: string | null }>
      ).find((e) => e.type === 'notice.objection')!;
      return { by: progress.objections[0]?.by, actorId: event.actorId, actorRole: event.actorRole, onBehalfOf: event.onBehalfOf };
    };
    for (const role of ['fao-clerk', 'fao-reviewer', 'fao-director', 'leader', 'manager'] as const)
      expect({ role, ...(await objectionsOf(role)) }).toEqual({
        role,
        by: recorder,
        actorId: recorder,
        actorRole: 'unit-leader',
        onBehalfOf: null,
      });
    for (const role of ['organizer', 'unit-leader', 'personnel', 'secrecy', 'finance', 'passport-officer'] as const)
      expect({ role, ...(await objectionsOf(role)) }).toEqual({ role, by: null, actorId: null, actorRole: null, onBehalfOf: null });
    // The same objection by the same person again is refused (422 duplicate); another one is recorded.
    const again = await request(api.http)
      .post(`/api/delegations/${caseId}/notice-objections`)
      .set(bearer(users.tokens['unit-leader']))
      .send({ objection: ` 张三（护照EA1234567，身份证${ID_18}）本年度已出访 ` });
    expect([again.status, again.body.errors?.map((e: { field: string; rule: string }) => [e.field, e.rule])]).toEqual([
      422,
      [['objection', 'duplicate']],
    ]);
    // Nor with a zero-width space in it (third trial: recorded twice).
    const hidden = await request(api.http)
      .post(`/api/delegations/${caseId}/notice-objections`)
      .set(bearer(users.tokens['unit-leader']))
      .send({ objection: `张三（护照EA1234567，身份证${ID_18}）本年度\u200b已出访` });
    expect([hidden.status, hidden.body.errors?.map((e: { field: string; rule: string }) => [e.field, e.rule])]).toEqual([
      422,
      [['objection', 'duplicate']],
    ]);
    // Nor with a full stop after it (trial 83: recorded twice), nor in traditional characters (trial 84).
    const stopped = await request(api.http)
      .post(`/api/delegations/${caseId}/notice-objections`)
      .set(bearer(users.tokens['unit-leader']))
      .send({ objection: `張三（護照EA1234567，身份證${ID_18}）本年度已出訪。` });
    expect([stopped.status, stopped.body.errors?.map((e: { field: string; rule: string }) => [e.field, e.rule])]).toEqual([
      422,
      [['objection', 'duplicate']],
    ]);
  });

  it('finds no personal value in clear for a role that does not need it, and the clear value for each role that does', async () => {
    const endpoints = await getEndpoints();
    expect(endpoints).toEqual(
      expect.arrayContaining([
        `/api/delegations/${caseId}`,
        `/api/delegations/${caseId}/timeline`,
        '/api/delegations',
        '/api/inbox',
        '/api/dashboard',
      ]),
    );
    const answered = new Set<string>();
    const leaks: string[] = [];
    const seen = new Map<Viewer, string>();
    for (const viewer of VIEWERS) {
      let all = '';
      for (const path of endpoints) {
        const req = request(api.http).get(path);
        const token = tokenOf(viewer);
        const res = await (token ? req.set(bearer(token)) : req);
        if (res.status === 200) answered.add(path);
        // PDFs come as bytes (their text streams are compressed: scanned as they are, best effort).
        const text = res.text ?? (Buffer.isBuffer(res.body) ? res.body.toString('latin1') : '');
        all += text;
        for (const s of SEEDED)
          if (text.includes(s.value) && !(s.clear as readonly string[]).includes(viewer))
            leaks.push(`${viewer} GET ${path} ${res.status}: ${s.what}`);
        for (const f of FLAGS)
          if (new RegExp(`"${f.key}":\\s*(true|false)`).test(text) && !(f.clear as readonly string[]).includes(viewer))
            leaks.push(`${viewer} GET ${path} ${res.status}: ${f.key}`);
      }
      seen.set(viewer, all);
    }
    expect(leaks).toEqual([]);
    // Every endpoint answered someone (the walk read data, not only refusals).
    // (The approval document exists only once B08 issued it; this case stops at the public notice: 409 for all.)
    // (An attachment's bytes are walked by their list only: the id filled in above is unknown, 404 for all.)
    expect(
      endpoints.filter((p) => !answered.has(p) && !p.endsWith('/documents/approval-document.pdf') && !p.includes('/attachments/')),
    ).toEqual([]);
    // Each role that needs a value finds it in clear.
    const missing: string[] = [];
    for (const s of SEEDED) for (const role of s.clear) if (!seen.get(role)!.includes(s.value)) missing.push(`${role}: ${s.what}`);
    for (const f of FLAGS)
      for (const role of f.clear) if (!new RegExp(`"${f.key}":\\s*(true|false)`).test(seen.get(role)!)) missing.push(`${role}: ${f.key}`);
    expect(missing).toEqual([]);
  });

  it('masks error bodies from the same classification (a refusal quoting the value typed)', async () => {
    // The trip report (P03) is a step after departure: before it the case has no P03, said first (404 UNKNOWN_STEP),
    // not its data's refusal; that 404 quotes nothing typed.
    const report = await request(api.http)
      .post(`/api/delegations/${caseId}/steps/P03/complete`)
      .set(bearer(users.tokens.organizer))
      .send({ data: { outcomes: { [ID_18]: 1, E87654321: 2 } } })
      .expect(404);
    expect([report.body.code, report.text.includes(ID_18)]).toEqual(['UNKNOWN_STEP', false]);
    // 帮代办 for someone who is nobody: the refusal quotes the name typed, masked as the same value is anywhere else.
    const post = (role: UserRole) =>
      request(api.http).post(`/api/delegations/${caseId}/steps/A02/complete`).set(bearer(users.tokens[role])).send({ onBehalfOf: ID_18 });
    // The FAO intake clerk (who reads identity numbers masked) is told the name is no organizer of the unit: quoted, masked.
    const asClerk = await post('fao-clerk').expect(422);
    expect(asClerk.body.code).toBe('INVALID_ON_BEHALF');
    expect(asClerk.body.errors.map((e: { field: string }) => e.field)).toEqual(['onBehalfOf']);
    expect(asClerk.text).not.toContain(ID_18);
    expect(asClerk.text).toContain('11**************3X');
    // The organizer holds the right: told so, quoting nothing typed.
    const asOrganizer = await post('organizer').expect(422);
    expect([asOrganizer.body.code, asOrganizer.text.includes(ID_18)]).toEqual(['INVALID_ON_BEHALF', false]);
    const asPassportOfficer = await post('passport-officer').expect(422);
    expect(asPassportOfficer.text).toContain(ID_18);
  });

  it('leaves data without personal values as it is (the catalog: 53 steps, labels, the country table)', async () => {
    const expected = JSON.parse(JSON.stringify(api.app.get(InboxService).catalog()));
    for (const role of ['organizer', 'personnel', 'passport-officer'] as const)
      expect((await request(api.http).get('/api/catalog').set(bearer(users.tokens[role])).expect(200)).body).toEqual(expected);
  });
});
