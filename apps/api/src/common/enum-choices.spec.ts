import { CARD_STATUSES, PHASES, RANKS, USER_ROLES } from '@df/domain';
import { enumChoices } from './enum-choices';

// An enum refusal lists the codes a client sends, each named by its label (never a bare code in the zh half
// where a label exists).
describe('enumChoices', () => {
  it('names each accepted code by its label from the table that holds them all', () => {
    expect(enumChoices(RANKS)).toEqual({
      zh: 'provincial（省部级）、bureau（厅局级）、division（县处级）、section（乡科级）、staff（一般工作人员）',
      en: 'provincial (Provincial/ministerial), bureau (Bureau), division (Division), section (Section), staff (Staff)',
    });
    expect(enumChoices(['fao-reviewer', 'leader']).zh).toBe('fao-reviewer（外办审核处）、leader（审批领导）');
    expect(enumChoices(['lost', 'cancelled'])).toEqual({
      zh: 'lost（已挂失）、cancelled（已注销）',
      en: 'lost (Lost), cancelled (Cancelled)',
    });
    expect(enumChoices(['suspended', 'not-listed']).zh).toBe('suspended（已暂停）、not-listed（未列入白名单）');
  });
  it('labels every value of the role, phase and card status enums', () => {
    for (const values of [USER_ROLES, PHASES, CARD_STATUSES])
      expect(
        enumChoices(values)
          .zh.split('、')
          .every((v) => v.includes('（')),
      ).toBe(true);
  });
  it('lists the codes alone when no table holds them all', () => {
    expect(enumChoices(['csv', 'xlsx'])).toEqual({ zh: 'csv、xlsx', en: 'csv, xlsx' });
    expect(enumChoices(['active', 'disabled'])).toEqual({ zh: 'active、disabled', en: 'active, disabled' });
  });
});
