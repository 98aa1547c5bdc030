import { Alert, App as AntApp, Button, Card, Checkbox, Form, InputNumber, Select, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { api, ApiError, type ApecEnterprise, type FieldError } from '../api';
import { useErrorText } from '../common';
import { useT } from '../i18n';
import { navigate } from '../router';
import { validate } from '../validation';
import { TAX_CREDIT_GRADES } from '../../../../libs/domain/src/definition/apec-card';
import { WHITELIST_LABELS as L } from './ApecWhitelistFigures';

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
  const [form] = Form.useForm<Figures>();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [serverError, setServerError] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  const [filed, setFiled] = useState<string | null>(null);
  // One key per application: a retry after a lost answer replays the same case instead of filing a second.
  const idempotencyKey = useRef(crypto.randomUUID());

  const body = (v: Figures) => ({
    registeredCapitalWan: v.registeredCapitalWan,
    foreignTradeUsd: v.foreignTradeUsd,
    taxCreditGrade: v.taxCreditGrade,
    creditRecordClean: v.creditRecordClean ?? false,
  });
  const revalidate = () => {
    validate('ApecWhitelistAdmission', body(form.getFieldsValue())).then(setErrors, () => setErrors([]));
  };
  useEffect(revalidate, []);
  const help = (field: string) => {
    const e = errors.filter((x) => x.field === field);
    return e.length > 0 && touched.has(field) ? { validateStatus: 'error' as const, help: e.map((x) => pick(x.message)).join('; ') } : {};
  };

  const submit = async () => {
    setServerError(null);
    setTouched(new Set(['registeredCapitalWan', 'foreignTradeUsd', 'taxCreditGrade', 'creditRecordClean']));
    if (errors.length > 0) return;
    setSending(true);
    try {
      const r = await api<{ caseId: string }>(
        'POST',
        '/api/apec/whitelist/applications',
        body(form.getFieldsValue()),
        idempotencyKey.current,
      );
      idempotencyKey.current = crypto.randomUUID();
      setFiled(r.caseId);
      void message.success(`${pick(L.filed)}${r.caseId}`);
      onFiled?.(r.caseId);
    } catch (e) {
      setServerError(e);
      if (e instanceof ApiError && e.errors.length > 0) {
        setErrors(e.errors);
        setTouched(new Set(e.errors.map((x) => x.field)));
      }
      // A 4xx is final for this content; a 503 keeps the key (the same request again is safe).
      if (e instanceof ApiError && e.status < 500) idempotencyKey.current = crypto.randomUUID();
    } finally {
      setSending(false);
    }
  };

  return (
    <Form
      form={form}
      layout="vertical"
      onValuesChange={(changed: Figures) => {
        setTouched((s) => new Set([...s, ...Object.keys(changed)]));
        revalidate();
      }}
      onFinish={() => void submit()}
      data-testid="apec-whitelist-form"
    >
      <Typography.Paragraph type="secondary">{pick(L.intro)}</Typography.Paragraph>
      <Form.Item label={pick(L.capital)} name="registeredCapitalWan" required {...help('registeredCapitalWan')}>
        <InputNumber min={0} style={{ width: 200 }} aria-label={pick(L.capital)} />
      </Form.Item>
      <Form.Item label={pick(L.trade)} name="foreignTradeUsd" required {...help('foreignTradeUsd')}>
        <InputNumber min={0} style={{ width: 200 }} aria-label={pick(L.trade)} />
      </Form.Item>
      <Form.Item label={pick(L.grade)} name="taxCreditGrade" required {...help('taxCreditGrade')}>
        <Select style={{ width: 120 }} aria-label={pick(L.grade)} options={TAX_CREDIT_GRADES.map((g) => ({ value: g, label: g }))} />
      </Form.Item>
      <Form.Item name="creditRecordClean" valuePropName="checked" {...help('creditRecordClean')}>
        <Checkbox>{pick(L.clean)}</Checkbox>
      </Form.Item>
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
