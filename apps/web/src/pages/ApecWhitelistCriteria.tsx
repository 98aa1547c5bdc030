import { Alert, App as AntApp, Button, Card, Checkbox, Form, Input, InputNumber, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { api, ApiError, type FieldError } from '../api';
import { fmtDateTime, Loaded, useErrorText, useLoad } from '../common';
import { effectiveFromErrors, shanghaiToday } from '../date-rules';
import { useT } from '../i18n';
import {
  ENTERPRISE_SIZES,
  TAX_CREDIT_GRADES,
  type WhitelistCriteria,
  type WhitelistCriteriaVersion,
} from '../../../../libs/domain/src/definition/apec-card';

interface CriteriaView {
  current: WhitelistCriteriaVersion;
  versions: WhitelistCriteriaVersion[];
}
type Values = WhitelistCriteria & { effectiveFrom?: string };

const L = {
  title: { zh: '白名单准入标准', en: 'Whitelist admission criteria' },
  current: { zh: '现行版本', en: 'Version in force' },
  capital: { zh: '注册资本（万元）', en: 'Registered capital (10 000 yuan)' },
  trade: { zh: '对外贸易或投资额（美元）', en: 'Foreign trade or investment (USD)' },
  grades: { zh: '接受的纳税信用等级', en: 'Tax credit grades accepted' },
  clean: { zh: '须无严重失信记录', en: 'A clean credit record is required' },
  from: { zh: '生效日期（默认今天）', en: 'Effective from (default today)' },
  save: { zh: '保存为新版本', en: 'Save as a new version' },
  saved: { zh: '已保存为第 {v} 版', en: 'Saved as version {v}' },
  versions: { zh: '历次版本（审计）', en: 'Versions (the audit)' },
  version: { zh: '版本', en: 'Version' },
  by: { zh: '修改人', en: 'Changed by' },
  at: { zh: '修改时间', en: 'Changed at' },
  defaults: { zh: '（代码默认值）', en: '(code default)' },
};

/**
 * The office's whitelist admission criteria (issue 17, docs/apec.md): the version in force, a form that saves a
 * new version (PUT /api/apec/whitelist/criteria; the API refuses a smaller size's threshold above a larger
 * one's, naming the field and the rule) and every version with who changed it and when. `editable`: the APEC
 * desk and the administrator; others read.
 */
export function WhitelistCriteriaCard({ editable }: { editable: boolean }) {
  const { pick, lang, code } = useT();
  const errText = useErrorText();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<Values>();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [serverError, setServerError] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  const state = useLoad(() => api<CriteriaView>('GET', '/api/apec/whitelist/criteria'), []);

  const help = (field: string) => {
    const e = errors.filter((x) => x.field === field || x.field.startsWith(`${field}[`));
    return e.length > 0 ? { validateStatus: 'error' as const, help: e.map((x) => pick(x.message)).join('; ') } : {};
  };
  const save = async () => {
    setServerError(null);
    setErrors([]);
    const v = form.getFieldsValue(true) as Values;
    const dayErrors = effectiveFromErrors(v.effectiveFrom, shanghaiToday());
    if (dayErrors.length > 0) {
      setErrors(dayErrors);
      return;
    }
    const body = { ...v, ...(v.effectiveFrom ? {} : { effectiveFrom: undefined }) };
    setSending(true);
    try {
      const r = await api<CriteriaView & { saved: WhitelistCriteriaVersion }>('PUT', '/api/apec/whitelist/criteria', body);
      void message.success(pick(L.saved).replace('{v}', String(r.saved.version)));
      state.reload();
    } catch (e) {
      setServerError(e);
      if (e instanceof ApiError) setErrors(e.errors);
    } finally {
      setSending(false);
    }
  };
  const perSize = (c: WhitelistCriteria, key: 'registeredCapitalWan' | 'foreignTradeUsd') =>
    ENTERPRISE_SIZES.map((s) => `${code('apecSize_', s)} ${c[key][s]}`).join(' / ');

  return (
    <Loaded state={state}>
      {({ current, versions }) => (
        <Space orientation="vertical" style={{ width: '100%' }} data-testid="apec-criteria">
          <Typography.Text strong>
            {pick(L.current)}: {current.version}
            {current.version === 1 ? ` ${pick(L.defaults)}` : ''}
          </Typography.Text>
          {editable ? (
            <Form
              form={form}
              layout="vertical"
              initialValues={{ ...current.criteria, effectiveFrom: '' }}
              onFinish={() => void save()}
              // The first day not before today (the API's rule, libs/domain day-rules): refused as typed.
              onValuesChange={(changed: Partial<Values>, all: Values) =>
                'effectiveFrom' in changed &&
                setErrors((es) => [
                  ...es.filter((e) => e.field !== 'effectiveFrom'),
                  ...effectiveFromErrors(all.effectiveFrom, shanghaiToday()),
                ])
              }
              data-testid="apec-criteria-form"
            >
              {(['registeredCapitalWan', 'foreignTradeUsd'] as const).map((key) => (
                <Form.Item key={key} label={pick(key === 'registeredCapitalWan' ? L.capital : L.trade)}>
                  <Space wrap>
                    {ENTERPRISE_SIZES.map((s) => (
                      <Form.Item key={s} name={[key, s]} label={code('apecSize_', s)} {...help(`${key}.${s}`)} style={{ marginBottom: 0 }}>
                        <InputNumber
                          min={0}
                          aria-label={`${pick(key === 'registeredCapitalWan' ? L.capital : L.trade)} ${code('apecSize_', s)}`}
                        />
                      </Form.Item>
                    ))}
                  </Space>
                </Form.Item>
              ))}
              <Form.Item name="taxCreditGrades" label={pick(L.grades)} {...help('taxCreditGrades')}>
                <Select mode="multiple" style={{ width: 240 }} options={TAX_CREDIT_GRADES.map((g) => ({ value: g, label: g }))} />
              </Form.Item>
              <Form.Item name="creditRecordClean" valuePropName="checked">
                <Checkbox>{pick(L.clean)}</Checkbox>
              </Form.Item>
              <Form.Item name="effectiveFrom" label={pick(L.from)} {...help('effectiveFrom')}>
                <Input type="date" style={{ width: 200 }} />
              </Form.Item>
              {serverError ? <Alert type="error" showIcon description={errText(serverError)} style={{ marginBottom: 16 }} /> : null}
              <Button type="primary" htmlType="submit" loading={sending} data-testid="apec-criteria-save">
                {pick(L.save)}
              </Button>
            </Form>
          ) : null}
          <Typography.Title level={5}>{pick(L.versions)}</Typography.Title>
          <Table<WhitelistCriteriaVersion>
            size="small"
            rowKey="version"
            pagination={false}
            dataSource={[...versions].reverse()}
            columns={[
              { title: pick(L.version), dataIndex: 'version' },
              { title: pick(L.from), render: (_, v) => v.effectiveFrom ?? '—' },
              { title: pick(L.capital), render: (_, v) => perSize(v.criteria, 'registeredCapitalWan') },
              { title: pick(L.trade), render: (_, v) => perSize(v.criteria, 'foreignTradeUsd') },
              { title: pick(L.grades), render: (_, v) => v.criteria.taxCreditGrades.join(', ') },
              { title: pick(L.by), render: (_, v) => v.changedBy ?? '—' },
              { title: pick(L.at), render: (_, v) => (v.changedAt ? fmtDateTime(v.changedAt, lang) : '—') },
            ]}
          />
        </Space>
      )}
    </Loaded>
  );
}

/** The criteria as a card of the APEC desk's page. */
export function WhitelistCriteriaSection({ editable = true }: { editable?: boolean }) {
  const { pick } = useT();
  return (
    <Card title={pick(L.title)}>
      <WhitelistCriteriaCard editable={editable} />
    </Card>
  );
}
