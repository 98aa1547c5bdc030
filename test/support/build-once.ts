import { execFileSync } from 'node:child_process';
import { projectRoot } from '../../libs/runtime/src/project-root';

/**
 * Global setup of the faults project: the fault tests run the built launcher (dist/), as `npm start`
 * does, so the tree is built once per run (about 40 s). The Temporal CLI must be there (`npm run tools`).
 */
export default function buildOnce(): void {
  // The build `npm start` ships: jest's NODE_ENV=test would make Vite bundle React's development build (over the
  // web's bundle budget, docs/web.md), as test/browser/support.ts also avoids.
  execFileSync('npm', ['run', '--silent', 'build'], {
    cwd: projectRoot(),
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
}
