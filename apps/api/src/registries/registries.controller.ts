import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiParam, ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/access';
import { CurrentUser, Roles } from '../auth/decorators';
import { errorResponses, pathParam, queryParams, schemaRef } from '../openapi';
import { CALENDAR_YEARS, REGISTRY_WRITERS, SCHEDULE_YEARS } from '@df/domain';
import { RegistriesService } from './registries.service';
import {
  AnnualPlanViewSchema,
  PlanApprovalSchema,
  CalendarListSchema,
  CalendarStoredSchema,
  CalendarYearSchema,
  PassportListSchema,
  PassportViewSchema,
  PersonListSchema,
  PersonViewSchema,
  ProcessVersionDetailSchema,
  ProcessVersionListSchema,
  ProcessVersionPublishedSchema,
  ProcessVersionCheckedSchema,
  RegistryChangeListSchema,
  UnitListSchema,
  UnitPutResultSchema,
  UnitViewSchema,
  AnnualPlanSchema,
  ChangesQuerySchema,
  ClassifiedAccessSchema,
  code as CodeSchema,
  passportNumber as PassportNumberSchema,
  passportKey as PassportKeySchema,
  processVersionKey as ProcessVersionKeySchema,
  HolidayScheduleSchema,
  PassportRegistrationSchema,
  PassportTransitionSchema,
  PersonSchema,
  ProcessVersionSchema,
  UnitQuerySchema,
  UnitSchema,
} from './schemas';

/** Registries kept by the office (issue 14); rules and scoping in RegistriesService, docs in docs/registries.md. */

/** The year in a path: what the server accepts (YearSchema), so a contract fuzzer's valid year is valid. */
const YEAR_PARAM = ApiParam({
  name: 'year',
  schema: { type: 'integer', minimum: SCHEDULE_YEARS.from, maximum: SCHEDULE_YEARS.to },
  description: '公历年份 Gregorian year',
});
/** A holiday schedule's year in a path: what the server accepts (calendarYear: CALENDAR_YEARS). */
const CALENDAR_YEAR_PARAM = ApiParam({
  name: 'year',
  schema: { type: 'integer', minimum: CALENDAR_YEARS.from, maximum: CALENDAR_YEARS.to },
  description: '公历年份 Gregorian year (the years whose statutory holidays are known)',
});
const CODE_PARAM = pathParam('code', CodeSchema, '单位代码 Unit code');
const PERSON_PARAM = pathParam('personId', CodeSchema, '人员编号 Person id');
const NUMBER_PARAM = pathParam('number', PassportNumberSchema, '护照号码 Passport number');
const VERSION_PARAM = pathParam('version', ProcessVersionKeySchema, '流程版本 Process version');
const PASSPORT_KEY_PARAM = pathParam(
  'key',
  PassportKeySchema,
  '台账编号或护照号码 The ledger id (ref), or the passport number for a reader who sees numbers in clear (else 403 clearance)',
);

@ApiTags('registries')
@ApiBearerAuth()
@Controller('api/registries')
export class RegistriesController {
  constructor(private readonly registries: RegistriesService) {}

  // Units and plans -----------------------------------------------------------------------------

  @Get('units')
  @ApiOperation({
    summary: '备案单位 Registered units',
    description:
      'FAO roles, the leader and the manager see all; a unit’s roles their own. Each with its effective suspension. The APEC roles read the APEC card enterprises’ records only: another unit is listed by its code and names (RegistryUnitName).',
  })
  @ApiOkResponse({ description: 'Units in scope', schema: schemaRef(UnitListSchema) })
  @errorResponses(401)
  listUnits(@CurrentUser() user: AuthUser) {
    return this.registries.listUnits(user);
  }

  @Get('units/:code')
  @ApiOperation({ summary: '单位详情 One unit, with its suspension' })
  @ApiOkResponse({ description: 'The unit', schema: schemaRef(UnitViewSchema) })
  @errorResponses(400, 401, 403, 404)
  @CODE_PARAM
  getUnit(@CurrentUser() user: AuthUser, @Param('code') code: string) {
    return this.registries.getUnit(user, code);
  }

  @Put('units/:code')
  @Roles(...REGISTRY_WRITERS.units)
  @ApiOperation({
    summary: '开户备案 Register or update a unit (FAO clerk/director)',
    description:
      'Status suspended needs a reason; every change is in registry_changes. 201 when the code is registered by this request (`created: true`), 200 when an existing unit is replaced.',
  })
  @ApiBody({ schema: schemaRef(UnitSchema) })
  @ApiCreatedResponse({ description: 'The unit, registered (created: true)', schema: schemaRef(UnitPutResultSchema) })
  @ApiOkResponse({ description: 'The unit as stored, replacing its record (created: false)', schema: schemaRef(UnitPutResultSchema) })
  @errorResponses(400, 401, 403, 422)
  @CODE_PARAM
  async putUnit(
    @CurrentUser() user: AuthUser,
    @Param('code') code: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.registries.putUnit(user, code, body);
    res.status(result.created ? 201 : 200);
    return result;
  }

  @Get('units/:code/plans/:year')
  @YEAR_PARAM
  @ApiOperation({ summary: '年度出访计划 A unit’s annual outbound plan' })
  @ApiOkResponse({ description: 'The plan', schema: schemaRef(AnnualPlanViewSchema) })
  @errorResponses(400, 401, 403, 404)
  @CODE_PARAM
  getPlan(@CurrentUser() user: AuthUser, @Param('code') code: string, @Param('year') year: string) {
    return this.registries.getPlan(user, code, year);
  }

  @Put('units/:code/plans/:year')
  @YEAR_PARAM
  @Roles(...REGISTRY_WRITERS.plans)
  @ApiOperation({
    summary: '报备年度出访计划 File a unit’s annual plan (its organizer, or the FAO clerk)',
    description:
      "The FAO clerk's filing is the approved plan A01 reads (the unit's open cases departing that year run A01 again: `rechecked`); the unit organizer's is a proposal awaiting the FAO clerk's approval (POST …/approve), the approved plan unchanged until then. 201 when no plan was on file for the year (`created: true`), 200 otherwise. The body GET gives may be sent back (`unit` and `year` as the path's, else 422 rule path-match; the other fields GET adds are ignored). 409 not-past for a year that has ended, or a planned trip of this year's past quarters added, changed or removed.",
  })
  @ApiBody({ schema: schemaRef(AnnualPlanSchema) })
  @ApiCreatedResponse({
    description: 'The plan as stored: the first on file for the year (created: true)',
    schema: schemaRef(AnnualPlanViewSchema),
  })
  @ApiOkResponse({
    description: 'The plan as stored, replacing or filing over the one on file (created: false)',
    schema: schemaRef(AnnualPlanViewSchema),
  })
  @errorResponses(400, 401, 403, 404, 409, 422)
  @CODE_PARAM
  async putPlan(
    @CurrentUser() user: AuthUser,
    @Param('code') code: string,
    @Param('year') year: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.registries.putPlan(user, code, year, body);
    res.status(result.created ? 201 : 200);
    return result;
  }

  @Post('units/:code/plans/:year/approve')
  @HttpCode(200)
  @YEAR_PARAM
  @Roles(...REGISTRY_WRITERS.planApproval)
  @ApiOperation({
    summary: '审批年度出访计划 Approve the unit’s filed plan (the FAO clerk)',
    description:
      "The unit organizer's filing (PUT by the organizer: a proposal) filed at `proposedAt` (its `proposal.at` as read) becomes the plan A01 reads (the unit's open cases departing that year run A01 again: `rechecked`). 409 ACTION_NOT_ALLOWED at path.year, rule no-proposal, when none awaits approval, and at proposedAt, rule proposal-changed, when the unit filed again since; 404 when no plan is on file; 409 not-past for a year that has ended.",
  })
  @ApiBody({ schema: schemaRef(PlanApprovalSchema) })
  @ApiOkResponse({ description: 'The plan as approved', schema: schemaRef(AnnualPlanViewSchema) })
  @errorResponses(400, 401, 403, 404, 409)
  @CODE_PARAM
  approvePlan(@CurrentUser() user: AuthUser, @Param('code') code: string, @Param('year') year: string, @Body() body: unknown) {
    return this.registries.approvePlan(user, code, year, body);
  }

  // People --------------------------------------------------------------------------------------

  @Get('people')
  @ApiOperation({
    summary: '人员花名册 Roster',
    description:
      'A unit’s personnel and secrecy offices, its organizer and its enterprise clerk (ROSTER_READERS) see their own unit; FAO roles see all (?unit= filters). The APEC desk and the enterprise clerk read the APEC card enterprises’ rosters only (mayReadUnitRecords).',
  })
  @ApiOkResponse({ description: 'The roster in scope', schema: schemaRef(PersonListSchema) })
  @queryParams(UnitQuerySchema)
  @errorResponses(400, 401, 403, 422)
  listPeople(@CurrentUser() user: AuthUser, @Query() query: unknown) {
    return this.registries.listPeople(user, query);
  }

  @Get('people/:personId')
  @ApiOperation({ summary: '人员详情 One person, with passports in custody' })
  @ApiOkResponse({ description: 'The person with their passports', schema: schemaRef(PersonViewSchema) })
  @errorResponses(400, 401, 403, 404)
  @PERSON_PARAM
  getPerson(@CurrentUser() user: AuthUser, @Param('personId') personId: string) {
    return this.registries.getPerson(user, personId);
  }

  @Put('people/:personId')
  @Roles(...REGISTRY_WRITERS.people)
  @ApiOperation({
    summary: '登记人员 Add or update a person (the unit’s personnel office; an enterprise’s clerk for its own enterprise)',
    description:
      'Classified access is kept as stored (the secrecy office sets it). Writers: REGISTRY_WRITERS.people, own unit only (mayWriteRoster): the enterprise clerk keeps its own APEC card enterprise’s roster, never a government unit’s.',
  })
  @ApiBody({ schema: schemaRef(PersonSchema) })
  @ApiOkResponse({ description: 'The person as stored', schema: schemaRef(PersonViewSchema) })
  @errorResponses(400, 401, 403, 404, 409, 422)
  @PERSON_PARAM
  putPerson(@CurrentUser() user: AuthUser, @Param('personId') personId: string, @Body() body: unknown) {
    return this.registries.putPerson(user, personId, body);
  }

  @Put('people/:personId/classified-access')
  @Roles(...REGISTRY_WRITERS.classifiedAccess)
  @ApiOperation({ summary: '涉密人员认定 Set classified access (the unit’s secrecy office)' })
  @ApiBody({ schema: schemaRef(ClassifiedAccessSchema) })
  @ApiOkResponse({ description: 'The person as stored', schema: schemaRef(PersonViewSchema) })
  @errorResponses(400, 401, 403, 404)
  @PERSON_PARAM
  setClassifiedAccess(@CurrentUser() user: AuthUser, @Param('personId') personId: string, @Body() body: unknown) {
    return this.registries.setClassifiedAccess(user, personId, body);
  }

  // Passports in custody ------------------------------------------------------------------------

  @Get('passports')
  @ApiOperation({
    summary: '护照保管台账 Passports in custody',
    description: 'State as shown: in-custody, checked-out, overdue (derived), cancelled, lost.',
  })
  @ApiOkResponse({ description: 'Passports in scope', schema: schemaRef(PassportListSchema) })
  @queryParams(UnitQuerySchema)
  @errorResponses(400, 401, 403, 422)
  listPassports(@CurrentUser() user: AuthUser, @Query() query: unknown) {
    return this.registries.listPassports(user, query);
  }

  @Get('passports/:key')
  @ApiOperation({
    summary: '护照详情 One passport with its history',
    description:
      'Named by its ledger id (`ref`, from the list) or, for the passport and visa officers, by its number. Another reader naming a number is 403 `clearance` whether or not the ledger holds it.',
  })
  @ApiOkResponse({ description: 'The passport with its history', schema: schemaRef(PassportViewSchema) })
  @errorResponses(400, 401, 403, 404)
  @PASSPORT_KEY_PARAM
  getPassport(@CurrentUser() user: AuthUser, @Param('key') key: string) {
    return this.registries.getPassport(user, key);
  }

  @Post('passports')
  @Roles(...REGISTRY_WRITERS.passports)
  @ApiOperation({ summary: '护照入库保管 Take a passport into custody (passport officer)' })
  @ApiBody({ schema: schemaRef(PassportRegistrationSchema) })
  @ApiCreatedResponse({ description: 'Taken into custody', schema: schemaRef(PassportViewSchema) })
  @errorResponses(400, 401, 403, 409, 422)
  registerPassport(@CurrentUser() user: AuthUser, @Body() body: unknown) {
    return this.registries.registerPassport(user, body);
  }

  @Post('passports/:number/transitions')
  @HttpCode(200)
  @Roles(...REGISTRY_WRITERS.passports)
  @ApiOperation({
    summary: '护照领用/交回/注销/挂失 Check out, check in, cancel, report lost (passport officer)',
    description: 'A check-in that brings the unit back under the 30-day rule lifts its suspension (recorded).',
  })
  @ApiBody({ schema: schemaRef(PassportTransitionSchema) })
  @ApiOkResponse({ description: 'The passport after the change, with its history', schema: schemaRef(PassportViewSchema) })
  @errorResponses(400, 401, 403, 404, 409, 422)
  @NUMBER_PARAM
  transitionPassport(@CurrentUser() user: AuthUser, @Param('number') number: string, @Body() body: unknown) {
    return this.registries.transitionPassport(user, number, body);
  }

  // Holiday calendars ---------------------------------------------------------------------------

  @Get('calendars')
  @ApiOperation({
    summary: '节假日安排 Years of the calendar with their source',
    description: 'source: loaded (by the office), package (chinese-days), provisional (statutory holidays only).',
  })
  @ApiOkResponse({ description: 'Years and their source', schema: schemaRef(CalendarListSchema) })
  @errorResponses(401)
  listCalendars() {
    return this.registries.listCalendars();
  }

  @Get('calendars/:year')
  @CALENDAR_YEAR_PARAM
  @ApiOperation({ summary: '某年节假日 One year’s days off and adjusted working days' })
  @ApiOkResponse({ description: 'The year’s days', schema: schemaRef(CalendarYearSchema) })
  @errorResponses(400, 401)
  getCalendar(@Param('year') year: string) {
    return this.registries.getCalendar(year);
  }

  @Put('calendars/:year')
  @CALENDAR_YEAR_PARAM
  @Roles(...REGISTRY_WRITERS.calendar)
  @ApiOperation({ summary: '载入国务院放假安排 Load a year’s schedule (replaces package data and the provisional rule for that year)' })
  @ApiBody({ schema: schemaRef(HolidayScheduleSchema) })
  @ApiOkResponse({ description: 'The schedule as stored', schema: schemaRef(CalendarStoredSchema) })
  @errorResponses(400, 401, 403, 422)
  putCalendar(@CurrentUser() user: AuthUser, @Param('year') year: string, @Body() body: unknown) {
    return this.registries.putCalendar(user, year, body);
  }

  // Process versions ----------------------------------------------------------------------------

  @Get('process-versions')
  @ApiOperation({
    summary: '流程版本 Versions of the process definition and what changed',
    description: 'The first item is the one new cases take.',
  })
  @ApiOkResponse({ description: 'Versions, newest first', schema: schemaRef(ProcessVersionListSchema) })
  @errorResponses(401)
  listProcessVersions() {
    return this.registries.listProcessVersions();
  }

  @Get('process-versions/:version')
  @ApiOperation({ summary: '流程版本详情 One version: definition, settings, changes' })
  @ApiOkResponse({ description: 'The version', schema: schemaRef(ProcessVersionDetailSchema) })
  @VERSION_PARAM
  @errorResponses(400, 401, 404)
  getProcessVersion(@Param('version') version: string) {
    return this.registries.getProcessVersion(version);
  }

  @Post('process-versions/check')
  @HttpCode(200)
  @Roles(...REGISTRY_WRITERS.processVersions)
  @ApiOperation({
    summary: '发布前校验流程版本 Check a version without publishing (FAO director)',
    description:
      'The checks of publishing (422 INVALID_REQUEST lists every problem, 409 VERSION_TAKEN) and what would change against the current version; stores nothing, and new cases keep the current version.',
  })
  @ApiBody({ schema: schemaRef(ProcessVersionSchema) })
  @ApiOkResponse({ description: 'Publishable, with what would change', schema: schemaRef(ProcessVersionCheckedSchema) })
  @errorResponses(400, 401, 403, 409, 422)
  checkProcessVersion(@Body() body: unknown) {
    return this.registries.checkProcessVersion(body);
  }

  @Post('process-versions')
  @Roles(...REGISTRY_WRITERS.processVersions)
  @ApiOperation({
    summary: '发布流程版本 Publish a new version (FAO director)',
    description: 'Validated as at load (422 INVALID_REQUEST lists every problem); new cases take it, running cases keep theirs.',
  })
  @ApiBody({ schema: schemaRef(ProcessVersionSchema) })
  @ApiCreatedResponse({ description: 'Published, with what changed', schema: schemaRef(ProcessVersionPublishedSchema) })
  @errorResponses(400, 401, 403, 409, 422)
  publishProcessVersion(@CurrentUser() user: AuthUser, @Body() body: unknown) {
    return this.registries.publishProcessVersion(user, body);
  }

  // Audit ---------------------------------------------------------------------------------------

  @Get('changes')
  @ApiOperation({
    summary: '登记变更记录 Registry changes (who, when, what)',
    description: 'Newest first; a unit’s roles see their own unit’s.',
  })
  @queryParams(ChangesQuerySchema)
  @ApiOkResponse({ description: 'Changes, newest first', schema: schemaRef(RegistryChangeListSchema) })
  @errorResponses(400, 401, 403, 422)
  changes(@CurrentUser() user: AuthUser, @Query() query: unknown) {
    return this.registries.changes(user, query);
  }
}
