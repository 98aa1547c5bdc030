import { Alert, App as AntApp, Button, Card, Checkbox, Form, Input, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import {
  api,
  type ApecAdmissionResult,
  type ApecCard,
  type ApecEnterprise,
  type ApecEnterpriseLine,
  type CaseSummary,
  type UnitSummary,
} from '../api';
import { AmountItem, Loaded, reasonRules, textLimit, unitNameOf, useLoad } from '../common';
import { useT } from '../i18n';
import { EXIT_REASONS, TAX_CREDIT_GRADES } from '../../../../libs/domain/src/definition/apec-card';
import {
  ApplicationsTable,
  CardsTable,
  EnterpriseSummary,
  FormDialog,
  HistoryTable,
  reasonText,
  useLabel,
  WhitelistTag,
} from './ApecShared';
import { WhitelistCriteriaSection } from './ApecWhitelistCriteria';

const MOVES = ['suspend', 'lift', 'exit', 'readmit'] as const;
type Move = (typeof MOVES)[number];
const OWNERSHIPS = ['state', 'non-state'] as const;
const SIZES = ['large', 'medium', 'small', 'micro'] as const;
/** The enterprises list's page: the desk's page shows the latest changed (the API bounds a page at 100). */
const PAGE = 100;

type Dialog =
  | { kind: 'enterprise'; unit?: string; ownership?: string; size?: string }
  | { kind: 'admission'; unit: string }
  | { kind: 'move'; unit: string; move: Move }
  | { kind: 'card'; card: ApecCard };

/**
 * The APEC desk's page (issue 17): the enterprises (GET /api/apec/enterprises) with their whitelist state, the
 * registration of a unit as an enterprise (PUT /api/apec/enterprises/:unit), the admission evaluation and the
 * whitelist moves, the card applications and the cards registry with a card reported lost or cancelled
 * (POST /api/apec/cards/:ref/status). What a state allows is the API's: its refusals show in both languages.
 */
export function ApecDeskPage() {
  const { t, lang } = useT();
  const l = useLabel();
  const state = useLoad(
    async () => {
      const [enterprises, units, cases, cards] = await Promise.all([
        api<{ items: ApecEnterpriseLine[]; total: number }>('GET', `/api/apec/enterprises?pageSize=${PAGE}`),
        api<{ items: UnitSummary[] }>('GET', '/api/registries/units'),
        api<{ items: CaseSummary[] }>('GET', '/api/delegations?process=apec-card&pageSize=100'),
        api<{ items: ApecCard[] }>('GET', '/api/apec/cards'),
      ]);
      return { enterprises: enterprises.items, total: enterprises.total, units: units.items, cases: cases.items, cards: cards.items };
    },
    [],
    { live: true },
  );
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [q, setQ] = useState('');
  const [cardQ, setCardQ] = useState('');
  const unitName = (code: string) => unitNameOf(state.data?.units, code, lang);
  const name = (e: ApecEnterpriseLine) => (lang === 'zh' ? e.nameZh : e.nameEn) ?? e.unit;
  return (
    <>
      <Typography.Title level={2}>{t('apecDeskTitle')}</Typography.Title>
      <Loaded state={state}>
        {({ enterprises, total, units, cases, cards }) => (
          <Space orientation="vertical" size="large" style={{ width: '100%' }}>
            <Card
              title={t('apecEnterprises')}
              extra={
                <Space wrap>
                  <Input.Search
                    allowClear
                    aria-label={t('apecSearch')}
                    placeholder={t('apecSearch')}
                    value={q}
                    onChange={(e) => setQ(e.target.value)}
                    style={{ width: 260 }}
                    data-testid="apec-enterprise-search"
                  />
                  <Button type="primary" onClick={() => setDialog({ kind: 'enterprise' })} data-testid="apec-register">
                    {t('apecRegister')}
                  </Button>
                </Space>
              }
            >
              {total > enterprises.length ? <Alert type="info" showIcon title={t('apecMore')} style={{ marginBottom: 12 }} /> : null}
              <Table<ApecEnterpriseLine>
                size="small"
                rowKey="unit"
                dataSource={enterprises.filter(
                  (e) => !q.trim() || `${e.unit} ${e.nameZh ?? ''} ${e.nameEn ?? ''}`.toLowerCase().includes(q.trim().toLowerCase()),
                )}
                pagination={{ pageSize: 20, hideOnSinglePage: true }}
                data-testid="apec-enterprises"
                expandable={{ expandedRowRender: (e) => <EnterpriseDetail unit={e.unit} name={`${name(e)} (${e.unit})`} /> }}
                columns={[
                  { title: t('apecUnit'), dataIndex: 'unit', render: (v: string, e) => `${name(e)} (${v})` },
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
                        <Button
                          size="small"
                          onClick={() => setDialog({ kind: 'enterprise', unit: e.unit, ownership: e.ownership, size: e.size })}
                          data-testid={`apec-edit-${e.unit}`}
                        >
                          {t('apecEdit')}
                        </Button>
                        <Button
                          size="small"
                          onClick={() => setDialog({ kind: 'admission', unit: e.unit })}
                          data-testid={`apec-admit-${e.unit}`}
                        >
                          {t('apecAdmission')}
                        </Button>
                        {MOVES.map((m) => (
                          <Button
                            key={m}
                            size="small"
                            onClick={() => setDialog({ kind: 'move', unit: e.unit, move: m })}
                            data-testid={`apec-${m}-${e.unit}`}
                          >
                            {l('apecMove_', m)}
                          </Button>
                        ))}
                      </Space>
                    ),
                  },
                ]}
              />
            </Card>
            <Card title={t('apecApplications')}>
              <ApplicationsTable items={cases} unitName={unitName} />
            </Card>
            <Card
              title={t('apecRegistry')}
              extra={
                <Input.Search
                  allowClear
                  aria-label={t('apecCardSearch')}
                  placeholder={t('apecCardSearch')}
                  value={cardQ}
                  onChange={(e) => setCardQ(e.target.value)}
                  style={{ width: 260 }}
                  data-testid="apec-card-search"
                />
              }
            >
              {/* Every enterprise's cards, hundreds in a year: found by holder or enterprise (the number is masked here). */}
              <CardsTable
                items={cards.filter(
                  (c) =>
                    !cardQ.trim() ||
                    `${c.holder} ${c.holderName ?? ''} ${c.unit} ${unitName(c.unit)}`.toLowerCase().includes(cardQ.trim().toLowerCase()),
                )}
                showUnit
                unitName={unitName}
                actions={(c) =>
                  c.status === 'lost' || c.status === 'cancelled' ? null : (
                    <Button size="small" onClick={() => setDialog({ kind: 'card', card: c })} data-testid={`apec-mark-${c.ref}`}>
                      {t('apecMarkCard')}
                    </Button>
                  )
                }
              />
            </Card>
            <WhitelistCriteriaSection />
            {dialog ? (
              <DeskDialog
                dialog={dialog}
                units={units.filter((u) => dialog.kind !== 'enterprise' || dialog.unit || !enterprises.some((e) => e.unit === u.code))}
                onClose={() => setDialog(null)}
                onDone={state.reload}
              />
            ) : null}
          </Space>
        )}
      </Loaded>
    </>
  );
}

/** An expanded enterprise row: its summary and whitelist history (GET /api/apec/enterprises/:unit). */
function EnterpriseDetail({ unit, name }: { unit: string; name: string }) {
  const { t } = useT();
  const state = useLoad(() => api<ApecEnterprise>('GET', `/api/apec/enterprises/${encodeURIComponent(unit)}`), [unit]);
  return (
    <Loaded state={state}>
      {(e) => (
        <>
          <EnterpriseSummary enterprise={e} unitName={() => name} />
          <Typography.Title level={5}>{t('apecHistory')}</Typography.Title>
          <HistoryTable enterprise={e} />
        </>
      )}
    </Loaded>
  );
}

/** The desk's four forms, each a FormDialog: register or edit an enterprise, admission, a whitelist move, a card's status. */
function DeskDialog({ dialog, units, onClose, onDone }: { dialog: Dialog; units: UnitSummary[]; onClose(): void; onDone(): void }) {
  const { t, lang, pick, code } = useT();
  const l = useLabel();
  const { message } = AntApp.useApp();
  const path = (unit: string) => `/api/apec/enterprises/${encodeURIComponent(unit)}`;
  switch (dialog.kind) {
    case 'enterprise':
      return (
        <FormDialog
          title={dialog.unit ? `${t('apecEdit')} · ${unitNameOf(units, dialog.unit, lang)}` : t('apecRegister')}
          okText={t('apecSave')}
          initialValues={{ unit: dialog.unit, ownership: dialog.ownership ?? 'non-state', size: dialog.size ?? 'small' }}
          testId="apec-enterprise-dialog"
          onClose={onClose}
          send={async (v) => {
            await api('PUT', path(String(v.unit ?? dialog.unit ?? '')), { ownership: v.ownership, size: v.size });
            void message.success(t('apecSaved'));
            onDone();
          }}
        >
          <Form.Item label={t('apecUnit')} name="unit" required>
            <Select
              showSearch
              optionFilterProp="label"
              disabled={!!dialog.unit}
              aria-label={t('apecUnit')}
              options={units.map((u) => ({ value: u.code, label: unitNameOf(units, u.code, lang) }))}
            />
          </Form.Item>
          <Form.Item label={t('apecOwnership')} name="ownership" required>
            <Select aria-label={t('apecOwnership')} options={OWNERSHIPS.map((o) => ({ value: o, label: l('apecOwn_', o) }))} />
          </Form.Item>
          <Form.Item label={t('apecSize')} name="size" required>
            <Select aria-label={t('apecSize')} options={SIZES.map((s) => ({ value: s, label: l('apecSize_', s) }))} />
          </Form.Item>
        </FormDialog>
      );
    case 'admission':
      return (
        <FormDialog
          title={`${t('apecAdmission')} · ${unitNameOf(units, dialog.unit, lang)}`}
          okText={t('apecEvaluate')}
          initialValues={{ taxCreditGrade: 'A', creditRecordClean: true }}
          onClose={onClose}
          send={async (v) => {
            const r = await api<ApecAdmissionResult>('POST', `${path(dialog.unit)}/whitelist/admission`, {
              registeredCapitalWan: v.registeredCapitalWan,
              foreignTradeUsd: v.foreignTradeUsd,
              taxCreditGrade: v.taxCreditGrade,
              creditRecordClean: !!v.creditRecordClean,
            });
            onDone();
            // The evaluation is the outcome to read: the failures stay on screen.
            return (
              <Alert
                type={r.admitted ? 'success' : 'warning'}
                showIcon
                title={r.admitted ? t('apecAdmitted') : t('apecRefused')}
                description={r.failures.map((f) => pick(f.message)).join('; ') || undefined}
                data-testid="apec-admission-result"
              />
            );
          }}
        >
          <AmountItem label={t('apecCapital')} name="registeredCapitalWan" input={{ style: { width: 240 } }} />
          <AmountItem label={t('apecTrade')} name="foreignTradeUsd" input={{ style: { width: 240 } }} />
          <Form.Item label={t('apecTaxGrade')} name="taxCreditGrade">
            <Select
              aria-label={t('apecTaxGrade')}
              options={TAX_CREDIT_GRADES.map((g) => ({ value: g, label: g }))}
              style={{ width: 120 }}
            />
          </Form.Item>
          <Form.Item name="creditRecordClean" valuePropName="checked">
            <Checkbox>{t('apecCreditClean')}</Checkbox>
          </Form.Item>
        </FormDialog>
      );
    case 'move':
      return (
        <FormDialog
          title={`${code('apecMove_', dialog.move)} · ${unitNameOf(units, dialog.unit, lang)}`}
          onClose={onClose}
          send={async (v) => {
            const r = await api<{ stoppedCases: string[]; keptCases?: string[] }>('POST', `${path(dialog.unit)}/whitelist/${dialog.move}`, {
              ...(v.reason ? { reason: v.reason } : {}),
              ...(v.note ? { note: v.note } : {}),
            });
            // An exit stops the open applications and keeps those whose cards are registered, to hand them over.
            const counts = [
              r.stoppedCases.length > 0 ? `${t('apecStopped')}: ${r.stoppedCases.length}` : '',
              (r.keptCases?.length ?? 0) > 0 ? `${t('apecKept')}: ${r.keptCases!.length}` : '',
            ].filter(Boolean);
            void message.success([t('apecMoveDone'), ...counts].join(' · '));
            onDone();
          }}
        >
          <Form.Item label={t('apecReason')} name="reason">
            <Select
              allowClear
              aria-label={t('apecReason')}
              options={EXIT_REASONS.map((r) => ({ value: r, label: reasonText(r, lang) }))}
              style={{ width: 280 }}
            />
          </Form.Item>
          {/* A re-admission states its basis (the API's note rule). */}
          <Form.Item
            label={t('apecNote')}
            name="note"
            rules={
              dialog.move === 'readmit'
                ? [...reasonRules(lang, true, t('required')), textLimit(500, lang).rule]
                : [textLimit(500, lang).rule]
            }
          >
            <Input.TextArea rows={2} count={textLimit(500, lang).count} />
          </Form.Item>
        </FormDialog>
      );
    case 'card':
      return (
        <FormDialog
          title={`${t('apecMarkCard')} · ${dialog.card.holderName ?? dialog.card.holder} ${dialog.card.apecCardNumber}`}
          initialValues={{ status: 'lost' }}
          onClose={onClose}
          send={async (v) => {
            // The number is masked for the desk: the card is named by its reference.
            await api('POST', `/api/apec/cards/${encodeURIComponent(dialog.card.ref)}/status`, {
              status: v.status,
              reason: v.reason ?? '',
            });
            void message.success(t('apecMoveDone'));
            onDone();
          }}
        >
          <Form.Item label={t('apecCardStatus')} name="status" required>
            <Select
              aria-label={t('apecCardStatus')}
              options={(['lost', 'cancelled'] as const).map((s) => ({ value: s, label: l('apecCard_', s) }))}
              style={{ width: 200 }}
            />
          </Form.Item>
          <Form.Item label={t('apecReason')} name="reason" rules={[...reasonRules(lang, true, t('required')), textLimit(500, lang).rule]}>
            <Input.TextArea rows={2} count={textLimit(500, lang).count} aria-label={t('apecReason')} />
          </Form.Item>
        </FormDialog>
      );
  }
}
