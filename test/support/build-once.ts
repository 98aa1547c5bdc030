import { execFileSync } from 'node:child_process';
import { projectRoot } from '../../libs/runtime/src/project-root';

/**
 * Global setup of the faults project: the fault tests run the built launcher (dist/), as `npm start`
 * does, so the tree is built once per run (about 40 s). The Temporal CLI must be there (`npm run tools`).
 */
export default function buildOnce(): void {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: projectRoot(), stdio: 'inherit' });
}
