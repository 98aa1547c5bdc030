import {
  openCaseKeys,
  quarterOf,
  tripCountries,
  type CaseFacts,
  type Member,
  type PlanClaimant,
  type Purpose,
  type TripRecord,
} from '@df/domain';
import type { EntityManager } from 'typeorm';
import { AnnualPlanClaimEntity } from './entities/annual-plan-claim.entity';
import { CaseEventEntity } from './entities/case-event.entity';
import { CaseEntity, CaseStepEntity } from './entities/read-models.entity';

/** What the read models keep of one case: enough to answer its detail once Temporal no longer has its history. */
export interface CaseRecord {
  case: CaseEntity;
  /** Step instances, by key (definition order: codes sort A.. to P..). */
  steps: CaseStepEntity[];
  /** The submitted facts with every amendment's changes applied in order; null when the submission carried none. */
  facts: Record<string, unknown> | null;
}

/**
 * Reads a case from the read models (cases, case_steps) and its facts from the event store (case.submitted,
 * then each case.amended's `changes`). Null when the case was never projected.
 */
export async function readCaseRecord(manager: EntityManager, caseId: string): Promise<CaseRecord | null> {
  const row = await manager.findOne(CaseEntity, { where: { caseId } });
  if (!row) return null;
  const steps = await manager.find(CaseStepEntity, { where: { caseId }, order: { stepKey: 'ASC' } });
  const events = await manager
    .createQueryBuilder(CaseEventEntity, 'e')
    .where('e.stream_id = :caseId', { caseId })
    .andWhere('e.type IN (:...types)', { types: ['case.submitted', 'case.amended'] })
    .orderBy('e.seq', 'ASC')
    .getMany();
  let facts = null as Record<string, unknown> | null;
  for (const e of events) {
    if (e.type === 'case.submitted' && e.payload.facts && typeof e.payload.facts === 'object')
      facts = { ...(e.payload.facts as Record<string, unknown>) };
    else if (e.type === 'case.amended' && facts && e.payload.changes && typeof e.payload.changes === 'object')
      facts = { ...facts, ...(e.payload.changes as Record<string, unknown>) };
  }
  return { case: row, steps, facts };
}

/**
 * The annual plan's trips other delegations of `unit` took in `year` (the plan's year): the trip each case but
 * `exceptCaseId` holds (annual_plan_claims: its A01 found it planned) while the case is not closed (open, departed or
 * completed; CLOSED_STATUSES but completed free theirs) or, not projected yet, claimed within the day. A01 reads them
 * (matchAnnualPlan's `taken`) under the unit and year's lock (claimPlannedTrip), the dry run without it: a planned trip
 * covers one delegation.
 */
export async function plannedTripsTaken(manager: EntityManager, unit: string, year: number, exceptCaseId = ''): Promise<Set<string>> {
  return new Set((await plannedTripHolders(manager, unit, year)).filter((h) => h.caseId !== exceptCaseId).map((h) => h.tripId));
}

/**
 * The cases of `unit` holding a trip of its `year` plan as plannedTripsTaken counts them (open, departed, completed,
 * or not projected yet and claimed within the day), with the trip each holds.
 */
export async function plannedTripHolders(
  manager: EntityManager,
  unit: string,
  year: number,
): Promise<Array<{ caseId: string; tripId: string }>> {
  const rows = await manager.query<Array<{ case_id: string; trip_id: string }>>(
    `SELECT k.case_id, k.trip_id
       FROM annual_plan_claims k LEFT JOIN cases c ON c.case_id = k.case_id
      WHERE k.unit = $1 AND k.year = $2
        AND (c.status IN ('open', 'departed', 'completed') OR (c.case_id IS NULL AND k.claimed_at > now() - interval '1 day'))`,
    [unit, year],
  );
  return rows.map((r) => ({ caseId: r.case_id, tripId: r.trip_id }));
}

/**
 * The open cases of `unit` departing in `year` as the plan's trips are shared out among them (sharePlannedTrips):
 * earliest filed first (submitted_at, then case id), each with its plan question (purpose, quarter, countries as
 * A01 reads them: tripCountries, size) and the trip it holds. The cases openCaseIdsDepartingIn names: projected
 * (the cases row) and, not projected yet, from the first answer the API stored.
 */
export async function openPlanClaimants(manager: EntityManager, unit: string, year: number): Promise<PlanClaimant[]> {
  const rows = await manager.query<
    Array<{
      case_id: string;
      purpose: Purpose;
      departure_date: string;
      countries: string[] | null;
      facts: CaseFacts | null;
      size: number;
      held: string | null;
    }>
  >(
    `SELECT o.case_id, o.purpose, o.departure_date, o.countries, o.facts, o.size, k.trip_id AS held
       FROM (SELECT c.case_id, c.purpose, to_char(c.departure_date, 'YYYY-MM-DD') AS departure_date,
                    to_jsonb(c.countries) AS countries, NULL::jsonb AS facts, c.member_count AS size, c.submitted_at
               FROM cases c
              WHERE c.unit = $1 AND c.status = 'open' AND c.departure_date BETWEEN $2::text::date AND $3::text::date
             UNION ALL
             SELECT p.case_id, p.answer->'facts'->>'purpose', p.answer->'facts'->>'departureDate', NULL, p.answer->'facts',
                    jsonb_array_length(p.answer->'facts'->'members'), (p.answer->>'submittedAt')::timestamptz
               FROM case_progress p
              WHERE p.written_at > now() - interval '1 day'
                AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.case_id = p.case_id)
                AND p.answer->>'status' = 'open' AND p.answer->'facts'->>'unit' = $1
                AND p.answer->'facts'->>'departureDate' BETWEEN $2::text AND $3::text) o
       LEFT JOIN annual_plan_claims k ON k.case_id = o.case_id AND k.unit = $1 AND k.year = $4
      ORDER BY o.submitted_at, o.case_id`,
    [unit, `${year}-01-01`, `${year}-12-31`, year],
  );
  return rows.map((r) => ({
    caseId: r.case_id,
    question: {
      purpose: r.purpose,
      quarter: quarterOf(r.departure_date),
      // A case not projected yet: the countries as A01 reads them from its first answer's facts.
      countries: r.countries ?? (r.facts ? tripCountries(r.facts) : []),
      size: Number(r.size),
    },
    held: r.held,
  }));
}

/**
 * A01's claim, in the caller's transaction after plannedTripsTaken under `lockPlanYear`: the case holds `tripId` of the
 * unit's `year` plan (replacing what it held: A01 run again), or nothing (`tripId` null: no longer a planned trip).
 */
export async function recordPlannedTrip(
  manager: EntityManager,
  claim: { caseId: string; unit: string; year: number; tripId: string | null },
): Promise<void> {
  if (claim.tripId === null) {
    await manager.query(`DELETE FROM annual_plan_claims WHERE case_id = $1`, [claim.caseId]);
    return;
  }
  await manager.query(
    `INSERT INTO annual_plan_claims (case_id, unit, year, trip_id, claimed_at) VALUES ($1, $2, $3, $4, now())
     ON CONFLICT (case_id) DO UPDATE SET unit = EXCLUDED.unit, year = EXCLUDED.year, trip_id = EXCLUDED.trip_id, claimed_at = now()`,
    [claim.caseId, claim.unit, claim.year, claim.tripId],
  );
}

/**
 * A closed case's claim, once the unit's other cases were told its trip is free (announceTripFreed): gone, so the
 * reconciler's sweep (closedCasesHoldingTrips) does not tell them again. A case open, departed or completed keeps it.
 */
export async function releaseClosedCaseClaim(manager: EntityManager, caseId: string): Promise<void> {
  await manager.query(
    `DELETE FROM annual_plan_claims k USING cases c
      WHERE k.case_id = $1 AND c.case_id = k.case_id AND c.status NOT IN ('open', 'departed', 'completed')`,
    [caseId],
  );
}

/**
 * Cases closed (not completed) at least `graceSeconds` ago that still hold a planned trip: their announcement
 * (announceTripFreed, sent in the background once the close is stored) never went out, e.g. a worker stopped between
 * the append and the signals. The reconciler tells the others for them. At most `limit`, oldest close first.
 */
export async function closedCasesHoldingTrips(manager: EntityManager, graceSeconds: number, limit = 100): Promise<string[]> {
  const rows = await manager.query<Array<{ case_id: string }>>(
    `SELECT k.case_id FROM annual_plan_claims k JOIN cases c ON c.case_id = k.case_id
      WHERE c.status NOT IN ('open', 'departed', 'completed') AND c.closed_at < now() - make_interval(secs => $1)
      ORDER BY c.closed_at LIMIT $2`,
    [graceSeconds, limit],
  );
  return rows.map((r) => r.case_id);
}

/** Serialises the A01 claims of one unit's plan year, to the transaction's end. */
export const lockPlanYear = (manager: EntityManager, unit: string, year: number) =>
  manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`annual-plan:${unit}:${year}`]);

/** Ids of the cases still running (open or departed), for a change every running case must hear of. */
export async function liveCaseIds(manager: EntityManager): Promise<string[]> {
  const rows = await manager
    .getRepository(CaseEntity)
    .createQueryBuilder('c')
    .select('c.caseId', 'caseId')
    .where('c.status IN (:...live)', { live: ['open', 'departed'] })
    .getRawMany<{ caseId: string }>();
  return rows.map((r) => r.caseId);
}

/**
 * The open cases (submitted, not departed or closed) of `unit` departing in `year` (Asia/Shanghai dates), but
 * `exceptCaseId`: those whose plan check (A01) reads that year's annual plan. From the read model, and for a case not
 * projected yet (its A01 may be running now, on the plan as it stood) from its published answer (case_progress: the
 * API stores a case's first answer as it starts it), written within the last day.
 */
export async function openCaseIdsDepartingIn(manager: EntityManager, unit: string, year: number, exceptCaseId = ''): Promise<string[]> {
  const rows = await manager.query<Array<{ case_id: string }>>(
    `SELECT c.case_id FROM cases c
      WHERE c.unit = $1 AND c.status = 'open' AND c.case_id <> $2 AND c.departure_date BETWEEN $3::text::date AND $4::text::date
     UNION
     SELECT p.case_id FROM case_progress p
      WHERE p.written_at > now() - interval '1 day' AND p.case_id <> $2
        AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.case_id = p.case_id)
        AND p.answer->>'status' = 'open' AND p.answer->'facts'->>'unit' = $1
        AND p.answer->'facts'->>'departureDate' BETWEEN $3::text AND $4::text`,
    [unit, exceptCaseId, `${year}-01-01`, `${year}-12-31`],
  );
  return rows.map((r) => r.case_id);
}

/** The planned trip a case's A01 holds (annual_plan_claims: its unit, the plan's year and trip id), or null. */
export async function plannedTripClaimOf(
  manager: EntityManager,
  caseId: string,
): Promise<{ unit: string; year: number; tripId: string } | null> {
  const row = await manager.getRepository(AnnualPlanClaimEntity).findOneBy({ caseId });
  return row ? { unit: row.unit, year: row.year, tripId: row.tripId } : null;
}

/**
 * A member's trip for the frequency rule (made, or `planned`: another open case's): a TripRecord but its member, with
 * the units that read its case (`unit`, `supervisingDepartment`: whose dates a refusal may name, withholdTrips).
 */
export type PersonTrip = Omit<TripRecord, 'memberId'> & { unit: string; supervisingDepartment: string | null };

/**
 * The history with the trips of cases `reads` says the caller may not read marked `withheld` (counted by the
 * frequency rule, their dates never named: checkMemberFrequency).
 */
export function withholdTrips(
  history: ReadonlyMap<string, readonly PersonTrip[]>,
  reads: (scope: { unit: string; supervisingDepartment: string | null }) => boolean,
): Map<string, PersonTrip[]> {
  return new Map([...history].map(([key, trips]) => [key, trips.map((t) => (reads(t) ? t : { ...t, withheld: true }))]));
}

/**
 * The frequency rule's history of these members (A08's activity reads it for its member, the API before a submission
 * or an amendment for all of them: one query for both), but the trips of `exceptCaseId`, by matching person key
 * (each of openCaseKeys: person id, passport number, unit + name; a trip may be listed under several, tripsOf counts
 * a case once):
 * - made: the recorded trips (member_trips, written at departure). A trip is the person's if any key matches the key
 *   it was recorded under (member_trips.person_key: the person id, else unit + name) or any key its case's member
 *   carries (case_members), so one passport typed under two names or in two units, or a roster person once typed
 *   with their passport number, is one history (handed input: one passport number on trips of two units counted as
 *   two people's);
 * - planned (`planned: true`): the cases not departed and not closed (status open) the person is a member of
 *   (case_members), with their trip window (an amendment's claimed window of the last CLAIM_HOLD_MINUTES over the
 *   projected one: two amendments at once, second trial) and purpose, and the claims of the last CLAIM_HOLD_MINUTES
 *   of a person not projected on their case yet (member_trip_claims: two submissions at once, a member an amendment
 *   adds; the case not closed; no purpose, so never exempt).
 *   Trial H2: two open cases of one person, months apart, both passed A08 and the submission check (only departed
 *   trips counted), so a limit of one trip a year let two through.
 */
export async function memberTripHistory(
  manager: EntityManager,
  facts: Pick<CaseFacts, 'unit'>,
  members: readonly Pick<Member, 'personId' | 'name' | 'passport'>[],
  exceptCaseId = '',
): Promise<Map<string, PersonTrip[]>> {
  const history = new Map<string, PersonTrip[]>();
  const keys = [...new Set(members.flatMap((m) => openCaseKeys(facts, m)))];
  if (keys.length === 0) return history;
  const rows = await manager.query<
    Array<{
      person_key: string;
      departure_date: string;
      return_date: string;
      purpose: Purpose | null;
      case_id: string;
      planned: boolean;
      unit: string;
      supervising_department: string | null;
    }>
  >(
    `SELECT k.person_key, to_char(t.departure_date, 'YYYY-MM-DD') AS departure_date,
            to_char(t.return_date, 'YYYY-MM-DD') AS return_date, t.purpose, t.case_id, false AS planned,
            t.unit, (SELECT c.supervising_department FROM cases c WHERE c.case_id = t.case_id) AS supervising_department
       FROM (SELECT case_id, member_id, person_key FROM member_trips WHERE person_key = ANY($1) AND case_id <> $2
             UNION
             SELECT case_id, member_id, person_key FROM case_members WHERE person_key = ANY($1) AND case_id <> $2) k
       JOIN member_trips t ON t.case_id = k.case_id AND t.member_id = k.member_id
     UNION ALL
     SELECT m.person_key, to_char(COALESCE(a.departure_date, c.departure_date), 'YYYY-MM-DD'),
            to_char(COALESCE(a.return_date, c.return_date), 'YYYY-MM-DD'), c.purpose, c.case_id, true,
            c.unit, c.supervising_department
       FROM case_members m JOIN cases c ON c.case_id = m.case_id
       LEFT JOIN LATERAL (SELECT departure_date, return_date FROM member_trip_claims k
                           WHERE k.case_id = c.case_id AND k.claimed_at > now() - make_interval(mins => $3)
                           ORDER BY k.claimed_at DESC LIMIT 1) a ON true
      WHERE m.person_key = ANY($1) AND m.case_id <> $2 AND c.status = 'open'
     UNION ALL
     SELECT k.person_key, to_char(k.departure_date, 'YYYY-MM-DD'), to_char(k.return_date, 'YYYY-MM-DD'), NULL,
            k.case_id, true, k.unit, NULL
       FROM member_trip_claims k
      WHERE k.person_key = ANY($1) AND k.case_id <> $2 AND k.claimed_at > now() - make_interval(mins => $3)
        AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.case_id = k.case_id AND c.status <> 'open')
        AND NOT EXISTS (SELECT 1 FROM case_members cm WHERE cm.case_id = k.case_id AND cm.person_key = k.person_key)`,
    [keys, exceptCaseId, CLAIM_HOLD_MINUTES],
  );
  for (const r of rows)
    history.set(r.person_key, [
      ...(history.get(r.person_key) ?? []),
      {
        departureDate: r.departure_date,
        returnDate: r.return_date,
        ...(r.purpose !== null ? { purpose: r.purpose } : {}),
        caseId: r.case_id,
        ...(r.planned ? { planned: true } : {}),
        unit: r.unit,
        supervisingDepartment: r.supervising_department,
      },
    ]);
  return history;
}

/** A person's place (personKey) on a case not closed, with the case's trip window, title and scope. */
export interface OpenCaseMemberRow {
  caseId: string;
  personKey: string;
  status: string;
  departureDate: string;
  returnDate: string;
  /** Absent for a claim whose case is not projected yet. */
  title?: string;
  unit: string;
  supervisingDepartment: string | null;
}

/** Minutes a member-trip claim counts (MemberTripClaimEntity): far longer than a case takes to be projected. */
export const CLAIM_HOLD_MINUTES = 15;

/**
 * The cases not closed (status not in `closedStatuses`: CLOSED_STATUSES) on which these persons (person keys) are
 * members and whose trip window meets [from, to] (days inclusive), but `exceptCaseId`: the open-case overlap rule's
 * rivals (case_members by person key, ix_case_members_person; the case row by its key). Also the claims of the last
 * CLAIM_HOLD_MINUTES (member_trip_claims: submissions and amendments not projected yet) of cases not closed, with
 * the claimed window; a claim's case not projected yet has no title.
 */
export async function openCaseMembers(
  manager: EntityManager,
  personKeys: readonly string[],
  window: { from: string; to: string },
  closedStatuses: readonly string[],
  exceptCaseId = '',
): Promise<OpenCaseMemberRow[]> {
  if (personKeys.length === 0) return [];
  const rows = await manager.query<
    Array<{
      case_id: string;
      person_key: string;
      status: string;
      departure_date: string;
      return_date: string;
      title: string | null;
      unit: string;
      supervising_department: string | null;
    }>
  >(
    `SELECT m.case_id, m.person_key, c.status, to_char(c.departure_date, 'YYYY-MM-DD') AS departure_date,
            to_char(c.return_date, 'YYYY-MM-DD') AS return_date, c.title, c.unit, c.supervising_department
       FROM case_members m JOIN cases c ON c.case_id = m.case_id
      WHERE m.person_key = ANY($1) AND c.status <> ALL($2) AND m.case_id <> $3
        AND c.departure_date <= $5::date AND c.return_date >= $4::date
     UNION ALL
     SELECT k.case_id, k.person_key, coalesce(c.status, 'open'), to_char(k.departure_date, 'YYYY-MM-DD'),
            to_char(k.return_date, 'YYYY-MM-DD'), c.title, coalesce(c.unit, k.unit), c.supervising_department
       FROM member_trip_claims k LEFT JOIN cases c ON c.case_id = k.case_id
      WHERE k.person_key = ANY($1) AND (c.status IS NULL OR c.status <> ALL($2)) AND k.case_id <> $3
        AND k.departure_date <= $5::date AND k.return_date >= $4::date
        AND k.claimed_at > now() - make_interval(mins => $6)`,
    [[...personKeys], [...closedStatuses], exceptCaseId, window.from, window.to, CLAIM_HOLD_MINUTES],
  );
  return rows.map((r) => ({
    caseId: r.case_id,
    personKey: r.person_key,
    status: r.status,
    departureDate: r.departure_date,
    returnDate: r.return_date,
    ...(r.title !== null ? { title: r.title } : {}),
    unit: r.unit,
    supervisingDepartment: r.supervising_department,
  }));
}

/**
 * The open-case overlap rule and the claim, atomically: under one advisory lock per person key (in key order, so two
 * claims never wait on each other in a cycle), the rivals of `openCaseMembers`; none, and the case's members are
 * claimed for [from, to] (its claims of keys no longer named dropped; claims older than a day swept). Returns the
 * rivals found (then nothing is claimed), else []. A concurrent submission naming the same person waits for this
 * transaction and then finds its claim. `refuses`, when given, is asked under the same locks before the claim (the
 * frequency rule, which counts the person's claimed trips: memberTripHistory with the transaction's manager); a
 * refusal it answers (true) claims nothing and answers [], the caller keeping its own answer.
 */
export async function claimOpenCaseTrip(
  manager: EntityManager,
  claim: { caseId: string; unit: string; personKeys: readonly string[]; window: { from: string; to: string } },
  closedStatuses: readonly string[],
  refuses?: (locked: EntityManager) => Promise<boolean>,
): Promise<OpenCaseMemberRow[]> {
  const keys = [...new Set(claim.personKeys)].sort();
  return manager.transaction(async (m) => {
    for (const key of keys) await m.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`member-trip:${key}`]);
    const rivals = await openCaseMembers(m, keys, claim.window, closedStatuses, claim.caseId);
    if (rivals.length > 0) return rivals;
    if (refuses && (await refuses(m))) return [];
    await m.query(
      `DELETE FROM member_trip_claims WHERE (case_id = $1 AND person_key <> ALL($2)) OR claimed_at < now() - interval '1 day'`,
      [claim.caseId, keys],
    );
    if (keys.length > 0)
      await m.query(
        `INSERT INTO member_trip_claims (case_id, person_key, unit, departure_date, return_date, claimed_at)
         SELECT $1, k, $3, $4::date, $5::date, now() FROM unnest($2::varchar[]) AS k
         ON CONFLICT (case_id, person_key) DO UPDATE
           SET unit = EXCLUDED.unit, departure_date = EXCLUDED.departure_date, return_date = EXCLUDED.return_date, claimed_at = now()`,
        [claim.caseId, keys, claim.unit, claim.window.from, claim.window.to],
      );
    return [];
  });
}

/** Drops a case's member-trip claims (its start or amendment was refused for good). */
export async function releaseOpenCaseTrip(manager: EntityManager, caseId: string): Promise<void> {
  await manager.query(`DELETE FROM member_trip_claims WHERE case_id = $1`, [caseId]);
}

/** A member of another open case whose passport is `number` (as the ledger writes numbers), as its case holds them. */
export interface OpenCasePassportMember {
  caseId: string;
  unit: string;
  number: string;
  member: { personId?: string; name: string; rank?: string };
}

/**
 * The members of other open (or departed) cases whose passport is one of `numbers` (as the ledger writes numbers: no
 * spaces, capitals), but `exceptCaseId`'s, from each case's published answer (case_progress: the facts as the
 * workflow holds them, amendments included); a case not projected yet by the first answer the API stored (within
 * the day), so a submission of a moment ago counts. At most `limit` rows when given (a C05 check needs only whether another
 * person holds its number: 5). C05's number check and the typed members' recorded rank (recorded-rank) read them.
 */
export async function openCaseMembersWithPassport(
  manager: EntityManager,
  numbers: readonly string[],
  exceptCaseId: string,
  limit?: number,
): Promise<OpenCasePassportMember[]> {
  if (numbers.length === 0) return [];
  const rows = await manager.query<Array<{ case_id: string; unit: string; number: string; member: OpenCasePassportMember['member'] }>>(
    `SELECT p.case_id, COALESCE(c.unit, p.answer->'facts'->>'unit') AS unit, n.number, m AS member
       FROM case_progress p
       LEFT JOIN cases c ON c.case_id = p.case_id
       CROSS JOIN LATERAL jsonb_array_elements(COALESCE(p.answer->'facts'->'members', '[]'::jsonb)) m
       CROSS JOIN LATERAL (SELECT upper(regexp_replace(m->'passport'->>'number', '[[:space:]]', '', 'g')) AS number) n
      WHERE (c.status IN ('open', 'departed')
             OR (c.case_id IS NULL AND p.answer->>'status' = 'open' AND p.written_at > now() - interval '1 day'))
        AND p.case_id <> $2 AND n.number = ANY($1)
      LIMIT $3`,
    [[...numbers], exceptCaseId, limit ?? null],
  );
  return rows.map((r) => ({ caseId: r.case_id, unit: r.unit, number: r.number, member: r.member }));
}

/** Whether a member of a case is known under this person key (case_members: a roster member's personId among them). */
export async function memberHasPersonKey(manager: EntityManager, caseId: string, memberId: string, personKey: string): Promise<boolean> {
  const rows = await manager.query<unknown[]>(
    'SELECT 1 FROM case_members WHERE case_id = $1 AND member_id = $2 AND person_key = $3 LIMIT 1',
    [caseId, memberId, personKey],
  );
  return rows.length > 0;
}
