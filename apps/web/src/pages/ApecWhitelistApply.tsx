import { Alert, App as AntApp, Button, Card, Form, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api, type ApecEnterprise } from '../api';
import { CaseLink, fmtDateTime, useErrorText } from '../common';
import { useT } from '../i18n';
import { useSchemaForm } from '../schema-form';
import { WhitelistFiguresFields, WHITELIST_LABELS as L } from './ApecWhitelistFigures';

interface Figures {
  registeredCapitalWan?: number;
  foreignTradeUsd?: number;
  taxCreditGrade?: string;
  creditRecordClean?: boolean;
}

/**
 * The enterprise clerk files a whitelist admission application (issue 17, docs/apec.md): the figures are
 * validated as the user types against the OpenAPI schema ApecWhitelistAdmission, then POST
 * /api/apec/whitelist/applications starts a case of the apec-whitelist process (W01 done with the figures).
 * Refusals (409 already listed or an application open, 422 a state enterprise) are the API's, in its words.
 */
export function WhitelistApplyForm({ onFiled }: { onFiled(caseId: string): void }) {
  const { pick } = useT();
  const errText = useErrorText();
  const { message } = AntApp.useApp();
  const body = (v: Figures) => ({
    registeredCapitalWan: v.registeredCapitalWan,
    foreignTradeUsd: v.foreignTradeUsd,
    taxCreditGrade: v.taxCreditGrade,
    creditRecordClean: v.creditRecordClean ?? false,
  });
  const { form, help, onValuesChange, serverError, sending, send } = useSchemaForm<Figures>('ApecWhitelistAdmission', body, [
    'registeredCapitalWan',
    'foreignTradeUsd',
    'taxCreditGrade',
    'creditRecordClean',
  ]);

  const submit = async () => {
    const r = await send((request, key) => api<{ caseId: string }>('POST', '/api/apec/whitelist/applications', request, key));
    if (!r) return;
    void message.success(`${pick(L.filed)}${r.caseId}`);
    onFiled(r.caseId);
  };

  return (
    <Form form={form} layout="vertical" onValuesChange={onValuesChange} onFinish={() => void submit()} data-testid="apec-whitelist-form">
      <Typography.Paragraph type="secondary">{pick(L.intro)}</Typography.Paragraph>
      <WhitelistFiguresFields help={help} />
      {serverError ? <Alert type="error" showIcon description={errText(serverError)} style={{ marginBottom: 16 }} /> : null}
      <Button type="primary" htmlType="submit" loading={sending} data-testid="apec-whitelist-submit">
        {pick(L.submit)}
      </Button>
    </Form>
  );
}

/** The enterprise's application in progress: what it is and a link to its case, instead of a form the API would refuse. */
function WhitelistInProgress({ filing }: { filing: WhitelistFiling }) {
  const { pick } = useT();
  return (
    <Alert
      type="info"
      showIcon
      data-testid="apec-whitelist-in-progress"
      title={pick(L.inProgress)}
      description={
        <Space wrap>
          <CaseLink caseId={filing.caseId} data-testid="apec-whitelist-case">
            {pick(L.open)} {filing.caseId}
          </CaseLink>
          {filing.submittedAt ? (
            <Typography.Text type="secondary">
              {pick(L.filedOn)} {fmtDateTime(filing.submittedAt)}
            </Typography.Text>
          ) : null}
        </Space>
      }
    />
  );
}

/** An open whitelist filing of the enterprise: the case, and when it was filed (unknown just after filing). */
export interface WhitelistFiling {
  caseId: string;
  submittedAt?: string;
}

/**
 * The application as a card of the enterprise clerk's page, shown while it can be filed: a non-state enterprise
 * not on the whitelist (never listed or exited). While a filing is open (`open`, from the case list, or the one just
 * filed, which the list shows a moment later) the card says so and links its case, with no form (trial 60: the form
 * stayed filled and active after filing, and a second filing met the API's 409). `onFiled`: the page reloads its
 * enterprise and cases.
 */
export function WhitelistApplySection({
  enterprise,
  open,
  onFiled,
}: {
  enterprise: ApecEnterprise | null;
  open: WhitelistFiling | null;
  onFiled?(caseId: string): void;
}) {
  const { pick } = useT();
  const [filed, setFiled] = useState<WhitelistFiling | null>(null);
  // The one just filed is shown until the list has it; after that the list says whether it is still open.
  useEffect(() => {
    if (filed && open?.caseId === filed.caseId) setFiled(null);
  }, [filed, open]);
  const listed = enterprise?.whitelist?.state === 'admitted' || enterprise?.whitelist?.state === 'suspended';
  if (!enterprise || enterprise.ownership !== 'non-state' || listed) return null;
  const filing = open ?? filed;
  return (
    <Card title={pick(L.title)}>
      {filing ? (
        <WhitelistInProgress filing={filing} />
      ) : (
        <WhitelistApplyForm
          onFiled={(caseId) => {
            setFiled({ caseId });
            onFiled?.(caseId);
          }}
        />
      )}
    </Card>
  );
}
