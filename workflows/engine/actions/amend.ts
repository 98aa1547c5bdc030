import {
  buildInstances,
  checkTripRules,
  departureDateViolations,
  departureHorizonViolations,
  duplicatePersonViolations,
  needsNewPassport,
  passportLastsTrip,
  sameMemberPerson,
  sameValue,
  shanghaiDate,
  stayIn,
  tripCountries,
  visaStayProblems,
  type CaseFacts,
  type RuleViolation,
} from '@df/domain';
import type { AmendPreview, AmendRequest } from '@df/contracts';
import { staleReopened, type CaseCore } from '../core';
import type { StepMeta } from '../step-meta';
import { refuseField, reject } from '../rejection';

/**
 * The members, by country, whose visa recorded at a visa-issued step (D13: `validFrom`, `validUntil`; done, or its last
 * data while it runs again) does not cover their stay in the country on the amended facts `next` (visaStayProblems).
 */
function lapsedVisas(core: CaseCore, next: CaseFacts): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const m of core.metas.values()) {
    if (m.behaviour.data !== 'visa-issued' || m.memberId === undefined || m.country === undefined) continue;
    const state = core.states.get(m.key);
    const visa = state?.status === 'done' ? state.data : state?.lastData;
    if (!visa || visaStayProblems(visa, stayIn(next.destinations, m.country)).length === 0) continue;
    out.set(m.country, (out.get(m.country) ?? new Set()).add(m.memberId));
  }
  return out;
}

/**
 * Whether a step declaring rerunOnAmend 'visa-lapsed' runs again: a country's step where a member's visa lapsed there, a
 * member's step of a country for that member, a member's step of no country (E06 hands over the new visa) for a member
 * with any visa lapsed.
 */
function visaLapsedFor(lapsed: ReadonlyMap<string, ReadonlySet<string>>, m: StepMeta): boolean {
  if (m.country !== undefined) {
    const members = lapsed.get(m.country);
    return members !== undefined && (m.memberId === undefined || members.has(m.memberId));
  }
  return m.memberId !== undefined && [...lapsed.values()].some((members) => members.has(m.memberId!));
}

/** amend: dates, destinations, members; the steps that declare rerunOnAmend run again. */

export function amendedFacts(core: CaseCore, r: AmendRequest): CaseFacts {
  const changes = r.changes;
  if (!changes || typeof changes !== 'object' || Object.keys(changes).length === 0) {
    return refuseField(
      'changes',
      'required',
      '变更内容不能为空：须含出发日期、回国日期、出访国家（地区）或团组成员之一',
      'must name at least one of departureDate, returnDate, destinations, members',
    );
  }
  const allowed = ['departureDate', 'returnDate', 'destinations', 'members'];
  const unknown = Object.keys(changes).filter((k) => !allowed.includes(k));
  if (unknown.length > 0)
    refuseField(`changes.${unknown[0]}`, 'unknown-field', `不能变更：${unknown.join('、')}`, `cannot amend: ${unknown.join(', ')}`);
  return { ...core.facts, ...changes };
}

/**
 * `validating`: the Update validator's checks too (one person once: duplicatePersonViolations, typed namesakes
 * included; the legs' overlap, LEGS_OVERLAP; see CaseEngine.validate).
 */
export function checkAmend(core: CaseCore, r: AmendRequest, validating = false): void {
  const next = amendedFacts(core, r);
  const ids = next.members.map((m) => m.id);
  if (new Set(ids).size !== ids.length || ids.some((id) => !id || id.includes(':'))) {
    refuseField('changes.members', 'unique-ids', '成员编号须唯一且不含冒号', 'member ids must be unique and contain no colon');
  }
  // A member id the case holds is one person: another person under it would keep the first one's vetting. The
  // Update validator's only: an amendment recorded before the rule replays through the handler as it was applied.
  if (validating)
    next.members.forEach((m, i) => {
      const old = core.facts.members.find((b) => b.id === m.id);
      if (old && !sameMemberPerson(old, m))
        refuseField(
          `changes.members[${i}].${m.personId !== undefined ? 'personId' : 'name'}`,
          'same-person',
          `成员 ${m.id} 是 ${old.name}：同一成员编号不能换成另一人（换人请删去该成员，并以新的成员编号添加，其审查将重新进行）`,
          `member ${m.id} is ${old.name}: another person cannot take their place under the same member id (remove the member and add the new one under a new id: their vetting runs anew)`,
        );
    });
  // A withdrawn member's id is not taken again (their step instances keep the id): a member added, even the same person
  // again (twelfth trial: the message spoke of a new member), takes a new one.
  // The Update validator's only, as above.
  if (validating)
    next.members.forEach((m, i) => {
      if (core.facts.members.some((b) => b.id === m.id) || !core.withdrawnMembers.some((w) => w.memberId === m.id)) return;
      refuseField(
        `changes.members[${i}].id`,
        'unique',
        `成员编号 ${m.id} 曾属于已退出本团组的成员（其办理记录保留该编号）：加入的成员，即使是同一人再次加入，请使用新的成员编号`,
        `member id ${m.id} belonged to a member withdrawn from this delegation (their steps keep it): add a member, even the same person again, under a new id`,
      );
    });
  // An amendment that changes nothing is refused (new-user trial: the same departure date was accepted and recorded).
  // The Update validator's only: a recorded one replays through the handler as it was applied.
  if (validating && Object.keys(r.changes).every((k) => sameValue(core.facts[k as keyof CaseFacts], next[k as keyof CaseFacts])))
    refuseField('changes', 'no-change', '变更内容与现有信息相同，无需变更', 'changes nothing: every value given is the current one');
  // The legs' overlap (LEGS_OVERLAP) is the Update validator's only: an amendment recorded before the rule replays
  // through the handler as it was applied.
  const violations = checkTripRules(next, core.input.settings?.rules).filter((v) => validating || v.code !== 'LEGS_OVERLAP');
  if (validating) violations.push(...duplicatePersonViolations(next.members));
  // The submission's date rule, on the case's working clock: a departure moved into the past is refused like a submission with that date.
  if (next.departureDate !== core.facts.departureDate && core.deps.realWorldDates !== false)
    violations.push(...departureDateViolations(next, shanghaiDate(core.now)));
  // Within the planning horizon (the calendar's span; new-user trial: 2099 failed every workflow task). The Update
  // validator's only: an amendment recorded before the rule replays through the handler as it was applied.
  if (validating && next.departureDate !== core.facts.departureDate)
    violations.push(...departureHorizonViolations(next, shanghaiDate(core.now)));
  // The fields the amendment sent first (trial: a departure moved into the past read DAYS_EXCEEDED at the return date
  // it did not send before DEPARTURE_NOT_FUTURE at the departure date it did); the order within each kept.
  const sent = (v: RuleViolation) => (v.field !== undefined && v.field.split(/[.[]/)[0]! in r.changes ? 0 : 1);
  violations.sort((a, b) => sent(a) - sent(b));
  if (violations.length > 0) reject('RULE_VIOLATION', '变更后不符合出访规定', 'The amended trip breaks the rules', undefined, violations);
}

/**
 * The rules an amendment's reruns ask, each a patch in the workflow (the engine's deps), asked in the order the
 * handler was recorded with. A preview (previewAmend, a query) asks none: the rules as a new amendment meets them.
 */
interface AmendRules {
  routesFollowCountries(): boolean;
  reopenOnChange(): boolean;
  frequencyOnMemberChange(): boolean;
  inviterChangeReruns(): boolean;
  passportReissue(): boolean;
}

const recordedRules = (core: CaseCore): AmendRules => ({
  routesFollowCountries: () => core.deps.routesFollowCountries?.() ?? true,
  reopenOnChange: () => core.deps.reopenOnChange?.() ?? true,
  frequencyOnMemberChange: () => core.deps.frequencyOnMemberChange?.() ?? true,
  inviterChangeReruns: () => core.deps.inviterChangeReruns?.() ?? true,
  passportReissue: () => core.deps.passportReissue?.() ?? true,
});

const CURRENT_RULES: AmendRules = {
  routesFollowCountries: () => true,
  reopenOnChange: () => true,
  frequencyOnMemberChange: () => true,
  inviterChangeReruns: () => true,
  passportReissue: () => true,
};

/** What an amendment changes of the trip: its dates, countries, cities and members. */
interface AmendDiff {
  datesChanged: boolean;
  countriesChanged: boolean;
  newCountries: Set<string>;
  citiesChanged: boolean;
  removed: string[];
  added: string[];
  /** Members whose own facts changed (passport, access, ...): their member-scoped checks run again. */
  changed: Set<string>;
}

function amendDiff(before: CaseFacts, next: CaseFacts): AmendDiff {
  const stops = (f: CaseFacts) => JSON.stringify(f.destinations.map((d) => [d.country, d.city]));
  return {
    datesChanged:
      before.departureDate !== next.departureDate ||
      before.returnDate !== next.returnDate ||
      JSON.stringify(before.destinations.map((d) => [d.arrive, d.leave])) !==
        JSON.stringify(next.destinations.map((d) => [d.arrive, d.leave])),
    countriesChanged: tripCountries(before).join() !== tripCountries(next).join(),
    newCountries: new Set(tripCountries(next).filter((c) => !tripCountries(before).includes(c))),
    citiesChanged: stops(before) !== stops(next),
    removed: before.members.filter((m) => !next.members.some((n) => n.id === m.id)).map((m) => m.id),
    added: next.members.filter((m) => !before.members.some((b) => b.id === m.id)).map((m) => m.id),
    changed: new Set(
      next.members
        .filter((m) => {
          const old = before.members.find((b) => b.id === m.id);
          return old !== undefined && JSON.stringify(old) !== JSON.stringify(m);
        })
        .map((m) => m.id),
    ),
  };
}

/** The statuses of a step an amendment's rerun resets (a step not started has nothing to undo). */
const RESET_STATUSES: ReadonlySet<string> = new Set(['done', 'awaiting', 'overdue', 'blocked']);

/**
 * What amending the case with `r` would do now, asked by a query before the amendment is sent (trial 77: an amendment
 * said what it undid only once it was done): the Update validator's checks first (a Rejection, as the amendment would
 * meet), then the steps it runs again (the same rules as applyAmend, on the steps the case holds now, those of the
 * members and countries it removes left out), the members and countries it adds and removes. Changes nothing.
 */
export function previewAmend(core: CaseCore, r: AmendRequest): AmendPreview {
  const before = core.facts;
  const next = withoutStaleRoutes(amendedFacts(core, r), CURRENT_RULES);
  const diff = amendDiff(before, next);
  const countries = new Set(tripCountries(next));
  // The instances of the amended facts, as the amendment derives them (deriveInstances), on a copy of the statuses: a
  // step whose condition turned false and is not done is skipped; then what stands on a need no longer complete goes
  // back (staleReopened: a new member's or country's steps keep B01 and what follows from standing; trial 80: the
  // preview left out B01 and B02, which the amendment then undid).
  const instances = buildInstances(core.definition, next, { runtime: core.runtime, settings: core.input.settings ?? {} });
  const statuses = new Map<string, string>();
  for (const inst of instances) {
    const status = core.states.get(inst.key)?.status ?? 'pending';
    statuses.set(inst.key, inst.skipped && !['done', 'skipped', 'pending', 'returned'].includes(status) ? 'pending' : status);
  }
  const reopened = new Set(staleReopened(instances, statuses, new Set(core.rechecks), () => true).reopened);
  // …then the steps the rerun rules reset, of those the amendment keeps (their status after the derivation).
  for (const key of amendReruns(core, before, next, diff, true, CURRENT_RULES))
    if (RESET_STATUSES.has(statuses.get(key) ?? '')) reopened.add(key);
  const reruns = instances
    .filter((inst) => reopened.has(inst.key) && RESET_STATUSES.has(core.states.get(inst.key)?.status ?? ''))
    .map((inst) => ({ key: inst.key, status: core.states.get(inst.key)!.status }));
  return {
    reruns,
    datesChanged: diff.datesChanged,
    membersAdded: diff.added,
    membersRemoved: diff.removed,
    countriesAdded: [...diff.newCountries],
    countriesRemoved: tripCountries(before).filter((c) => !countries.has(c)),
  };
}

export function applyAmend(core: CaseCore, r: AmendRequest): void {
  const rules = recordedRules(core);
  const before = core.facts;
  const next = withoutStaleRoutes(amendedFacts(core, r), rules);
  const diff = amendDiff(before, next);
  const { datesChanged, countriesChanged, newCountries, removed, added } = diff;
  const memberReruns = rules.reopenOnChange();
  core.facts = next;
  core.emit('case.amended', r, {
    changes: r.changes,
    departureDate: next.departureDate,
    returnDate: next.returnDate,
    countries: tripCountries(next),
    memberCount: next.members.length,
    datesChanged,
    countriesChanged,
    membersAdded: added,
    membersRemoved: removed,
    comment: r.comment ?? null,
  });
  for (const id of removed) {
    core.withdrawnMembers.push({ memberId: id, reason: 'amended' });
    core.emit('member.withdrawn', r, { memberId: id, reason: 'amended', memberCount: next.members.length });
  }
  // The work the derivation takes back (a new member's steps keep B01 and what follows from standing: reopenStale) is
  // the amendment's too, and says so as the rerun rules' steps do (trial 80: B01 and B02 reopened saying nothing).
  const standing = new Map([...core.states].map(([key, state]) => [key, state.status]));
  core.deriveInstances('amend');
  const by = { cause: 'amend' as const, ...(r.actor?.id ? { actedBy: r.actor.id } : {}), at: core.now };
  for (const [key, state] of core.states)
    if (state.status === 'returned' && RESET_STATUSES.has(standing.get(key) ?? '')) state.rerunBy = { ...by };
  const rerun = amendReruns(core, before, next, diff, memberReruns, rules);
  const toReset = rerun.filter((k) => RESET_STATUSES.has(core.states.get(k)?.status ?? ''));
  // A new invitation (another inviter or city for a kept country), a country or member the amendment brings (again) to
  // the trip: the documents on the case are not theirs, so only files uploaded after this amendment serve the step (the
  // letter of the old inviter, or of the country the trip went to before, does not: trial 45; the validator's rule).
  const newMembers = new Set(added);
  const rerunKeys = new Set(rerun);
  for (const m of core.metas.values()) {
    if (!m.behaviour.requiresAttachments?.length) continue;
    const renewed =
      (m.country !== undefined && newCountries.has(m.country)) ||
      (m.memberId !== undefined && newMembers.has(m.memberId)) ||
      rerunKeys.has(m.key);
    const state = core.states.get(m.key);
    if (renewed && state) state.documentsSince = core.log.seq;
  }
  if (toReset.length > 0) {
    core.reset(toReset);
    for (const k of toReset) {
      core.rechecks.add(k);
      core.states.get(k)!.rerunBy = { ...by };
    }
    const held = core.holdOpenDependents(toReset);
    core.emit('step.returned', r, { by: 'amend', targets: toReset, keys: [...toReset, ...held] });
  }
  // The passports out for the trip are due back after its new return (CaseCore.passportsRedated).
  if (before.returnDate !== next.returnDate) core.passportsRedated();
}

/**
 * The steps of the case's instances (`core.metas`) an amendment from `before` to `next` runs again, whatever their
 * status: those declaring rerunOnAmend for what changed, and the rules below. The one home of the rerun rules, for the
 * amendment (applyAmend) and its preview (previewAmend). `rules` asked as the handler was recorded asking them.
 */
function amendReruns(
  core: CaseCore,
  before: CaseFacts,
  next: CaseFacts,
  diff: AmendDiff,
  memberReruns: boolean,
  rules: AmendRules,
): string[] {
  const { datesChanged, countriesChanged, newCountries, citiesChanged, removed, added, changed } = diff;
  // Approvals that rested on the old facts run again; the rule checks first.
  const tripChanged = datesChanged || countriesChanged || added.length > 0 || removed.length > 0;
  const purposeChanged = before.purpose !== next.purpose;
  const invited = invitersChanged(before, next);
  // The members, by country, whose visa recorded at a visa-issued step (D13) no longer covers their new stay there.
  const lapsed = datesChanged ? lapsedVisas(core, next) : new Map<string, Set<string>>();
  const declared = (m: StepMeta) => {
    const when = m.behaviour.rerunOnAmend;
    if (when === 'member') return memberReruns && (m.memberId === undefined ? changed.size > 0 : changed.has(m.memberId));
    if (when === 'visa-lapsed') return visaLapsedFor(lapsed, m);
    return (
      when === 'always' ||
      (when === 'dates' && datesChanged) ||
      (when === 'trip' && tripChanged) ||
      (when === 'itinerary' && (tripChanged || citiesChanged)) ||
      (when === 'additions' && (added.length > 0 || newCountries.size > 0))
    );
  };
  // The frequency check reads the member (rank, person, passport, name) and the purpose besides the dates: a change of
  // those runs it again for that member (trial: a member amended to bureau rank, or onto another person's passport,
  // kept A08's old pass). Asked only when that alone reruns it (patched('frequency-on-member-change')).
  const frequencyReads = (m: StepMeta) =>
    m.behaviour.system === 'frequency' && (purposeChanged || (m.memberId !== undefined && changed.has(m.memberId)));
  // Another inviter or city in a country the trip still visits is another invitation: that country's steps of the
  // preparation and the review (the letter A03, the note on the inviting party A04, the FAO's check of it B04) and the
  // reviews of the trip run again (trial: an approved case changed its inviter and city; nothing was reviewed again).
  // Asked only when an inviter changed (patched('inviter-change-reruns')). Not the preparation's own trip checks: the
  // annual plan check (A01, 'trip' from 2027.5) reads no inviter or city (fourth trial: a city change reran it).
  const inviterRule = () => invited.size > 0 && rules.inviterChangeReruns();
  const invitation = (m: StepMeta) =>
    m.country !== undefined && invited.has(m.country) && m.memberId === undefined && (m.phase === 'prepare' || m.phase === 'review');
  const reruns = (m: StepMeta) =>
    declared(m) ||
    (frequencyReads(m) && rules.frequencyOnMemberChange()) ||
    ((invitation(m) || (m.behaviour.rerunOnAmend === 'trip' && m.phase !== 'prepare' && !tripChanged)) && inviterRule());
  const reissued = passportsReissued(core, before, next, rules);
  return [...core.metas.values()].filter((m) => reruns(m) || reissued.has(m.key)).map((m) => m.key);
}

/**
 * The new-passport steps (the step conditions newPassportNeeded and passportReplaced: C02-C06) of each member whose new
 * passport (their C05 done, custody 'register') no longer serves the amended trip: it expires less than 6 months after
 * the new return (passportLastsTrip), or the amendment gave the member a passport (the ledger's, re-picked) that does not
 * last it either (needsNewPassport: the new one lost, cancelled, or never in custody). They run again, so a passport is
 * issued anew (ninth trial: C07 refused `valid-for-trip` / `valid-passport` and advised re-picking the member, which
 * reran C01 only; the case was stuck). Asks `deps.passportReissue` only when there is such a member.
 */
function passportsReissued(core: CaseCore, before: CaseFacts, next: CaseFacts, rules: AmendRules): Set<string> {
  const keys = new Set<string>();
  const passportOf = (f: CaseFacts, id: string) => JSON.stringify(f.members.find((m) => m.id === id)?.passport ?? null);
  for (const member of next.members) {
    const c05 = [...core.metas.values()].find((m) => m.memberId === member.id && m.behaviour.custody === 'register');
    const state = c05 && core.states.get(c05.key);
    const expiresOn = state?.status === 'done' ? state.data?.expiresOn : undefined;
    if (typeof expiresOn !== 'string') continue;
    const gone =
      !passportLastsTrip(expiresOn, next.returnDate) ||
      (passportOf(before, member.id) !== passportOf(next, member.id) && needsNewPassport(member, next.returnDate));
    if (!gone) continue;
    for (const m of core.metas.values()) {
      const condition = core.steps.get(m.code)?.condition;
      if (m.memberId === member.id && (condition === 'newPassportNeeded' || condition === 'passportReplaced')) keys.add(m.key);
    }
  }
  if (keys.size === 0 || !rules.passportReissue()) return new Set();
  return keys;
}

/**
 * `facts` without the entry routes recorded (D01) for countries the trip no longer visits: a country removed and added
 * again is routed anew, its D01 deciding again (trial: the old `routes.m1.US` came back with the country). Asks
 * `rules.routesFollowCountries` (patched('routes-follow-countries')) only when there is a route to drop, so earlier
 * histories replay as they ran.
 */
function withoutStaleRoutes(facts: CaseFacts, rules: AmendRules): CaseFacts {
  const countries = new Set(tripCountries(facts));
  const stale = (m: CaseFacts['members'][number]) => Object.keys(m.routes ?? {}).some((c) => !countries.has(c));
  if (!facts.members.some(stale) || !rules.routesFollowCountries()) return facts;
  return {
    ...facts,
    members: facts.members.map((m) => {
      if (!stale(m)) return m;
      const routes = Object.fromEntries(Object.entries(m.routes!).filter(([c]) => countries.has(c)));
      const { routes: _dropped, ...rest } = m;
      return Object.keys(routes).length > 0 ? { ...m, routes } : rest;
    }),
  };
}

/**
 * The countries both fact sets visit whose stops changed city or inviter (name, organization), compared as the list
 * of a country's stops.
 */
function invitersChanged(before: CaseFacts, next: CaseFacts): Set<string> {
  const stops = (f: CaseFacts, country: string) =>
    JSON.stringify(
      f.destinations
        .filter((d) => d.country === country)
        .map((d) => [d.city, d.inviter?.name ?? null, d.inviter?.organization ?? null])
        .sort(),
    );
  const kept = tripCountries(before).filter((c) => tripCountries(next).includes(c));
  return new Set(kept.filter((c) => stops(before, c) !== stops(next, c)));
}
