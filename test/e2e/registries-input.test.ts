import request from 'supertest';
import { DEFAULT_DEFINITION } from '@df/domain';
import { startTestWorker, type TestWorker } from '../support/harness';
import { bearer, createTestUsers, startTestApi, type TestApi, type TestUsers } from '../support/api-harness';
import { createTestDatabase, type TestDatabase } from '../support/database';

/** The registries' refusals of a new-user trial's inputs (own database: process versions are office-wide). */

type FieldError = { field: string; rule: string; message: { zh: string; en: string } };
const hasChinese = (s: string) => /[\u4e00-\u9fff]/.test(s);
const errorsOf = (body: { errors?: FieldError[] }): FieldError[] => body.errors ?? [];

describe('registries: input refusals (new-user trial)', () => {
  let db: TestDatabase;
  let worker: TestWorker;
  let api: TestApi;
  let users: TestUsers;
  beforeAll(async () => {
    db = await createTestDatabase('registries_input');
    worker = await startTestWorker({ databaseUrl: db.url });
    api = await startTestApi({ databaseUrl: db.url, taskQueue: worker.config.taskQueue });
    users = await createTestUsers(api);
    await request(api.http)
      .put(`/api/registries/units/${users.unit}`)
      .set(bearer(users.tokens['fao-clerk']))
      .send({ nameZh: '测试单位', nameEn: 'Test unit', supervisingDepartment: null })
      .expect(200);
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
    await db?.drop();
  });

  const get = (path: string, token: string) => request(api.http).get(path).set(bearer(token));
  const put = (path: string, token: string, body: object) => request(api.http).put(path).set(bearer(token)).send(body);

  describe('a malformed code or id in a path is 400 path.<name> on GET as on PUT (not 404 "not registered")', () => {
    const long = 'k'.repeat(300);
    it.each([
      ['GET unit, a space', () => `/api/registries/units/bad%20code`, 'code'],
      ['GET unit, 300 characters', () => `/api/registries/units/${long}`, 'code'],
      ['GET plan, a space', () => `/api/registries/units/bad%20code/plans/2027`, 'code'],
      ['GET plan, 300 characters', () => `/api/registries/units/${long}/plans/2027`, 'code'],
      ['GET person', () => `/api/registries/people/bad%20id`, 'personId'],
      ['GET passport', () => `/api/registries/passports/bad%20no`, 'number'],
    ])('%s', async (_what, path, name) => {
      const res = await get(path(), users.tokens['fao-clerk']).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(errorsOf(res.body).map((e) => [e.field, e.rule])).toEqual([[`path.${name}`, 'format']]);
      expect(JSON.stringify(res.body)).not.toContain('k'.repeat(65));
    });

    it('PUT plan, PUT classified access and passport transitions name the path parameter too', async () => {
      const plan = await put(`/api/registries/units/bad%20code/plans/2027`, users.tokens['fao-clerk'], { trips: [] }).expect(400);
      expect(errorsOf(plan.body).map((e) => e.field)).toEqual(['path.code']);
      const access = await put(`/api/registries/people/bad%20id/classified-access`, users.tokens.secrecy, {
        classifiedAccess: true,
      }).expect(400);
      expect(errorsOf(access.body).map((e) => e.field)).toEqual(['path.personId']);
      const moved = await request(api.http)
        .post('/api/registries/passports/bad%20no/transitions')
        .set(bearer(users.tokens['passport-officer']))
        .send({ action: 'check-in' })
        .expect(400);
      expect(errorsOf(moved.body).map((e) => e.field)).toContain('path.number');
    });

    it('a well-formed code not registered is still 404', async () => {
      await get('/api/registries/units/no-such-unit', users.tokens['fao-clerk']).expect(404);
    });
  });

  describe('dates a registry cannot hold (new-user trial: born in 2030 or 1800, a passport issued in 2029)', () => {
    const person = (dateOfBirth: string) => ({
      unit: users.unit,
      name: '张三',
      gender: 'male',
      dateOfBirth,
      rank: 'division',
      position: '处长',
      partyMember: true,
      leadershipTeam: null,
    });
    it.each([['2030-01-01'], ['1800-06-01']])('a person born on %s is 422 dateOfBirth plausible-date', async (born) => {
      const res = await put(`/api/registries/people/P-${users.unit}-born`, users.tokens.personnel, person(born)).expect(422);
      expect(errorsOf(res.body).map((e) => [e.field, e.rule])).toEqual([['dateOfBirth', 'plausible-date']]);
      expect(hasChinese(errorsOf(res.body)[0]!.message.zh)).toBe(true);
    });

    it('a passport issued after today is 422 issuedOn not-future; expiring before its issue names the date of issue in words', async () => {
      await put(`/api/registries/people/P-${users.unit}-holder`, users.tokens.personnel, person('1970-05-01')).expect(200);
      const post = (body: object) =>
        request(api.http).post('/api/registries/passports').set(bearer(users.tokens['passport-officer'])).send(body);
      const future = await post({
        number: 'SE7000001',
        issuedOn: '2099-01-01',
        expiresOn: '2109-01-01',
        holder: `P-${users.unit}-holder`,
      }).expect(422);
      expect(errorsOf(future.body).map((e) => [e.field, e.rule])).toEqual([['issuedOn', 'not-future']]);
      const backwards = await post({
        number: 'SE7000002',
        issuedOn: '2021-01-01',
        expiresOn: '2020-01-01',
        holder: `P-${users.unit}-holder`,
      }).expect(422);
      expect(errorsOf(backwards.body)).toEqual([
        { field: 'expiresOn', rule: 'after-issue', message: { zh: '须晚于签发日期', en: 'Must be after the date of issue' } },
      ]);
    });
  });

  describe('one country rule: an annual plan refuses a country the submission refuses', () => {
    it('handed input: PUT …/plans/2027 with countries ["ZZ"] is 422 UNKNOWN_COUNTRY on trips[0].countries[0]', async () => {
      const trip = { id: 'P1', purpose: 'investment-promotion', countries: ['US', 'ZZ'], size: 5, quarter: 1 };
      const res = await put(`/api/registries/units/${users.unit}/plans/2027`, users.tokens.organizer, {
        trips: [{ ...trip, id: 'P0', countries: ['US'] }, trip],
      }).expect(422);
      expect(res.body.code).toBe('RULE_VIOLATION');
      expect(errorsOf(res.body)).toEqual([
        { field: 'trips[1].countries[1]', rule: 'UNKNOWN_COUNTRY', message: { zh: '未知国家代码 ZZ', en: 'Unknown country code ZZ' } },
      ]);
      const only = await put(`/api/registries/units/${users.unit}/plans/2027`, users.tokens.organizer, {
        trips: [{ ...trip, countries: ['ZZ'] }],
      }).expect(422);
      expect(errorsOf(only.body).map((e) => [e.field, e.rule])).toEqual([['trips[0].countries[0]', 'UNKNOWN_COUNTRY']]);
      await get(`/api/registries/units/${users.unit}/plans/2027`, users.tokens.organizer).expect(404);
      await put(`/api/registries/units/${users.unit}/plans/2027`, users.tokens.organizer, {
        trips: [{ ...trip, countries: ['US', 'DE'] }],
      }).expect(200);
    });
  });

  describe('process-version refusals name JSON paths as sent, our rule names, Chinese beside English', () => {
    const publish = (body: object) =>
      request(api.http).post('/api/registries/process-versions').set(bearer(users.tokens['fao-director'])).send(body);

    it('handed input: {"definition":{"version":"office-x","steps":[{"key":1}]}}', async () => {
      const res = await publish({ definition: { version: 'office-x', steps: [{ key: 1 }] } }).expect(422);
      const errors = errorsOf(res.body);
      expect(errors.map((e) => [e.field, e.rule])).toEqual([
        ['definition.steps[0].code', 'invalid-field'],
        ['definition.steps[0].phase', 'invalid-field'],
        ['definition.steps[0].name', 'invalid-field'],
        ['definition.steps[0].actor', 'invalid-field'],
        ['definition.steps[0].scope', 'invalid-field'],
        ['definition.steps[0].needs', 'invalid-field'],
        ['definition.steps[0].durationWd', 'invalid-field'],
        ['definition.steps[0].kind', 'invalid-field'],
        ['definition.steps[0].key', 'unknown-field'],
      ]);
      for (const e of errors) {
        expect(hasChinese(e.message.zh)).toBe(true);
        expect(e.message.en).not.toBe(e.message.zh);
      }
      expect(errors[0]!.message).toEqual({
        zh: '须为大写步骤代码，如 A01（最多8个字符）',
        en: 'Must be an upper-case code like A01 (at most 8 characters)',
      });
      expect(hasChinese(res.body.message.zh)).toBe(true);
    });

    it('handed input: a field no part of the process reads (A12 condition misspelt condtion, extra fields) is refused, never stored', async () => {
      const current = await request(api.http)
        .get(`/api/registries/process-versions/${DEFAULT_DEFINITION.version}`)
        .set(bearer(users.tokens['fao-director']))
        .expect(200);
      const def = structuredClone(current.body.definition) as Record<string, unknown> & {
        version: string;
        steps: Array<Record<string, unknown>>;
      };
      def.version = 'office-t2';
      const a12 = def.steps.findIndex((s) => s.code === 'A12');
      def.steps[a12]!.condtion = def.steps[a12]!.condition;
      delete def.steps[a12]!.condition;
      def.extraTop = true;
      const res = await publish({ definition: def, settings: { stepDuration: { A05: 3 } } }).expect(422);
      expect(errorsOf(res.body).map((e) => [e.field, e.rule])).toEqual([
        ['definition.extraTop', 'unknown-field'],
        [`definition.steps[${a12}].condtion`, 'unknown-field'],
      ]);
      expect(errorsOf(res.body)[0]!.message).toEqual({ zh: '流程不读取此字段', en: 'The process reads no such field' });
      await request(api.http).get('/api/registries/process-versions/office-t2').set(bearer(users.tokens['fao-director'])).expect(404);
      // The definition as published, with a settings field misspelt: refused at settings.
      const settingsTypo = await publish({
        definition: { ...current.body.definition, version: 'office-t3' },
        settings: { stepDuration: { A05: 3 } },
      }).expect(422);
      expect(errorsOf(settingsTypo.body).map((e) => [e.field, e.rule])).toEqual([['settings.stepDuration', 'unknown-field']]);
    });

    it('graph problems name the step by index and the field: needs[j], code; no steps; settings paths', async () => {
      const broken = structuredClone(DEFAULT_DEFINITION) as unknown as { version: string; steps: Array<Record<string, unknown>> };
      broken.version = 'office-y';
      const a02 = broken.steps.findIndex((s) => s.code === 'A02');
      broken.steps[a02] = { ...broken.steps[a02], needs: ['Z99'] };
      const unknown = await publish({ definition: broken }).expect(422);
      expect(errorsOf(unknown.body).map((e) => [e.field, e.rule])).toEqual([[`definition.steps[${a02}].needs[0]`, 'unknown-dependency']]);
      expect(hasChinese(errorsOf(unknown.body)[0]!.message.zh)).toBe(true);

      const dup = structuredClone(DEFAULT_DEFINITION) as unknown as { version: string; steps: Array<Record<string, unknown>> };
      dup.version = 'office-y';
      dup.steps.push({ ...dup.steps[0] });
      const twice = await publish({ definition: dup }).expect(422);
      expect(errorsOf(twice.body).map((e) => [e.field, e.rule])).toEqual([
        [`definition.steps[${dup.steps.length - 1}].code`, 'duplicate-code'],
      ]);

      const empty = await publish({ definition: { version: '', steps: [] } }).expect(422);
      expect(errorsOf(empty.body).map((e) => [e.field, e.rule])).toEqual([
        ['definition.version', 'invalid-field'],
        ['definition.steps', 'invalid-shape'],
      ]);
      // A client's value comes back bounded (64 characters, then …), in the field and in the text.
      const long = structuredClone(broken);
      long.steps[a02] = { ...long.steps[a02], needs: ['Z'.repeat(5000)] };
      const bounded = await publish({ definition: long }).expect(422);
      expect(errorsOf(bounded.body)[0]!.message.en).toBe(`No step ${'Z'.repeat(64)}…`);
      expect(JSON.stringify(bounded.body)).not.toContain('Z'.repeat(65));
      const notObject = await publish({ definition: { version: 'office-y', steps: [7] } }).expect(422);
      expect(errorsOf(notObject.body).map((e) => [e.field, e.rule])).toEqual([['definition.steps[0]', 'invalid-shape']]);

      const settings = await publish({
        definition: { ...DEFAULT_DEFINITION, version: 'office-y' },
        settings: { stepDurations: { Q42: 1, A05: -1 }, countries: { US: { processingWd: -2 }, ZZ: { processingWd: 3 } } },
      }).expect(422);
      expect(errorsOf(settings.body).map((e) => [e.field, e.rule])).toEqual([
        ['settings.stepDurations.Q42', 'unknown-step-override'],
        ['settings.stepDurations.A05', 'invalid-field'],
        ['settings.countries.US.processingWd', 'invalid-field'],
        ['settings.countries.ZZ', 'UNKNOWN_COUNTRY'],
      ]);
      for (const e of errorsOf(settings.body)) expect(hasChinese(e.message.zh)).toBe(true);
    });
  });
});
