import { describe, expect, it } from '@jest/globals';
import { DECISION_KINDS, STEP_STATUSES } from '../../../libs/contracts/src/delegation';
import { CASE_EVENT_TYPES } from '../../../libs/contracts/src/events';
import { CASE_STATUSES } from '../../../libs/domain/src/access';
import { ATTACHMENT_KINDS } from '../../../libs/domain/src/attachments';
import { CARD_STATUSES, ENTERPRISE_SIZES, OWNERSHIPS, WHITELIST_STATES } from '../../../libs/domain/src/definition/apec-card';
import { INSTANCE_STATUSES } from '../../../libs/domain/src/instances';
import { codeLabel, DICT, hasLabel } from './labels';

const HAN = /[\u4e00-\u9fff]/;

// Every enum the pages render, by the prefix its labels carry: the values come from where the API takes them.
const RENDERED: Array<[string, string, readonly string[]]> = [
  ['whitelist states', 'apecWl_', WHITELIST_STATES],
  [
    'whitelist history actions (ApecRepository.history)',
    'apecAct_',
    ['admitted', 're-admitted', 'suspended', 'lifted', 'exited', 'refused'],
  ],
  ['enterprise sizes', 'apecSize_', ENTERPRISE_SIZES],
  ['ownerships', 'apecOwn_', OWNERSHIPS],
  ['card statuses', 'apecCard_', CARD_STATUSES],
  ['case statuses', 'st_', CASE_STATUSES],
  ['step statuses (progress and instances)', 'stepSt_', [...new Set([...STEP_STATUSES, ...INSTANCE_STATUSES])]],
  ['deficiency statuses', 'def_', ['missing', 'overdue', 'supplied']],
  ['attachment kinds', 'ak_', ATTACHMENT_KINDS],
  ['timeline events', 'ev_', CASE_EVENT_TYPES],
  ['decisions', '', DECISION_KINDS],
];

describe('labels: no raw English code inside Chinese text', () => {
  it.each(RENDERED)('every value of %s has a label in both languages', (_what, prefix, values) => {
    for (const v of values) {
      const key = `${prefix}${v}`;
      expect({ key, known: hasLabel(key) }).toEqual({ key, known: true });
      const [zh, en] = DICT[key as keyof typeof DICT];
      expect(zh).toMatch(HAN);
      expect(en).not.toMatch(HAN);
    }
  });

  it('the handed input: the whitelist state "exited" reads 已退出 / Exited, and as a history action 退出白名单', () => {
    expect(codeLabel('zh', 'apecWl_', 'exited')).toBe('已退出');
    expect(codeLabel('en', 'apecWl_', 'exited')).toBe('Exited');
    expect(codeLabel('zh', 'apecAct_', 'exited')).toBe('退出白名单');
    expect(codeLabel('zh', 'apecSize_', 'micro')).toBe('微型');
  });

  it('a value the app does not know yet is said to be unknown, its code beside; nothing is a dash', () => {
    expect(codeLabel('zh', 'apecWl_', 'frozen')).toBe('未知取值（frozen）');
    expect(codeLabel('en', 'apecWl_', 'frozen')).toBe('Unknown value (frozen)');
    expect(codeLabel('zh', 'apecWl_', null)).toBe('—');
  });
});
