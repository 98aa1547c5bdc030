import { Alert, Descriptions, Form, Modal, Table, Tag } from 'antd';
import { useState, type ReactNode } from 'react';
import { ApiError, type ApecCard, type ApecEnterprise, type CaseSummary } from '../api';
import { CaseLink, fmtDateTime, TAG, type UnitName } from '../common';
import { useT } from '../i18n';
import { joinNames } from '../lists';
import { COUNTRIES } from '../../../../libs/domain/src/countries';
import { codeLabel, enumLabel, fieldErrorText } from '../labels';

/**
 * What both APEC pages show (issue 17, docs/apec.md): an enterprise's whitelist state and history, card
 * applications (card cases: GET /api/delegations?process=apec-card) and the cards registry (GET /api/apec/cards).
 * The API decides who sees what; these only render its answers.
 */

/** An enum value's label (`l('apecWl_', state)`), never the bare code: codeLabel in labels.ts. */
export function useLabel() {
  return useT().code;
}

export type { UnitName };

const asCode: UnitName = (code) => code;

/** An economy's name in the user's language (the domain's country table: its `apec` flag marks card economies). */
export function useEconomyName() {
  const { lang } = useT();
  return (code: string): string => {
    const c = COUNTRIES[code];
    return c ? `${lang === 'zh' ? c.nameZh : c.nameEn} (${code})` : code;
  };
}

/** Full APEC card economies, the ones the application's `apec-economy` rule accepts. */
export const APEC_ECONOMIES: string[] = Object.entries(COUNTRIES)
  .filter(([, c]) => c.apec)
  .map(([code]) => code)
  .sort();

const WHITELIST_COLOURS: Record<string, string> = { admitted: TAG.green, suspended: TAG.orange, exited: TAG.red };

export function WhitelistTag({ enterprise }: { enterprise: Pick<ApecEnterprise, 'whitelist'> }) {
  const { t } = useT();
  const l = useLabel();
  if (!enterprise.whitelist) return <Tag color={TAG.blue}>{t('apecNotListed')}</Tag>;
  return <Tag color={WHITELIST_COLOURS[enterprise.whitelist.state]}>{l('apecWl_', enterprise.whitelist.state)}</Tag>;
}

export function reasonText(reason: string | null | undefined, lang: string): string {
  if (!reason) return '—';
  // An exit reason's code through its one table (EXIT_REASON_LABELS); any other reason is the desk's own words.
  return enumLabel('exit_', reason) ? codeLabel(lang === 'zh' ? 'zh' : 'en', 'exit_', reason) : reason;
}

/** A refused evaluation's failed criteria (the history row's `detail.failures`), in the user's language; null: none. */
function failuresText(detail: unknown, lang: string): string | null {
  const failures = (detail as { failures?: unknown } | null | undefined)?.failures;
  if (!Array.isArray(failures) || failures.length === 0) return null;
  const said = failures.flatMap((f) => {
    const m = (f as { message?: { zh?: unknown; en?: unknown } } | null)?.message;
    const text = lang === 'zh' ? m?.zh : m?.en;
    return typeof text === 'string' ? [text] : [];
  });
  return said.length > 0 ? said.join(lang === 'zh' ? '；' : '; ') : null;
}

export function EnterpriseSummary({ enterprise, unitName = asCode }: { enterprise: ApecEnterprise; unitName?: UnitName }) {
  const { t, lang } = useT();
  const l = useLabel();
  return (
    <Descriptions
      size="small"
      column={{ xs: 1, md: 3 }}
      data-testid={`apec-enterprise-${enterprise.unit}`}
      items={[
        { label: t('apecUnit'), children: unitName(enterprise.unit) },
        { label: t('apecOwnership'), children: l('apecOwn_', enterprise.ownership) },
        { label: t('apecSize'), children: l('apecSize_', enterprise.size) },
        { label: t('apecWhitelist'), children: <WhitelistTag enterprise={enterprise} /> },
        { label: t('apecMayApply'), children: enterprise.mayApply ? t('apecYes') : t('apecNo') },
        { label: t('apecReviewDue'), children: enterprise.whitelist?.reviewDueOn ?? '—' },
        { label: t('apecSince'), children: fmtDateTime(enterprise.whitelist?.since) || '—' },
        { label: t('apecReason'), children: reasonText(enterprise.whitelist?.reason, lang) },
        { label: t('apecNote'), children: enterprise.whitelist?.note || '—' },
      ]}
    />
  );
}

export function HistoryTable({ enterprise }: { enterprise: ApecEnterprise }) {
  const { t, lang } = useT();
  const l = useLabel();
  return (
    <Table
      size="small"
      rowKey={(h) => `${h.at}-${h.action}`}
      dataSource={[...enterprise.history].reverse()}
      pagination={false}
      columns={[
        { title: t('apecAt'), dataIndex: 'at', render: (v: string) => fmtDateTime(v) },
        { title: t('apecAction'), dataIndex: 'action', render: (v: string) => l('apecAct_', v) },
        { title: t('apecFrom'), dataIndex: 'fromState', render: (v: string | null) => l('apecWl_', v) },
        { title: t('apecTo'), dataIndex: 'toState', render: (v: string | null) => l('apecWl_', v) },
        {
          title: t('apecReason'),
          dataIndex: 'reason',
          // A refused evaluation has no reason of the desk's: the criteria it failed are why (new-user trial 63: the
          // clerk's 准入评估未通过 read —, the history holding 注册资本须不低于100万元…).
          render: (v: string | null, h) => (v ? reasonText(v, lang) : (failuresText(h.detail, lang) ?? '—')),
        },
        {
          title: t('apecStopped'),
          dataIndex: 'stoppedCases',
          render: (v: string[] | undefined) => (v && v.length > 0 ? v.map((c) => c.slice(0, 8)).join(', ') : '—'),
        },
        {
          // An exit's applications left to hand over their registered cards (detail.keptCases).
          title: t('apecKept'),
          dataIndex: 'detail',
          render: (d: unknown) => {
            const kept = (d as { keptCases?: unknown } | null | undefined)?.keptCases;
            return Array.isArray(kept) && kept.length > 0 ? kept.map((c) => String(c).slice(0, 8)).join(', ') : '—';
          },
        },
      ]}
    />
  );
}

export function ApplicationsTable({ items, unitName = asCode }: { items: CaseSummary[]; unitName?: UnitName }) {
  const { t, lang } = useT();
  const l = useLabel();
  const economy = useEconomyName();
  return (
    <Table<CaseSummary>
      size="small"
      rowKey="caseId"
      dataSource={items}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      data-testid="apec-applications"
      columns={[
        {
          title: t('apecCase'),
          dataIndex: 'caseId',
          render: (v: string) => <CaseLink caseId={v}>{v.slice(0, 8)}</CaseLink>,
        },
        { title: t('apecUnit'), dataIndex: 'unit', render: (v: string) => unitName(v) },
        { title: t('apecApplicantCount'), dataIndex: 'memberCount' },
        { title: t('apecEconomies'), dataIndex: 'countries', render: (v: string[]) => joinNames(v.map(economy), lang) },
        { title: t('apecNeededBy'), dataIndex: 'departureDate' },
        { title: t('status'), dataIndex: 'status', render: (v: string) => <Tag>{l('st_', v)}</Tag> },
        { title: t('apecAt'), dataIndex: 'submittedAt', render: (v: string) => fmtDateTime(v) },
      ]}
    />
  );
}

const CARD_COLOURS: Record<string, string> = {
  valid: TAG.green,
  'renewal-open': TAG.gold,
  expired: TAG.red,
  lost: TAG.red,
  cancelled: TAG.red,
};

export function CardsTable({
  items,
  showUnit,
  unitName = asCode,
  actions,
}: {
  items: ApecCard[];
  showUnit: boolean;
  unitName?: UnitName;
  /** A last column of actions on a card (the desk's lost/cancelled). */
  actions?: (card: ApecCard) => ReactNode;
}) {
  const { t, lang } = useT();
  const l = useLabel();
  const economy = useEconomyName();
  return (
    <Table<ApecCard>
      size="small"
      // The card's reference: its number may be masked for the reader, and two masked numbers can read alike (rows
      // keyed by them went stale in English after a search: fresh-clone CI).
      rowKey="ref"
      dataSource={items}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      data-testid="apec-cards"
      columns={[
        { title: t('apecHolder'), dataIndex: 'holderName', render: (v: string | null, c) => v ?? c.holder },
        ...(showUnit ? [{ title: t('apecUnit'), dataIndex: 'unit', render: (v: string) => unitName(v) }] : []),
        { title: t('apecNumber'), dataIndex: 'apecCardNumber' },
        { title: t('apecEconomies'), dataIndex: 'economies', render: (v: string[]) => joinNames(v.map(economy), lang) },
        { title: t('apecValidUntil'), dataIndex: 'validUntil' },
        { title: t('apecRenewalOpensOn'), dataIndex: 'renewalOpensOn' },
        {
          title: t('apecCardStatus'),
          dataIndex: 'status',
          render: (v: string) => <Tag color={CARD_COLOURS[v]}>{l('apecCard_', v)}</Tag>,
        },
        ...(actions ? [{ title: t('apecCardActions'), key: 'actions', render: (_: unknown, c: ApecCard) => actions(c) }] : []),
      ]}
    />
  );
}

/**
 * A refusal as the API words it, Chinese first and English beside (the project's rule for refusals); each field error
 * by its field's label (`单位：企业须在白名单内 / Unit: The enterprise must be on the whitelist`), never the API's path.
 */
export function refusalText(e: unknown): string {
  if (e instanceof ApiError) {
    const fields = e.errors.map((f) => `${fieldErrorText('zh', f)} / ${fieldErrorText('en', f)}`);
    return [`${e.bilingual.zh} / ${e.bilingual.en}`, ...fields].join('；');
  }
  return e instanceof Error ? e.message : String(e);
}

/**
 * The APEC pages' one dialog shape: a form, sent by `send`, the API's refusal shown in both languages. What
 * `send` returns (an outcome to read, e.g. an admission's failures) is shown and the dialog stays open; nothing
 * returned closes it.
 */
export function FormDialog({
  title,
  okText,
  initialValues,
  send,
  onClose,
  children,
  testId,
}: {
  title: string;
  okText?: string;
  initialValues?: Record<string, unknown>;
  send(values: Record<string, unknown>): Promise<ReactNode | void>;
  onClose(): void;
  children: ReactNode;
  testId?: string;
}) {
  const { t } = useT();
  const [form] = Form.useForm();
  const [error, setError] = useState<unknown>(null);
  const [outcome, setOutcome] = useState<ReactNode>(null);
  const [sending, setSending] = useState(false);
  const submit = async () => {
    setError(null);
    // The boxes' own rules first (a figure typed as no number, a day that does not exist): said at the box, nothing sent.
    const valid = await form.validateFields().then(
      () => true,
      () => false,
    );
    if (!valid) return;
    setSending(true);
    try {
      const shown = await send(form.getFieldsValue() as Record<string, unknown>);
      if (shown) setOutcome(shown);
      else onClose();
    } catch (e) {
      setError(e);
    } finally {
      setSending(false);
    }
  };
  return (
    <Modal
      open
      title={title}
      onCancel={onClose}
      onOk={() => (outcome ? onClose() : void submit())}
      okText={outcome ? t('close') : okText}
      confirmLoading={sending}
      data-testid={testId}
    >
      <Form form={form} layout="vertical" initialValues={initialValues}>
        {children}
      </Form>
      {outcome}
      {error ? <Alert type="error" showIcon title={t('error')} description={refusalText(error)} data-testid="apec-dialog-error" /> : null}
    </Modal>
  );
}
