import request from 'supertest';
import { DataSource } from 'typeorm';
import { ApecRepository, AuditEventsRepository, dataSourceOptions, RegistriesRepository, UsersRepository } from '@df/persistence';
import { UsersService } from '../../apps/api/src/auth/users.service';
import { runAdmin } from '../../apps/admin/main';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { addTestUser, bearer, startTestApi, uniqueSuffix, type TestApi } from '../support/api-harness';
import { enterpriseUnit } from '../support/factories';
import { LoginResponseSchema } from '../../apps/api/src/auth/auth.controller';
import * as S from '../../apps/api/src/users/schemas';
import { randomUUID } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { JwtService } from '@nestjs/jwt';
import { Client } from 'pg';
import { runMigrations } from '../../libs/persistence/src/data-source';
import { MIGRATIONS } from '../../libs/persistence/src/migrations';

/** The body matches the zod schema its route documents in OpenAPI (the document is generated from these). */
const documented = (schema: { safeParse(v: unknown): { success: boolean; error?: unknown } }, body: unknown) => {
  const r = schema.safeParse(body);
  expect(r.success ? null : r.error).toBeNull();
};

/**
 * Users and roles (issue 14 item 4) on the real API and PostgreSQL, in a database of this file's own: the
 * last-active-admin rule counts every admin of the database, which the shared one cannot pin down.
 */
describe('user administration (issue 14.4): admin creates, disables, grants, resets; tokens follow at once', () => {
  let db: TestDatabase;
  let api: TestApi;
  const unit = `unit-${uniqueSuffix()}`;
  const ROOT = 'root.admin';
  const ROOT_PASSWORD = 'first admin password 1';
  let admin: string;

  const login = (username: string, password: string, extra: Record<string, unknown> = {}) =>
    request(api.http)
      .post('/api/auth/login')
      .send({ username, password, ...extra });
  /** Signs in with an administrator-set password and changes it: the token of the new password. */
  const firstSignIn = async (username: string, initial: string, chosen: string, extra: Record<string, unknown> = {}) => {
    const first = await login(username, initial, extra).expect(200);
    expect(first.body.mustChangePassword).toBe(true);
    const changed = await request(api.http)
      .post('/api/auth/password')
      .set(bearer(first.body.accessToken))
      .send({ currentPassword: initial, newPassword: chosen })
      .expect(200);
    expect(changed.body.mustChangePassword).toBe(false);
    documented(LoginResponseSchema, first.body);
    documented(LoginResponseSchema, changed.body);
    return changed.body.accessToken as string;
  };
  const audit = () => api.app.get(AuditEventsRepository);

  beforeAll(async () => {
    db = await createTestDatabase('users_admin');
    // The first administrator, as on a fresh production database: the CLI, password on stdin.
    expect(
      await runAdmin(['users', 'create-admin', ROOT, '--password-stdin'], db.url, 'cli:test', undefined, () =>
        Promise.resolve(`${ROOT_PASSWORD}\n`),
      ),
    ).toEqual([`created administrator ${ROOT} (admin in fao)`, 'password from stdin; it must be changed at first sign-in']);
    // A small per-account failure budget: the password change spends it like a sign-in (below).
    api = await startTestApi({ databaseUrl: db.url, loginMaxFailuresPerAccountAddress: 3 });
    await api.app.get(RegistriesRepository).putUnit(
      {
        code: unit,
        nameZh: '测试局',
        nameEn: 'Test bureau',
        parentCode: null,
        supervisingDepartment: null,
        clerks: [],
        signatories: [],
        status: 'active',
        suspendedReason: null,
      },
      { id: 'test', role: 'fao-clerk' },
    );
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it('the first admin must change the CLI password before anything else; a wrong or short password is named', async () => {
    const first = await login(ROOT, ROOT_PASSWORD).expect(200);
    expect(first.body).toMatchObject({ user: { username: ROOT, role: 'admin', unit: 'fao' }, mustChangePassword: true });
    const token = first.body.accessToken as string;
    const blocked = await request(api.http).get('/api/users').set(bearer(token)).expect(403);
    expect(blocked.body.code).toBe('PASSWORD_CHANGE_REQUIRED');
    const wrong = await request(api.http)
      .post('/api/auth/password')
      .set(bearer(token))
      .send({ currentPassword: 'not it at all', newPassword: 'root admin own passphrase' })
      .expect(403);
    expect(wrong.body.code).toBe('CURRENT_PASSWORD_WRONG');
    expect(wrong.body.errors).toEqual([expect.objectContaining({ field: 'currentPassword', rule: 'current-password' })]);
    const short = await request(api.http)
      .post('/api/auth/password')
      .set(bearer(token))
      .send({ currentPassword: ROOT_PASSWORD, newPassword: 'short' })
      .expect(400);
    expect(short.body.errors.map((e: { field: string }) => e.field)).toEqual(['newPassword']);
    // Long enough but guessable (fifth trial: 111111111111 and aaaaaaaaaaaa were set; new-user trial: common Chinese
    // users' passwords and a l33t common password with a year): refused, named.
    for (const weak of [
      '111111111111',
      'aaaaaaaaaaaa',
      'abcdefghijkl',
      'password1234',
      'woaini1314520',
      'zhangsan123456',
      'P@ssw0rd2026!',
    ]) {
      const guessable = await request(api.http)
        .post('/api/auth/password')
        .set(bearer(token))
        .send({ currentPassword: ROOT_PASSWORD, newPassword: weak })
        .expect(422);
      expect([weak, guessable.body.errors]).toEqual([
        weak,
        [
          {
            field: 'newPassword',
            rule: 'password-strength',
            message: {
              zh: '密码过于简单（重复、连续的字符或常用密码），请另设',
              en: 'Too easy to guess: a repeated or sequential value, or a common password',
            },
          },
        ],
      ]);
    }
    const same = await request(api.http)
      .post('/api/auth/password')
      .set(bearer(token))
      .send({ currentPassword: ROOT_PASSWORD, newPassword: ROOT_PASSWORD })
      .expect(422);
    expect(same.body.errors).toEqual([expect.objectContaining({ field: 'newPassword', rule: 'differs' })]);

    admin = await firstSignIn(ROOT, ROOT_PASSWORD, 'root admin own passphrase');
    // The token of the old password stopped; the new one works.
    expect((await request(api.http).post('/api/auth/password').set(bearer(token)).send({}).expect(401)).body.code).toBe('UNAUTHENTICATED');
    const list = await request(api.http).get('/api/users').set(bearer(admin)).expect(200);
    expect(list.body.items.map((u: { username: string }) => u.username)).toEqual([ROOT]);
    documented(S.UserListSchema, list.body);
    expect(list.body.items[0]).toMatchObject({ grants: [{ role: 'admin', unit: 'fao' }], status: 'active', mustChangePassword: false });
    // The administrator manages users and reads no cases, inboxes or registries.
    for (const path of ['/api/delegations', '/api/inbox', '/api/registries/units', '/api/dashboard'])
      expect({ path, code: (await request(api.http).get(path).set(bearer(admin)).expect(403)).body.code }).toEqual({
        path,
        code: 'FORBIDDEN_ROLE',
      });
    const events = await audit().find({ actor: 'cli:test', action: 'users.create' });
    expect(events.map((e) => e.target)).toContain(`user:${ROOT}`);
  });

  const clerk = `zhang.${uniqueSuffix()}`;
  let clerkToken: string;

  it('creates a user with two roles in a registered unit; the user signs in, must change the password, then works', async () => {
    // A password built on the user's own username is refused (new-user trial: organizer.commerce1), naming the field.
    const own = await request(api.http)
      .post('/api/users')
      .set(bearer(admin))
      .send({ username: clerk, displayName: '张伟', grants: [{ role: 'organizer', unit }], password: `${clerk}1` })
      .expect(422);
    expect(own.body.errors).toEqual([
      {
        field: 'password',
        rule: 'password-strength',
        message: { zh: '密码过于简单（含本人的用户名或姓名），请另设', en: 'Too easy to guess: built on your own username or name' },
      },
    ]);
    const created = await request(api.http)
      .post('/api/users')
      .set(bearer(admin))
      .send({
        username: clerk,
        displayName: '张伟',
        grants: [
          { role: 'organizer', unit },
          { role: 'finance', unit },
        ],
        password: 'initial password 1',
      })
      .expect(201);
    expect(created.body).toEqual({
      user: expect.objectContaining({ username: clerk, displayName: '张伟', status: 'active', mustChangePassword: true }),
    });
    documented(S.UserCreatedSchema, created.body);
    expect(created.body.user.grants).toEqual([
      { role: 'organizer', unit },
      { role: 'finance', unit },
    ]);

    const first = await login(clerk, 'initial password 1').expect(200);
    expect(first.body).toMatchObject({ user: { role: 'organizer', unit }, grants: created.body.user.grants, mustChangePassword: true });
    const blocked = await request(api.http).get('/api/delegations').set(bearer(first.body.accessToken)).expect(403);
    expect(blocked.body).toMatchObject({ code: 'PASSWORD_CHANGE_REQUIRED', message: { zh: expect.any(String), en: expect.any(String) } });
    // The user's own username repeated is refused on the change (new-user trial: organizer.commerce1), as on creation.
    const ownName = await request(api.http)
      .post('/api/auth/password')
      .set(bearer(first.body.accessToken))
      .send({ currentPassword: 'initial password 1', newPassword: `${clerk}1` })
      .expect(422);
    expect(ownName.body.errors).toEqual([expect.objectContaining({ field: 'newPassword', rule: 'password-strength' })]);

    clerkToken = await firstSignIn(clerk, 'initial password 1', 'zhang wei own passphrase');
    await request(api.http).get('/api/delegations').set(bearer(clerkToken)).expect(200);
    // The other grant is chosen at sign-in; a role not held is refused after the password.
    const finance = await login(clerk, 'zhang wei own passphrase', { role: 'finance' }).expect(200);
    expect(finance.body.user).toMatchObject({ role: 'finance', unit, username: clerk });
    await request(api.http).get('/api/delegations').set(bearer(finance.body.accessToken)).expect(200);
    const notHeld = await login(clerk, 'zhang wei own passphrase', { role: 'leader' }).expect(403);
    expect(notHeld.body.code).toBe('ROLE_NOT_GRANTED');
    expect(notHeld.body.message).toEqual({
      zh: '该账号没有此角色（审批领导，任意单位）',
      en: 'This account does not hold that role (Approving leader in any unit)',
    });
  });

  it('refuses a non-admin (403), a duplicate username (409), an unregistered unit and unknown fields (400, nothing written)', async () => {
    for (const call of [
      request(api.http).get('/api/users').set(bearer(clerkToken)),
      request(api.http)
        .post('/api/users')
        .set(bearer(clerkToken))
        .send({ username: 'x.y', displayName: 'x', grants: [{ role: 'admin', unit: 'fao' }] }),
      request(api.http).post(`/api/users/${ROOT}/disable`).set(bearer(clerkToken)),
    ])
      expect((await call.expect(403)).body.code).toBe('FORBIDDEN_ROLE');

    const dup = await request(api.http)
      .post('/api/users')
      .set(bearer(admin))
      .send({ username: clerk, displayName: '另一个张伟', grants: [{ role: 'organizer', unit }] })
      .expect(409);
    expect(dup.body).toMatchObject({ code: 'USERNAME_TAKEN', errors: [{ field: 'username', rule: 'unique' }] });
    // The words the admin CLI prints too (usernameTaken: one home).
    expect(dup.body.message).toEqual({ zh: `用户名 ${clerk} 已被使用`, en: `Username ${clerk} is taken` });

    // Handed input (trial 84): a display name that reads as another's name and account (林芳（fao-director.fao）), or
    // markup: a person's name holds what names are written with (422 person-name), nothing created.
    for (const displayName of ['林芳（fao-director.fao）', '<b>林芳</b>', 'admin@fao'])
      expect(
        (
          await request(api.http)
            .post('/api/users')
            .set(bearer(admin))
            .send({ username: `imp.${uniqueSuffix()}`, displayName, grants: [{ role: 'organizer', unit }] })
            .expect(422)
        ).body.errors,
      ).toEqual([expect.objectContaining({ field: 'displayName', rule: 'person-name' })]);
    // Handed input (trial 85): a name that is another's account, alone or beside a name, in any letter case or width,
    // reads as that account (fao-director.fao（evil）): 422 not-an-account, nothing created.
    const create = (username: string, displayName: string) =>
      request(api.http)
        .post('/api/users')
        .set(bearer(admin))
        .send({ username, displayName, grants: [{ role: 'organizer', unit }] });
    const upper = clerk.toUpperCase();
    const wide = [...clerk].map((c) => (/[a-z0-9]/.test(c) ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c)).join('');
    for (const displayName of [clerk, `林芳 ${clerk}`, `${upper}.`, `王·${wide}`]) {
      const impostor = `imp.${uniqueSuffix()}`;
      const refused = (await create(impostor, displayName).expect(422)).body;
      expect([displayName, refused.errors]).toEqual([
        displayName,
        [
          {
            field: 'displayName',
            rule: 'not-an-account',
            message: {
              zh: `姓名不能含其他账号的用户名（${clerk}），否则页面上会被误认为该账号`,
              en: `A display name may not hold another account's username (${clerk}): pages would read it as that account`,
            },
          },
        ],
      ]);
      await request(api.http).get(`/api/users/${impostor}`).set(bearer(admin)).expect(404);
    }
    // The other way: an account named after a word of someone's display name (created first) is refused at username.
    const named = `named.${uniqueSuffix()}`;
    const word = `zx${uniqueSuffix()}`.toLowerCase();
    await create(named, `Wang ${word}`).expect(201);
    expect((await create(word, '王五').expect(422)).body.errors).toEqual([
      expect.objectContaining({
        field: 'username',
        rule: 'not-an-account',
        message: expect.objectContaining({ en: expect.stringContaining(named) }),
      }),
    ]);
    // A name word that only contains an account (fao-director.fao2 beside fao-director.fao) is no account; one's own is theirs.
    await create(`own.${word}`, `Li own.${word}`).expect(201);
    await create(`near.${uniqueSuffix()}`, `Li ${clerk}x`).expect(201);

    const ghost = `ghost.${uniqueSuffix()}`;
    const badUnit = await request(api.http)
      .post('/api/users')
      .set(bearer(admin))
      .send({
        username: ghost,
        displayName: '无名',
        grants: [
          { role: 'fao-clerk', unit: 'fao' },
          { role: 'organizer', unit: 'no-such-unit' },
        ],
      })
      .expect(422);
    expect(badUnit.body.errors).toEqual([expect.objectContaining({ field: 'grants[1].unit', rule: 'registered-unit' })]);
    // Third trial: the enterprise clerk granted for a government unit read its delegations and roster: only for an APEC
    // enterprise (422 apec-enterprise).
    const notEnterprise = await request(api.http)
      .post('/api/users')
      .set(bearer(admin))
      .send({ username: `${ghost}.ent`, displayName: '企业专办员', grants: [{ role: 'enterprise-clerk', unit }] })
      .expect(422);
    expect(notEnterprise.body.errors).toEqual([expect.objectContaining({ field: 'grants[0].unit', rule: 'apec-enterprise' })]);
    // And the reverse (second trial): a government unit role for an APEC enterprise is 422 government-unit.
    const firm = `firm-${uniqueSuffix()}`;
    await api.app.get(RegistriesRepository).putUnit(enterpriseUnit(firm, { zh: '测试贸易公司', en: 'Test trading company' }), {
      id: 'test',
      role: 'fao-clerk',
    });
    await new ApecRepository(api.app.get(DataSource)).putEnterprise({ unit: firm, ownership: 'non-state', size: 'small' });
    const govRole = await request(api.http)
      .post('/api/users')
      .set(bearer(admin))
      .send({ username: `${ghost}.org`, displayName: '企业报送人', grants: [{ role: 'organizer', unit: firm }] })
      .expect(422);
    expect(govRole.body.errors).toEqual([expect.objectContaining({ field: 'grants[0].unit', rule: 'government-unit' })]);
    // Nor is an enterprise a unit's supervising department (it read the bureau's case and decided A16).
    const supervised = await request(api.http)
      .put(`/api/registries/units/${unit}`)
      .set(bearer((await addTestUser(api, 'fao-clerk', 'fao')).token))
      .send({
        nameZh: '测试局',
        nameEn: 'Test bureau',
        parentCode: null,
        supervisingDepartment: firm,
        clerks: [],
        signatories: [],
        status: 'active',
        suspendedReason: null,
      })
      .expect(422);
    expect(supervised.body.errors).toEqual([expect.objectContaining({ field: 'supervisingDepartment', rule: 'government-unit' })]);
    // Handed input (trial): an office role granted "for" a sending unit (fao-clerk for commerce read every unit's
    // cases) is 422 office-unit at its unit, on creation and on a grant; for the office's departments it is taken.
    const forUnit = await request(api.http)
      .post('/api/users')
      .set(bearer(admin))
      .send({ username: ghost, displayName: '无名', password: 'a long enough password', grants: [{ role: 'fao-clerk', unit: 'commerce' }] })
      .expect(422);
    expect(forUnit.body.errors).toEqual([
      {
        field: 'grants[0].unit',
        rule: 'office-unit',
        message: {
          zh: '外办受理窗口是本机关角色，办理所有单位的事项，只授予本机关（fao, city），不按单位授予',
          en: expect.stringContaining('is an office role acting for every unit: it is granted for the office (fao, city), not for a unit'),
        },
      },
    ]);
    for (const role of ['manager', 'leader', 'passport-officer', 'admin'])
      expect(
        (await request(api.http).post(`/api/users/${clerk}/grants`).set(bearer(admin)).send({ role, unit }).expect(422)).body.errors,
      ).toEqual([expect.objectContaining({ field: 'unit', rule: 'office-unit' })]);
    expect(await request(api.http).get(`/api/users/${ghost}`).set(bearer(admin))).toMatchObject({ status: 404 });
    const extra = await request(api.http)
      .post('/api/users')
      .set(bearer(admin))
      .send({ username: ghost, displayName: '无名', grants: [{ role: 'fao-clerk', unit: 'fao' }], isAdmin: true })
      .expect(400);
    expect(extra.body.code).toBe('VALIDATION_FAILED');
    const badRole = await request(api.http)
      .post('/api/users')
      .set(bearer(admin))
      .send({ username: ghost, displayName: '无名', grants: [{ role: 'system', unit: 'fao' }] })
      .expect(400);
    expect(badRole.body.errors.map((e: { field: string }) => e.field)).toEqual(['grants[0].role']);
    expect((await request(api.http).get(`/api/users/${ghost}`).set(bearer(admin)).expect(404)).body.code).toBe('USER_NOT_FOUND');
  });

  it('usernames are unique regardless of case and compared so everywhere (sign-in, paths); a repeated grant is refused', async () => {
    // Handed input: `Organizer.Commerce` beside `organizer.commerce` was 201, and sign-in was case-sensitive.
    const upper = clerk.toUpperCase();
    const clash = await request(api.http)
      .post('/api/users')
      .set(bearer(admin))
      .send({ username: upper, displayName: '同名不同写法', grants: [{ role: 'organizer', unit }] })
      .expect(409);
    expect(clash.body).toMatchObject({
      code: 'USERNAME_TAKEN',
      message: { zh: `用户名 ${upper} 已被使用`, en: `Username ${upper} is taken` },
      errors: [
        {
          field: 'username',
          rule: 'unique',
          message: { zh: '用户名已被使用（不区分大小写）', en: 'This username is taken (usernames are compared regardless of case)' },
        },
      ],
    });
    // Stored as given; found and signed in under any case.
    const found = await request(api.http)
      .get(`/api/users/${encodeURIComponent(upper)}`)
      .set(bearer(admin))
      .expect(200);
    expect(found.body.username).toBe(clerk);
    const signedIn = await login(upper, 'zhang wei own passphrase').expect(200);
    expect(signedIn.body.user.username).toBe(clerk);
    // Handed input: a grant listed twice was merged without a word.
    const ghost = `twice.${uniqueSuffix()}`;
    const twice = await request(api.http)
      .post('/api/users')
      .set(bearer(admin))
      .send({
        username: ghost,
        displayName: '重复授权',
        grants: [
          { role: 'organizer', unit },
          { role: 'organizer', unit },
        ],
      })
      .expect(422);
    expect(twice.body).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(twice.body.errors.map((e: { field: string; rule: string }) => [e.field, e.rule])).toEqual([['grants[1]', 'unique']]);
    await request(api.http).get(`/api/users/${ghost}`).set(bearer(admin)).expect(404);
  });

  it('disable: the user’s existing token gets 401 at once and sign-in is refused; re-enable: sign-in works again, old tokens stay dead', async () => {
    await request(api.http).get('/api/delegations').set(bearer(clerkToken)).expect(200);
    const off = await request(api.http).post(`/api/users/${clerk}/disable`).set(bearer(admin)).expect(200);
    expect(off.body.status).toBe('disabled');
    documented(S.UserViewSchema, off.body);
    expect((await request(api.http).get('/api/delegations').set(bearer(clerkToken)).expect(401)).body.code).toBe('UNAUTHENTICATED');
    expect((await login(clerk, 'zhang wei own passphrase').expect(403)).body.code).toBe('ACCOUNT_DISABLED');
    const listed = await request(api.http).get('/api/users').query({ status: 'disabled' }).set(bearer(admin)).expect(200);
    expect(listed.body.items.map((u: { username: string }) => u.username)).toEqual([clerk]);

    const on = await request(api.http).post(`/api/users/${clerk}/enable`).set(bearer(admin)).expect(200);
    expect(on.body.status).toBe('active');
    await request(api.http).get('/api/delegations').set(bearer(clerkToken)).expect(401);
    clerkToken = (await login(clerk, 'zhang wei own passphrase').expect(200)).body.accessToken;
    await request(api.http).get('/api/delegations').set(bearer(clerkToken)).expect(200);
  });

  it('trial 86: the list names the grants no other enabled account holds (soleHolderOf), so disabling the only one is warned', async () => {
    const solo = `solo.${uniqueSuffix()}`;
    const secrecy = { role: 'secrecy', unit };
    await request(api.http)
      .post('/api/users')
      .set(bearer(admin))
      .send({ username: solo, displayName: '周密', grants: [secrecy] })
      .expect(201);
    const soleOf = async (username: string) => {
      const listed = await request(api.http).get('/api/users').query({ unit }).set(bearer(admin)).expect(200);
      documented(S.UserListSchema, listed.body);
      return listed.body.items.find((u: { username: string }) => u.username === username)?.soleHolderOf;
    };
    expect(await soleOf(solo)).toEqual([secrecy]);
    // A second secrecy officer of the unit: neither is the only one; the second disabled, the first is again.
    const second = `solo2.${uniqueSuffix()}`;
    await request(api.http)
      .post('/api/users')
      .set(bearer(admin))
      .send({ username: second, displayName: '吴谨', grants: [secrecy] })
      .expect(201);
    expect([await soleOf(solo), await soleOf(second)]).toEqual([[], []]);
    await request(api.http).post(`/api/users/${second}/disable`).set(bearer(admin)).expect(200);
    expect([await soleOf(solo), await soleOf(second)]).toEqual([[secrecy], []]);
  });

  it('grants and revokes roles: a revoked role’s token stops; the last grant cannot be revoked; filters find grants', async () => {
    const granted = await request(api.http)
      .post(`/api/users/${clerk}/grants`)
      .set(bearer(admin))
      .send({ role: 'personnel', unit })
      .expect(200);
    expect(granted.body.grants).toContainEqual({ role: 'personnel', unit });
    documented(S.UserViewSchema, granted.body);
    documented(S.UserViewSchema, (await request(api.http).get(`/api/users/${clerk}`).set(bearer(admin)).expect(200)).body);
    const byRole = await request(api.http).get('/api/users').query({ role: 'personnel', unit }).set(bearer(admin)).expect(200);
    expect(byRole.body.items.map((u: { username: string }) => u.username)).toEqual([clerk]);
    // The grants' registered units with their names (the admin reads no registry: the Users page names units from here).
    documented(S.UserListSchema, byRole.body);
    expect(byRole.body.units).toContainEqual({ code: unit, nameZh: '测试局', nameEn: 'Test bureau' });
    const none = await request(api.http).get('/api/users').query({ role: 'personnel', unit: 'fao' }).set(bearer(admin)).expect(200);
    expect(none.body.total).toBe(0);
    expect((await request(api.http).get('/api/users').query({ role: 'wizard' }).set(bearer(admin)).expect(400)).body.errors[0].field).toBe(
      'query.role',
    );

    const finance = (await login(clerk, 'zhang wei own passphrase', { role: 'finance' }).expect(200)).body.accessToken;
    await request(api.http).delete(`/api/users/${clerk}/grants/finance/${unit}`).set(bearer(admin)).expect(200);
    await request(api.http).get('/api/delegations').set(bearer(finance)).expect(401);
    expect((await login(clerk, 'zhang wei own passphrase', { role: 'finance' }).expect(403)).body.code).toBe('ROLE_NOT_GRANTED');
    expect((await request(api.http).delete(`/api/users/${clerk}/grants/finance/${unit}`).set(bearer(admin)).expect(404)).body.code).toBe(
      'GRANT_NOT_FOUND',
    );

    await request(api.http).delete(`/api/users/${clerk}/grants/organizer/${unit}`).set(bearer(admin)).expect(200);
    const last = await request(api.http).delete(`/api/users/${clerk}/grants/personnel/${unit}`).set(bearer(admin)).expect(409);
    expect(last.body.code).toBe('LAST_GRANT');
    // The remaining grant is the default one now.
    expect((await login(clerk, 'zhang wei own passphrase').expect(200)).body.user).toMatchObject({ role: 'personnel', unit });
  });

  it('resets a password: a one-time password is returned once, old tokens stop, the next sign-in must change it', async () => {
    const before = (await login(clerk, 'zhang wei own passphrase').expect(200)).body.accessToken;
    // An administrator's password built on the user's username is refused too; nothing changes.
    const own = await request(api.http)
      .post(`/api/users/${clerk}/password-reset`)
      .set(bearer(admin))
      .send({ password: `${clerk}!!` })
      .expect(422);
    expect(own.body.errors).toEqual([expect.objectContaining({ field: 'password', rule: 'password-strength' })]);
    await request(api.http).get('/api/delegations').set(bearer(before)).expect(200);
    // No body at all: the password is generated.
    const reset = await request(api.http).post(`/api/users/${clerk}/password-reset`).set(bearer(admin)).expect(200);
    expect(reset.body.oneTimePassword).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(reset.body.user.mustChangePassword).toBe(true);
    documented(S.UserCreatedSchema, reset.body);
    await request(api.http).get('/api/delegations').set(bearer(before)).expect(401);
    await login(clerk, 'zhang wei own passphrase').expect(401);
    const token = await firstSignIn(clerk, reset.body.oneTimePassword, 'zhang wei second passphrase');
    await request(api.http).get('/api/delegations').set(bearer(token)).expect(200);
  });

  it('a wrong current password spends the sign-in failure budget: a token cannot guess the password (429 with Retry-After)', async () => {
    const victim = `li.${uniqueSuffix()}`;
    await request(api.http)
      .post('/api/users')
      .set(bearer(admin))
      .send({ username: victim, displayName: '李', grants: [{ role: 'finance', unit }], password: 'victim initial pw' })
      .expect(201);
    const token = (await login(victim, 'victim initial pw').expect(200)).body.accessToken;
    const guess = (n: number) =>
      request(api.http)
        .post('/api/auth/password')
        .set(bearer(token))
        .send({ currentPassword: `guess number ${n}`, newPassword: 'attacker passphrase' });
    expect((await guess(1).expect(403)).body.code).toBe('CURRENT_PASSWORD_WRONG');
    await guess(2).expect(403);
    const locked = await guess(3).expect(429);
    expect(locked.body.code).toBe('ACCOUNT_LOCKED');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // Even the right password waits now, and sign-in too: one budget.
    await request(api.http)
      .post('/api/auth/password')
      .set(bearer(token))
      .send({ currentPassword: 'victim initial pw', newPassword: 'victim own passphrase' })
      .expect(429);
    await login(victim, 'victim initial pw').expect(429);
    const failures = await audit().find({ actor: victim, action: 'auth.password-change' });
    expect(failures.map((e) => e.outcome)).toEqual(['failure', 'failure', 'failure']);
  });

  it('protects the last active admin: no self-disable (409); the admin changes no grant of their own (403 SELF_GRANT)', async () => {
    const self = await request(api.http).post(`/api/users/${ROOT}/disable`).set(bearer(admin)).expect(409);
    expect(self.body).toMatchObject({ code: 'ADMIN_SELF_DISABLE', message: { zh: expect.any(String), en: expect.any(String) } });
    // Nor resets their own password, generated or given (second trial): their own is changed with the current one.
    for (const body of [{}, { password: 'a quite new passphrase 77' }]) {
      const reset = await request(api.http).post(`/api/users/${ROOT}/password-reset`).set(bearer(admin)).send(body).expect(403);
      expect(reset.body).toMatchObject({ code: 'SELF_GRANT', errors: [{ field: 'path.username', rule: 'not-self' }] });
    }
    await request(api.http).get('/api/users').set(bearer(admin)).expect(200); // the token still works: nothing was changed

    // A second admin disables the first: allowed, the first's token stops.
    const ops = `ops.${uniqueSuffix()}`;
    const created = await request(api.http)
      .post('/api/users')
      .set(bearer(admin))
      .send({ username: ops, displayName: '运维', grants: [{ role: 'admin', unit: 'fao' }] })
      .expect(201);
    const opsToken = await firstSignIn(ops, created.body.oneTimePassword, 'ops admin own passphrase');
    await request(api.http).post(`/api/users/${ROOT}/disable`).set(bearer(opsToken)).expect(200);
    await request(api.http).get('/api/users').set(bearer(admin)).expect(401);

    // Giving up the last admin role oneself is refused as any change of one's own grants (was 409 LAST_ACTIVE_ADMIN).
    const selfRevoke = await request(api.http).delete(`/api/users/${ops}/grants/admin/fao`).set(bearer(opsToken)).expect(403);
    expect(selfRevoke.body.code).toBe('SELF_GRANT');
    // Once the first admin is back, it may take the second's account out of service.
    await request(api.http).post(`/api/users/${ROOT}/enable`).set(bearer(opsToken)).expect(200);
    const rootToken = (await login(ROOT, 'root admin own passphrase').expect(200)).body.accessToken as string;
    await request(api.http).post(`/api/users/${ops}/disable`).set(bearer(rootToken)).expect(200);
    await request(api.http).get('/api/users').set(bearer(opsToken)).expect(401);
    admin = rootToken;
  });

  it('refuses an admin granting themselves a case role (403 SELF_GRANT), on every route that changes their own access', async () => {
    const before = (await request(api.http).get(`/api/users/${ROOT}`).set(bearer(admin)).expect(200)).body;
    const refused = [
      // The trial's request: admin grants itself the FAO director's role (then read /api/inbox and the registries).
      await request(api.http).post(`/api/users/${ROOT}/grants`).set(bearer(admin)).send({ role: 'fao-director', unit: 'fao' }),
      // Another admin grant of one's own (another unit), in another letter case of the username.
      await request(api.http).post(`/api/users/${ROOT.toUpperCase()}/grants`).set(bearer(admin)).send({ role: 'admin', unit: 'fao' }),
      await request(api.http).post(`/api/users/${ROOT}/grants`).set(bearer(admin)).send({ role: 'admin', unit: 'fao' }),
      await request(api.http).delete(`/api/users/${ROOT}/grants/admin/fao`).set(bearer(admin)),
      await request(api.http).post(`/api/users/${ROOT}/enable`).set(bearer(admin)),
    ];
    for (const r of refused) {
      expect(r.status).toBe(403);
      expect(r.body).toMatchObject({
        code: 'SELF_GRANT',
        message: {
          zh: expect.stringMatching(/^管理员不能更改自己/),
          en: expect.stringMatching(/^An administrator cannot change their own/),
        },
        errors: [{ field: 'path.username', rule: 'not-self' }],
      });
    }
    const after = (await request(api.http).get(`/api/users/${ROOT}`).set(bearer(admin)).expect(200)).body;
    expect(after.grants).toEqual(before.grants);
    // The role was not granted: signing in with it is refused, and nothing was recorded as done.
    expect((await login(ROOT, 'root admin own passphrase', { role: 'fao-director', unit: 'fao' }).expect(403)).body.code).toBe(
      'ROLE_NOT_GRANTED',
    );
    const grants = await audit().find({ action: 'users.grant', limit: 1000 });
    expect(grants.filter((e) => e.target === `user:${ROOT}`)).toEqual([]);
  });

  it('keeps admin accounts apart from case roles (422 rule admin-alone): on creation and on a grant, either way round', async () => {
    const mixed = `mixed.${uniqueSuffix()}`;
    const create = await request(api.http)
      .post('/api/users')
      .set(bearer(admin))
      .send({
        username: mixed,
        displayName: '混合',
        grants: [
          { role: 'admin', unit: 'fao' },
          { role: 'manager', unit: 'fao' },
          { role: 'organizer', unit },
        ],
      })
      .expect(422);
    expect(create.body).toMatchObject({
      code: 'INVALID_REQUEST',
      errors: [
        {
          field: 'grants[1].role',
          rule: 'admin-alone',
          message: { zh: expect.stringMatching(/^系统管理员账号/), en: expect.stringMatching(/^An administrator account/) },
        },
        { field: 'grants[2].role', rule: 'admin-alone' },
      ],
    });
    await request(api.http).get(`/api/users/${mixed}`).set(bearer(admin)).expect(404);

    const second = `admin2.${uniqueSuffix()}`;
    await request(api.http)
      .post('/api/users')
      .set(bearer(admin))
      .send({ username: second, displayName: '管理员二', grants: [{ role: 'admin', unit: 'fao' }], password: 'second admin passphrase' })
      .expect(201);
    const caseRole = await request(api.http)
      .post(`/api/users/${second}/grants`)
      .set(bearer(admin))
      .send({ role: 'fao-director', unit: 'fao' })
      .expect(422);
    expect(caseRole.body.errors).toEqual([expect.objectContaining({ field: 'role', rule: 'admin-alone' })]);
    // A second admin unit is no case role.
    await request(api.http).post(`/api/users/${second}/grants`).set(bearer(admin)).send({ role: 'admin', unit: 'fao' }).expect(200);

    const officer = `officer.${uniqueSuffix()}`;
    await request(api.http)
      .post('/api/users')
      .set(bearer(admin))
      .send({ username: officer, displayName: '处员', grants: [{ role: 'fao-reviewer', unit: 'fao' }], password: 'officer passphrase 1' })
      .expect(201);
    const adminRole = await request(api.http)
      .post(`/api/users/${officer}/grants`)
      .set(bearer(admin))
      .send({ role: 'admin', unit: 'fao' })
      .expect(422);
    expect(adminRole.body.errors).toEqual([expect.objectContaining({ field: 'role', rule: 'admin-alone' })]);
    expect((await request(api.http).get(`/api/users/${officer}`).set(bearer(admin)).expect(200)).body.grants).toEqual([
      { role: 'fao-reviewer', unit: 'fao' },
    ]);
  });

  it('an account that mixed admin and a case role before the rule signs in as admin only; its case-role token stops', async () => {
    // As the trial's database left it: admin.fao holding fao-director too (written past the API's rules).
    const repo = api.app.get(UsersRepository);
    const mixed = `legacy.${uniqueSuffix()}`;
    const password = 'legacy admin passphrase';
    const noAudit = (u: { username: string }) => ({
      action: 'test.seed',
      outcome: 'success' as const,
      actor: 'test',
      target: `user:${u.username}`,
    });
    await repo.create(
      {
        id: randomUUID(),
        username: mixed,
        displayName: '旧账号',
        grants: [{ role: 'fao-director', unit: 'fao' }],
        passwordHash: await api.app.get(UsersService).hash(password),
        mustChangePassword: false,
      },
      noAudit,
    );
    const director = (await login(mixed, password).expect(200)).body.accessToken as string;
    await request(api.http).get('/api/inbox').set(bearer(director)).expect(200);
    await repo.grant(mixed, { role: 'admin', unit: 'fao' }, noAudit);
    // The case role is out of use at once: the token stops, sign-in with it is refused, the grant picker lists admin only.
    await request(api.http).get('/api/inbox').set(bearer(director)).expect(401);
    expect((await login(mixed, password, { role: 'fao-director', unit: 'fao' }).expect(403)).body.code).toBe('ROLE_NOT_GRANTED');
    const signedIn = (await login(mixed, password).expect(200)).body;
    expect(signedIn.user.role).toBe('admin');
    expect(signedIn.grants).toEqual([{ role: 'admin', unit: 'fao' }]);
    await request(api.http).get('/api/inbox').set(bearer(signedIn.accessToken)).expect(403);
    // Another administrator revokes the case role; the account keeps working as admin.
    await request(api.http).delete(`/api/users/${mixed}/grants/fao-director/fao`).set(bearer(admin)).expect(200);
  });

  it('records every change as an audit event: who, what, whom', async () => {
    const byRoot = await audit().find({ actor: ROOT, limit: 1000 });
    const actions = (target: string, events = byRoot) => events.filter((e) => e.target === target).map((e) => e.action);
    expect(actions(`user:${clerk}`).sort()).toEqual(
      ['users.create', 'users.disable', 'users.enable', 'users.grant', 'users.revoke', 'users.revoke', 'users.password-reset'].sort(),
    );
    const create = byRoot.find((e) => e.action === 'users.create' && e.target === `user:${clerk}`)!;
    expect(create.detail).toMatchObject({
      grants: [
        { role: 'organizer', unit },
        { role: 'finance', unit },
      ],
      generatedPassword: false,
    });
    expect(JSON.stringify(byRoot)).not.toContain('initial password 1');
    const changes = await audit().find({ action: 'auth.password-change', limit: 1000 });
    expect(changes.filter((e) => e.actor === clerk)).toHaveLength(2);
    const all = await audit().find({ limit: 1000 });
    expect(all.filter((e) => e.action === 'users.disable' && e.target === `user:${ROOT}`).map((e) => e.actor)).toHaveLength(1);
  });
});

describe('admin CLI (issue 14.4): users create-admin on a fresh database', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('users_cli');
  });
  afterAll(async () => {
    await db?.drop();
  });

  const rows = async () => {
    const ds = new DataSource(dataSourceOptions(db.url));
    await ds.initialize();
    try {
      return (await ds.query(
        `SELECT username, grants, enabled, must_change_password, password_hash FROM users ORDER BY username`,
      )) as Array<{ username: string; grants: unknown; enabled: boolean; must_change_password: boolean; password_hash: string }>;
    } finally {
      await ds.destroy();
    }
  };
  const noStdin = () => Promise.reject(new Error('stdin must not be read'));

  it('prints a generated one-time password when none is given; refuses a second admin unless --force', async () => {
    const out = await runAdmin(['users', 'create-admin', 'first.admin'], db.url, 'cli:ops', undefined, noStdin);
    expect(out[0]).toBe('created administrator first.admin (admin in fao)');
    const otp = /: ([A-Za-z0-9_-]{16})$/.exec(out[1]!)?.[1];
    expect(otp).toBeDefined();
    const [row] = await rows();
    expect(row).toMatchObject({
      username: 'first.admin',
      grants: [{ role: 'admin', unit: 'fao' }],
      enabled: true,
      must_change_password: true,
    });
    expect(row!.password_hash).toMatch(/^\$argon2id\$/);
    expect(row!.password_hash).not.toContain(otp!);

    await expect(runAdmin(['users', 'create-admin', 'second.admin'], db.url, 'cli:ops', undefined, noStdin)).rejects.toThrow(
      /1 active administrator\(s\) already exist/,
    );
    expect(
      await runAdmin(
        ['users', 'create-admin', 'second.admin', '--force', '--password-stdin', '--unit', 'city'],
        db.url,
        'cli:ops',
        undefined,
        () => Promise.resolve('a long enough password\r\n'),
      ),
    ).toEqual(['created administrator second.admin (admin in city)', 'password from stdin; it must be changed at first sign-in']);
    expect((await rows()).map((r) => r.username)).toEqual(['first.admin', 'second.admin']);
  });

  it('refuses a taken username, a short stdin password and a malformed username, writing nothing; records the actor', async () => {
    // The API's USERNAME_TAKEN, both languages (it printed `username: first.admin is taken`): one home for the words.
    await expect(runAdmin(['users', 'create-admin', 'first.admin', '--force'], db.url, 'cli:ops', undefined, noStdin)).rejects.toThrow(
      [
        'USERNAME_TAKEN: 用户名 first.admin 已被使用 / Username first.admin is taken',
        '  username (unique): 用户名已被使用（不区分大小写） / This username is taken (usernames are compared regardless of case)',
      ].join('\n'),
    );
    await expect(
      runAdmin(['users', 'create-admin', 'third.admin', '--force', '--password-stdin'], db.url, 'cli:ops', undefined, () =>
        Promise.resolve('short\n'),
      ),
    ).rejects.toThrow(/^VALIDATION_FAILED: .*\n {2}password \(stdin\) \(min\): 密码至少12个字符 \/ .*at least 12 characters$/);
    await expect(runAdmin(['users', 'create-admin', '-bad name', '--force'], db.url, 'cli:ops', undefined, noStdin)).rejects.toThrow(
      /\n {2}username \(format\): 须为2-100位字母、数字或 \. _ @ -（以字母或数字开头） \/ Expected 2-100 letters/,
    );
    await expect(runAdmin(['users', 'create-admin'], db.url, 'cli:ops', undefined, noStdin)).rejects.toThrow(/usage: npm run admin/);
    expect((await rows()).map((r) => r.username)).toEqual(['first.admin', 'second.admin']);

    const ds = new DataSource(dataSourceOptions(db.url));
    await ds.initialize();
    try {
      const events = await new AuditEventsRepository(ds).find({ action: 'users.create' });
      expect(events.map((e) => [e.actor, e.target, (e.detail as { force?: boolean }).force ?? false]).sort()).toEqual([
        ['cli:ops', 'user:first.admin', false],
        ['cli:ops', 'user:second.admin', true],
      ]);
    } finally {
      await ds.destroy();
    }
  });
});

/**
 * A database of its own on the test server for a migration's test (`name`: its prefix), and the schema as it was before
 * the migration `migration` (the migrations before it applied): `before()` opens it, `drop()` removes the database.
 */
function scratchDatabase(prefix: string, migration: string) {
  const name = `${prefix}_${uniqueSuffix()}`;
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${name}`;
  const server = async (sql: string) => {
    const c = new Client({ connectionString: process.env.DATABASE_URL });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  return {
    url: url.toString(),
    async before(): Promise<DataSource> {
      await server(`CREATE DATABASE "${name}"`);
      const upTo = MIGRATIONS.findIndex((m) => m.name === migration);
      const ds = new DataSource({ ...dataSourceOptions(url.toString()), migrations: MIGRATIONS.slice(0, upTo) });
      await ds.initialize();
      return ds;
    },
    drop: () => server(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

describe('migration UserRoleGrants: existing users and their tokens keep working', () => {
  const db = scratchDatabase('users_migration', 'UserRoleGrants1795979471434');
  const url = new URL(db.url);
  let api: TestApi | undefined;
  afterAll(async () => {
    await api?.close();
    await db.drop();
  });

  it('gives each user their one role as their one grant; a token issued before the migration still passes', async () => {
    // The schema as it was before this migration, with a user in it.
    const before = await db.before();
    const id = randomUUID();
    try {
      await before.runMigrations();
      await before.query(
        `INSERT INTO users (id, username, password_hash, role, unit, display_name) VALUES ($1, 'old.organizer', $2, 'organizer', 'commerce', '老用户')`,
        [id, await bcrypt.hash('old password 1', 4)],
      );
    } finally {
      await before.destroy();
    }
    // This migration and the ones after it (append-only: later ones may follow).
    expect((await runMigrations(url.toString()))[0]).toBe('UserRoleGrants1795979471434');

    api = await startTestApi({ databaseUrl: url.toString() });
    // A token as the API issued it before (same claims, token version 1).
    const old = await api.app
      .get(JwtService)
      .signAsync({ sub: id, username: 'old.organizer', role: 'organizer', unit: 'commerce', name: '老用户', ver: 1 }, { expiresIn: 600 });
    await request(api.http).get('/api/delegations').set(bearer(old)).expect(200);
    const signedIn = await request(api.http)
      .post('/api/auth/login')
      .send({ username: 'old.organizer', password: 'old password 1' })
      .expect(200);
    expect(signedIn.body).toMatchObject({
      user: { role: 'organizer', unit: 'commerce' },
      grants: [{ role: 'organizer', unit: 'commerce' }],
      mustChangePassword: false,
    });
  });
});

describe('migration UsernameCaseInsensitive: usernames differing only by case stop it, named', () => {
  const db = scratchDatabase('users_case', 'UsernameCaseInsensitive1796101856252');
  const url = new URL(db.url);
  afterAll(() => db.drop());

  it('fails naming the clashing usernames and writes nothing; once renamed it creates the index', async () => {
    const before = await db.before();
    const ids = [randomUUID(), randomUUID()];
    try {
      await before.runMigrations();
      for (const [i, username] of ['organizer.commerce', 'Organizer.Commerce'].entries())
        await before.query(
          `INSERT INTO users (id, username, password_hash, role, unit, display_name, grants) VALUES ($1, $2, 'x', 'organizer', 'commerce', 'u', $3)`,
          [ids[i], username, JSON.stringify([{ role: 'organizer', unit: 'commerce' }])],
        );
    } finally {
      await before.destroy();
    }
    await expect(runMigrations(url.toString())).rejects.toThrow(/differ only by case: Organizer\.Commerce, organizer\.commerce/);
    const ds = new DataSource(dataSourceOptions(url.toString()));
    await ds.initialize();
    try {
      expect(await ds.query(`SELECT 1 FROM pg_indexes WHERE indexname = 'ux_users_username_lower'`)).toEqual([]);
      await ds.query(`UPDATE users SET username = 'organizer.commerce.2' WHERE id = $1`, [ids[1]]);
    } finally {
      await ds.destroy();
    }
    // It runs first, then any migration after it (the scratch database stops before it).
    expect((await runMigrations(url.toString()))[0]).toBe('UsernameCaseInsensitive1796101856252');
  });
});
