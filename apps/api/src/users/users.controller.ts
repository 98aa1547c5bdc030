import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { USER_ROLES, type AuthUser } from '../auth/access';
import { CurrentUser, Roles } from '../auth/decorators';
import { CODE_PATTERN } from '../common/zod-text';
import { errorResponses, queryParams, schemaRef } from '../openapi';
import {
  CreateUserSchema,
  USERNAME_PATTERN,
  PasswordResetSchema,
  RoleGrantSchema,
  UserCreatedSchema,
  UserListSchema,
  UserQuerySchema,
  UserViewSchema,
} from './schemas';
import { UsersAdminService } from './users-admin.service';

const USERNAME = ApiParam({
  name: 'username',
  description: '用户名 Username',
  schema: { type: 'string', pattern: USERNAME_PATTERN },
});

/** User administration (issue 14 item 4): the admin role only; rules in UsersAdminService, docs in docs/security.md. */
@ApiTags('users')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/users')
export class UsersController {
  constructor(private readonly users: UsersAdminService) {}

  @Get()
  @ApiOperation({ summary: '用户列表 Users (admin)', description: 'Filter by a grant’s unit or role, and by status.' })
  @queryParams(UserQuerySchema)
  @ApiOkResponse({ description: 'Users, by username', schema: schemaRef(UserListSchema) })
  @errorResponses(400, 401, 403, 422)
  list(@Query() query: unknown) {
    return this.users.list(query);
  }

  @Get(':username')
  @USERNAME
  @ApiOperation({ summary: '用户详情 One user (admin)' })
  @ApiOkResponse({ description: 'The user', schema: schemaRef(UserViewSchema) })
  @errorResponses(400, 401, 403, 404)
  get(@Param('username') username: string) {
    return this.users.get(username);
  }

  @Post()
  @ApiOperation({
    summary: '新建用户 Create a user (admin)',
    description:
      'One or more role grants, each for a unit (a unit role needs a registered unit). The password must be changed at first sign-in; without one, a one-time password is generated and returned once. An account holding admin holds no other role (422 rule admin-alone). 409 USERNAME_TAKEN.',
  })
  @ApiBody({ schema: schemaRef(CreateUserSchema) })
  @ApiCreatedResponse({ description: 'Created', schema: schemaRef(UserCreatedSchema) })
  @errorResponses(400, 401, 403, 409, 422)
  create(@CurrentUser() admin: AuthUser, @Body() body: unknown) {
    return this.users.create(admin, body);
  }

  @Post(':username/disable')
  @HttpCode(200)
  @USERNAME
  @ApiOperation({
    summary: '停用 Disable a user (admin)',
    description: 'Their tokens are refused at the next request. 409 ADMIN_SELF_DISABLE (yourself), LAST_ACTIVE_ADMIN.',
  })
  @ApiOkResponse({ description: 'The user, disabled', schema: schemaRef(UserViewSchema) })
  @errorResponses(400, 401, 403, 404, 409)
  disable(@CurrentUser() admin: AuthUser, @Param('username') username: string) {
    return this.users.setEnabled(admin, username, false);
  }

  @Post(':username/enable')
  @HttpCode(200)
  @USERNAME
  @ApiOperation({
    summary: '启用 Re-enable a user (admin)',
    description: 'Sign-in works again; tokens from before the disable stay invalid. 403 SELF_GRANT (your own account).',
  })
  @ApiOkResponse({ description: 'The user, active', schema: schemaRef(UserViewSchema) })
  @errorResponses(400, 401, 403, 404)
  enable(@CurrentUser() admin: AuthUser, @Param('username') username: string) {
    return this.users.setEnabled(admin, username, true);
  }

  @Post(':username/grants')
  @HttpCode(200)
  @USERNAME
  @ApiOperation({
    summary: '授予角色 Grant a role in a unit (admin)',
    description:
      'A no-op when held. 403 SELF_GRANT (your own account: another administrator grants); 422 rule admin-alone (admin beside any other role).',
  })
  @ApiBody({ schema: schemaRef(RoleGrantSchema) })
  @ApiOkResponse({ description: 'The user with the grant', schema: schemaRef(UserViewSchema) })
  @errorResponses(400, 401, 403, 404, 422)
  grant(@CurrentUser() admin: AuthUser, @Param('username') username: string, @Body() body: unknown) {
    return this.users.grant(admin, username, body);
  }

  @Delete(':username/grants/:role/:unit')
  @USERNAME
  @ApiParam({ name: 'role', description: '角色 Role', schema: { type: 'string', enum: [...USER_ROLES] } })
  @ApiParam({ name: 'unit', description: '单位 Unit code', schema: { type: 'string', pattern: CODE_PATTERN } })
  @ApiOperation({
    summary: '撤销角色 Revoke a role in a unit (admin)',
    description:
      "The user's tokens stop (sign in again). 403 SELF_GRANT (your own account); 404 GRANT_NOT_FOUND; 409 LAST_GRANT (disable instead), LAST_ACTIVE_ADMIN.",
  })
  @ApiOkResponse({ description: 'The user without the grant', schema: schemaRef(UserViewSchema) })
  @errorResponses(400, 401, 403, 404, 409)
  revoke(@CurrentUser() admin: AuthUser, @Param('username') username: string, @Param('role') role: string, @Param('unit') unit: string) {
    return this.users.revoke(admin, username, role, unit);
  }

  @Post(':username/password-reset')
  @HttpCode(200)
  @USERNAME
  @ApiOperation({
    summary: '重置密码 Reset a password (admin)',
    description: 'The new password (given, or generated and returned once) must be changed at the next sign-in; the user’s tokens stop.',
  })
  @ApiBody({ schema: schemaRef(PasswordResetSchema) })
  @ApiOkResponse({ description: 'The user', schema: schemaRef(UserCreatedSchema) })
  @errorResponses(400, 401, 403, 404)
  resetPassword(@CurrentUser() admin: AuthUser, @Param('username') username: string, @Body() body: unknown) {
    return this.users.resetPassword(admin, username, body);
  }
}
