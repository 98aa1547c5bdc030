import { loggedPath } from './http-middleware';

describe('loggedPath: the request path the access log writes', () => {
  it('writes personal path parameters by their template name (new-user trial: person ids logged in clear)', () => {
    expect(loggedPath('/api/registries/people/P-commerce-001', '/api/registries/people/:personId')).toBe(
      '/api/registries/people/:personId',
    );
    expect(loggedPath('/api/registries/passports/SE1234567/transitions?x=1', '/api/registries/passports/:number/transitions')).toBe(
      '/api/registries/passports/:number/transitions',
    );
  });

  it('keeps the other parameters (case ids, step keys) and a path no route matched', () => {
    expect(loggedPath('/api/delegations/abc/steps/A05/complete', '/api/delegations/:id/steps/:stepKey/complete')).toBe(
      '/api/delegations/abc/steps/A05/complete',
    );
    expect(loggedPath('/api/nope?q=1', 'unmatched')).toBe('/api/nope');
  });

  it('bounds a long path', () => {
    const out = loggedPath(`/api/delegations/${'k'.repeat(16_000)}`, 'unmatched');
    expect(out).toHaveLength(513);
    expect(out.endsWith('…')).toBe(true);
  });
});
