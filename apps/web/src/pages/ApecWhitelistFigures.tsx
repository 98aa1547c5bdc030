import { Checkbox, Form, Select, type FormItemProps } from 'antd';
import { AmountItem } from '../common';
import { useT } from '../i18n';
import { TAX_CREDIT_GRADES } from '../../../../libs/domain/src/definition/apec-card';

/** The whitelist admission's labels (both languages), shared by the clerk's form and the step dialog. */
export const WHITELIST_LABELS = {
  title: { zh: '白名单准入申请', en: 'Whitelist admission application' },
  intro: {
    zh: '填报企业指标，提交后由外办APEC窗口审核，系统按现行准入标准作出决定。',
    en: "File the enterprise's figures: the FAO APEC desk reviews them, then the system decides by the criteria in force.",
  },
  capital: { zh: '注册资本（万元）', en: 'Registered capital (10 000 yuan)' },
  trade: { zh: '上年度对外贸易或投资额（美元）', en: "Last year's foreign trade or investment (USD)" },
  grade: { zh: '纳税信用等级', en: 'Tax credit grade' },
  clean: { zh: '无严重失信记录', en: 'No serious dishonesty record' },
  submit: { zh: '提交准入申请', en: 'File the application' },
  filed: { zh: '已提交，案件编号 ', en: 'Filed: case ' },
  open: { zh: '查看案件', en: 'Open the case' },
  inProgress: {
    zh: '本企业的白名单准入申请正在办理，办结前不能再次申请。',
    en: "The enterprise's whitelist admission application is in progress: another cannot be filed until it is decided.",
  },
  filedOn: { zh: '提交时间', en: 'Filed' },
  figures: { zh: '申报指标', en: 'Figures filed' },
  cleanNo: { zh: '有严重失信记录（或未声明）', en: 'a serious dishonesty record (or none declared)' },
};

/**
 * The figures a filing recorded at W01 (its step data in the case's progress), as one line for whoever decides on
 * them (new-user trial 62: the desk's W02 dialog and the case page showed none, the desk approved unseen): 注册资本
 * 150 万元、… ; null when the case has none yet (W01 not done, or returned).
 */
export function whitelistFiguresOf(
  progress: { steps: ReadonlyArray<{ code: string; data?: Record<string, unknown> | null }> },
  lang: 'zh' | 'en',
): string | null {
  const data = progress.steps.find((s) => s.code === 'W01')?.data;
  if (!data || typeof data.registeredCapitalWan !== 'number') return null;
  const n = (v: unknown) => (typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: 2 }) : '—');
  const parts =
    lang === 'zh'
      ? [
          `注册资本 ${n(data.registeredCapitalWan)} 万元`,
          `上年度对外贸易或投资额 ${n(data.foreignTradeUsd)} 美元`,
          `纳税信用等级 ${String(data.taxCreditGrade ?? '—')}`,
          data.creditRecordClean === true ? WHITELIST_LABELS.clean.zh : WHITELIST_LABELS.cleanNo.zh,
        ]
      : [
          `registered capital ${n(data.registeredCapitalWan)} × 10 000 yuan`,
          `last year's foreign trade or investment USD ${n(data.foreignTradeUsd)}`,
          `tax credit grade ${String(data.taxCreditGrade ?? '—')}`,
          data.creditRecordClean === true ? WHITELIST_LABELS.clean.en.toLowerCase() : WHITELIST_LABELS.cleanNo.en,
        ];
  return parts.join(lang === 'zh' ? '、' : ', ');
}

/**
 * The whitelist admission's four fields, for the clerk's application form (top-level names, with its schema form's
 * `help`) and W01 in the generic step dialog (ActionDialog: under `figures`, sent as the step's data; the API answers
 * 400 per `data.<field>`), a filing returned for revision.
 */
export function WhitelistFiguresFields({
  under,
  help = () => ({}),
}: {
  /** The form path the fields sit under (`figures` in the step dialog); none: top level. */
  under?: string;
  /** A field's error display (useSchemaForm's `help`), by its name. */
  help?: (field: string) => Pick<FormItemProps, 'validateStatus' | 'help'>;
}) {
  const { pick } = useT();
  const name = (field: string) => (under ? [under, field] : field);
  const item = (field: string) => ({ name: name(field), required: true, ...help(field) });
  return (
    <>
      <AmountItem
        label={pick(WHITELIST_LABELS.capital)}
        {...item('registeredCapitalWan')}
        input={{ style: { width: 200 }, 'aria-label': pick(WHITELIST_LABELS.capital) }}
      />
      <AmountItem
        label={pick(WHITELIST_LABELS.trade)}
        {...item('foreignTradeUsd')}
        input={{ style: { width: 200 }, 'aria-label': pick(WHITELIST_LABELS.trade) }}
      />
      <Form.Item label={pick(WHITELIST_LABELS.grade)} {...item('taxCreditGrade')}>
        <Select
          style={{ width: 120 }}
          aria-label={pick(WHITELIST_LABELS.grade)}
          options={TAX_CREDIT_GRADES.map((g) => ({ value: g, label: g }))}
        />
      </Form.Item>
      <Form.Item name={name('creditRecordClean')} valuePropName="checked" initialValue={false} {...help('creditRecordClean')}>
        <Checkbox>{pick(WHITELIST_LABELS.clean)}</Checkbox>
      </Form.Item>
    </>
  );
}
