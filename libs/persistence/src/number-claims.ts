import type { DataSource, EntityManager } from 'typeorm';
import {
  CLOSED_STATUSES,
  passportHeldElsewhere,
  passportLastsTrip,
  passportValid,
  secondValidPassport,
  shanghaiDate,
  type CustodyPassport,
} from '@df/domain';
import { heldBy, passportOfNumber } from './registries/custody-rows';

/**
 * A member's document number typed at a step (K06's APEC card `cardNumber`, C05's new passport `number`), held for that
 * case's member from the moment the API accepts the completion: a claim row per number (the primary key), so of two
 * cases completing their step with one number at once exactly one inserts it (fresh trial: two card applications
 * completed K06 with one number at once; both were accepted, one K07 registered the card and the other blocked for
 * ever). The same kind of claim for each document; `table` says which, `field` the step data field naming it.
 */
export interface StepNumberKind {
  table: 'apec_card_number_claims' | 'passport_number_claims';
  /** The table's key column (the number). */
  column: 'card_number' | 'number';
  field: 'cardNumber' | 'number';
  /**
   * One person's members on two open cases may both name the number (a passport is its holder's on every trip); a card
   * is not (a person is an applicant of one open card application at a time, so two members are two people).
   */
  samePersonShares: boolean;
}

/** K06's APEC card numbers (`cardNumber`, registered by K07). */
export const CARD_NUMBER_CLAIMS: StepNumberKind = {
  table: 'apec_card_number_claims',
  column: 'card_number',
  field: 'cardNumber',
  samePersonShares: false,
};

/** C05's new passport numbers (`number`, as the custody ledger writes it, registered by C05's custody step). */
export const PASSPORT_NUMBER_CLAIMS: StepNumberKind = {
  table: 'passport_number_claims',
  column: 'number',
  field: 'number',
  samePersonShares: true,
};

/**
 * For a C05 claim (samePersonShares): the passports its new one replaces, as the ledger's rule counts them
 * (secondValidPassport): the one the case's facts name (`replaces`) and, with the trip's `returnDate`, any that does not
 * last it.
 */
export interface OneValidPassport {
  replaces: string | null;
  returnDate?: string;
}

/** Who asks for a number at a step: the case, the step instance (`K06:m1`), its member and the Update's request id. */
export interface StepNumberClaim {
  caseId: string;
  stepKey: string;
  memberId: string;
  requestId: string;
}

/**
 * Who holds a number (claimStepNumber): the case and step, when, and whether the event store holds that step's
 * completion naming the number (`recorded`; if not, its Update may be in flight, or lost).
 */
export interface StepNumberHolder {
  caseId: string;
  stepKey: string;
  memberId: string;
  claimedAt: Date;
  recorded: boolean;
  /**
   * Set when the holder holds not this number but another of the claimant's person (samePersonShares: one person, one
   * new passport): that number.
   */
  otherNumber?: string;
  /** With `otherNumber`: the custody ledger holds it, valid (no case holds it: caseId and stepKey are empty). */
  inLedger?: boolean;
  /**
   * Set when the claimant's person has another passport out on loan (passportHeldElsewhere, read under the claims lock
   * check-outs take too): C05's new one waits until it is back (no case holds a number: caseId and stepKey are empty).
   */
  checkedOut?: CustodyPassport;
}

/** The advisory lock (to the transaction's end) a person's new-passport claims and registrations are taken under. */
export async function lockPersonClaims(m: EntityManager, kind: StepNumberKind, personKey: string): Promise<void> {
  await m.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`${kind.table}:${personKey}`]);
}

/**
 * Another new passport than `number` claimed for the person `personId` by a case's C05, in force (claimLapsed) and not
 * yet in the custody ledger (in flight), for a registration by hand: takes the person's claims lock (lockPersonClaims,
 * to the transaction's end) first (eighth trial: a C05 in flight and a registration by hand at once gave the person two
 * passports, one never registered). Null: none.
 */
export async function passportClaimInForce(
  m: EntityManager,
  personId: string,
  number: string,
): Promise<{ number: string; caseId: string; stepKey: string } | null> {
  const kind = PASSPORT_NUMBER_CLAIMS;
  await lockPersonClaims(m, kind, personId);
  // In flight only: a claimed number the ledger holds already is the ledger's rules' (secondValidPassport), which know
  // the passports a registration replaces.
  const rows: Array<{ number: string; case_id: string; step_key: string; member_id: string }> = await m.query(
    `SELECT DISTINCT c.number, c.case_id, c.step_key, c.member_id
       FROM passport_number_claims c JOIN case_members a ON a.case_id = c.case_id AND a.member_id = c.member_id
      WHERE a.person_key = $1 AND c.number <> $2
        AND NOT EXISTS (SELECT 1 FROM custody_passports p WHERE p.number = c.number)`,
    [personId, number],
  );
  for (const r of rows) {
    const holder = { caseId: r.case_id, stepKey: r.step_key, memberId: r.member_id };
    if (!(await claimLapsed(m, kind, r.number, holder)).lapsed) return { number: r.number, caseId: r.case_id, stepKey: r.step_key };
  }
  return null;
}

/**
 * Holds `number` for `claim`'s case and step, before the completion is sent: inserted (ON CONFLICT DO NOTHING) and
 * locked (FOR UPDATE), so a concurrent claim of the number waits for this one and finds it held. Kept as it is when
 * held by the same case and step (a keyed retry, the step completed again with the number) or, where the kind says
 * so (samePersonShares), for the same person (a person key both members share: one person on two open delegations
 * is given one new passport). One held elsewhere
 * is taken over, under the row lock, when it has lapsed (claimLapsed: its case closed, its member left the case, its
 * step's latest recorded completion names another number) or its holder is in `dead` (`<caseId> <stepKey>`: a
 * completion never recorded, the caller asked Temporal). Returns null when the number may be given to `claim`'s
 * member, else its holder (nothing claimed).
 *
 * Where one person shares the number (samePersonShares), one person is given one new number: a claim of another number
 * for the claimant's person by another case's step (a person key their members share), in force (not lapsed, not in
 * `dead`, not `oneValid.replaces`: the passport the claimant's case replaces, nor a number the custody ledger holds no longer
 * valid) is returned as the holder with `otherNumber` (sixth and seventh trials: two cases' C05s of one person at once
 * were both accepted, and one recorded a passport the ledger never registered). The person's keys are locked for the
 * transaction (advisory locks), so of two such claims at once exactly one is taken.
 */
export async function claimStepNumber(
  ds: DataSource,
  kind: StepNumberKind,
  number: string,
  claim: StepNumberClaim,
  dead: readonly string[] = [],
  oneValid: OneValidPassport = { replaces: null },
): Promise<StepNumberHolder | null> {
  return ds.transaction(async (m) => {
    if (kind.samePersonShares) {
      const other = await otherNumberOfPerson(m, kind, number, claim, dead, oneValid);
      if (other) return other;
    }
    for (let attempt = 1; ; attempt++) {
      await m.query(
        `INSERT INTO ${kind.table} (${kind.column}, case_id, step_key, member_id, request_id)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (${kind.column}) DO NOTHING`,
        [number, claim.caseId, claim.stepKey, claim.memberId, claim.requestId],
      );
      const [h]: Array<{ case_id: string; step_key: string; member_id: string; claimed_at: Date }> = await m.query(
        `SELECT case_id, step_key, member_id, claimed_at FROM ${kind.table} WHERE ${kind.column} = $1 FOR UPDATE`,
        [number],
      );
      if (!h) {
        if (attempt >= 5) throw new Error(`${kind.table}: claim of a number released under us ${attempt} times`);
        continue;
      }
      if (h.case_id === claim.caseId && h.step_key === claim.stepKey) return null;
      const holder = { caseId: h.case_id, stepKey: h.step_key, memberId: h.member_id };
      const lapse = await claimLapsed(m, kind, number, holder);
      if (lapse.lapsed || dead.includes(`${h.case_id} ${h.step_key}`)) {
        await m.query(
          `UPDATE ${kind.table} SET case_id = $2, step_key = $3, member_id = $4, request_id = $5, claimed_at = now() WHERE ${kind.column} = $1`,
          [number, claim.caseId, claim.stepKey, claim.memberId, claim.requestId],
        );
        return null;
      }
      if (kind.samePersonShares && (await samePerson(m, holder, claim))) return null;
      return { ...holder, claimedAt: new Date(h.claimed_at), recorded: lapse.recorded };
    }
  });
}

/**
 * The step whose claim holds `number` in force (not lapsed: claimLapsed), or null: for a registry's own write of the
 * number by hand (a passport registered to someone else while another case's C05 holds it for its member).
 */
export async function stepNumberHolder(
  ds: DataSource,
  kind: StepNumberKind,
  number: string,
): Promise<{ caseId: string; stepKey: string; memberId: string } | null> {
  const [h]: Array<{ case_id: string; step_key: string; member_id: string }> = await ds.query(
    `SELECT case_id, step_key, member_id FROM ${kind.table} WHERE ${kind.column} = $1`,
    [number],
  );
  if (!h) return null;
  const holder = { caseId: h.case_id, stepKey: h.step_key, memberId: h.member_id };
  return (await claimLapsed(ds.manager, kind, number, holder)).lapsed ? null : holder;
}

/**
 * The completion that claimed the number was accepted by the workflow: the claim is now that request's (a later
 * definite refusal of an earlier attempt with another key does not drop it).
 */
export async function stepNumberAccepted(
  ds: DataSource,
  kind: StepNumberKind,
  number: string,
  claim: Pick<StepNumberClaim, 'caseId' | 'stepKey' | 'requestId'>,
): Promise<void> {
  await ds.query(`UPDATE ${kind.table} SET request_id = $4 WHERE ${kind.column} = $1 AND case_id = $2 AND step_key = $3`, [
    number,
    claim.caseId,
    claim.stepKey,
    claim.requestId,
  ]);
}

/** Drops the number's claim taken by this request (its Update was definitely refused: the number is free again). */
export async function releaseStepNumber(
  ds: DataSource,
  kind: StepNumberKind,
  number: string,
  claim: Pick<StepNumberClaim, 'caseId' | 'requestId'>,
): Promise<void> {
  await ds.query(`DELETE FROM ${kind.table} WHERE ${kind.column} = $1 AND case_id = $2 AND request_id = $3`, [
    number,
    claim.caseId,
    claim.requestId,
  ]);
}

/**
 * Whether a claim no longer holds its number: its case is closed in the cases read model (any closed status: a number
 * its case registered — the cards registry, the custody ledger — is refused to anyone else by that registry's own rule),
 * its member has left the open case (case_members known without them: refused everywhere, withdrawn), or the step's
 * latest recorded completion names another number (the step completed again). `recorded`: the event store holds the
 * step's completion naming this number (the claim is in force, not an Update in flight or lost).
 */
async function claimLapsed(
  m: EntityManager,
  kind: StepNumberKind,
  number: string,
  h: { caseId: string; stepKey: string; memberId: string },
): Promise<{ lapsed: boolean; recorded: boolean }> {
  const [c]: Array<{ status: string }> = await m.query(`SELECT status FROM cases WHERE case_id = $1`, [h.caseId]);
  if (c && (CLOSED_STATUSES as readonly string[]).includes(c.status)) return { lapsed: true, recorded: false };
  const [row]: Array<{ known: boolean; member: boolean; latest: string | null; completed: boolean }> = await m.query(
    `SELECT EXISTS (SELECT 1 FROM case_members WHERE case_id = $1) AS known,
            EXISTS (SELECT 1 FROM case_members WHERE case_id = $1 AND member_id = $2) AS member,
            EXISTS (SELECT 1 FROM case_events WHERE stream_id = $1 AND type = 'step.completed' AND payload->>'key' = $3) AS completed,
            (SELECT payload->'data'->>$4 FROM case_events
              WHERE stream_id = $1 AND type = 'step.completed' AND payload->>'key' = $3 ORDER BY seq DESC LIMIT 1) AS latest`,
    [h.caseId, h.memberId, h.stepKey, kind.field],
  );
  if (row?.known && !row.member) return { lapsed: true, recorded: false };
  if (row?.completed) return row.latest === number ? { lapsed: false, recorded: true } : { lapsed: true, recorded: false };
  return { lapsed: false, recorded: false };
}

/**
 * Under advisory locks on the claimant member's person keys (taken in order, held to the transaction's end): another
 * number of the same person claimed by another case's step and still in force (claimStepNumber). Null: none.
 */
async function otherNumberOfPerson(
  m: EntityManager,
  kind: StepNumberKind,
  number: string,
  claim: StepNumberClaim,
  dead: readonly string[],
  oneValid: OneValidPassport,
): Promise<StepNumberHolder | null> {
  const keys = (
    (await m.query(`SELECT DISTINCT person_key FROM case_members WHERE case_id = $1 AND member_id = $2 ORDER BY person_key`, [
      claim.caseId,
      claim.memberId,
    ])) as Array<{ person_key: string }>
  ).map((r) => r.person_key);
  if (keys.length === 0) return null;
  for (const key of keys) await lockPersonClaims(m, kind, key);
  const today = shanghaiDate(Date.now());
  // A valid passport the ledger holds for the person (a roster person's key is their person id), taken in by hand a
  // moment ago (eighth trial: a C05 and a registration by hand at once were both accepted): the ledger's own rule.
  if (kind.table === 'passport_number_claims') {
    const passports = await heldBy(m, keys);
    const held = secondValidPassport(passports, number, oneValid.replaces, today, oneValid.returnDate);
    if (held)
      return { caseId: '', stepKey: '', memberId: '', claimedAt: new Date(), recorded: true, otherNumber: held.number, inLedger: true };
    // Another of theirs out on loan: the new one could not be registered (a check-out takes this lock: ninth trial, a
    // C07 and this C05 at once, and the C05 recorded a passport the ledger never registered).
    const out = passportHeldElsewhere(passports, number);
    if (out) return { caseId: '', stepKey: '', memberId: '', claimedAt: new Date(), recorded: true, checkedOut: out };
  }
  const others: Array<{ number: string; case_id: string; step_key: string; member_id: string; claimed_at: Date }> = await m.query(
    `SELECT DISTINCT c.${kind.column} AS number, c.case_id, c.step_key, c.member_id, c.claimed_at
       FROM ${kind.table} c JOIN case_members a ON a.case_id = c.case_id AND a.member_id = c.member_id
      WHERE a.person_key = ANY($1) AND c.case_id <> $2 AND c.${kind.column} <> $3`,
    [keys, claim.caseId, number],
  );
  for (const o of others) {
    if (o.number === oneValid.replaces || dead.includes(`${o.case_id} ${o.step_key}`)) continue;
    const holder = { caseId: o.case_id, stepKey: o.step_key, memberId: o.member_id };
    const lapse = await claimLapsed(m, kind, o.number, holder);
    if (lapse.lapsed) continue;
    // One the ledger holds is the rule's above (whoever's key it is under): cancelled, lost or expired is no longer the
    // person's valid one, and one not lasting this trip is replaced by the new one.
    if (kind.table === 'passport_number_claims') {
      const p = await passportOfNumber(m, o.number);
      if (p && (!passportValid(p, today) || (oneValid.returnDate !== undefined && !passportLastsTrip(p.expiresOn, oneValid.returnDate))))
        continue;
    }
    return { ...holder, claimedAt: new Date(o.claimed_at), recorded: lapse.recorded, otherNumber: o.number };
  }
  return null;
}

/**
 * Whether the holder's member and the claimant's are one person: a person key they share in case_members (each member
 * is known there under every key that identifies them: roster person id, passport, name and birth).
 */
async function samePerson(
  m: EntityManager,
  holder: { caseId: string; memberId: string },
  claim: { caseId: string; memberId: string },
): Promise<boolean> {
  const [row]: Array<{ same: boolean }> = await m.query(
    `SELECT EXISTS (SELECT 1 FROM case_members a JOIN case_members b ON b.person_key = a.person_key
                     WHERE a.case_id = $1 AND a.member_id = $2 AND b.case_id = $3 AND b.member_id = $4) AS same`,
    [holder.caseId, holder.memberId, claim.caseId, claim.memberId],
  );
  return !!row?.same;
}
