import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { addDays, addMonths, DEFAULT_DEFINITION, MAX_DEPARTURE_AHEAD_DAYS, shanghaiDate } from '@df/domain';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';
import {
  bearer,
  canonicalSubmission,
  createTestUsers,
  passportsNotInCustody,
  startTestApi,
  type TestApi,
  type TestUsers,
} from '../support/api-harness';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { fixtureUnitNames } from '../support/factories';

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
      .send({ nameZh: `测试单位${users.unit}`, nameEn: `Test unit ${users.unit}`, supervisingDepartment: null })
      .expect(201);
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
      // A space is dropped from a passport number (as the passport office writes it): a hyphen is no part of one.
      ['GET passport', () => `/api/registries/passports/bad-no`, 'key'],
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
        .post('/api/registries/passports/bad-no/transitions')
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
    it.each([
      ['2030-01-01', 422, 'plausible-date'],
      ['1800-06-01', 400, 'date-bounds'],
    ])('a person born on %s is %d dateOfBirth %s', async (born, status, rule) => {
      const res = await put(`/api/registries/people/P-${users.unit}-born`, users.tokens.personnel, person(born)).expect(status);
      expect(errorsOf(res.body).map((e) => [e.field, e.rule])).toEqual([['dateOfBirth', rule]]);
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

    const bilingual = (body: { errors?: FieldError[] }) =>
      errorsOf(body).every((e) => hasChinese(e.message.zh) && /^[A-Z]/.test(e.message.en) && !hasChinese(e.message.en));
    const officerPost = (body: object) =>
      request(api.http).post('/api/registries/passports').set(bearer(users.tokens['passport-officer'])).send(body);

    it('fourth trial, handed input: a passport issued 1975-01-01 to a holder born 1980-05-01 is 422 issuedOn after-birth, nothing stored', async () => {
      const holder = `P-${users.unit}-born80`;
      await put(`/api/registries/people/${holder}`, users.tokens.personnel, { ...person('1980-05-01'), name: '陈八' }).expect(200);
      const res = await officerPost({ number: 'SE7000101', issuedOn: '1975-01-01', expiresOn: '1985-01-01', holder }).expect(422);
      expect(res.body.code).toBe('INVALID_REQUEST');
      expect(errorsOf(res.body).map((e) => [e.field, e.rule])).toEqual([['issuedOn', 'after-birth']]);
      expect(bilingual(res.body)).toBe(true);
      expect(errorsOf(res.body)[0]!.message.en).toContain('1980-05-01');
      await get('/api/registries/passports/SE7000101', users.tokens['passport-officer']).expect(404);
      // Issued after the birth is taken (long expired, it is a record: below).
      await officerPost({ number: 'SE7000102', issuedOn: '2005-01-01', expiresOn: '2015-01-01', holder }).expect(201);
      // The other side of the rule: the roster may not move the birth after a passport the ledger holds.
      const moved = await put(`/api/registries/people/${holder}`, users.tokens.personnel, {
        ...person('2008-01-01'),
        name: '陈八',
      }).expect(422);
      expect(errorsOf(moved.body).map((e) => [e.field, e.rule])).toEqual([['dateOfBirth', 'after-birth']]);
      expect(bilingual(moved.body)).toBe(true);
      expect(errorsOf(moved.body)[0]!.message.en).toContain('2005-01-01');
      expect((await get(`/api/registries/people/${holder}`, users.tokens.personnel).expect(200)).body.dateOfBirth).toBe('1980-05-01');
    });

    it('fourth trial, handed input: a staff member born 1900-01-01 (aged 126) is 422 dateOfBirth working-age, on registration and on update', async () => {
      const id = `P-${users.unit}-old`;
      const aged = await put(`/api/registries/people/${id}`, users.tokens.personnel, { ...person('1900-01-01'), name: '老九' }).expect(422);
      expect(aged.body.code).toBe('INVALID_REQUEST');
      expect(errorsOf(aged.body).map((e) => [e.field, e.rule])).toEqual([['dateOfBirth', 'working-age']]);
      expect(bilingual(aged.body)).toBe(true);
      await get(`/api/registries/people/${id}`, users.tokens.personnel).expect(404);
      await put(`/api/registries/people/${id}`, users.tokens.personnel, { ...person('1962-01-01'), name: '老九' }).expect(200);
      const update = await put(`/api/registries/people/${id}`, users.tokens.personnel, { ...person('1900-01-01'), name: '老九' }).expect(
        422,
      );
      expect(errorsOf(update.body).map((e) => [e.field, e.rule])).toEqual([['dateOfBirth', 'working-age']]);
      // A hundred years old today is the oldest a roster takes; a birth tomorrow is no birth yet.
      const today = shanghaiDate(Date.now());
      const hundred = addDays(addMonths(today, -12 * 101), 1);
      await put(`/api/registries/people/${id}`, users.tokens.personnel, { ...person(hundred), name: '老九' }).expect(200);
      const tomorrow = await put(`/api/registries/people/${id}-next`, users.tokens.personnel, person(addDays(today, 1))).expect(422);
      expect(errorsOf(tomorrow.body).map((e) => [e.field, e.rule])).toEqual([['dateOfBirth', 'plausible-date']]);
    });

    it('a date that is no calendar date (2027-02-30) is 400 rule date at that field alone, in a person and in a passport', async () => {
      const born = await put(`/api/registries/people/P-${users.unit}-feb`, users.tokens.personnel, person('1980-02-30')).expect(400);
      expect(errorsOf(born.body).map((e) => [e.field, e.rule])).toEqual([['dateOfBirth', 'date']]);
      const holder = `P-${users.unit}-holder`;
      const issued = await officerPost({ number: 'SE7000201', issuedOn: '2023-02-30', expiresOn: '2020-01-01', holder }).expect(400);
      expect(errorsOf(issued.body).map((e) => [e.field, e.rule])).toEqual([['issuedOn', 'date']]);
      const expires = await officerPost({ number: 'SE7000202', issuedOn: '2021-01-01', expiresOn: '2027-02-30', holder }).expect(400);
      expect(errorsOf(expires.body).map((e) => [e.field, e.rule])).toEqual([['expiresOn', 'date']]);
      const same = await officerPost({ number: 'SE7000203', issuedOn: '2021-01-01', expiresOn: '2021-01-01', holder }).expect(422);
      expect(errorsOf(same.body).map((e) => [e.field, e.rule])).toEqual([['expiresOn', 'after-issue']]);
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
      }).expect(201);
    });

    it('a plan lists each country of a trip and each trip id once, and a year that has ended is on record (trial)', async () => {
      const trip = { id: 'P1', purpose: 'investment-promotion', countries: ['US', 'DE', 'US'], size: 5, quarter: 1 };
      // Trial 84: p1 beside P1 is the same id (two trips no one could tell apart).
      const twice = await put(`/api/registries/units/${users.unit}/plans/2028`, users.tokens.organizer, {
        trips: [trip, { ...trip, id: 'p1', countries: ['JP'] }],
      }).expect(422);
      expect(errorsOf(twice.body)).toEqual([
        { field: 'trips[0].countries[2]', rule: 'unique', message: { zh: '同一国家重复列出', en: 'A country is listed twice' } },
        {
          field: 'trips[1].id',
          rule: 'unique',
          message: { zh: '计划编号不能重复（不区分大小写）', en: 'Planned trip ids must be unique (without letter case)' },
        },
      ]);
      await get(`/api/registries/units/${users.unit}/plans/2028`, users.tokens.organizer).expect(404);
      // Last year's plan: A01 matched that year's trips against it, so it stays as it was (the FAO clerk too).
      const last = Number(shanghaiDate(Date.now()).slice(0, 4)) - 1;
      for (const role of ['organizer', 'fao-clerk'] as const) {
        const past = await put(`/api/registries/units/${users.unit}/plans/${last}`, users.tokens[role], {
          trips: [{ ...trip, countries: ['US'] }],
        }).expect(409);
        expect(past.body).toMatchObject({ code: 'ACTION_NOT_ALLOWED', errors: [{ field: 'path.year', rule: 'not-past' }] });
      }
      await get(`/api/registries/units/${users.unit}/plans/${last}`, users.tokens.organizer).expect(404);
      // Thirtieth trial: a plan for 2100 was filed (201), while no case can depart more than two years from today.
      const horizon = Number(addDays(shanghaiDate(Date.now()), MAX_DEPARTURE_AHEAD_DAYS).slice(0, 4));
      for (const year of [horizon + 1, 2100]) {
        const beyond = await put(`/api/registries/units/${users.unit}/plans/${year}`, users.tokens['fao-clerk'], {
          trips: [{ ...trip, countries: ['US'] }],
        }).expect(422);
        expect(beyond.body).toMatchObject({
          code: 'INVALID_REQUEST',
          errors: [{ field: 'path.year', rule: 'max', message: { en: expect.stringContaining(`Must be at most ${horizon}`) } }],
        });
        await get(`/api/registries/units/${users.unit}/plans/${year}`, users.tokens.organizer).expect(404);
      }
      // Trial 31: the path's year is named before the body (a trip without its purpose read 400 trips[0].purpose).
      const first = await put(`/api/registries/units/${users.unit}/plans/2100`, users.tokens['fao-clerk'], {
        trips: [{ quarter: 1 }],
      }).expect(422);
      expect(first.body).toMatchObject({ code: 'INVALID_REQUEST', errors: [{ field: 'path.year', rule: 'max' }] });
      // Its holiday schedule likewise: a rewrite would re-plan every running case (trial: last year's emptied).
      const schedule = await put(`/api/registries/calendars/${last}`, users.tokens['fao-director'], { holidays: [], workdays: [] }).expect(
        409,
      );
      expect(schedule.body).toMatchObject({
        code: 'ACTION_NOT_ALLOWED',
        message: { en: `${last} has ended: its holiday schedule is on record and cannot change` },
        errors: [{ field: 'path.year', rule: 'not-past' }],
      });
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

    it('handed input: an unknown field under a country (settings.countries.US.bar), and at every level of the settings, is refused', async () => {
      const definition = { ...DEFAULT_DEFINITION, version: 'office-t4' };
      const bar = await publish({ definition, settings: { countries: { US: { processingWd: 10, bar: 1 } } } }).expect(422);
      expect(bar.body.code).toBe('INVALID_REQUEST');
      expect(errorsOf(bar.body)).toEqual([
        {
          field: 'settings.countries.US.bar',
          rule: 'unknown-field',
          message: { zh: '流程不读取此字段', en: 'The process reads no such field' },
        },
      ]);
      const everyLevel = await publish({
        definition,
        settings: {
          countries: { US: { processingWd: 10 } },
          rules: { maxMember: 6, frequency: { bureau: { windowMonths: 24, maxTrips: 1, maxTrip: 1 } } },
          deficiencies: { deadline: 2 },
        },
      }).expect(422);
      expect(errorsOf(everyLevel.body).map((e) => [e.field, e.rule])).toEqual([
        ['settings.rules.maxMember', 'unknown-field'],
        ['settings.rules.frequency.bureau.maxTrip', 'unknown-field'],
        ['settings.deficiencies.deadline', 'unknown-field'],
      ]);
      // A country entry's facts have their types (a region, a route, yes/no).
      const types = await publish({ definition, settings: { countries: { US: { region: 'mars', interviewRequired: 'yes' } } } }).expect(
        422,
      );
      expect(errorsOf(types.body).map((e) => [e.field, e.rule])).toEqual([
        ['settings.countries.US.region', 'invalid-field'],
        ['settings.countries.US.interviewRequired', 'invalid-field'],
      ]);
      await request(api.http).get('/api/registries/process-versions/office-t4').set(bearer(users.tokens['fao-director'])).expect(404);
    });

    it('handed input: atRiskThresholdWd 1e-300 is refused, rule decimals: every working-day figure is 0 or at least 0.01 WD, two decimals at most', async () => {
      const definition = { ...DEFAULT_DEFINITION, version: 'office-t5' };
      const tiny = await publish({ definition, settings: { atRiskThresholdWd: 1e-300 } }).expect(422);
      expect(errorsOf(tiny.body)).toEqual([
        {
          field: 'settings.atRiskThresholdWd',
          rule: 'decimals',
          message: { zh: '最多2位小数（0或至少0.01个工作日）', en: 'At most 2 decimal place(s) (0 or at least 0.01 working days)' },
        },
      ]);
      const every = await publish({
        definition: { ...definition, steps: definition.steps.map((s, i) => (i === 1 ? { ...s, durationWd: 1e-300 } : s)) },
      }).expect(422);
      expect(errorsOf(every.body).map((e) => [e.field, e.rule])).toEqual([['definition.steps[1].durationWd', 'decimals']]);
      const settings = await publish({
        definition,
        settings: { stepDurations: { A05: 0.001 }, countries: { US: { processingWd: 5e-324 } }, deficiencies: { deadlineWd: 1e-9 } },
      }).expect(422);
      expect(errorsOf(settings.body).map((e) => [e.field, e.rule])).toEqual([
        ['settings.stepDurations.A05', 'decimals'],
        ['settings.countries.US.processingWd', 'decimals'],
        ['settings.deficiencies.deadlineWd', 'decimals'],
      ]);
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
        ['settings.stepDurations.A05', 'min'],
        ['settings.countries.US.processingWd', 'min'],
        ['settings.countries.ZZ', 'UNKNOWN_COUNTRY'],
      ]);
      for (const e of errorsOf(settings.body)) expect(hasChinese(e.message.zh)).toBe(true);
    });
  });
  describe('what a real registry refuses (new-user trials): one person once, a check-out for a case, a passport in custody with its number, units that exist, an expired passport', () => {
    const post = (path: string, token: string, body: object) => request(api.http).post(path).set(bearer(token)).send(body);
    const fields = (body: { errors?: FieldError[] }) => errorsOf(body).map((e) => [e.field, e.rule]);
    const someone = (unit: string, over: Record<string, unknown> = {}) => ({
      unit,
      name: '赵一',
      gender: 'female',
      dateOfBirth: '1972-02-02',
      rank: 'division',
      position: '处长',
      partyMember: false,
      leadershipTeam: null,
      ...over,
    });

    it('handed input: the same person (name, gender, birth date) under a new person id is 409 PERSON_ALREADY_REGISTERED at name, on registration and on update', async () => {
      const first = `P-${users.unit}-zhao`;
      await put(`/api/registries/people/${first}`, users.tokens.personnel, someone(users.unit)).expect(200);
      // The name as personNameKey compares it: a space or an invisible character does not make another person.
      const again = await put(
        `/api/registries/people/${first}-copy`,
        users.tokens.personnel,
        someone(users.unit, { name: '赵 一' }),
      ).expect(409);
      expect(again.body).toMatchObject({ code: 'PERSON_ALREADY_REGISTERED', errors: [{ field: 'name', rule: 'unique-person' }] });
      expect(again.body.message.en).toMatch(/^[A-Z]/);
      expect(hasChinese(again.body.message.zh)).toBe(true);
      // Own roster: the registered id is named.
      expect(again.body.message.en).toContain(first);
      await get(`/api/registries/people/${first}-copy`, users.tokens.personnel).expect(404);
      // Third trial: the same name in traditional characters (趙一) is the same person too (OpenCC folds it).
      const traditional = await put(
        `/api/registries/people/${first}-trad`,
        users.tokens.personnel,
        someone(users.unit, { name: '趙一' }),
      ).expect(409);
      expect(fields(traditional.body)).toEqual([['name', 'unique-person']]);
      // Another unit's personnel office: refused, the id it may not read not named.
      const other = await createTestUsers(api);
      await put(`/api/registries/units/${other.unit}`, users.tokens['fao-clerk'], {
        nameZh: `另一单位${other.unit}`,
        nameEn: `Other unit ${other.unit}`,
        supervisingDepartment: null,
      }).expect(201);
      const theirs = await put(`/api/registries/people/P-${other.unit}-zhao`, other.tokens.personnel, someone(other.unit)).expect(409);
      expect(fields(theirs.body)).toEqual([['name', 'unique-person']]);
      expect(JSON.stringify(theirs.body)).not.toContain(first);
      // The accepted counterpart: a namesake born on another day, and the person's own update.
      const namesake = `P-${users.unit}-zhao2`;
      await put(`/api/registries/people/${namesake}`, users.tokens.personnel, someone(users.unit, { dateOfBirth: '1980-08-08' })).expect(
        200,
      );
      await put(`/api/registries/people/${first}`, users.tokens.personnel, someone(users.unit, { position: '副处长' })).expect(200);
      // An update into a duplicate (the birth date changed to the first's) is refused as a registration is.
      const moved = await put(`/api/registries/people/${namesake}`, users.tokens.personnel, someone(users.unit)).expect(409);
      expect(fields(moved.body)).toEqual([['name', 'unique-person']]);
      // One who left the unit holds no place: the person may be registered again (another unit's roster).
      await put(`/api/registries/people/${first}`, users.tokens.personnel, someone(users.unit, { status: 'left' })).expect(200);
      await put(`/api/registries/people/P-${other.unit}-zhao`, other.tokens.personnel, someone(other.unit)).expect(200);
    });

    it('two registrations of one person at once: one is taken, the other 409 (the identity lock)', async () => {
      const body = someone(users.unit, { name: '钱二', dateOfBirth: '1969-09-09' });
      const answers = await Promise.all(
        [1, 2, 3].map((i) => put(`/api/registries/people/P-${users.unit}-qian${i}`, users.tokens.personnel, body)),
      );
      expect(answers.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    });

    it('handed input: a check-out for an invented case (a UUID of none), or due back in 2020 or 2199, is 422 at caseId / dueBackOn, a malformed case id 400 format; a running case of the holder, due by its return date + 7, is taken', async () => {
      const holder = `P-${users.unit}-sun`;
      const bystander = `P-${users.unit}-zhou`;
      await put(
        `/api/registries/people/${holder}`,
        users.tokens.personnel,
        someone(users.unit, { name: '孙三', dateOfBirth: '1971-03-03' }),
      ).expect(200);
      await put(
        `/api/registries/people/${bystander}`,
        users.tokens.personnel,
        someone(users.unit, { name: '周四', dateOfBirth: '1974-04-04' }),
      ).expect(200);
      const officer = users.tokens['passport-officer'];
      await post('/api/registries/passports', officer, {
        number: 'SE7100001',
        issuedOn: '2024-01-01',
        expiresOn: '2034-01-01',
        holder,
      }).expect(201);
      const submit = async (personId: string) => {
        const body = { ...canonicalSubmission(users.unit), members: [{ id: 'm1', personId }] };
        const caseId = (await post('/api/delegations', users.tokens.organizer, body).expect(201)).body.caseId as string;
        // The ledger reads the case from the read model, projected a moment after the start.
        await eventually(
          async () => (await get('/api/delegations', users.tokens.organizer).expect(200)).body.items,
          (items: Array<{ caseId: string }>) => items.some((c) => c.caseId === caseId),
        );
        return caseId;
      };
      const theirs = await submit(holder);
      const another = await submit(bystander);
      const out = (body: object) => post('/api/registries/passports/SE7100001/transitions', officer, { to: 'checked-out', ...body });
      const today = shanghaiDate(Date.now());
      // A case id of the shape the API issues (a UUID) names no case, or not the holder's: 422 open-case-member.
      for (const caseId of [randomUUID(), randomUUID().toUpperCase(), another]) {
        const res = await out({ caseId, dueBackOn: addDays(today, 5) }).expect(422);
        expect(res.body.code).toBe('INVALID_REQUEST');
        expect(fields(res.body)).toEqual([['caseId', 'open-case-member']]);
      }
      // Handed input: a case id of no case's shape is 400 at caseId, rule format, before any case is read.
      for (const caseId of ['case-invented', 'x', `${theirs}-1`, ` ${theirs}`]) {
        const res = await out({ caseId, dueBackOn: addDays(today, 5) }).expect(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
        expect(res.body.errors).toEqual([
          {
            field: 'caseId',
            rule: 'format',
            message: { zh: expect.stringContaining('案件编号须为UUID'), en: expect.stringContaining('UUID') },
          },
        ]);
      }
      // Its own case in capitals is the case (ids are stored in lower case).
      await out({ caseId: theirs.toUpperCase(), dueBackOn: addDays(today, 5) }).expect(200);
      await post('/api/registries/passports/SE7100001/transitions', officer, { to: 'in-custody' }).expect(200);
      // The canonical trip returns 2027-03-19: due back by 2027-03-26 (P02's 7 calendar days).
      for (const dueBackOn of ['2020-01-01', addDays(today, -1), '2027-03-27', '2199-12-31']) {
        const res = await out({ caseId: theirs, dueBackOn }).expect(422);
        expect(fields(res.body)).toEqual([['dueBackOn', 'due-back-window']]);
        expect(res.body.errors[0].message.en).toContain('2027-03-26');
      }
      expect((await get('/api/registries/passports/SE7100001', officer).expect(200)).body.state).toBe('in-custody');
      // Left out, the due date is the latest the rule allows.
      const taken = await out({ caseId: theirs }).expect(200);
      expect(taken.body).toMatchObject({ state: 'checked-out', caseId: theirs, dueBackOn: '2027-03-26', displayState: 'checked-out' });
      await post('/api/registries/passports/SE7100001/transitions', officer, { to: 'in-custody' }).expect(200);
      await out({ caseId: theirs, dueBackOn: today }).expect(200);
    });

    it('handed input: a member with passport { inCustody: true } and no number is 422 members[0].passport.number required (dry run and submission)', async () => {
      const typed = (passport: object) => {
        const s = canonicalSubmission(users.unit) as Record<string, unknown> & { members: Array<Record<string, unknown>> };
        s.members = [{ ...s.members[0], name: '吴五', leadershipTeam: null, passport }];
        return s;
      };
      for (const path of ['/api/delegations/check', '/api/delegations']) {
        const res = await post(path, users.tokens.organizer, typed({ inCustody: true })).expect(422);
        expect(res.body.code).toBe('INVALID_REQUEST');
        expect(fields(res.body)).toEqual([['members[0].passport.number', 'required']]);
        expect(hasChinese(res.body.errors[0].message.zh)).toBe(true);
      }
      // The accepted counterpart: not in custody without a number. In custody with a number is one the custody ledger
      // holds for the unit (in-ledger): SE7199999 it does not.
      await post('/api/delegations/check', users.tokens.organizer, typed({ inCustody: false })).expect(200);
      const notHeld = await post(
        '/api/delegations/check',
        users.tokens.organizer,
        typed({ inCustody: true, number: 'SE7199999', expiresOn: '2035-01-01' }),
      ).expect(422);
      expect(fields(notHeld.body)).toEqual([['members[0].passport.inCustody', 'in-ledger']]);
    });

    it('handed input: a unit under an unknown parent or supervising department, or into a cycle, is 422 at the field', async () => {
      const clerk = users.tokens['fao-clerk'];
      const [a, b] = [`${users.unit}-a`, `${users.unit}-b`];
      const names = (code: string) => fixtureUnitNames(code, '单位', 'Unit');
      const unit = (code: string, over: object = {}) => ({
        nameZh: names(code).zh,
        nameEn: names(code).en,
        supervisingDepartment: null,
        ...over,
      });
      const unknown = await put(
        `/api/registries/units/${a}`,
        clerk,
        unit(a, { parentCode: 'no-such-unit', supervisingDepartment: 'nor-this' }),
      ).expect(422);
      expect(fields(unknown.body)).toEqual([
        ['parentCode', 'registered-unit'],
        ['supervisingDepartment', 'registered-unit'],
      ]);
      await get(`/api/registries/units/${a}`, clerk).expect(404);
      await put(`/api/registries/units/${b}`, clerk, unit(b)).expect(201);
      await put(`/api/registries/units/${a}`, clerk, unit(a, { parentCode: b, supervisingDepartment: b })).expect(201);
      const cycle = await put(`/api/registries/units/${b}`, clerk, unit(b, { parentCode: a })).expect(422);
      expect(fields(cycle.body)).toEqual([['parentCode', 'no-cycle']]);
      expect(hasChinese(cycle.body.errors[0].message.zh)).toBe(true);
      const supervised = await put(`/api/registries/units/${b}`, clerk, unit(b, { supervisingDepartment: a })).expect(422);
      expect(fields(supervised.body)).toEqual([['supervisingDepartment', 'no-cycle']]);
      expect((await get(`/api/registries/units/${b}`, clerk).expect(200)).body).toMatchObject({
        parentCode: null,
        supervisingDepartment: null,
      });
      // A code that is a registered unit's in other letter case (trial: COMMERCE beside commerce) is refused at `code`.
      const twin = await put(`/api/registries/units/${b.toUpperCase()}`, clerk, unit(`${b}-twin`)).expect(422);
      expect(fields(twin.body)).toEqual([['code', 'unique-code']]);
      expect(twin.body.errors[0].message.en).toBe(
        `Differs from the registered unit ${b} only in letter case: use that unit or another code`,
      );
      await get(`/api/registries/units/${b.toUpperCase()}`, clerk).expect(404);
      // Handed input (trial 79: a second 市商务局): a name another unit bears, as people read it (traditional characters,
      // spaces, letter case, a full stop), is refused at the field; the unit keeps its own on any edit.
      const c = `${users.unit}-c`;
      const namesake = await put(
        `/api/registries/units/${c}`,
        clerk,
        unit(c, { nameZh: `單位 ${b}。`, nameEn: `UNIT  ${b.toUpperCase()}` }),
      ).expect(422);
      expect(fields(namesake.body)).toEqual([
        ['nameZh', 'unique-name'],
        ['nameEn', 'unique-name'],
      ]);
      expect(namesake.body.errors[0].message.zh).toBe(`中文名称与已备案单位 ${b}（单位${b}）相同，请使用该单位或另取名称`);
      await get(`/api/registries/units/${c}`, clerk).expect(404);
      // Trial 83: a zero-width space after the name (stored as typed, a name no one could tell apart): dropped, then a namesake.
      const pasted = await put(`/api/registries/units/${c}`, clerk, unit(c, { nameZh: `${names(b).zh}\u200b` })).expect(422);
      expect(fields(pasted.body)).toEqual([['nameZh', 'unique-name']]);
      await put(`/api/registries/units/${c}`, clerk, unit(c)).expect(201);
      const renamed = await put(`/api/registries/units/${c}`, clerk, unit(c, { nameEn: names(b).en })).expect(422);
      expect(fields(renamed.body)).toEqual([['nameEn', 'unique-name']]);
      await put(`/api/registries/units/${b}`, clerk, unit(b, { nameEn: `Unit ${b} (renamed)` })).expect(200);
    });

    it('handed input: a passport past its expiry date reads expired (已过期), its custody state unchanged', async () => {
      const holder = `P-${users.unit}-zheng`;
      await put(
        `/api/registries/people/${holder}`,
        users.tokens.personnel,
        someone(users.unit, { name: '郑六', dateOfBirth: '1966-06-06' }),
      ).expect(200);
      const officer = users.tokens['passport-officer'];
      const reg = await post('/api/registries/passports', officer, {
        number: 'SE7200001',
        issuedOn: '2015-01-01',
        expiresOn: '2025-01-01',
        holder,
      }).expect(201);
      expect(reg.body).toMatchObject({ state: 'in-custody', displayState: 'expired' });
      const list = await get(`/api/registries/passports?unit=${users.unit}`, officer).expect(200);
      expect(list.body.items.find((p: { number: string }) => p.number === 'SE7200001')).toMatchObject({ displayState: 'expired' });
      // Never checked out for a trip, even for a running case of the holder (fourth trial).
      const trip = { ...canonicalSubmission(users.unit), members: [{ id: 'm1', personId: holder }] };
      const caseId = (await post('/api/delegations', users.tokens.organizer, trip).expect(201)).body.caseId as string;
      await eventually(
        async () => (await get('/api/delegations', users.tokens.organizer).expect(200)).body.items,
        (items: Array<{ caseId: string }>) => items.some((c) => c.caseId === caseId),
      );
      const out = await post('/api/registries/passports/SE7200001/transitions', officer, { to: 'checked-out', caseId }).expect(409);
      expect(out.body.code).toBe('ACTION_NOT_ALLOWED');
      expect(fields(out.body)).toEqual([['to', 'not-expired']]);
      expect(hasChinese(out.body.errors[0].message.zh)).toBe(true);
      expect(out.body.errors[0].message.en).toContain('2025-01-01');
      expect((await get('/api/registries/passports/SE7200001', officer).expect(200)).body).toMatchObject({
        state: 'in-custody',
        displayState: 'expired',
      });
      // Still the ledger's to cancel (C06).
      await post('/api/registries/passports/SE7200001/transitions', officer, { to: 'cancelled', note: '已过期，换发新照' }).expect(200);
    });

    it('new-user trial, handed inputs: `se 7500001` registers as SE7500001; the number again is 409 at number; lost or cancelled needs a note', async () => {
      const holder = `P-${users.unit}-feng`;
      await put(
        `/api/registries/people/${holder}`,
        users.tokens.personnel,
        someone(users.unit, { name: '冯八', dateOfBirth: '1968-08-08' }),
      ).expect(200);
      const officer = users.tokens['passport-officer'];
      const passport = (number: string) => ({ number, issuedOn: '2021-01-01', expiresOn: '2031-01-01', holder });
      // Typed in lower case with spaces: normalised as the passport office writes it, stored so.
      const reg = await post('/api/registries/passports', officer, passport('se 7500001')).expect(201);
      expect(reg.body).toMatchObject({ number: 'SE7500001', state: 'in-custody' });
      const list = await get(`/api/registries/passports?unit=${users.unit}`, officer).expect(200);
      expect(list.body.items.map((p: { number: string }) => p.number)).toContain('SE7500001');
      expect(list.body.items.map((p: { number: string }) => p.number)).not.toContain('se 7500001');
      // The same number again, however typed: 409 naming the field and the rule (it read `(request)`).
      for (const number of ['SE7500001', ' se7500001']) {
        const again = await post('/api/registries/passports', officer, passport(number)).expect(409);
        expect([again.body.code, fields(again.body)]).toEqual(['ACTION_NOT_ALLOWED', [['number', 'unique-number']]]);
        expect(again.body.errors[0].message).toEqual({
          zh: '护照 SE7500001 已在保管登记中',
          en: 'Passport SE7500001 is already in the custody ledger',
        });
      }
      // Reported lost without a reason, or a blank one: refused at `note`, nothing changed; with one, on the record.
      const move = (body: object) => post('/api/registries/passports/se%207500001/transitions', officer, body);
      for (const to of ['lost', 'cancelled']) {
        expect(fields((await move({ to }).expect(400)).body)).toEqual([['note', 'required']]);
        expect(fields((await move({ to, note: '   ' }).expect(400)).body)).toEqual([['note', 'blank']]);
      }
      expect((await get(`/api/registries/passports?unit=${users.unit}`, officer).expect(200)).body.items).toContainEqual(
        expect.objectContaining({ number: 'SE7500001', state: 'in-custody' }),
      );
      const lost = await move({ to: 'lost', note: '持照人在境外遗失，已报警' }).expect(200);
      expect(lost.body).toMatchObject({ number: 'SE7500001', state: 'lost' });
    });

    it('third trial: a newborn registered as a bureau-rank official, a passport valid from 1900 to 2199 → 422 at the date (1800 and 9999: 400 date-bounds)', async () => {
      const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
      const baby = await put(
        `/api/registries/people/P-${users.unit}-kid`,
        users.tokens.personnel,
        someone(users.unit, { name: '小宝', dateOfBirth: yesterday }),
      ).expect(422);
      expect(fields(baby.body)).toEqual([['dateOfBirth', 'working-age']]);
      const holder = `P-${users.unit}-wu`;
      await put(
        `/api/registries/people/${holder}`,
        users.tokens.personnel,
        someone(users.unit, { name: '吴七', dateOfBirth: '1967-07-07' }),
      ).expect(200);
      const officer = users.tokens['passport-officer'];
      const forever = await post('/api/registries/passports', officer, {
        number: 'SE7300001',
        issuedOn: '1900-01-01',
        expiresOn: '2199-12-31',
        holder,
      }).expect(422);
      expect(fields(forever.body)).toEqual([['expiresOn', 'max-validity']]);
      // Ten years to the day is a passport's longest validity (护照法 第七条).
      await post('/api/registries/passports', officer, {
        number: 'SE7300002',
        issuedOn: '2020-01-01',
        expiresOn: '2030-01-01',
        holder,
      }).expect(201);
    });
  });

  describe('every number of the office settings is bounded (new-user trial: US processingWd 1e9 made every US-bound submission 503 OUTCOME_UNKNOWN)', () => {
    const publish = (body: object) =>
      request(api.http).post('/api/registries/process-versions').set(bearer(users.tokens['fao-director'])).send(body);
    const submit = (key: string) =>
      request(api.http)
        .post('/api/delegations')
        .set(bearer(users.tokens.organizer))
        .set('Idempotency-Key', key)
        .send(passportsNotInCustody(canonicalSubmission(users.unit)));

    it('handed input: processingWd 1e9 (and 100000) is 422 at settings.countries.US.processingWd, rule max; a plausible time is published and planned', async () => {
      for (const processingWd of [1e9, 100_000]) {
        const res = await publish({
          definition: { ...DEFAULT_DEFINITION, version: 'huge2' },
          settings: { countries: { US: { processingWd } } },
        }).expect(422);
        expect(res.body.code).toBe('INVALID_REQUEST');
        expect(errorsOf(res.body)).toEqual([
          {
            field: 'settings.countries.US.processingWd',
            rule: 'max',
            message: { zh: '须为0至60个工作日', en: 'Must be a number of working days from 0 to 60' },
          },
        ]);
      }
      const rules = await publish({
        definition: { ...DEFAULT_DEFINITION, version: 'huge2' },
        settings: { atRiskThresholdWd: 1e6, rules: { frequency: { bureau: { windowMonths: 1e9, maxTrips: 1 } } } },
      }).expect(422);
      expect(errorsOf(rules.body).map((e) => [e.field, e.rule])).toEqual([
        ['settings.atRiskThresholdWd', 'max'],
        ['settings.rules.frequency.bureau.windowMonths', 'max'],
      ]);
      for (const e of errorsOf(rules.body)) expect([hasChinese(e.message.zh), /^[A-Z]/.test(e.message.en)]).toEqual([true, true]);

      await publish({
        definition: { ...DEFAULT_DEFINITION, version: 'bounds-ok' },
        settings: { countries: { US: { processingWd: 15 } } },
      }).expect(201);
      const created = await submit(`bounds-ok-${Date.now()}`).expect(201);
      expect(created.body.caseId).toEqual(expect.any(String));
    });

    it('a version stored before the bounds with processingWd 1e9: the submission is 409 ACTION_NOT_ALLOWED rule plannable, again on retry, never 503', async () => {
      const pg = new Client({ connectionString: db.url });
      await pg.connect();
      try {
        await pg.query(
          `INSERT INTO process_versions (version, definition, settings, changes, previous_version, published_by, published_at)
           VALUES ('huge-stored', $1, $2, '[]', 'bounds-ok', 'test', now() + interval '1 second')`,
          [JSON.stringify({ ...DEFAULT_DEFINITION, version: 'huge-stored' }), JSON.stringify({ countries: { US: { processingWd: 1e9 } } })],
        );
        const key = `huge-stored-${Date.now()}`;
        for (let attempt = 0; attempt < 2; attempt++) {
          const started = Date.now();
          const res = await submit(key);
          expect(res.status).toBe(409);
          expect(res.body.code).toBe('ACTION_NOT_ALLOWED');
          expect(errorsOf(res.body).map((e) => [e.field, e.rule])).toEqual([['(request)', 'plannable']]);
          expect(hasChinese(res.body.message.zh)).toBe(true);
          expect(res.body.message.en).toMatch(/^The case cannot be planned: the settings of the current process version huge-stored/);
          expect(Date.now() - started).toBeLessThan(10_000);
        }
        // The dry run answers what the submission would: the same 409 (it said ok:true, planning nothing).
        const dry = await request(api.http)
          .post('/api/delegations/check')
          .set(bearer(users.tokens.organizer))
          .send(passportsNotInCustody(canonicalSubmission(users.unit)));
        expect([dry.status, dry.body.code, errorsOf(dry.body).map((e) => e.rule)]).toEqual([409, 'ACTION_NOT_ALLOWED', ['plannable']]);
      } finally {
        await pg.query(`DELETE FROM process_versions WHERE version = 'huge-stored'`);
        await pg.end();
      }
      await submit(`after-huge-${Date.now()}`).expect(201);
    });
  });
});
