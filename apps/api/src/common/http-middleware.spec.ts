import { loggedPath } from './http-middleware';

const CASE = '0b6c3a52-6f0e-4d8e-9a51-2f4b8f1c7d10';

describe('loggedPath: the request path a log line writes (no raw parameter or query value)', () => {
  it('writes a path parameter by its template name (new-user trial: person ids logged in clear; F-k: card numbers)', () => {
    expect(loggedPath('/api/registries/people/P-commerce-001', '/api/registries/people/:personId')).toBe(
      '/api/registries/people/:personId',
    );
    expect(loggedPath('/api/registries/passports/SE1234567/transitions?x=1', '/api/registries/passports/:number/transitions')).toBe(
      '/api/registries/passports/:number/transitions?x=*',
    );
    // The handed paths: an APEC card number (no fixed shape) on a route whose parameter is not "personal" by name.
    expect(loggedPath('/api/delegations/CARD0002X', '/api/delegations/:id')).toBe('/api/delegations/:id');
    expect(loggedPath('/api/delegations/A1B2C3D4E5', '/api/delegations/:id')).toBe('/api/delegations/:id');
    expect(loggedPath('/api/apec/cards/CARD0002X/status', '/api/apec/cards/:number/status')).toBe('/api/apec/cards/:number/status');
    expect(loggedPath('/api/registries/units/commerce', '/api/registries/units/:code')).toBe('/api/registries/units/:code');
  });

  it('keeps parameter values of a harmless shape: UUIDs, step keys, years', () => {
    expect(loggedPath(`/api/delegations/${CASE}/steps/A05/complete`, '/api/delegations/:id/steps/:stepKey/complete')).toBe(
      `/api/delegations/${CASE}/steps/A05/complete`,
    );
    expect(loggedPath(`/api/delegations/${CASE}/steps/A03:US/complete`, '/api/delegations/:id/steps/:stepKey/complete')).toBe(
      `/api/delegations/${CASE}/steps/A03:US/complete`,
    );
    expect(loggedPath('/api/registries/calendars/2027', '/api/registries/calendars/:year')).toBe('/api/registries/calendars/2027');
  });

  it('on a path no route matched, masks every segment carrying a digit that is not a UUID', () => {
    // The handed paths (404s): GET on the cards route exists only for POST .../status.
    expect(loggedPath('/api/apec/cards/CARD0002X', 'unmatched')).toBe('/api/apec/cards/*');
    expect(loggedPath('/api/nothing/CARD0002X', 'unmatched')).toBe('/api/nothing/*');
    expect(loggedPath('/api/nothing/A1B2C3D4E5', 'unmatched')).toBe('/api/nothing/*');
    expect(loggedPath('/api/nothing/SE1234567', 'unmatched')).toBe('/api/nothing/*');
    expect(loggedPath(`/api/delegations/${CASE}/nope`, 'unmatched')).toBe(`/api/delegations/${CASE}/nope`);
    expect(loggedPath('/api/nope', 'unmatched')).toBe('/api/nope');
  });

  it('masks every query value, and a query key carrying a digit', () => {
    expect(loggedPath('/api/nope?q=1', 'unmatched')).toBe('/api/nope?q=*');
    expect(loggedPath('/api/apec/cards?number=CARD0002X&page=2', '/api/apec/cards')).toBe('/api/apec/cards?number=*&page=*');
    expect(loggedPath('/api/apec/cards?CARD0002X&flag', '/api/apec/cards')).toBe('/api/apec/cards?*&flag');
    expect(loggedPath('/api/delegations?', '/api/delegations')).toBe('/api/delegations');
  });

  it('no handed number is left anywhere in the line', () => {
    for (const [url, route] of [
      ['/api/apec/cards/CARD0002X', 'unmatched'],
      ['/api/delegations/CARD0002X', '/api/delegations/:id'],
      ['/api/nothing/CARD0002X', 'unmatched'],
      ['/api/delegations/A1B2C3D4E5/timeline?x=CARD0002X', '/api/delegations/:id/timeline'],
    ] as const)
      expect(loggedPath(url, route)).not.toMatch(/CARD0002X|A1B2C3D4E5/);
  });

  it('bounds a long path', () => {
    const out = loggedPath(`/api/delegations/${'k'.repeat(16_000)}`, 'unmatched');
    expect(out).toHaveLength(513);
    expect(out.endsWith('…')).toBe(true);
  });
});
