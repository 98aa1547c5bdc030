import { memberNamesOnCase } from '../amend';
import { accountName } from '../accounts';
import { Alert, App, AutoComplete, Button, Descriptions, Form, Input, Modal, Radio, Select, Space, Typography, type FormRule } from 'antd';
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { DayItem } from '../DayField';
import { fmtDateTime } from '../datetime';
import { api, ApiError, catalog, uploadAttachment, type Catalog, type Progress } from '../api';
import { AmountItem, CaseLink, countryName, foldWidth, label, reasonRules, requiredTextRules, useErrorText, useUnitNames } from '../common';
import { processOfVersion } from '../../../../libs/domain/src/definition/apec-whitelist';
import { TARGET_DAY_LABELS } from '../../../../libs/domain/src/definition/apec-card';
import { planCheckItems } from './PlanCheckItems';
import { usePath } from '../router';
import {
  APEC_CARD_NUMBER_RE,
  BUDGET_ITEMS,
  budgetEstimateProblems,
  budgetTotalYuan,
  stayIn,
  TRIP_REPORT_SUMMARY_MAX,
  VISA_ENTRIES,
  visaIssuedProblems,
  visaStayProblems,
  WRITTEN_OUTCOME_MAX,
} from '../../../../libs/domain/src/definition/step-data';
import { isPassportNumber, passportLastsTrip, passportNeededUntil } from '../../../../libs/domain/src/facts';
import { dialogFieldOf, valuesOfData } from '../dialog-fields';
import { ROLE_NAMES, useT, type LabelKey } from '../i18n';
import { whitelistFiguresOf, WhitelistFiguresFields, WHITELIST_LABELS } from './ApecWhitelistFigures';
import { ATTACHMENT_KIND_LABELS, ATTACHMENT_KINDS } from '../attachment-kinds';
import { newId } from '../ids';
import { joinNames } from '../lists';

// antd's Upload stays out of the first load (the bundle budget): the block loads with the first step that needs documents.
const RequiredDocuments = lazy(() => import('./RequiredDocuments'));

/** The step the dialog acts on (an inbox item or an actionable step of the case page). */
export interface ActionTarget {
  caseId: string;
  stepKey: string;
  code: string;
  name: { zh: string; en: string };
  kind: string;
  /** The API marks steps the user does for someone else (帮代办): the dialog then asks for whom. */
  onBehalf: boolean;
}

interface Values {
  decision?: string;
  returnedOn?: string;
  /** A step whose data schema is 'written-outcome' (A14, D11): the outcome in writing. */
  outcome?: string;
  outcomes?: { investmentSignedYuan?: number; tradeSignedYuan?: number; promotionEvents?: number };
  /** P03: the trip report's written summary (required: tripReportSummaryProblems). */
  summary?: string;
  comment?: string;
  returnTo?: string;
  onBehalfOf?: string;
  missingDocuments?: Array<{ id: string; name: string; neededBy?: string }>;
  /** A step whose data schema is 'external-outcome' (D12's visa, K05's pre-clearance): granted or refused (required). */
  externalOutcome?: 'granted' | 'refused';
  /** …and, refused, the members refused (none chosen: every member). */
  refusedMembers?: string[];
  /** A step whose data schema is 'entry-route' (D01): the member's route into the country. */
  route?: string;
  /** K06: the card the national card office issued, which K07 registers (number required; the dates as printed). */
  card?: { cardNumber?: string; issuedOn?: string; validUntil?: string };
  /** W01: the whitelist admission's figures (ApecWhitelistFigures.tsx). */
  figures?: Record<string, unknown>;
  /** A step whose data schema is 'new-passport' (C05): the passport issued, which the custody ledger takes in. */
  newPassport?: { number?: string; issuedOn?: string; expiresOn?: string };
  /** A step whose data schema is 'visa-issued' (D13 from 2027.12): the visa's validity and entries, which cover the stay. */
  visa?: { validFrom?: string; validUntil?: string; entries?: string };
  /** A step whose data schema is 'budget-estimate' (A09 from 2027.11): the items in yuan (BUDGET_ITEMS). */
  budget?: Record<string, number | null | undefined>;
}

/**
 * The task output of the steps whose data the dialog asks for: P01 the return date, P03 the trip report's summary and outcomes,
 * a step declaring the 'written-outcome' schema (A14, D11) its outcome text, the 'new-passport' schema (C05) the passport issued,
 * the 'external-outcome' schema (D12's visa, K05's pre-clearance) granted or refused and the members refused (none: all),
 * the 'budget-estimate' schema (A09) the budget's items, the 'entry-route' schema (D01) the member's route, K06 the card issued (its number, which K07 registers, and its dates).
 */
function taskData(code: string, v: Values, schema?: string | null): { data?: Record<string, unknown> } {
  if (schema === 'written-outcome') return { data: { outcome: v.outcome ?? '' } };
  if (schema === 'external-outcome')
    return {
      data: {
        ...(v.externalOutcome ? { outcome: v.externalOutcome } : {}),
        ...(v.externalOutcome === 'refused' && v.refusedMembers?.length ? { members: v.refusedMembers } : {}),
      },
    };
  if (schema === 'new-passport') return { data: { ...v.newPassport } };
  if (schema === 'visa-issued') return { data: Object.fromEntries(Object.entries(v.visa ?? {}).filter(([, x]) => x)) };
  if (schema === 'budget-estimate')
    return { data: { budget: Object.fromEntries(Object.entries(v.budget ?? {}).filter(([, x]) => x !== undefined && x !== null)) } };
  if (schema === 'entry-route' && v.route) return { data: { route: v.route } };
  if (code === 'K06')
    return {
      data: Object.fromEntries(Object.entries({ ...v.card, cardNumber: v.card?.cardNumber?.trim().toUpperCase() }).filter(([, x]) => x)),
    };
  if (code === 'P01' && v.returnedOn) return { data: { returnedOn: v.returnedOn } };
  if (code === 'W01') return { data: v.figures ?? {} };
  if (code === 'P03') {
    const outcomes = Object.fromEntries(Object.entries(v.outcomes ?? {}).filter(([, x]) => x !== undefined && x !== null));
    return { data: { summary: v.summary ?? '', ...(Object.keys(outcomes).length ? { outcomes } : {}) } };
  }
  return {};
}

/** A visa's entries as the dialog names them. */
const VISA_ENTRY_LABELS = { single: 'visaEntrySingle', double: 'visaEntryDouble', multiple: 'visaEntryMultiple' } as const satisfies Record<
  (typeof VISA_ENTRIES)[number],
  LabelKey
>;

/**
 * The decision dialog: approve; reject with a reason; return to a named upstream step (the case's
 * steps already done); accept with named missing documents and the step each is needed by (which sets
 * its deadline). The decisions offered are the step's own, from the catalog (GET /api/catalog); the
 * workflow decides whether this user may take them.
 */
export function ActionDialog({ target, onClose, onDone }: { target: ActionTarget | null; onClose(): void; onDone(): void }) {
  const { t, pick, code, lang } = useT();
  const errText = useErrorText();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [cat, setCat] = useState<Catalog | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // The documents the step requires, asked for on confirming while some are missing (2027.10: A03, A05).
  const [docsAsked, setDocsAsked] = useState(false);
  const [uploading, setUploading] = useState<string | null>(null);
  /** A rule of the budget as a whole (its total above 0), said under the total. */
  const [budgetProblem, setBudgetProblem] = useState<{ zh: string; en: string } | null>(null);
  const decision = Form.useWatch('decision', form);
  const externalOutcome = Form.useWatch('externalOutcome', form);
  const budget = Form.useWatch('budget', form);
  // One Idempotency-Key per opening of the dialog: a retry of the same confirmation is the same action.
  // A refusal (4xx) is final for that content: the corrected confirmation is a new action with a new key.
  const key = useRef('');

  useEffect(() => {
    setError(null);
    setDocsAsked(false);
    setBudgetProblem(null);
    // The previous step's case is not this one's: its members and done steps are not offered while this one loads.
    setProgress(null);
    form.resetFields();
    key.current = newId();
    if (!target) return;
    // Answers for a step the dialog no longer shows (closed and opened on another before they came) are dropped.
    let current = true;
    const onError = (e: unknown) => current && setError(e);
    catalog().then((c) => current && setCat(c), onError);
    // Approvals list the upstream steps a return may go to; a member's step names its member (C05: whose passport); a
    // step sent back says why (forty-third trial: the reason was only in the timeline).
    api<Progress>('GET', `/api/delegations/${target.caseId}`).then((p) => current && setProgress(p), onError);
    return () => {
      current = false;
    };
  }, [target, form]);

  // A step opened again starts from what its last completion recorded (trial 52: a budget returned for one item came
  // back blank, every figure to retype), its comment included (trial 59: A09's 住宿按标准… came back blank), unless
  // something was typed already.
  useEffect(() => {
    if (!target || !progress || !cat || target.kind === 'approval' || form.isFieldsTouched()) return;
    const at = progress.steps.find((s) => s.key === target.stepKey);
    if (at?.lastData) form.setFieldsValue(valuesOfData(target.code, at.lastData, catalogStep(cat, target.code)?.data) as Partial<Values>);
    if (at?.comment && at.status !== 'done') form.setFieldValue('comment', at.comment);
  }, [progress, cat, target, form]);

  // D01 starts at the member's current route for the country (the table's, or the card's where it serves).
  useEffect(() => {
    if (!target || !progress) return;
    const at = progress.steps.find((s) => s.key === target.stepKey);
    const current = at?.memberId && at.country ? progress.routes?.[at.memberId]?.[at.country] : undefined;
    if (current && form.getFieldValue('route') === undefined) form.setFieldValue('route', current);
  }, [progress, target, form]);

  if (!target) return null;
  // The outcome's words by step: a visa (D12), a card economy's pre-clearance (K05), else plain granted/refused.
  const words =
    target.code === 'D12'
      ? ({ label: 'visaOutcome', granted: 'visaGranted', refused: 'visaRefused' } as const)
      : target.code === 'K05'
        ? ({ label: 'preClearanceOutcome', granted: 'preClearanceGranted', refused: 'preClearanceRefused' } as const)
        : ({ label: 'externalOutcome', granted: 'outcomeGranted', refused: 'outcomeRefused' } as const);
  const step = cat ? catalogStep(cat, target.code) : undefined;
  const decisions = step?.decisions ?? [];
  const at = progress?.steps.find((s) => s.key === target.stepKey);
  const stay = at?.country && progress?.facts ? stayIn(progress.facts.destinations, at.country) : undefined;
  // D13's days as they are entered, by the API's rules (the end after the start, at most 10 years, the stay covered;
  // trial 73: said only after 确定).
  const visaRule =
    (field: 'validFrom' | 'validUntil'): FormRule =>
    ({ getFieldValue }) => ({
      validator: () => {
        const data = { validFrom: getFieldValue(['visa', 'validFrom']), validUntil: getFieldValue(['visa', 'validUntil']) };
        const [problem] = [...visaIssuedProblems(data), ...visaStayProblems(data, stay)].filter(
          (p) => p.field === field && p.rule !== 'required',
        );
        return problem ? Promise.reject(new Error(pick(problem.message))) : Promise.resolve();
      },
    });
  // What the approval's comment must state (a trip outside the annual plan at B05), from the case's answer.
  const planReason = target.kind === 'approval' ? progress?.steps.find((s) => s.key === target.stepKey)?.planReason : undefined;
  // The comment is required to refuse or return an approval, and to approve a trip outside the plan.
  const reasonRequired = (decision === 'reject' || decision === 'return') && target.kind === 'approval';
  const planReasonRequired = Boolean(planReason) && decision === 'approve';
  const memberId = progress?.steps.find((s) => s.key === target.stepKey)?.memberId;
  const member = memberId ? progress?.facts.members.find((m) => m.id === memberId) : undefined;
  const forApplicant = !!progress && processOfVersion(progress.definitionVersion) === 'apec-card';
  // D01's routes: a visa always, the country table's own route for official passports, the member's APEC card where it
  // covers the economy (the API judges the card, and the office's own table, again: its refusal shows at the field).
  const country = progress?.steps.find((s) => s.key === target.stepKey)?.country;
  const card = memberId ? progress?.facts.members.find((m) => m.id === memberId)?.apecCard : undefined;
  const tableRoute = country ? cat?.countries[country]?.officialPassportRoute : undefined;
  const routeChoices = [
    'visa',
    ...(tableRoute && tableRoute !== 'visa' ? [tableRoute] : []),
    ...(country && card?.economies?.includes(country) ? ['apec-card'] : []),
  ];
  const here = progress?.steps.find((s) => s.key === target.stepKey);
  // Where a return may go: the engine's list for the step, nearest first (an answer without it: every done step).
  const byKey = new Map((progress?.steps ?? []).map((s) => [s.key, s]));
  const upstream = here?.returnTargets
    ? here.returnTargets.flatMap((k) => byKey.get(k) ?? [])
    : (progress?.steps ?? []).filter((s) => s.status === 'done' && s.kind !== 'system' && s.kind !== 'timer' && s.key !== target.stepKey);
  const returned = here?.returnedBy;
  // Who returned it as the office knows them: the returning step's name and role before the user name (trial 52: the
  // banner read "退回步骤 A10 · finance.commerce", a login name).
  const returner = returned ? progress?.steps.find((s) => s.key === returned.stepKey) : undefined;
  // A step done with documents (behaviour.requiresAttachments): what it needs, what is still missing, uploaded here for
  // this step instance (web trial: "upload the invitation" was confirmed with nothing uploaded; the API refuses it, 409).
  const required = target.kind !== 'approval' ? (here?.requiresAttachments ?? []) : [];
  const missing = target.kind !== 'approval' ? (here?.missingAttachments ?? []) : [];
  const uploadFor = (kind: string, file: File) => {
    setUploading(kind);
    setError(null);
    // The case's answer is read again until it counts the file (a published answer may lag the upload by a moment).
    const counted = async (tries: number): Promise<void> => {
      const p = await api<Progress>('GET', `/api/delegations/${target.caseId}`);
      setProgress(p);
      const still = p.steps.find((s) => s.key === target.stepKey)?.missingAttachments?.includes(kind);
      if (still && tries > 1) {
        await new Promise((r) => setTimeout(r, 400));
        return counted(tries - 1);
      }
    };
    uploadAttachment(target.caseId, { kind, stepKey: target.stepKey }, file)
      .then(() => counted(5))
      .then(
        () => {
          setUploading(null);
          void message.success(`${t('fileUploaded')}${lang === 'zh' ? '：' : ': '}${code('ak_', kind)}`);
        },
        (e: unknown) => {
          setUploading(null);
          setError(e);
        },
      );
  };

  const send = (v: Values) => {
    if (missing.length > 0) {
      setDocsAsked(true);
      return;
    }
    // The budget's figures by the domain's rule, as the API and the workflow refuse them, at their fields and nothing
    // sent (trial 48: the number boxes clamped -100 to 0 and 1.239 to 1.24 without a word; a zero total read only
    // "the request breaks 1 rule").
    if (target.kind !== 'approval' && step?.data === 'budget-estimate') {
      const problems = budgetEstimateProblems(taskData(target.code, v, step.data).data ?? {});
      setBudgetProblem(problems.find((x) => x.field === 'budget')?.message ?? null);
      form.setFields(
        problems
          .filter((x) => x.field.startsWith('budget.'))
          .map((x) => ({ name: ['budget', x.field.slice('budget.'.length)], errors: [pick(x.message)] })),
      );
      if (problems.length > 0) return;
    }
    setBusy(true);
    setError(null);
    const base = `/api/delegations/${target.caseId}/steps/${target.stepKey}`;
    const common = {
      // The case as the dialog showed it: a step opened again since is refused, not decided unseen (trial 48).
      ...(typeof progress?.lastSeq === 'number' ? { seenSeq: progress.lastSeq } : {}),
      ...(v.comment ? { comment: v.comment } : {}),
      ...(target.onBehalf && v.onBehalfOf ? { onBehalfOf: v.onBehalfOf } : {}),
    };
    const req =
      target.kind === 'approval'
        ? api(
            'POST',
            `${base}/decision`,
            {
              decision: v.decision,
              ...common,
              ...(v.decision === 'return' ? { returnTo: v.returnTo } : {}),
              ...(v.decision === 'accept-with-deficiencies'
                ? {
                    missingDocuments: (v.missingDocuments ?? []).map((d) => ({
                      id: d.id,
                      name: d.name,
                      ...(d.neededBy ? { neededBy: d.neededBy } : {}),
                    })),
                  }
                : {}),
            },
            key.current,
          )
        : api('POST', `${base}/complete`, { ...common, ...taskData(target.code, v, step?.data) }, key.current);
    req.then(
      () => {
        setBusy(false);
        void message.success(t('saved'));
        onDone();
      },
      (e: unknown) => {
        setBusy(false);
        setError(e);
        if (e instanceof ApiError && e.status < 500) key.current = newId();
        // The API's field errors at their fields, in the user's language (the alert keeps the refusal's text).
        if (e instanceof ApiError)
          form.setFields(
            e.errors.flatMap((x) => {
              const name = dialogFieldOf(target.code, x.field, step?.data);
              return name ? [{ name, errors: [pick(x.message)] }] : [];
            }),
          );
      },
    );
  };

  return (
    <Modal
      open
      // A country's step names its country (trial 86: D13:m1:JP read the code alone).
      title={`${target.stepKey} ${pick(target.name)}${here?.country ? ` · ${countryName(cat, here.country, lang)}` : ''}`}
      onCancel={onClose}
      footer={[
        <Button key="cancel" onClick={onClose}>
          {t('cancel')}
        </Button>,
        <Button key="ok" type="primary" loading={busy} onClick={() => form.submit()} data-testid="confirm">
          {t('confirm')}
        </Button>,
      ]}
    >
      {progress ? <CaseSummary progress={progress} cat={cat} onOpen={onClose} /> : null}
      {returned ? (
        <Alert
          type="warning"
          showIcon
          data-testid="returned-by"
          style={{ marginBottom: 12 }}
          title={`${t('returnedBy')}${returned.comment ? `${lang === 'zh' ? '：' : ': '}${returned.comment}` : ''}`}
          description={[
            `${t('returnedByDetail')} ${returned.stepKey}${returner ? ` ${pick(returner.name)}` : ''}`,
            [
              returner ? pick(ROLE_NAMES[returner.actorRole]) : '',
              returned.actedBy ? accountName(returned.actedBy, progress?.actorNames, lang) : '',
            ]
              .filter(Boolean)
              .join(' '),
            fmtDateTime(returned.at),
          ]
            .filter(Boolean)
            .join(' · ')}
        />
      ) : null}
      {/* Back because the trip was amended (trial 75: D13 reopened after a date change, its old visa filled in, said nothing). */}
      {here?.rerunBy ? (
        <Alert
          type="info"
          showIcon
          data-testid="rerun-by"
          style={{ marginBottom: 12 }}
          title={t('rerunByAmend')}
          description={[
            // Who amended it and when, first; then what to do, each on its line (trial 82: they ran on).
            [here.rerunBy.actedBy ? accountName(here.rerunBy.actedBy, progress?.actorNames, lang) : '', fmtDateTime(here.rerunBy.at)]
              .filter(Boolean)
              .join(' '),
            here.lastData ? t('rerunLastData') : '',
            // The documents it needs anew: those uploaded before the amendment served the old trip (trial 81: A05 asked
            // for the itinerary again, 日程安排（缺）, saying nothing of why).
            missing.length > 0 ? `${t('rerunDocuments')}${missing.map((k) => code('ak_', k)).join(lang === 'zh' ? '、' : ', ')}` : '',
          ]
            .filter(Boolean)
            .map((line) => (
              <div key={line}>{line}</div>
            ))}
        />
      ) : null}
      {/* A country's approval reads what that country's steps recorded: the inviter, A04's note on the inviting party
          (trial 77: B04 核实邀请函 showed the budget, not the invitation it verifies). */}
      {target.kind === 'approval' && here?.country && progress ? (
        <CountryRecords progress={progress} stepKey={here.key} country={here.country} />
      ) : null}
      {member ? (
        <Typography.Paragraph data-testid="dialog-member">
          {/* A card application's members are its applicants (trial 65: K06 read 团组成员). */}
          {lang === 'zh'
            ? `${t(forApplicant ? 'stepForApplicant' : 'stepForMember')}：${member.name}（${member.id}）`
            : `${t(forApplicant ? 'stepForApplicant' : 'stepForMember')}: ${member.name} (${member.id})`}
        </Typography.Paragraph>
      ) : null}
      {/* A passport step, or one moving the passport in custody, shows the passport on file it is about (trial 76: C01
          核查护照 was confirmed blind; trial 77: P02's return to custody too); a member's visa or departure step the
          passport the trip uses, the new one once issued (trial 86: D13 and E06 named none). */}
      {member && (here?.phase === 'passport' || here?.phase === 'visa' || here?.phase === 'depart' || step?.custody) && progress && cat ? (
        <PassportOnFile
          passport={passportMoved(
            progress,
            cat,
            member,
            step?.custody ?? (here?.phase === 'visa' || here?.phase === 'depart' ? 'check-out' : null),
          )}
          returnDate={progress.facts.returnDate}
          // A step moving the passport in custody (C07 out, P02 back) is itself its custody's change: the facts' state at
          // submission would read wrong (trial 78: P02 said 外办保管 of a passport handed over at E06), and after the
          // trip the 6 months past the return are moot.
          checks={!step?.custody && here?.phase === 'passport'}
        />
      ) : null}
      {/* No decision chosen for the approver (forty-third trial: 同意 came selected, one click approved unread). */}
      <Form
        form={form}
        layout="vertical"
        onFinish={send}
        // The last refusal is about what was sent: it goes once the user changes something (trial 53: it stayed beside
        // later, different errors at the boxes).
        onValuesChange={() => setError(null)}
      >
        {target.kind === 'approval' ? (
          <Form.Item label={t('decision')} name="decision" rules={[{ required: true, message: t('decisionRequired') }]}>
            <Radio.Group>
              {decisions.map((d) => (
                <Radio.Button key={d} value={d}>
                  {code('decision_', d)}
                </Radio.Button>
              ))}
            </Radio.Group>
          </Form.Item>
        ) : (
          <Typography.Paragraph>{t('complete')}</Typography.Paragraph>
        )}
        {required.length > 0 ? (
          <Suspense fallback={null}>
            <RequiredDocuments required={required} missing={missing} asked={docsAsked} uploading={uploading} onUpload={uploadFor} />
          </Suspense>
        ) : null}
        {target.code === 'P01' ? (
          <DayItem
            label={t('registerReturn')}
            name="returnedOn"
            rules={[{ required: true, message: t('required') }]}
            field={{ 'aria-label': t('returnedOn') }}
          />
        ) : null}
        {target.kind !== 'approval' && step?.data === 'written-outcome' ? (
          <Form.Item
            label={t('writtenOutcome')}
            name="outcome"
            rules={[...requiredTextRules(lang, true, t('writtenOutcomeRequired')), { max: WRITTEN_OUTCOME_MAX }]}
          >
            <Input.TextArea rows={4} aria-label={t('writtenOutcome')} />
          </Form.Item>
        ) : null}
        {target.kind !== 'approval' && step?.data === 'external-outcome' ? (
          <>
            {/* Granted or refused, chosen (none was read as granted: a trip went on with no visa result). */}
            <Form.Item label={t(words.label)} name="externalOutcome" rules={[{ required: true, message: t('externalOutcomeRequired') }]}>
              <Radio.Group aria-label={t(words.label)}>
                <Radio.Button value="granted">{t(words.granted)}</Radio.Button>
                <Radio.Button value="refused">{t(words.refused)}</Radio.Button>
              </Radio.Group>
            </Form.Item>
            {externalOutcome === 'refused' ? (
              <Form.Item label={t('refusedMembers')} name="refusedMembers">
                <Select
                  mode="multiple"
                  allowClear
                  aria-label={t('refusedMembers')}
                  optionFilterProp="label"
                  options={(progress?.facts.members ?? []).map((m) => ({ value: m.id, label: `${m.name}（${m.id}）` }))}
                />
              </Form.Item>
            ) : null}
          </>
        ) : null}
        {target.kind !== 'approval' && step?.data === 'entry-route' ? (
          <Form.Item label={t('entryRoute')} name="route" rules={[{ required: true, message: t('required') }]}>
            <Radio.Group aria-label={t('entryRoute')}>
              {routeChoices.map((r) => (
                <Radio.Button key={r} value={r}>
                  {code('route_', r)}
                </Radio.Button>
              ))}
            </Radio.Group>
          </Form.Item>
        ) : null}
        {target.code === 'K06' ? (
          <>
            <Typography.Text strong>{t('apecCardIssued')}</Typography.Text>
            <Space wrap align="start">
              <Form.Item
                label={t('apecNumber')}
                name={['card', 'cardNumber']}
                normalize={foldWidth}
                rules={[
                  { required: true, message: t('required') },
                  {
                    validator: (_, v?: string) =>
                      !v || APEC_CARD_NUMBER_RE.test(v.trim().toUpperCase())
                        ? Promise.resolve()
                        : Promise.reject(new Error(t('apecNumberRule'))),
                  },
                ]}
              >
                <Input style={{ width: 200 }} aria-label={t('apecNumber')} />
              </Form.Item>
              <DayItem label={t('issuedOn')} name={['card', 'issuedOn']} field={{ 'aria-label': t('issuedOn') }} />
              <DayItem label={t('apecValidUntil')} name={['card', 'validUntil']} field={{ 'aria-label': t('apecValidUntil') }} />
            </Space>
          </>
        ) : null}
        {target.kind !== 'approval' && step?.data === 'new-passport' ? (
          <>
            <Typography.Text strong>{t('newPassport')}</Typography.Text>
            <Space wrap align="start">
              <Form.Item
                label={t('passportNumber')}
                name={['newPassport', 'number']}
                normalize={foldWidth}
                rules={[
                  { required: true, message: t('required') },
                  // The ledger's own format (isPassportNumber): spaces ignored, lower case read as capitals.
                  {
                    validator: (_, v?: string) =>
                      !v || isPassportNumber(v) ? Promise.resolve() : Promise.reject(new Error(t('passportNumberRule'))),
                  },
                ]}
              >
                <Input style={{ width: 180 }} aria-label={t('passportNumber')} />
              </Form.Item>
              <DayItem
                label={t('issuedOn')}
                name={['newPassport', 'issuedOn']}
                rules={[{ required: true, message: t('required') }]}
                field={{ 'aria-label': t('issuedOn') }}
              />
              <DayItem
                label={t('expiresOn')}
                name={['newPassport', 'expiresOn']}
                rules={[{ required: true, message: t('required') }]}
                field={{ 'aria-label': t('expiresOn') }}
              />
            </Space>
          </>
        ) : null}
        {target.kind !== 'approval' && step?.data === 'visa-issued' ? (
          <>
            <Typography.Text strong>{t('visaIssued')}</Typography.Text>
            {/* The member's stay in the country, which the visa must cover (visaStayProblems: refused otherwise). */}
            {stay ? (
              <Typography.Paragraph type="secondary" data-testid="visa-stay">
                {t('visaStay').replace('{arrive}', stay.arrive).replace('{leave}', stay.leave)}
              </Typography.Paragraph>
            ) : null}
            <Space wrap align="start">
              <DayItem
                label={t('visaValidFrom')}
                name={['visa', 'validFrom']}
                rules={[{ required: true, message: t('required') }, visaRule('validFrom')]}
                field={{ 'aria-label': t('visaValidFrom') }}
                // A fixed width: an error below one day wraps in it, not widening it and moving the next (trial 75).
                style={{ width: 260 }}
              />
              <DayItem
                label={t('visaValidUntil')}
                name={['visa', 'validUntil']}
                dependencies={[['visa', 'validFrom']]}
                rules={[{ required: true, message: t('required') }, visaRule('validUntil')]}
                field={{ 'aria-label': t('visaValidUntil') }}
                style={{ width: 260 }}
              />
              <Form.Item label={t('visaEntries')} name={['visa', 'entries']}>
                <Select
                  style={{ width: 140 }}
                  aria-label={t('visaEntries')}
                  allowClear
                  options={VISA_ENTRIES.map((e) => ({ value: e, label: t(VISA_ENTRY_LABELS[e]) }))}
                />
              </Form.Item>
            </Space>
          </>
        ) : null}
        {target.kind !== 'approval' && step?.data === 'budget-estimate' ? (
          <>
            <Typography.Text strong>{t('budgetEstimate')}</Typography.Text>
            <Space wrap align="start">
              {Object.entries(BUDGET_ITEMS).map(([item, what]) => (
                <AmountItem
                  key={item}
                  label={pick(what)}
                  name={['budget', item]}
                  rules={[
                    ...(what.required ? [{ required: true, message: t('required') }] : []),
                    // The item's own rule as it is typed, at its box (trial 53: the total said "correct the amounts
                    // marked" while nothing was marked until 确定).
                    {
                      validator: (_: unknown, v: unknown) => {
                        const broken = typedItemProblems({ [item]: v }).find((p) => p.field === `budget.${item}`);
                        return broken ? Promise.reject(new Error(pick(broken.message))) : Promise.resolve();
                      },
                    },
                  ]}
                  input={{ 'aria-label': pick(what), style: { width: 140 } }}
                />
              ))}
            </Space>
            <Typography.Paragraph data-testid="budget-total">
              {`${t('budgetTotal')}${lang === 'zh' ? '：' : ': '}${
                // No total of figures an item's rule refuses (trial 52: 4000.505 refused at its box, the total said 56,900.51).
                typedItemProblems(budget).length > 0 ? t('budgetTotalPending') : yuan(budgetTotalYuan(budget ?? {}), lang)
              }`}
            </Typography.Paragraph>
            {budgetProblem ? (
              <Alert type="error" showIcon data-testid="budget-problem" title={pick(budgetProblem)} style={{ marginBottom: 12 }} />
            ) : null}
          </>
        ) : null}
        {target.code === 'W01' ? <WhitelistFiguresFields under="figures" /> : null}
        {target.code === 'P03' ? (
          <Form.Item
            label={t('tripReportSummary')}
            name="summary"
            rules={[...requiredTextRules(lang, true, t('tripReportSummaryRequired')), { max: TRIP_REPORT_SUMMARY_MAX }]}
          >
            <Input.TextArea rows={6} aria-label={t('tripReportSummary')} />
          </Form.Item>
        ) : null}
        {target.code === 'P03' ? (
          <Space wrap>
            <AmountItem label={t('investment')} name={['outcomes', 'investmentSignedYuan']} input={{ 'aria-label': t('investment') }} />
            <AmountItem label={t('trade')} name={['outcomes', 'tradeSignedYuan']} input={{ 'aria-label': t('trade') }} />
            <AmountItem label={t('events')} name={['outcomes', 'promotionEvents']} input={{ 'aria-label': t('events') }} />
          </Space>
        ) : null}
        {decision === 'return' && target.kind === 'approval' ? (
          <Form.Item label={t('returnTo')} name="returnTo" extra={t('returnHint')} rules={[{ required: true, message: t('required') }]}>
            <Select
              showSearch
              aria-label={t('returnTo')}
              optionFilterProp="label"
              options={upstream.map((s) => ({ value: s.key, label: `${s.key} ${pick(s.name)}` }))}
            />
          </Form.Item>
        ) : null}
        {decision === 'accept-with-deficiencies' && target.kind === 'approval' ? (
          <Form.List name="missingDocuments" initialValue={[{ id: '', name: '' }]}>
            {(fields, { add, remove }) => (
              <>
                <Typography.Text strong>{t('missingDocuments')}</Typography.Text>
                {fields.map((f) => (
                  <Space key={f.key} align="start" wrap>
                    <Form.Item
                      label={t('documentId')}
                      name={[f.name, 'id']}
                      rules={[
                        { required: true, message: t('required') },
                        { pattern: /^[A-Za-z0-9_-]{1,64}$/, message: t('documentIdRule') },
                      ]}
                    >
                      {/* The kinds of document offered (a document whose id is a kind is supplied by a file of that kind); any id may be typed. */}
                      <AutoComplete
                        style={{ width: 190 }}
                        options={ATTACHMENT_KINDS.filter((k) => k !== 'other').map((k) => ({
                          value: k,
                          label: `${pick(ATTACHMENT_KIND_LABELS[k])} (${k})`,
                        }))}
                        filterOption={(input, option) =>
                          String(option?.label ?? '')
                            .toLowerCase()
                            .includes(input.toLowerCase())
                        }
                      />
                    </Form.Item>
                    <Form.Item label={t('documentName')} name={[f.name, 'name']} rules={[{ required: true, message: t('required') }]}>
                      <Input style={{ width: 150 }} />
                    </Form.Item>
                    <Form.Item label={t('neededBy')} name={[f.name, 'neededBy']}>
                      <Select
                        allowClear
                        style={{ width: 140 }}
                        aria-label={t('neededBy')}
                        options={(cat?.steps ?? [])
                          .filter((s) => s.code > target.code && s.code < 'C')
                          .map((s) => ({ value: s.code, label: `${s.code} ${pick(s.name)}` }))}
                      />
                    </Form.Item>
                    <Button onClick={() => remove(f.name)} aria-label={t('remove')} style={{ marginTop: 30 }}>
                      {t('remove')}
                    </Button>
                  </Space>
                ))}
                <Button onClick={() => add({ id: '', name: '' })} style={{ marginBottom: 16 }}>
                  {t('addDocument')}
                </Button>
              </>
            )}
          </Form.List>
        ) : null}
        {target.onBehalf ? (
          <Form.Item
            label={`${t('onBehalf')} · ${t('onBehalfOf')}`}
            name="onBehalfOf"
            rules={[{ required: true, message: t('required') }]}
            // Said before it is done (trial 84: an office's only clerk did D03 for the organizer, and its B02 was then
            // refused SELF_APPROVAL, with nothing said at the time).
            extra={<span data-testid="on-behalf-separation">{t('onBehalfSeparation')}</span>}
          >
            <Input />
          </Form.Item>
        ) : null}
        {planReason && decision === 'approve' ? (
          <Alert type="warning" showIcon data-testid="plan-reason" title={pick(planReason)} style={{ marginBottom: 12 }} />
        ) : null}
        <Form.Item
          label={t('comment')}
          name="comment"
          rules={[
            // A reason to refuse or return; a trip outside the annual plan: the approval states the unit's written
            // reason (the API's rule plan-reason).
            // The plan's rule is said once, in the warning above: the box says what it lacks.
            ...reasonRules(lang, reasonRequired || planReasonRequired, reasonRequired ? t('reasonRequired') : t('planReasonRequired')),
            { max: 2000 },
          ]}
        >
          <Input.TextArea rows={3} />
        </Form.Item>
        {error ? <Alert type="error" showIcon role="alert" title={errText(error)} /> : null}
      </Form>
    </Modal>
  );
}

/**
 * What the step is about, above the decision (forty-third trial: an approver decided from a dialog naming the step
 * alone): the case's title, linked to its page (but on that page), its unit, and for a trip its purpose, countries,
 * dates and members, for a card application its applicants, economies and needed-by day, for a whitelist filing its
 * figures, as the case page shows them.
 */
function CaseSummary({ progress: p, cat, onOpen }: { progress: Progress; cat: Catalog | null; onOpen(): void }) {
  const { t, lang, pick } = useT();
  const { unitName } = useUnitNames();
  const path = usePath();
  const page = `/cases/${p.caseId}`;
  const process = processOfVersion(p.definitionVersion);
  const trip = process === 'delegation';
  const card = process === 'apec-card';
  // The budget estimate A09 recorded (2027.11), which the finance countersign (A10) and the FAO's review (B05) decide on,
  // with what its step's comment says of it (trial 59: 住宿按标准… was not shown to finance).
  const budgetStep = p.steps.find((s) => {
    const b = s.data?.budget;
    return typeof b === 'object' && b !== null && !Array.isArray(b);
  });
  const budget = budgetStep?.data?.budget as Record<string, unknown> | undefined;
  // A whitelist filing's figures (W01), which the desk's review (W02) decides on.
  const figures = whitelistFiguresOf(p, lang);
  // What the annual plan check found, which B05 (and those after it) decide with.
  const planLines = planCheckItems(p, trip, 'dialog', { t, pick, lang });
  const items = [
    {
      label: t('title'),
      children:
        path === page ? (
          p.title
        ) : (
          <CaseLink caseId={p.caseId} onOpen={onOpen}>
            {p.title}
          </CaseLink>
        ),
    },
    { label: t('unit'), children: unitName(p.unit) },
    ...(trip
      ? [
          { label: t('purpose'), children: label(cat?.purposes, p.facts.purpose, pick) },
          {
            label: t('country'),
            children: joinNames(
              p.facts.destinations.map((d) => `${countryName(cat, d.country, lang)}${d.city ? ` ${d.city}` : ''}`),
              lang,
            ),
          },
          { label: `${t('departure')} – ${t('returnDate')}`, children: `${p.departureDate} – ${p.facts.returnDate}` },
          {
            label: t('stepMembers'),
            children: joinNames(memberNamesOnCase(p.facts.members, lang), lang),
          },
          ...planLines,
          ...(budget
            ? [
                {
                  label: t('budgetEstimate'),
                  children: (
                    <span data-testid="dialog-budget">
                      {budgetText(budget, lang)}
                      {budgetStep?.comment ? (
                        <Typography.Text type="secondary">{`${lang === 'zh' ? '；说明：' : '; note: '}${budgetStep.comment}`}</Typography.Text>
                      ) : null}
                    </span>
                  ),
                },
              ]
            : []),
        ]
      : []),
    // A card application's applicants, economies and the day the cards are needed (trial 65: the desk approved K03
    // seeing the title and unit alone).
    ...(card
      ? [
          {
            label: t('applicants'),
            children: (
              <span data-testid="dialog-applicants">
                {joinNames(
                  p.facts.members.map((m) => m.name),
                  lang,
                )}
              </span>
            ),
          },
          {
            label: t('apecEconomies'),
            children: joinNames(
              p.facts.destinations.map((d) => countryName(cat, d.country, lang)),
              lang,
            ),
          },
          { label: pick(TARGET_DAY_LABELS['apec-card']), children: p.departureDate },
        ]
      : []),
    ...(figures ? [{ label: pick(WHITELIST_LABELS.figures), children: <span data-testid="dialog-figures">{figures}</span> }] : []),
  ];
  return <Descriptions data-testid="dialog-case" size="small" column={1} bordered items={items} style={{ marginBottom: 12 }} />;
}

/** The step in its process's catalog (the delegation chain's, the card application's K05…). */
function catalogStep(cat: Catalog, code: string) {
  return cat.steps.find((s) => s.code === code) ?? cat.processes.flatMap((p) => p.steps).find((s) => s.code === code);
}

/** The rules the budget's typed items break (a box left empty is not one yet: 必填 is said on sending). */
function typedItemProblems(budget: Record<string, unknown> | undefined) {
  const typed = Object.fromEntries(Object.entries(budget ?? {}).filter(([, x]) => x !== undefined && x !== null));
  return budgetEstimateProblems({ budget: typed }).filter((p) => p.field.startsWith('budget.') && p.rule !== 'required');
}

/** An amount in yuan with two decimals, grouped (56,900.00 元 / 56,900.00 yuan). */
function yuan(amount: number, lang: 'zh' | 'en'): string {
  const shown = amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return lang === 'zh' ? `${shown} 元` : `${shown} yuan`;
}

/** A budget estimate as one line: its total, then each item given (合计 56,900.00 元（国际旅费 38,000.00 元、…）). */
function budgetText(budget: Record<string, unknown>, lang: 'zh' | 'en'): string {
  const items = Object.entries(BUDGET_ITEMS)
    .filter(([item]) => typeof budget[item] === 'number')
    .map(([item, what]) => `${what[lang]} ${yuan(budget[item] as number, lang)}`);
  const total = yuan(budgetTotalYuan(budget), lang);
  return lang === 'zh' ? `合计 ${total}（${items.join('、')}）` : `Total ${total} (${items.join(', ')})`;
}

/**
 * The passport a member's passport step is about: the new one a done new-passport step (C05) recorded, taken into
 * custody, for the steps moving the passport the trip uses (C07 out, P02 back; `custody` check-out, as the dialog asks
 * for a member's visa and departure steps, D13 and E06); else the one on the member's facts (C01 checks it, C06 cancels it).
 */
function passportMoved(
  progress: Progress,
  cat: Catalog,
  member: Progress['facts']['members'][number],
  custody: string | null,
): { inCustody: boolean; number?: string; expiresOn?: string } | null {
  if (custody === 'check-out' || custody === 'check-in') {
    const issued = progress.steps.find(
      (s) => s.memberId === member.id && s.status === 'done' && catalogStep(cat, s.code)?.data === 'new-passport' && s.data,
    )?.data;
    if (issued && typeof issued.number === 'string' && typeof issued.expiresOn === 'string')
      return { inCustody: true, number: issued.number, expiresOn: issued.expiresOn };
  }
  return member.passport ?? null;
}

/**
 * The member's passport on file as a passport step's dialog shows it: number, expiry and custody, and whether it lasts 6
 * months past the return (passportLastsTrip, C01's rule), or that none is on file (trial 76: C01 was confirmed blind).
 */
function PassportOnFile({
  passport,
  returnDate,
  checks,
}: {
  passport: { inCustody: boolean; number?: string; expiresOn?: string } | null;
  returnDate: string;
  /** Whether to say the custody state and the 6 months past the return (C01's checks): not for a custody move. */
  checks: boolean;
}) {
  const { t, lang } = useT();
  if (!passport?.number || !passport.expiresOn)
    return (
      <Typography.Paragraph type="warning" data-testid="dialog-passport">
        {t('passportNone')}
      </Typography.Paragraph>
    );
  const until = passportNeededUntil(returnDate);
  const lasts = passportLastsTrip(passport.expiresOn, returnDate);
  const said = t('passportOnFile').replace('{number}', passport.number).replace('{expiresOn}', passport.expiresOn);
  if (!checks) return <Typography.Paragraph data-testid="dialog-passport">{said}</Typography.Paragraph>;
  return (
    <Typography.Paragraph data-testid="dialog-passport">
      {`${said}${lang === 'zh' ? '，' : ', '}${t(passport.inCustody ? 'passportHeld' : 'passportNotHeld')}`}
      {' · '}
      <Typography.Text type={lasts ? 'success' : 'danger'}>
        {t(lasts ? 'passportLastsTrip' : 'passportTooShort').replace('{until}', until)}
      </Typography.Text>
    </Typography.Paragraph>
  );
}

/**
 * What a country's approval decides on: the country's inviter (the trip's facts) and the written outcomes its other
 * steps recorded (A04's note on the inviting party for B04 核实邀请函; trial 77: the dialog showed neither).
 */
function CountryRecords({ progress, stepKey, country }: { progress: Progress; stepKey: string; country: string }) {
  const { t, pick, lang } = useT();
  const inviters = progress.facts.destinations.filter((d) => d.country === country && d.inviter).map((d) => d.inviter!);
  const notes = progress.steps.filter(
    (s) => s.country === country && s.key !== stepKey && s.status === 'done' && typeof s.data?.outcome === 'string',
  );
  if (inviters.length === 0 && notes.length === 0) return null;
  return (
    <Descriptions size="small" column={1} title={t('countryRecords')} data-testid="dialog-country-records" style={{ marginBottom: 12 }}>
      {inviters.length > 0 ? (
        <Descriptions.Item label={t('inviterOrg')}>
          {joinNames(
            inviters.map((i) => (lang === 'zh' ? `${i.organization}（${i.name}）` : `${i.organization} (${i.name})`)),
            lang,
          )}
        </Descriptions.Item>
      ) : null}
      {notes.map((s) => (
        <Descriptions.Item key={s.key} label={`${s.code} ${pick(s.name)}`}>
          {String(s.data!.outcome)}
          {s.actedBy ? (
            <Typography.Text type="secondary">{` · ${accountName(s.actedBy, progress.actorNames, lang)}`}</Typography.Text>
          ) : null}
        </Descriptions.Item>
      ))}
    </Descriptions>
  );
}
