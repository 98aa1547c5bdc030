// The office's admin CLI (issue 14): `npm run admin -- <command>`. Works on DATABASE_URL directly (no API needed).
//   calendar import <file.json|file.ics> [--year YYYY] [--source TEXT]   load a year's holiday schedule
//   calendar list                                                           years loaded by the office
//   incidents list [--all]                                                  cases stopped by an incident (issue 12)
//   incidents retry <caseId>                                                retry what failed, once the cause is fixed
//   users create-admin <username> [--password-stdin] [--unit CODE] [--name TEXT] [--force]
//                                                                           the first administrator of a fresh database
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { userInfo } from 'node:os';
import { Client, Connection, WorkflowUpdateFailedError } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { delegationWorkflowId, retryIncidentUpdate } from '@df/contracts';
import { scheduleImportProblems, shanghaiDate } from '@df/domain';
import { dataSourceOptions, IncidentsRepository, liveCaseIds, RegistriesRepository, UsersRepository } from '@df/persistence';
import { hashPassword } from '../api/src/auth/passwords';
import { signalCalendarChanged } from '../api/src/registries/calendar-replan.service';
import { toDomainError } from '../api/src/delegations/temporal-errors';
import { usernameTaken } from '../api/src/users/refusals';
import { checkCreateAdmin, checkYear, cliRefusal, fieldErrorLine, oneTimePasswordText } from './users';
import { ConfigError, loadConfig, temporalConnectionOptions, temporalDataConverter, type AppConfig } from '@df/runtime';
import { parseScheduleFile } from './schedule-file';

export const USAGE = `usage: npm run admin -- calendar import <file.json|file.ics> [--year YYYY] [--source TEXT]
       npm run admin -- calendar list
       npm run admin -- incidents list [--all]
       npm run admin -- incidents retry <caseId>
       npm run admin -- users create-admin <username> [--password-stdin] [--unit CODE] [--name TEXT] [--force]`;

/**
 * Runs one command against a database (and, for `incidents retry`, Temporal through `temporal()`); returns
 * the lines to print. Throws Error with a message for the user.
 */
export async function runAdmin(
  argv: string[],
  databaseUrl: string,
  actor = `cli:${safeUser()}`,
  temporal?: () => Promise<Client>,
  stdin: () => Promise<string> = readStdin,
  /** The office's departments (config OFFICE_UNITS; its default when not given): what `--unit` of an administrator names. */
  officeUnits: readonly string[] = loadConfig({}).officeUnits,
): Promise<string[]> {
  const [area, command, ...rest] = argv;
  if (area === 'incidents') return incidents(command, rest, databaseUrl, actor, temporal);
  if (area === 'users') return users(command, rest, databaseUrl, actor, stdin, officeUnits);
  const opts = options(rest);
  if (area !== 'calendar' || (command !== 'import' && command !== 'list')) throw new Error(USAGE);
  const ds = new DataSource(dataSourceOptions(databaseUrl));
  await ds.initialize();
  try {
    const repo = new RegistriesRepository(ds);
    if (command === 'list') {
      const rows = await repo.schedules();
      return rows.length === 0
        ? ['no schedules loaded (package data and provisional years apply)']
        : rows.map(
            (s) =>
              `${s.year}  ${s.holidays.length} days off, ${s.workdays.length} working weekend days  ${s.source}  (${s.loadedBy}, ${s.loadedAt})`,
          );
    }
    const file = opts.positional[0];
    if (!file) throw new Error(USAGE);
    const year = opts.year !== undefined ? checkYear(opts.year) : undefined;
    const schedules = parseScheduleFile(file, readFileSync(file, 'utf8'), year);
    if (schedules.length === 0) throw new Error(`${file}: no days${year !== undefined ? ` in ${year}` : ''}`);
    // Check every year before writing any: nothing half-loaded. The API's rules for a schedule sent to it, all of them
    // (scheduleImportProblems: a past year, the statutory holidays, a plausible count, each day once, the calendar's).
    const today = shanghaiDate(Date.now());
    const problems = schedules.flatMap((s) =>
      scheduleImportProblems(s, { today }).map((p) => fieldErrorLine({ ...p, field: `${s.year} ${p.field}` })),
    );
    if (problems.length > 0) throw new Error(`${file}: ${problems.length} problem(s)\n${problems.join('\n')}`);
    const out: string[] = [];
    const source = `cli: ${basename(file)}${opts.source ? ` (${opts.source})` : ''}`;
    for (const s of schedules) {
      const { replaced } = await repo.putSchedule(s, source, { id: actor, role: 'admin' });
      out.push(`${replaced ? 'replaced' : 'loaded'} ${s.year}: ${s.holidays.length} days off, ${s.workdays.length} working weekend days`);
    }
    // Running cases re-plan with every loaded schedule, as after PUT /api/registries/calendars (issue 14 item 5).
    if (temporal) out.push(await replanLiveCases(ds, repo, temporal));
    return out;
  } finally {
    await ds.destroy();
  }
}

async function replanLiveCases(ds: DataSource, repo: RegistriesRepository, temporal: () => Promise<Client>): Promise<string> {
  const ids = await liveCaseIds(ds.manager);
  const schedules = await repo.yearSchedules();
  let client: Client;
  try {
    client = await temporal();
  } catch (err) {
    return `${ids.length} running case(s) not told (${err instanceof Error ? err.message : String(err)}): load it again with TEMPORAL_ADDRESS set, or through the API`;
  }
  const failed = await signalCalendarChanged(client, ids, schedules);
  return `${ids.length - failed} running case(s) re-plan with it${failed ? `; ${failed} could not be reached` : ''}`;
}

/** Incidents (issue 12 item 2, docs/operations.md): list the open ones; retry one after its cause is fixed. */
async function incidents(
  command: string | undefined,
  args: string[],
  databaseUrl: string,
  actor: string,
  temporal?: () => Promise<Client>,
): Promise<string[]> {
  if (command === 'list') {
    if (args.some((a) => a !== '--all')) throw new Error(USAGE);
    const ds = new DataSource(dataSourceOptions(databaseUrl));
    await ds.initialize();
    try {
      const rows = await new IncidentsRepository(ds).list({ open: !args.includes('--all') });
      if (rows.length === 0) return ['no open incidents'];
      return rows.map(
        (i) =>
          `${i.caseId}  ${i.openedAt}  ${i.activity} ${i.errorType}  steps ${i.stepKeys.join(',') || '-'}  ${i.error}` +
          (i.resolvedAt ? `  (resolved ${i.resolvedAt} by ${i.resolvedBy})` : ''),
      );
    } finally {
      await ds.destroy();
    }
  }
  if (command === 'retry' && args.length === 1 && temporal) {
    const caseId = args[0]!;
    const client = await temporal();
    try {
      const r = await client.workflow
        .getHandle(delegationWorkflowId(caseId))
        .executeUpdate(retryIncidentUpdate, { args: [{ requestId: randomUUID(), operator: actor }] });
      return [
        r.resolved
          ? `${caseId}: incident ${r.incidentId} resolved, the case goes on`
          : `${caseId}: retried incident ${r.incidentId}, it failed again (see incidents list)`,
      ];
    } catch (err) {
      // The workflow's refusal in the API's words (toDomainError: its code, both languages), not its bare English.
      if (err instanceof WorkflowUpdateFailedError) throw new Error(`${caseId}: ${cliRefusal(toDomainError(err)).message}`);
      throw err;
    }
  }
  throw new Error(USAGE);
}

/**
 * Users (issue 14 item 4): `create-admin` makes the first administrator of a fresh database (role admin in
 * --unit, default fao), with the password from stdin (--password-stdin) or a generated one-time password
 * printed once; either must be changed at first sign-in. Refused when an active administrator exists unless
 * --force (e.g. every administrator lost their password). An audit event `users.create` by `cli:<os user>`.
 */
async function users(
  command: string | undefined,
  args: string[],
  databaseUrl: string,
  actor: string,
  stdin: () => Promise<string>,
  officeUnits: readonly string[],
): Promise<string[]> {
  if (command !== 'create-admin') throw new Error(USAGE);
  const flags = { passwordStdin: false, force: false, unit: 'fao', name: undefined as string | undefined };
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--password-stdin') flags.passwordStdin = true;
    else if (a === '--force') flags.force = true;
    else if (a === '--unit' || a === '--name') {
      const v = args[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      if (a === '--unit') flags.unit = v;
      else flags.name = v;
    } else if (a.startsWith('--')) throw new Error(`unknown option ${a}\n${USAGE}`);
    else positional.push(a);
  }
  const username = positional[0];
  if (!username || positional.length > 1) throw new Error(USAGE);
  // Checked by the API's own schemas of a new user, refused in its words (checkCreateAdmin).
  const { name, password } = checkCreateAdmin(
    {
      username,
      unit: flags.unit,
      name: flags.name?.trim() || `系统管理员（${flags.unit}）`,
      ...(flags.passwordStdin ? { password: (await stdin()).replace(/\r?\n$/, '') } : {}),
    },
    officeUnits,
  );
  const ds = new DataSource(dataSourceOptions(databaseUrl));
  await ds.initialize();
  try {
    const repo = new UsersRepository(ds);
    const admins = await repo.countActiveAdmins();
    if (admins > 0 && !flags.force)
      throw new Error(`${admins} active administrator(s) already exist: ask one to create users, or pass --force`);
    const generated = password === undefined ? oneTimePasswordText() : undefined;
    const grants = [{ role: 'admin', unit: flags.unit }];
    const r = await repo.create(
      {
        id: randomUUID(),
        username,
        displayName: name,
        grants,
        passwordHash: await hashPassword(password ?? generated!),
        mustChangePassword: true,
      },
      (u) => ({
        action: 'users.create',
        outcome: 'success',
        actor,
        target: `user:${u.username}`,
        detail: { userId: u.id, grants, generatedPassword: generated !== undefined, via: 'cli', ...(flags.force ? { force: true } : {}) },
      }),
    );
    if (!r.ok) throw r.reason === 'username-taken' ? cliRefusal(usernameTaken(username)) : new Error(`refused: ${r.reason}`);
    return [
      `created administrator ${username} (admin in ${flags.unit})`,
      ...(generated
        ? [`one-time password (shown once; must be changed at first sign-in): ${generated}`]
        : ['password from stdin; it must be changed at first sign-in']),
    ];
  } finally {
    await ds.destroy();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A Temporal client as the API and worker connect (address, TLS, namespace, payload codec from the config). */
export async function temporalClient(config: AppConfig): Promise<Client> {
  if (!config.temporalAddress) throw new Error('TEMPORAL_ADDRESS is required for incidents retry');
  const connection = await Connection.connect({
    ...temporalConnectionOptions({ ...config, temporalAddress: config.temporalAddress }),
    connectTimeout: 5000,
  });
  return new Client({ connection, namespace: config.temporalNamespace, dataConverter: temporalDataConverter(config) });
}

function options(args: string[]): { positional: string[]; year?: string; source?: string } {
  const out: { positional: string[]; year?: string; source?: string } = { positional: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--year' || a === '--source') {
      const v = args[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      out[a.slice(2) as 'year' | 'source'] = v;
    } else if (a.startsWith('--')) throw new Error(`unknown option ${a}\n${USAGE}`);
    else out.positional.push(a);
  }
  return out;
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

if (require.main === module) {
  (async () => {
    const config = loadConfig(process.env, ['DATABASE_URL']);
    let client: Client | undefined;
    try {
      const lines = await runAdmin(
        process.argv.slice(2),
        config.databaseUrl as string,
        undefined,
        async () => (client ??= await temporalClient(config)),
        readStdin,
        config.officeUnits,
      );
      for (const line of lines) console.log(line);
    } finally {
      await client?.connection.close();
    }
  })().catch((err: unknown) => {
    console.error(err instanceof ConfigError ? `admin: ${err.message}` : `admin: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
