import { echo } from '../common/echo';
import { domainError, type DomainError } from '../common/errors';

/**
 * 409 USERNAME_TAKEN: the one home of its message, for the API (POST /api/users) and the admin CLI
 * (`users create-admin`), which say the same (new-user trial: the CLI printed `username: X is taken`).
 */
export const usernameTaken = (username: string): DomainError =>
  domainError('USERNAME_TAKEN', `用户名 ${echo(username)} 已被使用`, `Username ${echo(username)} is taken`, {
    errors: [
      {
        field: 'username',
        rule: 'unique',
        message: { zh: '用户名已被使用（不区分大小写）', en: 'This username is taken (usernames are compared regardless of case)' },
      },
    ],
  });
