import {
  departureHorizonViolations,
  isBlank,
  isIsoDate,
  isYearScheduleList,
  ROLES,
  shanghaiDate,
  textRuleErrors,
  upcastDefinition,
  validateDefinition,
  type ProcessDefinition,
} from '@df/domain';

type Record_ = Record<string, unknown>;
const isRecord = (v: unknown): v is Record_ => typeof v === 'object' && v !== null && !Array.isArray(v);
// Not blank: whitespace and invisible characters alone (U+200B…) are blank (isBlank). A start input asks
// patched('input-validation') only when it has problems, so a history recorded before replays as it ran.
const isText = (v: unknown): v is string => typeof v === 'string' && !isBlank(v);

/**
 * What in a workflow's start input the engine cannot run, as `field: rule` lines (empty when it can run it).
 * The API builds the input from a submission it has checked field by field; any other Temporal client
 * (`temporal workflow start --type delegation --input …`) sends what it likes. Checked: the shape CaseCore
 * reads (ids, dates, members, destinations, the actor), the pinned definition (validateDefinition), loaded
 * schedules (isYearScheduleList) and the text rule over every string (a value PostgreSQL cannot store).
 * The trip rules themselves are not re-checked: a case started outside the API carries its violations in
 * `progress.violations` like any other.
 */
export function startInputProblems(input: unknown): string[] {
  if (!isRecord(input)) return ['input: 不是对象 / not an object'];
  const problems: string[] = [];
  const need = (ok: boolean, field: string, rule: string) => {
    if (!ok) problems.push(`${field}: ${rule}`);
  };
  need(isText(input.caseId), 'caseId', 'non-empty string');
  need(typeof input.submittedAt === 'string' && Number.isFinite(Date.parse(input.submittedAt)), 'submittedAt', 'ISO instant');
  const by = input.submittedBy;
  need(
    isRecord(by) && isText(by.id) && isText(by.unit) && (ROLES as readonly unknown[]).includes(by.role),
    'submittedBy',
    'actor {id, role, unit}',
  );
  const wds = input.workingDaySeconds;
  need(wds === undefined || (typeof wds === 'number' && Number.isFinite(wds) && wds > 0), 'workingDaySeconds', 'positive number');
  need(input.schedules === undefined || isYearScheduleList(input.schedules), 'schedules', 'holiday schedules (isYearScheduleList)');

  const facts = input.facts;
  if (!isRecord(facts)) problems.push('facts: object');
  else {
    need(isText(facts.unit), 'facts.unit', 'non-empty string');
    need(typeof facts.title === 'string', 'facts.title', 'string');
    need(isIsoDate(facts.departureDate), 'facts.departureDate', 'YYYY-MM-DD');
    need(isIsoDate(facts.returnDate), 'facts.returnDate', 'YYYY-MM-DD');
    if (isIsoDate(facts.departureDate) && isIsoDate(facts.returnDate))
      need(facts.departureDate <= facts.returnDate, 'facts.returnDate', 'not before the departure date');
    // Within the planning horizon of the submission (the working-day calendar spans 50 years from a plan's anchor: a
    // departure or return in 2099 failed every workflow task). Histories started before this replay as they ran: the
    // check asks patched('input-validation') only when it finds a problem.
    if (isIsoDate(facts.departureDate) && typeof input.submittedAt === 'string' && Number.isFinite(Date.parse(input.submittedAt))) {
      const submittedOn = shanghaiDate(input.submittedAt);
      need(
        departureHorizonViolations({ departureDate: facts.departureDate }, submittedOn).length === 0,
        'facts.departureDate',
        'within two years of submittedAt',
      );
      if (isIsoDate(facts.returnDate))
        need(
          departureHorizonViolations({ departureDate: facts.returnDate }, facts.departureDate).length === 0,
          'facts.returnDate',
          'within two years of the departure',
        );
    }
    if (!Array.isArray(facts.members) || facts.members.length === 0) problems.push('facts.members: non-empty list');
    else {
      const ids = new Set<unknown>();
      facts.members.forEach((m: unknown, i) => {
        const ok = isRecord(m) && isText(m.id) && typeof m.name === 'string' && !ids.has(m.id);
        need(ok, `facts.members[${i}]`, 'member {id (unique), name}');
        if (isRecord(m)) ids.add(m.id);
        if (isRecord(m) && m.passport !== null && m.passport !== undefined)
          need(
            isRecord(m.passport) && (m.passport.expiresOn === undefined || isIsoDate(m.passport.expiresOn)),
            `facts.members[${i}].passport`,
            'passport {inCustody, number?, expiresOn?}',
          );
      });
    }
    if (!Array.isArray(facts.destinations) || facts.destinations.length === 0) problems.push('facts.destinations: non-empty list');
    else
      facts.destinations.forEach((d: unknown, i) =>
        need(
          isRecord(d) && isText(d.country) && isIsoDate(d.arrive) && isIsoDate(d.leave),
          `facts.destinations[${i}]`,
          'destination {country, arrive, leave}',
        ),
      );
  }

  // The definition as sent (an empty one would be upcast into the post-trip steps alone), then as the engine reads it.
  const sent = validateDefinition(input.definition);
  for (const p of sent) problems.push(`definition: ${p.message}`);
  if (sent.length === 0)
    try {
      for (const p of validateDefinition(upcastDefinition(input.definition as ProcessDefinition)))
        problems.push(`definition: ${p.message}`);
    } catch {
      problems.push('definition: process definition');
    }

  for (const e of textRuleErrors(input)) problems.push(`${e.field}: ${e.rule}`);
  problems.push(...tooLong(input));
  return problems;
}

/** Length in code points, as PostgreSQL's varchar(n) counts. */
const chars = (s: string): number => [...s].length;

/**
 * The start input's strings longer than the read models hold them (libs/persistence/src/entities), as the API's
 * schemas bound them: a Temporal client's longer one would fail the first append forever (new-user trial).
 * cases.case_id 64, submitted_by 128, unit 64, title 200, supervising_department 64, purpose 32; a member's id
 * (the API's 1-32: it is in step keys, case_steps.step_key varchar(64)), personId 200 (member_trips.person_key), name
 * 100 (person_key is unit:name, varchar(200)).
 */
function tooLong(input: Record_): string[] {
  const out: string[] = [];
  const check = (v: unknown, field: string, max: number) => {
    if (typeof v === 'string' && chars(v) > max) out.push(`${field}: at most ${max} characters`);
  };
  check(input.caseId, 'caseId', 64);
  if (isRecord(input.submittedBy)) {
    check(input.submittedBy.id, 'submittedBy.id', 128);
    check(input.submittedBy.unit, 'submittedBy.unit', 64);
  }
  const facts = input.facts;
  if (!isRecord(facts)) return out;
  check(facts.unit, 'facts.unit', 64);
  check(facts.title, 'facts.title', 200);
  check(facts.supervisingDepartment, 'facts.supervisingDepartment', 64);
  check(facts.purpose, 'facts.purpose', 32);
  if (Array.isArray(facts.members))
    facts.members.forEach((m: unknown, i) => {
      if (!isRecord(m)) return;
      check(m.id, `facts.members[${i}].id`, 32);
      check(m.personId, `facts.members[${i}].personId`, 200);
      check(m.name, `facts.members[${i}].name`, 100);
    });
  return out;
}
