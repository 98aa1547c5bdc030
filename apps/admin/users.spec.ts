import { parseOrThrow } from '../api/src/common/validation';
import { DomainError } from '../api/src/common/errors';
import { usernameTaken } from '../api/src/users/refusals';
import { CreateUserSchema } from '../api/src/users/schemas';
import { loadConfig } from '@df/runtime';
import { checkCreateAdmin, checkYear, cliRefusal } from './users';

const OFFICE_UNITS = loadConfig({}).officeUnits;

/** The API's refusal of `body` by POST /api/users' schema. */
const apiRefusal = (body: unknown): DomainError => {
  try {
    parseOrThrow(CreateUserSchema, body);
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
};
const message = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected an error');
};

describe('the admin CLI says what the API says', () => {
  it('handed input: a taken username printed `username: X is taken`; it is the API’s USERNAME_TAKEN, both languages', () => {
    const api = usernameTaken('first.admin');
    expect(cliRefusal(api).message).toBe(
      [
        'USERNAME_TAKEN: 用户名 first.admin 已被使用 / Username first.admin is taken',
        '  username (unique): 用户名已被使用（不区分大小写） / This username is taken (usernames are compared regardless of case)',
      ].join('\n'),
    );
    expect(cliRefusal(api).message).not.toMatch(/username: first\.admin is taken/);
  });

  it('a malformed username, unit, name or password is refused with the API’s field messages, named by the option', () => {
    const grant = { role: 'admin', unit: 'fao' };
    const body = { username: 'a', displayName: '管理员', grants: [grant] };
    const cli = { username: 'a', unit: 'fao', name: '管理员' };
    // Each CLI refusal line is the API's field error of the same value, under the option that gives it.
    const pairs: Array<[string, unknown, Parameters<typeof checkCreateAdmin>[0], string]> = [
      ['username', body, cli, 'username'],
      [
        'grants[0].unit',
        { ...body, username: 'ok.name', grants: [{ ...grant, unit: '-x' }] },
        { ...cli, username: 'ok.name', unit: '-x' },
        '--unit',
      ],
      [
        'displayName',
        { ...body, username: 'ok.name', displayName: '名'.repeat(101) },
        { ...cli, username: 'ok.name', name: '名'.repeat(101) },
        '--name',
      ],
      [
        'password',
        { ...body, username: 'ok.name', password: 'short' },
        { ...cli, username: 'ok.name', password: 'short' },
        'password (stdin)',
      ],
    ];
    for (const [apiField, apiBody, cliInput, option] of pairs) {
      const api = apiRefusal(apiBody);
      const e = api.extras.errors!.find((x) => x.field === apiField)!;
      expect(e).toBeDefined();
      const text = message(() => checkCreateAdmin(cliInput, OFFICE_UNITS));
      expect(text.split('\n')).toEqual([
        `${api.code}: ${api.label.zh} / ${api.label.en}`,
        `  ${option} (${e.rule}): ${e.message.zh} / ${e.message.en}`,
      ]);
    }
    expect(message(() => checkCreateAdmin({ ...cli, password: 'short' }, OFFICE_UNITS))).toMatch(
      /password \(stdin\) \(min\): 密码至少12个字符/,
    );
    // An administrator is an office role: --unit names one of the office's departments (OFFICE_UNITS: fao, city).
    expect(
      message(() => checkCreateAdmin({ ...cli, username: 'ok.name', unit: 'commerce', password: 'a long enough password' }, OFFICE_UNITS)),
    ).toMatch(/--unit \(office-unit\): 系统管理员是本机关角色.*（fao, city）/);
    expect(
      checkCreateAdmin({ username: 'first.admin', unit: 'fao', name: ' 管理员 ', password: 'a long enough password' }, OFFICE_UNITS),
    ).toEqual({
      username: 'first.admin',
      unit: 'fao',
      name: '管理员',
      password: 'a long enough password',
    });
  });

  it('--year is the API’s year of a calendar: format, min, max, in both languages', () => {
    expect(checkYear('2027')).toBe(2027);
    expect(message(() => checkYear('abc'))).toBe(
      'VALIDATION_FAILED: 请求有1处错误 / The request has 1 error(s)\n  --year (format): 应为整数 / Expected a whole number',
    );
    expect(message(() => checkYear('1999'))).toMatch(/--year \(min\): 不得小于2000 \/ Must be at least 2000$/);
  });
});
