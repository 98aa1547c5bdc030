import { describe, expect, it } from '@jest/globals';
import { CASE_EVENT_LABELS, DECISION_KIND_LABELS, STEP_STATUS_LABELS } from '../../../libs/contracts/src/labels';
import { CASE_STATUS_LABELS } from '../../../libs/domain/src/access';
import { WHITELIST_ACTIONS } from '../../../libs/domain/src/definition/apec-card';
import { ROLE_LABELS } from '../../../libs/domain/src/roles';
import { codeLabel, DICT, ENUM_LABELS, enumLabel, fieldErrorText, fieldLabel, type EnumKind } from './labels';

const HAN = /[\u4e00-\u9fff]/;

describe('labels: one home for the enums the pages render', () => {
  it.each(Object.keys(ENUM_LABELS) as EnumKind[])('every value of %s has a label in both languages', (kind) => {
    for (const [value, label] of Object.entries(ENUM_LABELS[kind])) {
      expect({ value, zh: HAN.test(label.zh), en: HAN.test(label.en) }).toEqual({ value, zh: true, en: false });
    }
  });

  it('the web shows the very label the API texts use: step status done is 已办结, not a copy of its own', () => {
    expect(codeLabel('zh', 'stepSt_', 'done')).toBe('已办结');
    expect(codeLabel('zh', 'stepSt_', 'done')).toBe(STEP_STATUS_LABELS.done.zh);
    expect(codeLabel('zh', 'st_', 'cancelled')).toBe(CASE_STATUS_LABELS.cancelled.zh);
    expect(codeLabel('zh', 'decision_', 'accept-with-deficiencies')).toBe(DECISION_KIND_LABELS['accept-with-deficiencies'].zh);
    expect(codeLabel('en', 'ev_', 'step.completed')).toBe(CASE_EVENT_LABELS['step.completed'].en);
    expect(codeLabel('zh', 'role_', 'apec-desk')).toBe(ROLE_LABELS['apec-desk'].zh);
  });

  it("the tables are the libs' own objects, and the web dictionary keeps no enum copy", () => {
    expect(ENUM_LABELS.stepSt_).toBe(STEP_STATUS_LABELS);
    expect(ENUM_LABELS.st_).toBe(CASE_STATUS_LABELS);
    const copies = Object.keys(DICT).filter((k) => Object.keys(ENUM_LABELS).some((prefix) => k.startsWith(prefix)));
    expect(copies).toEqual([]);
  });

  it('every whitelist history action has its label in the domain', () => {
    for (const a of WHITELIST_ACTIONS) expect(enumLabel('apecAct_', a)).toBeDefined();
    expect(codeLabel('zh', 'apecAct_', 'exited')).toBe('退出白名单');
    expect(codeLabel('zh', 'apecWl_', 'exited')).toBe('已退出');
    expect(codeLabel('en', 'apecWl_', 'exited')).toBe('Exited');
    expect(codeLabel('zh', 'apecSize_', 'micro')).toBe('微型');
  });

  it('English labels written to sit inside a sentence are sentence-cased on their own', () => {
    expect(codeLabel('en', 'apecMove_', 'suspend')).toBe('Suspend');
    expect(codeLabel('en', 'exit_', 'violation')).toBe('A violation');
  });

  it('a value the app does not know yet is said to be unknown, its code beside; nothing is a dash', () => {
    expect(codeLabel('zh', 'apecWl_', 'frozen')).toBe('未知取值（frozen）');
    expect(codeLabel('en', 'apecWl_', 'frozen')).toBe('Unknown value (frozen)');
    expect(codeLabel('zh', 'apecWl_', null)).toBe('—');
    expect(codeLabel('zh', 'role_', 'toString')).toBe('未知取值（toString）');
  });
});

describe("field paths in words: an alert never shows the API's path", () => {
  it('the handed input: the APEC application refused at `unit` reads 单位：企业须在白名单内', () => {
    const e = { field: 'unit', message: { zh: '企业须在白名单内', en: 'The enterprise must be on the whitelist' } };
    expect(fieldErrorText('zh', e)).toBe('单位：企业须在白名单内');
    expect(fieldErrorText('en', e)).toBe('Unit: The enterprise must be on the whitelist');
  });

  it.each([
    // Trial 76: 成员 第 1 项 read as a form's item, not a member.
    ['members[1].passport.number', '第 2 名成员 · 护照号码', 'Members #2 · Passport number'],
    ['destinations[0].inviter.organization', '第 1 个目的地 · 邀请单位', 'Destinations #1 · Inviting organization'],
    ['missingDocuments[2].neededBy', '第 3 项缺少的材料 · 最迟补齐于步骤', 'Missing documents #3 · Needed by step'],
    ['neededBy', '需用卡日期', 'Needed by'],
    ['query.from', '起始日期', 'From'],
    ['registeredCapitalWan.small', '注册资本（万元） · 小型', 'Registered capital (10 000 yuan) · Small'],
    ['economies[2]', '第 3 个预审经济体', 'Economies to pre-clear #3'],
    ['grants[0].unit', '第 1 项角色授权 · 单位', 'Role grants #1 · Unit'],
  ])('%s reads %s / %s', (field, zh, en) => {
    expect(fieldLabel('zh', field)).toBe(zh);
    expect(fieldLabel('en', field)).toBe(en);
  });

  it("names a list's item as the form holds it, beside its number (trial 77: the member by position alone)", () => {
    const names = { members: ['王五', '  ', undefined, '李四'] };
    expect(fieldLabel('zh', 'members[3].passport.number', names)).toBe('第 4 名成员（李四） · 护照号码');
    expect(fieldLabel('en', 'members[3].passport.number', names)).toBe('Members #4 (李四) · Passport number');
    // No name held (blank, not typed yet, beyond the list): the number alone.
    for (const n of [1, 2, 7]) expect(fieldLabel('zh', `members[${n}].name`, names)).toBe(`第 ${n + 1} 名成员 · 姓名`);
    expect(fieldErrorText('zh', { field: 'members[0].rank', message: { zh: '必填', en: 'Required' } }, names)).toBe(
      '第 1 名成员（王五） · 级别：必填',
    );
  });

  it('a path with no labelled segment shows the message alone, not the path', () => {
    expect(fieldLabel('zh', 'body.somethingNew')).toBeNull();
    expect(fieldErrorText('zh', { field: 'body.somethingNew', message: { zh: '必填', en: 'Required' } })).toBe('必填');
  });
});
