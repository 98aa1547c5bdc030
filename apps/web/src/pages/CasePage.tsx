import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  Descriptions,
  Form,
  Input,
  Modal,
  Row,
  Select,
  Space,
  Statistic,
  Table,
  Tag,
  Typography,
  Upload,
  type FormRule,
} from 'antd';
import type { EChartsOption } from 'echarts';
import { Fragment, lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { DayItem } from '../DayField';
import {
  actionable,
  api,
  ApiError,
  catalog,
  download,
  uploadAttachment,
  type Catalog,
  type InboxItem,
  type Progress,
  type RosterPerson,
  type Session,
  type StepProgress,
} from '../api';
import { Chart } from '../Chart';
import { replannedSays, returnedBy, timelineAfter } from '../timeline';
import {
  countryName,
  fmtDateTime,
  label,
  Loaded,
  phaseText,
  reasonRules,
  requiredTextRules,
  STATUS_COLOURS,
  textLimit,
  textRules,
  useErrorText,
  useLoad,
  useUnitNames,
  TAG,
} from '../common';
import { useT, type Bilingual, type Lang, type LabelKey } from '../i18n';
import { shanghaiToday } from '../date-rules';
import { closureNote, countdown, forecastFigure, forecastTitle, graphLayout, provisionalForecast, stepsByKey } from '../case-figures';
import { codeLabel } from '../labels';
import { supplyKindOf } from '../attachment-kinds';
import { processOfVersion } from '../../../../libs/domain/src/definition/apec-whitelist';
import { TARGET_DAY_LABELS } from '../../../../libs/domain/src/definition/apec-card';
import { CERTIFYING_STEPS } from '../../../../libs/domain/src/definition/behaviour';
import { planCheckItems } from './PlanCheckItems';
import { ActionDialog, type ActionTarget } from './ActionDialog';
import { accountName } from '../accounts';
import { ObjectionsCard } from './ObjectionsCard';
import { AmendPreviewNote } from './AmendPreviewNote';
import { whitelistFiguresOf, WHITELIST_LABELS } from './ApecWhitelistFigures';
import {
  amendChanges,
  amendFields,
  memberNamesOnCase,
  rosterOptionLabel,
  rosterPeopleOnCase,
  type AmendMembers,
  type AmendValues,
} from '../amend';
import { joinNames, joinStops } from '../lists';

// The attachments card (antd Upload, rc-upload) loads with its own chunk after the case itself: not in the first load.
const AttachmentsCard = lazy(() => import('./AttachmentsCard').then((m) => ({ default: m.AttachmentsCard })));

interface TimelineEvent {
  seq: number;
  type: string;
  occurredAt: string;
  actorId: string | null;
  actorRole: string | null;
  onBehalfOf: string | null;
  /** The display names of actorId and onBehalfOf (the timeline page's actorNames): accountName. */
  names?: Record<string, string>;
  /** `objection`: a public-notice objection's text (notice.objection); `targets`, `by`: a step.returned's steps and cause. */
  payload: {
    key?: string;
    code?: string;
    decision?: string;
    comment?: string;
    returnTo?: string;
    objection?: string;
    targets?: string[];
    by?: string;
    /** case.closed: the withdrawal's or cancellation's reason. */
    reason?: string;
  };
}

/** The title of a closed case's note, by how it ended (closureNote). */
const CLOSURE_TITLES = { rejected: 'closedRejected', withdrawn: 'closedWithdrawn', cancelled: 'closedCancelled' } as const;

/** The graph's colours explained, by step status (their labels: STEP_STATUS_LABELS, as the API says them). */
const LEGEND = ['done', 'awaiting', 'pending', 'overdue', 'blocked', 'returned', 'skipped', 'withdrawn'] as const;

/**
 * The dependency graph of the case's step instances: columns by dependency depth, one lane per member
 * and per country (case-wide steps on lane 0; graphLayout), colours by status, the critical path drawn thick and red.
 * `height`: the chart's, px, grown with the lanes (420 to 1,400) so their rows keep their spacing; labels that
 * would still run into each other are hidden (the tooltip and zoom show them).
 */
export function graphOption(
  p: Progress,
  cat: Catalog,
  pick: (b: { zh: string; en: string }) => string,
  lang: Lang,
): { option: EChartsOption; height: number } {
  const needs = new Map(cat.steps.map((s) => [s.code, s.needs]));
  const steps = stepsByKey(p.steps);
  const compatible = (a: StepProgress, b: StepProgress) =>
    (!a.memberId || !b.memberId || a.memberId === b.memberId) && (!a.country || !b.country || a.country === b.country);
  const edges: Array<[StepProgress, StepProgress]> = [];
  for (const s of steps)
    for (const code of needs.get(s.code) ?? []) for (const u of steps) if (u.code === code && compatible(u, s)) edges.push([u, s]);
  const depth = new Map<string, number>();
  const depthOf = (s: StepProgress, seen = new Set<string>()): number => {
    const known = depth.get(s.key);
    if (known !== undefined) return known;
    if (seen.has(s.key)) return 0;
    seen.add(s.key);
    const d = Math.max(0, ...edges.filter(([, to]) => to.key === s.key).map(([from]) => depthOf(from, seen) + 1));
    depth.set(s.key, d);
    return d;
  };
  const laneOf = (s: StepProgress) => [s.memberId, s.country].filter(Boolean).join('·');
  const { positions, height } = graphLayout(steps.map((s) => ({ key: s.key, depth: depthOf(s), lane: laneOf(s) })));
  const critical = new Set(p.plan.criticalPath);
  // The leftmost step of each member's or country's lane names the lane beside its code (m1·US).
  const laneHead = new Map<string, string>();
  for (const s of [...steps].sort((a, b) => positions.get(a.key)!.x - positions.get(b.key)!.x))
    if (laneOf(s) && !laneHead.has(laneOf(s))) laneHead.set(laneOf(s), s.key);
  const nodes = steps.map((s) => ({
    id: s.key,
    name: s.key,
    ...positions.get(s.key)!,
    symbolSize: critical.has(s.key) ? 22 : 14,
    itemStyle: {
      color: STATUS_COLOURS[s.status] ?? '#999',
      borderColor: critical.has(s.key) ? '#cf1322' : '#fff',
      borderWidth: critical.has(s.key) ? 3 : 1,
    },
    // The step's code only: its lane says whose and where, the tooltip the whole key (second trial: keys such as
    // D13:m1:JP ran into the next column's at 1024 and 1366 px).
    label: {
      show: true,
      position: 'right' as const,
      fontSize: 10,
      formatter: laneHead.get(laneOf(s)) === s.key ? `${s.code} ${laneOf(s)}` : s.code,
    },
    tooltip: { formatter: `${s.key} ${pick(s.name)}<br/>${codeLabel(lang, 'stepSt_', s.status)}` },
  }));
  const onPath = (a: string, b: string) => {
    const i = p.plan.criticalPath.indexOf(a);
    return i >= 0 && p.plan.criticalPath[i + 1] === b;
  };
  const option: EChartsOption = {
    tooltip: {},
    animation: false,
    series: [
      {
        type: 'graph',
        layout: 'none',
        // The lanes keep their rows' spacing in the chart's height; the columns fit its width.
        preserveAspect: false,
        labelLayout: { hideOverlap: true },
        roam: true,
        edgeSymbol: ['none', 'arrow'],
        edgeSymbolSize: 6,
        data: nodes,
        links: edges.map(([a, b]) => ({
          source: a.key,
          target: b.key,
          lineStyle: onPath(a.key, b.key) ? { color: '#cf1322', width: 4, opacity: 1 } : { color: '#aaa', width: 1, opacity: 0.6 },
        })),
      },
    ],
  };
  return { option, height: Math.min(1400, Math.max(420, height + 100)) };
}

/**
 * The day a case is planned back from, named by its process: a trip's departure, a card application's needed-by day,
 * a whitelist filing's decision due day (the facts' `departureDate` holds each).
 */
export function targetDayLabel(definitionVersion: string): Bilingual {
  return TARGET_DAY_LABELS[processOfVersion(definitionVersion)];
}

/** Gantt of the plan: each step from its start (or latest start) to its end (or due time), the target day (targetDayLabel) and forecast ready dates as lines. */
export function ganttOption(p: Progress, t: (k: LabelKey) => string, pick: (b: Bilingual) => string): EChartsOption {
  const rows = p.steps
    .filter((s) => s.status !== 'skipped' && (s.startedAt || s.earliestStartAt || s.latestStartAt))
    .map((s) => {
      // A step not started at the plan's earliest, the schedule the forecast line ends (trial 82: drawn at its latest
      // start, its bar stood weeks after that line); an answer without it (older) at its latest start.
      const start = Date.parse((s.startedAt ?? s.earliestStartAt ?? s.latestStartAt)!);
      const end = Date.parse(s.doneAt ?? s.dueAt ?? s.earliestFinishAt ?? s.startedAt ?? s.latestStartAt!);
      return { key: s.key, start, end: Math.max(end, start + 60_000), status: s.status, critical: s.critical };
    })
    .sort((a, b) => a.start - b.start);
  const departure = Date.parse(`${p.departureDate}T00:00:00+08:00`);
  const ready = Date.parse(p.plan.forecastReadyAt);
  return {
    animation: false,
    tooltip: { formatter: (x: unknown) => String((x as { name: string }).name) },
    grid: { left: 90, right: 30, top: 30, bottom: 30 },
    xAxis: {
      type: 'time',
      min: Math.min(departure, ...rows.map((r) => r.start)) - 86_400_000,
      max: Math.max(departure, ready, ...rows.map((r) => r.end)) + 86_400_000,
    },
    // Every row named (interval 0: ECharts otherwise drops every other label, trial 53); the chart gives each row 12 px.
    yAxis: { type: 'category', data: rows.map((r) => r.key), inverse: true, axisLabel: { fontSize: 9, interval: 0 } },
    series: [
      {
        type: 'custom',
        encode: { x: [1, 2], y: 0 },
        data: rows.map((r, i) => ({
          name: r.key,
          value: [i, r.start, r.end],
          itemStyle: {
            color: STATUS_COLOURS[r.status] ?? '#999',
            borderColor: r.critical ? '#cf1322' : undefined,
            borderWidth: r.critical ? 2 : 0,
          },
        })),
        renderItem: (_params, api) => {
          const y = api.value(0) as number;
          const a = api.coord([api.value(1), y]);
          const b = api.coord([api.value(2), y]);
          const h = ((api.size?.([0, 1]) as number[] | undefined)?.[1] ?? 10) * 0.6;
          return {
            type: 'rect',
            shape: { x: a[0]!, y: a[1]! - h / 2, width: Math.max(2, b[0]! - a[0]!), height: h },
            style: api.style(),
          } as never;
        },
        markLine: {
          symbol: 'none',
          data: [
            {
              xAxis: departure,
              name: pick(targetDayLabel(p.definitionVersion)),
              lineStyle: { color: '#cf1322', width: 2 },
              label: { formatter: pick(targetDayLabel(p.definitionVersion)) },
            },
            {
              xAxis: ready,
              name: t('forecastReady'),
              lineStyle: { color: '#1677ff', type: 'dashed' },
              // At the other end of its line from the departure's: the two read apart when the days are close (trial 50:
              // 出发日 and 预计就绪 printed over each other).
              label: { formatter: t('forecastReady'), position: 'start' },
            },
          ],
        },
      },
    ],
  };
}

/** The mark of a figure that does not move while an incident stops the case (countdown's `paused`). */
function PausedTag() {
  const { t } = useT();
  return (
    <Tag color={TAG.gold} title={t('pausedHint')} data-testid="figure-paused">
      {t('paused')}
    </Tag>
  );
}

/** A re-plan of the forecast (case.replanned): on the timeline only when asked for. */
const isReplan = (e: TimelineEvent): boolean => e.type === 'case.replanned';

export default function CasePage({ caseId, session }: { caseId: string; session: Session }) {
  const { t, pick, code, lang } = useT();
  const { unitName } = useUnitNames();
  const errText = useErrorText();
  const { message } = App.useApp();
  const [target, setTarget] = useState<ActionTarget | null>(null);
  const [modal, setModal] = useState<null | 'withdraw' | 'amend' | 'cancel' | { extend: string }>(null);
  const [error, setError] = useState<unknown>(null);
  const [showReplans, setShowReplans] = useState(false);
  // The events read so far, for this case: each refresh asks for those after them.
  const read = useRef<{ caseId: string; events: TimelineEvent[] }>({ caseId, events: [] });
  const state = useLoad(
    async () => {
      const known = read.current.caseId === caseId ? read.current.events : [];
      const [progress, events, cat, inbox] = await Promise.all([
        api<Progress>('GET', `/api/delegations/${caseId}`),
        timelineAfter(known, (after) =>
          api<{ events: TimelineEvent[]; more: boolean; actorNames?: Record<string, string> }>(
            'GET',
            `/api/delegations/${caseId}/timeline?afterSeq=${after}`,
          ).then((page) => ({ ...page, events: page.events.map((e) => ({ ...e, names: page.actorNames ?? {} })) })),
        ),
        catalog(),
        api<{ items: InboxItem[] }>('GET', '/api/inbox?pageSize=200'),
      ]);
      read.current = { caseId, events };
      return { progress, timeline: { events }, cat, mine: inbox.items.filter((i) => i.caseId === caseId) };
    },
    [caseId],
    { live: true },
  );
  const organizer = session.user.role === 'organizer';
  // The access table (docs/api.md): the FAO clerk extends a 容缺 document; clerk, reviewer and director may end (cancel) a case.
  const faoClerk = session.user.role === 'fao-clerk';
  const mayCancel = ['fao-clerk', 'fao-reviewer', 'fao-director'].includes(session.user.role);
  const graph = useMemo(() => (state.data ? graphOption(state.data.progress, state.data.cat, pick, lang) : null), [state.data, pick, lang]);
  const gantt = useMemo(() => (state.data ? ganttOption(state.data.progress, t, pick) : null), [state.data, t, pick]);

  const [amendForm] = Form.useForm();
  /** A dialog's action: on success the dialog closes and the case reloads; a refusal rejects, for the dialog to say. */
  const act = (path: string, body: unknown) =>
    api('POST', `/api/delegations/${caseId}${path}`, body).then(() => {
      void message.success(t('saved'));
      closeModal();
      state.reload();
    });
  // A dialog's refusal is said in the dialog only, and goes with it (trial 50: each showed in the dialog and again
  // behind it; the reason dialogs' only behind it, under the dialog).
  const closeModal = () => {
    setModal(null);
    setError(null);
  };
  const post = (path: string, body: unknown) =>
    act(path, body).catch((e: unknown) => {
      setError(e);
      // The amendment's refusal at its fields: the rule violations and field errors naming a date (in the dialog,
      // which otherwise hides the page's alert). The API names them as sent, under `changes` (docs/api.md).
      if (path === '/amend' && e instanceof ApiError) {
        const at = new Map<string, { name: string | Array<string | number>; errors: string[] }>();
        for (const x of [...e.errors, ...e.violations])
          for (const name of amendFields(x.field, ((amendForm.getFieldValue('keep') as string[] | undefined) ?? []).length)) {
            const k = JSON.stringify(name);
            const f = at.get(k) ?? { name, errors: [] };
            if (!f.errors.includes(pick(x.message))) f.errors.push(pick(x.message));
            at.set(k, f);
          }
        amendForm.setFields([...at.values()]);
      }
    });
  /**
   * The amendment's date rules as the user types (the workflow's checkAmend runs the same domain functions): a moved
   * departure after today, the return not before it, the case's stops inside the new dates (said at the return).
   */
  const amendDateRule =
    (field: 'departureDate' | 'returnDate' | `destinations[${number}].${'arrive' | 'leave'}`): FormRule =>
    ({ getFieldValue }) => ({
      validator: async () => {
        const { tripDateErrors } = await import('../trip-date-rules');
        const now = state.data?.progress;
        const days = (getFieldValue('destinations') as AmendValues['destinations']) ?? [];
        const dates = { departureDate: getFieldValue('departureDate') as string, returnDate: getFieldValue('returnDate') as string };
        // The stops with the days typed in the dialog (each stop's own fields say its refusal).
        const destinations = now?.facts.destinations.map((d, i) => ({ ...d, ...days[i] }));
        const errs = tripDateErrors({ ...dates, destinations }, shanghaiToday(), now?.departureDate);
        const text = [...new Set(errs.filter((e) => e.field === field).map((e) => pick(e.message)))].join('; ');
        if (text) throw new Error(text);
      },
    });
  const pdf = (kind: 'approval-document' | 'application-form') =>
    download(`/api/delegations/${caseId}/documents/${kind}.pdf`, `${kind}-${caseId.slice(0, 8)}.pdf`).catch(setError);

  return (
    <Loaded state={state}>
      {({ progress: p, timeline, cat, mine }) => {
        // What the case is about depends on its process: a trip's fields belong to a delegation; a card application's
        // members are its applicants and its countries the economies to pre-clear; a whitelist filing has neither
        // (its facts hold placeholders the engine needs, not the user's data).
        const process = processOfVersion(p.definitionVersion);
        const trip = process === 'delegation';
        // The amendment's `changes` for the dialog's values: what 确定 sends, and what its preview asks about.
        const amendChangesOf = (v: AmendValues) => amendChanges(v, p.facts.destinations, trip ? amendMembersOf(p) : undefined);
        const figures = whitelistFiguresOf(p, lang);
        // What the annual plan check found (trial 66: shown nowhere on the case).
        const planLines = planCheckItems(p, trip, 'case', { t, pick, lang });
        const card = process === 'apec-card';
        // A departed or closed case has no time to departure left: a dash and its status, not negative figures.
        const left = countdown(p, lang);
        // An incident stops the case: every action would be refused (409 CASE_INCIDENT), so none is offered.
        const paused = !!p.incident;
        // The system's own steps under way (A01's plan check after a submission): said where the actions are empty.
        const running =
          p.status === 'open' ? p.steps.filter((s) => s.kind === 'system' && (s.status === 'awaiting' || s.status === 'overdue')) : [];
        // The step the forecast waits on, named in words as the list and the board name it: the engine's criticalStep
        // (forty-third trial: only the graph marked it).
        const stepOf = new Map(p.steps.map((s) => [s.key, s]));
        const critical = p.plan.criticalStep;
        const closure = closureNote(p, timeline.events);
        // Who the page names: the case's own accounts and its timeline's (a withdrawal's organizer may have acted on no step).
        const names: Record<string, string> = Object.assign({}, ...new Set(timeline.events.map((e) => e.names)), p.actorNames);
        // The step confirming the departure (E07), when it is open: the departure may be recorded up to the return date.
        const confirming = p.steps.find(
          (s) => s.code === CERTIFYING_STEPS.departure && (s.status === 'awaiting' || s.status === 'overdue'),
        );
        return (
          <Space orientation="vertical" size="large" style={{ width: '100%' }}>
            <Typography.Title level={2}>{p.title}</Typography.Title>
            {closure ? (
              // How the case ended, on top (trial 79: 未获批准 with an empty actions box; the reason on the timeline's last page).
              <Alert
                type={closure.status === 'rejected' ? 'error' : 'info'}
                showIcon
                data-testid="case-closed"
                title={t(CLOSURE_TITLES[closure.status])}
                description={
                  <>
                    <div>
                      {[
                        closure.stepKey
                          ? `${closure.stepKey} ${stepOf.get(closure.stepKey) ? pick(stepOf.get(closure.stepKey)!.name) : ''}`.trim()
                          : null,
                        closure.actedBy
                          ? `${closure.actorRole ? `${label(cat.roles, closure.actorRole, pick)} ` : ''}${accountName(closure.actedBy, names, lang)}`
                          : null,
                        closure.at ? fmtDateTime(closure.at) : null,
                      ]
                        .filter((x) => x)
                        .join(' · ')}
                    </div>
                    {closure.reason ? (
                      <div>
                        {t('closedReason')}
                        {closure.reason}
                      </div>
                    ) : null}
                    <div>{t(closure.status === 'rejected' ? 'closedNext' : 'closedNextNew')}</div>
                  </>
                }
              />
            ) : null}
            {trip && p.status === 'open' && p.daysToDeparture < 0 ? (
              // The trip's dates passed without a departure: its steps are refused (409 DEPARTURE_PASSED) until the
              // dates are amended or the case withdrawn (docs/domain.md); up to the return date the departure itself may
              // still be confirmed (trial 77: the banner said only 改期 or 撤回 while E07 was offered and went through).
              <Alert
                type="warning"
                showIcon
                data-testid="case-departure-passed"
                title={
                  confirming && shanghaiToday(Date.parse(p.now)) <= p.facts.returnDate
                    ? t('departurePassedConfirm')
                        .replace('{departure}', p.departureDate)
                        .replace('{step}', `${confirming.code} ${pick(confirming.name)}`)
                        .replace('{return}', p.facts.returnDate)
                    : t('departurePassed')
                }
              />
            ) : null}
            {p.incident ? (
              // Stopped by an incident: the API's notice (what happened, what to do) in the user's language, when and
              // which steps; actions answer 409 CASE_INCIDENT until operations retry it.
              <Alert
                type="warning"
                showIcon
                data-testid="case-incident"
                title={pick(p.incident.notice)}
                description={
                  <Typography.Text>
                    {t('incidentSince')}: {fmtDateTime(p.incident.openedAt)}
                    {p.incident.stepKeys.length > 0
                      ? ` · ${t('incidentSteps')}: ${p.incident.stepKeys
                          .map((k) => {
                            const s = p.steps.find((x) => x.key === k);
                            return s ? `${s.code} ${pick(s.name)}` : k;
                          })
                          .join(lang === 'zh' ? '、' : ', ')}`
                      : ''}
                  </Typography.Text>
                }
              />
            ) : null}
            {p.steps.some((s) => s.status === 'blocked') ? (
              // Held steps and why (a rule check's violations, a 容缺 document past its deadline): otherwise the case
              // only showed an orange node and an unchanged slack (trial: a case held by the frequency rule).
              <Alert
                type="warning"
                showIcon
                data-testid="case-blocked"
                title={t('blockedTitle')}
                description={
                  <ul style={{ margin: 0, paddingInlineStart: 20 }}>
                    {p.steps
                      .filter((s) => s.status === 'blocked')
                      .map((s) => (
                        <li key={s.key} data-testid={`blocked-step-${s.key}`}>
                          {s.key} {pick(s.name)}
                          {s.blockedReason ? `${lang === 'zh' ? '：' : ': '}${pick(s.blockedReason)}` : ''}
                        </li>
                      ))}
                  </ul>
                }
              />
            ) : null}
            {error && modal === null ? (
              <Alert type="error" showIcon role="alert" title={errText(error)} closable onClose={() => setError(null)} />
            ) : null}
            <Row gutter={16}>
              <Col span={6}>
                <Statistic
                  title={t('slack')}
                  value={left.slack}
                  precision={1}
                  valueStyle={{ color: !left.counting ? undefined : p.plan.atRisk ? '#cf1322' : '#389e0d' }}
                  suffix={left.paused ? <PausedTag /> : undefined}
                  data-testid="case-slack"
                />
              </Col>
              <Col span={6}>
                <Statistic
                  title={t(forecastTitle(p))}
                  value={forecastFigure(p)}
                  data-testid="case-forecast"
                  suffix={provisionalForecast(p) ? <Tag title={t('provisionalHint')}>{t('provisional')}</Tag> : undefined}
                />
              </Col>
              <Col span={6}>
                <Statistic title={pick(targetDayLabel(p.definitionVersion))} value={p.departureDate} />
              </Col>
              {trip ? (
                <Col span={6}>
                  <Statistic
                    title={t('daysToDeparture')}
                    value={left.daysToDeparture}
                    suffix={left.paused ? <PausedTag /> : undefined}
                    data-testid="case-days-to-departure"
                  />
                </Col>
              ) : null}
            </Row>
            <Card title={t('caseOverview')} size="small">
              <Descriptions
                size="small"
                column={2}
                items={[
                  { label: t('unit'), children: unitName(p.unit) },
                  { label: t('status'), children: <Tag>{code('st_', p.status)}</Tag> },
                  { label: t('phase'), children: phaseText(cat, p.phase, processOfVersion(p.definitionVersion), pick) },
                  ...(trip ? [{ label: t('purpose'), children: label(cat.purposes, p.facts.purpose, pick) }] : []),
                  ...planLines,
                  ...(trip || card
                    ? [
                        {
                          label: t(card ? 'apecEconomies' : 'destinations'),
                          children: joinStops(
                            p.facts.destinations.map((d) =>
                              card ? countryName(cat, d.country, lang) : `${countryName(cat, d.country, lang)} ${d.city ?? ''}`,
                            ),
                            lang,
                          ),
                        },
                        {
                          label: t(card ? 'applicants' : 'members'),
                          children: joinNames(memberNamesOnCase(p.facts.members, lang), lang),
                        },
                      ]
                    : []),
                  ...(trip ? [{ label: t('approvalNo'), children: p.approvalDocumentNo ?? '—' }] : []),
                  // A whitelist filing's figures (W01), as the desk decides on them.
                  ...(figures
                    ? [{ label: pick(WHITELIST_LABELS.figures), children: <span data-testid="case-figures">{figures}</span> }]
                    : []),
                  {
                    label: t('criticalStep'),
                    children: (
                      <span data-testid="case-critical-step">
                        {critical ? `${critical} ${pick(stepOf.get(critical)?.name ?? { zh: '', en: '' })}` : '—'}
                      </span>
                    ),
                  },
                ]}
              />
            </Card>
            <Card title={t('actions')} size="small" data-testid="case-actions">
              {paused ? (
                <Alert type="info" showIcon data-testid="case-actions-paused" title={t('incidentActions')} style={{ marginBottom: 8 }} />
              ) : null}
              <Space wrap>
                {mine.length === 0 && running.length > 0 ? (
                  <Typography.Text type="secondary" data-testid="system-running">
                    {t('systemRunning')}
                    {lang === 'zh' ? '：' : ': '}
                    {running.map((s) => `${s.key} ${pick(s.name)}`).join(lang === 'zh' ? '、' : ', ')}
                  </Typography.Text>
                ) : mine.length === 0 && !(organizer && p.status === 'open') ? (
                  // The organizer's case-wide actions (amend, withdraw) stand only while the case is open: a completed
                  // case's card was empty for them (trial 84).
                  <Typography.Text type="secondary" data-testid="no-actions">
                    {t('noActions')}
                  </Typography.Text>
                ) : null}
                {mine.map((i) => (
                  <Fragment key={i.stepKey}>
                    {i.blockedFor ? (
                      // As in the inbox: the reason; the button only when it may still be decided (actionable).
                      <Typography.Text
                        type={i.blockedFor.code === 'SELF_APPROVAL' ? 'danger' : 'secondary'}
                        data-testid={`blocked-for-${i.stepKey}`}
                      >
                        {i.stepKey} {pick(i.name)}: {pick(i.blockedFor.message)}
                      </Typography.Text>
                    ) : null}
                    {actionable(i) ? (
                      <Button
                        type="primary"
                        disabled={paused || i.status === 'blocked'}
                        data-testid={`act-${i.stepKey}`}
                        onClick={() =>
                          setTarget({ caseId, stepKey: i.stepKey, code: i.code, name: i.name, kind: i.kind, onBehalf: i.onBehalf })
                        }
                      >
                        {i.stepKey} {pick(i.name)}
                      </Button>
                    ) : null}
                  </Fragment>
                ))}
                {mayCancel && p.status === 'open' ? (
                  <Button danger disabled={paused} onClick={() => setModal('cancel')} data-testid="cancel-case">
                    {t('cancelCase')}
                  </Button>
                ) : null}
                {organizer && p.status === 'open' ? (
                  <>
                    <Button
                      disabled={paused}
                      onClick={() => {
                        setError(null);
                        // Each opening starts from the case as it is now: the page's form keeps a closed dialog's values
                        // (a second amendment reopened with the first one's members and sent them again).
                        amendForm.resetFields();
                        amendForm.setFieldsValue(amendInitial(p));
                        setModal('amend');
                      }}
                    >
                      {t('amend')}
                    </Button>
                    <Button danger disabled={paused} onClick={() => setModal('withdraw')}>
                      {t('withdraw')}
                    </Button>
                  </>
                ) : null}
                {/* The enterprise clerk withdraws its own card application (the access table's withdraw). */}
                {session.user.role === 'enterprise-clerk' && card && p.status === 'open' ? (
                  <Button danger disabled={paused} onClick={() => setModal('withdraw')} data-testid="withdraw-application">
                    {t('withdraw')}
                  </Button>
                ) : null}
              </Space>
            </Card>
            {/* The pre-trip public notice (A13) is a delegation's: its objections, and recording one while it runs. */}
            {trip ? <ObjectionsCard caseId={caseId} progress={p} session={session} paused={paused} onRecorded={state.reload} /> : null}
            {/* A whitelist filing or card application has no trip documents: the card only for what it would hold. */}
            {trip || (p.deficiencies ?? []).length > 0 ? (
              <Card title={t('documents')} size="small">
                {/* The trip's application form and approval document (任务批件) are a delegation's documents. */}
                {trip ? (
                  <Space wrap>
                    <Button onClick={() => void pdf('application-form')} data-testid="pdf-application-form">
                      {t('applicationForm')}
                    </Button>
                    <Button
                      onClick={() => void pdf('approval-document')}
                      disabled={!p.approvalDocumentNo}
                      data-testid="pdf-approval-document"
                    >
                      {t('approvalDocument')}
                    </Button>
                  </Space>
                ) : null}
                {/* A case past Temporal's retention answers from the read model, without deficiencies (source: read-model). */}
                {(p.deficiencies ?? []).length > 0 ? (
                  <Table
                    size="small"
                    style={{ marginTop: 12 }}
                    rowKey="id"
                    pagination={false}
                    dataSource={p.deficiencies}
                    columns={[
                      { title: t('deficiencies'), dataIndex: 'name' },
                      { title: t('neededBy'), dataIndex: 'neededBy' },
                      {
                        title: t('dueAt'),
                        dataIndex: 'dueAt',
                        render: (v: string, d) => (d.status === 'missing' || d.status === 'overdue' ? fmtDateTime(v) : '—'),
                      },
                      {
                        title: t('status'),
                        dataIndex: 'status',
                        render: (v: string) => code('def_', v),
                      },
                      {
                        title: t('act'),
                        key: 'supply',
                        render: (_: unknown, d) =>
                          organizer && (d.status === 'missing' || d.status === 'overdue') ? (
                            // 补交: the document itself, uploaded as an attachment, then recorded as supplied by its id
                            // (fileRef): a document marked supplied rests on a file the FAO can open.
                            <Upload
                              accept="application/pdf,image/png,image/jpeg"
                              showUploadList={false}
                              disabled={paused}
                              customRequest={({ file, onSuccess, onError }) => {
                                uploadAttachment(caseId, { kind: supplyKindOf(d.id) }, file as File).then(
                                  (a) => {
                                    onSuccess?.({});
                                    void post('/documents', { documentId: d.id, fileRef: a.id });
                                  },
                                  (e: unknown) => {
                                    onError?.(e as Error);
                                    setError(e);
                                  },
                                );
                              }}
                            >
                              <Button size="small" disabled={paused} data-testid={`supply-${d.id}`}>
                                {t('supply')}
                              </Button>
                            </Upload>
                          ) : faoClerk &&
                            (d.status === 'missing' || d.status === 'overdue') &&
                            (d.extensionsLeft ?? 0) > 0 &&
                            p.status === 'open' ? (
                            <Button
                              size="small"
                              disabled={paused}
                              onClick={() => setModal({ extend: d.id })}
                              data-testid={`extend-${d.id}`}
                            >
                              {t('extendDeadline')}
                            </Button>
                          ) : null,
                      },
                    ]}
                  />
                ) : null}
              </Card>
            ) : null}
            <Suspense fallback={<Card title={t('attachments')} size="small" loading />}>
              <AttachmentsCard caseId={caseId} progress={p} paused={paused} onChanged={state.reload} />
            </Suspense>
            <Card title={t('graph')} size="small">
              <Space wrap style={{ marginBottom: 8 }}>
                {LEGEND.map((s) => (
                  <Tag key={s}>
                    <span
                      aria-hidden
                      style={{
                        display: 'inline-block',
                        width: 10,
                        height: 10,
                        borderRadius: 5,
                        marginRight: 6,
                        background: STATUS_COLOURS[s],
                      }}
                    />
                    {code('stepSt_', s)}
                  </Tag>
                ))}
              </Space>
              {graph ? <Chart option={graph.option} height={graph.height} label={t('graph')} /> : null}
            </Card>
            <Card title={t('gantt')} size="small">
              {gantt ? <Chart option={gantt} height={Math.max(300, p.steps.length * 12)} label={t('gantt')} /> : null}
            </Card>
            <Card
              title={t('timeline')}
              size="small"
              // The forecast's re-plans on request: a case's record is otherwise mostly them (trial 76: 37 pages, mostly
              // 重新预测 rows, the decisions between them).
              extra={
                <span data-testid="timeline-replans">
                  <Checkbox checked={showReplans} onChange={(e) => setShowReplans(e.target.checked)}>
                    {t('timelineReplans').replace('{n}', String(timeline.events.filter(isReplan).length))}
                  </Checkbox>
                </span>
              }
            >
              <Table<TimelineEvent>
                size="small"
                rowKey="seq"
                dataSource={showReplans ? timeline.events : timeline.events.filter((e) => !isReplan(e))}
                pagination={{ pageSize: 15 }}
                columns={[
                  { title: '#', dataIndex: 'seq', width: 50 },
                  { title: t('time'), dataIndex: 'occurredAt', render: (v: string) => fmtDateTime(v) },
                  {
                    title: t('step'),
                    key: 'step',
                    render: (_: unknown, e) => {
                      const what = code('ev_', e.type);
                      // A return names the steps sent back, not one key (trial: "退回重办" rows named no step).
                      if (e.type === 'step.returned' && Array.isArray(e.payload.targets))
                        return `${what} ${(e.payload.targets as string[]).join('、')}`;
                      const key = typeof e.payload.key === 'string' ? e.payload.key : '';
                      const name = p.steps.find((s) => s.key === key)?.name;
                      return `${what}${key ? ` ${key}` : ''}${name ? ` ${pick(name)}` : ''}`;
                    },
                  },
                  {
                    title: t('decision'),
                    key: 'decision',
                    render: (_: unknown, e) =>
                      (e.payload.decision ? code('decision_', e.payload.decision) : '') +
                      (e.payload.returnTo ? ` → ${e.payload.returnTo}` : ''),
                  },
                  {
                    title: t('actor'),
                    key: 'actor',
                    render: (_: unknown, e) =>
                      e.actorId
                        ? // The role before the person, as the closure note names them (trial 84: 王建国（…） (专办员) mixed brackets).
                          `${e.actorRole ? `${label(cat.roles, e.actorRole, pick)} ` : ''}${accountName(e.actorId, e.names, lang)}`
                        : // Who recorded an objection is the office's to know (the API withholds it from the others).
                          e.type === 'notice.objection'
                          ? `— ${t('withheld')}`
                          : '',
                  },
                  {
                    title: t('onBehalfOf'),
                    key: 'onBehalfOf',
                    render: (_: unknown, e) =>
                      e.onBehalfOf ? <Tag color={TAG.purple}>{accountName(e.onBehalfOf, e.names, lang)}</Tag> : '',
                  },
                  {
                    title: t('comment'),
                    key: 'comment',
                    // An objection's text is what the row is about (trial: the 公示异议 rows read empty).
                    render: (_: unknown, e) =>
                      e.payload.objection ??
                      e.payload.comment ??
                      (e.type === 'step.returned'
                        ? returnedBy(e.payload.by, t)
                        : e.type === 'case.replanned'
                          ? replannedSays(e.payload, t, lang)
                          : ''),
                  },
                ]}
              />
            </Card>
            <ActionDialog
              target={target}
              onClose={() => setTarget(null)}
              onDone={() => {
                setTarget(null);
                state.reload();
              }}
            />
            {CLOSING_DIALOGS.map(({ kind, title, reason }) => (
              <ReasonDialog
                key={kind}
                open={modal === kind}
                title={t(title)}
                label={t(reason)}
                warning={t('closingIsFinal')}
                danger
                onClose={closeModal}
                send={(reason) => act(`/${kind}`, { reason })}
              />
            ))}
            <ReasonDialog
              open={modal !== null && typeof modal === 'object'}
              title={t('extendDeadline')}
              label={t('extendReason')}
              onClose={closeModal}
              send={(reason) =>
                modal && typeof modal === 'object' ? act('/documents/extensions', { documentId: modal.extend, reason }) : Promise.resolve()
              }
            />
            {/* Wide enough for a stop's days and its inviter on one line (trial 82: the inviter's box was narrow). */}
            <Modal open={modal === 'amend'} title={t('amend')} onCancel={closeModal} footer={null} destroyOnHidden width={800}>
              <Form
                form={amendForm}
                layout="vertical"
                initialValues={amendInitial(p)}
                // The last refusal goes once something is changed, as in every dialog (trial 54: it stayed up here).
                onValuesChange={() => setError(null)}
                onFinish={(v: AmendValues & { comment?: string }) =>
                  void post('/amend', {
                    changes: amendChangesOf(v),
                    ...(v.comment ? { comment: v.comment } : {}),
                  })
                }
              >
                <DayItem
                  label={t('departure')}
                  name="departureDate"
                  rules={[{ required: true, message: t('required') }, amendDateRule('departureDate')]}
                />
                <DayItem
                  label={t('returnDate')}
                  name="returnDate"
                  dependencies={['departureDate']}
                  rules={[{ required: true, message: t('required') }, amendDateRule('returnDate')]}
                />
                {/* Each stop's days (trial: a moved departure left a stop outside the trip with no way to move it). */}
                {trip ? (
                  <fieldset style={{ border: 'none', padding: 0, margin: 0 }} data-testid="amend-stops">
                    <legend style={{ fontSize: 14, marginBottom: 8 }}>{t('amendStops')}</legend>
                    {p.facts.destinations.map((d, i) => {
                      const stop = `${countryName(cat, d.country, lang)} ${d.city ?? ''}`.trim();
                      return (
                        <Space key={i} align="start" wrap data-testid={`amend-stop-${i}`}>
                          {(['arrive', 'leave'] as const).map((f) => (
                            <DayItem
                              key={f}
                              label={`${t(f)} · ${stop}`}
                              name={['destinations', i, f]}
                              // The trip's dates and every other stop's (a stop outside the trip, two stops sharing days).
                              dependencies={[
                                'departureDate',
                                'returnDate',
                                ...p.facts.destinations.flatMap((_, j) =>
                                  (['arrive', 'leave'] as const).map((g) => ['destinations', j, g]).filter(() => j !== i),
                                ),
                                ['destinations', i, f === 'arrive' ? 'leave' : 'arrive'],
                              ]}
                              rules={[{ required: true, message: t('required') }, amendDateRule(`destinations[${i}].${f}`)]}
                            />
                          ))}
                          {/* Another city or inviter is another invitation: A03, A04 and B04 of the country run again
                              (forty-seventh trial: the dialog changed no city). Required, as the API has them (trial 49:
                              an emptied box quietly kept the case's). */}
                          {d.inviter
                            ? INVITATION_FIELDS.map(({ label, name, width, max }) => (
                                <Form.Item
                                  key={name.join('.')}
                                  label={`${t(label)} · ${stop}`}
                                  name={['destinations', i, ...name]}
                                  rules={[...requiredTextRules(lang, true, t('required')), textLimit(max, lang).rule]}
                                >
                                  <Input style={{ width }} count={textLimit(max, lang).count} onPressEnter={keepOpen} />
                                </Form.Item>
                              ))
                            : null}
                        </Space>
                      );
                    })}
                  </fieldset>
                ) : null}
                {trip ? <AmendMembersFields unit={p.unit} members={p.facts.members} /> : null}
                <Form.Item label={t('comment')} name="comment" rules={[textRules(lang)]}>
                  <Input.TextArea rows={2} />
                </Form.Item>
                <AmendPreviewNote form={amendForm} caseId={caseId} steps={p.steps} members={p.facts.members} changesOf={amendChangesOf} />
                {error ? <Alert type="error" showIcon role="alert" title={errText(error)} style={{ marginBottom: 16 }} /> : null}
                {/* 取消 beside 确定, as every dialog of the app has (trial 51: only the corner's ×). */}
                <Space>
                  <Button htmlType="submit" type="primary">
                    {t('confirm')}
                  </Button>
                  <Button onClick={closeModal}>{t('cancel')}</Button>
                </Space>
              </Form>
            </Modal>
          </Space>
        );
      }}
    </Loaded>
  );
}

/** A stop's invitation in the amendment dialog: its city and inviter, at the API's lengths (DestinationSchema). */
const INVITATION_FIELDS = [
  { label: 'city', name: ['city'], width: 140, max: 100 },
  { label: 'inviterName', name: ['inviter', 'name'], width: 200, max: 200 },
  { label: 'inviterOrg', name: ['inviter', 'organization'], width: 320, max: 200 },
] as const;

/**
 * Enter in a text box of the amendment dialog does not send it: only 确定 does (trial 50: Enter in 城市 sent the
 * amendment before the inviter was changed, another invitation half typed).
 */
const keepOpen = (e: { preventDefault(): void }) => e.preventDefault();

/** The amendment dialog's values on opening: the case's dates, stops and members as they are, nothing added. */
function amendInitial(p: Progress): AmendValues & { comment?: string } {
  return {
    departureDate: p.departureDate,
    returnDate: p.facts.returnDate,
    destinations: p.facts.destinations.map((d) => ({
      arrive: d.arrive,
      leave: d.leave,
      city: d.city,
      ...(d.inviter ? { inviter: { name: d.inviter.name, organization: d.inviter.organization } } : {}),
    })),
    keep: p.facts.members.map((m) => m.id),
    add: [],
    comment: undefined,
  };
}

/** The case's members as the amendment dialog sends them: the current ones, and every member id its steps used. */
function amendMembersOf(p: Progress): AmendMembers {
  return { current: p.facts.members, used: new Set(p.steps.flatMap((s) => (s.memberId ? [s.memberId] : []))) };
}

/** The dialogs that close a case with a reason: the organizer's withdrawal, the office's cancellation (POST …/<kind>). */
const CLOSING_DIALOGS = [
  { kind: 'withdraw', title: 'withdraw', reason: 'withdrawReason' },
  { kind: 'cancel', title: 'cancelCase', reason: 'cancelReason' },
] as const;

/**
 * A dialog asking for a reason (withdraw, cancel the case, extend a 容缺 deadline): the API's refusal is said in it, at
 * the reason when it names it (trial 50: these dialogs' refusals showed on the page behind them), and is gone when it
 * opens again.
 */
function ReasonDialog(props: {
  open: boolean;
  title: string;
  label: string;
  /** What the action does that cannot be undone, said before the reason is asked (trial 82: nothing said a withdrawal ends the case). */
  warning?: string;
  danger?: boolean;
  onClose(): void;
  send(reason: string): Promise<void>;
}) {
  const { t, pick, lang } = useT();
  const errText = useErrorText();
  const [form] = Form.useForm<{ reason: string }>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // Each opening starts empty: no reason or refusal of the last one (trial 52: the refused reason, its hidden U+202E
  // with it, was still in the box when the dialog opened again).
  useEffect(() => {
    if (!props.open) return;
    form.resetFields();
    setError(null);
  }, [props.open, form]);
  const close = () => {
    setError(null);
    props.onClose();
  };
  const send = ({ reason }: { reason: string }) => {
    setError(null);
    setBusy(true);
    props
      .send(reason)
      .catch((e: unknown) => {
        setError(e);
        const atReason = e instanceof ApiError ? e.errors.filter((x) => x.field === 'reason').map((x) => pick(x.message)) : [];
        if (atReason.length > 0) form.setFields([{ name: 'reason', errors: atReason }]);
      })
      .finally(() => setBusy(false));
  };
  return (
    <Modal open={props.open} title={props.title} onCancel={close} footer={null} destroyOnHidden>
      <Form
        form={form}
        layout="vertical"
        onFinish={send}
        // The last refusal is about what was sent: it goes once the user changes something (trial 53: it stayed beside
        // later, different errors at the boxes).
        onValuesChange={() => setError(null)}
      >
        {props.warning ? (
          <Alert type="warning" showIcon role="note" title={props.warning} data-testid="closing-final" style={{ marginBottom: 16 }} />
        ) : null}
        <Form.Item label={props.label} name="reason" rules={reasonRules(lang, true, t('required'))}>
          <Input.TextArea rows={3} />
        </Form.Item>
        {error ? <Alert type="error" showIcon role="alert" title={errText(error)} style={{ marginBottom: 16 }} /> : null}
        <Space>
          <Button htmlType="submit" danger={props.danger} type="primary" loading={busy}>
            {t('confirm')}
          </Button>
          <Button onClick={close}>{t('cancel')}</Button>
        </Space>
      </Form>
    </Modal>
  );
}

/**
 * 人员变更 in the amendment dialog: untick a member to remove them; add people of the case's unit's roster (花名册: the
 * registries hold their facts and passports). A person not on the roster is registered there first.
 */
function AmendMembersFields({ unit, members }: { unit: string; members: Progress['facts']['members'] }) {
  const { t } = useT();
  const roster = useLoad(
    () =>
      api<{ items: Array<RosterPerson & { position?: string }> }>('GET', `/api/registries/people?unit=${encodeURIComponent(unit)}`).then(
        (r) => r.items.filter((x) => x.status === 'active'),
        () => [],
      ),
    [unit],
  );
  const onCase = rosterPeopleOnCase(members, roster.data ?? []);
  return (
    <fieldset style={{ border: 'none', padding: 0, margin: 0 }} data-testid="amend-members">
      <legend style={{ fontSize: 14, marginBottom: 8 }}>{t('amendMembers')}</legend>
      {/* A trip keeps a member: said at the box before sending, as the API would (trial 50: it read 至少1项). */}
      <Form.Item
        label={t('membersKept')}
        name="keep"
        dependencies={['add']}
        rules={[
          ({ getFieldValue }) => ({
            validator: (_, keep: unknown) =>
              (Array.isArray(keep) ? keep.length : 0) + ((getFieldValue('add') as unknown[] | undefined) ?? []).length > 0
                ? Promise.resolve()
                : Promise.reject(new Error(t('atLeastOneMember'))),
          }),
        ]}
      >
        <Checkbox.Group options={members.map((m) => ({ value: m.id, label: `${m.name}（${m.id}）` }))} />
      </Form.Item>
      <Form.Item label={t('membersAdded')} name="add">
        <Select
          mode="multiple"
          allowClear
          showSearch
          optionFilterProp="label"
          aria-label={t('membersAdded')}
          placeholder={t('amendRosterPlaceholder')}
          loading={roster.loading}
          options={(roster.data ?? []).map((x) => {
            const label = rosterOptionLabel(x, roster.data ?? []);
            // Already on the case: shown, not offered (the API would refuse the same person twice).
            return onCase.has(x.personId)
              ? { value: x.personId, label: `${label} · ${t('alreadyOnCase')}`, disabled: true }
              : { value: x.personId, label };
          })}
        />
      </Form.Item>
    </fieldset>
  );
}
