import {
  canonicalIdentity,
  deriveFacts,
  entryRoute,
  historyKeyOf,
  historyKeys,
  needsNewPassport,
  personNameKey,
  personNameProblem,
  tripCountries,
} from './facts';
import { makeDestination, makeFacts, makeMember, makeMembers } from './fixtures';
import { checkTripRules } from './rules';

describe('needsNewPassport', () => {
  const ret = '2026-05-15';
  it('valid in custody, expiring on return + 6 months exactly: no', () => {
    expect(needsNewPassport(makeMember({ passport: { inCustody: true, expiresOn: '2026-11-15' } }), ret)).toBe(false);
  });
  it('one day short of return + 6 months: yes', () => {
    expect(needsNewPassport(makeMember({ passport: { inCustody: true, expiresOn: '2026-11-14' } }), ret)).toBe(true);
  });
  it('not in custody, no passport, or no expiry: yes', () => {
    expect(needsNewPassport(makeMember({ passport: { inCustody: false, expiresOn: '2031-01-01' } }), ret)).toBe(true);
    expect(needsNewPassport(makeMember({ passport: null }), ret)).toBe(true);
    expect(needsNewPassport(makeMember({ passport: { inCustody: true } }), ret)).toBe(true);
  });
});

describe('entryRoute', () => {
  const facts = makeFacts();
  it('follows the table for official passports', () => {
    expect(entryRoute(makeMember(), 'US', facts)).toBe('visa');
    expect(entryRoute(makeMember(), 'SG', facts)).toBe('visa-free');
    expect(entryRoute(makeMember(), 'LK', facts)).toBe('e-visa');
    expect(entryRoute(makeMember(), 'XX', facts)).toBe('visa');
  });
  it('uses a valid APEC card in an APEC economy, not in the US', () => {
    const m = makeMember({ apecCard: { expiresOn: '2028-01-01' } });
    expect(entryRoute(m, 'JP', facts)).toBe('apec-card');
    expect(entryRoute(m, 'US', facts)).toBe('visa');
    const expired = makeMember({ apecCard: { expiresOn: '2026-05-14' } });
    expect(entryRoute(expired, 'JP', facts)).toBe('visa');
  });
  it('honours the visa officer decision', () => {
    expect(entryRoute(makeMember({ routes: { JP: 'visa-free' } }), 'JP', facts)).toBe('visa-free');
  });
});

describe('deriveFacts', () => {
  it('summarises conditions of a case', () => {
    const facts = makeFacts({
      members: makeMembers(3, (i) => ({ partyMember: true, passport: i === 0 ? null : makeMember().passport })),
      destinations: [
        makeDestination(),
        makeDestination({ country: 'EG', city: 'Cairo' }),
        makeDestination({ country: 'AE', city: 'Dubai', transit: 'airside' }),
      ],
    });
    const d = deriveFacts(facts);
    expect(tripCountries(facts)).toEqual(['US', 'EG']);
    expect(d.countries).toEqual(['US', 'EG']);
    expect(d.newPassport).toEqual({ m1: true, m2: false, m3: false });
    expect(d.interviewRequired).toEqual({ US: true, EG: false });
    expect(d.legalizationRequired).toEqual({ US: false, EG: true });
    expect(d.partyBranch).toBe(true);
    expect(d.routes.m1).toEqual({ US: 'visa', EG: 'visa' });
  });
});

describe('canonicalIdentity (a leadership team as the rules compare it)', () => {
  it('trims, applies NFKC, collapses inner whitespace and case-folds: the trial’s variant is the same team', () => {
    expect(canonicalIdentity('City-Government ')).toBe('city-government');
    expect(canonicalIdentity('  City \t  Government ')).toBe('city government');
    expect(canonicalIdentity('ＣＩＴＹ－Ｇｏｖｅｒｎｍｅｎｔ')).toBe('city-government'); // full-width forms
    expect(canonicalIdentity('市政府\u3000领导班子')).toBe('市政府 领导班子'); // ideographic space
    expect(canonicalIdentity('city-government')).toBe('city-government');
  });
  it('makes two variants overlap in checkTripRules once canonical (the API canonicalizes before the rules run)', () => {
    const members = makeMembers(2).map((m, i) => ({
      ...m,
      leadershipTeam: canonicalIdentity(i === 0 ? 'city-government' : 'City-Government '),
    }));
    expect(checkTripRules(makeFacts({ members })).map((v) => v.code)).toContain('LEADERSHIP_TEAM_OVERLAP');
  });
});

describe('the trip history keys a person (historyKeys, historyKeyOf)', () => {
  it('keys a typed member by unit + the name as the registries compare it, and as written (trips recorded before)', () => {
    expect(historyKeys({ unit: 'u' }, { name: '陈十三' })).toEqual(['u:陈十三']);
    // Third trial: a space, traditional characters or a zero-width character made another person.
    for (const name of ['陈 十三', '陳十三', '陈\u200b十三'])
      expect(historyKeys({ unit: 'u' }, { name })).toEqual(['u:陈十三', `u:${name}`]);
    expect(historyKeys({ unit: 'u' }, { personId: 'P-1', name: '陳十三' })).toEqual(['P-1', 'u:陈十三', 'u:陳十三']);
  });

  it('keeps a recorded trip under the folded name; a person id as it is', () => {
    expect(historyKeyOf('u', 'u:陳 十三')).toBe('u:陈十三');
    expect(historyKeyOf('u', 'P-1')).toBe('P-1');
    expect(historyKeyOf('u', 'other:陳十三')).toBe('other:陳十三');
  });
});

describe("a person's name as the registries compare it (personNameKey) and hold it (personNameProblem)", () => {
  it('folds spaces, invisible characters, traditional characters, punctuation and symbols (fifth trial: 李四. escaped 李四)', () => {
    for (const written of ['李四', '李 四', '李\u200b四', '李四.', '李四·', '李-四', '李四_', '李四（）', ' 李四 ', '李四。'])
      expect([written, personNameKey(written)]).toEqual([written, '李四']);
    expect(personNameKey('張三')).toBe('张三');
    // A minority name with or without its middle dot, or another dot, is one person.
    expect(personNameKey('阿依古丽·买买提')).toBe(personNameKey('阿依古丽•买买提'));
    expect(personNameKey('阿依古丽·买买提')).toBe('阿依古丽买买提');
    expect(personNameKey('李四')).not.toBe(personNameKey('李五'));
  });
  it('a name needs some letter (fifth trial: a member named 12345 was accepted); punctuation is kept as written', () => {
    expect(personNameProblem('12345')).toEqual({ zh: '姓名须含文字', en: "Must contain letters: a person's name" });
    expect(personNameProblem('...')).toBeDefined();
    for (const ok of [
      '李四',
      '阿依古丽·买买提',
      'Zhang San',
      '李四.',
      "O'Brien",
      'Jean-Luc Picard',
      'J. R. Smith',
      'José Müller',
      '李\u200b四',
    ])
      expect([ok, personNameProblem(ok)]).toEqual([ok, undefined]);
  });
  it('a name is letters and the marks of names (trial 79: markup and SQL were registered as names)', () => {
    for (const bad of [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>王',
      "Robert'); DROP TABLE people;--",
      '王五@',
      '张三 (处长)',
    ])
      expect([bad, personNameProblem(bad)?.en]).toEqual([bad, expect.stringContaining('no symbols')]);
  });
});
