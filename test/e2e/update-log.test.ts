import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { startTestWorker, type TestWorker } from '../support/harness';
import { bearer, canonicalSubmission, createTestUsers, startTestApi, type TestApi, type TestUsers } from '../support/api-harness';
import { waitForStep } from '../support/api-flow';

/**
 * Twenty-first trial (F2): the workflow update's log lines ("update accepted", "update refused") carried the update's
 * own id as `requestId`, an id the client never sees, in place of the request's (the `X-Request-Id` answered, which
 * docs/operations.md tells operators to find a request by). Each line now keeps the request's id and names the
 * action by the key the client sent (`idempotencyKey`, the answer's `requestId`) and by its Temporal update id.
 */
describe("a workflow update's log lines carry the request's id and the client's key", () => {
  let worker: TestWorker;
  let api: TestApi;
  let users: TestUsers;
  beforeAll(async () => {
    worker = await startTestWorker({ workingDaySeconds: 60 });
    api = await startTestApi({ taskQueue: worker.config.taskQueue, workingDaySeconds: 60, logLevel: 'info' });
    users = await createTestUsers(api);
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });

  it('accepted and refused: requestId is the X-Request-Id, idempotencyKey the key sent, updateId the Temporal update id', async () => {
    const caseId = (
      await request(api.http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(canonicalSubmission(users.unit)).expect(201)
    ).body.caseId as string;
    await waitForStep(api, users.tokens.organizer, caseId, 'A02', ['awaiting']);
    const lines: string[] = [];
    const capture = (chunk: string | Uint8Array): boolean => {
      lines.push(
        ...String(chunk)
          .split('\n')
          .filter((l) => l.startsWith('{')),
      );
      return true;
    };
    const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
    const [first, second] = [randomUUID(), randomUUID()];
    const completeA02 = (requestId: string, key: string) =>
      request(api.http)
        .post(`/api/delegations/${caseId}/steps/A02/complete`)
        .set(bearer(users.tokens.organizer))
        .set('X-Request-Id', requestId)
        .set('Idempotency-Key', key)
        .send({});
    try {
      const accepted = await completeA02('trial21-req-1', first).expect(200);
      expect(accepted.body.requestId).toBe(first);
      // Done already: the workflow refuses it (409 STEP_NOT_AWAITING), a warn line.
      await completeA02('trial21-req-2', second).expect(409);
      await new Promise((r) => setImmediate(r));
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const line = (msg: string) => entries.find((e) => e.msg === msg && e.caseId === caseId);
    expect(line('update accepted')).toMatchObject({
      requestId: 'trial21-req-1',
      idempotencyKey: first,
      stepKey: 'A02',
      update: 'complete',
    });
    expect(line('update refused')).toMatchObject({
      requestId: 'trial21-req-2',
      idempotencyKey: second,
      stepKey: 'A02',
      code: 'STEP_NOT_AWAITING',
    });
    for (const msg of ['update accepted', 'update refused']) {
      const updateId = String(line(msg)!.updateId);
      expect(updateId).toMatch(/^[0-9a-f-]{36}$/);
      expect([first, second]).not.toContain(updateId);
    }
    // The access log's line of each request is found by the same id.
    expect(entries.filter((e) => e.msg === 'request' && e.requestId === 'trial21-req-1')).toHaveLength(1);
  });
});
