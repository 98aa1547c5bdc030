import { DatePicker } from 'antd';
import dayjs from 'dayjs';
// The calendar's month and weekday names in Chinese (Ant Design's zh_CN locale names dayjs's zh-cn for them).
import 'dayjs/locale/zh-cn';
import type { DayFieldProps } from './DayField';

/** The API's day format (and the office's): the same whatever the browser's locale. */
const DAY_FORMAT = 'YYYY-MM-DD';

/**
 * DayField's picker, in a module of its own that DayField loads lazily (with it Ant Design's DatePicker and dayjs,
 * the `antd-picker` chunk): Ant Design's DatePicker in the app's language (its ConfigProvider locale), always
 * YYYY-MM-DD, its value and changes 'YYYY-MM-DD' strings.
 */
export default function DayPicker({ value, onChange, ...rest }: DayFieldProps) {
  const day = value ? dayjs(value, DAY_FORMAT) : null;
  return (
    <DatePicker
      {...rest}
      format={DAY_FORMAT}
      value={day?.isValid() ? day : null}
      onChange={(d) => onChange?.(d ? d.format(DAY_FORMAT) : '')}
      // Enter takes the typed day (the picker's own handling, which runs first) and no more: it does not also submit
      // the form around the field (an amendment or an application sent by confirming a day).
      onKeyDown={(e) => {
        if (e.key === 'Enter') e.preventDefault();
      }}
    />
  );
}
