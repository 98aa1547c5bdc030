import { describe, expect, it } from '@jest/globals';
import { accountName } from './accounts';

describe('accountName', () => {
  const names = { 'fao-director.fao': '王主任', 'plain.user': 'plain.user' };
  it('names the person with the account beside, in each language (trial 82: accounts only)', () => {
    expect(accountName('fao-director.fao', names, 'zh')).toBe('王主任（fao-director.fao）');
    expect(accountName('fao-director.fao', names, 'en')).toBe('王主任 (fao-director.fao)');
  });
  it('keeps the account when no display name is known or it says nothing more', () => {
    expect(accountName('system', names, 'zh')).toBe('system');
    expect(accountName('plain.user', names, 'en')).toBe('plain.user');
    expect(accountName('x', undefined, 'zh')).toBe('x');
  });
});
