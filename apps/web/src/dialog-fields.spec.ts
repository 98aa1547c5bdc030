import { describe, expect, it } from '@jest/globals';
import { amountOfText, dialogFieldOf, parseAmount, valuesOfData } from './dialog-fields';

describe("the step dialog's field of an API field error", () => {
  it.each([
    ['P01', 'data.returnedOn', ['returnedOn']],
    ['W01', 'data.registeredCapitalWan', ['figures', 'registeredCapitalWan']],
    ['P03', 'data.outcomes.tradeSignedYuan', ['outcomes', 'tradeSignedYuan']],
    ['P03', 'data.summary', ['summary']],
    ['B02', 'missingDocuments[1].id', ['missingDocuments', 1, 'id']],
    ['B02', 'comment', ['comment']],
    ['A04', 'onBehalfOf', ['onBehalfOf']],
  ])('%s %s → %j', (code, field, name) => {
    expect(dialogFieldOf(code, field)).toEqual(name);
  });

  it("a written outcome's field on a step declaring it (A14, D11); D12's and K05's granted/refused their own", () => {
    expect(dialogFieldOf('A14', 'data.outcome', 'written-outcome')).toEqual(['outcome']);
    expect(dialogFieldOf('D13', 'data.validFrom', 'visa-issued')).toEqual(['visa', 'validFrom']);
    expect(dialogFieldOf('D13', 'data.entries', 'visa-issued')).toEqual(['visa', 'entries']);
    expect(dialogFieldOf('D12', 'data.outcome', 'external-outcome')).toEqual(['externalOutcome']);
    expect(dialogFieldOf('K05', 'data.members', 'external-outcome')).toEqual(['refusedMembers']);
    expect(dialogFieldOf('A14', 'data.members', 'written-outcome')).toBeNull();
  });

  it("D01's route and K06's card at their fields", () => {
    expect(dialogFieldOf('D01', 'data.route', 'entry-route')).toEqual(['route']);
    expect(dialogFieldOf('K06', 'data.cardNumber')).toEqual(['card', 'cardNumber']);
    expect(dialogFieldOf('K06', 'data.validUntil')).toEqual(['card', 'validUntil']);
    expect(dialogFieldOf('K05', 'data.cardNumber', 'external-outcome')).toBeNull();
  });

  it("the new passport's fields on a step declaring it (C05)", () => {
    expect(dialogFieldOf('C05', 'data.number', 'new-passport')).toEqual(['newPassport', 'number']);
    expect(dialogFieldOf('C05', 'data.expiresOn', 'new-passport')).toEqual(['newPassport', 'expiresOn']);
    expect(dialogFieldOf('C05', 'data.holder', 'new-passport')).toBeNull();
  });

  it('a field the dialog has no input for is left to the refusal text', () => {
    expect(dialogFieldOf('B02', 'data.route')).toBeNull();
    expect(dialogFieldOf('P01', 'data.outcomes.x')).toBeNull();
    expect(dialogFieldOf('B02', 'stepKey')).toBeNull();
  });
});

describe('parseAmount: an amount box as typed with a Chinese input method (trial 50: full-width digits were dropped)', () => {
  it.each([
    ['３８０００', '38000'],
    ['１２，６００．５０', '12600.50'],
    ['38,000', '38000'],
    [' 4200 元', '4200'],
    ['12。5', '12.5'],
    ['1,2', '1,2'],
    ['', ''],
  ])('%s is %s', (typed, figure) => expect(parseAmount(typed)).toBe(figure));
});

describe('amountOfText: a figure box keeps what is no figure as typed, for its rule to refuse (12O00 was 12, 1e3 was 1000)', () => {
  it.each([
    ['３８，０００ 元', 38000],
    ['12600.50', 12600.5],
    ['-100', -100],
    ['1.239', 1.239],
    ['12.', 12],
    ['  ', null],
    ['', null],
    ['12O00', '12O00'],
    ['1e3', '1e3'],
    ['1,2', '1,2'],
    ['12.3.4', '12.3.4'],
    ['三千', '三千'],
    ['Infinity', 'Infinity'],
  ])('%s is %p', (typed, value) => expect(amountOfText(typed)).toBe(value));
});

describe('valuesOfData: a step opened again starts from its last completion (trial 52)', () => {
  it('the budget, a written outcome, the trip report, the whitelist figures; nothing for the rest', () => {
    const budget = { internationalTravelYuan: 38000, lodgingYuan: 12600 };
    expect(valuesOfData('A09', { budget }, 'budget-estimate')).toEqual({ budget });
    expect(valuesOfData('A14', { outcome: '已办结' }, 'written-outcome')).toEqual({ outcome: '已办结' });
    expect(valuesOfData('P03', { summary: '总结', outcomes: { promotionEvents: 2 } }, null)).toEqual({
      summary: '总结',
      outcomes: { promotionEvents: 2 },
    });
    expect(valuesOfData('W01', { registeredCapitalWan: 500 }, 'admission-application')).toEqual({ figures: { registeredCapitalWan: 500 } });
    expect(valuesOfData('C05', { number: 'E12345678' }, 'new-passport')).toEqual({});
    expect(valuesOfData('D12', { outcome: 'refused' }, 'external-outcome')).toEqual({});
    // A shape the step never recorded is not offered.
    expect(valuesOfData('A09', { budget: [1, 2] }, 'budget-estimate')).toEqual({});
  });
});
