import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root: the nearest folder above this file whose package.json is ours (works from src and dist). */
export function projectRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'delegation-flow') {
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`delegation-flow package.json not found above ${from}`);
    dir = parent;
  }
}
