import request from 'supertest';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';
import {
  bearer,
  canonicalSubmission,
  createTestUsers,
  passportsNotInCustody,
  registerRosterPerson,
  registerTestUnit,
  startTestApi,
  type TestApi,
  type TestUsers,
} from '../support/api-harness';
import { getProgress } from '../support/api-flow';

/**
 * 人员变更 from a page that sees its members masked (trial: the web's amendment could not add or remove a member, since
 * an amendment's `members` replaces the list and a page cannot send back a passport number it sees masked): a member
 * the case has is kept by `{ id }` alone, filled in by the API from the case as it holds them.
 */
describe('an amendment keeps members by id, adds roster people and removes members', () => {
  let worker: TestWorker;
  let api: TestApi;
  let users: TestUsers;
  let lisi: string;
  let lisi2: string;
  let passportNumber: string;
  let caseId: string;

  const amend = (members: object[]) =>
    request(api.http)
      .post(`/api/delegations/${caseId}/amend`)
      .set(bearer(users.tokens.organizer))
      .send({ changes: { members }, comment: '人员变更' });

  beforeAll(async () => {
    // A slow clock: the case stays in its first steps.
    worker = await startTestWorker({ workingDaySeconds: 60 });
    api = await startTestApi({ taskQueue: worker.config.taskQueue, workingDaySeconds: 60 });
    users = await createTestUsers(api);
    await registerTestUnit(api, users);
    lisi = `P-${users.unit}-lisi`;
    await registerRosterPerson(api, users, lisi, { name: '李四' });
    lisi2 = `P-${users.unit}-wangwu`;
    await registerRosterPerson(api, users, lisi2, { name: '王五' });
    const body = passportsNotInCustody(canonicalSubmission(users.unit));
    passportNumber = (body.members[0]!.passport as { number: string }).number;
    const submitted = await request(api.http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(body).expect(201);
    caseId = submitted.body.caseId;
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });

  it('keeps m1 as the case holds them (passport included), adds a roster person, refuses an unknown id, removes m1', async () => {
    // The passport officer reads passport numbers in clear.
    const officer = users.tokens['passport-officer'];
    const before = await getProgress(api, officer, caseId);
    const m1 = before.facts.members.find((m) => m.id === 'm1')!;
    expect(m1.passport?.number).toBe(passportNumber);

    // The handed input: the organizer keeps m1 by its id and adds 李四 of the roster.
    expect((await amend([{ id: 'm1' }, { id: 'm2', personId: lisi }]).expect(200)).body.accepted).toBe(true);
    const added = await eventually(
      () => getProgress(api, officer, caseId),
      (p) => p.facts.members.length === 2,
    );
    expect(added.facts.members.map((m) => [m.id, m.name])).toEqual([
      ['m1', m1.name],
      ['m2', '李四'],
    ]);
    // Kept as held: nothing of m1 changed (a masked number sent back would have replaced the passport).
    expect(added.facts.members[0]).toEqual(m1);

    // An id the case has no member under: 422 at the id, nothing applied.
    const unknown = await amend([{ id: 'm1' }, { id: 'm9' }]).expect(422);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'changes.members[1].id', rule: 'known-member' })]);
    // A new member with a name only is neither kept nor complete: 400 naming the missing facts.
    const partial = await amend([{ id: 'm1' }, { id: 'm3', name: '王五' }]).expect(400);
    expect(partial.body.errors.map((e: { field: string }) => e.field)).toContain('changes.members[1].rank');
    // Sending the members as they are changes nothing: 422 no-change.
    expect((await amend([{ id: 'm1' }, { id: 'm2' }]).expect(422)).body.errors).toEqual([
      expect.objectContaining({ field: 'changes', rule: 'no-change' }),
    ]);
    expect((await getProgress(api, officer, caseId)).facts.members).toHaveLength(2);

    // m1 removed: the list kept is m2 alone.
    await amend([{ id: 'm2' }]).expect(200);
    const removed = await eventually(
      () => getProgress(api, officer, caseId),
      (p) => p.facts.members.length === 1,
    );
    expect(removed.facts.members.map((m) => m.id)).toEqual(['m2']);
    // The removed member's id is not another person's: 422 at the id.
    const reused = await amend([{ id: 'm2' }, { id: 'm1', personId: lisi2 }]).expect(422);
    expect(reused.body.errors).toEqual([expect.objectContaining({ field: 'changes.members[1].id', rule: 'unique' })]);
  });

  it('previews an amendment before it is sent: what it runs again and adds, or its refusal; nothing changes (trial 77)', async () => {
    const organizer = bearer(users.tokens.organizer);
    const preview = (changes: object, token = organizer) =>
      request(api.http).post(`/api/delegations/${caseId}/amendment-preview`).set(token).send({ changes });
    const events = async () =>
      (await request(api.http).get(`/api/delegations/${caseId}/timeline`).set(organizer).expect(200)).body.events as Array<{
        type: string;
        payload: { by?: string; targets?: string[] };
      }>;
    const before = await events();
    const adds = { members: [{ id: 'm2' }, { id: 'm3', personId: lisi2 }] };
    const answer = (await preview(adds).expect(200)).body;
    expect(answer).toMatchObject({ membersAdded: ['m3'], membersRemoved: [], datesChanged: false, countriesAdded: [] });
    // Nothing recorded, the member not added.
    expect((await events()).length).toBe(before.length);
    expect((await getProgress(api, users.tokens['passport-officer'], caseId)).facts.members.map((m) => m.id)).toEqual(['m2']);
    // The refusals the amendment meets: a departure in the past (422 at changes.departureDate), a manager (403).
    const past = await preview({ departureDate: '2020-01-01' }).expect(422);
    expect(past.body.errors).toContainEqual(expect.objectContaining({ field: 'changes.departureDate', rule: 'DEPARTURE_NOT_FUTURE' }));
    await preview(adds, bearer(users.tokens.manager)).expect(403);
    // Sent: it runs again what the preview said.
    await amend(adds.members).expect(200);
    const returned = await eventually(
      async () => (await events()).filter((e) => e.type === 'step.returned' && e.payload.by === 'amend'),
      (r) => r.length > before.filter((e) => e.type === 'step.returned' && e.payload.by === 'amend').length,
    );
    expect([...returned.at(-1)!.payload.targets!].sort()).toEqual(answer.reruns.map((x: { key: string }) => x.key).sort());
  });
});
