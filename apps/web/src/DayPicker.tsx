import { DatePicker, Input } from 'antd';
import { useRef } from 'react';
import dayjs from 'dayjs';
// Strict parsing with a format (antd's picker registers it too: said here, where the strict parse depends on it).
import customParseFormat from 'dayjs/plugin/customParseFormat';
// The calendar's month and weekday names in Chinese (Ant Design's zh_CN locale names dayjs's zh-cn for them).
import 'dayjs/locale/zh-cn';
import type { DayFieldProps } from './DayField';

dayjs.extend(customParseFormat);

/** The API's day format (and the office's): the same whatever the browser's locale. */
const DAY_FORMAT = 'YYYY-MM-DD';

/**
 * DayField's picker, in a module of its own that DayField loads lazily (with it Ant Design's DatePicker and dayjs,
 * the `antd-picker` chunk): Ant Design's DatePicker in the app's language (its ConfigProvider locale), always
 * YYYY-MM-DD, its value and changes 'YYYY-MM-DD' strings.
 */
export default function DayPicker({ value, onChange, ...rest }: DayFieldProps) {
  // Strict: 2027-02-30 is no day (a lenient parse would show 2027-03-02).
  const day = value ? dayjs(value, DAY_FORMAT, true) : null;
  // Enter on a text that is no day swaps the picker for the text box below while the user is in it: focus follows.
  const keepFocus = useRef(false);
  /**
   * A typed text that is no day (2027-02-30) is the field's value as typed, for its rules or the API to refuse at the
   * field: the picker would drop it and keep the day before, without a word (trial 53: C05 recorded the issue date
   * that was there, not the one typed).
   */
  const keepTyped = (input: EventTarget, viaEnter = false) => {
    if (!(input instanceof HTMLInputElement)) return;
    const text = input.value.trim();
    // A box emptied by hand is cleared: the picker would keep the day before and send it (trial 87: K06's issue date
    // typed, then deleted, was sent and refused under an empty box).
    if (text === '' && value) {
      onChange?.('');
      return;
    }
    if (text !== '' && text !== value && !dayjs(text, DAY_FORMAT, true).isValid()) {
      keepFocus.current = viaEnter;
      onChange?.(text);
    }
  };
  const typed = value && !day?.isValid() ? value : undefined;
  if (typed) {
    // The picker cannot hold a text that is no day: the box shows it as typed, to be corrected in place, and refused
    // under it (dayRule); once it reads a day, the picker is back with it (trial 54: an empty box under the refusal;
    // trial 58: the text only as a placeholder, to be retyped whole).
    const autoFocus = keepFocus.current;
    keepFocus.current = false;
    return (
      <Input
        id={rest.id}
        style={rest.style}
        disabled={rest.disabled}
        aria-label={rest['aria-label']}
        data-testid={rest['data-testid']}
        status="error"
        autoFocus={autoFocus}
        autoComplete="off"
        value={typed}
        onChange={(e) => onChange?.(e.target.value.trim())}
        // Enter sends nothing here either: only a form's button does.
        onPressEnter={(e) => e.preventDefault()}
      />
    );
  }
  // The wrapper's capture handlers read the box before the picker's own: leaving the box (Tab, a click elsewhere) resets
  // a text that is no day before an onBlur given to the picker runs (trial 56: 2027-02-30 typed into a birth date and
  // left with Tab was emptied without a word). `display: contents` keeps the picker's layout.
  return (
    <span style={{ display: 'contents' }} onBlurCapture={(e) => keepTyped(e.target)}>
      <DatePicker
        {...rest}
        format={DAY_FORMAT}
        value={day?.isValid() ? day : null}
        onChange={(d) => onChange?.(d ? d.format(DAY_FORMAT) : '')}
        // Enter takes the typed day (the picker's own handling, which runs first) and no more: it does not also submit
        // the form around the field (an amendment or an application sent by confirming a day).
        onKeyDown={(e) => {
          if (e.key !== 'Enter') return;
          e.preventDefault();
          keepTyped(e.target, true);
        }}
      />
    </span>
  );
}
