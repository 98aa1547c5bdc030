import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { completeStepUpdate, delegationWorkflowId, type Actor, type CompleteStepRequest, type DelegationInput } from '@df/contracts';
import {
  APEC_WHITELIST_DEFINITION,
  CRITERIA_HORIZON_DAYS,
  criteriaProblems,
  notBeforeTodayProblem,
  shanghaiDate,
  whitelistApplicationFacts,
  withinHorizonProblem,
  WHITELIST_STATE_LABELS,
  type WhitelistCriteria,
} from '@df/domain';
import { ApecCriteriaRepository, ApecRepository, PendingCriteriaExists, RegistriesRepository, UsersRepository } from '@df/persistence';
import type { ServiceConfig } from '@df/runtime';
import { API_CONFIG } from '../api.options';
import type { AuthUser } from '../auth/access';
import { withActorNames } from '../common/actor-names';
import { domainError, ruleRefusal, type FieldError } from '../common/errors';
import { assertText, parseOrThrow } from '../common/validation';
import { assertRegisteredClerk } from '../common/registered-clerk';
import { fingerprint, IdempotencyService, scopedKey } from '../delegations/idempotency.service';
import { startCaseWorkflow } from '../delegations/start-case';
import { isDefiniteRefusal, toDomainError, unknownOutcome } from '../delegations/temporal-errors';
import type { Replayable } from '../delegations/delegations.service';
import { TemporalClientService } from '../temporal/temporal-client.provider';
import { deadHolders } from './claims';
import { notAnEnterprise } from './enterprise-refusal';
import { AdmissionSchema } from './schemas';
import { CriteriaSchema } from './whitelist.schemas';

export interface WhitelistApplicationResponse {
  caseId: string;
  workflowId: string;
  process: 'apec-whitelist';
  status: 'open';
  submittedAt: string;
}

const today = (): string => shanghaiDate(Date.now());
/** The filing step: its completion carries the figures (behaviour.data 'admission-application'). */
const FILING_STEP = APEC_WHITELIST_DEFINITION.steps.find((s) => s.behaviour?.data === 'admission-application')!.code;

/**
 * Whitelist admission as a case of its own process and the office's criteria as versioned data (issue 17);
 * the process in libs/domain/src/definition/apec-whitelist.ts, docs/apec.md.
 */
@Injectable()
export class WhitelistService {
  private readonly repo: ApecRepository;
  private readonly criteria: ApecCriteriaRepository;

  constructor(
    @Inject(API_CONFIG) private readonly config: ServiceConfig,
    db: DataSource,
    private readonly registries: RegistriesRepository,
    private readonly temporal: TemporalClientService,
    private readonly idempotency: IdempotencyService,
    private readonly users: UsersRepository,
  ) {
    this.repo = new ApecRepository(db);
    this.criteria = new ApecCriteriaRepository(db);
  }

  /** The version in force today and every version (the audit), who changed each by display name (`actorNames`). */
  async getCriteria() {
    return withActorNames({ current: await this.criteria.current(today()), versions: await this.criteria.versions() }, (usernames) =>
      this.users.displayNames(usernames),
    );
  }

  /**
   * New criteria from `effectiveFrom` (default today) on: 400 naming each field that breaks a rule (shape,
   * bounds `max` / `decimals`, `lowered-threshold`: a smaller size's threshold above a larger one's, `unique`
   * grades, `not-past` and `horizon` days: today .. today + CRITERIA_HORIZON_DAYS). A later day that already has
   * a scheduled version is 409 ACTION_NOT_ALLOWED naming effectiveFrom (rule `scheduled`): one pending version
   * per day, so the list never shows rivals for the same day.
   */
  async putCriteria(user: AuthUser, body: unknown) {
    const { effectiveFrom, ...criteria } = parseOrThrow(CriteriaSchema, body);
    const errors: FieldError[] = criteriaProblems(criteria as WhitelistCriteria).map((p) => ({ ...p }));
    const day = effectiveFrom ?? today();
    const dayProblem =
      notBeforeTodayProblem('effectiveFrom', day, today()) ?? withinHorizonProblem('effectiveFrom', day, today(), CRITERIA_HORIZON_DAYS);
    if (dayProblem) errors.push(dayProblem);
    if (errors.length > 0) throw ruleRefusal(errors);
    let version;
    try {
      version = await this.criteria.publish(criteria as WhitelistCriteria, day, user.id, today());
    } catch (err) {
      if (!(err instanceof PendingCriteriaExists)) throw err;
      throw domainError(
        'ACTION_NOT_ALLOWED',
        `${err.effectiveFrom} 起已有待生效的准入标准（第${err.version}版）`,
        `Criteria version ${err.version} is already scheduled from ${err.effectiveFrom}`,
        {
          errors: [
            {
              field: 'effectiveFrom',
              rule: 'scheduled',
              message: {
                zh: `该日已有待生效版本（第${err.version}版），请另选生效日期`,
                en: `Version ${err.version} already takes effect that day: choose another day`,
              },
            },
          ],
        },
      );
    }
    return { ...(await this.getCriteria()), saved: version };
  }

  /**
   * Files a whitelist admission application for the clerk's own enterprise: starts a case of the whitelist
   * process and completes its filing step with the figures (so the APEC desk reviews them next). Once per
   * Idempotency-Key (the filing's update id derives from the case id: a retry completes it once). A state
   * enterprise needs no whitelist (422 rule `whitelist-not-needed`); one on the list already (admitted or
   * suspended) or with an application open is refused 409.
   */
  async apply(user: AuthUser, body: unknown, clientKey: string | undefined): Promise<Replayable<WhitelistApplicationResponse>> {
    assertText(body);
    const figures = parseOrThrow(AdmissionSchema, body);
    const registered = await this.registries.unit(user.unit);
    if (registered) assertRegisteredClerk(registered, user);
    const key = clientKey ? scopedKey(user, clientKey) : undefined;
    if (key) {
      const claim = await this.idempotency.claim<WhitelistApplicationResponse>(key, user, fingerprint(user, 'apec-whitelist-apply', body));
      if (claim.state === 'done') return { ...claim.replay, replayed: true };
    }
    const caseId = key ?? randomUUID();
    try {
      await this.assertMayFile(user.unit, caseId);
    } catch (err) {
      if (key) await this.idempotency.release(key);
      throw err;
    }
    const unit = (await this.registries.unit(user.unit))!;
    const workflowId = delegationWorkflowId(caseId);
    const submittedAt = new Date().toISOString();
    const actor: Actor = { id: user.id, role: user.role, unit: user.unit, name: user.name };
    let started = false;
    try {
      const input: DelegationInput = {
        caseId,
        facts: whitelistApplicationFacts({
          unit: user.unit,
          enterpriseName: unit.nameZh,
          filedOn: today(),
          clerk: { id: user.id, name: user.name ?? user.id },
        }),
        definition: APEC_WHITELIST_DEFINITION,
        ...(this.config.workingDaySeconds !== undefined ? { workingDaySeconds: this.config.workingDaySeconds } : {}),
        submittedBy: actor,
        submittedAt,
      };
      const { client } = await startCaseWorkflow(this.temporal, this.config.taskQueue, workflowId, input, key !== undefined);
      started = true;
      // The figures are the filing step's data (validated above as the engine validates them).
      const requestId = `${caseId}:${FILING_STEP}`;
      const filing: CompleteStepRequest = { requestId, actor, stepKey: FILING_STEP, data: { ...figures } };
      await client.workflow.getHandle(workflowId).executeUpdate(completeStepUpdate, { args: [filing], updateId: requestId });
      const response: WhitelistApplicationResponse = { caseId, workflowId, process: 'apec-whitelist', status: 'open', submittedAt };
      const stored = key ? await this.idempotency.complete(key, 201, response, caseId) : { status: 201, body: response };
      return { ...stored, replayed: stored.body !== response };
    } catch (err) {
      if (key && isDefiniteRefusal(err)) await this.idempotency.release(key);
      // No case runs for this filing: its claim on the enterprise goes too.
      if (!started && isDefiniteRefusal(err)) await this.repo.releaseWhitelistFiling(user.unit, caseId).catch(() => undefined);
      throw isDefiniteRefusal(err) ? toDomainError(err) : unknownOutcome(err, key !== undefined);
    }
  }

  /** `caseId`: this filing's own case, which a retry with the same key may find open (it is not another application). */
  private async assertMayFile(unit: string, caseId: string): Promise<void> {
    const e = await this.repo.enterprise(unit);
    if (!e) throw notAnEnterprise('RULE_VIOLATION', unit, await this.registries.unit(unit));
    if (e.ownership === 'state')
      throw domainError(
        'RULE_VIOLATION',
        '国有企业无需列入白名单即可申请APEC卡',
        'A state enterprise applies for cards without the whitelist',
        {
          errors: [
            {
              field: 'unit',
              rule: 'whitelist-not-needed',
              message: { zh: '国有企业无需白名单准入', en: 'A state enterprise needs no whitelist admission' },
            },
          ],
        },
      );
    const state = e.whitelist?.state;
    if (state === 'admitted' || state === 'suspended')
      throw domainError(
        'ACTION_NOT_ALLOWED',
        `企业已在白名单中（${WHITELIST_STATE_LABELS[state].zh}）`,
        `The enterprise is already on the whitelist (${WHITELIST_STATE_LABELS[state].en})`,
      );
    // One open application per enterprise, race-free: the enterprise's filing claim is taken before the case
    // starts (the cases read model alone let filings sent at once, or before the first was projected, all start).
    let holder = await this.repo.claimWhitelistFiling(unit, caseId);
    const dead = holder ? await deadHolders(this.temporal, [holder]) : [];
    if (dead.length > 0) holder = await this.repo.claimWhitelistFiling(unit, caseId, dead);
    if (holder)
      throw domainError(
        'ACTION_NOT_ALLOWED',
        `本企业已有一件白名单准入申请在办（${holder.caseId}）`,
        `An admission application of the enterprise is already open (${holder.caseId})`,
      );
  }
}
