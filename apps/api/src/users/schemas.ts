import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { pinyin } from 'pinyin-pro';
import * as zxcvbnCommon from '@zxcvbn-ts/language-common';
import { z } from 'zod';
import { ruleRefusal } from '../common/errors';
import { beyondSchema } from '../common/validation';
import { formatMessage, personName, untrimmedText } from '../common/zod-text';
import { COMMON_PASSWORDS_ZH } from './common-passwords-zh';
import { USER_ROLES } from '../auth/access';
import { KNOWN_UNIT_RULE } from '../common/unit-filter';
import { code } from '../registries/schemas';

/** Usernames: letters, digits and . _ @ - (the demo accounts are `<role>.<unit>`), 2..100 characters. */
export const USERNAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._@-]{1,99}$';
export const username = () =>
  z
    .string()
    .regex(
      new RegExp(USERNAME_PATTERN),
      formatMessage(
        '须为2-100位字母、数字或 . _ @ -（以字母或数字开头）',
        'Expected 2-100 letters, digits or . _ @ - (starting with a letter or digit)',
      ),
    )
    .meta({ minLength: 2, maxLength: 100, pattern: USERNAME_PATTERN });

/**
 * A password chosen by an administrator or the user: 12..200 characters, taken as typed, and not guessable (NIST SP
 * 800-63B 5.1.1.2: length, no composition rules, but checked against commonly used, repetitive and sequential values,
 * and context-specific words such as the username). The guess estimate is zxcvbn's (`@zxcvbn-ts/core` with its
 * common-password lists, its l33t table (`P@ssw0rd` is `password`), and the common words of Chinese users' passwords,
 * COMMON_PASSWORDS_ZH): a score under PASSWORD_MIN_SCORE is refused, rule `password-strength` (fifth trial:
 * `aaaaaaaaaaaa` and `111111111111` were set). Where a password is set for a known user (created, reset, changed), the
 * user's own username and display name are zxcvbn's user inputs too (ownPasswordCheck, assertOwnPassword; new-user
 * trial: `organizer.commerce1` was set for `organizer.commerce`).
 */
export const PASSWORD_MIN = 12;
/**
 * zxcvbn's score 0..4; 3 is "safely unguessable" (at least 10^8 guesses): a common password with a year and a
 * symbol (`P@ssw0rd2026!`, 10^7) scored 2 and was set (new-user trial).
 */
export const PASSWORD_MIN_SCORE = 3;
let strength: ZxcvbnFactory | undefined;
const zxcvbn = (): ZxcvbnFactory =>
  (strength ??= new ZxcvbnFactory({
    dictionary: { ...zxcvbnCommon.dictionary, 'common-zh': [...COMMON_PASSWORDS_ZH] },
    graphs: zxcvbnCommon.adjacencyGraphs,
  }));

const SEPARATORS = /[\s._@-]+/g;
const HAN_RUN = /\p{Script=Han}+/gu;

/**
 * The pinyin of a value's Han characters, as a user types them in a password (pinyin-pro, toneless, ü as v, the first
 * character read as a surname: 单 shan, 曾 zeng): for 张三丰 the syllables joined (zhangsanfeng) and with the separators
 * of ownWords, the first syllable (zhang), the rest (sanfeng), the rest then the first (sanfengzhang), and the initials
 * (zsf). Empty for a value without Han characters.
 */
export function pinyinWords(value: string): string[] {
  const words: string[] = [];
  for (const run of value.match(HAN_RUN) ?? []) {
    const syllables = pinyin(run, { toneType: 'none', type: 'array', surname: 'head', v: true })
      .map((s) => s.toLowerCase())
      .filter((s) => /^[a-z]+$/.test(s));
    if (syllables.length === 0) continue;
    const [first, ...rest] = syllables;
    for (const sep of ['', '.', '_', '-', ' ']) words.push(syllables.join(sep));
    const given = rest.join('');
    const initials = (xs: string[]) => xs.map((s) => s[0]).join('');
    // The surname, the given name alone and before it, the initials (zxq), the given name's (xq) and the mixed forms
    // (zhangxq, zxiaoqiang) a user abbreviates a name with.
    words.push(first!, given, given + first!, initials(syllables), initials(rest), first! + initials(rest), first![0]! + given);
  }
  return words.filter((w) => w.length >= 2);
}

/**
 * A user's own words as zxcvbn's user inputs: each value lower-cased as typed, its parts joined without a separator
 * and with each of . _ - and space (`Zhang Wei`: zhangwei, zhang.wei, …), its parts (zhang, wei), and the pinyin of its
 * Han characters (pinyinWords: 张伟 is zhangwei, zhang, wei, weizhang, zw; a new-user trial's finding).
 */
export const ownWords = (...values: ReadonlyArray<string | undefined>): string[] => {
  const words = new Set<string>();
  for (const value of values) {
    const v = typeof value === 'string' ? value.trim().toLowerCase() : '';
    if (!v) continue;
    words.add(v);
    const parts = v.split(SEPARATORS).filter((part) => part !== '');
    for (const sep of ['', '.', '_', '-', ' ']) words.add(parts.join(sep));
    for (const part of parts) if (part.length >= 2) words.add(part);
    for (const word of pinyinWords(v)) words.add(word);
  }
  words.delete('');
  return [...words];
};

/** zxcvbn's score of a password (0..4), with the user's own words (ownWords) when known. */
export const passwordScore = (value: string, userInputs: readonly string[] = []): number => zxcvbn().check(value, [...userInputs]).score;

const WEAK = {
  en: 'Too easy to guess: a repeated or sequential value, or a common password',
  zh: '密码过于简单（重复、连续的字符或常用密码），请另设',
};
const OWN = {
  en: 'Too easy to guess: built on your own username or name',
  zh: '密码过于简单（含本人的用户名或姓名），请另设',
};
/** The shortest own word taken out of a password (withoutOwnWords): two letters (`an`, `li`) are inside too many words. */
const OWN_WORD_MIN = 3;
/**
 * What the rest of a password built on the user's own words must score alone (zxcvbn 4: at least 10^10 guesses): the
 * name adds nothing an attacker who knows it must guess, so the rest stands as a password of its own.
 */
const OWN_REST_MIN_SCORE = 4;

/**
 * What is left of a password once the user's own words are taken out of it (each word of at least OWN_WORD_MIN
 * letters, longest first, in any letter case): `Zhang.Xiaoqiang!` leaves `.!`, `zhang-xq-2026-01` leaves `-xq-2026-01`.
 */
export function withoutOwnWords(value: string, words: readonly string[]): string {
  let rest = value.toLowerCase();
  for (const word of words.filter((w) => w.length >= OWN_WORD_MIN).sort((a, b) => b.length - a.length)) rest = rest.split(word).join('');
  return rest;
}

/**
 * Long enough (the `min` rule's own) but guessable from the user's own words: the refusal's words, else null. zxcvbn
 * with the own words as user inputs, and, for a password that holds one of them, zxcvbn on what is left without them
 * (withoutOwnWords, at least OWN_REST_MIN_SCORE): zxcvbn prices a password of several parts (a name, a symbol, a
 * year) as their product times an order penalty, so the name in separators and case (`zhang_xiaoqiang_2026`,
 * `Xiaoqiang@2026!`, `ZXQ@binzhou2026` for 张晓强) scored 3 and was set (trial).
 */
const ownWordsFault = (value: string, inputs: ReadonlyArray<string | undefined>): typeof OWN | null => {
  if ([...value].length < PASSWORD_MIN || passwordScore(value) < PASSWORD_MIN_SCORE) return null; // the field's own rules
  const words = ownWords(...inputs);
  if (passwordScore(value, words) < PASSWORD_MIN_SCORE) return OWN;
  const rest = withoutOwnWords(value, words);
  return rest !== value.toLowerCase() && passwordScore(rest, words) < OWN_REST_MIN_SCORE ? OWN : null;
};

export const password = () =>
  untrimmedText(200)
    .refine((s) => [...s].length >= PASSWORD_MIN, {
      message: `Too small: expected a password of at least ${PASSWORD_MIN} characters`,
      params: { zh: `密码至少${PASSWORD_MIN}个字符`, rule: 'min' },
    })
    .refine((s) => [...s].length < PASSWORD_MIN || passwordScore(s) >= PASSWORD_MIN_SCORE, {
      message: WEAK.en,
      params: beyondSchema(WEAK.zh, 'password-strength'),
    })
    .meta({ minLength: PASSWORD_MIN });

/**
 * A zod superRefine of a request that sets a password with the user's own words beside it (POST /api/users: username
 * and displayName): the password built on them is refused 422 at `passwordKey`, rule `password-strength`.
 */
export const ownPasswordCheck =
  <K extends string>(passwordKey: K, ...inputKeys: K[]) =>
  (body: Partial<Record<K, string | undefined>>, ctx: z.RefinementCtx): void => {
    const value = body[passwordKey];
    const fault =
      typeof value !== 'string'
        ? null
        : ownWordsFault(
            value,
            inputKeys.map((k) => body[k]),
          );
    if (fault)
      ctx.addIssue({ code: 'custom', path: [passwordKey], message: fault.en, params: beyondSchema(fault.zh, 'password-strength') });
  };

/**
 * A password set for a stored user (an administrator's reset, the user's own change) checked against the user's own
 * username and display name: 422 INVALID_REQUEST naming `field`, rule `password-strength`.
 */
export function assertOwnPassword(value: string, field: string, user: { username: string; displayName: string }): void {
  const fault = ownWordsFault(value, [user.username, user.displayName]);
  if (fault) throw ruleRefusal([{ field, rule: 'password-strength', message: { zh: fault.zh, en: fault.en } }]);
}

export const RoleGrantSchema = z
  .strictObject({
    role: z.enum(USER_ROLES),
    // A unit code as everywhere (registries' `code`: the units registry's key, the filters, the submission).
    unit: code,
  })
  .meta({
    id: 'RoleGrant',
    description: '一个角色及其所属单位 One role held for one unit',
    example: { role: 'organizer', unit: 'commerce' },
  });

export const CreateUserSchema = z
  .strictObject({
    username: username(),
    // A person's name, as pages show it beside the account (林芳（fao-director.fao）): what names are written with
    // (personName, rule `person-name`; trial 84: 林芳（fao-director.fao） was taken, and read as another's account).
    displayName: personName(),
    grants: z.array(RoleGrantSchema).min(1).max(20),
    /** Omitted: a one-time password is generated and returned once. */
    password: password().optional(),
  })
  .superRefine(ownPasswordCheck('password', 'username', 'displayName'))
  .meta({
    id: 'CreateUserRequest',
    example: {
      username: 'zhang.wei',
      displayName: '张伟',
      grants: [
        { role: 'organizer', unit: 'commerce' },
        { role: 'finance', unit: 'commerce' },
      ],
      password: 'initial-Passw0rd-2027',
    },
  });

export const PasswordResetSchema = z
  .strictObject({ password: password().optional() })
  .meta({ id: 'PasswordResetRequest', example: { password: 'temporary-Passw0rd-2027' } });

export const UserQuerySchema = z.strictObject({
  unit: code.optional().meta({ description: `持有该单位任一角色 Holds any role in this unit. ${KNOWN_UNIT_RULE}` }),
  role: z.enum(USER_ROLES).optional().meta({ description: '持有该角色 Holds this role (any unit)' }),
  status: z.enum(['active', 'disabled']).optional().meta({ description: '账号状态 Account status' }),
});

const USER_EXAMPLE = {
  id: '0b9d6c1e-3f7a-4d55-9a0e-6a2f1c7b8e41',
  username: 'zhang.wei',
  displayName: '张伟',
  grants: [{ role: 'organizer', unit: 'commerce' }],
  status: 'active',
  mustChangePassword: true,
  demo: false,
  lastSignInAt: null,
  createdAt: '2026-11-29T09:00:00.000Z',
  updatedAt: '2026-11-29T09:00:00.000Z',
};

export const UserViewSchema = z
  .looseObject({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    grants: z.array(RoleGrantSchema),
    status: z.enum(['active', 'disabled']),
    mustChangePassword: z.boolean(),
    demo: z.boolean(),
    lastSignInAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'User', example: USER_EXAMPLE });

export const UserListSchema = z
  .looseObject({
    items: z.array(
      UserViewSchema.extend({
        soleHolderOf: z.array(RoleGrantSchema).meta({
          description:
            "The grants no other enabled account holds (role at unit): disabling this user, or revoking one, leaves that unit's steps of the role with no one to act; the Users page says so before it is done",
        }),
      }),
    ),
    total: z.number().int(),
    units: z
      .array(z.looseObject({ code: z.string(), nameZh: z.string(), nameEn: z.string() }))
      .meta({ description: 'The registered units the listed grants name, with their names (a unit not registered is absent)' }),
  })
  .meta({
    id: 'UserList',
    example: {
      items: [{ ...USER_EXAMPLE, soleHolderOf: [{ role: 'organizer', unit: 'commerce' }] }],
      total: 1,
      units: [{ code: 'commerce', nameZh: '市商务局', nameEn: 'Municipal Bureau of Commerce' }],
    },
  });

export const UserCreatedSchema = z
  .looseObject({
    user: UserViewSchema,
    /** Only when the server generated it: shown once, never stored in clear. */
    oneTimePassword: z.string().optional(),
  })
  .meta({
    id: 'UserCreated',
    description:
      'The user; oneTimePassword only when the request gave none (shown once: hand it over, it must be changed at first sign-in)',
    example: { user: USER_EXAMPLE, oneTimePassword: 'q3Vw9mZx1LkT0bRc' },
  });

export type UserView = z.infer<typeof UserViewSchema>;
