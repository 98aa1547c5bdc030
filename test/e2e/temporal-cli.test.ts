import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import request from 'supertest';
import type { DelegationProgress } from '@df/contracts';
import { resolveTemporalCli } from '@df/runtime';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';
import { bearer, canonicalSubmission, createTestUsers, startTestApi, type TestApi, type TestUsers } from '../support/api-harness';
import { actionable, actOn, getProgress } from '../support/api-flow';

const run = promisify(execFile);

/** The Temporal CLI users and operators run, against the suite's server, with JSON output. */
async function temporal(...args: string[]): Promise<unknown> {
  const cli = resolveTemporalCli();
  if (!cli) throw new Error('the Temporal CLI was not found (npm run tools)');
  const { stdout } = await run(cli.path, [
    ...args,
    '--address',
    process.env.TEMPORAL_ADDRESS!,
    '--namespace',
    'default',
    '--output',
    'json',
  ]);
  const text = stdout.trim();
  // `workflow list` prints one JSON document per workflow.
  return text.startsWith('[') || !text.includes('\n{') ? JSON.parse(text || 'null') : text.split(/\n(?=\{)/).map((t) => JSON.parse(t));
}

const asList = (v: unknown): Array<Record<string, unknown>> => (Array.isArray(v) ? v : v ? [v] : []) as Array<Record<string, unknown>>;

describe('the Temporal CLI against a case started by the API', () => {
  let worker: TestWorker;
  let api: TestApi;
  let users: TestUsers;
  let caseId: string;
  let workflowId: string;
  let passportNumber: string;
  beforeAll(async () => {
    worker = await startTestWorker({ workingDaySeconds: 1 });
    api = await startTestApi({ taskQueue: worker.config.taskQueue, workingDaySeconds: 1 });
    // Payloads are encrypted: the CLI decodes query results through the API's codec endpoint.
    await api.app.listen(0, '127.0.0.1');
    users = await createTestUsers(api);
    const body = canonicalSubmission(users.unit);
    passportNumber = (body.members[0]!.passport as { number: string }).number;
    const submitted = await request(api.http).post('/api/delegations').set(bearer(users.tokens.organizer)).send(body).expect(201);
    ({ caseId, workflowId } = submitted.body);
    // Drive the case through review and the passport phase until it is in the visa phase.
    const deadline = Date.now() + 90_000;
    for (;;) {
      const p = await getProgress(api, users.tokens.organizer, caseId);
      if (p.phase === 'visa') break;
      if (Date.now() > deadline) throw new Error(`case did not reach the visa phase: ${p.phase}`);
      const open = actionable(p);
      if (open.length === 0) await new Promise((r) => setTimeout(r, 200));
      for (const step of open) await actOn(api, users, caseId, step);
    }
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
  });

  it('describe: the delegation workflow, running, with its search attributes and no personal data', async () => {
    const described = (await temporal('workflow', 'describe', '--workflow-id', workflowId)) as {
      workflowExecutionInfo: { type: { name: string }; status: string; taskQueue: string; searchAttributes: unknown };
    };
    const info = described.workflowExecutionInfo;
    expect(info.type.name).toBe('delegation');
    expect(info.status).toBe('WORKFLOW_EXECUTION_STATUS_RUNNING');
    expect(info.taskQueue).toBe(worker.config.taskQueue);
    const attributes = JSON.stringify(info.searchAttributes);
    for (const name of ['DelegationUnit', 'Phase', 'Countries', 'AtRisk', 'DepartureDate', 'ForecastReadyDate'])
      expect(attributes).toContain(name);
    expect(attributes).not.toContain('张三');
    expect(attributes).not.toContain(passportNumber);
  });

  it('query --name progress: the same case, phase and steps the API shows', async () => {
    const codecEndpoint = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}/api/codec`;
    const codec = ['--codec-endpoint', codecEndpoint, '--codec-auth', `Bearer ${users.tokens['fao-reviewer']}`];
    const result = (await temporal('workflow', 'query', '--workflow-id', workflowId, '--name', 'progress', ...codec)) as {
      queryResult: unknown;
    };
    const progress = (Array.isArray(result.queryResult) ? result.queryResult[0] : result.queryResult) as DelegationProgress;
    expect(progress).toMatchObject({ caseId, workflowId, status: 'open', phase: 'visa', unit: users.unit });
    const fromApi = await getProgress(api, users.tokens.organizer, caseId);
    expect(progress.steps.map((s) => s.key)).toEqual(fromApi.steps.map((s) => s.key));
    expect(progress.plan.criticalPathCodes).toEqual(fromApi.plan.criticalPathCodes);
  });

  it('list --query "Phase=\'visa\'" finds the case by its search attributes, and other phases do not', async () => {
    const query = (phase: string) => `WorkflowType='delegation' AND Phase='${phase}' AND DelegationUnit='${users.unit}'`;
    const visa = await eventually(
      async () => asList(await temporal('workflow', 'list', '--query', query('visa'))),
      (rows) => rows.length > 0,
    );
    expect(visa.map((r) => (r.execution as { workflowId: string }).workflowId)).toEqual([workflowId]);
    expect(asList(await temporal('workflow', 'list', '--query', query('review')))).toEqual([]);
    const byCountry = asList(await temporal('workflow', 'list', '--query', `Countries='US' AND DelegationUnit='${users.unit}'`));
    expect(byCountry.map((r) => (r.execution as { workflowId: string }).workflowId)).toEqual([workflowId]);
  });

  it('list --query "DepartureDate < \'YYYY-MM-DDT00:00:00Z\'" means before that calendar day (issue 11 item 9)', async () => {
    const departure = (await getProgress(api, users.tokens.organizer, caseId)).departureDate;
    const nextDay = new Date(Date.parse(`${departure}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const ids = async (query: string) =>
      asList(await temporal('workflow', 'list', '--query', `DelegationUnit='${users.unit}' AND ${query}`)).map(
        (r) => (r.execution as { workflowId: string }).workflowId,
      );
    // Stored as 00:00Z of the departure date: not before its own day, before the next one, and inside the day's range.
    expect(await ids(`DepartureDate < '${departure}T00:00:00Z'`)).toEqual([]);
    expect(await ids(`DepartureDate < '${nextDay}T00:00:00Z'`)).toEqual([workflowId]);
    expect(await ids(`DepartureDate >= '${departure}T00:00:00Z' AND DepartureDate < '${nextDay}T00:00:00Z'`)).toEqual([workflowId]);
  });
});
