import { JsonLogger } from './json-logger';
import { maskAllPersonalData, maskFor, maskForViewer, maskFreeText, maskPassportNumber, maskPassports } from './masking';
import { fieldPath } from './validation';

describe('passport masking', () => {
  it('keeps the first two and last three characters', () => {
    expect(maskPassportNumber('SE1234567')).toBe('SE****567');
    expect(maskPassportNumber('E12345')).toBe('E1*345');
    expect(maskPassportNumber('ABC')).toBe('***');
  });

  it('masks every passport number deep in facts, events and amendments, without touching the input', () => {
    const facts = {
      members: [
        { id: 'm1', passport: { inCustody: true, number: 'SE1234567' } },
        { id: 'm2', passport: null },
      ],
      other: { number: '12345678' },
    };
    const payload = { changes: { members: facts.members }, passportNumber: 'P7654321' };
    expect(maskPassports(facts)).toEqual({
      members: [
        { id: 'm1', passport: { inCustody: true, number: 'SE****567' } },
        { id: 'm2', passport: null },
      ],
      other: { number: '12345678' },
    });
    expect(maskPassports(payload).passportNumber).toBe('P7***321');
    expect(facts.members[0]!.passport!.number).toBe('SE1234567');
  });

  it('shows them in full to passport and visa officers only', () => {
    const v = { passport: { number: 'SE1234567' } };
    expect(maskFor('passport-officer', v).passport.number).toBe('SE1234567');
    expect(maskFor('visa-officer', v).passport.number).toBe('SE1234567');
    for (const role of ['organizer', 'fao-clerk', 'manager', 'leader']) expect(maskFor(role, v).passport.number).toBe('SE****567');
  });

  it('masks them in the structured logs too', () => {
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      new JsonLogger().event('log', 'facts', { facts: { members: [{ passport: { number: 'SE1234567' } }] } });
      const line = String(write.mock.calls[0]![0]);
      expect(JSON.parse(line)).toMatchObject({ level: 'info', msg: 'facts', service: 'api' });
      expect(line).toContain('SE****567');
      expect(line).not.toContain('SE1234567');
    } finally {
      write.mockRestore();
    }
  });
});

const ID_18 = '11010519491231002X';
const ID_15 = '110105491231002';

/** A case as the API returns it, with personal values in every place they may sit. */
const seeded = () => ({
  caseId: 'c1',
  unit: 'commerce',
  facts: {
    unit: 'commerce',
    members: [
      {
        id: 'm1',
        personId: 'staff-0042',
        name: '张三',
        partyMember: true,
        classifiedAccess: false,
        passport: { inCustody: true, number: 'SE1234567', expiresOn: '2031-06-30' },
        apecCard: { number: 'A7654321', expiresOn: '2029-01-01', economies: ['US'] },
      },
    ],
  },
  derived: { partyMembers: 1, newPassport: { m1: false } },
  steps: [
    {
      key: 'P01:m1',
      data: {
        passport: ['PE7654321', 'SE7654321'],
        passports: [{ number: 'DE1111111' }],
        idNumber: ID_18,
        dateOfBirth: '1949-12-31',
        birthdate: { year: 1949 },
      },
      comment: `护照 E12345678，身份证 ${ID_18}，旧证 ${ID_15}`,
    },
  ],
  objections: [{ text: `张三（身份证${ID_18}）本年度已出访`, by: 'unit-leader.commerce' }],
});

describe('masking by the personal-data classification', () => {
  const leaks = (v: unknown) => {
    const s = JSON.stringify(v);
    return [
      'SE1234567',
      'A7654321',
      'staff-0042',
      'PE7654321',
      'SE7654321',
      'DE1111111',
      ID_18,
      ID_15,
      'E12345678',
      '1949-12-31',
      '1949',
    ].filter((x) => s.includes(x));
  };

  it('masks every class, wherever it sits, for a role that needs none (the handed inputs: apecCard.number, personId, step data, comments, a passport array)', () => {
    const out = maskForViewer({ role: 'fao-reviewer', unit: 'fao' }, seeded());
    expect(leaks(out)).toEqual([]);
    const m = out.facts.members[0]!;
    expect(m.passport.number).toBe('SE****567');
    expect(m.apecCard.number).toBe('A7***321');
    expect(m.personId).toBe('********42');
    expect(m.partyMember).toBeNull();
    expect(m.classifiedAccess).toBeNull();
    expect(m.name).toBe('张三');
    expect(m.apecCard.economies).toEqual(['US']);
    expect(out.steps[0]!.data.passport).toEqual(['PE****321', 'SE****321']);
    expect(out.steps[0]!.data.idNumber).toBe('11**************2X');
    expect(out.steps[0]!.data.dateOfBirth).toBe('****-**-**');
    expect(out.steps[0]!.comment).toBe('护照 E1****678，身份证 11**************2X，旧证 11***********02');
    // Aggregates and non-personal flags stay.
    expect(out.derived).toEqual({ partyMembers: 1, newPassport: { m1: false } });
    expect(out.caseId).toBe('c1');
  });

  it('shows passport and APEC numbers to the passport and visa officers, ID numbers to the passport officer', () => {
    const p = maskForViewer({ role: 'passport-officer', unit: 'fao' }, seeded());
    expect(p.facts.members[0]!.passport.number).toBe('SE1234567');
    expect(p.facts.members[0]!.apecCard.number).toBe('A7654321');
    expect(p.steps[0]!.comment).toBe(`护照 E12345678，身份证 ${ID_18}，旧证 ${ID_15}`);
    expect(p.facts.members[0]!.partyMember).toBeNull();
    expect(p.facts.members[0]!.personId).toBe('staff-0042');
    const v = maskForViewer({ role: 'visa-officer', unit: 'fao' }, seeded());
    expect(v.steps[0]!.data.passport).toEqual(['PE7654321', 'SE7654321']);
    expect(v.steps[0]!.data.idNumber).toBe('11**************2X');
    expect(v.steps[0]!.data.dateOfBirth).toBe('1949-12-31');
  });

  it("shows personnel and secrecy their own unit's members' sensitive facts, and nothing of another unit's", () => {
    const own = maskForViewer({ role: 'personnel', unit: 'commerce' }, seeded());
    expect(own.facts.members[0]).toMatchObject({
      personId: 'staff-0042',
      partyMember: true,
      classifiedAccess: false,
      passport: { number: 'SE****567' },
    });
    expect(own.steps[0]!.data.idNumber).toBe(ID_18);
    const secrecy = maskForViewer({ role: 'secrecy', unit: 'commerce' }, seeded());
    expect(secrecy.facts.members[0]).toMatchObject({ personId: 'staff-0042', classifiedAccess: false });
    expect(secrecy.steps[0]!.data.idNumber).toBe('11**************2X');
    const other = maskForViewer({ role: 'personnel', unit: 'culture' }, seeded());
    expect(leaks(other)).toEqual([]);
    // A value outside any object with a unit: the unit given by the caller (the case's), else masked.
    expect(maskForViewer({ role: 'personnel', unit: 'commerce' }, { payload: { personId: 'p-77' } }, 'commerce').payload.personId).toBe(
      'p-77',
    );
    expect(maskForViewer({ role: 'personnel', unit: 'commerce' }, { payload: { personId: 'p-77' } }).payload.personId).toBe('**77');
  });

  it('masks keys in any spelling, numbers as well as strings, and is idempotent', () => {
    const v = { passport_number: 'SE1234567', PassportNo: 12345678, data: { apec_card: '87654321', id_card_number: 110105194912 } };
    const once = maskAllPersonalData(v);
    expect(once).toEqual({
      passport_number: 'SE****567',
      PassportNo: '12***678',
      data: { apec_card: '87***321', id_card_number: expect.stringMatching(/^11\*+\d\d$/) },
    });
    expect(maskAllPersonalData(once)).toEqual(once);
  });

  it('finds ID and passport shapes in free text, not in ids, step keys, dates or amounts', () => {
    expect(maskFreeText(`ID:${ID_18}.`)).toBe('ID:11**************2X.');
    expect(maskFreeText('身份证号11010519491231002x')).toBe('身份证号11**************2x');
    expect(maskFreeText('身份证 110105 19491231 002X，110105-19491231-0021')).toBe('身份证 11****************2X，11****************21');
    expect(maskFreeText('护照 se1234567 / SE 1234567 / e12345678')).toBe('护照 se****567 / SE*****567 / e1****678');
    const untouched = [
      'D13:m1:US',
      '5f0c6a8e-2b7d-4c1e-9a57-3c4d2e1f0a9b',
      '2027-03-15T01:00:00.000Z',
      '120000000',
      'files/2027/report-42.pdf',
      'B07',
      '1234567890123456789',
    ];
    for (const s of untouched) expect(maskFreeText(s)).toBe(s);
    // Lower-case hex groups of UUIDs that look like a passport number are ids, not passports.
    // (b3391084…: a renewal refusal's case id, masked when the message named only its first 8 characters.)
    for (const s of [
      'e1234567-2b7d-4c1e-9a57-3c4d2e1f0a9b',
      'delegation-e1234567-2b7d-4c1e-9a57-3c4d2e1f0a9b',
      '该卡已有办理中的续办申请（b3391084-a3e5-49f9-a2e8-cfadcb0ab2fa）',
    ])
      expect(maskFreeText(s)).toBe(s);
  });

  it('masks typed values used as keys and ID numbers sent as JSON numbers', () => {
    expect(maskAllPersonalData({ data: { SE1234567: true, n: 110105491231002, small: 42 } })).toEqual({
      data: { 'SE****567': true, n: '11***********02', small: 42 },
    });
    // A token is opaque, even when a passport shape sits between its base64url characters.
    expect(maskAllPersonalData({ accessToken: 'eyJ.x_SE1234567_y', comment: 'x_SE1234567_y' })).toEqual({
      accessToken: 'eyJ.x_SE1234567_y',
      comment: 'x_SE****567_y',
    });
    // A container key holding a count or a label is not a number of its class.
    expect(maskAllPersonalData({ byPhase: { passport: 3 }, phases: { passport: '护照办理' }, passport: ['SE1234567', 'x'] })).toEqual({
      byPhase: { passport: 3 },
      phases: { passport: '护照办理' },
      passport: ['SE****567', 'x'],
    });
  });

  it('trusts the case unit of a route over a unit typed inside the value', () => {
    const typed = { unit: 'culture', payload: { unit: 'commerce', personId: 'p-77' } };
    expect(maskForViewer({ role: 'personnel', unit: 'commerce' }, typed, 'culture').payload.personId).toBe('**77');
    expect(maskForViewer({ role: 'personnel', unit: 'commerce' }, typed).payload.personId).toBe('p-77');
  });

  it("maskFor (the services' first pass) masks only what the role never sees, leaving own-unit classes to the interceptor", () => {
    const out = maskFor('personnel', seeded());
    expect(out.facts.members[0]).toMatchObject({
      personId: 'staff-0042',
      partyMember: true,
      passport: { number: 'SE****567' },
      apecCard: { number: 'A7***321' },
    });
  });
});

describe('field paths', () => {
  it('prints zod paths as JSON paths', () => {
    expect(fieldPath(['members', 0, 'passport', 'number'])).toBe('members[0].passport.number');
    expect(fieldPath([])).toBe('(body)');
  });
});
