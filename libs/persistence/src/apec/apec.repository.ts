import { createHash, randomUUID } from 'node:crypto';
import { DataSource, In, type EntityManager } from 'typeorm';
import {
  admissionFailures,
  APEC_CARD_VERSIONS,
  cardUsableOn,
  CLOSED_STATUSES,
  WHITELIST_MOVE_LABELS,
  WHITELIST_STATE_LABELS,
  whitelistStateLabel,
  type AdmissionApplication,
  type CardStatus,
  type CriterionFailure,
  type EnterpriseSize,
  type ExitReason,
  type GovernmentTie,
  type Ownership,
  type WhitelistMove,
  type WhitelistState,
} from '@df/domain';
import { criteriaInForce } from './criteria.repository';
import { ApecCardEntity, ApecEnterpriseEntity, ApecWhitelistEntity, ApecWhitelistHistoryEntity } from '../entities/apec.entity';
import { ApecStandingHoldEntity } from '../entities/apec-claims.entity';
import { NotificationEntity } from '../entities/read-models.entity';
import {
  CARD_NUMBER_CLAIMS,
  claimStepNumber,
  releaseStepNumber,
  stepNumberAccepted,
  type StepNumberClaim,
  type StepNumberHolder,
} from '../number-claims';

/** Who holds a claim (an applicant's or a card's): the case, when it claimed, and whether that case is in the read model yet. */
export interface ClaimHolder {
  caseId: string;
  claimedAt: Date;
  listed: boolean;
}

/**
 * ApecRepository.claimApplication's answer: every claim taken, or none and who holds them (`applicants`: person
 * id → holder, for each applicant held by another open case; `renewal`: the renewed card's holder, else null).
 */
export type ApplicationClaim =
  { claimed: true } | { claimed: false; applicants: ReadonlyMap<string, ClaimHolder>; renewal: ClaimHolder | null };

/** Carries the holders out of the claim transaction, rolling it back. */
class ClaimsHeld extends Error {
  constructor(
    readonly applicants: ReadonlyMap<string, ClaimHolder>,
    readonly renewal: ClaimHolder | null,
  ) {
    super('claims held by another case');
  }
}

/**
 * A renewal claim lapses when its case has closed, whatever the status, without replacing the card (`replaced_by`
 * empty): `completed` too, since a renewal's holder every economy refused leaves the case (K05 'member-everywhere')
 * and the case completes for the others, their renewed card kept (before, a completed renewal held the card's claim
 * for ever). A case that replaced the card never lapses (and the card, cancelled, is renewed no more).
 */
const LAPSED_CLAIM_STATUSES = CLOSED_STATUSES;

/** An enterprise as the card process reads it: profile and whitelist state (null: never admitted). */
export interface Enterprise {
  unit: string;
  ownership: Ownership;
  size: EnterpriseSize;
  /** `reason`: an exit's; `note`: the desk's words with the last move (why it was suspended, lifted, …), if any. */
  whitelist: { state: WhitelistState; reason: ExitReason | null; note: string | null; since: string; reviewDueOn: string | null } | null;
}

export interface WhitelistHistoryEntry {
  action: string;
  fromState: WhitelistState | null;
  toState: WhitelistState | null;
  reason: string | null;
  detail: Record<string, unknown> | null;
  stoppedCases: string[];
  actorId: string;
  at: string;
}

export interface ApecCard {
  number: string;
  holder: string;
  unit: string;
  economies: string[];
  issuedOn: string;
  validUntil: string;
  status: CardStatus;
  renewalOpenedAt: string | null;
  caseId: string | null;
  statusReason: string | null;
  /** The card's non-personal reference (a UUID): names the card where its number is masked. */
  ref: string;
  /** The number of the renewal card that replaced it (status cancelled), else null. */
  replacedBy: string | null;
}

/** A line of the enterprises list: the enterprise, its unit's names and when it last changed. */
export interface EnterpriseListItem extends Enterprise {
  nameZh: string | null;
  nameEn: string | null;
  /** The latest change: the whitelist's move, else the enterprise's registration (ISO instant). */
  changedAt: string;
}

/** Filters of the enterprises list; `whitelist: 'not-listed'` = never on the whitelist. */
export interface EnterpriseFilter {
  ownership?: Ownership;
  size?: EnterpriseSize;
  whitelist?: WhitelistState | 'not-listed';
  /** Part of the unit code or either name, case-insensitive. */
  q?: string;
}

/** A whitelist move the registry refuses (the API maps it to 409/422 with the bilingual reason). */
export class WhitelistTransitionError extends Error {
  constructor(
    readonly code: 'NOT_AN_ENTERPRISE' | 'WHITELIST_NOT_NEEDED' | 'WHITELIST_TRANSITION',
    readonly label: { zh: string; en: string },
  ) {
    super(label.en);
    this.name = 'WhitelistTransitionError';
  }
}

const toCard = (r: ApecCardEntity): ApecCard => ({
  number: r.number,
  holder: r.holder,
  unit: r.unit,
  economies: r.economies,
  issuedOn: r.issuedOn,
  validUntil: r.validUntil,
  status: r.status as CardStatus,
  renewalOpenedAt: r.renewalOpenedAt ? r.renewalOpenedAt.toISOString() : null,
  caseId: r.caseId,
  statusReason: r.statusReason,
  ref: r.ref,
  replacedBy: r.replacedBy,
});

/** A UUID derived from a name, so a retried activity writes one notification. */
export function nameUuid(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Which whitelist moves are allowed from which state (null: not on the list). */
const MOVES: Record<WhitelistMove, { from: readonly (WhitelistState | null)[]; to: WhitelistState }> = {
  suspend: { from: ['admitted'], to: 'suspended' },
  lift: { from: ['suspended'], to: 'admitted' },
  exit: { from: ['admitted', 'suspended'], to: 'exited' },
  readmit: { from: ['exited'], to: 'admitted' },
};

/**
 * An enterprise's standing (ownership and whitelist state: mayApplyForCards) is read for a card step going forward and
 * written by a whitelist move or an ownership change under one advisory lock (to the transaction's end): shared by the
 * readers (holdStanding), exclusive for the writers.
 */
const lockStanding = (m: EntityManager, unit: string, mode: 'shared' | 'exclusive') =>
  m.query(`SELECT pg_advisory_xact_lock${mode === 'shared' ? '_shared' : ''}(hashtextextended($1, 0))`, [`apec-standing:${unit}`]);

/**
 * How long a standing hold (ApecStandingHoldEntity) counts when nobody released it (an Update whose outcome is unknown,
 * an API that crashed): the API's longest Update wait (API_UPDATE_TIMEOUT_MS, at most 300 s) is given by the caller;
 * this is the floor.
 */
const STANDING_HOLD_LAPSE_MIN_MS = 60_000;
/** How long a standing writer waits for the live holds to be released before answering StandingBusyError. */
const STANDING_WRITE_WAIT_MS = 5_000;

/** A standing change refused for now: a card step is going forward on the standing (holdStanding). Nothing was written. */
export class StandingBusyError extends Error {
  constructor(readonly unit: string) {
    super(`apec-standing ${unit}: a card application step is being recorded`);
  }
}

/** The standing a card step goes forward on, held until release() (holdStanding). */
export interface StandingHold {
  /** null: the unit is not an enterprise. */
  standing: { ownership: Ownership; state: WhitelistState | null } | null;
  /** Frees the hold once the step's Update is answered; never throws. */
  release(): Promise<void>;
}

/** SQL of the APEC registries (issue 17): enterprises, the whitelist with its history, the cards. */
export class ApecRepository {
  constructor(private readonly ds: DataSource) {}

  /** Registers the enterprise or changes its ownership and size; waits for the standing's live holds (StandingBusyError). */
  async putEnterprise(e: { unit: string; ownership: Ownership; size: EnterpriseSize }, holdLapseMs = 0): Promise<void> {
    await this.writingStanding(e.unit, holdLapseMs, (m) => m.upsert(ApecEnterpriseEntity, { ...e, updatedAt: new Date() }, ['unit']));
  }

  /**
   * The enterprise's standing read for a card step going forward, held (a row of apec_standing_holds, taken under the
   * shared standing lock) until `release()`: a whitelist move or an ownership change (writingStanding) waits for it.
   */
  async holdStanding(unit: string, caseId: string): Promise<StandingHold> {
    const holdId = randomUUID();
    const standing = await this.ds.transaction(async (m) => {
      await lockStanding(m, unit, 'shared');
      const ent = await m.findOneBy(ApecEnterpriseEntity, { unit });
      if (!ent) return null;
      const wl = await m.findOneBy(ApecWhitelistEntity, { unit });
      await m.insert(ApecStandingHoldEntity, { holdId, unit, caseId });
      return { ownership: ent.ownership as Ownership, state: (wl?.state ?? null) as WhitelistState | null };
    });
    return {
      standing,
      release: async () => {
        if (standing)
          await this.ds
            .getRepository(ApecStandingHoldEntity)
            .delete({ holdId })
            .catch(() => undefined);
      },
    };
  }

  /**
   * `write` in a transaction under the exclusive standing lock once no hold is live (holdStanding): retried every
   * 100 ms for up to 5 s, then StandingBusyError (nothing written). A hold never released counts for `holdLapseMs`
   * (the API's longest Update wait, twice over; at least 60 s), then lapses.
   */
  private async writingStanding<T>(unit: string, holdLapseMs: number, write: (m: EntityManager) => Promise<T>): Promise<T> {
    const lapse = Math.max(holdLapseMs, STANDING_HOLD_LAPSE_MIN_MS);
    const deadline = Date.now() + STANDING_WRITE_WAIT_MS;
    for (;;) {
      const outcome = await this.ds.transaction(async (m) => {
        await lockStanding(m, unit, 'exclusive');
        // Lapsed holds go (an unknown outcome's, a crashed API's): they no longer count.
        await m.query(`DELETE FROM apec_standing_holds WHERE unit = $1 AND held_at <= now() - make_interval(secs => $2)`, [
          unit,
          lapse / 1000,
        ]);
        const [{ live }] = (await m.query(
          `SELECT count(*)::int AS live FROM apec_standing_holds WHERE unit = $1 AND held_at > now() - make_interval(secs => $2)`,
          [unit, lapse / 1000],
        )) as [{ live: number }];
        return live > 0 ? ({ busy: true } as const) : { busy: false as const, value: await write(m) };
      });
      if (!outcome.busy) return outcome.value;
      if (Date.now() > deadline) throw new StandingBusyError(unit);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * The enterprises (issue 17 item 1), latest change first, a page of them and the total: `offset`/`limit` rows.
   * Filters combine (AND); `q` matches the unit code or either name, case-insensitive.
   */
  async enterprises(
    filter: EnterpriseFilter,
    page: { offset: number; limit: number },
  ): Promise<{ items: EnterpriseListItem[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.ownership) add('e.ownership = ?', filter.ownership);
    if (filter.size) add('e.size = ?', filter.size);
    if (filter.whitelist === 'not-listed') where.push('w.unit IS NULL');
    else if (filter.whitelist) add('w.state = ?', filter.whitelist);
    if (filter.q) add(`(e.unit || ' ' || coalesce(u.name_zh, '') || ' ' || coalesce(u.name_en, '')) ILIKE ?`, `%${escapeLike(filter.q)}%`);
    const from = `FROM apec_enterprises e LEFT JOIN apec_whitelist w ON w.unit = e.unit LEFT JOIN units u ON u.code = e.unit
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}`;
    const [{ total }] = (await this.ds.query(`SELECT count(*)::int AS total ${from}`, params)) as Array<{ total: number }>;
    const rows: Array<{
      unit: string;
      ownership: Ownership;
      size: EnterpriseSize;
      state: WhitelistState | null;
      reason: ExitReason | null;
      note: string | null;
      since: Date | null;
      review_due_on: string | null;
      name_zh: string | null;
      name_en: string | null;
      changed_at: Date;
    }> = await this.ds.query(
      `SELECT e.unit, e.ownership, e.size, w.state, w.reason, w.note, w.since, to_char(w.review_due_on, 'YYYY-MM-DD') AS review_due_on,
              u.name_zh, u.name_en, greatest(e.updated_at, w.since) AS changed_at
         ${from} ORDER BY changed_at DESC, e.unit LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, page.limit, page.offset],
    );
    return {
      total,
      items: rows.map((r) => ({
        unit: r.unit,
        ownership: r.ownership,
        size: r.size,
        whitelist:
          r.state && r.since
            ? { state: r.state, reason: r.reason, note: r.note, since: new Date(r.since).toISOString(), reviewDueOn: r.review_due_on }
            : null,
        nameZh: r.name_zh,
        nameEn: r.name_en,
        changedAt: new Date(r.changed_at).toISOString(),
      })),
    };
  }

  /**
   * What ties `unit` to the government (GOVERNMENT_TIES but the office's departments, which are configuration): a case
   * of it on a version of no other process (`nonDelegationVersions`: the APEC processes'), a user granted one of
   * `governmentRoles` for it, another unit naming it parent or supervising department, its own parent or supervising
   * department. Empty: it may be an enterprise.
   */
  async governmentTies(
    unit: string,
    nonDelegationVersions: readonly string[],
    governmentRoles: readonly string[],
  ): Promise<Exclude<GovernmentTie, 'office-unit'>[]> {
    const [row]: Array<{ delegations: boolean; users: boolean; children: boolean; parent: boolean }> = await this.ds.query(
      `SELECT EXISTS (SELECT 1 FROM cases WHERE unit = $1 AND NOT (definition_version = ANY($2))) AS delegations,
              EXISTS (SELECT 1 FROM users u, jsonb_array_elements(u.grants) g
                       WHERE g->>'unit' = $1 AND g->>'role' = ANY($3)) AS users,
              EXISTS (SELECT 1 FROM units WHERE code <> $1 AND (parent_code = $1 OR supervising_department = $1)) AS children,
              EXISTS (SELECT 1 FROM units WHERE code = $1 AND (parent_code IS NOT NULL OR supervising_department IS NOT NULL)) AS parent`,
      [unit, [...nonDelegationVersions], [...governmentRoles]],
    );
    const ties: Exclude<GovernmentTie, 'office-unit'>[] = [];
    if (row?.delegations) ties.push('sent-delegations');
    if (row?.users) ties.push('government-users');
    if (row?.children) ties.push('parent-of-units');
    if (row?.parent) ties.push('has-parent');
    return ties;
  }

  async enterprise(unit: string): Promise<Enterprise | null> {
    const row = await this.ds.getRepository(ApecEnterpriseEntity).findOneBy({ unit });
    if (!row) return null;
    const wl = await this.ds.getRepository(ApecWhitelistEntity).findOneBy({ unit });
    return {
      unit,
      ownership: row.ownership as Ownership,
      size: row.size as EnterpriseSize,
      whitelist: wl
        ? {
            state: wl.state as WhitelistState,
            reason: wl.reason as ExitReason | null,
            note: wl.note,
            since: wl.since.toISOString(),
            reviewDueOn: wl.reviewDueOn,
          }
        : null,
    };
  }

  /**
   * Whitelist admission by the office's criteria version in force on `today` (ApecCriteriaRepository), at the
   * thresholds of the enterprise's size: admitted (or re-admitted after an exit) when every criterion is met,
   * else refused with the failures; both are history rows keeping the version and thresholds applied (and the
   * admission case, when the decision is a case's: `caseId`).
   */
  async applyForWhitelist(
    unit: string,
    application: AdmissionApplication,
    actorId: string,
    today: string,
    opts: { caseId?: string } = {},
  ): Promise<{ admitted: boolean; failures: CriterionFailure[]; criteriaVersion: number; enterprise: Enterprise }> {
    const { failures, criteriaVersion } = await this.ds.transaction(async (m) => {
      const ent = await m.findOne(ApecEnterpriseEntity, { where: { unit }, lock: { mode: 'pessimistic_write' } });
      if (!ent)
        throw new WhitelistTransitionError('NOT_AN_ENTERPRISE', {
          zh: `${unit} 不是已登记的企业`,
          en: `${unit} is not a registered enterprise`,
        });
      if (ent.ownership === 'state')
        throw new WhitelistTransitionError('WHITELIST_NOT_NEEDED', {
          zh: '国有企业无需列入白名单即可申请',
          en: 'A state enterprise applies without the whitelist',
        });
      const wl = await m.findOne(ApecWhitelistEntity, { where: { unit }, lock: { mode: 'pessimistic_write' } });
      const from = (wl?.state ?? null) as WhitelistState | null;
      if (from === 'admitted' || from === 'suspended')
        throw new WhitelistTransitionError('WHITELIST_TRANSITION', {
          zh: `企业已在白名单中（${WHITELIST_STATE_LABELS[from].zh}）`,
          en: `The enterprise is already on the whitelist (${WHITELIST_STATE_LABELS[from].en})`,
        });
      const size = ent.size as EnterpriseSize;
      const { version, criteria } = await criteriaInForce(m, today);
      const failed = admissionFailures(size, application, criteria);
      const detail = {
        application,
        size,
        criteriaVersion: version,
        thresholds: {
          registeredCapitalWan: criteria.registeredCapitalWan[size],
          foreignTradeUsd: criteria.foreignTradeUsd[size],
          taxCreditGrades: criteria.taxCreditGrades,
          creditRecordClean: criteria.creditRecordClean,
        },
        failures: failed,
        ...(opts.caseId ? { caseId: opts.caseId } : {}),
      };
      if (failed.length > 0) {
        await this.history(m, { unit, action: 'refused', fromState: from, toState: from, reason: null, detail, actorId });
        return { failures: failed, criteriaVersion: version };
      }
      await m.upsert(
        ApecWhitelistEntity,
        { unit, state: 'admitted', reason: null, note: null, reviewDueOn: nextYear(today), since: new Date() },
        ['unit'],
      );
      await this.history(m, {
        unit,
        action: from === 'exited' ? 're-admitted' : 'admitted',
        fromState: from,
        toState: 'admitted',
        reason: null,
        detail,
        actorId,
      });
      return { failures: failed, criteriaVersion: version };
    });
    return { admitted: failures.length === 0, failures, criteriaVersion, enterprise: (await this.enterprise(unit))! };
  }

  /** A whitelist move (suspend, lift, exit with its reason, readmit); `stoppedCases` recorded with an exit. */
  async moveWhitelist(
    unit: string,
    move: keyof typeof MOVES,
    opts: { reason?: ExitReason; note?: string; actorId: string; today: string; stoppedCases?: string[]; holdLapseMs?: number },
  ): Promise<Enterprise> {
    await this.writingStanding(unit, opts.holdLapseMs ?? 0, async (m) => {
      const wl = await m.findOne(ApecWhitelistEntity, { where: { unit }, lock: { mode: 'pessimistic_write' } });
      const from = (wl?.state ?? null) as WhitelistState | null;
      const rule = MOVES[move];
      if (!rule.from.includes(from))
        throw new WhitelistTransitionError('WHITELIST_TRANSITION', {
          zh: `白名单状态为${whitelistStateLabel(from).zh}，不能${WHITELIST_MOVE_LABELS[move].zh}`,
          en: `The whitelist state is ${whitelistStateLabel(from).en}: cannot ${WHITELIST_MOVE_LABELS[move].en}`,
        });
      await m.upsert(
        ApecWhitelistEntity,
        {
          unit,
          state: rule.to,
          reason: move === 'exit' ? (opts.reason ?? null) : null,
          note: opts.note ?? null,
          // A re-admission starts a new review year; a lifted suspension keeps the review day it had.
          reviewDueOn: move === 'readmit' ? nextYear(opts.today) : (wl?.reviewDueOn ?? null),
          since: new Date(),
        },
        ['unit'],
      );
      await this.history(m, {
        unit,
        action: move === 'readmit' ? 're-admitted' : move === 'lift' ? 'lifted' : move === 'exit' ? 'exited' : 'suspended',
        fromState: from,
        toState: rule.to,
        reason: opts.reason ?? null,
        detail: opts.note ? { note: opts.note } : null,
        actorId: opts.actorId,
        stoppedCases: opts.stoppedCases ?? [],
      });
    });
    return (await this.enterprise(unit))!;
  }

  /** Adds the cases an exit stopped to its history row (the last exit of the unit). */
  async recordStoppedCases(unit: string, caseIds: string[]): Promise<void> {
    await this.ds.query(
      `UPDATE apec_whitelist_history SET stopped_cases = $2::jsonb
        WHERE id = (SELECT max(id) FROM apec_whitelist_history WHERE unit = $1 AND action = 'exited')`,
      [unit, JSON.stringify(caseIds)],
    );
  }

  async whitelistHistory(unit: string): Promise<WhitelistHistoryEntry[]> {
    const rows = await this.ds.getRepository(ApecWhitelistHistoryEntity).find({ where: { unit }, order: { id: 'ASC' } });
    return rows.map((r) => ({
      action: r.action,
      fromState: r.fromState as WhitelistState | null,
      toState: r.toState as WhitelistState | null,
      reason: r.reason,
      detail: r.detail,
      stoppedCases: r.stoppedCases,
      actorId: r.actorId,
      at: r.at.toISOString(),
    }));
  }

  /**
   * The annual review reminder: the APEC desk and the enterprise's clerk are notified, in one transaction and
   * once (deterministic ids), if the enterprise is still admitted with this review day. Returns whether it was.
   */
  async remindReview(unit: string, dueOn: string, at: Date): Promise<boolean> {
    return this.ds.transaction(async (m) => {
      const wl = await m.findOne(ApecWhitelistEntity, { where: { unit } });
      if (!wl || wl.state !== 'admitted' || wl.reviewDueOn !== dueOn) return false;
      const message = {
        zh: `企业 ${unit} 的APEC卡白名单年度复核将于 ${dueOn} 到期`,
        en: `The APEC card whitelist annual review of ${unit} is due on ${dueOn}`,
      };
      await m
        .createQueryBuilder()
        .insert()
        .into(NotificationEntity)
        .values(
          (['apec-desk', 'enterprise-clerk'] as const).map((role) => ({
            id: nameUuid(`apec-review:${unit}:${dueOn}:${role}`),
            caseId: `apec-whitelist:${unit}`,
            stepKey: null,
            kind: 'apec-annual-review',
            role,
            unit,
            message,
            dueAt: new Date(`${dueOn}T23:59:59+08:00`),
            createdAt: at,
          })),
        )
        .orIgnore()
        .execute();
      return true;
    });
  }

  /** Enterprises whose annual review is due on or before `day` (the reminder's list). */
  async reviewsDue(day: string): Promise<Array<{ unit: string; reviewDueOn: string }>> {
    return this.ds.query(
      `SELECT unit, to_char(review_due_on, 'YYYY-MM-DD') AS "reviewDueOn" FROM apec_whitelist
        WHERE state = 'admitted' AND review_due_on <= $1 ORDER BY review_due_on, unit`,
      [day],
    );
  }

  /**
   * The enterprise's card applications still open (the cases read model: the card definition's versions): `open`, with
   * no card registered yet (an exit stops them), and `registered`, with a card of theirs in the cards registry (K07 done
   * for some applicant: the cards are issued, and the exit leaves the case to hand them over). Read after the exit's
   * whitelist change is committed: a registration racing it is either in the registry by then or refused
   * (insertCaseCard: an exited enterprise's case registers its first card no more).
   */
  async openApplications(unit: string): Promise<{ open: string[]; registered: string[] }> {
    const rows: Array<{ case_id: string; registered: boolean }> = await this.ds.query(
      `SELECT c.case_id, EXISTS (SELECT 1 FROM apec_cards k WHERE k.case_id = c.case_id) AS registered
         FROM cases c WHERE c.unit = $1 AND c.status = 'open' AND c.definition_version = ANY($2) ORDER BY c.submitted_at, c.case_id`,
      [unit, [...APEC_CARD_VERSIONS]],
    );
    return {
      open: rows.filter((r) => !r.registered).map((r) => r.case_id),
      registered: rows.filter((r) => r.registered).map((r) => r.case_id),
    };
  }

  /** Adds the open cases an exit left to finish (their cards registered) to its history row's detail (`keptCases`). */
  async recordKeptCases(unit: string, caseIds: string[]): Promise<void> {
    await this.ds.query(
      `UPDATE apec_whitelist_history SET detail = coalesce(detail, '{}'::jsonb) || jsonb_build_object('keptCases', $2::jsonb)
        WHERE id = (SELECT max(id) FROM apec_whitelist_history WHERE unit = $1 AND action = 'exited')`,
      [unit, JSON.stringify(caseIds)],
    );
  }

  /**
   * Takes, in ONE transaction before the application's case starts (all or none), a claim for every applicant
   * (apec_applicant_claims: one open card application per person) and, for a renewal, the renewed card's claim
   * (apec_renewal_claims: one renewal per card). A row's primary key is the person (the card), so of concurrent
   * applications naming one person exactly one inserts it; rows are inserted and locked in sorted order (no
   * deadlock between overlapping applications). A claim already held by `caseId` (a keyed retry) is kept. A
   * claim held by another case is taken over when that case has closed in the cases read model (an applicant's:
   * any closed status, `completed` included — a finished application frees the person; a card's: closed other
   * than `completed` and the card not replaced) or is in `deadCases` (the caller asked Temporal: it never
   * started). Otherwise nothing is claimed and the holders are returned: per person id, and the card's.
   */
  async claimApplication(
    caseId: string,
    personIds: readonly string[],
    opts: { renewsCard?: string; deadCases?: readonly string[] } = {},
  ): Promise<ApplicationClaim> {
    const people = [...new Set(personIds)].sort();
    const dead: readonly string[] = opts.deadCases ?? [];
    try {
      await this.ds.transaction(async (m) => {
        const applicants = new Map<string, ClaimHolder>();
        for (const h of await lockClaims(m, 'apec_applicant_claims', 'person_id', people, caseId)) {
          if (h.caseId === caseId) continue;
          const status = await caseStatus(m, h.caseId);
          const closed = status !== null && (CLOSED_STATUSES as readonly string[]).includes(status);
          if (closed || dead.includes(h.caseId) || (status === 'open' && (await leftTheCase(m, h.caseId, h.key))))
            await m.query(`UPDATE apec_applicant_claims SET case_id = $2, claimed_at = now() WHERE person_id = $1`, [h.key, caseId]);
          else applicants.set(h.key, { caseId: h.caseId, claimedAt: h.claimedAt, listed: status !== null });
        }
        let renewal: ClaimHolder | null = null;
        if (opts.renewsCard !== undefined) {
          const [h] = await lockClaims(m, 'apec_renewal_claims', 'card_number', [opts.renewsCard], caseId);
          if (h && h.caseId !== caseId) {
            const status = await caseStatus(m, h.caseId);
            const [{ replaced }]: Array<{ replaced: boolean }> = await m.query(
              `SELECT EXISTS (SELECT 1 FROM apec_cards WHERE number = $1 AND replaced_by IS NOT NULL) AS replaced`,
              [h.key],
            );
            const lapsed = status !== null && (LAPSED_CLAIM_STATUSES as readonly string[]).includes(status) && !replaced;
            if (lapsed || dead.includes(h.caseId))
              await m.query(`UPDATE apec_renewal_claims SET case_id = $2, claimed_at = now() WHERE card_number = $1`, [h.key, caseId]);
            else renewal = { caseId: h.caseId, claimedAt: h.claimedAt, listed: status !== null };
          }
        }
        // Held elsewhere: roll the whole transaction back (nothing claimed) and answer the holders.
        if (applicants.size > 0 || renewal) throw new ClaimsHeld(applicants, renewal);
      });
    } catch (err) {
      if (err instanceof ClaimsHeld) return { claimed: false, applicants: err.applicants, renewal: err.renewal };
      throw err;
    }
    return { claimed: true };
  }

  /** Drops the case's claims on its applicants and renewed card (its start was definitely refused: nothing runs for it). */
  async releaseApplication(caseId: string, personIds: readonly string[], renewsCard?: string): Promise<void> {
    await this.ds.transaction(async (m) => {
      await m.query(`DELETE FROM apec_applicant_claims WHERE case_id = $1 AND person_id = ANY($2)`, [caseId, [...personIds]]);
      if (renewsCard !== undefined)
        await m.query(`DELETE FROM apec_renewal_claims WHERE card_number = $1 AND case_id = $2`, [renewsCard, caseId]);
    });
  }

  /**
   * Claims the enterprise's one open whitelist admission application for `caseId`, before its case starts (the
   * unit is the primary key of apec_whitelist_filing_claims: of concurrent filings exactly one inserts it). A claim
   * already held by `caseId` (a keyed retry) is kept; one whose case has closed in the cases read model (any closed
   * status) or is in `deadCases` (never started: the caller asked Temporal) is taken over under the row lock.
   * Returns null when `caseId` holds the claim, else its holder (nothing claimed).
   */
  async claimWhitelistFiling(unit: string, caseId: string, deadCases: readonly string[] = []): Promise<ClaimHolder | null> {
    return this.ds.transaction(async (m) => {
      const [h] = await lockClaims(m, 'apec_whitelist_filing_claims', 'unit', [unit], caseId);
      if (!h || h.caseId === caseId) return null;
      const status = await caseStatus(m, h.caseId);
      if ((status !== null && (CLOSED_STATUSES as readonly string[]).includes(status)) || deadCases.includes(h.caseId)) {
        await m.query(`UPDATE apec_whitelist_filing_claims SET case_id = $2, claimed_at = now() WHERE unit = $1`, [unit, caseId]);
        return null;
      }
      return { caseId: h.caseId, claimedAt: h.claimedAt, listed: status !== null };
    });
  }

  /** Drops the case's whitelist filing claim (its start was definitely refused: nothing runs for it). */
  async releaseWhitelistFiling(unit: string, caseId: string): Promise<void> {
    await this.ds.query(`DELETE FROM apec_whitelist_filing_claims WHERE unit = $1 AND case_id = $2`, [unit, caseId]);
  }

  /**
   * Holds a card number given at an issue step (K06's `cardNumber`) for `claim`'s case and step (its member), before
   * the completion is sent (apec_card_number_claims; claimStepNumber, number-claims.ts: of concurrent completions naming
   * one number exactly one inserts it). Returns null when `claim` holds the number, else its holder (nothing claimed).
   */
  claimCardNumber(number: string, claim: StepNumberClaim, dead: readonly string[] = []): Promise<StepNumberHolder | null> {
    return claimStepNumber(this.ds, CARD_NUMBER_CLAIMS, number, claim, dead);
  }

  /** The issue step's completion that claimed the number was accepted by the workflow: the claim is now that request's. */
  cardNumberAccepted(number: string, claim: Pick<StepNumberClaim, 'caseId' | 'stepKey' | 'requestId'>): Promise<void> {
    return stepNumberAccepted(this.ds, CARD_NUMBER_CLAIMS, number, claim);
  }

  /** Drops the number's claim taken by this request (its Update was definitely refused: the number is free again). */
  releaseCardNumber(number: string, claim: Pick<StepNumberClaim, 'caseId' | 'requestId'>): Promise<void> {
    return releaseStepNumber(this.ds, CARD_NUMBER_CLAIMS, number, claim);
  }

  // ---------------------------------------------------------------------------------------------
  // Cards

  /**
   * Registers a card once: a retry (same number) returns the stored card unchanged. A case's card (`caseId`) is refused
   * (`exited`, nothing registered) when its enterprise has left the whitelist and the case has no card yet
   * (insertCaseCard): the exit stops that case.
   */
  async registerCard(card: NewCard): Promise<{ exited: true } | { exited: false; card: ApecCard; created: boolean }> {
    const created = await this.ds.transaction((m) => insertCaseCard(m, card));
    if (created === 'exited') return { exited: true };
    return { exited: false, card: (await this.card(card.number))!, created };
  }

  /** A card by its non-personal reference (the `ref` a masked view carries). */
  async cardByRef(ref: string): Promise<ApecCard | null> {
    const row = await this.ds.getRepository(ApecCardEntity).findOneBy({ ref });
    return row ? toCard(row) : null;
  }

  async card(number: string): Promise<ApecCard | null> {
    const row = await this.ds.getRepository(ApecCardEntity).findOneBy({ number });
    return row ? toCard(row) : null;
  }

  async cards(filter: { unit?: string; holders?: string[]; caseId?: string }): Promise<ApecCard[]> {
    const where: Record<string, unknown> = {};
    if (filter.unit !== undefined) where.unit = filter.unit;
    if (filter.holders !== undefined) where.holder = In(filter.holders);
    if (filter.caseId !== undefined) where.caseId = filter.caseId;
    const rows = await this.ds.getRepository(ApecCardEntity).find({ where, order: { holder: 'ASC', number: 'ASC' } });
    return rows.map(toCard);
  }

  /** The cards usable on `day` (valid or renewal open, not expired) by holder: the newest valid-until per holder. */
  async usableCards(holders: string[], day: string): Promise<Map<string, ApecCard>> {
    if (holders.length === 0) return new Map();
    const out = new Map<string, ApecCard>();
    for (const c of await this.cards({ holders })) {
      if (!cardUsableOn(c, day)) continue;
      const had = out.get(c.holder);
      if (!had || had.validUntil < c.validUntil) out.set(c.holder, c);
    }
    return out;
  }

  /**
   * Renewal opens (the renewal workflow's timer fired): valid → renewal-open, and the enterprise clerk is
   * notified, in one transaction; a retry changes nothing. Returns the card (null when unknown).
   */
  async openRenewal(number: string, at: Date): Promise<ApecCard | null> {
    await this.ds.transaction(async (m) => {
      const row = await m.findOne(ApecCardEntity, { where: { number }, lock: { mode: 'pessimistic_write' } });
      if (!row || row.status !== 'valid') return;
      await m.update(ApecCardEntity, { number }, { status: 'renewal-open', renewalOpenedAt: at, updatedAt: at });
      await m
        .createQueryBuilder()
        .insert()
        .into(NotificationEntity)
        .values({
          id: nameUuid(`apec-renewal:${number}:${row.validUntil}`),
          caseId: row.caseId ?? `apec-card:${number}`,
          stepKey: null,
          kind: 'apec-renewal',
          role: 'enterprise-clerk',
          unit: row.unit,
          message: {
            zh: `APEC商务旅行卡（持卡人 ${row.holder}）将于 ${row.validUntil} 到期，可以申请换卡`,
            en: `The APEC business travel card of ${row.holder} expires on ${row.validUntil}: renewal is open`,
          },
          dueAt: new Date(`${row.validUntil}T23:59:59+08:00`),
          createdAt: at,
        })
        .orIgnore()
        .execute();
    });
    return this.card(number);
  }

  /**
   * Registers a renewal's new card and cancels the card it renews, in one transaction holding the old card's row
   * lock (issue 17 item 5, at K07): the old card, of the same holder and enterprise, turns `cancelled` with the
   * new number in `replacedBy` (the row stays: history kept). Refused — nothing registered — when the old card
   * is already replaced by a card of another case (`already-replaced`, with that number): one card replaced
   * once, so the holder never ends up with two new cards. Idempotent for its own case: a retry finds the old
   * card replaced by this number and returns the stored card. `replaced` is false when the old card is unknown,
   * another holder's, or was lost/cancelled before (the new card is still registered).
   */
  async registerRenewalCard(
    card: NewCard,
    oldNumber: string,
  ): Promise<{ refused: { replacedBy: string } | { exited: true } } | { refused: null; card: ApecCard; replaced: boolean }> {
    const outcome = await this.ds.transaction(async (m) => {
      const old = await m.findOne(ApecCardEntity, { where: { number: oldNumber }, lock: { mode: 'pessimistic_write' } });
      if (old?.replacedBy && old.replacedBy !== card.number) {
        const by = await m.findOneBy(ApecCardEntity, { number: old.replacedBy });
        if (by?.caseId !== card.caseId) return { refused: { replacedBy: old.replacedBy } };
      }
      if ((await insertCaseCard(m, card)) === 'exited') return { refused: { exited: true as const } };
      if (!old || old.holder !== card.holder || old.unit !== card.unit || oldNumber === card.number)
        return { refused: null, replaced: false };
      if (old.replacedBy) return { refused: null, replaced: true }; // this case's retry
      if (old.status !== 'valid' && old.status !== 'renewal-open') return { refused: null, replaced: false };
      await m.update(
        ApecCardEntity,
        { number: oldNumber },
        {
          status: 'cancelled',
          statusReason: '续办换发新卡 / Replaced by its renewal card',
          replacedBy: card.number,
          updatedAt: new Date(),
        },
      );
      return { refused: null, replaced: true };
    });
    if (outcome.refused) return { refused: outcome.refused };
    return { refused: null, card: (await this.card(card.number))!, replaced: outcome.replaced };
  }

  /** A card reported lost or cancelled (no longer usable for any economy). */
  async setCardStatus(number: string, status: 'lost' | 'cancelled', reason: string): Promise<ApecCard | null> {
    await this.ds.getRepository(ApecCardEntity).update({ number }, { status, statusReason: reason, updatedAt: new Date() });
    return this.card(number);
  }

  private async history(
    m: EntityManager,
    h: Omit<WhitelistHistoryEntry, 'at' | 'stoppedCases'> & { unit: string; stoppedCases?: string[] },
  ): Promise<void> {
    await m.save(
      Object.assign(new ApecWhitelistHistoryEntity(), {
        unit: h.unit,
        action: h.action,
        fromState: h.fromState,
        toState: h.toState,
        reason: h.reason,
        detail: h.detail,
        stoppedCases: h.stoppedCases ?? [],
        actorId: h.actorId,
      }),
    );
  }
}

/**
 * Inserts a claim row for each of `keys` (sorted: inserted and locked in one order, so overlapping claimers do not
 * deadlock) unless one exists, then locks every row FOR UPDATE and returns its holder. The lock is taken on the
 * claims table alone and the holder's case read after it (a separate statement, so a fresh snapshot in READ
 * COMMITTED): a row another claimer changed meanwhile is read as changed, never dropped by a join's recheck. A row
 * released between the insert and the lock is inserted again (a few times, then the error: an unknown outcome).
 */
async function lockClaims(
  m: EntityManager,
  table: 'apec_applicant_claims' | 'apec_renewal_claims' | 'apec_whitelist_filing_claims',
  keyColumn: 'person_id' | 'card_number' | 'unit',
  keys: readonly string[],
  caseId: string,
): Promise<Array<{ key: string; caseId: string; claimedAt: Date }>> {
  for (let attempt = 1; ; attempt++) {
    await m.query(
      `INSERT INTO ${table} (${keyColumn}, case_id) SELECT k, $2 FROM unnest($1::varchar[]) AS k ORDER BY k ON CONFLICT (${keyColumn}) DO NOTHING`,
      [keys, caseId],
    );
    const rows: Array<{ key: string; case_id: string; claimed_at: Date }> = await m.query(
      `SELECT ${keyColumn} AS key, case_id, claimed_at FROM ${table} WHERE ${keyColumn} = ANY($1) ORDER BY ${keyColumn} FOR UPDATE`,
      [keys],
    );
    if (rows.length === keys.length) return rows.map((r) => ({ key: r.key, caseId: r.case_id, claimedAt: new Date(r.claimed_at) }));
    if (attempt >= 5) throw new Error(`${table}: claims released under us ${attempt} times`);
  }
}

/**
 * Whether person `personId` has left the open case `caseId`: the case's current members (case_members, projected with
 * each member.withdrawn in its transaction) are known and do not include them — an applicant every economy refused at
 * K05 (member-everywhere) is no applicant of an open application any more, and may apply again at once.
 */
async function leftTheCase(m: EntityManager, caseId: string, personId: string): Promise<boolean> {
  const [row]: Array<{ known: boolean; member: boolean }> = await m.query(
    `SELECT EXISTS (SELECT 1 FROM case_members WHERE case_id = $1) AS known,
            EXISTS (SELECT 1 FROM case_members WHERE case_id = $1 AND person_key = $2) AS member`,
    [caseId, personId],
  );
  return !!row?.known && !row.member;
}

/** The case's status in the cases read model; null while it is not projected (or never started). */
async function caseStatus(m: EntityManager, caseId: string): Promise<string | null> {
  const [row]: Array<{ status: string }> = await m.query(`SELECT status FROM cases WHERE case_id = $1`, [caseId]);
  return row?.status ?? null;
}

/** `q` as a literal inside an ILIKE pattern (`%`, `_` and `\\` are not wildcards). */
const escapeLike = (q: string): string => q.replace(/[\\%_]/g, (c) => `\\${c}`);

const nextYear = (day: string): string => `${Number(day.slice(0, 4)) + 1}${day.slice(4)}`;

/** A card as registered: the registry sets its status, renewal and replacement fields and its ref. */
type NewCard = Omit<ApecCard, 'status' | 'renewalOpenedAt' | 'statusReason' | 'ref' | 'replacedBy'>;

/**
 * A case's card (K07) inserted (insertValidCard) unless its enterprise has left the whitelist (`exited`) and the case has
 * no card registered yet: then nothing is inserted ('exited'). The whitelist row is read FOR SHARE, so an exit (its
 * FOR UPDATE) and a registration are serialized: either the card is registered before the exit commits (the exit then
 * finds it and leaves the case to hand its cards over: openApplications) or the registration sees the exit and refuses.
 * A case already past its first registration registers its other applicants' cards, as the exit leaves it. Returns
 * whether a row was created.
 */
async function insertCaseCard(m: EntityManager, card: NewCard): Promise<boolean | 'exited'> {
  if (card.caseId) {
    const [wl]: Array<{ state: string }> = await m.query(`SELECT state FROM apec_whitelist WHERE unit = $1 FOR SHARE`, [card.unit]);
    if (wl?.state === 'exited') {
      const [{ started }]: Array<{ started: boolean }> = await m.query(
        `SELECT EXISTS (SELECT 1 FROM apec_cards WHERE case_id = $1) AS started`,
        [card.caseId],
      );
      if (!started) return 'exited';
    }
  }
  const result = await insertValidCard(m, card);
  return (result.identifiers?.length ?? 0) > 0 && result.raw?.length > 0;
}

/** Inserts a new valid card unless its number is stored already (a retry): the one place a card row is created. */
function insertValidCard(m: EntityManager, card: NewCard) {
  return m
    .createQueryBuilder()
    .insert()
    .into(ApecCardEntity)
    .values({ ...card, status: 'valid', renewalOpenedAt: null, statusReason: null, replacedBy: null, updatedAt: new Date() })
    .orIgnore()
    .execute();
}
