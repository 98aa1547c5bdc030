import type { DataSource, EntityManager } from 'typeorm';
import { DEFAULT_WHITELIST_CRITERIA, type WhitelistCriteria, type WhitelistCriteriaVersion } from '@df/domain';
import { ApecWhitelistCriteriaEntity } from './criteria.entity';

/** One version of the office's whitelist criteria (the domain's WhitelistCriteriaVersion). */
export type CriteriaVersion = WhitelistCriteriaVersion;

/** Version 1: the code default (one home: DEFAULT_WHITELIST_CRITERIA). */
export const DEFAULT_CRITERIA_VERSION: CriteriaVersion = {
  version: 1,
  effectiveFrom: null,
  criteria: DEFAULT_WHITELIST_CRITERIA,
  previous: null,
  changedBy: null,
  changedAt: null,
};

// Serializes concurrent changes (the next version number is max + 1).
const CRITERIA_LOCK = 0x617065635f776c; // 'apec_wl'

const toVersion = (r: ApecWhitelistCriteriaEntity): CriteriaVersion => ({
  version: r.version,
  effectiveFrom: r.effectiveFrom,
  criteria: r.criteria as unknown as WhitelistCriteria,
  previous: r.previous as unknown as CriteriaVersion['previous'],
  changedBy: r.changedBy,
  changedAt: r.changedAt.toISOString(),
});

/** A version is already scheduled for that later day (the caller answers 409 naming effectiveFrom). */
export class PendingCriteriaExists extends Error {
  constructor(
    readonly version: number,
    readonly effectiveFrom: string,
  ) {
    super(`Criteria version ${version} is already scheduled from ${effectiveFrom}`);
    this.name = 'PendingCriteriaExists';
  }
}

/** SQL of the whitelist criteria versions (append-only). */
export class ApecCriteriaRepository {
  constructor(private readonly ds: DataSource) {}

  /** The version in force on `day` (YYYY-MM-DD, Asia/Shanghai): the newest whose effectiveFrom is not after it. */
  current(day: string, m: EntityManager = this.ds.manager): Promise<CriteriaVersion> {
    return criteriaInForce(m, day);
  }

  /** Every version, oldest first (version 1, the default, included): the audit of the criteria. */
  async versions(): Promise<CriteriaVersion[]> {
    const rows = await this.ds.getRepository(ApecWhitelistCriteriaEntity).find({ order: { version: 'ASC' } });
    return [DEFAULT_CRITERIA_VERSION, ...rows.map(toVersion)];
  }

  /**
   * Sets new criteria from `effectiveFrom` on: a new version (max + 1) recording who, when and the version in
   * force on `today` it replaces. Validation is the caller's (criteriaProblems). A version already scheduled for
   * the same later day throws PendingCriteriaExists (one pending version per day; today's may be corrected).
   */
  async publish(criteria: WhitelistCriteria, effectiveFrom: string, actorId: string, today: string): Promise<CriteriaVersion> {
    return this.ds.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock($1)', [CRITERIA_LOCK]);
      if (effectiveFrom > today) {
        const pending = (await m.query(
          'SELECT version FROM apec_whitelist_criteria WHERE effective_from = $1 ORDER BY version DESC LIMIT 1',
          [effectiveFrom],
        )) as Array<{ version: number }>;
        if (pending[0]) throw new PendingCriteriaExists(Number(pending[0].version), effectiveFrom);
      }
      const [{ max }] = (await m.query('SELECT COALESCE(MAX(version), 1) AS max FROM apec_whitelist_criteria')) as Array<{ max: number }>;
      const before = await criteriaInForce(m, today);
      const row = Object.assign(new ApecWhitelistCriteriaEntity(), {
        version: Number(max) + 1,
        effectiveFrom,
        criteria: criteria as unknown as Record<string, unknown>,
        previous: { version: before.version, criteria: before.criteria },
        changedBy: actorId,
      });
      await m.save(row);
      return toVersion((await m.findOneBy(ApecWhitelistCriteriaEntity, { version: row.version }))!);
    });
  }
}

/** The criteria version in force on `day`, inside the caller's transaction (the admission evaluates under it). */
export async function criteriaInForce(m: EntityManager, day: string): Promise<CriteriaVersion> {
  const row = await m
    .getRepository(ApecWhitelistCriteriaEntity)
    .createQueryBuilder('c')
    .where('c.effective_from <= :day', { day })
    .orderBy('c.version', 'DESC')
    .getOne();
  return row ? toVersion(row) : DEFAULT_CRITERIA_VERSION;
}
