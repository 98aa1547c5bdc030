import type { Instant, WorkingCalendar } from './calendar';
import { chineseCalendar, parseInstant, shanghaiDate, toIso } from './calendar';
import { addDays } from './dates';
import { upcastDefinition } from './definition/default-definition';
import { DEFAULT_AT_RISK_THRESHOLD_WD } from './definition/overrides';
import type { ProcessDefinition } from './definition/types';
import type { CaseFacts } from './facts';
import type { InstanceState, InstanceStatus, StepInstance } from './instances';

export interface PlanInput {
  instances: StepInstance[];
  /** Per instance key; missing = pending (or skipped when the instance is skipped). */
  states?: Record<string, InstanceState>;
  now: Instant;
  /** 'YYYY-MM-DD'; everything must be ready by 00:00 Shanghai that day (= end of the previous working day). */
  departureDate: string;
  calendar?: WorkingCalendar;
  atRiskThresholdWd?: number;
  /** When the case started; for totalWd. Default: the earliest recorded start, or now. */
  caseStartedAt?: Instant;
  /**
   * The steps that certify a real-world day (behaviour.certifies: E07 the departure, P01 the return), by step code:
   * the 'YYYY-MM-DD' each certifies (certifiedDays). Such a step cannot be done before that day, so it is planned
   * against the end of that day instead of the departure deadline, and it and every step after it are not
   * preparation: they are left out of the forecast ready date, the slack and the risk, and a case with no
   * preparation left is not at risk. Absent: every step counts against the deadline, as histories recorded before
   * the `certified-step-plan` patch were planned (E07, waiting for the departure day, kept a prepared case at risk).
   */
  certifiedDays?: Readonly<Record<string, string>>;
  /**
   * With certifiedDays: a step certifying a day, the first of its chain, still not done once that day has ended (E07:
   * the delegation did not leave on its departure day, or did not say so) makes the case late by the working days since the day's end, and at
   * risk, prepared or not (trial 76: a trip whose departure and return dates had passed without E07 read 29.7 working
   * days of slack, 正常, and the board counted no case at risk). Absent or false: such a step counts for nothing once
   * the preparation is done (histories recorded before the `certified-late-risk` patch).
   */
  certifiedLate?: boolean;
  /**
   * A step done (or skipped) that rests, through any chain, on a step not done again yet (a re-check after an
   * amendment: the budget and sign-offs of 2027.8 upstream of the done submission B01/B02) passes that step's finish on:
   * what comes after it is planned to start once the upstream is done again, as the engine opens it
   * (`nextActions`' unsettled), and the chain is on the critical path (forty-first trial: after a change of dates
   * the critical step was B05, returned, and the budget's, countersign's and sign-off's days were left out of the
   * forecast). Such a pass-through step is not listed as critical itself. Absent or true: so; false: a done step ends
   * its chain (histories recorded before the `plan-through-rechecks` patch).
   */
  throughRechecks?: boolean;
}

/**
 * The days the steps of a definition certify (PlanInput.certifiedDays): the departure date for a step certifying the
 * departure, the return date for one certifying the return. Read from the declared behaviour, whatever the codes.
 */
export function certifiedDays(
  definition: ProcessDefinition,
  facts: Pick<CaseFacts, 'departureDate' | 'returnDate'>,
): Record<string, string> {
  const days: Record<string, string> = {};
  for (const s of upcastDefinition(definition).steps) {
    const event = s.behaviour?.certifies?.event;
    if (event) days[s.code] = event === 'departure' ? facts.departureDate : facts.returnDate;
  }
  return days;
}

export interface PlannedStep {
  key: string;
  code: string;
  status: InstanceStatus;
  /**
   * ISO instants (UTC). Starts at working-day boundaries land at 09:00, finishes at 17:00 Shanghai; a latest time bound
   * by the end of a certified day (PlanInput.certifiedDays) is 00:00 Shanghai of the next day, as the step's due.
   */
  earliestStart: string;
  earliestFinish: string;
  latestStart: string;
  latestFinish: string;
  /** Working days relative to now (negative = in the past). */
  esWd: number;
  efWd: number;
  lsWd: number;
  lfWd: number;
  /** Latest start minus earliest start, against the departure date. */
  slackWd: number;
  critical: boolean;
  /** Not started and its latest start is already past: late before anything is overdue. */
  late: boolean;
  /** Started and running longer than its target duration. */
  overdue: boolean;
}

export interface Plan {
  now: string;
  departureDate: string;
  /** 00:00 Shanghai of the departure date. */
  deadline: string;
  forecastReadyAt: string;
  /** Shanghai calendar date of forecastReadyAt. */
  forecastReadyDate: string;
  /**
   * Working days from forecast ready to the deadline; negative = late. With certifiedDays the forecast is the
   * preparation's: the steps certifying a day (and those after them) do not count.
   */
  slackWd: number;
  /** Slack under the threshold; with certifiedDays only while preparation remains (a prepared case is not at risk). */
  atRisk: boolean;
  atRiskThresholdWd: number;
  /** Critical path length from the case start to forecast ready. */
  totalWd: number;
  /** From now to forecast ready (with certifiedDays, 0 once nothing of the preparation remains). */
  remainingWd: number;
  /**
   * Nothing of the preparation remains: every step is done or skipped, with certifiedDays but those certifying a day
   * and after them (E07 onwards). A state, not a time: the forecast is then the day the preparation ended
   * (preparationDone; trial 86: an overdue D13 finishing "now" in a plan a day old read 已就绪).
   */
  prepared: boolean;
  /** Instance keys, in order; skipped pass-through instances are left out. */
  criticalPath: string[];
  criticalPathCodes: string[];
  /** The step the forecast waits on (关键步骤): criticalPath's first step not done (waitingStepOf); null when all are. */
  criticalStep: string | null;
  steps: PlannedStep[];
  /**
   * True when a day from now to the later of departure and forecast lies in a year with no published holiday
   * schedule: the working days there are provisional (statutory holidays only, no 调休), see calendar.ts.
   */
  provisionalCalendar: boolean;
  /** E.g. CALENDAR_PROVISIONAL (a provisional year is in the plan) or CALENDAR_OUT_OF_RANGE (weekends-only fallback). */
  warnings: string[];
}

/**
 * The step a forecast waits on (关键步骤): the first of `criticalPath` neither done nor skipped, null when every one is.
 * The one rule for it: the planner's `Plan.criticalStep`, the engine's `case.replanned` (which the list and the board
 * read) and a published answer stored without the field (`withCriticalStep`) each ask it, by their own statuses.
 */
export function waitingStepOf(criticalPath: readonly string[], statusOf: (key: string) => string | undefined): string | null {
  for (const key of criticalPath) {
    const status = statusOf(key);
    if (status !== 'done' && status !== 'skipped') return key;
  }
  return null;
}

/** The dependency graph of an instance list, by position: what every plan of the same instances shares. */
interface PlanGraph {
  /** The instances it was built from, their keys and needs arrays then (graphStillFits checks them before reuse). */
  instances: readonly StepInstance[];
  keys: readonly string[];
  needs: ReadonlyArray<readonly string[]>;
  /** Positions of each instance's needs, in the order of its needs (so needs[i][k] was keys[preds[i][k]]). */
  preds: number[][];
  succs: number[][];
  /** Kahn's order, stable with respect to input order for readability of ties. */
  order: number[];
  /** Position of each instance in `order`. */
  topo: Int32Array;
}

const graphs = new WeakMap<readonly StepInstance[], PlanGraph>();

/**
 * The graph of `instances` (RangeError on an unknown need or a cycle), built once per instance list: a case re-plans
 * the same list at every transition (issue 16: building it was a third of a plan), and replaces the list when the
 * instances change. Reused only while every instance, its needs array and the keys in it are the ones it was built
 * from, so a caller that edits a list in place gets a new graph, never a stale one.
 */
function planGraph(instances: readonly StepInstance[]): PlanGraph {
  const cached = graphs.get(instances);
  if (cached && graphStillFits(cached, instances)) return cached;
  const n = instances.length;
  const index = new Map<string, number>();
  instances.forEach((inst, i) => index.set(inst.key, i));
  const preds: number[][] = new Array(n);
  const succs: number[][] = Array.from({ length: n }, () => []);
  const indeg = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const ps: number[] = [];
    for (const k of instances[i]!.needs) {
      const j = index.get(k);
      if (j === undefined) throw new RangeError(`instance ${instances[i]!.key} needs unknown instance ${k}`);
      ps.push(j);
      succs[j]!.push(i);
    }
    preds[i] = ps;
    indeg[i] = ps.length;
  }
  const order: number[] = [];
  for (let i = 0; i < n; i++) if (indeg[i] === 0) order.push(i);
  for (let h = 0; h < order.length; h++) for (const s of succs[order[h]!]!) if (--indeg[s] === 0) order.push(s);
  if (order.length !== n) throw new RangeError('instances contain a dependency cycle');
  const topo = new Int32Array(n);
  order.forEach((i, pos) => (topo[i] = pos));
  const graph: PlanGraph = {
    instances: [...instances],
    keys: instances.map((inst) => inst.key),
    needs: instances.map((inst) => inst.needs),
    preds,
    succs,
    order,
    topo,
  };
  graphs.set(instances, graph);
  return graph;
}

function graphStillFits(graph: PlanGraph, instances: readonly StepInstance[]): boolean {
  if (graph.instances.length !== instances.length) return false;
  const { keys, preds } = graph;
  for (let i = 0; i < instances.length; i++) {
    const inst = instances[i]!;
    if (graph.instances[i] !== inst || graph.needs[i] !== inst.needs || inst.key !== keys[i]) return false;
    const ps = preds[i]!;
    if (ps.length !== inst.needs.length) return false;
    for (let k = 0; k < ps.length; k++) if (inst.needs[k] !== keys[ps[k]!]) return false;
  }
  return true;
}

/** Instants formatted by earlier plans (a case re-plans the same done steps' times): toIso's strings, bounded. */
const isoMemo = new Map<number, string>();
const ISO_MEMO_MAX = 8192;

/** toIso(ms), remembered: many instances share times (every member's copy of a step), and so do successive plans. */
function iso(ms: number): string {
  let s = isoMemo.get(ms);
  if (s === undefined) {
    if (isoMemo.size >= ISO_MEMO_MAX) isoMemo.clear();
    isoMemo.set(ms, (s = toIso(ms)));
  }
  return s;
}

const EPS = 1e-9;
const round = (x: number): number => Math.round(x * 1000) / 1000;

const STARTED: ReadonlySet<InstanceStatus> = new Set(['awaiting', 'blocked']);

/**
 * Critical-path plan in working time. Forward pass: earliest start = max(now, needs' finish); done instances
 * keep their actual times, started ones their start; skipped ones pass through in zero time. Backward pass from
 * the departure deadline gives latest start/finish. The critical path is traced back from the latest finish
 * through the binding need at each step. With certifiedDays, a step certifying a day (and any step after one) has
 * the end of that day as its own deadline and is not part of the forecast ready date, the slack or the risk.
 */
export function plan(input: PlanInput): Plan {
  const { instances } = input;
  const states = input.states ?? {};
  const calendar = input.calendar ?? chineseCalendar();
  const threshold = input.atRiskThresholdWd ?? DEFAULT_AT_RISK_THRESHOLD_WD;
  const nowMs = parseInstant(input.now);
  const tl = calendar.timeline(nowMs);
  const N = tl.toWd(nowMs);
  const n = instances.length;

  const { preds, succs, order, topo } = planGraph(instances);

  const D = tl.dayStartWd(input.departureDate);
  const certified = input.certifiedDays;
  const status: InstanceStatus[] = new Array(n);
  const dur = new Float64Array(n);
  const es = new Float64Array(n);
  const ef = new Float64Array(n);
  /** Each instance's own deadline: the departure's, or the end of the day it (or a step before it) certifies. */
  const due = new Float64Array(n);
  /**
   * The day whose end is the deadline of a step certifying it or coming after one (certifiedDays only); undefined for
   * preparation. Such a step is not preparation: it counts neither in the forecast nor in the risk.
   */
  const dueDay: Array<string | undefined> = new Array(n);
  /** Preparation not yet finished (neither done nor passed through). */
  let remaining = false;
  let origin = N;
  const throughRechecks = input.throughRechecks ?? true;
  /** Not settled: not done nor skipped, or done or skipped resting on one that is not (throughRechecks). */
  const unsettled = new Uint8Array(n);
  /** Done, and passing an unsettled upstream's finish on (throughRechecks): walked through, not listed as critical. */
  const passing = new Uint8Array(n);
  for (const i of order) {
    const inst = instances[i]!;
    const st = states[inst.key];
    const s: InstanceStatus = st?.status ?? (inst.skipped ? 'skipped' : 'pending');
    status[i] = s;
    let depEF = -Infinity;
    let upEF = -Infinity;
    for (const p of preds[i]!) {
      if (ef[p]! > depEF) depEF = ef[p]!;
      if (unsettled[p] && ef[p]! > upEF) upEF = ef[p]!;
    }
    const skipped = s === 'skipped' || (inst.skipped && s !== 'done' && !STARTED.has(s));
    dur[i] = skipped ? 0 : inst.durationWd;
    // A certifying step is due by the end of the day it certifies, a step after one by the latest such day before it.
    let day = certified?.[inst.code];
    for (const p of preds[i]!) if (dueDay[p] !== undefined && (day === undefined || dueDay[p]! > day)) day = dueDay[p];
    dueDay[i] = day;
    due[i] = day !== undefined ? tl.dayStartWd(addDays(day, 1)) : D;
    if (day === undefined && !skipped && s !== 'done') remaining = true;
    if (s === 'done') {
      const fin = st?.doneAt !== undefined ? tl.toWd(parseInstant(st.doneAt)) : Number.isFinite(depEF) ? Math.min(depEF, N) : N;
      ef[i] = fin;
      es[i] = st?.startedAt !== undefined ? tl.toWd(parseInstant(st.startedAt)) : Number.isFinite(depEF) ? Math.min(depEF, fin) : fin;
      origin = Math.min(origin, es[i]!);
      if (throughRechecks && Number.isFinite(upEF)) {
        // Done, but what it rests on is being done again: what follows waits for that (its own times stay as recorded).
        unsettled[i] = passing[i] = 1;
        ef[i] = Math.max(fin, upEF);
      }
    } else if (skipped) {
      es[i] = ef[i] = Number.isFinite(depEF) ? depEF : N;
      if (throughRechecks && Number.isFinite(upEF)) unsettled[i] = 1;
    } else if (STARTED.has(s)) {
      es[i] = st?.startedAt !== undefined ? tl.toWd(parseInstant(st.startedAt)) : N;
      ef[i] = Math.max(es[i]! + dur[i]!, N);
      origin = Math.min(origin, es[i]!);
      if (throughRechecks) unsettled[i] = 1;
    } else {
      es[i] = Math.max(N, depEF);
      ef[i] = es[i]! + dur[i]!;
      if (throughRechecks) unsettled[i] = 1;
    }
  }
  if (input.caseStartedAt !== undefined) origin = tl.toWd(parseInstant(input.caseStartedAt));

  // The instance finishing last (ties: not skipped, then latest in topological order) ends the critical path.
  let sink = -1;
  for (const i of order) {
    if (sink < 0 || ef[i]! > ef[sink]! + EPS) sink = i;
    else if (Math.abs(ef[i]! - ef[sink]!) <= EPS && (status[i] !== 'skipped' || status[sink] === 'skipped')) sink = i;
  }
  // The forecast: when the last instance finishes, or with certifiedDays the last of the preparation.
  let F = n > 0 ? ef[sink]! : N;
  if (certified) {
    let prepared = -Infinity;
    for (let i = 0; i < n; i++) if (dueDay[i] === undefined && ef[i]! > prepared) prepared = ef[i]!;
    if (Number.isFinite(prepared)) F = prepared;
  }

  // Backward pass from the deadline (each instance's own: see `due`).
  const ls = new Float64Array(n);
  const lf = new Float64Array(n);
  for (let h = n - 1; h >= 0; h--) {
    const i = order[h]!;
    let fin = due[i]!;
    for (const s of succs[i]!) if (ls[s]! < fin) fin = ls[s]!;
    lf[i] = fin;
    ls[i] = fin - dur[i]!;
  }

  // Trace the binding chain back from the sink; skipped instances, and done ones passing a re-check's finish on, are
  // walked through but not listed.
  const onPath = new Uint8Array(n);
  const path: number[] = [];
  for (let cur = sink; cur >= 0;) {
    if (status[cur] !== 'skipped' && !passing[cur]) path.push(cur);
    onPath[cur] = 1;
    let best = -1;
    for (const p of preds[cur]!) {
      if (ef[p]! < es[cur]! - EPS) continue; // not binding
      if (best < 0) {
        best = p;
        continue;
      }
      const pSkip = status[p] === 'skipped';
      const bSkip = status[best] === 'skipped';
      if (pSkip !== bSkip) {
        if (!pSkip) best = p;
      } else if (ef[p]! > ef[best]! + EPS) best = p;
      else if (Math.abs(ef[p]! - ef[best]!) <= EPS && (dur[p]! > dur[best]! || (dur[p] === dur[best] && topo[p]! > topo[best]!))) best = p;
    }
    cur = best;
  }
  path.reverse();

  // A member's copies of a step share their working-time points (es/ef/ls/lf): one fromWd per point and edge in a plan.
  const startIso = new Map<number, string>();
  const endIso = new Map<number, string>();
  const wdIso = (wd: number, edge: 'start' | 'end'): string => {
    const cache = edge === 'start' ? startIso : endIso;
    let s = cache.get(wd);
    if (s === undefined) cache.set(wd, (s = iso(tl.fromWd(wd, edge))));
    return s;
  };

  const steps: PlannedStep[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const inst = instances[i]!;
    const st = states[inst.key];
    const s = status[i]!;
    const done = s === 'done';
    const day = dueDay[i];
    steps[i] = {
      key: inst.key,
      code: inst.code,
      status: s,
      earliestStart: (done || STARTED.has(s)) && st?.startedAt !== undefined ? iso(parseInstant(st.startedAt)) : wdIso(es[i]!, 'start'),
      earliestFinish: done && st?.doneAt !== undefined ? iso(parseInstant(st.doneAt)) : wdIso(ef[i]!, dur[i] === 0 ? 'start' : 'end'),
      // Bound by the end of the day it certifies (a calendar day, maybe not a working one): that instant, as its due.
      latestStart: ls[i] === due[i] && day !== undefined ? iso(parseInstant(addDays(day, 1))) : wdIso(ls[i]!, 'start'),
      latestFinish: lf[i] === due[i] && day !== undefined ? iso(parseInstant(addDays(day, 1))) : wdIso(lf[i]!, 'end'),
      esWd: round(es[i]! - N),
      efWd: round(ef[i]! - N),
      lsWd: round(ls[i]! - N),
      lfWd: round(lf[i]! - N),
      slackWd: round(ls[i]! - es[i]!),
      critical: onPath[i] === 1 && s !== 'skipped' && !passing[i],
      late: (s === 'pending' || s === 'ready') && ls[i]! < N - EPS,
      overdue: STARTED.has(s) && N > es[i]! + dur[i]! + EPS,
    };
  }

  const forecastMs = tl.fromWd(F, 'end');
  // A certified day ended with its step not done (certifiedLate): late by the working time since, at least not early.
  // The first such step of its chain only (E07, the departure): one after it (P01, the return) waits on a departed case,
  // which is never at risk.
  let certifiedLateWd: number | undefined;
  if (certified && input.certifiedLate)
    for (let i = 0; i < n; i++) {
      const day = certified[instances[i]!.code];
      if (day === undefined || status[i] === 'done' || status[i] === 'skipped') continue;
      if (preds[i]!.some((p) => dueDay[p] !== undefined)) continue;
      if (nowMs < parseInstant(addDays(day, 1))) continue;
      certifiedLateWd = Math.max(certifiedLateWd ?? 0, N - due[i]!);
    }
  const slack = certifiedLateWd === undefined ? D - F : Math.min(D - F, 0 - certifiedLateWd); // 0 - 0 is +0: on time to the instant reads 0
  const warnings: string[] = [];
  const forecastDate = shanghaiDate(forecastMs);
  // Every year the plan spans, from now to the later of departure and forecast ready.
  const lastDate = forecastDate > input.departureDate ? forecastDate : input.departureDate;
  const spanYears: number[] = [];
  for (let y = Number(shanghaiDate(nowMs).slice(0, 4)); y <= Number(lastDate.slice(0, 4)); y++) spanYears.push(y);
  const provisionalYears = spanYears.filter((y) => calendar.isProvisional(`${y}-01-01`));
  if (provisionalYears.length > 0) {
    warnings.push(
      calendar.unpublishedYears === 'weekends'
        ? `CALENDAR_OUT_OF_RANGE: ${provisionalYears.join('、')}年不在节假日数据范围（${calendar.coverage.from}-${calendar.coverage.to}）内，只按周末排 / ${provisionalYears.join(', ')} outside the holiday data (${calendar.coverage.from}-${calendar.coverage.to}); weekends only`
        : `CALENDAR_PROVISIONAL: ${provisionalYears.join('、')}年放假安排尚未公布，按法定节假日暂排 / no published holiday schedule for ${provisionalYears.join(', ')}; planned with the statutory holidays (provisional)`,
    );
  }

  const criticalPath = path.map((i) => instances[i]!.key);
  const statusOf = new Map(criticalPath.map((key, k) => [key, status[path[k]!]]));
  return {
    now: toIso(nowMs),
    departureDate: input.departureDate,
    deadline: toIso(parseInstant(input.departureDate)),
    forecastReadyAt: toIso(forecastMs),
    forecastReadyDate: forecastDate,
    slackWd: round(slack),
    atRisk: certifiedLateWd !== undefined || (slack < threshold - EPS && (!certified || remaining)),
    atRiskThresholdWd: threshold,
    totalWd: round(F - origin),
    remainingWd: round(certified && !remaining ? Math.max(F - N, 0) : F - N),
    prepared: !remaining,
    criticalPath,
    criticalPathCodes: path.map((i) => instances[i]!.code),
    criticalStep: waitingStepOf(criticalPath, (key) => statusOf.get(key)),
    steps,
    provisionalCalendar: provisionalYears.length > 0,
    warnings,
  };
}
