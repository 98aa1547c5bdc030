import { ConfigError, loadConfig, requireApiSecrets } from '@df/runtime';
import { jwtSecretOf } from './auth.service';
import { demoUsers } from './users.service';

describe('API configuration', () => {
  it('defaults: 8 h tokens, demo password "demo", seeding on, a stable derived dev secret', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ jwtTtlSeconds: 28800, demoPassword: 'demo', seedDemoUsers: true, nodeEnv: 'development' });
    expect(c.jwtSecret).toBeUndefined();
    const a = jwtSecretOf({ ...c, databaseUrl: 'postgres://x', temporalAddress: 'x:1' });
    const b = jwtSecretOf({ ...loadConfig({}), databaseUrl: 'postgres://x', temporalAddress: 'x:1' });
    expect(a).toEqual(b);
    expect(a.derived).toBe(true);
  });

  it('the API requires JWT_SECRET in production (the worker and migrations do not) and seeding is off there by default', () => {
    const production = loadConfig({ NODE_ENV: 'production' });
    expect(() => requireApiSecrets(production)).toThrow(/JWT_SECRET: is required when NODE_ENV=production/);
    const c = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) });
    expect(c.seedDemoUsers).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), SEED_DEMO_USERS: 'true' }).seedDemoUsers).toBe(true);
  });

  it('names bad values', () => {
    try {
      loadConfig({ JWT_SECRET: 'short', JWT_TTL_SECONDS: '5', SEED_DEMO_USERS: 'maybe' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toMatch(/^JWT_SECRET: must be at least 32 characters \(got \(hidden\)\)/m);
      expect(problems).not.toContain('short');
      expect(problems).toMatch(/^JWT_TTL_SECONDS: /m);
      expect(problems).toMatch(/^SEED_DEMO_USERS: must be true or false/m);
    }
  });

  it('lists 19 demo users: <role>.<unit>', () => {
    const users = demoUsers().map((u) => u.username);
    expect(users).toHaveLength(19);
    expect(users).toEqual(expect.arrayContaining(['organizer.commerce', 'finance.education', 'fao-director.fao', 'passport-officer.fao', 'manager.fao', 'leader.city']));
  });
});
