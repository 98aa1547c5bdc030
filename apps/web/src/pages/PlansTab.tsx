import { accountName } from '../accounts';
import { Alert, App as AntApp, Button, Form, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, catalog, type Catalog, type Session } from '../api';
import { AmountItem, CaseLink, fmtDateTime, Loaded, TAG, useErrorText, useLoad } from '../common';
import { useT, type Bilingual, type LabelKey, type Lang } from '../i18n';
import { useSchemaForm } from '../schema-form';
import { joinNames } from '../lists';
import { shanghaiToday } from '../date-rules';
import { latestDeparture } from '../../../../libs/domain/src/rules';
import { planChanges, type TripDifference } from '../check-plan';
import { firstOpenPlanQuarter } from '../../../../libs/domain/src/registries';
import { enc, mayWrite, readsAll, ServerNote, trimmed, type UnitListRow } from './registry-common';

// The registries' annual outbound plans tab (年度出访计划), loaded when it is opened (the bundle budget: docs/web.md).

/** A planned trip's fields as the table's columns name them. */
const DIFFERENCE_LABELS = {
  purpose: 'purpose',
  countries: 'countries',
  size: 'planSize',
  quarter: 'planQuarter',
} as const satisfies Record<TripDifference['field'], LabelKey>;

/** A trip's countries by name in the reader's language, joined as the language joins them (trial 66: Germany、France). */
const countryNames = (cat: Catalog | null | undefined, codes: readonly string[], pick: (b: Bilingual) => string, lang: Lang) =>
  joinNames(
    codes.map((c) => (cat?.countries[c] ? pick({ zh: cat.countries[c].nameZh, en: cat.countries[c].nameEn }) : c)),
    lang,
  );

/** What approving a filing does to each trip of the approved plan, in words (the confirmation's lines). */
const PLAN_CHANGE_LABELS = { added: 'planAdded', changed: 'planChanged', removed: 'planRemoved' } as const satisfies Record<
  string,
  LabelKey
>;

interface PlannedTripRow {
  id: string;
  purpose: string;
  countries: string[];
  size: number;
  quarter: number;
}
/** GET /api/registries/units/{code}/plans/{year}: the approved plan (what A01 reads) and the filing awaiting approval. */
interface PlanRecord {
  unit: string;
  year: number;
  trips: PlannedTripRow[] | null;
  approved: { by: string; at: string } | null;
  proposal: { trips: PlannedTripRow[]; by: string; at: string } | null;
  /** The approved plan changed: the open cases of that year told to run A01 again (and those that could not be). */
  rechecked?: { signalled: number; failed: number };
  /** GET only: the unit's cases holding a trip of the approved plan (A01 found them planned). */
  holders?: Array<{ tripId: string; caseId: string; title: string | null }>;
  /** Who approved and who filed it, by display name (accountName). */
  actorNames?: Record<string, string>;
}

/** "… · N open cases told to run A01 again" after the approved plan changed. */
const recheckedNote = (t: (key: 'planRechecked') => string, r: PlanRecord): string =>
  r.rechecked && r.rechecked.signalled > 0 ? ` · ${t('planRechecked').replace('{n}', String(r.rechecked.signalled))}` : '';

/**
 * A unit's annual outbound plan (年度出访计划, docs/registries.md "A01: the annual plan"): the plan the FAO approved, which
 * A01 reads, and the unit's filing awaiting approval. The unit's organizer files (a proposal); the FAO clerk approves
 * it, or files the approved plan itself. Roles reading every unit pick the unit; a unit's roles read their own.
 */
export default function PlansTab({ session }: { session: Session }) {
  const { t, pick, lang } = useT();
  const { message, modal } = AntApp.useApp();
  const errText = useErrorText();
  const role = session.user.role;
  const thisYear = Number(new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }).slice(0, 4));
  // Every year a trip submitted today may depart in (DEPARTURE_TOO_FAR: two years ahead), so its plan can be filed
  // (new-user trial 62: a trip departing 2028-10 went in as 未登记本年度出访计划, and 2028 could not be chosen here).
  const lastPlanYear = Number(latestDeparture(shanghaiToday()).slice(0, 4));
  const planYears = Array.from({ length: lastPlanYear - thisYear + 1 }, (_, i) => thisYear + i);
  const [unit, setUnit] = useState(readsAll(role) ? '' : session.user.unit);
  const [year, setYear] = useState(thisYear + 1);
  const [editing, setEditing] = useState(false);
  const [cat, setCat] = useState<Catalog | null>(null);
  useEffect(() => void catalog().then(setCat, () => undefined), []);
  const units = useLoad(
    () => (readsAll(role) ? api<{ items: UnitListRow[] }>('GET', '/api/registries/units') : Promise.resolve({ items: [] })),
    [role],
  );
  const plan = useLoad(async () => {
    if (!unit) return null;
    try {
      return await api<PlanRecord>('GET', `/api/registries/units/${enc(unit)}/plans/${year}`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }
  }, [unit, year]);
  const writer = mayWrite('plans', role) && !!unit;
  const approver = mayWrite('planApproval', role);
  // The filing approved is the one shown (its `at`): another filed since is refused, not approved unseen. Asked first,
  // with what it changes in the approved plan (trial 66: replaced in one click, nothing said).
  const approve = (proposedAt: string, changes: ReturnType<typeof planChanges>, holders: NonNullable<PlanRecord['holders']>) =>
    modal.confirm({
      title: t('planApproveConfirm').replace('{year}', String(year)),
      content: <PlanChangesSummary changes={changes} holders={holders} year={year} cat={cat} />,
      okText: t('planApprove'),
      cancelText: t('cancel'),
      onOk: () => sendApproval(proposedAt),
    });
  const sendApproval = async (proposedAt: string) => {
    try {
      const r = await api<PlanRecord>('POST', `/api/registries/units/${enc(unit)}/plans/${year}/approve`, { proposedAt });
      void message.success(`${t('planApprovedNow')}${recheckedNote(t, r)}`);
      plan.reload();
    } catch (e) {
      void message.error(errText(e));
    }
  };
  const tripTable = (
    trips: PlannedTripRow[],
    testId: string,
    changes?: ReturnType<typeof planChanges>,
    holders?: NonNullable<PlanRecord['holders']>,
  ) => (
    <Table<PlannedTripRow>
      rowKey="id"
      size="small"
      data-testid={testId}
      dataSource={trips}
      pagination={false}
      columns={[
        { title: t('planTripId'), dataIndex: 'id' },
        { title: t('purpose'), render: (_, r) => (cat?.purposes[r.purpose] ? pick(cat.purposes[r.purpose]) : r.purpose) },
        {
          title: t('countries'),
          // Joined in the reader's language (trial 66: Germany、France in English).
          render: (_, r) => countryNames(cat, r.countries, pick, lang),
        },
        { title: t('planSize'), dataIndex: 'size' },
        { title: t('planQuarter'), render: (_, r) => `Q${r.quarter}` },
        // The approved plan's rows, the cases holding each (A01 found them planned).
        ...(holders
          ? [
              {
                title: t('planHeldBy'),
                render: (_: unknown, r: PlannedTripRow) => {
                  const held = holders.filter((h) => h.tripId === r.id);
                  return held.length === 0
                    ? '—'
                    : held.map((h) => (
                        <div key={h.caseId}>
                          <CaseLink caseId={h.caseId}>{h.title ?? h.caseId}</CaseLink>
                        </div>
                      ));
                },
              },
            ]
          : []),
        // A filing's rows say what they change in the approved plan.
        ...(changes
          ? [
              {
                title: t('planChange'),
                render: (_: unknown, r: PlannedTripRow) =>
                  changes.added.includes(r.id) ? (
                    <Tag color={TAG.green}>{t('planAdded')}</Tag>
                  ) : changes.changed.includes(r.id) ? (
                    <Tag color={TAG.gold}>{t('planChanged')}</Tag>
                  ) : (
                    '—'
                  ),
              },
            ]
          : []),
      ]}
    />
  );
  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        {readsAll(role) ? (
          <Select
            showSearch
            optionFilterProp="label"
            style={{ width: 280 }}
            placeholder={t('planPickUnit')}
            aria-label={t('planPickUnit')}
            data-testid="plan-unit"
            value={unit || undefined}
            onChange={setUnit}
            options={(units.data?.items ?? []).map((u) => ({
              value: u.code,
              label: `${pick({ zh: u.nameZh, en: u.nameEn })} (${u.code})`,
            }))}
          />
        ) : null}
        <Select
          style={{ width: 120 }}
          aria-label={t('year')}
          data-testid="plan-year"
          value={year}
          onChange={setYear}
          options={planYears.map((y) => ({ value: y, label: String(y) }))}
        />
        {writer ? (
          <Button type="primary" onClick={() => setEditing(true)} data-testid="edit-plan">
            {approver ? t('planWrite') : t('planFile')}
          </Button>
        ) : null}
      </Space>
      {unit ? (
        <Loaded state={plan}>
          {(d) =>
            !d ? (
              <Typography.Paragraph data-testid="plan-none">{t('planNone')}</Typography.Paragraph>
            ) : (
              <Space orientation="vertical" style={{ width: '100%' }}>
                <Typography.Title level={4} style={{ fontSize: 16 }}>
                  {t('planApproved')}
                  {d.approved ? ` · ${accountName(d.approved.by, d.actorNames, lang)} · ${fmtDateTime(d.approved.at)}` : ''}
                </Typography.Title>
                {d.trips ? (
                  tripTable(d.trips, 'plan-approved', undefined, d.holders ?? [])
                ) : (
                  <Typography.Paragraph data-testid="plan-approved-none">{t('planNoneApproved')}</Typography.Paragraph>
                )}
                {d.proposal ? <PlanProposal record={d} approver={approver} onApprove={approve} table={tripTable} /> : null}
              </Space>
            )
          }
        </Loaded>
      ) : null}
      {editing && cat ? (
        <PlanDialog
          unit={unit}
          year={year}
          cat={cat}
          trips={plan.data?.proposal?.trips ?? plan.data?.trips ?? []}
          approved={plan.data?.trips ?? null}
          holders={plan.data?.holders ?? []}
          approves={approver}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            plan.reload();
          }}
        />
      ) : null}
    </>
  );
}

/**
 * A unit's filing awaiting approval: its trips, each marked added or changed against the approved plan, the trips it
 * drops, and the FAO clerk's approval (asked with what it changes) or, for the unit, a note that it waits.
 */
function PlanProposal(props: {
  record: PlanRecord;
  approver: boolean;
  onApprove(proposedAt: string, changes: ReturnType<typeof planChanges>, holders: NonNullable<PlanRecord['holders']>): void;
  table(trips: PlannedTripRow[], testId: string, changes?: ReturnType<typeof planChanges>): ReactNode;
}) {
  const { t, lang } = useT();
  const proposal = props.record.proposal!;
  const changes = planChanges(props.record.trips, proposal.trips);
  // One item a line (trial 70: the dropped trips ran into the approval's button).
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ fontSize: 16 }}>
        <Tag color={TAG.gold}>{t('planPending')}</Tag> {accountName(proposal.by, props.record.actorNames, lang)} ·{' '}
        {fmtDateTime(proposal.at)}
      </Typography.Title>
      {props.table(proposal.trips, 'plan-proposal', changes)}
      {changes.removed.length > 0 ? (
        <Typography.Text type="danger" data-testid="plan-proposal-removed">
          {`${t('planRemoved')}${lang === 'zh' ? '：' : ': '}${joinNames(changes.removed, lang)}`}
        </Typography.Text>
      ) : null}
      {props.approver ? (
        <Button onClick={() => props.onApprove(proposal.at, changes, props.record.holders ?? [])} data-testid="approve-plan">
          {t('planApprove')}
        </Button>
      ) : (
        <Alert type="info" showIcon title={t('planPendingNote')} />
      )}
    </Space>
  );
}

interface PlanValues {
  trips?: Array<Partial<PlannedTripRow>>;
}

/**
 * What approving a filing, or the FAO clerk's own save, does to the approved plan: the trips it adds, changes and drops,
 * each case holding a trip it drops or alters, by name, and that the unit's open cases of the year run A01 again
 * (trial 66: replaced in one click; trial 70: an open case's trip dropped unsaid).
 */
function PlanChangesSummary({
  changes,
  holders,
  year,
  cat,
}: {
  changes: ReturnType<typeof planChanges>;
  holders: NonNullable<PlanRecord['holders']>;
  year: number;
  cat: Catalog | null | undefined;
}) {
  const { t, pick, lang } = useT();
  const value = (field: TripDifference['field'], v: TripDifference['from']): string =>
    field === 'purpose'
      ? cat?.purposes[v as string]
        ? pick(cat.purposes[v as string]!)
        : String(v)
      : field === 'countries'
        ? countryNames(cat, v as readonly string[], pick, lang)
        : field === 'quarter'
          ? `Q${v as number}`
          : String(v);
  // A changed trip with what changed in it: P-1（人数 5→3；季度 Q2→Q3） (trial 72: 变更 alone).
  const changed = (id: string) => {
    const said = (changes.differences[id] ?? []).map(
      (d) => `${t(DIFFERENCE_LABELS[d.field])} ${value(d.field, d.from)}→${value(d.field, d.to)}`,
    );
    return said.length === 0 ? id : lang === 'zh' ? `${id}（${said.join('；')}）` : `${id} (${said.join('; ')})`;
  };
  return (
    <Space orientation="vertical" data-testid="plan-approve-changes">
      {(['added', 'changed', 'removed'] as const).map((k) =>
        changes[k].length > 0 ? (
          <span key={k} data-testid={`plan-${k}`}>
            {`${t(PLAN_CHANGE_LABELS[k])}${lang === 'zh' ? '：' : ': '}${joinNames(k === 'changed' ? changes[k].map(changed) : changes[k], lang)}`}
          </span>
        ) : null,
      )}
      {changes.added.length + changes.changed.length + changes.removed.length === 0 ? <span>{t('planNoChange')}</span> : null}
      {holders
        .filter((h) => changes.removed.includes(h.tripId) || changes.changed.includes(h.tripId))
        .map((h) => (
          <Typography.Text type="danger" key={`${h.tripId}-${h.caseId}`} data-testid="plan-approve-held">
            {t('planTripHeld')
              .replace('{trip}', h.tripId)
              .replace('{case}', h.title ?? h.caseId)}
          </Typography.Text>
        ))}
      <span>{t('planRecheckNote').replace('{year}', String(year))}</span>
    </Space>
  );
}

/** The PUT body of a plan dialog's values: each trip's id trimmed, its countries a list. */
const planBody = (v: PlanValues) => ({
  trips: (v.trips ?? []).map((trip) => ({
    id: trimmed(trip.id),
    purpose: trip.purpose,
    countries: trip.countries ?? [],
    size: trip.size,
    quarter: trip.quarter,
  })),
});

/**
 * The year's plan as the unit files it (a proposal) or the FAO clerk writes it (approved): PUT …/plans/{year}. The
 * clerk's save is asked first, as an approval is, against the approved plan (`approved`) and the cases holding its
 * trips (trial 71: 编辑批准的计划, opened on the unit's filing, dropped a held trip with one click).
 */
function PlanDialog(props: {
  unit: string;
  year: number;
  cat: Catalog;
  trips: PlannedTripRow[];
  approved: PlannedTripRow[] | null;
  holders: NonNullable<PlanRecord['holders']>;
  approves: boolean;
  onClose(): void;
  onSaved(): void;
}) {
  const { t, pick } = useT();
  const { message, modal } = AntApp.useApp();
  const f = useSchemaForm<PlanValues>('AnnualPlan', planBody, ['trips']);
  const confirmed = () =>
    new Promise<boolean>((resolve) => {
      modal.confirm({
        title: t('planWriteConfirm').replace('{year}', String(props.year)),
        content: (
          <PlanChangesSummary
            changes={planChanges(props.approved, planBody(f.form.getFieldsValue()).trips as PlannedTripRow[])}
            holders={props.holders}
            year={props.year}
            cat={props.cat}
          />
        ),
        okText: t('regSave'),
        cancelText: t('cancel'),
        onOk: () => resolve(true),
        onCancel: () => resolve(false),
      });
    });
  const save = async () => {
    if (props.approves && !(await confirmed())) return;
    const r = await f.send((body) => api<PlanRecord>('PUT', `/api/registries/units/${enc(props.unit)}/plans/${props.year}`, body));
    if (!r) return;
    void message.success(props.approves ? `${t('regSaved')}${recheckedNote(t, r)}` : t('planFiledNow'));
    props.onSaved();
  };
  // This year's quarters that have passed are on record (the API's 409 not-past): not offered for a trip.
  const firstOpen = firstOpenPlanQuarter(props.year, shanghaiToday());
  const purposes = Object.entries(props.cat.purposes).map(([value, l]) => ({ value, label: pick(l) }));
  const countries = Object.entries(props.cat.countries).map(([value, c]) => ({
    value,
    label: `${pick({ zh: c.nameZh, en: c.nameEn })} (${value})`,
  }));
  return (
    <Modal
      open
      width={900}
      title={`${props.approves ? t('planWrite') : t('planFile')}: ${props.unit} · ${props.year}`}
      onCancel={props.onClose}
      onOk={() => void save()}
      okText={t('regSave')}
      cancelText={t('cancel')}
      confirmLoading={f.sending}
      okButtonProps={{ 'data-testid': 'save-plan' } as Record<`data-${string}`, string>}
    >
      {props.approves ? null : <Alert type="info" showIcon title={t('planFileNote')} style={{ marginBottom: 12 }} />}
      <Form form={f.form} layout="vertical" onValuesChange={f.onValuesChange} initialValues={{ trips: props.trips }}>
        <Form.List name="trips">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field, i) => (
                <Space key={field.key} wrap align="start" data-testid={`plan-trip-${i}`}>
                  <Form.Item label={t('planTripId')} name={[field.name, 'id']} {...f.help(`trips[${i}].id`)}>
                    <Input style={{ width: 110 }} aria-label={t('planTripId')} />
                  </Form.Item>
                  <Form.Item label={t('purpose')} name={[field.name, 'purpose']} {...f.help(`trips[${i}].purpose`)}>
                    <Select style={{ width: 180 }} options={purposes} aria-label={t('purpose')} showSearch optionFilterProp="label" />
                  </Form.Item>
                  <Form.Item label={t('countries')} name={[field.name, 'countries']} {...f.help(`trips[${i}].countries`)}>
                    <Select
                      mode="multiple"
                      style={{ width: 240 }}
                      options={countries}
                      aria-label={t('countries')}
                      optionFilterProp="label"
                    />
                  </Form.Item>
                  <AmountItem
                    label={t('planSize')}
                    name={[field.name, 'size']}
                    {...f.help(`trips[${i}].size`)}
                    input={{ style: { width: 80 }, 'aria-label': t('planSize') }}
                  />
                  <Form.Item label={t('planQuarter')} name={[field.name, 'quarter']} {...f.help(`trips[${i}].quarter`)}>
                    <Select
                      style={{ width: 80 }}
                      options={[1, 2, 3, 4].map((q) => ({ value: q, label: `Q${q}`, disabled: q < firstOpen }))}
                      aria-label={t('planQuarter')}
                    />
                  </Form.Item>
                  <Button onClick={() => remove(field.name)} style={{ marginTop: 30 }}>
                    {t('remove')}
                  </Button>
                </Space>
              ))}
              <Button onClick={() => add({ countries: [], quarter: Math.min(firstOpen, 4), size: 1 })} data-testid="add-plan-trip">
                {t('planAddTrip')}
              </Button>
            </>
          )}
        </Form.List>
        <ServerNote error={f.serverError} />
      </Form>
    </Modal>
  );
}
