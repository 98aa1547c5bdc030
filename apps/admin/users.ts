import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { officeUnitProblem } from '@df/domain';
import { DomainError, ruleRefusal, type FieldError } from '../api/src/common/errors';
import { parseOrThrow } from '../api/src/common/validation';
import { text } from '../api/src/common/zod-text';
import { calendarYear } from '../api/src/registries/schemas';
import { ownPasswordCheck, password, RoleGrantSchema, username } from '../api/src/users/schemas';

/** A one-time password: 16 characters of base64url (96 random bits), as the API generates. */
export const oneTimePasswordText = (): string => randomBytes(12).toString('base64url');

/** One field's refusal as the CLI prints it: where it is given, the rule, the API's message in both languages. */
export const fieldErrorLine = (e: FieldError): string => `${e.field} (${e.rule}): ${e.message.zh} / ${e.message.en}`;

/**
 * An API refusal as the CLI's error: its code and message, then each field at fault, named as the command line gives
 * it (`fields`: the API's field -> the option). The words are the API's (one home for each message; new-user trial:
 * `username: X is taken` where the API says `用户名 X 已被使用`).
 */
export function cliRefusal(err: DomainError, fields: Record<string, string> = {}): Error {
  const lines = (err.extras.errors ?? []).map((e) => `  ${fieldErrorLine({ ...e, field: fields[e.field] ?? e.field })}`);
  return new Error([`${err.code}: ${err.label.zh} / ${err.label.en}`, ...lines].join('\n'));
}

/** Runs an API check, its refusal as the CLI's (cliRefusal); anything else as thrown. */
export function asCli<T>(check: () => T, fields: Record<string, string> = {}): T {
  try {
    return check();
  } catch (err) {
    throw err instanceof DomainError ? cliRefusal(err, fields) : err;
  }
}

/** `users create-admin`'s values through the API's schemas of a new user (POST /api/users): the same rules, the same words. */
const CreateAdminSchema = z
  .strictObject({
    username: username(),
    unit: RoleGrantSchema.shape.unit,
    name: text(100),
    password: password().optional(),
  })
  .superRefine(ownPasswordCheck('password', 'username', 'name'));

/** Where each value of create-admin comes from on the command line. */
const CREATE_ADMIN_FIELDS: Record<string, string> = { unit: '--unit', name: '--name', password: 'password (stdin)' };

export function checkCreateAdmin(
  input: {
    username: string;
    unit: string;
    name: string;
    password?: string;
  },
  officeUnits: readonly string[],
): z.output<typeof CreateAdminSchema> {
  const checked = asCli(() => parseOrThrow(CreateAdminSchema, input), CREATE_ADMIN_FIELDS);
  // An administrator is an office role: granted for one of the office's departments (officeUnitProblem), as the API's.
  const office = officeUnitProblem('admin', checked.unit, officeUnits);
  if (office) throw cliRefusal(ruleRefusal([{ field: 'unit', ...office }]), CREATE_ADMIN_FIELDS);
  return checked;
}

/** `calendar import --year`: a year as the API's calendar routes take it (`/api/registries/calendars/:year`). */
export const checkYear = (value: string): number => asCli(() => parseOrThrow(calendarYear, value, ['--year']));
