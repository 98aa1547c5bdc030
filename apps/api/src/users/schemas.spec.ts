import type { z } from 'zod';
import { DomainError } from '../common/errors';
import { parseOrThrow } from '../common/validation';
import { PasswordChangeSchema } from '../auth/auth.controller';
import { checkCreateAdmin } from '../../../admin/users';
import { assertOwnPassword, CreateUserSchema, ownWords, PasswordResetSchema, pinyinWords } from './schemas';

/** The refusal (status and field errors) `check` throws. */
function refusal(check: () => unknown): { status: number; errors: unknown } {
  try {
    check();
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    return { status: err.status, errors: err.extras.errors };
  }
  throw new Error('expected a refusal');
}
const parse = (schema: z.ZodType, value: unknown) => () => parseOrThrow(schema, value);
const weak = (field: string) => ({ status: 422, errors: [expect.objectContaining({ field, rule: 'password-strength' })] });

const body = { username: 'li.ming', displayName: '李明', grants: [{ role: 'organizer', unit: 'commerce' }] };

describe('password strength: common passwords of Chinese users, l33t, the user’s own words (new-user trial)', () => {
  it.each(['woaini1314520', 'zhangsan123456', 'P@ssw0rd2026!'])('%s is refused wherever a password is set', (password) => {
    expect(refusal(parse(CreateUserSchema, { ...body, password }))).toEqual(weak('password'));
    expect(refusal(parse(PasswordResetSchema, { password }))).toEqual(weak('password'));
    expect(refusal(parse(PasswordChangeSchema, { currentPassword: 'x', newPassword: password }))).toEqual(weak('newPassword'));
  });

  it('the username repeated is refused on creation (API and CLI), reset and change, naming the field and its words', () => {
    const own = {
      field: 'password',
      rule: 'password-strength',
      message: { zh: '密码过于简单（含本人的用户名或姓名），请另设', en: 'Too easy to guess: built on your own username or name' },
    };
    const user = { username: 'organizer.commerce', displayName: '专办员（commerce）' };
    const password = 'organizer.commerce1';
    expect(refusal(parse(CreateUserSchema, { ...body, username: user.username, password }))).toEqual({ status: 422, errors: [own] });
    // Another user may hold it (nothing of theirs in it).
    expect(parseOrThrow(CreateUserSchema, { ...body, password }).password).toBe(password);
    expect(() => checkCreateAdmin({ username: user.username, unit: 'fao', name: '管理员', password }, ['fao'])).toThrow(
      /password \(stdin\) \(password-strength\): 密码过于简单（含本人的用户名或姓名）/,
    );
    expect(refusal(() => assertOwnPassword(password, 'password', user))).toEqual({ status: 422, errors: [own] });
    expect(refusal(() => assertOwnPassword(password, 'newPassword', user))).toEqual({
      status: 422,
      errors: [{ ...own, field: 'newPassword' }],
    });
    expect(() => assertOwnPassword(password, 'newPassword', { username: 'li.ming', displayName: '李明' })).not.toThrow();
  });

  it('the display name in pinyin (with or without its space) is refused as the user’s own word', () => {
    for (const password of ['zhangxiaoqiang2026', 'Zhangxiaoqiang@2026', 'zhang.xiaoqiang.1'])
      expect(refusal(parse(CreateUserSchema, { ...body, displayName: 'Zhang Xiaoqiang', password }))).toEqual(weak('password'));
    expect(ownWords('organizer.commerce', 'Zhang Wei')).toEqual([
      'organizer.commerce',
      'organizercommerce',
      'organizer_commerce',
      'organizer-commerce',
      'organizer commerce',
      'organizer',
      'commerce',
      'zhang wei',
      'zhangwei',
      'zhang.wei',
      'zhang_wei',
      'zhang-wei',
      'zhang',
      'wei',
    ]);
  });

  it('a display name in characters is the user’s own word in pinyin too (张晓强: zhangxiaoqiang; 单 read as a surname, shan)', () => {
    // Each strong for anyone else; built on the holder's own name, refused (the new-user trial: 张伟 was not matched by zhangwei).
    for (const [displayName, password] of [
      ['张晓强', 'zhangxiaoqiang2026'],
      ['单雄信', 'shanxiongxin!2027'],
    ] as const) {
      expect(parseOrThrow(CreateUserSchema, { ...body, password }).password).toBe(password);
      expect(refusal(parse(CreateUserSchema, { ...body, displayName, password }))).toEqual({
        status: 422,
        errors: [
          expect.objectContaining({
            field: 'password',
            rule: 'password-strength',
            message: expect.objectContaining({ en: expect.stringContaining('your own') }),
          }),
        ],
      });
      expect(refusal(() => assertOwnPassword(password, 'newPassword', { username: 'x.y', displayName }))).toEqual({
        status: 422,
        errors: [expect.objectContaining({ field: 'newPassword', rule: 'password-strength' })],
      });
    }
    expect(pinyinWords('李明')).toEqual([
      'liming',
      'li.ming',
      'li_ming',
      'li-ming',
      'li ming',
      'li',
      'ming',
      'mingli',
      'lm',
      'lim',
      'lming',
    ]);
    expect(pinyinWords('吕方')).toContain('lvfang');
    expect(pinyinWords('Zhang Wei')).toEqual([]);
    expect(ownWords('li.ming', '李明')).toEqual(expect.arrayContaining(['李明', 'liming', 'mingli', 'lm']));
  });

  it('handed inputs (trial): 张晓强 (zhangxq) in separators, letter case, order and initials, with a year or a symbol, is refused', () => {
    const user = { username: 'zhangxq', displayName: '张晓强' };
    for (const password of [
      'zhang_xiaoqiang_2026',
      'Zhang.Xiaoqiang!',
      'xiaoqiang.zhang.1',
      'Xiaoqiang@2026!',
      'zhang-xq-2026-01',
      'ZXQ@binzhou2026',
    ]) {
      // Strong for anyone else: the name is what makes it weak.
      expect([password, parseOrThrow(CreateUserSchema, { ...body, password }).password]).toEqual([password, password]);
      expect([password, refusal(() => assertOwnPassword(password, 'newPassword', user))]).toEqual([
        password,
        { status: 422, errors: [expect.objectContaining({ field: 'newPassword', rule: 'password-strength' })] },
      ]);
      expect([password, refusal(parse(CreateUserSchema, { ...body, ...user, password }))]).toEqual([password, weak('password')]);
    }
    // A passphrase that holds the name passes when the rest stands alone (zxcvbn 4 without it); the words of the name
    // are taken out only from three letters on, so 李安's li and an leave other words whole.
    for (const password of ['Qiang!Rainy-Harbor-47', 'mango7!Xiaoqiang-Frost-Lantern'])
      expect(() => assertOwnPassword(password, 'password', user)).not.toThrow();
    expect(() => assertOwnPassword('Orange-Banana-Canyon-77', 'password', { username: 'lian', displayName: '李安' })).not.toThrow();
  });

  it('the passphrases of the examples and fixtures still pass', () => {
    for (const password of ['initial-Passw0rd-2027', 'temporary-Passw0rd-2027', 'initial password 1', 'a long enough password'])
      expect(parseOrThrow(CreateUserSchema, { ...body, password }).password).toBe(password);
    expect(() => assertOwnPassword('zhang wei own passphrase', 'newPassword', { username: 'zhang.x1', displayName: '张伟' })).not.toThrow();
  });
});
