import { Form } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { ApiError, type FieldError } from './api';
import { useT } from './i18n';
import { validate } from './validation';
import { newId } from './ids';

/** `members[0].name` → `members`: the form item a field error belongs to. */
const itemOf = (field: string) => field.replace(/\[.*$/, '');

/**
 * A form validated as the user types against an OpenAPI request schema (`schema`, the API's own rules; see
 * validation.ts) and sent with an Idempotency-Key: one key per content, kept after a 5xx (the outcome is unknown:
 * the same request again is safe) and renewed after an answer or a 4xx (final for this content). `body` maps the
 * form's values to the request; `fields` are the items a submit marks as touched; `extra` adds the errors of rules the
 * API enforces beyond the schema, from the domain's pure functions (date-rules.ts: a day after today…).
 *
 * Returns the antd form, `help(item)` for a Form.Item (the errors of the item and of its elements, once touched),
 * `onValuesChange` for the Form, `touch(items)`, `reset()`, `revalidate()`, the server's refusal (`serverError`),
 * `sending`, and `send(post)`: validates, posts `post(body, key)` and returns its answer, or undefined when the
 * form or the server refused it (the errors are then on the form).
 */
export function useSchemaForm<V extends object>(
  schema: string,
  body: (values: V) => unknown,
  fields: readonly string[],
  extra?: (values: V) => FieldError[],
) {
  const { pick } = useT();
  const [form] = Form.useForm<V>();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [serverError, setServerError] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  const idempotencyKey = useRef(newId());

  /** The errors of the values as they are now: the schema's and the extra rules' (never the server's last answer). */
  const errorsNow = async (): Promise<FieldError[]> => {
    const values = form.getFieldsValue();
    const more = extra?.(values) ?? [];
    try {
      return [...(await validate(schema, body(values))), ...more];
    } catch {
      return more;
    }
  };
  const revalidate = () => {
    void errorsNow().then(setErrors);
  };
  useEffect(revalidate, []);
  const touch = (items: Iterable<string>) => setTouched((s) => new Set([...s, ...items]));
  const help = (item: string) => {
    const e = errors.filter((x) => x.field === item || x.field.startsWith(`${item}[`));
    // A nested item (`registeredCapitalWan.small`) is touched with its top-level field (what onValuesChange names).
    const seen = touched.has(item) || touched.has(itemOf(item.split('.')[0]!));
    return e.length > 0 && seen ? { validateStatus: 'error' as const, help: e.map((x) => pick(x.message)).join('; ') } : {};
  };
  const onValuesChange = (changed: Partial<V>) => {
    touch(Object.keys(changed));
    revalidate();
  };
  const reset = () => {
    form.resetFields();
    setTouched(new Set());
    revalidate();
  };
  const send = async <R>(post: (request: unknown, key: string) => Promise<R>): Promise<R | undefined> => {
    setServerError(null);
    setTouched(new Set(fields));
    // Judged on the values at the click: a server refusal shown on the form (e.g. `unit`: the enterprise was
    // suspended, then reinstated) must not block sending again until a field changes; the server judges again.
    const now = await errorsNow();
    setErrors(now);
    if (now.length > 0) return undefined;
    setSending(true);
    try {
      const answer = await post(body(form.getFieldsValue()), idempotencyKey.current);
      idempotencyKey.current = newId();
      return answer;
    } catch (e) {
      setServerError(e);
      if (e instanceof ApiError && e.errors.length > 0) {
        setErrors(e.errors);
        setTouched(new Set(e.errors.map((x) => itemOf(x.field))));
      }
      if (e instanceof ApiError && e.status < 500) idempotencyKey.current = newId();
      return undefined;
    } finally {
      setSending(false);
    }
  };
  return { form, help, onValuesChange, touch, reset, revalidate, serverError, sending, send };
}
