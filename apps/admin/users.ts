import { randomBytes } from 'node:crypto';
import { PASSWORD_MIN, UNIT_PATTERN, USERNAME_PATTERN } from '../api/src/users/schemas';

/** The admin CLI's checks of `users create-admin`: the API's own rules (apps/api/src/users/schemas.ts). */
export const USER_ADMIN_CLI = {
  username: new RegExp(USERNAME_PATTERN),
  unit: new RegExp(UNIT_PATTERN),
  passwordMin: PASSWORD_MIN,
} as const;

/** A one-time password: 16 characters of base64url (96 random bits), as the API generates. */
export const oneTimePasswordText = (): string => randomBytes(12).toString('base64url');
