import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, requireApiSecrets } from '@df/runtime';
import { JWT_SECRET_FILE, resolveJwtSecret } from './jwt-secret';
import { demoUsers } from './users.service';

const problemsOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.join('\n');
  }
  throw new Error('expected a ConfigError');
};

describe('API configuration', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'df-auth-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('defaults: development, 8 h tokens, demo password "demo", seeding on, listening on loopback only', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ jwtTtlSeconds: 28800, demoPassword: 'demo', seedDemoUsers: true, nodeEnv: 'development', host: '127.0.0.1' });
    expect(c.jwtSecret).toBeUndefined();
    expect(loadConfig({ NODE_ENV: 'test' }).host).toBe('127.0.0.1');
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).host).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
  });

  it('API_HTTPS: off unless set (plain HTTP works on any host), a boolean word, validated with the rest', () => {
    expect(loadConfig({}).apiHttps).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).apiHttps).toBe(false);
    expect(loadConfig({ API_HTTPS: 'true' }).apiHttps).toBe(true);
    expect(loadConfig({ API_HTTPS: 'no' }).apiHttps).toBe(false);
    expect(loadConfig({ API_HTTPS: '' }).apiHttps).toBe(false);
    expect(problemsOf(() => loadConfig({ API_HTTPS: 'https' }))).toBe('API_HTTPS: must be true or false (got "https")');
  });

  it('without JWT_SECRET, generates a random 256-bit secret on first start, keeps it in DATA_DIR (0600) and reuses it', () => {
    const c = loadConfig({ DATA_DIR: dir });
    const first = resolveJwtSecret(c);
    expect(first).toMatchObject({ source: 'generated', path: join(dir, JWT_SECRET_FILE) });
    expect(first.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(first.path!).mode & 0o777).toBe(0o600);
    expect(resolveJwtSecret(c)).toEqual({ ...first, source: 'file' });
    // Another data folder: another secret (nothing derived from the path).
    const otherDir = mkdtempSync(join(tmpdir(), 'df-auth-config-'));
    try {
      expect(resolveJwtSecret(loadConfig({ DATA_DIR: otherDir })).secret).not.toBe(first.secret);
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
    }
  });

  it('tightens a secret file readable by others to 0600, refuses a short one, and prefers JWT_SECRET', () => {
    const path = join(dir, JWT_SECRET_FILE);
    writeFileSync(path, 'a'.repeat(64));
    chmodSync(path, 0o644);
    expect(resolveJwtSecret(loadConfig({ DATA_DIR: dir })).secret).toBe('a'.repeat(64));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    writeFileSync(path, 'short');
    expect(problemsOf(() => resolveJwtSecret(loadConfig({ DATA_DIR: dir })))).toMatch(/shorter than 32/);
    expect(resolveJwtSecret(loadConfig({ DATA_DIR: dir, JWT_SECRET: 'e'.repeat(40) }))).toEqual({ secret: 'e'.repeat(40), source: 'env' });
    expect(readFileSync(path, 'utf8')).toBe('short');
  });

  it('production requires JWT_SECRET, never seeds demo users and refuses SEED_DEMO_USERS=true', () => {
    const production = loadConfig({ NODE_ENV: 'production', DATA_DIR: dir });
    expect(() => requireApiSecrets(production)).toThrow(/JWT_SECRET: is required when NODE_ENV=production/);
    expect(() => resolveJwtSecret(production)).toThrow(/JWT_SECRET: is required when NODE_ENV=production/);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).seedDemoUsers).toBe(false);
    expect(problemsOf(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), SEED_DEMO_USERS: 'true' }))).toMatch(
      /^SEED_DEMO_USERS: demo users .* never seeded when NODE_ENV=production/m,
    );
    expect(loadConfig({ NODE_ENV: 'test' }).seedDemoUsers).toBe(true);
    expect(loadConfig({ NODE_ENV: 'development', SEED_DEMO_USERS: 'false' }).seedDemoUsers).toBe(false);
  });

  it.each(['Production', 'prod', 'staging', 'PRODUCTION', 'dev', ' production-like'])('refuses to start with NODE_ENV=%j', (value) => {
    expect(problemsOf(() => loadConfig({ NODE_ENV: value, JWT_SECRET: 'x'.repeat(32) }))).toMatch(
      /^NODE_ENV: must be one of development, test, production/m,
    );
  });

  it('names bad values, never echoing a secret; token lifetime at most 24 h', () => {
    const problems = problemsOf(() => loadConfig({ JWT_SECRET: 'short', JWT_TTL_SECONDS: '5', SEED_DEMO_USERS: 'maybe' }));
    expect(problems).toMatch(/^JWT_SECRET: must be at least 32 characters \(got \(hidden\)\)/m);
    expect(problems).not.toContain('short');
    expect(problems).toMatch(/^JWT_TTL_SECONDS: /m);
    expect(problems).toMatch(/^SEED_DEMO_USERS: must be true or false/m);
    expect(problemsOf(() => loadConfig({ JWT_TTL_SECONDS: String(24 * 3600 + 1) }))).toMatch(/^JWT_TTL_SECONDS: /m);
    expect(loadConfig({ JWT_TTL_SECONDS: String(24 * 3600) }).jwtTtlSeconds).toBe(86400);
  });

  it('sign-in limits: defaults and bounds', () => {
    expect(loadConfig({})).toMatchObject({
      loginMaxFailuresPerAccountAddress: 5,
      loginMaxFailuresPerAccount: 100,
      loginMaxFailuresPerAddress: 50,
      loginLockoutSeconds: 900,
    });
    const problems = problemsOf(() =>
      loadConfig({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '0', LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS: '0', LOGIN_LOCKOUT_SECONDS: 'x' }),
    );
    expect(problems).toMatch(/^LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS: /m);
    expect(problems).toMatch(/^LOGIN_MAX_FAILURES_PER_ACCOUNT: /m);
    expect(problems).toMatch(/^LOGIN_LOCKOUT_SECONDS: /m);
  });

  it("names each demo user as a person, each differently (trial 82: pages named who acted by account; a role-and-unit name repeats the header's grant)", () => {
    const names = demoUsers().map((u) => u.displayName);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^\p{Script=Han}{2,3}$/u);
    expect(demoUsers().find((u) => u.username === 'fao-director.fao')?.displayName).toBe('林芳');
  });

  it('lists 22 demo users: <role>.<unit> (the admin is admin.fao)', () => {
    const users = demoUsers().map((u) => u.username);
    expect(users).toHaveLength(22);
    expect(users).toEqual(
      expect.arrayContaining([
        'organizer.commerce',
        'finance.education',
        'fao-director.fao',
        'passport-officer.fao',
        'manager.fao',
        'leader.city',
        'admin.fao',
        'enterprise-clerk.trading',
        'apec-desk.fao',
      ]),
    );
  });
});
