import { describe, expect, it } from '@jest/globals';
import { dialogFieldOf, parseAmount } from './dialog-fields';

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
    ['', ''],
  ])('%s is %s', (typed, figure) => expect(parseAmount(typed)).toBe(figure));
});
