import { JsonLogger } from './json-logger';
import { maskFor, maskPassportNumber, maskPassports } from './masking';
import { fieldPath } from './validation';

describe('passport masking', () => {
  it('keeps the first two and last three characters', () => {
    expect(maskPassportNumber('SE1234567')).toBe('SE****567');
    expect(maskPassportNumber('E12345')).toBe('E1*345');
    expect(maskPassportNumber('ABC')).toBe('***');
  });

  it('masks every passport number deep in facts, events and amendments, without touching the input', () => {
    const facts = { members: [{ id: 'm1', passport: { inCustody: true, number: 'SE1234567' } }, { id: 'm2', passport: null }], other: { number: '12345678' } };
    const payload = { changes: { members: facts.members }, passportNumber: 'P7654321' };
    expect(maskPassports(facts)).toEqual({ members: [{ id: 'm1', passport: { inCustody: true, number: 'SE****567' } }, { id: 'm2', passport: null }], other: { number: '12345678' } });
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

describe('field paths', () => {
  it('prints zod paths as JSON paths', () => {
    expect(fieldPath(['members', 0, 'passport', 'number'])).toBe('members[0].passport.number');
    expect(fieldPath([])).toBe('(body)');
  });
});
