import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { RANDOM_BIRTH_YEARS } from './factories';

/** Every .ts file under `dir`, recursively. */
function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('uniqueBirthDate keeps clear of the dates tests write by hand', () => {
  it('no quoted date in a test falls in the years random birth dates are drawn from (a fixed 李四 met a random one)', () => {
    const root = join(__dirname, '..');
    const inRange = tsFiles(root).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/'(\d{4})-\d{2}-\d{2}'/g)]
        .filter((m) => Number(m[1]) >= RANDOM_BIRTH_YEARS.from && Number(m[1]) <= RANDOM_BIRTH_YEARS.to)
        .map((m) => `${relative(root, file)}: ${m[0]}`),
    );
    expect(inRange).toEqual([]);
  });

  it('draws from ages a roster takes (16 to 100) and before every hand-written date (1960 on)', () => {
    const year = new Date().getUTCFullYear();
    expect(year - RANDOM_BIRTH_YEARS.from).toBeLessThan(100);
    expect(RANDOM_BIRTH_YEARS.to).toBeLessThan(1960);
    expect(RANDOM_BIRTH_YEARS.to - RANDOM_BIRTH_YEARS.from).toBeGreaterThanOrEqual(20);
  });
});
