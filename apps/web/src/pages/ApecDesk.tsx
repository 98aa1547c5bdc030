import { Alert, App as AntApp, Button, Card, Checkbox, Form, Input, InputNumber, Modal, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { api, ApiError, type ApecAdmissionResult, type ApecCard, type ApecEnterprise, type CaseSummary, type UnitSummary } from '../api';
import { Loaded, useErrorText, useLoad } from '../common';
import { useT, type LabelKey } from '../i18n';
import { EXIT_REASONS, TAX_CREDIT_GRADES } from '../../../../libs/domain/src/definition/apec-card';
import { WhitelistCriteriaSection } from './ApecWhitelistCriteria';
import { ApplicationsTable, CardsTable, EnterpriseSummary, HistoryTable, reasonText, useLabel, WhitelistTag } from './ApecShared';

const MOVES = ['suspend', 'lift', 'exit', 'readmit'] as const;
type Move = (typeof MOVES)[number];

/**
 * The APEC desk's page (issue 17): the enterprises (registered units the API answers an enterprise view for) with
 * their whitelist state and history, the admission evaluation and the whitelist moves (suspend, lift, exit with its
 * reason, re-admit), the card applications and the cards registry. Which move a state allows is the API's (409).
 */
export function ApecDeskPage() {
  const { t, lang } = useT();
  const l = useLabel();
  const state = useLoad(async () => {
    const [units, cases, cards] = await Promise.all([
      api<{ items: UnitSummary[] }>('GET', '/api/registries/units'),
      api<{ items: CaseSummary[] }>('GET', '/api/delegations?process=apec-card&pageSize=100'),
      api<{ items: ApecCard[] }>('GET', '/api/apec/cards'),
    ]);
    // The API has no list of enterprises: each unit is asked, a 404 means it is not registered as one.
    const enterprises = (
      await Promise.all(
        units.items.map((u) =>
          api<ApecEnterprise>('GET', `/api/apec/enterprises/${encodeURIComponent(u.code)}`).then(
            (e) => ({ ...e, name: lang === 'zh' ? u.nameZh : u.nameEn }),
            (e: unknown) => {
              if (e instanceof ApiError && e.status === 404) return null;
              throw e;
            },
          ),
        ),
      )
    )
      .filter((e): e is ApecEnterprise & { name: string } => e !== null)
      // The latest whitelist change first: what the desk handled last is on top.
      .sort((a, b) => (b.history.at(-1)?.at ?? '').localeCompare(a.history.at(-1)?.at ?? ''));
    return { enterprises, cases: cases.items, cards: cards.items };
  }, [lang]);
  const [admitting, setAdmitting] = useState<string | null>(null);
  const [q, setQ] = useState('');
  const [moving, setMoving] = useState<{ unit: string; move: Move } | null>(null);
  return (
    <>
      <Typography.Title level={2}>{t('apecDeskTitle')}</Typography.Title>
      <Loaded state={state}>
        {({ enterprises, cases, cards }) => (
          <Space orientation="vertical" size="large" style={{ width: '100%' }}>
            <Card
              title={t('apecEnterprises')}
              extra={
                <Input.Search
                  allowClear
                  aria-label={t('apecSearch')}
                  placeholder={t('apecSearch')}
                  value={q}
                  onChange={(e) => setQ(e.target.value)}
                  style={{ width: 260 }}
                  data-testid="apec-enterprise-search"
                />
              }
            >
              <Table
                size="small"
                rowKey="unit"
                dataSource={enterprises.filter((e) => !q.trim() || `${e.unit} ${e.name}`.toLowerCase().includes(q.trim().toLowerCase()))}
                pagination={{ pageSize: 20, hideOnSinglePage: true }}
                data-testid="apec-enterprises"
                expandable={{
                  expandedRowRender: (e) => (
                    <>
                      <EnterpriseSummary enterprise={e} />
                      <Typography.Title level={5}>{t('apecHistory')}</Typography.Title>
                      <HistoryTable enterprise={e} />
                    </>
                  ),
                }}
                columns={[
                  { title: t('apecUnit'), dataIndex: 'unit', render: (v: string, e) => `${e.name} (${v})` },
                  { title: t('apecOwnership'), dataIndex: 'ownership', render: (v: string) => l('apecOwn_', v) },
                  { title: t('apecSize'), dataIndex: 'size', render: (v: string) => l('apecSize_', v) },
                  { title: t('apecWhitelist'), key: 'wl', render: (_: unknown, e) => <WhitelistTag enterprise={e} /> },
                  { title: t('apecReason'), key: 'reason', render: (_: unknown, e) => reasonText(e.whitelist?.reason, lang) },
                  { title: t('apecReviewDue'), key: 'due', render: (_: unknown, e) => e.whitelist?.reviewDueOn ?? '—' },
                  {
                    title: t('apecActions'),
                    key: 'actions',
                    render: (_: unknown, e) => (
                      <Space wrap size="small">
                        <Button size="small" onClick={() => setAdmitting(e.unit)} data-testid={`apec-admit-${e.unit}`}>
                          {t('apecAdmission')}
                        </Button>
                        {MOVES.map((m) => (
                          <Button
                            key={m}
                            size="small"
                            onClick={() => setMoving({ unit: e.unit, move: m })}
                            data-testid={`apec-${m}-${e.unit}`}
                          >
                            {t(`apecMove_${m}` as LabelKey)}
                          </Button>
                        ))}
                      </Space>
                    ),
                  },
                ]}
              />
            </Card>
            <Card title={t('apecApplications')}>
              <ApplicationsTable items={cases} />
            </Card>
            <Card title={t('apecRegistry')}>
              <CardsTable items={cards} showUnit />
            </Card>
            <WhitelistCriteriaSection />
          </Space>
        )}
      </Loaded>
      {admitting ? <AdmissionDialog unit={admitting} onClose={() => setAdmitting(null)} onDone={state.reload} /> : null}
      {moving ? <MoveDialog {...moving} onClose={() => setMoving(null)} onDone={state.reload} /> : null}
    </>
  );
}

function AdmissionDialog({ unit, onClose, onDone }: { unit: string; onClose(): void; onDone(): void }) {
  const { t, pick } = useT();
  const errText = useErrorText();
  const [form] = Form.useForm();
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<ApecAdmissionResult | null>(null);
  const [sending, setSending] = useState(false);
  const send = async () => {
    setError(null);
    setSending(true);
    try {
      const v = form.getFieldsValue() as Record<string, unknown>;
      const r = await api<ApecAdmissionResult>('POST', `/api/apec/enterprises/${encodeURIComponent(unit)}/whitelist/admission`, {
        registeredCapitalWan: v.registeredCapitalWan,
        foreignTradeUsd: v.foreignTradeUsd,
        taxCreditGrade: v.taxCreditGrade,
        creditRecordClean: !!v.creditRecordClean,
      });
      setResult(r);
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setSending(false);
    }
  };
  return (
    <Modal
      open
      title={`${t('apecAdmission')} · ${unit}`}
      onCancel={onClose}
      onOk={() => (result ? onClose() : void send())}
      okText={result ? t('close') : t('apecEvaluate')}
      confirmLoading={sending}
    >
      <Form form={form} layout="vertical" initialValues={{ taxCreditGrade: 'A', creditRecordClean: true }}>
        <Form.Item label={t('apecCapital')} name="registeredCapitalWan">
          <InputNumber min={0} style={{ width: 240 }} />
        </Form.Item>
        <Form.Item label={t('apecTrade')} name="foreignTradeUsd">
          <InputNumber min={0} style={{ width: 240 }} />
        </Form.Item>
        <Form.Item label={t('apecTaxGrade')} name="taxCreditGrade">
          <Select aria-label={t('apecTaxGrade')} options={TAX_CREDIT_GRADES.map((g) => ({ value: g, label: g }))} style={{ width: 120 }} />
        </Form.Item>
        <Form.Item name="creditRecordClean" valuePropName="checked">
          <Checkbox>{t('apecCreditClean')}</Checkbox>
        </Form.Item>
      </Form>
      {result ? (
        <Alert
          type={result.admitted ? 'success' : 'warning'}
          showIcon
          title={result.admitted ? t('apecAdmitted') : t('apecRefused')}
          description={result.failures.map((f) => pick(f.message)).join('; ') || undefined}
          data-testid="apec-admission-result"
        />
      ) : null}
      {error ? <Alert type="error" showIcon title={t('error')} description={errText(error)} /> : null}
    </Modal>
  );
}

function MoveDialog({ unit, move, onClose, onDone }: { unit: string; move: Move; onClose(): void; onDone(): void }) {
  const { t, lang } = useT();
  const errText = useErrorText();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm();
  const [error, setError] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  const send = async () => {
    setError(null);
    setSending(true);
    try {
      const v = form.getFieldsValue() as { reason?: string; note?: string };
      const r = await api<{ stoppedCases: string[] }>('POST', `/api/apec/enterprises/${encodeURIComponent(unit)}/whitelist/${move}`, {
        ...(v.reason ? { reason: v.reason } : {}),
        ...(v.note ? { note: v.note } : {}),
      });
      void message.success(
        r.stoppedCases.length > 0 ? `${t('apecMoveDone')} · ${t('apecStopped')}: ${r.stoppedCases.length}` : t('apecMoveDone'),
      );
      onDone();
      onClose();
    } catch (e) {
      setError(e);
    } finally {
      setSending(false);
    }
  };
  return (
    <Modal
      open
      title={`${t(`apecMove_${move}` as LabelKey)} · ${unit}`}
      onCancel={onClose}
      onOk={() => void send()}
      confirmLoading={sending}
    >
      <Form form={form} layout="vertical">
        <Form.Item label={t('apecReason')} name="reason">
          <Select
            allowClear
            aria-label={t('apecReason')}
            options={EXIT_REASONS.map((r) => ({ value: r, label: reasonText(r, lang) }))}
            style={{ width: 280 }}
          />
        </Form.Item>
        <Form.Item label={t('apecNote')} name="note">
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
      </Form>
      {error ? <Alert type="error" showIcon title={t('error')} description={errText(error)} data-testid="apec-move-error" /> : null}
    </Modal>
  );
}
