import { DataSource } from 'typeorm';
import { dataSourceOptions, formatDifference, rebuildReadModels, verifyReadModels, type ProjectionReport } from '@df/persistence';
import { ConfigError, loadConfig } from '@df/runtime';

export const USAGE = `usage: npm run projections:rebuild [-- --verify] [-- --batch-size=N]
  (no flag)     replace the read models (cases, case_steps, notifications, member_trips, case_attachments) by a fold of case_events, in one transaction
  --verify      compare a fold of case_events with the live read models and print every difference; change nothing
  --batch-size  streams folded per round trip (default 500)
exit codes: 0 done / no difference, 1 differences found (--verify), 2 usage, configuration or database error`;

export interface Output {
  log(line: string): void;
  error(line: string): void;
}

interface Args {
  verify: boolean;
  batchSize?: number;
}

function parseArgs(argv: string[]): Args | string {
  const args: Args = { verify: false };
  for (const arg of argv) {
    if (arg === '--verify') args.verify = true;
    else if (/^--batch-size=\d+$/.test(arg) && Number(arg.split('=')[1]) > 0) args.batchSize = Number(arg.split('=')[1]);
    else return `unknown argument ${arg}`;
  }
  return args;
}

const counts = (r: ProjectionReport) =>
  Object.entries(r.rows)
    .map(([table, n]) => `${table} ${n}`)
    .join(', ');

/**
 * `npm run projections:rebuild [-- --verify]`: folds every stream of case_events with the live
 * projection's reducer (libs/persistence/src/projection.ts). Returns the exit code.
 */
export async function runProjectionsCommand(argv: string[], env: NodeJS.ProcessEnv, out: Output): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    out.error(`projections: ${args}\n${USAGE}`);
    return 2;
  }
  let url: string;
  try {
    url = loadConfig(env, ['DATABASE_URL']).databaseUrl as string;
  } catch (err) {
    out.error(`projections: ${err instanceof ConfigError ? err.message : String(err)}`);
    return 2;
  }
  const ds = new DataSource(dataSourceOptions(url, { max: 2, applicationName: 'delegation-flow-projections' }));
  try {
    await ds.initialize();
    const options = args.batchSize ? { batchSize: args.batchSize } : {};
    if (!args.verify) {
      const r = await rebuildReadModels(ds, options);
      out.log(`projections: rebuilt from ${r.events} events in ${r.streams} streams in ${r.durationMs} ms: ${counts(r)}`);
      return 0;
    }
    const r = await verifyReadModels(ds, options);
    for (const d of r.differences) out.log(`DIFF ${formatDifference(d)}`);
    if (r.differenceCount > r.differences.length) out.log(`... and ${r.differenceCount - r.differences.length} more`);
    out.log(
      `projections: verified ${r.streams} streams (${r.events} events; ${counts(r)}) in ${r.durationMs} ms: ` +
        (r.differenceCount === 0 ? 'the read models equal the event store' : `${r.differenceCount} difference(s)`),
    );
    return r.differenceCount === 0 ? 0 : 1;
  } catch (err) {
    out.error(`projections: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  } finally {
    if (ds.isInitialized) await ds.destroy();
  }
}
