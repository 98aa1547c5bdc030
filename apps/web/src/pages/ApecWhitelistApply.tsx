import { Alert, App as AntApp, Button, Card, Form, Typography } from 'antd';
import { useState } from 'react';
import { api, type ApecEnterprise } from '../api';
import { useErrorText } from '../common';
import { useT } from '../i18n';
import { navigate } from '../router';
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
export function WhitelistApplyForm({ onFiled }: { onFiled?(caseId: string): void }) {
  const { pick } = useT();
  const errText = useErrorText();
  const { message } = AntApp.useApp();
  const [filed, setFiled] = useState<string | null>(null);
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
    setFiled(r.caseId);
    void message.success(`${pick(L.filed)}${r.caseId}`);
    onFiled?.(r.caseId);
  };

  return (
    <Form form={form} layout="vertical" onValuesChange={onValuesChange} onFinish={() => void submit()} data-testid="apec-whitelist-form">
      <Typography.Paragraph type="secondary">{pick(L.intro)}</Typography.Paragraph>
      <WhitelistFiguresFields help={help} />
      {serverError ? <Alert type="error" showIcon description={errText(serverError)} style={{ marginBottom: 16 }} /> : null}
      {filed ? (
        <Alert
          type="success"
          showIcon
          style={{ marginBottom: 16 }}
          description={
            <a onClick={() => navigate(`/cases/${filed}`)} data-testid="apec-whitelist-case">
              {pick(L.open)} {filed}
            </a>
          }
        />
      ) : null}
      <Button type="primary" htmlType="submit" loading={sending} data-testid="apec-whitelist-submit">
        {pick(L.submit)}
      </Button>
    </Form>
  );
}

/**
 * The application as a card of the enterprise clerk's page, shown while it can be filed: a non-state enterprise
 * not on the whitelist (never listed or exited). `onFiled`: the page reloads its enterprise and cases.
 */
export function WhitelistApplySection({ enterprise, onFiled }: { enterprise: ApecEnterprise | null; onFiled?(caseId: string): void }) {
  const { pick } = useT();
  const listed = enterprise?.whitelist?.state === 'admitted' || enterprise?.whitelist?.state === 'suspended';
  if (!enterprise || enterprise.ownership !== 'non-state' || listed) return null;
  return (
    <Card title={pick(L.title)}>
      <WhitelistApplyForm {...(onFiled ? { onFiled } : {})} />
    </Card>
  );
}
