import { Alert, App as AntApp, Button, Form, Input, Modal, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { lazy, Suspense, useState } from 'react';
import { DayField, DayItem } from '../DayField';
// The director's publishing form, loaded with the versions tab of the one role that publishes (the budget: docs/web.md).
const PublishVersion = lazy(() => import('./PublishVersion'));
// The annual plans tab, loaded when opened (the budget: docs/web.md).
const PlansTab = lazy(() => import('./PlansTab'));
import { accountName } from '../accounts';
import { api, type Session } from '../api';
import { CaseLink, fmtDateTime, foldWidth, Loaded, rememberUnits, TAG, textLimit, useErrorText, useLoad, useUnitNames } from '../common';
import { useT, type LabelKey } from '../i18n';
import { ChangesTable, type VersionChange } from './VersionChanges';
import { useSchemaForm } from '../schema-form';
import { joinNames } from '../lists';
import { shanghaiToday } from '../date-rules';
import { isBlank, isStatedReason, REASON_WORDS_MESSAGE } from '../../../../libs/domain/src/text-rule';
import { registryUnitKind, ROSTER_READERS } from '../../../../libs/domain/src/access';
import { enc, mayWrite, orNull, readsAll, ServerNote, trimmed, WRITERS, type UnitListRow, type UnitRow } from './registry-common';
import { RANKS } from '../../../../libs/domain/src/facts';
import {
  birthDateProblems,
  codeProblems,
  passportDateProblems,
  GENDERS,
  HOLIDAY_SCHEDULE_RECORD,
  PASSPORT_TYPES,
  pastYearProblem,
  PERSON_STATUSES,
  scheduleEntryProblems,
  scheduleProblems,
  UNIT_STATUSES,
  type CalendarYearSummary,
  type PassportEvent,
  type PassportState,
} from '../../../../libs/domain/src/registries';

/**
 * The office's registries (登记簿, issue 14; docs/registries.md): units, people, passports in custody, the holiday
 * calendar and the process versions, each a table with the API's own filters, and for the roles the API lets write
 * (below) the forms that create and edit, checked as typed against the OpenAPI request schema and showing the API's
 * refusals at their fields. Everyone else reads what the API answers them (a unit's roles their own unit's).
 */

/** Who reads a roster (the API's rule: libs/domain/src/access.ts mayReadRoster): every unit's, or its own. */
const readsRoster = (role: string) => readsAll(role) || (ROSTER_READERS as readonly string[]).includes(role);

const fullUnit = (u: UnitListRow): UnitRow | null => ('suspension' in u ? u : null);
interface PersonRow {
  personId: string;
  unit: string;
  name: string;
  gender: string;
  dateOfBirth: string;
  rank: string;
  position: string;
  partyMember: boolean | null;
  classifiedAccess: boolean | null;
  leadershipTeam: string | null;
  status: string;
}
interface PassportRow {
  /** The ledger id: the history is read by it, since a number may be masked for the reader. */
  ref: string;
  number: string;
  type: string;
  issuedOn: string;
  expiresOn: string;
  holder: string;
  state: string;
  caseId: string | null;
  dueBackOn: string | null;
  displayState: string;
  daysOverdue: number;
}
type CalendarRow = CalendarYearSummary;
interface VersionRow {
  version: string;
  source: 'published' | 'built-in';
  current: boolean;
  changes: unknown[];
  publishedBy: string | null;
  publishedAt: string | null;
  steps: number;
}

/** A form item's help from the first of several error paths that has one (a path parameter's `path.code` too). */
const firstHelp = (...helps: Array<ReturnType<ReturnType<typeof useSchemaForm>['help']>>) => helps.find((h) => h.help) ?? {};
const STATE_COLOURS: Record<PassportState, string> = {
  'in-custody': TAG.green,
  'checked-out': TAG.blue,
  overdue: TAG.red,
  expired: TAG.gold,
  cancelled: '#595959',
  lost: TAG.orange,
};

export default function RegistriesPage({ session }: { session: Session }) {
  const { t } = useT();
  const role = session.user.role;
  const [tab, setTab] = useState('units');
  const items = [
    { key: 'units', label: t('regUnits'), children: <UnitsTab session={session} /> },
    ...(readsRoster(role) ? [{ key: 'people', label: t('regPeople'), children: <PeopleTab session={session} /> }] : []),
    { key: 'passports', label: t('regPassports'), children: <PassportsTab session={session} /> },
    // Annual outbound plans are the delegation chain's units' (A01): not the APEC roles', whose registries are the enterprises'.
    ...(registryUnitKind(role as never) === 'any'
      ? [
          {
            key: 'plans',
            label: t('regPlans'),
            children: (
              <Suspense fallback={null}>
                <PlansTab session={session} />
              </Suspense>
            ),
          },
        ]
      : []),
    { key: 'calendar', label: t('regCalendar'), children: <CalendarTab session={session} /> },
    { key: 'versions', label: t('regVersions'), children: <VersionsTab session={session} /> },
  ];
  const writes = (Object.keys(WRITERS) as Array<keyof typeof WRITERS>).some((r) => mayWrite(r, role));
  return (
    <section>
      <Typography.Title level={2} style={{ fontSize: 20 }}>
        {t('navRegistries')}
      </Typography.Title>
      {writes ? null : (
        <Alert type="info" showIcon title={t('regReadOnly')} style={{ marginBottom: 16 }} data-testid="registries-read-only" />
      )}
      <Tabs activeKey={tab} onChange={setTab} items={items} destroyOnHidden />
    </section>
  );
}

/** The search box over a loaded list (the API filters the rosters and the ledger by unit only). */
function SearchBox({ label, value, onChange, testId }: { label: LabelKey; value: string; onChange(v: string): void; testId: string }) {
  const { t } = useT();
  return (
    <Input
      allowClear
      placeholder={t(label)}
      aria-label={t(label)}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      style={{ width: 220 }}
      data-testid={testId}
    />
  );
}

/** The `?unit=` filter for the roles that read every unit (the API refuses a unit it does not know, shown as it comes). */
function UnitFilter({ onChange }: { onChange(unit: string | undefined): void }) {
  const { t } = useT();
  return (
    <Input.Search
      allowClear
      placeholder={t('regUnitFilter')}
      aria-label={t('regUnitFilter')}
      onSearch={(v) => onChange(v.trim() || undefined)}
      style={{ width: 220 }}
      data-testid="registry-unit-filter"
    />
  );
}

const matches = (search: string, ...values: Array<string | null | undefined>) =>
  !search.trim() || values.some((v) => (v ?? '').toLowerCase().includes(search.trim().toLowerCase()));

// Units ------------------------------------------------------------------------------------------

function UnitsTab({ session }: { session: Session }) {
  const { t, pick, code, lang } = useT();
  const { unitName } = useUnitNames();
  const state = useLoad(async () => {
    const r = await api<{ items: UnitListRow[] }>('GET', '/api/registries/units');
    rememberUnits(r.items);
    return r;
  }, []);
  const [search, setSearch] = useState('');
  const [editing, setEditing] = useState<UnitRow | 'new' | null>(null);
  const writer = mayWrite('units', session.user.role);
  return (
    <>
      <Space wrap style={{ marginBottom: 16 }}>
        <SearchBox label="regSearch" value={search} onChange={setSearch} testId="unit-search" />
        {writer ? (
          <Button type="primary" onClick={() => setEditing('new')} data-testid="new-unit">
            {t('regNewUnit')}
          </Button>
        ) : null}
      </Space>
      <Loaded state={state}>
        {(d) => (
          <Table<UnitListRow>
            rowKey="code"
            size="small"
            data-testid="units-table"
            dataSource={d.items.filter((u) => matches(search, u.code, u.nameZh, u.nameEn))}
            pagination={{ defaultPageSize: 20, showSizeChanger: true }}
            columns={[
              { title: t('unitCode'), dataIndex: 'code' },
              { title: t('nameZh'), dataIndex: 'nameZh' },
              { title: t('nameEn'), dataIndex: 'nameEn' },
              { title: t('parentCode'), render: (_, u) => (fullUnit(u)?.parentCode ? unitName(fullUnit(u)!.parentCode!) : '—') },
              {
                title: t('supervisingDepartment'),
                render: (_, u) => (fullUnit(u)?.supervisingDepartment ? unitName(fullUnit(u)!.supervisingDepartment!) : '—'),
              },
              { title: t('clerks'), render: (_, u) => joinNames(fullUnit(u)?.clerks ?? [], lang) || '—' },
              {
                title: t('status'),
                render: (_, row) => {
                  const u = fullUnit(row);
                  return u ? (
                    <Space orientation="vertical" size={2}>
                      <Tag color={u.status === 'active' ? TAG.green : TAG.red}>{code('unitSt_', u.status)}</Tag>
                      {u.suspendedReason ? <Typography.Text type="secondary">{u.suspendedReason}</Typography.Text> : null}
                    </Space>
                  ) : (
                    '—'
                  );
                },
              },
              {
                title: t('suspension'),
                render: (_, row) => {
                  const u = fullUnit(row);
                  if (!u) return '—';
                  return u.suspension.suspended ? (
                    u.suspension.reasons.map((r) => (
                      <Typography.Text key={r.code} type="danger" style={{ display: 'block' }}>
                        {pick(r.message)}
                      </Typography.Text>
                    ))
                  ) : (
                    <Typography.Text>{t('suspensionNone')}</Typography.Text>
                  );
                },
              },
              ...(writer
                ? [
                    {
                      title: t('userActions'),
                      render: (_: unknown, row: UnitListRow) => {
                        const u = fullUnit(row);
                        return u ? (
                          <Button size="small" onClick={() => setEditing(u)} data-testid={`edit-unit-${u.code}`}>
                            {t('regEdit')}
                          </Button>
                        ) : null;
                      },
                    },
                  ]
                : []),
            ]}
          />
        )}
      </Loaded>
      {editing ? (
        <UnitDialog
          unit={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            state.reload();
          }}
        />
      ) : null}
    </>
  );
}

interface UnitValues {
  code?: string;
  nameZh?: string;
  nameEn?: string;
  parentCode?: string;
  supervisingDepartment?: string;
  clerks?: string[];
  signatories?: string[];
  status?: string;
  suspendedReason?: string;
}

function UnitDialog({ unit, onClose, onSaved }: { unit: UnitRow | null; onClose(): void; onSaved(): void }) {
  const { t, code } = useT();
  const { message } = AntApp.useApp();
  const f = useSchemaForm<UnitValues>(
    'RegistryUnit',
    (v) => ({
      nameZh: trimmed(v.nameZh),
      nameEn: trimmed(v.nameEn),
      parentCode: orNull(v.parentCode),
      supervisingDepartment: orNull(v.supervisingDepartment),
      clerks: (v.clerks ?? []).map(trimmed).filter(Boolean),
      signatories: (v.signatories ?? []).map(trimmed).filter(Boolean),
      status: v.status ?? 'active',
      // Only a suspension has one: a reason left in the box hidden by another status is not sent (the API would judge it).
      suspendedReason: v.status === 'suspended' ? orNull(v.suspendedReason) : null,
    }),
    ['code', 'nameZh', 'nameEn', 'parentCode', 'supervisingDepartment', 'clerks', 'signatories', 'status', 'suspendedReason'],
    // The code goes in the path (no body schema holds it): its rule from the domain; a suspension's reason is the API's
    // rule beside the schema's.
    (v) => [
      ...codeProblems('code', v.code),
      ...(v.status === 'suspended' && !trimmed(v.suspendedReason)
        ? [{ field: 'suspendedReason', rule: 'required', message: { zh: '暂停须说明理由', en: 'A suspended unit needs a reason' } }]
        : []),
      // A reason states something (isStatedReason), as the API's rule reason-words.
      ...(v.status === 'suspended' && trimmed(v.suspendedReason) && !isStatedReason(v.suspendedReason!)
        ? [{ field: 'suspendedReason', rule: 'reason-words', message: REASON_WORDS_MESSAGE }]
        : []),
    ],
  );
  const save = async () => {
    const c = trimmed(f.form.getFieldValue('code') as string | undefined);
    const r = await f.send((body) => api<{ unit: UnitRow }>('PUT', `/api/registries/units/${enc(c)}`, body));
    if (!r) return;
    rememberUnits([r.unit]);
    void message.success(t('regSaved'));
    onSaved();
  };
  const status = Form.useWatch('status', f.form);
  return (
    <Modal
      open
      title={unit ? `${t('regEditUnit')}: ${unit.nameZh} (${unit.code})` : t('regNewUnit')}
      onCancel={onClose}
      onOk={() => void save()}
      okText={t('regSave')}
      cancelText={t('cancel')}
      confirmLoading={f.sending}
      okButtonProps={{ 'data-testid': 'save-unit' } as Record<`data-${string}`, string>}
    >
      <Form
        form={f.form}
        layout="vertical"
        onValuesChange={f.onValuesChange}
        initialValues={
          unit
            ? {
                ...unit,
                parentCode: unit.parentCode ?? '',
                supervisingDepartment: unit.supervisingDepartment ?? '',
                suspendedReason: unit.suspendedReason ?? '',
              }
            : { status: 'active', clerks: [], signatories: [] }
        }
      >
        <Form.Item label={t('unitCode')} name="code" {...firstHelp(f.help('code'), f.help('path.code'))}>
          <Input disabled={unit !== null} autoComplete="off" />
        </Form.Item>
        <Form.Item label={t('nameZh')} name="nameZh" {...f.help('nameZh')}>
          <Input />
        </Form.Item>
        <Form.Item label={t('nameEn')} name="nameEn" {...f.help('nameEn')}>
          <Input />
        </Form.Item>
        <Space wrap>
          <Form.Item label={t('parentCode')} name="parentCode" {...f.help('parentCode')}>
            <Input style={{ width: 200 }} />
          </Form.Item>
          <Form.Item label={t('supervisingDepartment')} name="supervisingDepartment" {...f.help('supervisingDepartment')}>
            <Input style={{ width: 200 }} />
          </Form.Item>
        </Space>
        <Form.Item label={t('clerks')} name="clerks" {...f.help('clerks')}>
          <Select mode="tags" open={false} suffixIcon={null} />
        </Form.Item>
        <Form.Item label={t('signatories')} name="signatories" {...f.help('signatories')}>
          <Select mode="tags" open={false} suffixIcon={null} />
        </Form.Item>
        {/* The status holds one of its options: the schema's either-or (not suspended, or a reason) is told at the reason. */}
        <Form.Item label={t('status')} name="status">
          <Select virtual={false} options={UNIT_STATUSES.map((s) => ({ value: s, label: code('unitSt_', s) }))} />
        </Form.Item>
        {status === 'suspended' ? (
          <Form.Item label={t('suspendedReason')} name="suspendedReason" {...f.help('suspendedReason')}>
            <Input.TextArea rows={2} />
          </Form.Item>
        ) : null}
        <ServerNote error={f.serverError} />
      </Form>
    </Modal>
  );
}

// People -----------------------------------------------------------------------------------------

function PeopleTab({ session }: { session: Session }) {
  const { t, code } = useT();
  const { unitName } = useUnitNames();
  const [unit, setUnit] = useState<string | undefined>();
  const state = useLoad(() => api<{ items: PersonRow[] }>('GET', `/api/registries/people${unit ? `?unit=${enc(unit)}` : ''}`), [unit]);
  const [search, setSearch] = useState('');
  const [editing, setEditing] = useState<PersonRow | 'new' | null>(null);
  const writer = mayWrite('people', session.user.role);
  const yesNo = (b: boolean | null) => (b === null ? '—' : t(b ? 'yes' : 'no'));
  return (
    <>
      <Space wrap style={{ marginBottom: 16 }}>
        {readsAll(session.user.role) ? <UnitFilter onChange={setUnit} /> : null}
        <SearchBox label="regSearchPerson" value={search} onChange={setSearch} testId="person-search" />
        {writer ? (
          <Button type="primary" onClick={() => setEditing('new')} data-testid="new-person">
            {t('regNewPerson')}
          </Button>
        ) : null}
      </Space>
      <Loaded state={state}>
        {(d) => (
          <Table<PersonRow & { row: string }>
            // A person id may be masked for the reader (the last two characters kept): two can read alike, so the row
            // is keyed by its place in the list too.
            rowKey="row"
            size="small"
            data-testid="people-table"
            dataSource={d.items.filter((p) => matches(search, p.personId, p.name)).map((p, i) => ({ ...p, row: `${i}:${p.personId}` }))}
            pagination={{ defaultPageSize: 20, showSizeChanger: true }}
            columns={[
              { title: t('personId'), dataIndex: 'personId' },
              { title: t('name'), dataIndex: 'name' },
              { title: t('unit'), render: (_, p) => unitName(p.unit) },
              { title: t('gender'), render: (_, p) => code('gender_', p.gender) },
              { title: t('dateOfBirth'), dataIndex: 'dateOfBirth' },
              { title: t('rank'), render: (_, p) => code('rank_', p.rank) },
              { title: t('position'), dataIndex: 'position' },
              { title: t('partyMember'), render: (_, p) => yesNo(p.partyMember) },
              { title: t('classifiedAccess'), render: (_, p) => yesNo(p.classifiedAccess) },
              { title: t('leadershipTeam'), render: (_, p) => p.leadershipTeam ?? '—' },
              {
                title: t('status'),
                render: (_, p) => <Tag color={p.status === 'active' ? TAG.green : undefined}>{code('personSt_', p.status)}</Tag>,
              },
              ...(writer
                ? [
                    {
                      title: t('userActions'),
                      render: (_: unknown, p: PersonRow) =>
                        p.unit === session.user.unit ? (
                          <Button size="small" onClick={() => setEditing(p)} data-testid={`edit-person-${p.personId}`}>
                            {t('regEdit')}
                          </Button>
                        ) : null,
                    },
                  ]
                : []),
            ]}
          />
        )}
      </Loaded>
      {editing ? (
        <PersonDialog
          person={editing === 'new' ? null : editing}
          unit={session.user.unit}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            state.reload();
          }}
        />
      ) : null}
    </>
  );
}

interface PersonValues {
  personId?: string;
  unit?: string;
  name?: string;
  gender?: string;
  dateOfBirth?: string;
  rank?: string;
  position?: string;
  partyMember?: boolean;
  leadershipTeam?: string;
  status?: string;
}

function PersonDialog({ person, unit, onClose, onSaved }: { person: PersonRow | null; unit: string; onClose(): void; onSaved(): void }) {
  const { t, code } = useT();
  const { unitName } = useUnitNames();
  const { message } = AntApp.useApp();
  const f = useSchemaForm<PersonValues>(
    'RegistryPerson',
    (v) => ({
      unit,
      name: trimmed(v.name),
      gender: v.gender,
      dateOfBirth: v.dateOfBirth ?? '',
      rank: v.rank,
      position: trimmed(v.position),
      partyMember: v.partyMember ?? false,
      leadershipTeam: orNull(v.leadershipTeam),
      status: v.status ?? 'active',
    }),
    ['personId', 'name', 'gender', 'dateOfBirth', 'rank', 'position', 'partyMember', 'leadershipTeam', 'status'],
    // The id goes in the path (the domain's code rule), the birth date's plausibility is the API's rule beside the schema's:
    // both as typed (trial 56: refused only by the API's answer).
    (v) => [...codeProblems('personId', v.personId), ...birthDateProblems(v.dateOfBirth ?? '', shanghaiToday())],
  );
  const save = async () => {
    const id = trimmed(f.form.getFieldValue('personId') as string | undefined);
    const r = await f.send((body) => api<PersonRow>('PUT', `/api/registries/people/${enc(id)}`, body));
    if (!r) return;
    void message.success(t('regSaved'));
    onSaved();
  };
  const options = (values: readonly string[], kind: 'gender_' | 'rank_' | 'personSt_') =>
    values.map((v) => ({ value: v, label: code(kind, v) }));
  return (
    <Modal
      open
      title={person ? `${t('regEditPerson')}: ${person.name} (${person.personId})` : `${t('regNewPerson')} · ${unitName(unit)}`}
      onCancel={onClose}
      onOk={() => void save()}
      okText={t('regSave')}
      cancelText={t('cancel')}
      confirmLoading={f.sending}
      okButtonProps={{ 'data-testid': 'save-person' } as Record<`data-${string}`, string>}
    >
      <Form
        form={f.form}
        layout="vertical"
        onValuesChange={f.onValuesChange}
        initialValues={
          person
            ? { ...person, partyMember: person.partyMember ?? false, leadershipTeam: person.leadershipTeam ?? '' }
            : { status: 'active', partyMember: false }
        }
      >
        <Space wrap>
          <Form.Item label={t('personId')} name="personId" {...firstHelp(f.help('personId'), f.help('path.personId'))}>
            <Input disabled={person !== null} autoComplete="off" style={{ width: 200 }} />
          </Form.Item>
          <Form.Item label={t('name')} name="name" {...f.help('name')}>
            <Input style={{ width: 200 }} />
          </Form.Item>
        </Space>
        <Space wrap>
          <Form.Item label={t('gender')} name="gender" {...f.help('gender')}>
            <Select virtual={false} style={{ width: 120 }} options={options(GENDERS, 'gender_')} />
          </Form.Item>
          <DayItem label={t('dateOfBirth')} name="dateOfBirth" {...f.help('dateOfBirth')} />
          <Form.Item label={t('rank')} name="rank" {...f.help('rank')}>
            <Select virtual={false} style={{ width: 180 }} options={options(RANKS, 'rank_')} />
          </Form.Item>
        </Space>
        <Form.Item label={t('position')} name="position" {...f.help('position')}>
          <Input />
        </Form.Item>
        <Space wrap>
          <Form.Item label={t('partyMember')} name="partyMember" {...f.help('partyMember')}>
            <Select
              virtual={false}
              style={{ width: 120 }}
              options={[
                { value: true, label: t('yes') },
                { value: false, label: t('no') },
              ]}
            />
          </Form.Item>
          <Form.Item label={t('leadershipTeam')} name="leadershipTeam" {...f.help('leadershipTeam')}>
            <Input style={{ width: 200 }} />
          </Form.Item>
          <Form.Item label={t('status')} name="status" {...f.help('status')}>
            <Select virtual={false} style={{ width: 140 }} options={options(PERSON_STATUSES, 'personSt_')} />
          </Form.Item>
        </Space>
        <ServerNote error={f.serverError} />
      </Form>
    </Modal>
  );
}

// Passports --------------------------------------------------------------------------------------

/**
 * A passport's cancellation or loss note (required, the API's `note`): the reason rule said at the box, in red once what is
 * typed breaks it (isStatedReason; trial 73: only the grey hint said why 挂失 stayed disabled), within 500 characters (the
 * box counts, it does not cut). `onChange` gets the text and whether it may be sent.
 */
function PassportNoteBox({ onChange }: { onChange(text: string, ok: boolean): void }) {
  const { t, lang } = useT();
  const [text, setText] = useState('');
  const hint = `${REASON_WORDS_MESSAGE[lang]}${lang === 'zh' ? '；' : '; '}${textLimit(500, lang).rule.message}`;
  const broken = text !== '' && !isBlank(text) && (!isStatedReason(text) || text.length > 500);
  return (
    <Form layout="vertical" style={{ marginTop: 12 }}>
      <Form.Item
        label={t('apecReason')}
        required
        style={{ marginBottom: 0 }}
        validateStatus={broken ? 'error' : undefined}
        help={broken ? (text.length > 500 ? textLimit(500, lang).rule.message : REASON_WORDS_MESSAGE[lang]) : undefined}
        extra={broken ? undefined : hint}
      >
        <Input.TextArea
          rows={2}
          count={textLimit(500, lang).count}
          aria-label={t('apecReason')}
          data-testid="passport-note"
          onChange={(e) => {
            setText(e.target.value);
            onChange(e.target.value, isStatedReason(e.target.value) && e.target.value.length <= 500);
          }}
        />
      </Form.Item>
    </Form>
  );
}

/**
 * What the custody ledger's buttons do, as verbs: the state names (已注销, 已挂失) on them read as done already, and the
 * dialog "SE9876543: 已注销" as a fact (trial 56).
 */
const PASSPORT_MOVES = { 'in-custody': 'ppMoveIn', cancelled: 'ppMoveCancel', lost: 'ppMoveLost' } as const satisfies Record<
  'in-custody' | 'cancelled' | 'lost',
  LabelKey
>;

function PassportsTab({ session }: { session: Session }) {
  const { t, code } = useT();
  const { message, modal } = AntApp.useApp();
  const errText = useErrorText();
  const role = session.user.role;
  const [unit, setUnit] = useState<string | undefined>();
  const q = unit ? `?unit=${enc(unit)}` : '';
  const state = useLoad(async () => {
    const [passports, people] = await Promise.all([
      api<{ items: PassportRow[] }>('GET', `/api/registries/passports${q}`),
      // The holders by name, where the role reads the roster (others see the person id).
      readsRoster(role) ? api<{ items: PersonRow[] }>('GET', `/api/registries/people${q}`).then((r) => r.items) : Promise.resolve([]),
    ]);
    return { items: passports.items, people };
  }, [q, role]);
  const [search, setSearch] = useState('');
  const [registering, setRegistering] = useState(false);
  const writer = mayWrite('passports', role);
  const holderName = (people: PersonRow[], id: string) => {
    const p = people.find((x) => x.personId === id);
    return p ? `${p.name} (${id})` : id;
  };
  /** Checked in on a confirmation; cancelled or reported lost with its reason (the API requires `note`): OK waits for one. */
  const move = (number: string, to: 'in-custody' | 'cancelled' | 'lost') => {
    const needsReason = to !== 'in-custody';
    let note = '';
    const dialog = modal.confirm({
      title: `${t(PASSPORT_MOVES[to])} · ${number}`,
      content: needsReason ? (
        <PassportNoteBox
          onChange={(text, ok) => {
            note = text;
            dialog.update({ okButtonProps: { disabled: !ok } });
          }}
        />
      ) : undefined,
      // The button says the move, as the row's did (trial 58: 保存 under 登记交回).
      okText: t(PASSPORT_MOVES[to]),
      okButtonProps: { disabled: needsReason },
      cancelText: t('cancel'),
      onOk: () =>
        api('POST', `/api/registries/passports/${enc(number)}/transitions`, needsReason ? { to, note } : { to }).then(
          () => {
            void message.success(t('regSaved'));
            state.reload();
          },
          (e: unknown) => void message.error(errText(e)),
        ),
    });
  };
  return (
    <>
      <Space wrap style={{ marginBottom: 16 }}>
        {readsAll(role) ? <UnitFilter onChange={setUnit} /> : null}
        <SearchBox label="regSearchPassport" value={search} onChange={setSearch} testId="passport-search" />
        {writer ? (
          <Button type="primary" onClick={() => setRegistering(true)} data-testid="new-passport">
            {t('regNewPassport')}
          </Button>
        ) : null}
      </Space>
      <Loaded state={state}>
        {(d) => (
          <>
            <Table<PassportRow>
              rowKey="ref"
              size="small"
              data-testid="passports-table"
              expandable={{ expandedRowRender: (p) => <PassportHistory passportRef={p.ref} number={p.number} /> }}
              dataSource={d.items.filter((p) => matches(search, p.number, p.holder, holderName(d.people, p.holder)))}
              pagination={{ defaultPageSize: 20, showSizeChanger: true }}
              columns={[
                { title: t('passportNumber'), dataIndex: 'number' },
                { title: t('passportType'), render: (_, p) => code('ppType_', p.type) },
                { title: t('holder'), render: (_, p) => holderName(d.people, p.holder) },
                { title: t('issuedOn'), dataIndex: 'issuedOn' },
                { title: t('expiresOn'), dataIndex: 'expiresOn' },
                {
                  title: t('custodyState'),
                  render: (_, p) => (
                    <Space size={4} wrap>
                      <Tag color={STATE_COLOURS[p.displayState as PassportState]}>{code('ppSt_', p.displayState)}</Tag>
                      {p.daysOverdue > 0 ? (
                        <Typography.Text type="danger">{t('daysOverdueN').replace('{n}', String(p.daysOverdue))}</Typography.Text>
                      ) : null}
                    </Space>
                  ),
                },
                { title: t('dueBackOn'), render: (_, p) => p.dueBackOn ?? '—' },
                {
                  title: t('apecCase'),
                  render: (_, p) => (p.caseId ? <CaseLink caseId={p.caseId}>{p.caseId.slice(0, 8)}</CaseLink> : '—'),
                },
                ...(writer
                  ? [
                      {
                        title: t('userActions'),
                        render: (_: unknown, p: PassportRow) => (
                          <Space size={4} wrap>
                            {p.state === 'checked-out' ? (
                              <Button size="small" onClick={() => move(p.number, 'in-custody')}>
                                {t(PASSPORT_MOVES['in-custody'])}
                              </Button>
                            ) : null}
                            {p.state === 'in-custody' ? (
                              <Button size="small" onClick={() => move(p.number, 'cancelled')}>
                                {t(PASSPORT_MOVES.cancelled)}
                              </Button>
                            ) : null}
                            {p.state === 'in-custody' || p.state === 'checked-out' ? (
                              <Button size="small" danger onClick={() => move(p.number, 'lost')}>
                                {t(PASSPORT_MOVES.lost)}
                              </Button>
                            ) : null}
                          </Space>
                        ),
                      },
                    ]
                  : []),
              ]}
            />
            {registering ? (
              <PassportDialog
                people={d.people}
                onClose={() => setRegistering(false)}
                onSaved={() => {
                  setRegistering(false);
                  state.reload();
                }}
              />
            ) : null}
          </>
        )}
      </Loaded>
    </>
  );
}

type HistoryRow = PassportEvent;

/**
 * A passport's custody history, oldest first (GET passports/{ref}: every state change, who and when). Read by the
 * ledger id, which every reader in scope may use; `number` (as shown to the reader, maybe masked) names the table.
 */
function PassportHistory({ passportRef, number }: { passportRef: string; number: string }) {
  const { t, code } = useT();
  const state = useLoad(() => api<{ history?: HistoryRow[] }>('GET', `/api/registries/passports/${enc(passportRef)}`), [passportRef]);
  return (
    <Loaded state={state}>
      {(d) => (
        <Table<HistoryRow>
          size="small"
          rowKey={(h) => `${h.at}-${h.toState}`}
          data-testid={`passport-history-${number}`}
          pagination={false}
          dataSource={d.history ?? []}
          columns={[
            { title: t('apecAt'), render: (_, h) => fmtDateTime(h.at) },
            { title: t('apecFrom'), render: (_, h) => code('ppSt_', h.fromState) },
            { title: t('apecTo'), render: (_, h) => code('ppSt_', h.toState) },
            { title: t('apecCase'), render: (_, h) => h.caseId?.slice(0, 8) ?? '—' },
            { title: t('actor'), dataIndex: 'actor' },
            { title: t('apecNote'), render: (_, h) => h.note ?? '—' },
          ]}
        />
      )}
    </Loaded>
  );
}

interface PassportValues {
  number?: string;
  type?: string;
  issuedOn?: string;
  expiresOn?: string;
  holder?: string;
}

function PassportDialog({ people, onClose, onSaved }: { people: PersonRow[]; onClose(): void; onSaved(): void }) {
  const { t, code } = useT();
  const { unitName } = useUnitNames();
  const { message } = AntApp.useApp();
  const f = useSchemaForm<PassportValues>(
    'CustodyPassportRegistration',
    (v) => ({
      number: trimmed(v.number),
      type: v.type ?? 'official',
      issuedOn: v.issuedOn ?? '',
      expiresOn: v.expiresOn ?? '',
      holder: v.holder ?? '',
    }),
    ['number', 'type', 'issuedOn', 'expiresOn', 'holder'],
    // The API's date rules beyond the schema (issued not after today, expiring after the issue, within ten years), as
    // typed (trial 56: an expiry before the issue was refused only by the API's answer).
    (v) => passportDateProblems({ issuedOn: v.issuedOn ?? '', expiresOn: v.expiresOn ?? '' }, shanghaiToday()),
  );
  const save = async () => {
    const r = await f.send((body) => api<PassportRow>('POST', '/api/registries/passports', body));
    if (!r) return;
    void message.success(t('regSaved'));
    onSaved();
  };
  return (
    <Modal
      open
      title={t('regNewPassport')}
      onCancel={onClose}
      onOk={() => void save()}
      okText={t('regSave')}
      cancelText={t('cancel')}
      confirmLoading={f.sending}
      okButtonProps={{ 'data-testid': 'save-passport' } as Record<`data-${string}`, string>}
    >
      <Form form={f.form} layout="vertical" onValuesChange={f.onValuesChange} initialValues={{ type: 'official' }}>
        <Space wrap>
          <Form.Item label={t('passportNumber')} name="number" normalize={foldWidth} {...f.help('number')}>
            <Input autoComplete="off" style={{ width: 200 }} />
          </Form.Item>
          <Form.Item label={t('passportType')} name="type" {...f.help('type')}>
            <Select virtual={false} style={{ width: 160 }} options={PASSPORT_TYPES.map((p) => ({ value: p, label: code('ppType_', p) }))} />
          </Form.Item>
        </Space>
        <Space wrap>
          <DayItem label={t('issuedOn')} name="issuedOn" {...f.help('issuedOn')} />
          <DayItem label={t('expiresOn')} name="expiresOn" {...f.help('expiresOn')} />
        </Space>
        <Form.Item label={t('holder')} name="holder" {...f.help('holder')}>
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            virtual={false}
            options={people
              .filter((p) => p.status === 'active')
              .map((p) => ({ value: p.personId, label: `${p.name} (${p.personId}) · ${unitName(p.unit)}` }))}
          />
        </Form.Item>
        <ServerNote error={f.serverError} />
      </Form>
    </Modal>
  );
}

// Calendar ---------------------------------------------------------------------------------------

function CalendarTab({ session }: { session: Session }) {
  const { t, code, lang } = useT();
  const state = useLoad(() => api<{ items: CalendarRow[]; actorNames?: Record<string, string> }>('GET', '/api/registries/calendars'), []);
  const [year, setYear] = useState<number | null>(null);
  const [editing, setEditing] = useState<number | null>(null);
  const writer = mayWrite('calendar', session.user.role);
  return (
    <>
      <Loaded state={state}>
        {(d) => (
          <Table<CalendarRow>
            rowKey="year"
            size="small"
            data-testid="calendar-table"
            dataSource={d.items}
            pagination={false}
            expandable={{
              expandedRowKeys: year === null ? [] : [year],
              onExpand: (open, r) => setYear(open ? r.year : null),
              expandedRowRender: (r) => <CalendarDays year={r.year} />,
            }}
            columns={[
              { title: t('year'), dataIndex: 'year' },
              {
                title: t('calendarSource'),
                render: (_, c) => <Tag color={c.provisional ? TAG.gold : undefined}>{code('calSrc_', c.source)}</Tag>,
              },
              { title: t('holidayCount'), dataIndex: 'holidays' },
              { title: t('workdayCount'), dataIndex: 'workdays' },
              { title: t('calendarNotice'), render: (_, c) => c.note ?? '—' },
              { title: t('loadedBy'), render: (_, c) => (c.loadedBy ? accountName(c.loadedBy, d.actorNames, lang) : '—') },
              { title: t('loadedAt'), render: (_, c) => fmtDateTime(c.loadedAt) },
              ...(writer
                ? [
                    {
                      title: t('userActions'),
                      // A year that has ended is on record (the API's pastYearProblem, 409): no button to a form it would
                      // refuse (new-user trial 62: 载入放假安排 on 2004-2025, then 2020 年已结束… on 保存).
                      render: (_: unknown, c: CalendarRow) =>
                        pastYearProblem(c.year, shanghaiToday(), HOLIDAY_SCHEDULE_RECORD) ? (
                          <Typography.Text type="secondary" data-testid={`calendar-archived-${c.year}`}>
                            {t('calendarArchived')}
                          </Typography.Text>
                        ) : (
                          <Button size="small" onClick={() => setEditing(c.year)} data-testid={`edit-calendar-${c.year}`}>
                            {t('regEditCalendar')}
                          </Button>
                        ),
                    },
                  ]
                : []),
            ]}
          />
        )}
      </Loaded>
      {editing !== null ? (
        <CalendarDialog
          year={editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            state.reload();
          }}
        />
      ) : null}
    </>
  );
}

interface YearDays {
  year: number;
  holidays: string[];
  workdays: string[];
}

function CalendarDays({ year }: { year: number }) {
  const { t } = useT();
  const state = useLoad(() => api<YearDays>('GET', `/api/registries/calendars/${year}`), [year]);
  return (
    <Loaded state={state}>
      {(d) => (
        <Space orientation="vertical" data-testid={`calendar-days-${year}`}>
          {(['holidays', 'workdays'] as const).map((k) => (
            <div key={k}>
              <Typography.Text strong>{t(k)}: </Typography.Text>
              {d[k].length === 0 ? t('noDays') : d[k].map((day) => <Tag key={day}>{day}</Tag>)}
            </div>
          ))}
        </Space>
      )}
    </Loaded>
  );
}

/** A list of days (a form item's value): each a closable tag, a day field adding the day picked or typed. */
function DayList({ value = [], onChange, id }: { value?: string[]; onChange?(days: string[]): void; id?: string }) {
  const { t } = useT();
  return (
    <Space wrap size={4}>
      {value.map((day) => (
        <Tag
          key={day}
          closable
          closeIcon={<span aria-label={`${t('remove')} ${day}`}>×</span>}
          onClose={(e) => {
            e.preventDefault();
            onChange?.(value.filter((d) => d !== day));
          }}
        >
          {day}
        </Tag>
      ))}
      <DayField
        id={id}
        value=""
        aria-label={t('addDay')}
        onChange={(day) => {
          if (day && !value.includes(day)) onChange?.([...value, day].sort());
        }}
      />
    </Space>
  );
}

interface CalendarValues {
  holidays?: string[];
  workdays?: string[];
  source?: string;
}

function CalendarDialog({ year, onClose, onSaved }: { year: number; onClose(): void; onSaved(): void }) {
  const { t } = useT();
  const { message } = AntApp.useApp();
  const days = useLoad(() => api<YearDays>('GET', `/api/registries/calendars/${year}`), [year]);
  const f = useSchemaForm<CalendarValues>(
    'HolidaySchedule',
    (v) => ({ holidays: v.holidays ?? [], workdays: v.workdays ?? [], ...(trimmed(v.source) ? { source: trimmed(v.source) } : {}) }),
    ['holidays', 'workdays', 'source'],
    // The API's rules beyond the schema, as typed, with the domain's own function (every day in the year, an adjusted
    // working day on a weekend, no day both): scheduleProblems, which the API runs too.
    (v) => {
      const schedule = { year, holidays: v.holidays ?? [], workdays: v.workdays ?? [] };
      return [...scheduleEntryProblems(schedule), ...scheduleProblems(schedule)];
    },
  );
  const save = async () => {
    const r = await f.send((body) => api<{ replanned: { signalled: number } }>('PUT', `/api/registries/calendars/${year}`, body));
    if (!r) return;
    void message.success(`${t('regSaved')} · ${t('replanned').replace('{n}', String(r.replanned.signalled))}`);
    onSaved();
  };
  return (
    <Modal
      open
      width={720}
      title={`${t('regEditCalendar')}: ${year}`}
      onCancel={onClose}
      onOk={() => void save()}
      okText={t('regSave')}
      cancelText={t('cancel')}
      confirmLoading={f.sending}
      okButtonProps={{ 'data-testid': 'save-calendar' } as Record<`data-${string}`, string>}
    >
      <Loaded state={days}>
        {(d) => (
          <Form
            form={f.form}
            layout="vertical"
            onValuesChange={f.onValuesChange}
            initialValues={{ holidays: d.holidays, workdays: d.workdays, source: '' }}
          >
            <Form.Item label={t('holidays')} name="holidays" {...f.help('holidays')}>
              <DayList />
            </Form.Item>
            <Form.Item label={t('workdays')} name="workdays" {...f.help('workdays')}>
              <DayList />
            </Form.Item>
            <Form.Item label={t('calendarNotice')} name="source" {...f.help('source')}>
              <Input />
            </Form.Item>
            <ServerNote error={f.serverError} />
          </Form>
        )}
      </Loaded>
    </Modal>
  );
}

// Process versions -------------------------------------------------------------------------------

function VersionsTab({ session }: { session: Session }) {
  const { t, lang } = useT();
  const state = useLoad(
    () => api<{ items: VersionRow[]; actorNames?: Record<string, string> }>('GET', '/api/registries/process-versions'),
    [],
  );
  return (
    <Loaded state={state}>
      {(d) => (
        <>
          {mayWrite('processVersions', session.user.role) ? (
            <Suspense fallback={null}>
              <PublishVersion current={d.items.find((v) => v.current)?.version ?? d.items[0]!.version} onPublished={state.reload} />
            </Suspense>
          ) : null}
          <Table<VersionRow>
            rowKey="version"
            size="small"
            data-testid="versions-table"
            dataSource={d.items}
            pagination={false}
            expandable={{ expandedRowRender: (v) => <VersionDetail version={v.version} /> }}
            columns={[
              {
                title: t('version'),
                render: (_, v) => (
                  <Space size={4}>
                    {v.version}
                    {v.current ? <Tag color={TAG.blue}>{t('versionCurrent')}</Tag> : null}
                  </Space>
                ),
              },
              { title: t('versionSource'), render: (_, v) => t(v.source === 'published' ? 'versionPublished' : 'versionBuiltIn') },
              { title: t('stepCount'), dataIndex: 'steps' },
              { title: t('changeCount'), render: (_, v) => v.changes.length },
              { title: t('publishedBy'), render: (_, v) => (v.publishedBy ? accountName(v.publishedBy, d.actorNames, lang) : '—') },
              { title: t('publishedAt'), render: (_, v) => fmtDateTime(v.publishedAt) },
            ]}
          />
        </>
      )}
    </Loaded>
  );
}

/** A version's name (its definition's) and what changed against the one before (GET process-versions/{version}). */
function VersionDetail({ version }: { version: string }) {
  const { t, pick } = useT();
  const state = useLoad(
    () =>
      api<{ definition: { name?: { zh: string; en: string } }; changes: VersionChange[] }>(
        'GET',
        `/api/registries/process-versions/${enc(version)}`,
      ),
    [version],
  );
  return (
    <Loaded state={state}>
      {(d) => (
        <Space orientation="vertical" style={{ width: '100%' }} data-testid={`version-detail-${version}`}>
          <Typography.Text>
            {t('versionName')}: {d.definition.name ? pick(d.definition.name) : '—'}
          </Typography.Text>
          {d.changes.length > 0 ? <ChangesTable changes={d.changes} /> : null}
        </Space>
      )}
    </Loaded>
  );
}
