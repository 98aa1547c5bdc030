import { Injectable } from '@nestjs/common';
import { ApplicationFailure } from '@temporalio/common';
import { DataSource } from 'typeorm';
import {
  APEC_CARD_DEFINITION,
  APEC_WHITELIST_DEFINITION,
  checkMemberFrequency,
  checkTripRules,
  duplicatePersonViolations,
  isPassportNumber,
  normalPassportNumber,
  outlastedPassports,
  PASSPORT_STATE_LABELS,
  passportValid,
  personKey,
  tripsOf,
  custodyMovePassport,
  type Label,
  shanghaiDate,
  STEP_BEHAVIOURS,
  type CaseFacts,
} from '@df/domain';
import type {
  ApecActivities as ApecActivitiesContract,
  ChainActivities,
  CustodyActivities,
  EscalationRecord,
  PassportCustodyInput,
  StepDataValue,
  SystemStepInput,
  SystemStepResult,
} from '@df/contracts';
import {
  memberTripHistory,
  withholdTrips,
  PassportHeldError,
  PassportTransitionError,
  plannedTripClaimOf,
  RegistriesRepository,
  RegistryDateError,
} from '@df/persistence';
import { ApecActivities } from './apec.activities';
import { announceTripFreed } from './trip-freed';

/** The card definition's steps the card registration reads: the issue step it waits for and the per-economy pre-clearance. */
const APEC_CARD_STEPS = {
  issue: APEC_CARD_DEFINITION.steps.find((s) => s.behaviour?.system === 'apec-card-register')!.needs[0]!,
  preclearance: APEC_CARD_DEFINITION.steps.find((s) => s.durationSource === 'apec-preclearance')!.code,
};
/** The whitelist admission's filing step, whose figures the decision evaluates. */
const APEC_WHITELIST_FILING = APEC_WHITELIST_DEFINITION.steps.find((s) => s.behaviour?.data === 'admission-application')!.code;

export { personKey };

@Injectable()
export class ChainActivitiesService implements ChainActivities, CustodyActivities, ApecActivitiesContract {
  private readonly registries: RegistriesRepository;

  private readonly apec: ApecActivities;

  constructor(private readonly db: DataSource) {
    this.registries = new RegistriesRepository(db);
    this.apec = new ApecActivities(db);
  }

  /** A whitelisted enterprise's annual review is near (workflows/apec-renewal.workflow.ts). */
  async remindWhitelistReview(input: { unit: string; dueOn: string }): Promise<{ reminded: boolean }> {
    return this.apec.remindWhitelistReview(input);
  }

  /** The APEC card's renewal timer fired (workflows/apec-renewal.workflow.ts). */
  async openCardRenewal(input: { number: string }): Promise<{ status: string | null }> {
    return this.apec.openCardRenewal(input);
  }

  async runSystemStep(input: SystemStepInput): Promise<SystemStepResult> {
    switch (input.system ?? STEP_BEHAVIOURS[input.code]?.system) {
      case 'annual-plan': {
        // A01: the trip against the unit's registered plan for its departure year (docs/registries.md).
        // A planned trip covers one delegation: those other cases of the unit hold are no longer free, and this one's
        // is held for it (claimPlannedTrip), atomically with the read.
        const held = await plannedTripClaimOf(this.db.manager, input.caseId);
        const match = await this.registries.claimPlannedTrip(input.facts, input.caseId);
        const year = Number(input.facts.departureDate.slice(0, 4));
        if (held && !(match.outcome === 'planned' && match.tripId === held.tripId && year === held.year))
          await announceTripFreed(this.db.manager, input.caseId, held);
        // The trip it holds when planned; over the plan, the trips it was compared with (it holds none of them: a
        // reviewer reading `planTripId` beside over-plan took it for the case's own, twentieth trial).
        const trips: Record<string, StepDataValue> =
          match.outcome === 'planned'
            ? { planTripId: match.tripId }
            : match.outcome === 'over-plan'
              ? { planComparedWith: match.comparedWith }
              : {};
        return { note: match.message, data: { planOutcome: match.outcome, ...trips } };
      }
      case 'trip-rules':
        // An activity: its answer is recorded, so a rule added here changes no replay (duplicatePersonViolations).
        return {
          violations: [
            ...checkTripRules(input.facts, input.settings?.rules),
            ...duplicatePersonViolations(input.facts.members, { comparingHeld: true }),
          ],
        };
      case 'frequency':
        return { violations: await this.frequency(input) };
      case 'approval-document':
        return { documentNo: await this.issueApprovalDocument(input.caseId, input.at) };
      case 'apec-card-register':
        return this.apec.registerCard(input, APEC_CARD_STEPS.issue, APEC_CARD_STEPS.preclearance);
      case 'apec-whitelist-decide':
        return this.apec.decideWhitelist(input, APEC_WHITELIST_FILING);
      case undefined:
        throw ApplicationFailure.nonRetryable(`no system work declared for step ${input.code}`, 'UnknownSystemStep');
    }
  }

  private async frequency(input: SystemStepInput) {
    const member = input.facts.members.find((m) => m.id === input.memberId);
    if (!member) throw ApplicationFailure.nonRetryable(`member ${input.memberId} not in the case`, 'UnknownMember');
    // The same history the API reads before a submission (memberTripHistory, libs/persistence): the trips under every
    // key of the person (openCaseKeys: person id, passport number, unit + name), the overlap rule's identity.
    // Its answer is read by the case's unit: another unit's trips count, undated (withholdTrips).
    const read = await memberTripHistory(this.db.manager, input.facts, [member], input.caseId);
    const history = withholdTrips(read, (trip) => trip.unit === input.facts.unit);
    return checkMemberFrequency(member, tripsOf(input.facts, member, history), input.facts, input.settings?.rules);
  }

  /**
   * 任务批件 number, one serial per year and one per issue (ApprovalDocumentEntity): B08 run again after an amendment
   * issues a new number (trial 83: each issue read 0001); a retry of the same run (`at`, its case time) returns the
   * number it already has.
   */
  private async issueApprovalDocument(caseId: string, at: string): Promise<string> {
    const year = Number(shanghaiDate(at).slice(0, 4));
    return this.db.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock($1)', [year]);
      await m.query(
        `INSERT INTO approval_documents (case_id, year, serial, document_no, issued_at)
         SELECT $1, $2, s, '外任批〔' || $2 || '〕' || lpad(s::text, 4, '0') || '号', $3
           FROM (SELECT COALESCE(MAX(serial), 0) + 1 AS s FROM approval_documents WHERE year = $2) next
         ON CONFLICT (case_id, issued_at) DO NOTHING`,
        [caseId, year, at],
      );
      const [row] = (await m.query('SELECT document_no FROM approval_documents WHERE case_id = $1 AND issued_at = $2', [
        caseId,
        at,
      ])) as Array<{ document_no: string }>;
      return row.document_no;
    });
  }

  /**
   * The custody ledger follows the chain (behaviour.custody, issue 14 item 3): C07 checks the member's passport
   * out for the case, P02 checks it back in, C06 cancels the replaced one. The passport is custodyMovePassport's (the
   * API checked before the completion that none waits for a passport out: custodyMoveWaitsFor). Idempotent (a passport
   * already moved is left as it is); a passport the ledger does not hold, or a move it refuses, is noted, not an error.
   */
  async passportCustody(input: PassportCustodyInput): Promise<{ number: string | null; note: Label }> {
    if (input.action === 'due-back') return this.passportDueBack(input);
    if (input.action === 'register') return this.registerNewPassport(input);
    if (input.action === 'supersede') return this.supersedeReplaced(input);
    if (input.action === 'cancel') return this.withOutlasted(input, await this.moveFactsPassport(input, input.action));
    return this.moveFactsPassport(input, input.action);
  }

  /** The move of the member's passport custodyMovePassport selects (C07 check-out, P02 check-in, C06 cancel). */
  private async moveFactsPassport(
    input: PassportCustodyInput,
    action: 'check-out' | 'check-in' | 'cancel',
  ): Promise<{ number: string | null; note: Label }> {
    const to = action === 'check-out' ? 'checked-out' : action === 'check-in' ? 'in-custody' : 'cancelled';
    const byNumber = input.passportNumber ? await this.registries.passport(input.passportNumber) : null;
    const held = input.personId ? await this.registries.passports({ holders: [input.personId] }) : [];
    const passport = custodyMovePassport(action, input.caseId, held, byNumber);
    if (!passport)
      return {
        number: null,
        note: {
          zh: `护照保管登记中没有成员 ${input.memberId} 的护照`,
          en: `The custody ledger holds no passport of member ${input.memberId}`,
        },
      };
    if (passport.state === to) {
      // Out for this case already (checked out by hand, or kept from the member's earlier place on the case): due back
      // with this trip, the day C07 would have set (fourth trial: a day chosen by hand, or a member-left day of a holder
      // added again, read the passport overdue before or during the trip).
      if (action === 'check-out' && input.dueBackOn && passport.caseId === input.caseId && passport.dueBackOn !== input.dueBackOn) {
        const moved = await this.registries.passportDueBack(
          passport.number,
          input.caseId,
          input.dueBackOn,
          { id: 'system', role: 'system' },
          `${input.key} (${input.caseId}): checked out for the trip`,
          true,
        );
        if (moved)
          return {
            number: passport.number,
            note: {
              zh: `护照已为本案借出，归还日期改为 ${input.dueBackOn}`,
              en: `Already out for the case: now due back by ${input.dueBackOn}`,
            },
          };
      }
      return { number: passport.number, note: { zh: '护照状态已登记', en: 'Already recorded in the ledger' } };
    }
    try {
      await this.registries.transitionPassport(
        passport.number,
        to,
        { caseId: input.caseId, dueBackOn: input.dueBackOn ?? null, note: `${input.key} (${input.caseId})` },
        { id: 'system', role: 'system' },
      );
    } catch (err) {
      // A move the ledger refuses (its state; another passport of the holder out: one valid per person) is noted.
      if (!(err instanceof PassportTransitionError) && !(err instanceof PassportHeldError)) throw err;
      return {
        number: passport.number,
        note: { zh: `护照状态不允许此变更：${err.label.zh}`, en: `The ledger refused the move: ${err.label.en}` },
      };
    }
    const done = PASSPORT_STATE_LABELS[to];
    return { number: passport.number, note: { zh: `护照${done.zh}`, en: `Passport: ${done.en}` } };
  }

  /**
   * C05 (custody 'register'): the new passport the step's completion recorded goes into custody for its holder, the
   * member's roster person. Idempotent: the holder's number already in the ledger is left as it is. Noted, never an
   * error (the chain does not wait for the ledger): a member not on a roster (the passport officer registers it by
   * hand), a number the ledger holds for someone else, and what the ledger refuses (one valid passport per person:
   * while another is out, or another than the one the case replaces is valid, the API's check passed by a C05 of
   * another case at once; issued before the holder's birth).
   */
  private async registerNewPassport(input: PassportCustodyInput): Promise<{ number: string | null; note: Label }> {
    const p = input.newPassport;
    if (!p) return { number: null, note: { zh: '未记录新护照', en: 'No new passport was recorded' } };
    const number = normalPassportNumber(p.number);
    const holder = input.personId ? await this.registries.person(input.personId) : null;
    if (!holder)
      return {
        number,
        note: {
          zh: `成员 ${input.memberId} 不在花名册中：新护照未自动入库，请护照管理处手工登记`,
          en: `Member ${input.memberId} is not on a roster: the new passport was not registered; the passport officer registers it by hand`,
        },
      };
    // The ledger's row for the number, if any: the holder's is as good as done (a retry), anyone else's is noted.
    const onFile = (row: { holder: string } | null) =>
      !row
        ? null
        : row.holder === holder.personId
          ? { number, note: { zh: '新护照已在保管登记中', en: 'Already in the custody ledger' } }
          : {
              number,
              note: {
                zh: `护照 ${number} 已登记在他人名下，未入库，请护照管理处核对`,
                en: `The ledger holds passport ${number} for someone else: not registered; the passport officer checks it`,
              },
            };
    const row = await this.registries.passport(number);
    // A retry after the registration: the holder's passports it replaces may not all have been cancelled yet.
    if (row?.holder === holder.personId) return this.withOutlasted(input, onFile(row)!);
    if (row) return onFile(row)!;
    try {
      const added = await this.registries.registerPassport(
        { number, type: 'official', issuedOn: p.issuedOn, expiresOn: p.expiresOn, holder: holder.personId },
        holder.unit,
        { id: 'system', role: 'system' },
        { replaces: this.factsNumber(input), ...(input.returnDate ? { returnDate: input.returnDate } : {}) },
      );
      // Another registration of the number won the race (its row is there: the ledger never deletes one).
      if (!added) {
        const won = await this.registries.passport(number);
        if (won?.holder === holder.personId) return this.withOutlasted(input, onFile(won)!);
        return onFile(won) ?? { number, note: { zh: '新护照未入库', en: 'Not registered' } };
      }
    } catch (err) {
      if (err instanceof PassportHeldError)
        return { number, note: { zh: `新护照未入库：${err.label.zh}`, en: `Not registered: ${err.label.en}` } };
      if (err instanceof RegistryDateError) {
        const [first] = err.problems;
        return {
          number,
          note: { zh: `新护照未入库：${first?.message.zh ?? ''}`, en: `Not registered: ${first?.message.en ?? ''}` },
        };
      }
      throw err;
    }
    return this.withOutlasted(input, { number, note: { zh: '新护照已入库保管', en: 'New passport taken into custody' } });
  }

  /**
   * The case closed between C05 and C06 (custody 'supersede'): the passport the new one replaced (`passportNumber`, the
   * member's in the facts) is cancelled, superseded, once the ledger holds the new one (`newPassport`) valid for the same
   * holder. Idempotent (one cancelled already is left as it is). Noted, never an error: the new one not in the ledger
   * (the old one stays the person's passport), the old one out on loan (the passport officer cancels it once back) or
   * not the holder's.
   */
  private async supersedeReplaced(input: PassportCustodyInput): Promise<{ number: string | null; note: Label }> {
    const fresh =
      input.newPassport && isPassportNumber(input.newPassport.number)
        ? await this.registries.passport(normalPassportNumber(input.newPassport.number))
        : null;
    const facts = this.factsNumber(input);
    const old = facts ? await this.registries.passport(facts) : null;
    const kept = {
      number: old?.number ?? null,
      note: { zh: '新护照不在保管登记中：原护照保留', en: 'The new passport is not in the custody ledger: the old one is kept' },
    };
    if (!fresh || fresh.number === old?.number || !passportValid(fresh, shanghaiDate(Date.now()))) return kept;
    if (!old)
      return this.withOutlasted(input, {
        number: null,
        note: { zh: '护照保管登记中没有被替换的护照', en: 'The custody ledger holds no replaced passport' },
      });
    if (fresh.holder !== old.holder) return kept;
    return this.withOutlasted(input, await this.supersedeOne(input, old, fresh.number));
  }

  /** The passport the case's facts name, as the ledger writes it; null when none (or not a passport number). */
  private factsNumber(input: PassportCustodyInput): string | null {
    return input.passportNumber && isPassportNumber(input.passportNumber) ? normalPassportNumber(input.passportNumber) : null;
  }

  /** `old` cancelled as superseded by `by` (supersedeReplaced); noted, never an error. */
  private async supersedeOne(
    input: PassportCustodyInput,
    old: { number: string; state: string },
    by: string,
  ): Promise<{ number: string | null; note: Label }> {
    if (old.state === 'cancelled' || old.state === 'lost')
      return { number: old.number, note: { zh: '护照状态已登记', en: 'Already recorded in the ledger' } };
    if (old.state === 'checked-out')
      return {
        number: old.number,
        note: {
          zh: `原护照已借出：交回后请护照管理处注销（已由新护照 ${by} 替换）`,
          en: `The old passport is checked out: the passport officer cancels it once back (replaced by ${by})`,
        },
      };
    try {
      await this.registries.transitionPassport(
        old.number,
        'cancelled',
        {
          note: `${input.key} (${input.caseId}): superseded by ${by}, ${input.memberLeft ? "the member's place on the case changed" : 'the case closed'} before its cancellation step`,
        },
        { id: 'system', role: 'system' },
      );
    } catch (err) {
      if (!(err instanceof PassportTransitionError)) throw err;
      return {
        number: old.number,
        note: { zh: `护照状态不允许此变更：${err.label.zh}`, en: `The ledger refused the move: ${err.label.en}` },
      };
    }
    return {
      number: old.number,
      note: { zh: `原护照已注销：已由新护照 ${by} 替换`, en: `Old passport cancelled: superseded by ${by}` },
    };
  }

  /**
   * After C05's registration of the new passport, and again after C06's cancellation (or a closing case's supersession)
   * of the facts' passport: the holder's other valid passports the new one replaces, those not lasting the trip
   * (`returnDate`; outlastedPassports: eighth trial, D, a first case's new passport lasting its trip but not this
   * one's), cancelled while in custody; one out on loan is noted for the passport officer (the API's check before C06
   * waits for it). At the registration, not only at C06: a member with no passport in the case's facts has no C06
   * (passportReplaced), and the first case's passport stayed valid beside the new one (eleventh trial: the person held
   * two, and the first case's C07 checked out either). Nothing without the trip's return date (a move scheduled before
   * it was sent) or a roster holder.
   */
  private async withOutlasted(
    input: PassportCustodyInput,
    done: { number: string | null; note: Label },
  ): Promise<{ number: string | null; note: Label }> {
    if (!input.returnDate || !input.personId) return done;
    const held = await this.registries.passports({ holders: [input.personId] });
    const fresh = input.newPassport && isPassportNumber(input.newPassport.number) ? normalPassportNumber(input.newPassport.number) : null;
    const replaced = outlastedPassports(held, input.returnDate, shanghaiDate(Date.now()), [this.factsNumber(input), done.number, fresh]);
    const cancelled: string[] = [];
    const out: string[] = [];
    for (const p of replaced) {
      if (p.state === 'checked-out') {
        out.push(p.number);
        continue;
      }
      try {
        await this.registries.transitionPassport(
          p.number,
          'cancelled',
          { note: `${input.key} (${input.caseId}): replaced by a new passport; it does not last the trip returning ${input.returnDate}` },
          { id: 'system', role: 'system' },
        );
        cancelled.push(p.number);
      } catch (err) {
        if (!(err instanceof PassportTransitionError)) throw err;
      }
    }
    if (cancelled.length === 0 && out.length === 0) return done;
    const zh = [
      cancelled.length > 0 ? `另注销 ${cancelled.join('、')}（有效期不足本次出访，已由新护照替换）` : '',
      out.length > 0 ? `${out.join('、')} 已借出，交回后请护照管理处注销` : '',
    ].filter(Boolean);
    const en = [
      cancelled.length > 0 ? `also cancelled ${cancelled.join(', ')} (not lasting this trip, replaced by the new passport)` : '',
      out.length > 0 ? `${out.join(', ')} is checked out: the passport officer cancels it once back` : '',
    ].filter(Boolean);
    return {
      number: done.number ?? cancelled[0] ?? null,
      note: { zh: `${done.note.zh}；${zh.join('；')}`, en: `${done.note.en}; ${en.join('; ')}` },
    };
  }

  /** The case closed, or the member left it, with the member's passport out for it: due back sooner (passportDueBack). Idempotent. */
  private async passportDueBack(input: PassportCustodyInput): Promise<{ number: string | null; note: Label }> {
    const held = input.personId ? await this.registries.passports({ holders: [input.personId] }) : [];
    const byNumber = input.passportNumber ? await this.registries.passport(input.passportNumber) : null;
    const out =
      held.find((p) => p.state === 'checked-out' && p.caseId === input.caseId) ??
      (byNumber?.state === 'checked-out' && byNumber.caseId === input.caseId ? byNumber : null);
    if (!out || !input.dueBackOn)
      return { number: out?.number ?? null, note: { zh: '没有为本案借出的护照', en: 'No passport is out for this case' } };
    const moved = await this.registries.passportDueBack(
      out.number,
      input.caseId,
      input.dueBackOn,
      { id: 'system', role: 'system' },
      `${input.key} (${input.caseId}): ${input.redated ? 'trip dates changed' : input.memberLeft ? 'member left the case' : 'case closed'}`,
      input.redated === true,
    );
    return {
      number: out.number,
      note: moved
        ? input.redated
          ? {
              zh: `行程日期已变更，护照须于 ${input.dueBackOn} 前交回`,
              en: `The trip's dates changed: the passport is due back by ${input.dueBackOn}`,
            }
          : input.memberLeft
            ? {
                zh: `成员已退出本案，护照须于 ${input.dueBackOn} 前交回`,
                en: `The member left the case: the passport is due back by ${input.dueBackOn}`,
              }
            : {
                zh: `案件已结束，护照须于 ${input.dueBackOn} 前交回`,
                en: `The case closed: the passport is due back by ${input.dueBackOn}`,
              }
        : { zh: '护照归还日期不变', en: 'The due-back day stands' },
    };
  }

  /**
   * Writes nothing: the notification is projected from its event (`step.overdue` / `deficiency.overdue` carry
   * `payload.notification`) in the append transaction, so the notifications table is rebuildable from the
   * event store. Only cases that began before that call it (behind the workflow's `projected-side-records`
   * patch); it stays registered until none of them is open.
   */
  async recordEscalation(_e: EscalationRecord): Promise<void> {}

  /**
   * Writes nothing: the members' trips are projected into member_trips from `case.departed` (payload.trips)
   * in the append transaction. Kept for cases that began before that, like recordEscalation.
   */
  async recordTrips(_input: { caseId: string; facts: CaseFacts }): Promise<void> {}
}
