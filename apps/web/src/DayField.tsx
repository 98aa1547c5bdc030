import { Form, theme, type FormItemProps, type FormRule } from 'antd';
import { lazy, Suspense, type CSSProperties } from 'react';
import { dateRuleBroken } from '../../../libs/domain/src/dates';
import { useT, type Lang } from './i18n';

/**
 * A day field: the app's one date input, for a form's date (inside an antd `Form.Item`, which gives it its `id`,
 * `value`, `onChange` and aria attributes) or a filter's (standalone, `value`/`onChange` of its own). Its value is
 * the day as the API takes it, 'YYYY-MM-DD' ('' when cleared, as the browser's date input gave), so a form's values
 * and the JSON it sends are those of the `<input type="date">` it replaces; what differs is what the user sees: Ant
 * Design's picker in the app's language (请选择日期 / Select date, the calendar in Chinese or English), always
 * YYYY-MM-DD, not the browser's date input, whose format and placeholder follow the browser's locale (03/15/2027 in
 * an English browser, 15.03.2027 in a German one) rather than the app's.
 *
 * The picker (Ant Design's DatePicker, @rc-component/picker and dayjs: about 110 kB) is loaded with the first day
 * field a page shows (DayPicker.tsx, the `antd-picker` chunk), not with the app's first load; meanwhile an empty
 * box of the field's size holds its place.
 */
export interface DayFieldProps {
  /** The day, 'YYYY-MM-DD'; empty or undefined: none. */
  value?: string | null;
  /** The day picked or typed (on Enter, or on leaving the field), 'YYYY-MM-DD'; '' when cleared. */
  onChange?(day: string): void;
  id?: string;
  style?: CSSProperties;
  disabled?: boolean;
  'aria-label'?: string;
  'data-testid'?: string;
}

/** The width of a day field unless its style says otherwise: YYYY-MM-DD and the calendar icon. */
const DAY_FIELD_WIDTH = 160;

const DayPicker = lazy(() => import('./DayPicker'));

export function DayField({ style, ...props }: DayFieldProps) {
  const { lang } = useT();
  const sized = { width: DAY_FIELD_WIDTH, ...style };
  return (
    <Suspense fallback={<DayPlaceholder style={sized} />}>
      {/* A calendar once opened stays in the page, hidden, in the language it was drawn in: a new one per language. */}
      <DayPicker key={lang} {...props} style={sized} />
    </Suspense>
  );
}

/** The field's place while the picker loads: no input (nothing to type into or label yet), its size and border. */
function DayPlaceholder({ style }: { style: CSSProperties }) {
  const { token } = theme.useToken();
  return (
    <span
      aria-hidden
      style={{
        display: 'inline-block',
        verticalAlign: 'top',
        height: token.controlHeight,
        border: `${token.lineWidth}px ${token.lineType} ${token.colorBorder}`,
        borderRadius: token.borderRadius,
        background: token.colorBgContainerDisabled,
        ...style,
      }}
    />
  );
}

/**
 * A day field's Form.Item rule: the API's one date rule (dateRuleBroken: format, a day that does not exist, the bounds)
 * on the day as typed, at the box before anything is sent (trial 55: 2027-02-30 was refused only by the API's answer).
 */
export function dayRule(lang: Lang): FormRule {
  return {
    validator: (_, value: unknown) => {
      if (value === undefined || value === null || value === '') return Promise.resolve();
      const broken = dateRuleBroken(value);
      return broken ? Promise.reject(new Error(broken.message[lang])) : Promise.resolve();
    },
  };
}

/**
 * A day's Form.Item and field (DayField), the day as typed refused at the box when it is none (dayRule) before the
 * item's own rules (`validateFirst`: one message at a time). The only way a form takes a day.
 */
export function DayItem({
  rules,
  field,
  ...item
}: Omit<FormItemProps, 'children'> & { field?: Omit<DayFieldProps, 'value' | 'onChange' | 'id'> }) {
  const { lang } = useT();
  return (
    <Form.Item validateFirst {...item} rules={[dayRule(lang), ...(rules ?? [])]}>
      <DayField {...field} />
    </Form.Item>
  );
}
