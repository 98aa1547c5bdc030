import { Alert, App as AntApp, Button, Card, Checkbox, Form, Select, Space, Table, Typography } from 'antd';
import { useEffect } from 'react';
import { DayItem } from '../DayField';
import { api } from '../api';
import { AmountItem, fmtDateTime, Loaded, useLoad } from '../common';
import { effectiveFromErrors, shanghaiToday } from '../date-rules';
import { accountName } from '../accounts';
import { useT } from '../i18n';
import { useSchemaForm } from '../schema-form';
import { criteriaProblems } from '../../../../libs/domain/src/definition/apec-whitelist';
import { refusalText } from './ApecShared';
import {
  ENTERPRISE_SIZES,
  TAX_CREDIT_GRADES,
  type WhitelistCriteria,
  type WhitelistCriteriaVersion,
} from '../../../../libs/domain/src/definition/apec-card';

interface CriteriaView {
  current: WhitelistCriteriaVersion;
  versions: WhitelistCriteriaVersion[];
  /** Who changed each version, by display name (the API's actorNames). */
  actorNames?: Record<string, string>;
}
type Values = WhitelistCriteria & { effectiveFrom?: string };

/** The PUT's body: the form's values, an empty effective day left out (the API's default: today). */
const bodyOf = (v: Values) => ({
  registeredCapitalWan: v.registeredCapitalWan,
  foreignTradeUsd: v.foreignTradeUsd,
  taxCreditGrades: v.taxCreditGrades,
  creditRecordClean: v.creditRecordClean,
  ...(v.effectiveFrom ? { effectiveFrom: v.effectiveFrom } : {}),
});

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
  const { pick, code, lang } = useT();
  const { message } = AntApp.useApp();
  const state = useLoad(() => api<CriteriaView>('GET', '/api/apec/whitelist/criteria'), []);
  // Validated as the user types, as the other forms: the OpenAPI schema of the PUT (ApecWhitelistCriteriaChange),
  // then the domain's own checks the API runs after it (criteriaProblems: lowered thresholds for smaller firms; the
  // effective day not before today).
  const { form, help, onValuesChange, revalidate, serverError, sending, send } = useSchemaForm<Values>(
    'ApecWhitelistCriteriaChange',
    bodyOf,
    ['registeredCapitalWan', 'foreignTradeUsd', 'taxCreditGrades', 'creditRecordClean', 'effectiveFrom'],
    (v) => [
      // (the form before the version in force has loaded holds no thresholds: nothing to judge yet)
      ...(v.registeredCapitalWan && v.foreignTradeUsd ? criteriaProblems(v) : []),
      ...effectiveFromErrors(v.effectiveFrom, shanghaiToday()),
    ],
  );
  // The form is filled once the version in force has loaded: judge those values, not the empty form before them.
  useEffect(() => {
    if (state.data) revalidate();
  }, [state.data]);
  const save = async () => {
    const r = await send((request) =>
      api<CriteriaView & { saved: WhitelistCriteriaVersion }>('PUT', '/api/apec/whitelist/criteria', request),
    );
    if (!r) return;
    void message.success(pick(L.saved).replace('{v}', String(r.saved.version)));
    state.reload();
  };
  const perSize = (c: WhitelistCriteria, key: 'registeredCapitalWan' | 'foreignTradeUsd') =>
    ENTERPRISE_SIZES.map((s) => `${code('apecSize_', s)} ${c[key][s]}`).join(' / ');

  return (
    <Loaded state={state}>
      {({ current, versions, actorNames }) => (
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
              onValuesChange={onValuesChange}
              data-testid="apec-criteria-form"
            >
              {(['registeredCapitalWan', 'foreignTradeUsd'] as const).map((key) => (
                <Form.Item key={key} label={pick(key === 'registeredCapitalWan' ? L.capital : L.trade)}>
                  <Space wrap>
                    {ENTERPRISE_SIZES.map((s) => (
                      <AmountItem
                        key={s}
                        name={[key, s]}
                        label={code('apecSize_', s)}
                        {...help(`${key}.${s}`)}
                        style={{ marginBottom: 0 }}
                        input={{ 'aria-label': `${pick(key === 'registeredCapitalWan' ? L.capital : L.trade)} ${code('apecSize_', s)}` }}
                      />
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
              <DayItem name="effectiveFrom" label={pick(L.from)} {...help('effectiveFrom')} field={{ style: { width: 200 } }} />
              {serverError ? <Alert type="error" showIcon description={refusalText(serverError)} style={{ marginBottom: 16 }} /> : null}
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
              { title: pick(L.by), render: (_, v) => (v.changedBy ? accountName(v.changedBy, actorNames, lang) : '—') },
              { title: pick(L.at), render: (_, v) => (v.changedAt ? fmtDateTime(v.changedAt) : '—') },
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
