import { COUNTRY_SEARCH } from '../country-search';
import { Alert, App, Button, Card, Checkbox, Descriptions, Form, Input, Select, Space, Steps, Typography, type FormInstance } from 'antd';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { api, ApiError, catalog, type Catalog, type FieldError, type RosterPerson, type Session } from '../api';
import { countryName, fmtDateTime, foldWidth, useErrorText, useLoad, useUnitNames } from '../common';
import { discardDraft, readDraft, saveDraft } from '../drafts';
import { DayItem } from '../DayField';
import { useT, type Bilingual } from '../i18n';
import { annualPlanNeedsReason, checkPlanText, checkTitleKey, type CheckAnnualPlan, type CheckPlan } from '../check-plan';
import { fieldErrorText } from '../labels';
import { rosterOptionLabel } from '../amend';
import { navigate } from '../router';
import { shanghaiToday } from '../date-rules';
import { validate } from '../validation';
import { newId } from '../ids';
import { foldedPassportNumber } from '../../../../libs/domain/src/facts';

interface MemberValues {
  id: string;
  /** A person of the unit's roster (花名册): the registries supply the rest (the API's `personId` member). */
  personId?: string;
  name: string;
  position: string;
  rank?: string;
  partyMember?: boolean;
  classifiedAccess?: boolean;
  leadershipTeam?: string;
  passportInCustody?: boolean;
  passportNumber?: string;
  passportExpiresOn?: string;
}
interface TripValues {
  title?: string;
  purpose?: string;
  departureDate?: string;
  returnDate?: string;
  jointDelegation?: boolean;
  supervisingDepartment?: string;
  destinations?: Array<{ country?: string; city?: string; arrive?: string; leave?: string; inviterName?: string; inviterOrg?: string }>;
  members?: MemberValues[];
}

interface Violation {
  code: string;
  field?: string;
  message: Bilingual;
}

/** The form's name for its draft (drafts.ts). */
const DRAFT = 'new-trip';
const INITIAL_VALUES = { destinations: [{}], members: [{ id: 'm1', passportInCustody: false }], jointDelegation: false };

const blank = (s: string | undefined): string | undefined => (s && s.trim() ? s.trim() : undefined);

/** The form's values as the API's submission (POST /api/delegations): the unit is the organizer's own. */
export function submissionOf(v: TripValues, unit: string): Record<string, unknown> {
  return {
    title: v.title ?? '',
    unit,
    purpose: v.purpose,
    departureDate: v.departureDate,
    returnDate: v.returnDate,
    destinations: (v.destinations ?? []).map((d) => ({
      country: (d.country ?? '').trim().toUpperCase(),
      city: d.city ?? '',
      arrive: d.arrive,
      leave: d.leave,
      inviter: { name: d.inviterName ?? '', organization: d.inviterOrg ?? '' },
    })),
    // A roster person is named by personId alone (the roster and the custody ledger supply the rest); anyone else typed.
    members: (v.members ?? []).map((m) =>
      m.personId
        ? { id: m.id ?? '', personId: m.personId }
        : {
            id: m.id ?? '',
            name: m.name ?? '',
            position: m.position ?? '',
            rank: m.rank,
            partyMember: !!m.partyMember,
            classifiedAccess: !!m.classifiedAccess,
            leadershipTeam: blank(m.leadershipTeam) ?? null,
            passport: {
              // In custody only with its number (the API refuses one without: rule required); the box reads the same.
              inCustody: !!m.passportInCustody && !!blank(m.passportNumber),
              ...(blank(m.passportNumber) ? { number: blank(m.passportNumber) } : {}),
              ...(blank(m.passportExpiresOn) ? { expiresOn: m.passportExpiresOn } : {}),
            },
          },
    ),
    jointDelegation: !!v.jointDelegation,
    supervisingDepartment: blank(v.supervisingDepartment) ?? null,
  };
}

/** The API's field path of a form field (members[0].passport.number ← members.0.passportNumber). */
const PATHS: Record<string, string> = {
  inviterName: 'inviter.name',
  inviterOrg: 'inviter.organization',
  passportInCustody: 'passport.inCustody',
  passportNumber: 'passport.number',
  passportExpiresOn: 'passport.expiresOn',
};
function pathOf(name: Array<string | number>): string {
  return name.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${PATHS[p] ?? p}`)).join('');
}

const STEP_FIELDS: string[][] = [
  ['title', 'purpose', 'departureDate', 'returnDate', 'unit', 'jointDelegation', 'supervisingDepartment'],
  ['destinations'],
  ['members'],
  [],
];

/**
 * 护照由外办保管: a passport in custody is one of the ledger's, named by its number; without one the box reads (and
 * submissionOf sends) not in custody, and cannot be ticked (new-user trial: `{ inCustody: true }` went with no number).
 * Unticked for a new member: a member typed by hand is not on the roster, whose people's passports the ledger holds
 * (a roster person picked gets the ledger's); ticked, the API checks the ledger holds it (rule in-ledger).
 */
function PassportInCustody({
  form,
  index,
  status,
}: {
  form: FormInstance<TripValues>;
  index: number;
  /** The box's refusal (the dry run's in-ledger), shown under it as the other fields' are. */
  status: { validateStatus?: 'error' | 'warning'; help?: ReactNode };
}) {
  const { t } = useT();
  const hasNumber = !!blank(Form.useWatch(['members', index, 'passportNumber'], form) as string | undefined);
  return (
    <Form.Item
      name={[index, 'passportInCustody']}
      valuePropName="checked"
      getValueProps={(v: unknown) => ({ checked: !!v && hasNumber })}
      {...status}
    >
      <Checkbox disabled={!hasNumber} data-testid={`passport-in-custody-${index}`}>
        {t('passportInCustody')}
      </Checkbox>
    </Form.Item>
  );
}

/**
 * 主管部门 as the units registry holds it, shown by name and not editable (the API refuses another value: 422
 * registry-value). The form's value stays the code the API compares.
 */
function RegistrySupervisingDepartment({ id, value }: { id?: string; value?: string }) {
  const { unitName } = useUnitNames();
  return <Input id={id} readOnly value={value ? unitName(value) : ''} data-testid="supervising-department" />;
}

/** A member's typed fields, replaced by a note (and not sent: submissionOf) once a roster person is picked. */
function TypedMemberFields({ form, index, children }: { form: FormInstance<TripValues>; index: number; children: ReactNode }) {
  const { t } = useT();
  const personId = Form.useWatch(['members', index, 'personId'], form) as string | undefined;
  return personId ? (
    <Typography.Paragraph type="secondary" data-testid="roster-supplied">
      {t('rosterPersonSupplied')}
    </Typography.Paragraph>
  ) : (
    <>{children}</>
  );
}

export function NewTripPage({ session }: { session: Session }) {
  const { t, pick, lang } = useT();
  // The review names the unit as every page does (trial: 单位 read the code alone).
  const { unitName } = useUnitNames();
  const errText = useErrorText();
  const { message } = App.useApp();
  const [form] = Form.useForm<TripValues>();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [serverError, setServerError] = useState<ApiError | unknown>(null);
  const [cat, setCat] = useState<Catalog | null>(null);
  const [busy, setBusy] = useState(false);
  // What was typed and not sent comes back (drafts.ts), with the key it was (perhaps) sent with.
  const [draft] = useState(() => readDraft<TripValues>(DRAFT, session.user.id));
  const [restoredAt, setRestoredAt] = useState<number | null>(draft?.savedAt ?? null);
  const idempotencyKey = useRef(draft?.idempotencyKey ?? newId());
  const [current, setCurrentStep] = useState(draft?.step ?? 0);
  // The trip rules' violations before submitting: the API's dry run (POST /api/delegations/check) runs the
  // domain's rules, none of them is written here. null: not checked (the schema has errors, or the check failed).
  const [check, setCheck] = useState<{
    violations: Violation[];
    running: boolean;
    plan?: CheckPlan;
    annualPlan?: CheckAnnualPlan;
  } | null>(null);
  const checkSeq = useRef(0);
  const checkTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(checkTimer.current), []);

  useEffect(() => {
    catalog().then(setCat, setServerError);
  }, []);
  // The unit's roster (GET /api/registries/people, own unit): its people are picked, not typed (a typed member the
  // roster knows without their passport in the ledger is refused: roster-person). A role that reads no roster types.
  const roster = useLoad(
    () =>
      api<{ items: Array<RosterPerson & { position?: string }> }>(
        'GET',
        `/api/registries/people?unit=${encodeURIComponent(session.user.unit)}`,
      ).then(
        (r) => r.items.filter((p) => p.status === 'active'),
        () => [],
      ),
    [session.user.unit],
  );
  // The organizer's own unit in the units registry (GET /api/registries/units/{code}): a registered unit's 主管部门 is
  // the registry's (the API refuses another), so it is filled in and read only; a unit not registered (404) types it.
  const registered = useLoad(
    () =>
      api<{ supervisingDepartment: string | null }>('GET', `/api/registries/units/${encodeURIComponent(session.user.unit)}`).then(
        (u) => ({ supervisingDepartment: u.supervisingDepartment ?? null }),
        () => null,
      ),
    [session.user.unit],
  );
  const registryUnit = registered.data ?? null;
  /** A registered unit's 主管部门, the registry's, into the form (on loading the unit, and after 清空重填). */
  const fillRegisteredDepartment = () => {
    if (registryUnit) form.setFieldValue('supervisingDepartment', registryUnit.supervisingDepartment ?? undefined);
  };
  useEffect(() => {
    if (!registryUnit) return;
    fillRegisteredDepartment();
    revalidate();
  }, [registryUnit]);
  const rosterName = (personId: string | undefined) => roster.data?.find((p) => p.personId === personId)?.name;

  /** Asks the API which trip rules the (schema-valid) submission breaks; only the latest answer is kept. */
  const checkRules = (body: Record<string, unknown>) => {
    const seq = ++checkSeq.current;
    clearTimeout(checkTimer.current);
    setCheck((c) => ({ violations: c?.violations ?? [], running: true }));
    checkTimer.current = setTimeout(() => {
      api<{ ok: boolean; violations: Violation[]; plan?: CheckPlan; annualPlan?: CheckAnnualPlan }>(
        'POST',
        '/api/delegations/check',
        body,
      ).then(
        (r) => seq === checkSeq.current && setCheck({ violations: r.violations, running: false, plan: r.plan, annualPlan: r.annualPlan }),
        // A schema-valid body the registries refuse (422: a member the roster knows typed without their passport, a
        // rank the roster contradicts) is shown at its fields now, as the trip rules are, not only after 报送 (trial).
        // Anything else (400/403) comes back as it would on submit: shown by submit; no check shown.
        (e: unknown) => {
          if (seq !== checkSeq.current) return;
          setCheck(
            e instanceof ApiError && e.status === 422 && e.errors.length > 0
              ? { violations: e.errors.map((x) => ({ code: x.rule, field: x.field, message: x.message })), running: false }
              : null,
          );
        },
      );
    }, 400);
  };

  /** The form's errors now: the schema's rules, then the date rules the API adds (departure after today, return not before it, stops inside the trip). */
  const errorsNow = (): Promise<{ errs: FieldError[]; body: Record<string, unknown> }> => {
    const values = form.getFieldsValue(true) as TripValues;
    const body = submissionOf(values, session.user.unit);
    return Promise.all([validate('DelegationSubmission', body), import('../trip-date-rules')]).then(([schemaErrors, dates]) => ({
      errs: [...schemaErrors, ...dates.tripDateErrors(values, shanghaiToday())],
      body,
    }));
  };

  // The errors of the latest keystroke only: an earlier one's, answered late, would show errors already fixed.
  const revalidateSeq = useRef(0);
  const revalidate = () => {
    const seq = ++revalidateSeq.current;
    errorsNow().then(({ errs, body }) => {
      if (seq !== revalidateSeq.current) return;
      // Refused as typed, at their fields, with the domain's words.
      setErrors(errs);
      if (errs.length === 0) checkRules(body);
      else {
        checkSeq.current++;
        clearTimeout(checkTimer.current);
        setCheck(null);
      }
    }, setServerError);
  };
  // The draft over the form's initial values, so that 清空重填 (resetFields) goes back to a new form, not to the draft.
  useEffect(() => {
    if (draft) form.setFieldsValue(draft.values);
    revalidate();
  }, []);

  const keepDraft = (step = current) =>
    saveDraft<TripValues>(DRAFT, session.user.id, {
      values: form.getFieldsValue(true) as TripValues,
      step,
      savedAt: Date.now(),
      idempotencyKey: idempotencyKey.current,
    });
  const setCurrent = (step: number) => {
    setCurrentStep(step);
    keepDraft(step);
  };
  const startOver = () => {
    discardDraft(DRAFT, session.user.id);
    setRestoredAt(null);
    form.resetFields();
    fillRegisteredDepartment();
    idempotencyKey.current = newId();
    setTouched(new Set());
    setServerError(null);
    setCurrentStep(0);
    revalidate();
  };

  const help = (name: Array<string | number>) => {
    const path = pathOf(name);
    const e = errors.find((x) => x.field === path);
    if (e && touched.has(path)) return { validateStatus: 'error' as const, help: pick(e.message) };
    const v = check?.violations.filter((x) => x.field === path) ?? [];
    return v.length > 0 ? { validateStatus: 'warning' as const, help: v.map((x) => pick(x.message)).join('; ') } : {};
  };
  const stepErrorsOf = (errs: FieldError[], i: number) =>
    errs.filter((e) => STEP_FIELDS[i]!.some((f) => e.field === f || e.field.startsWith(`${f}[`) || e.field.startsWith(`${f}.`)));

  // Judged on the values as they are at the click: the errors kept in state may be a moment behind the last keystroke.
  const next = () => {
    errorsNow().then(({ errs }) => {
      setErrors(errs);
      const mine = stepErrorsOf(errs, current);
      setTouched((s) => new Set([...s, ...mine.map((e) => e.field)]));
      if (mine.length === 0) setCurrent(current + 1);
    }, setServerError);
  };

  const submit = () => {
    setBusy(true);
    setServerError(null);
    // With the key it goes with: sent again from the draft after an unknown outcome, it is the same submission.
    keepDraft();
    api<{ caseId: string }>(
      'POST',
      '/api/delegations',
      submissionOf(form.getFieldsValue(true) as TripValues, session.user.unit),
      idempotencyKey.current,
    ).then(
      (r) => {
        // Said, with what comes next (forty-third trial: the case page alone, its actions empty while A01 ran).
        discardDraft(DRAFT, session.user.id);
        void message.success(t('tripSubmittedNext'), 8);
        navigate(`/cases/${r.caseId}`);
      },
      (e: unknown) => {
        setBusy(false);
        setServerError(e);
        if (e instanceof ApiError) {
          setErrors(e.errors);
          setTouched(new Set(e.errors.map((x) => x.field)));
          idempotencyKey.current = newId();
          keepDraft();
        }
      },
    );
  };

  const countries = cat
    ? Object.entries(cat.countries).map(([code, c]) => ({ value: code, label: `${code} ${lang === 'zh' ? c.nameZh : c.nameEn}` }))
    : [];
  const values = Form.useWatch([], form) as TripValues | undefined;
  // Each member's name as the form holds it, said beside the member's number in an error (trial 77).
  const itemNames = { members: (values?.members ?? []).map((m) => (m?.personId ? rosterName(m.personId) : m?.name)) };

  return (
    <>
      <Typography.Title level={2}>{t('navNew')}</Typography.Title>
      <Steps
        current={current}
        style={{ marginBottom: 24 }}
        items={[{ title: t('stepBasic') }, { title: t('stepItinerary') }, { title: t('stepMembers') }, { title: t('stepReview') }]}
      />
      {restoredAt !== null ? (
        <Alert
          type="info"
          showIcon
          data-testid="draft-restored"
          style={{ marginBottom: 16 }}
          title={t('draftRestored').replace('{at}', fmtDateTime(new Date(restoredAt).toISOString()))}
          action={
            <Button size="small" onClick={startOver} data-testid="draft-discard">
              {t('draftDiscard')}
            </Button>
          }
        />
      ) : null}
      <Form
        form={form}
        layout="vertical"
        initialValues={INITIAL_VALUES}
        onValuesChange={(changed: Record<string, unknown>) => {
          keepDraft();
          const leaf = (o: unknown, prefix: Array<string | number>): Array<Array<string | number>> =>
            o && typeof o === 'object'
              ? Object.entries(o).flatMap(([k, v]) => leaf(v, [...prefix, Array.isArray(o) ? Number(k) : k]))
              : [prefix];
          setTouched((s) => new Set([...s, ...leaf(changed, []).map(pathOf)]));
          revalidate();
        }}
      >
        <div hidden={current !== 0}>
          <Card>
            <Form.Item label={t('title')} name="title" required {...help(['title'])}>
              <Input />
            </Form.Item>
            <Form.Item label={t('purpose')} name="purpose" required {...help(['purpose'])}>
              <Select
                showSearch
                optionFilterProp="label"
                aria-label={t('purpose')}
                options={Object.entries(cat?.purposes ?? {}).map(([value, l]) => ({ value, label: pick(l) }))}
              />
            </Form.Item>
            <Space wrap>
              <DayItem label={t('departure')} name="departureDate" required {...help(['departureDate'])} />
              <DayItem label={t('returnDate')} name="returnDate" required {...help(['returnDate'])} />
            </Space>
            <Form.Item name="jointDelegation" valuePropName="checked">
              <Checkbox>{t('jointDelegation')}</Checkbox>
            </Form.Item>
            <Form.Item
              label={t('supervisingDepartment')}
              name="supervisingDepartment"
              extra={
                registered.loading
                  ? undefined
                  : registryUnit
                    ? t(registryUnit.supervisingDepartment ? 'supervisingFromRegistry' : 'supervisingNoneInRegistry')
                    : t('supervisingTyped')
              }
              {...help(['supervisingDepartment'])}
            >
              {registryUnit ? (
                <RegistrySupervisingDepartment />
              ) : (
                <Input disabled={registered.loading} data-testid="supervising-department" />
              )}
            </Form.Item>
          </Card>
        </div>
        <div hidden={current !== 1}>
          <Form.List name="destinations">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Card
                    key={f.key}
                    size="small"
                    style={{ marginBottom: 12 }}
                    title={`${t('destinations')} ${f.name + 1}`}
                    extra={fields.length > 1 ? <Button onClick={() => remove(f.name)}>{t('remove')}</Button> : null}
                  >
                    <Space wrap align="start">
                      <Form.Item label={t('country')} name={[f.name, 'country']} required {...help(['destinations', f.name, 'country'])}>
                        <Select showSearch={COUNTRY_SEARCH} aria-label={t('country')} style={{ width: 200 }} options={countries} />
                      </Form.Item>
                      <Form.Item label={t('city')} name={[f.name, 'city']} required {...help(['destinations', f.name, 'city'])}>
                        <Input />
                      </Form.Item>
                      <DayItem label={t('arrive')} name={[f.name, 'arrive']} required {...help(['destinations', f.name, 'arrive'])} />
                      <DayItem label={t('leave')} name={[f.name, 'leave']} required {...help(['destinations', f.name, 'leave'])} />
                      <Form.Item
                        label={t('inviterName')}
                        name={[f.name, 'inviterName']}
                        required
                        {...help(['destinations', f.name, 'inviterName'])}
                      >
                        <Input />
                      </Form.Item>
                      <Form.Item
                        label={t('inviterOrg')}
                        name={[f.name, 'inviterOrg']}
                        required
                        {...help(['destinations', f.name, 'inviterOrg'])}
                      >
                        <Input />
                      </Form.Item>
                    </Space>
                  </Card>
                ))}
                <Button onClick={() => add({})}>{t('addDestination')}</Button>
              </>
            )}
          </Form.List>
        </div>
        <div hidden={current !== 2}>
          <Alert type="info" showIcon title={t('rosterHint')} style={{ marginBottom: 12 }} />
          <Form.List name="members">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Card
                    key={f.key}
                    size="small"
                    style={{ marginBottom: 12 }}
                    title={`${t('members')} ${f.name + 1}`}
                    extra={fields.length > 1 ? <Button onClick={() => remove(f.name)}>{t('remove')}</Button> : null}
                  >
                    <Space wrap align="start">
                      <Form.Item label={t('memberId')} name={[f.name, 'id']} required {...help(['members', f.name, 'id'])}>
                        <Input style={{ width: 100 }} />
                      </Form.Item>
                      <Form.Item label={t('rosterPerson')} name={[f.name, 'personId']} {...help(['members', f.name, 'personId'])}>
                        <Select
                          allowClear
                          showSearch
                          optionFilterProp="label"
                          aria-label={t('rosterPerson')}
                          placeholder={t('rosterPersonPlaceholder')}
                          style={{ width: 260 }}
                          options={(roster.data ?? []).map((p) => ({
                            value: p.personId,
                            label: rosterOptionLabel(p, roster.data ?? []),
                          }))}
                        />
                      </Form.Item>
                    </Space>
                    <TypedMemberFields form={form} index={f.name}>
                      <Space wrap align="start">
                        <Form.Item label={t('name')} name={[f.name, 'name']} required {...help(['members', f.name, 'name'])}>
                          <Input />
                        </Form.Item>
                        <Form.Item label={t('position')} name={[f.name, 'position']} required {...help(['members', f.name, 'position'])}>
                          <Input />
                        </Form.Item>
                        <Form.Item label={t('rank')} name={[f.name, 'rank']} required {...help(['members', f.name, 'rank'])}>
                          <Select
                            showSearch
                            optionFilterProp="label"
                            aria-label={t('rank')}
                            style={{ width: 160 }}
                            options={Object.entries(cat?.ranks ?? {}).map(([value, l]) => ({ value, label: pick(l) }))}
                          />
                        </Form.Item>
                        <Form.Item
                          label={t('leadershipTeam')}
                          name={[f.name, 'leadershipTeam']}
                          {...help(['members', f.name, 'leadershipTeam'])}
                        >
                          <Input />
                        </Form.Item>
                        <Form.Item
                          label={t('passportNumber')}
                          name={[f.name, 'passportNumber']}
                          normalize={foldWidth}
                          {...help(['members', f.name, 'passportNumber'])}
                        >
                          <Input />
                        </Form.Item>
                        <DayItem
                          label={t('passportExpires')}
                          name={[f.name, 'passportExpiresOn']}
                          {...help(['members', f.name, 'passportExpiresOn'])}
                        />
                      </Space>
                      <Space wrap>
                        <Form.Item name={[f.name, 'partyMember']} valuePropName="checked">
                          <Checkbox>{t('partyMember')}</Checkbox>
                        </Form.Item>
                        <Form.Item name={[f.name, 'classifiedAccess']} valuePropName="checked">
                          <Checkbox>{t('classifiedAccess')}</Checkbox>
                        </Form.Item>
                        <PassportInCustody form={form} index={f.name} status={help(['members', f.name, 'passportInCustody'])} />
                      </Space>
                    </TypedMemberFields>
                  </Card>
                ))}
                <Button onClick={() => add({ id: `m${fields.length + 1}`, passportInCustody: false })}>{t('addMember')}</Button>
              </>
            )}
          </Form.List>
        </div>
        <div hidden={current !== 3}>
          <Card>
            <Descriptions
              column={1}
              items={[
                { label: t('title'), children: values?.title },
                { label: t('unit'), children: unitName(session.user.unit) },
                { label: t('purpose'), children: values?.purpose ? pick(cat?.purposes[values.purpose]) : '' },
                { label: t('departure'), children: values?.departureDate },
                { label: t('returnDate'), children: values?.returnDate },
                {
                  label: t('destinations'),
                  // Each stop as it will be filed, its days and the inviter (trial 58: the inviter was read nowhere
                  // before submitting).
                  children: (
                    <ul data-testid="review-stops" style={{ margin: 0, paddingInlineStart: 20 }}>
                      {(values?.destinations ?? []).map((d, i) => (
                        <li key={i}>
                          {[
                            `${d.country ? countryName(cat, d.country, lang) : ''} ${d.city ?? ''}`.trim(),
                            d.arrive || d.leave ? `${d.arrive ?? ''} – ${d.leave ?? ''}` : '',
                            d.inviterName || d.inviterOrg
                              ? `${t('inviterName')} ${[d.inviterName, d.inviterOrg].filter((x) => x).join(lang === 'zh' ? '，' : ', ')}`
                              : '',
                          ]
                            .filter((x) => x)
                            .join(' · ')}
                        </li>
                      ))}
                    </ul>
                  ),
                },
                {
                  label: t('members'),
                  // Each member as it will be filed: a roster person by name (the registries supply rank and passport),
                  // a typed one with the rank and passport number typed, so both are read once before submitting (trial).
                  children: (
                    <ul data-testid="review-members" style={{ margin: 0, paddingInlineStart: 20 }}>
                      {(values?.members ?? []).map((m, i) => (
                        <li key={m.id ?? i}>
                          {m.personId
                            ? lang === 'zh'
                              ? `${rosterName(m.personId) ?? m.personId}（${t('fromRoster')}）`
                              : `${rosterName(m.personId) ?? m.personId} (${t('fromRoster')})`
                            : [
                                m.name ?? '',
                                m.position ?? '',
                                m.rank ? pick(cat?.ranks[m.rank]) : '',
                                m.passportNumber ? `${t('passportNumber')} ${foldedPassportNumber(m.passportNumber)}` : '',
                              ]
                                .filter((x) => x)
                                .join(' · ')}
                        </li>
                      ))}
                    </ul>
                  ),
                },
              ]}
            />
          </Card>
        </div>
      </Form>
      {check && (check.violations.length > 0 || current === 3) ? (
        <Alert
          type={
            check.violations.length > 0 || (!check.running && (check.plan?.atRisk || annualPlanNeedsReason(check.annualPlan)))
              ? 'warning'
              : 'success'
          }
          showIcon
          role="status"
          data-testid="trip-check"
          style={{ marginTop: 16 }}
          title={t(checkTitleKey(check))}
          description={
            check.violations.length > 0 ? (
              <ul>
                {check.violations.map((v) => (
                  <li key={v.code + (v.field ?? '')} data-code={v.code}>
                    {fieldErrorText(lang, v, itemNames)}
                  </li>
                ))}
              </ul>
            ) : !check.running && check.plan ? (
              <>
                <div data-testid="trip-check-plan">{checkPlanText(t, check.plan)}</div>
                {/* What A01 would answer now: 超出年度计划 or 未列入计划 is seen before filing (twenty-first trial). */}
                {check.annualPlan ? (
                  <div data-testid="trip-check-annual-plan" data-outcome={check.annualPlan.outcome}>
                    {t('preCheckAnnualPlan')}
                    {pick(check.annualPlan.message)}
                  </div>
                ) : null}
              </>
            ) : null
          }
        />
      ) : null}
      {errors.length > 0 && current === 3 ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginTop: 16 }}
          title={t('fixErrors')}
          description={
            <ul>
              {errors.map((e) => (
                <li key={e.field + e.rule}>{fieldErrorText(lang, e, itemNames)}</li>
              ))}
            </ul>
          }
        />
      ) : null}
      {serverError ? (
        <Alert
          type="error"
          showIcon
          role="alert"
          style={{ marginTop: 16 }}
          title={errText(serverError)}
          description={
            serverError instanceof ApiError && serverError.violations.length > 0 ? (
              <>
                <Typography.Text strong>{t('ruleViolations')}</Typography.Text>
                <ul>
                  {serverError.violations.map((v) => (
                    <li key={v.code + (v.field ?? '')}>{fieldErrorText(lang, v, itemNames)}</li>
                  ))}
                </ul>
              </>
            ) : null
          }
        />
      ) : null}
      <Space style={{ marginTop: 24 }}>
        {current > 0 ? <Button onClick={() => setCurrent(current - 1)}>{t('previous')}</Button> : null}
        {current < 3 ? (
          <Button type="primary" onClick={next}>
            {t('next')}
          </Button>
        ) : (
          <Button
            type="primary"
            onClick={submit}
            loading={busy}
            disabled={errors.length > 0 || (check?.violations.length ?? 0) > 0}
            data-testid="submit-trip"
          >
            {t('submit')}
          </Button>
        )}
      </Space>
    </>
  );
}
