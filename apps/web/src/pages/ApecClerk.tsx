import { Alert, App as AntApp, Button, Card, Form, Select, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { DayItem } from '../DayField';
import { api, ApiError, type ApecCard, type ApecEnterprise, type CaseSummary, type RosterPerson, type Session } from '../api';
import { Loaded, rememberUnits, useLoad, useUnitNames } from '../common';
import { useT, type Bilingual } from '../i18n';
import { DICT } from '../labels';
import { neededByErrors, shanghaiToday } from '../date-rules';
import { useSchemaForm } from '../schema-form';
import { WhitelistApplySection } from './ApecWhitelistApply';
import { APEC_ECONOMIES, ApplicationsTable, CardsTable, EnterpriseSummary, HistoryTable, refusalText, useEconomyName } from './ApecShared';

/**
 * Why a clerk whose unit is not an enterprise yet (GET …/enterprises/:unit 404) cannot apply, and what to do, in both
 * languages: the unit itself not in the units registry (GET /api/registries/units/:code 404: the FAO intake desk
 * registers it first, then the APEC desk) or registered but not as an enterprise (the APEC desk registers it).
 * `unitRegistered` null: unknown (the registry could not be read), said as for a registered unit's enterprise.
 */
function notRegisteredHint(unitRegistered: boolean | null): Bilingual {
  const [zh, en] = unitRegistered === false ? DICT.apecUnitNotRegisteredHint : DICT.apecEnterpriseNotRegisteredHint;
  return { zh, en };
}

/** The hint as a government service says it: Chinese first, English beside, whatever the page's language. */
function NotRegisteredHint({ unitRegistered }: { unitRegistered: boolean | null }) {
  const { t } = useT();
  const hint = notRegisteredHint(unitRegistered);
  return (
    <Alert
      type="warning"
      showIcon
      title={t('apecCannotApply')}
      data-testid="apec-not-registered"
      description={
        <>
          <Typography.Paragraph lang="zh-CN" style={{ marginBottom: 4 }}>
            {hint.zh}
          </Typography.Paragraph>
          <Typography.Paragraph lang="en" type="secondary" style={{ marginBottom: 0 }}>
            {hint.en}
          </Typography.Paragraph>
        </>
      }
    />
  );
}

interface FormValues {
  personIds?: string[];
  economies?: string[];
  neededBy?: string;
}

/** The card a renewal application renews (the “续办 Renew” action on a renewal-open card). */
type Renewal = Pick<ApecCard, 'ref' | 'holder' | 'holderName' | 'validUntil' | 'economies'>;

/**
 * The enterprise clerk's APEC page (issue 17): the enterprise's whitelist status, its card applications, the
 * application form (POST /api/apec/applications, validated as the user types against the OpenAPI schema
 * ApecCardApplication) and its cards. Refusals (403, 422 `whitelist`) are the API's, shown in its words.
 */
export function ApecClerkPage({ session }: { session: Session }) {
  const { t } = useT();
  const unit = session.user.unit;
  const state = useLoad(
    async () => {
      const [enterprise, cases, cards, whitelistFilings] = await Promise.all([
        // 404: the APEC desk has not registered the unit as an enterprise yet.
        api<ApecEnterprise>('GET', `/api/apec/enterprises/${encodeURIComponent(unit)}`).catch((e: unknown) => {
          if (e instanceof ApiError && e.status === 404) return null;
          throw e;
        }),
        api<{ items: CaseSummary[] }>('GET', '/api/delegations?process=apec-card&pageSize=100'),
        api<{ items: ApecCard[] }>('GET', '/api/apec/cards'),
        // The whitelist filing in progress, if any: its section says so instead of a form the API would refuse (409).
        api<{ items: CaseSummary[] }>('GET', '/api/delegations?process=apec-whitelist&status=open&pageSize=1'),
      ]);
      // Not an enterprise: is the unit itself in the units registry (its own unit, which its roles read)?
      const unitRegistered =
        enterprise !== null
          ? true
          : await api('GET', `/api/registries/units/${encodeURIComponent(unit)}`).then(
              () => true,
              (e: unknown) => (e instanceof ApiError && e.status === 404 ? false : null),
            );
      const [filing] = whitelistFilings.items;
      const openFiling = filing ? { caseId: filing.caseId, submittedAt: filing.submittedAt } : null;
      return { enterprise, unitRegistered, cases: cases.items, cards: cards.items, openFiling };
    },
    [unit],
    { live: true },
  );
  // The unit's names: the registry's (its own unit) and the enterprise's answer, which names it too.
  const { unitName } = useUnitNames();
  const own = state.data?.enterprise;
  useEffect(() => {
    if (own?.nameZh) rememberUnits([{ code: own.unit, nameZh: own.nameZh, nameEn: own.nameEn ?? own.nameZh }]);
  }, [own]);
  // The case list is a read model the workflow fills shortly after the start: a new application is waited for.
  const [pending, setPending] = useState<string | null>(null);
  const [renewal, setRenewal] = useState<Renewal | null>(null);
  const listed = !!pending && !!state.data?.cases.some((c) => c.caseId === pending);
  useEffect(() => {
    if (!pending || listed) return;
    let tries = 0;
    const timer = setInterval(() => {
      if (++tries > 30) setPending(null);
      else state.reload();
    }, 1000);
    return () => clearInterval(timer);
  }, [pending, listed]);
  return (
    <>
      <Typography.Title level={2}>{t('apecTitle')}</Typography.Title>
      <Loaded state={state}>
        {({ enterprise, unitRegistered, cases, cards, openFiling }) => (
          <Space orientation="vertical" size="large" style={{ width: '100%' }}>
            <Card title={`${t('apecEnterprise')} · ${unitName(unit)}`}>
              {enterprise ? (
                <>
                  <EnterpriseSummary enterprise={enterprise} unitName={unitName} />
                  <HistoryTable enterprise={enterprise} />
                </>
              ) : (
                <Typography.Text type="secondary">{t('apecNotRegistered')}</Typography.Text>
              )}
            </Card>
            <WhitelistApplySection enterprise={enterprise} open={openFiling} onFiled={state.reload} />
            <Card title={t('apecApply')}>
              {/* Not an enterprise: why, and what to do, instead of a form the API would refuse. */}
              {enterprise ? (
                <ApplicationForm
                  unit={unit}
                  refusal={enterprise.applyRefusal}
                  renewal={renewal}
                  onClearRenewal={() => setRenewal(null)}
                  onApplied={(caseId) => {
                    setRenewal(null);
                    setPending(caseId);
                  }}
                />
              ) : (
                <NotRegisteredHint unitRegistered={unitRegistered} />
              )}
            </Card>
            <Card title={t('apecApplications')}>
              <ApplicationsTable items={cases} unitName={unitName} />
            </Card>
            <Card title={t('apecCards')}>
              <CardsTable
                items={cards}
                showUnit={false}
                actions={(c) =>
                  c.status === 'renewal-open' ? (
                    <Button size="small" onClick={() => setRenewal(c)} data-testid={`apec-renew-${c.ref}`}>
                      {t('apecRenew')}
                    </Button>
                  ) : null
                }
              />
            </Card>
          </Space>
        )}
      </Loaded>
    </>
  );
}

function ApplicationForm({
  unit,
  refusal,
  renewal,
  onClearRenewal,
  onApplied,
}: {
  unit: string;
  /** Why the enterprise may not apply now (the API's applyRefusal); null: it may. The form says so and sends nothing. */
  refusal: Bilingual | null;
  renewal: Renewal | null;
  onClearRenewal(): void;
  onApplied(caseId: string): void;
}) {
  const { t, pick } = useT();
  const economy = useEconomyName();
  const { message } = AntApp.useApp();
  // The enterprise's staff roster (GET /api/registries/people, own unit): applicants are picked by name.
  const roster = useLoad(() => api<{ items: RosterPerson[] }>('GET', `/api/registries/people?unit=${encodeURIComponent(unit)}`), [unit]);
  const active = (roster.data?.items ?? []).filter((p) => p.status === 'active');

  const body = (v: FormValues) => ({
    personIds: v.personIds ?? [],
    economies: v.economies ?? [],
    neededBy: v.neededBy ?? '',
    ...(renewal ? { renews: renewal.ref } : {}),
  });
  // One key per application: a retry after a lost answer replays the same case instead of starting a second.
  const { form, help, onValuesChange, touch, reset, revalidate, serverError, sending, send } = useSchemaForm<FormValues>(
    'ApecCardApplication',
    body,
    ['personIds', 'economies', 'neededBy'],
    // The needed-by day after today: the API's rule (libs/domain day-rules), refused as typed.
    (v) => neededByErrors(v.neededBy, shanghaiToday()),
  );
  // 续办: the holder and the card's economies pre-filled; the clerk adds the needed-by day (and may add others).
  useEffect(() => {
    if (!renewal) return;
    form.setFieldsValue({ personIds: [renewal.holder], economies: renewal.economies.filter((c) => APEC_ECONOMIES.includes(c)) });
    touch(['personIds', 'economies']);
    revalidate();
  }, [renewal?.ref]);

  const submit = async () => {
    const r = await send((request, key) => api<{ caseId: string }>('POST', '/api/apec/applications', request, key));
    if (!r) return;
    void message.success(t('apecSubmitted'));
    reset();
    onApplied(r.caseId);
  };

  return (
    <Form
      form={form}
      layout="vertical"
      // The API would refuse it (422 whitelist): said before anything is typed, and nothing can be sent.
      disabled={!!refusal}
      onValuesChange={onValuesChange}
      onFinish={() => void (refusal ? undefined : submit())}
      data-testid="apec-apply-form"
    >
      {refusal ? (
        <Alert type="warning" showIcon title={pick(refusal)} style={{ marginBottom: 16 }} data-testid="apec-apply-refusal" />
      ) : null}
      <Form.Item
        label={t('apecApplicants')}
        name="personIds"
        required
        extra={roster.error ? refusalText(roster.error) : roster.data && active.length === 0 ? t('apecRosterEmpty') : undefined}
        {...help('personIds')}
      >
        <Select
          mode="multiple"
          showSearch
          loading={roster.loading}
          optionFilterProp="label"
          aria-label={t('apecApplicants')}
          options={active.map((p) => ({ value: p.personId, label: `${p.name} (${p.personId})` }))}
        />
      </Form.Item>
      <Form.Item label={t('apecEconomies')} name="economies" required {...help('economies')}>
        <Select
          mode="multiple"
          showSearch
          optionFilterProp="label"
          aria-label={t('apecEconomies')}
          options={APEC_ECONOMIES.map((c) => ({ value: c, label: economy(c) }))}
        />
      </Form.Item>
      <DayItem label={t('apecNeededBy')} name="neededBy" required {...help('neededBy')} field={{ style: { width: 200 } }} />
      {renewal ? (
        <Alert
          type="info"
          showIcon
          closable={{ onClose: onClearRenewal }}
          title={`${t('apecRenewing')} ${renewal.holderName ?? renewal.holder} · ${t('apecValidUntil')} ${renewal.validUntil}`}
          style={{ marginBottom: 16 }}
          data-testid="apec-renewing"
        />
      ) : null}
      {serverError ? (
        <Alert
          type="error"
          showIcon
          title={t('error')}
          description={refusalText(serverError)}
          style={{ marginBottom: 16 }}
          data-testid="apec-apply-error"
        />
      ) : null}
      <Button type="primary" htmlType="submit" loading={sending} data-testid="apec-submit">
        {t('apecSubmit')}
      </Button>
    </Form>
  );
}
