import { describe, expect, it } from '@jest/globals';
import { COUNTRY_SEARCH, searchRank } from './country-search';

describe('the country picker search', () => {
  const options = ['BD Bangladesh', 'DE Germany', 'DK Denmark', 'NL Netherlands', 'US United States'].map((label) => ({ label }));
  const sorted = (typed: string) =>
    options
      .filter((o) => o.label.toLowerCase().includes(typed.toLowerCase()))
      .sort((a, b) => COUNTRY_SEARCH.filterSort(a, b, { searchValue: typed }))
      .map((o) => o.label);

  it('puts the code typed exactly first (DE: Germany before Bangladesh, whose name holds "de")', () => {
    expect(sorted('DE')).toEqual(['DE Germany', 'DK Denmark', 'BD Bangladesh']);
    expect(sorted('de')[0]).toBe('DE Germany');
  });

  it('then codes beginning with it, then names beginning with it, then the rest in the catalogue order', () => {
    expect(sorted('d')).toEqual(['DE Germany', 'DK Denmark', 'BD Bangladesh', 'NL Netherlands', 'US United States']);
    expect(sorted('net')).toEqual(['NL Netherlands']);
    expect(searchRank('DK Denmark', 'den')).toBe(2);
    expect(searchRank('US United States', ' us ')).toBe(0);
  });
});
