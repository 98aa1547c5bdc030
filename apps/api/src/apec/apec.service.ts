import { randomUUID } from 'node:crypto';
import { enterpriseOutOfScope } from '../auth/case-scope.service';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { delegationWorkflowId, type Actor, type DelegationInput } from '@df/contracts';
import {
  afterTodayProblem,
  isBlank,
  isStatedReason,
  REASON_WORDS_MESSAGE,
  withinHorizonProblem,
  MAX_DEPARTURE_AHEAD_DAYS,
  APEC_CARD_DEFINITION,
  cardApplicationFacts,
  cardApplicationRefusal,
  cardsBarringApplication,
  holdsCardMessage,
  COUNTRIES,
  NOT_ABROAD,
  unknownCountryMessage,
  countryLabel,
  EXIT_REASONS,
  EXIT_REASON_LABELS,
  EXITS_NEEDING_ADMISSION,
  GOVERNMENT_TIE_LABELS,
  GOVERNMENT_UNIT_ROLES,
  joinLabels,
  NON_DELEGATION_VERSIONS,
  mayApplyForCards,
  renewalOpensOn,
  shanghaiDate,
  PERSON_STATUS_LABELS,
  CARD_STATUS_LABELS,
  type ExitReason,
  type GovernmentTie,
  type Label,
  type RegisteredUnit,
} from '@df/domain';
import {
  ApecRepository,
  RegistriesRepository,
  StandingBusyError,
  WhitelistTransitionError,
  type ApecCard,
  type ApplicationClaim,
  type Enterprise,
} from '@df/persistence';
import type { ServiceConfig } from '@df/runtime';
import { API_CONFIG } from '../api.options';
import { seesAllUnits, type AuthUser } from '../auth/access';
import { echo } from '../common/echo';
import { DomainError, domainError, ruleRefusal, type FieldError } from '../common/errors';
import { enumChoices } from '../common/enum-choices';
import { assertKnownUnit, storedUnitCode } from '../common/unit-filter';
import { isUuid } from '../common/uuid';
import { assertText, parseOrThrow, parsePathParam } from '../common/validation';
import { assertRegisteredClerk } from '../common/registered-clerk';
import { fingerprint, IdempotencyService, scopedKey } from '../delegations/idempotency.service';
import { JsonLogger } from '../common/json-logger';
import { startCaseWorkflow, storeFirstAnswer } from '../delegations/start-case';
import { isDefiniteRefusal, toDomainError, unknownOutcome } from '../delegations/temporal-errors';
import type { Replayable } from '../delegations/delegations.service';
import { notAnEnterprise } from './enterprise-refusal';
import { TemporalClientService } from '../temporal/temporal-client.provider';
import {
  AdmissionSchema,
  ApplicationSchema,
  CardStatusSchema,
  CardsQuerySchema,
  EnterpriseSchema,
  EnterprisesQuerySchema,
  WhitelistMovePathSchema,
  WhitelistMoveSchema,
  CardKeySchema,
} from './schemas';
import { code as UnitCodeSchema } from '../registries/schemas';
import { deadHolders } from './claims';
import { startReviewReminder } from './review-reminder';
import { stopCardApplications } from './stop-applications';

export interface ApplicationResponse {
  caseId: string;
  workflowId: string;
  process: 'apec-card';
  status: 'open';
  submittedAt: string;
}

const today = (): string => shanghaiDate(Date.now());
const fieldError = (field: string, rule: string, zh: string, en: string): FieldError => ({ field, rule, message: { zh, en } });

/** Enterprises, the whitelist, card applications and the cards registry (issue 17); rules in libs/domain/src/definition/apec-card.ts. */
@Injectable()
export class ApecService {
  private readonly repo: ApecRepository;

  constructor(
    @Inject(API_CONFIG) private readonly config: ServiceConfig,
    private readonly db: DataSource,
    private readonly registries: RegistriesRepository,
    private readonly temporal: TemporalClientService,
    private readonly idempotency: IdempotencyService,
    private readonly logger: JsonLogger,
  ) {
    this.repo = new ApecRepository(db);
  }

  // -------------------------------------------------------------------------------------------
  // Enterprises and the whitelist

  async putEnterprise(rawUnit: string, body: unknown) {
    const unit = parsePathParam(UnitCodeSchema, rawUnit, 'unit');
    const e = parseOrThrow(EnterpriseSchema, body);
    if (!(await this.registries.unit(unit)))
      throw domainError(
        'NOT_FOUND',
        `没有备案单位 ${echo(unit)}（请先开户备案）`,
        `No registered unit ${echo(unit)} (register the unit first)`,
      );
    // An enterprise is not a government unit (GOVERNMENT_TIES): not one of the office's departments, nor a unit that
    // sent delegations (trial: the FAO and the bureau of commerce were registered as card enterprises, with no way back),
    // has users of a government role (trial: a bureau that never sent a delegation was registered) or stands in the
    // government hierarchy. Once an enterprise, its entry is updated as before.
    if (!(await this.repo.enterprise(unit))) {
      const ties: GovernmentTie[] = [
        ...(this.config.officeUnits.includes(unit.toLowerCase()) ? (['office-unit'] as const) : []),
        ...(await this.repo.governmentTies(unit, NON_DELEGATION_VERSIONS, GOVERNMENT_UNIT_ROLES)),
      ];
      if (ties.length > 0) {
        const why = joinLabels(ties.map((t) => GOVERNMENT_TIE_LABELS[t]));
        throw new DomainError(
          'INVALID_REQUEST',
          {
            zh: `单位 ${echo(unit)} 是机关单位，不能登记为APEC卡企业`,
            en: `Unit ${echo(unit)} is a government unit, not an APEC card enterprise`,
          },
          {
            errors: [
              fieldError(
                'path.unit',
                'government-unit',
                `机关单位不能登记为企业：${why.zh}`,
                `A government unit is not an enterprise: ${why.en}`,
              ),
            ],
          },
        );
      }
    }
    await this.standingWrite(() => this.repo.putEnterprise({ unit, ...e }, this.standingHoldLapseMs()));
    return this.enterpriseView(unit);
  }

  /**
   * The enterprises list (APEC desk, manager): latest change first, filtered by ownership, size, whitelist state
   * and a search; `{items, total, page, pageSize}`. Each line says whether the enterprise may apply now.
   */
  async enterprises(rawQuery: unknown) {
    const q = parseOrThrow(EnterprisesQuerySchema, rawQuery ?? {}, ['query']);
    const { items, total } = await this.repo.enterprises(
      {
        ...(q.ownership ? { ownership: q.ownership } : {}),
        ...(q.size ? { size: q.size } : {}),
        ...(q.whitelist ? { whitelist: q.whitelist } : {}),
        ...(q.q ? { q: q.q } : {}),
      },
      { offset: (q.page - 1) * q.pageSize, limit: q.pageSize },
    );
    return {
      items: items.map((e) => ({ ...e, mayApply: mayApplyForCards(e.ownership, e.whitelist?.state ?? null) })),
      total,
      page: q.page,
      pageSize: q.pageSize,
    };
  }

  async getEnterprise(user: AuthUser, rawUnit: string) {
    const unit = parsePathParam(UnitCodeSchema, rawUnit, 'unit');
    if (!seesAllUnits(user) && user.unit !== unit) throw enterpriseOutOfScope();
    return this.enterpriseView(unit);
  }

  /** The whitelist criteria (data) at the thresholds of the enterprise's size; admitted or refused with each failure. */
  async admit(user: AuthUser, rawUnit: string, body: unknown) {
    const unit = parsePathParam(UnitCodeSchema, rawUnit, 'unit');
    const application = parseOrThrow(AdmissionSchema, body);
    const result = await this.whitelistCall(unit, () => this.repo.applyForWhitelist(unit, application, user.id, today()));
    const reviewReminder = result.admitted ? await this.scheduleReview(result.enterprise) : undefined;
    return {
      admitted: result.admitted,
      failures: result.failures,
      enterprise: await this.enterpriseView(unit),
      ...(reviewReminder ? { reviewReminder } : {}),
    };
  }

  /**
   * suspend, lift, exit (with its reason) or readmit. An exit stops the enterprise's open card applications with
   * the reason on record; a repeated exit (same reason) only stops what is still open, so a stop that could not
   * reach a case is retried by sending the same request again (503 until every case is reached). A move the
   * document does not declare is 400 `enum` at `path.move` (it answered 404, twenty-first trial).
   */
  async move(user: AuthUser, rawUnit: string, rawMove: string, body: unknown) {
    const unit = parsePathParam(UnitCodeSchema, rawUnit, 'unit');
    const move = parsePathParam(WhitelistMovePathSchema, rawMove, 'move');
    const req = parseOrThrow(WhitelistMoveSchema, body ?? {});
    if (move === 'exit' && !req.reason)
      throw new DomainError(
        'INVALID_REQUEST',
        { zh: '退出须说明原因', en: 'An exit needs its reason' },
        {
          errors: [
            fieldError(
              'reason',
              'required',
              `必填，取值须为：${enumChoices(EXIT_REASONS).zh}`,
              `Required, one of: ${enumChoices(EXIT_REASONS).en}`,
            ),
          ],
        },
      );
    if (move === 'readmit' && (req.note === undefined || isBlank(req.note)))
      throw new DomainError(
        'INVALID_REQUEST',
        { zh: '重新准入须说明依据', en: 'A re-admission states its basis' },
        { errors: [fieldError('note', 'required', '必填：重新准入的依据', 'Required: the basis of the re-admission')] },
      );
    // …which says something (isStatedReason: not 。 nor a bare 同意), as every required reason.
    if (move === 'readmit' && req.note !== undefined && !isStatedReason(req.note))
      throw new DomainError(
        'INVALID_REQUEST',
        { zh: '重新准入须说明依据', en: 'A re-admission states its basis' },
        { errors: [fieldError('note', 'reason-words', REASON_WORDS_MESSAGE.zh, REASON_WORDS_MESSAGE.en)] },
      );
    const before = await this.repo.enterprise(unit);
    if (!before) throw notAnEnterprise('NOT_FOUND', unit, await this.registries.unit(unit));
    const exitReason = before.whitelist?.state === 'exited' ? (before.whitelist.reason as ExitReason | null) : null;
    if (move === 'readmit' && exitReason && EXITS_NEEDING_ADMISSION.includes(exitReason))
      throw domainError(
        'ACTION_NOT_ALLOWED',
        `因${EXIT_REASON_LABELS[exitReason].zh}退出白名单的企业须重新进行准入评估（准入：注册资本、外贸额、纳税信用等级与信用记录），不能直接重新准入`,
        `An enterprise that left the whitelist for ${EXIT_REASON_LABELS[exitReason].en} comes back only by a new admission (its figures evaluated against the criteria), not a bare re-admission`,
      );
    const repeatExit = move === 'exit' && before.whitelist?.state === 'exited' && before.whitelist.reason === req.reason;
    if (!repeatExit)
      await this.whitelistCall(unit, () =>
        this.repo.moveWhitelist(unit, move, {
          ...(req.reason ? { reason: req.reason } : {}),
          ...(req.note ? { note: req.note } : {}),
          actorId: user.id,
          today: today(),
          holdLapseMs: this.standingHoldLapseMs(),
        }),
      );
    const reviewReminder = move === 'readmit' ? await this.scheduleReview((await this.repo.enterprise(unit))!) : undefined;
    let stoppedCases: string[] = [];
    let keptCases: string[] = [];
    if (move === 'exit') {
      // A case with a card registered (K07) is past stopping: its cards are issued and valid in the registry, as the
      // enterprise's earlier cards stay (an exit revokes no card; the desk marks one cancelled from the registry). It
      // goes on to hand them over, and the exit's history row names it (keptCases). The others are stopped.
      const { open, registered } = await this.repo.openApplications(unit);
      keptCases = registered;
      if (registered.length > 0) await this.repo.recordKeptCases(unit, registered);
      const by: Actor = { id: user.id, role: user.role, unit: user.unit, name: user.name };
      let result: { stopped: string[]; failed: string[] };
      try {
        result = await stopCardApplications(await this.temporal.client(), open, by, req.reason as ExitReason, req.note);
      } catch {
        result = { stopped: [], failed: open };
      }
      stoppedCases = result.stopped;
      if (stoppedCases.length > 0)
        await this.repo.recordStoppedCases(unit, [...new Set([...(await this.lastStopped(unit)), ...stoppedCases])]);
      if (result.failed.length > 0)
        throw domainError(
          'TEMPORAL_UNAVAILABLE',
          `企业已退出白名单，但有${result.failed.length}件申请未能终止：请以相同请求重试`,
          `The enterprise has left the whitelist but ${result.failed.length} application(s) could not be stopped: retry with the same request`,
        );
    }
    return {
      enterprise: await this.enterpriseView(unit),
      stoppedCases,
      ...(move === 'exit' ? { keptCases } : {}),
      ...(reviewReminder ? { reviewReminder } : {}),
    };
  }

  /**
   * The annual review reminder's timer for the enterprise's review day. The admission is already recorded:
   * Temporal being down does not undo it; the answer says the reminder is not scheduled (reviewsDue lists it).
   */
  private async scheduleReview(e: Enterprise): Promise<'scheduled' | 'not-scheduled'> {
    const dueOn = e.whitelist?.reviewDueOn;
    if (!dueOn) return 'not-scheduled';
    try {
      await startReviewReminder(await this.temporal.client(), this.config.taskQueue, e.unit, dueOn);
      return 'scheduled';
    } catch {
      return 'not-scheduled';
    }
  }

  private async lastStopped(unit: string): Promise<string[]> {
    return (await this.repo.whitelistHistory(unit)).filter((h) => h.action === 'exited').at(-1)?.stoppedCases ?? [];
  }

  /** A standing hold never released lapses after the API's longest Update wait, twice over (apec.repository.ts). */
  private standingHoldLapseMs(): number {
    return 2 * this.config.apiUpdateTimeoutMs;
  }

  /**
   * A change of the enterprise's standing (a whitelist move, its ownership) made once no card step is going forward on
   * it (holdStanding); after 5 s of steps in flight, 409 ACTION_NOT_ALLOWED `card-step-in-flight` with Retry-After 1,
   * nothing changed (eleventh trial: a suspension and a K01-K04 completion at one instant were both accepted).
   */
  private async standingWrite<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof StandingBusyError)) throw err;
      const label = {
        zh: '该企业的APEC卡申请正在办理一个步骤：本次变更未生效，请稍后以相同请求重试',
        en: "A step of the enterprise's card application is being recorded at this moment: nothing was changed; retry the same request in a moment",
      };
      throw new DomainError('ACTION_NOT_ALLOWED', label, {
        retryAfterSeconds: 1,
        errors: [{ field: 'path.unit', rule: 'card-step-in-flight', message: label }],
      });
    }
  }

  private async whitelistCall<T>(unit: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await this.standingWrite(fn);
    } catch (err) {
      if (!(err instanceof WhitelistTransitionError)) throw err;
      // The unit by its registered name, as every refusal names a unit (the repository knows only the code).
      if (err.code === 'NOT_AN_ENTERPRISE') throw notAnEnterprise('NOT_FOUND', unit, await this.registries.unit(unit));
      throw new DomainError('ACTION_NOT_ALLOWED', err.label);
    }
  }

  private async enterpriseView(unit: string) {
    const [e, registered] = await Promise.all([this.repo.enterprise(unit), this.registries.unit(unit)]);
    if (!e) throw notAnEnterprise('NOT_FOUND', unit, registered);
    const applyRefusal = cardApplicationRefusal(e.ownership, e.whitelist?.state ?? null);
    return {
      ...e,
      // The unit's names from the registry (an enterprise is a registered unit), so a page never shows the bare code.
      nameZh: registered?.nameZh ?? null,
      nameEn: registered?.nameEn ?? null,
      mayApply: applyRefusal === null,
      applyRefusal,
      history: await this.repo.whitelistHistory(unit),
    };
  }

  // -------------------------------------------------------------------------------------------
  // Card applications

  /**
   * Starts a card application (the `delegation` workflow with the card definition) for applicants of the
   * clerk's own enterprise roster and full APEC card economies; only a state or whitelisted enterprise may apply.
   * Once per Idempotency-Key, as a delegation's submission.
   */
  async apply(user: AuthUser, body: unknown, clientKey: string | undefined): Promise<Replayable<ApplicationResponse>> {
    assertText(body);
    const req = parseOrThrow(ApplicationSchema, body);
    const [enterprise, registered] = await Promise.all([this.repo.enterprise(user.unit), this.registries.unit(user.unit)]);
    if (registered) assertRegisteredClerk(registered, user); // who applies, before what the enterprise may
    this.assertMayApply(user.unit, enterprise, registered);
    const unit = registered!;
    const errors: FieldError[] = [];
    const people = new Map((await this.registries.people({ ids: req.personIds })).map((p) => [p.personId, p]));
    req.personIds.forEach((id, i) => {
      const p = people.get(id);
      if (!p || p.unit !== user.unit)
        errors.push(
          fieldError(
            `personIds[${i}]`,
            'registered-person',
            `本企业人员名册中没有 ${echo(id)}`,
            `No person ${echo(id)} on your enterprise's roster`,
          ),
        );
      else if (p.status !== 'active')
        errors.push(
          fieldError(
            `personIds[${i}]`,
            'active-person',
            `${echo(id)} 状态为${PERSON_STATUS_LABELS[p.status].zh}`,
            `${echo(id)} is not active (${PERSON_STATUS_LABELS[p.status].en})`,
          ),
        );
      if (req.personIds.indexOf(id) !== i)
        errors.push(fieldError(`personIds[${i}]`, 'unique', `${echo(id)} 重复`, `${echo(id)} is listed twice`));
    });
    req.economies.forEach((c, i) => {
      const shown = economyLabel(c);
      // Hong Kong, Macao and Taiwan are not 出国 for a mainland official, whatever APEC calls them: said so (thirtieth
      // trial: HK read 未知代码).
      const why = NOT_ABROAD[c]
        ? unknownCountryMessage(c)
        : { zh: `${shown.zh}不是可预审的APEC卡经济体`, en: `${shown.en} is not a full APEC card economy (no pre-clearance)` };
      if (!COUNTRIES[c]?.apec) errors.push(fieldError(`economies[${i}]`, 'apec-economy', why.zh, why.en));
      if (req.economies.indexOf(c) !== i)
        errors.push(fieldError(`economies[${i}]`, 'unique', `${shown.zh}重复`, `${shown.en} is listed twice`));
    });
    // After today, and within the planning horizon a case's departure has (the engine refuses a start beyond it:
    // new-user trial, an application needed by 2099 started a case that failed at once and held its applicants).
    const late =
      afterTodayProblem('neededBy', req.neededBy, today()) ??
      withinHorizonProblem('neededBy', req.neededBy, today(), MAX_DEPARTURE_AHEAD_DAYS);
    if (late) errors.push(late);
    const key = clientKey ? scopedKey(user, clientKey) : undefined;
    const renewed = req.renews !== undefined ? await this.renewedCard(user.unit, req.renews, req.personIds, errors) : null;
    errors.push(...(await this.cardHolderErrors(req.personIds, people, req.renews)));
    if (errors.length > 0) throw ruleRefusal(errors);

    const facts = cardApplicationFacts({
      unit: user.unit,
      enterpriseName: unit.nameZh,
      applicants: req.personIds.map((id) => {
        const p = people.get(id)!;
        return { personId: p.personId, name: p.name, position: p.position, rank: p.rank };
      }),
      economies: req.economies,
      neededBy: req.neededBy,
    });
    // A renewal: the applicant's current card is case data (Member.apecCard); K07 cancels it, replaced by the new one.
    if (renewed)
      facts.members = facts.members.map((m) =>
        m.personId === renewed.holder
          ? { ...m, apecCard: { number: renewed.number, expiresOn: renewed.validUntil, economies: renewed.economies } }
          : m,
      );
    if (key) {
      const claim = await this.idempotency.claim<ApplicationResponse>(key, user, fingerprint(user, 'apec-apply', body));
      if (claim.state === 'done') return { ...claim.replay, replayed: true };
    }
    const caseId = key ?? randomUUID();
    const workflowId = delegationWorkflowId(caseId);
    const submittedAt = new Date().toISOString();
    // One open application per person and one renewal per card, race-free: every applicant's claim and the
    // renewed card's are taken in one transaction before the case starts (all or none).
    const claim = await this.claimApplication(caseId, req.personIds, renewed?.number).catch((err: unknown) => {
      throw unknownOutcome(err, key !== undefined);
    });
    if (!claim.claimed) {
      if (key) await this.idempotency.release(key);
      throw ruleRefusal(this.pendingErrors(req.personIds, people, claim));
    }
    // Again under the claims: a card registered by the applicant's previous case, closed since the check above (its
    // claim lapsed with it), bars this one too. Nothing started: the claims and the key go.
    const holding = await this.cardHolderErrors(req.personIds, people, req.renews);
    if (holding.length > 0) {
      await this.repo.releaseApplication(caseId, req.personIds, renewed?.number);
      if (key) await this.idempotency.release(key);
      throw ruleRefusal(holding);
    }
    try {
      const input: DelegationInput = {
        caseId,
        facts,
        definition: APEC_CARD_DEFINITION,
        ...(this.config.workingDaySeconds !== undefined ? { workingDaySeconds: this.config.workingDaySeconds } : {}),
        submittedBy: { id: user.id, role: user.role, unit: user.unit, name: user.name },
        submittedAt,
      };
      const { started } = await startCaseWorkflow(this.temporal, this.config.taskQueue, workflowId, input, key !== undefined);
      // The case page answers at once, as for a trip.
      if (started) await storeFirstAnswer(this.db.manager, this.config, this.logger, input, Date.parse(submittedAt));
      const response: ApplicationResponse = { caseId, workflowId, process: 'apec-card', status: 'open', submittedAt };
      const stored = key ? await this.idempotency.complete(key, 201, response, caseId) : { status: 201, body: response };
      return { ...stored, replayed: stored.body !== response };
    } catch (err) {
      if (isDefiniteRefusal(err)) {
        if (key) await this.idempotency.release(key);
        // Nothing runs for this case: its claims on the applicants and the renewed card go too.
        await this.repo.releaseApplication(caseId, req.personIds, renewed?.number).catch(() => undefined);
      }
      throw isDefiniteRefusal(err) ? toDomainError(err) : unknownOutcome(err, key !== undefined);
    }
  }

  /**
   * Claims the application's applicants and renewed card for `caseId` (ApecRepository.claimApplication): all
   * taken, or none and their holders. A holder whose case never started (an earlier start with an unknown
   * outcome that was not retried: unlisted after CLAIM_STALE_MS and unknown to Temporal) is taken over by a
   * second claim naming it dead; one Temporal cannot answer for keeps its claim.
   */
  private async claimApplication(caseId: string, personIds: readonly string[], renewsCard: string | undefined): Promise<ApplicationClaim> {
    const opts = renewsCard !== undefined ? { renewsCard } : {};
    const first = await this.repo.claimApplication(caseId, personIds, opts);
    if (first.claimed) return first;
    const dead = await deadHolders(this.temporal, [...first.applicants.values(), ...(first.renewal ? [first.renewal] : [])]);
    return dead.length > 0 ? this.repo.claimApplication(caseId, personIds, { ...opts, deadCases: dead }) : first;
  }

  /**
   * The 422 field errors of an application whose claims are held by other open applications: `personIds[i]`
   * `application-pending` per applicant (by name and id; one open card application per person), and `renews`
   * `renewal-pending` (one renewal per card). Each names the holding case by its whole id: a prefix such as
   * b3391084 reads as a passport number to the masking of free text (and was masked for the clerk), a UUID is an id.
   */
  private pendingErrors(
    personIds: readonly string[],
    people: ReadonlyMap<string, { name: string }>,
    claim: Extract<ApplicationClaim, { claimed: false }>,
  ): FieldError[] {
    const errors: FieldError[] = [];
    personIds.forEach((id, i) => {
      const holder = claim.applicants.get(id);
      if (!holder) return;
      const name = people.get(id)?.name ?? id;
      errors.push(
        fieldError(
          `personIds[${i}]`,
          'application-pending',
          `${name}（${id}）已有办理中的APEC卡申请（${holder.caseId}）`,
          `${name} (${id}) already has an open APEC card application (${holder.caseId})`,
        ),
      );
    });
    if (claim.renewal)
      errors.push(
        fieldError(
          'renews',
          'renewal-pending',
          `该卡已有办理中的续办申请（${claim.renewal.caseId}）`,
          `The card is already being renewed by an open application (${claim.renewal.caseId})`,
        ),
      );
    return errors;
  }

  /**
   * `personIds[i]` `holds-card` for each applicant holding a usable card other than the one renewed
   * (cardsBarringApplication): one valid card per person, renewed in its window, never a second beside it.
   */
  private async cardHolderErrors(
    personIds: readonly string[],
    people: ReadonlyMap<string, { name: string }>,
    renews: string | undefined,
  ): Promise<FieldError[]> {
    const cards = await this.repo.cards({ holders: [...new Set(personIds)] });
    const errors: FieldError[] = [];
    personIds.forEach((id, i) => {
      const [held] = cardsBarringApplication(
        cards.filter((c) => c.holder === id),
        today(),
        renews,
      );
      if (!held) return;
      const message = holdsCardMessage({ name: people.get(id)?.name ?? id, personId: id }, held);
      errors.push({ field: `personIds[${i}]`, rule: 'holds-card', message });
    });
    return errors;
  }

  /**
   * The card a renewal application names (`renews`: its ref or number): the enterprise's card (else 400
   * `registered-card`, whether or not another enterprise holds it), held by one of the applicants
   * (`card-holder`), not expired and `renewal-open` or `valid` within the 6 months before its expiry
   * (`renewable`; the renewal window of process.md). Errors are added to `errors`; the card when it passes. That
   * no other application renews it (`renewal-pending`) is the claim's to say (claimApplication), after these.
   */
  private async renewedCard(unit: string, cardKey: string, personIds: readonly string[], errors: FieldError[]): Promise<ApecCard | null> {
    const card = isUuid(cardKey) ? await this.repo.cardByRef(cardKey.toLowerCase()) : await this.repo.card(cardKey);
    if (!card || card.unit !== unit) {
      errors.push(fieldError('renews', 'registered-card', '本企业没有这张卡', 'No such card of your enterprise'));
      return null;
    }
    if (!personIds.includes(card.holder)) {
      errors.push(
        fieldError('renews', 'card-holder', '续办的卡须为申请人之一所持', 'The card renewed must be held by one of the applicants'),
      );
      return null;
    }
    const day = today();
    const inWindow =
      card.validUntil >= day && (card.status === 'renewal-open' || (card.status === 'valid' && day >= renewalOpensOn(card.validUntil)));
    if (!inWindow) {
      const why =
        card.validUntil < day
          ? {
              zh: `该卡已于 ${card.validUntil} 过期：请作为新申请提交`,
              en: `The card expired on ${card.validUntil}: apply for a new card instead`,
            }
          : card.status === 'lost' || card.status === 'cancelled'
            ? {
                zh: `该卡${CARD_STATUS_LABELS[card.status].zh}，不能续办`,
                en: `The card is ${CARD_STATUS_LABELS[card.status].en.toLowerCase()}: it cannot be renewed`,
              }
            : {
                zh: `有效期至 ${card.validUntil}，${renewalOpensOn(card.validUntil)} 起方可续办`,
                en: `Valid until ${card.validUntil}: renewal opens on ${renewalOpensOn(card.validUntil)}`,
              };
      errors.push(fieldError('renews', 'renewable', why.zh, why.en));
      return null;
    }
    return card;
  }

  private assertMayApply(unit: string, e: Enterprise | null, registered: RegisteredUnit | null): asserts e is Enterprise {
    if (!e) throw notAnEnterprise('RULE_VIOLATION', unit, registered);
    const refusal = cardApplicationRefusal(e.ownership, e.whitelist?.state ?? null);
    if (refusal)
      throw domainError('RULE_VIOLATION', refusal.zh, refusal.en, {
        errors: [fieldError('unit', 'whitelist', '企业须在白名单内', 'The enterprise must be on the whitelist')],
      });
  }

  // -------------------------------------------------------------------------------------------
  // Cards

  async cards(user: AuthUser, rawQuery: unknown) {
    const parsed = parseOrThrow(CardsQuerySchema, rawQuery, ['query']);
    const unitFilter = await storedUnitCode(this.registries, parsed.unit);
    const q = { ...parsed, unit: unitFilter.code };
    if (!seesAllUnits(user) && q.unit !== undefined && q.unit !== user.unit) throw enterpriseOutOfScope();
    assertKnownUnit(unitFilter);
    const unit = seesAllUnits(user) ? q.unit : user.unit;
    const cards = await this.repo.cards(unit !== undefined ? { unit } : {});
    const names = new Map(
      (await this.registries.people({ ids: [...new Set(cards.map((c) => c.holder))] })).map((p) => [p.personId, p.name]),
    );
    return { items: cards.map((c) => this.cardView(c, names.get(c.holder) ?? null)) };
  }

  /** `card`: the card's number or its `ref` (a UUID: what a masked view names it by). 404 for neither. */
  async setCardStatus(rawKey: string, body: unknown) {
    const cardKey = parsePathParam(CardKeySchema, rawKey, 'number');
    const req = parseOrThrow(CardStatusSchema, body);
    const card = isUuid(cardKey) ? await this.repo.cardByRef(cardKey.toLowerCase()) : await this.repo.card(cardKey);
    if (!card) throw domainError('NOT_FOUND', '没有这张卡', 'No such card');
    const number = card.number;
    if (card.status === 'lost' || card.status === 'cancelled')
      throw domainError(
        'ACTION_NOT_ALLOWED',
        `卡片${CARD_STATUS_LABELS[card.status].zh}，不能再变更`,
        `The card is already ${CARD_STATUS_LABELS[card.status].en.toLowerCase()}: it cannot change again`,
      );
    const updated = (await this.repo.setCardStatus(number, req.status, req.reason))!;
    return this.cardView(updated, (await this.registries.person(updated.holder))?.name ?? null);
  }

  private cardView(c: ApecCard, holderName: string | null) {
    return {
      apecCardNumber: c.number,
      holder: c.holder,
      holderName,
      unit: c.unit,
      economies: c.economies,
      issuedOn: c.issuedOn,
      validUntil: c.validUntil,
      renewalOpensOn: renewalOpensOn(c.validUntil),
      status: c.status,
      statusReason: c.statusReason,
      renewalOpenedAt: c.renewalOpenedAt,
      caseId: c.caseId,
      // A container of the card-number class: masked like the card's own number.
      replacedBy: c.replacedBy ? { apecCardNumber: c.replacedBy } : null,
      ref: c.ref,
    };
  }
}

/** Economies outside the destinations table that an application may still name: the home economy. */
const HOME_ECONOMIES: Readonly<Record<string, Label>> = { CN: { zh: '中国', en: 'China' } };

/**
 * An economy as a refusal names it: its name with the code (`美国（US）` / `United States (US)`), from the
 * destinations table (countryLabel) or the home economy; a code no table knows is marked so (`ZZ（未知代码）`).
 */
export function economyLabel(code: string): Label {
  const known = countryLabel(code);
  const name = known.zh !== code ? known : (HOME_ECONOMIES[code] ?? NOT_ABROAD[code]);
  return name ? { zh: `${name.zh}（${code}）`, en: `${name.en} (${code})` } : { zh: `${code}（未知代码）`, en: `${code} (unknown code)` };
}
