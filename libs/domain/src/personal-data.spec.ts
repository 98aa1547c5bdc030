import fc from 'fast-check';
import {
  maskPersonalValue,
  mayEverSeeInClear,
  normaliseKey,
  PERSONAL_DATA,
  PERSONAL_DATA_CLASSES,
  PERSONAL_NUMBER_GATE,
  personalClassOfKey,
  personalClassOfTaggedKey,
  personalContainerOfKey,
  seesInClear,
} from './personal-data';
import { ROLES } from './roles';

describe('the personal-data classification', () => {
  it('names each key and container once, normalised, and grants only real roles', () => {
    const keys = PERSONAL_DATA_CLASSES.flatMap((c) => [...PERSONAL_DATA[c].keys, ...PERSONAL_DATA[c].containers]);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
    for (const k of keys) expect(normaliseKey(k)).toBe(k);
    for (const c of PERSONAL_DATA_CLASSES) for (const g of PERSONAL_DATA[c].clearFor) expect(ROLES).toContain(g.role);
  });

  it('recognises the Member facts and their spellings', () => {
    expect(personalClassOfKey('personId')).toBe('person-id');
    expect(personalClassOfKey('person_id')).toBe('person-id');
    expect(personalClassOfKey('partyMember')).toBe('party-membership');
    expect(personalClassOfKey('classifiedAccess')).toBe('classified-access');
    expect(personalClassOfKey('PassportNumber')).toBe('passport-number');
    expect(personalClassOfKey('date_of_birth')).toBe('date-of-birth');
    expect(personalClassOfKey('ID-Number')).toBe('national-id');
    expect(personalContainerOfKey('passport')).toBe('passport-number');
    expect(personalContainerOfKey('apecCard')).toBe('apec-card-number');
    // K06's step data names the card office's number `cardNumber`.
    expect(personalClassOfKey('cardNumber')).toBe('apec-card-number');
    // Aggregates and derived flags are not a member's personal data.
    for (const k of ['partyMembers', 'partyBranch', 'newPassport', 'name', 'unit', 'number']) expect(personalClassOfKey(k)).toBeUndefined();
  });

  it("names a passport's record by its number (C05's new passport: number, issuedOn, expiresOn), and an audit entry's key by its entity", () => {
    const record = { number: 'EN123456789', issuedOn: '2026-11-02', expiresOn: '2036-11-01' };
    expect(personalClassOfTaggedKey('number', record)).toBe('passport-number');
    expect(personalClassOfTaggedKey('issuedOn', record)).toBeUndefined();
    // A number without the passport's dates (a count, a document number) is not one.
    expect(personalClassOfTaggedKey('number', { number: 3, issuedOn: '2026-11-02' })).toBeUndefined();
    expect(personalClassOfTaggedKey('entityKey', { entity: 'passport', entityKey: 'SE1234567' })).toBe('passport-number');
    expect(personalClassOfTaggedKey('entityKey', { entity: 'unit', entityKey: 'commerce' })).toBeUndefined();
  });

  it('grants passport numbers to the officers anywhere, sensitive facts to personnel and secrecy of the own unit only', () => {
    expect(seesInClear('passport-number', { role: 'visa-officer', unit: 'fao' }, 'commerce')).toBe(true);
    expect(seesInClear('passport-number', { role: 'organizer', unit: 'commerce' }, 'commerce')).toBe(false);
    expect(seesInClear('party-membership', { role: 'personnel', unit: 'commerce' }, 'commerce')).toBe(true);
    expect(seesInClear('party-membership', { role: 'personnel', unit: 'commerce' }, 'culture')).toBe(false);
    expect(seesInClear('party-membership', { role: 'personnel', unit: 'commerce' }, undefined)).toBe(false);
    expect(seesInClear('classified-access', { role: 'secrecy', unit: 'commerce' }, 'commerce')).toBe(true);
    expect(seesInClear('national-id', { role: 'secrecy', unit: 'commerce' }, 'commerce')).toBe(false);
    expect(mayEverSeeInClear('person-id', 'personnel')).toBe(true);
    expect(mayEverSeeInClear('person-id', 'manager')).toBe(false);
  });

  it('masks by the style of the class', () => {
    expect(maskPersonalValue('passport-number', 'SE1234567')).toBe('SE****567');
    expect(maskPersonalValue('passport-number', 12345678)).toBe('12***678');
    expect(maskPersonalValue('national-id', '11010519491231002X')).toBe('11**************2X');
    expect(maskPersonalValue('date-of-birth', '1949-12-31')).toBe('****-**-**');
    expect(maskPersonalValue('person-id', 'staff-0042')).toBe('********42');
    expect(maskPersonalValue('person-id', 'ab')).toBe('**');
    expect(maskPersonalValue('party-membership', true)).toBeNull();
    expect(maskPersonalValue('classified-access', false)).toBeNull();
  });
});

describe('PERSONAL_NUMBER_GATE (masking skips strings without it)', () => {
  const patterns = PERSONAL_DATA_CLASSES.flatMap((cls) => PERSONAL_DATA[cls].patterns);
  const matches = (text: string) => patterns.some((re) => text.replace(re, '\u0000') !== text);

  it('every string a pattern matches passes the gate: the shapes of every class, in text', () => {
    const samples = [
      'E12345678',
      'EA1234567',
      'SE 1234567',
      'g1234567',
      '110105196107150031',
      '11010519610715003X',
      '110105610715003',
      '110105 19610715 003X',
      '110105-19610715-003x',
    ];
    for (const sample of samples) {
      for (const text of [sample, `护照号${sample}，请核对`, `(${sample})`]) {
        expect(matches(text)).toBe(true);
        expect(PERSONAL_NUMBER_GATE.test(text)).toBe(true);
      }
    }
  });

  it('no pattern matches a string without six digits in a row (fast-check: letters, digits, spaces, hyphens, X)', () => {
    const text = fc
      .string({ unit: fc.constantFrom(...'0123456789ABEGPSXaegpx -'), maxLength: 40 })
      .filter((t) => !PERSONAL_NUMBER_GATE.test(t));
    fc.assert(
      fc.property(text, (t) => !matches(t)),
      { numRuns: 20_000 },
    );
  });
});
