import { Alert, Form, type FormInstance } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { api, ApiError, type StepProgress } from '../api';
import { useT } from '../i18n';
import { joinNames } from '../lists';
// The API's answer (POST /api/delegations/:id/amendment-preview): the contract's type, erased in the build.
import type { AmendPreview } from '../../../../libs/contracts/src/delegation';

/** How long the dialog waits after the last change before asking (ms): one question per pause in typing. */
const PREVIEW_PAUSE_MS = 500;

/**
 * What the amendment as filled in would run again, said in its dialog before it is sent (trial 77: an amendment said
 * what it undid only once it was done): the API's preview, the engine's own rules (nothing is recorded), asked again
 * after each pause in the changes. Says nothing while the changes are none; refused by a rule (422, 409), says why
 * before 确定 is pressed (trial 85: 9 days in two countries, DAYS_EXCEEDED, showed no preview and no word of it).
 * `changesOf`: the amendment's `changes` the dialog would send for its values.
 */
export function AmendPreviewNote(props: {
  form: FormInstance;
  caseId: string;
  steps: readonly StepProgress[];
  /** The case's members as they are (the removed ones are named). */
  members: ReadonlyArray<{ id: string; name: string }>;
  changesOf: (values: never) => Record<string, unknown>;
}) {
  const { form, caseId, steps, members, changesOf } = props;
  const { t, pick, code, lang } = useT();
  const values = Form.useWatch([], form) as unknown;
  const [preview, setPreview] = useState<AmendPreview | null>(null);
  const [refusal, setRefusal] = useState<ApiError | null>(null);
  const asked = useRef(0);
  // The dialog's values as it opened: no change, nothing to ask (the API would answer 422 no-change).
  const opened = useRef<string | null>(null);
  const body = useMemo(() => {
    if (!values) return null;
    try {
      return JSON.stringify({ changes: changesOf(values as never) });
    } catch {
      return null; // values the dialog cannot send yet (a day half typed)
    }
  }, [values, changesOf]);
  useEffect(() => {
    const n = ++asked.current;
    opened.current ??= body;
    if (!body || body === opened.current) {
      setPreview(null);
      setRefusal(null);
      return;
    }
    const timer = setTimeout(() => {
      // Half typed (a field the dialog refuses as it stands, e.g. a stop outside the new dates): nothing to ask yet.
      if (form.getFieldsError().some((f) => f.errors.length > 0)) return setPreview(null);
      api<AmendPreview>('POST', `/api/delegations/${caseId}/amendment-preview`, JSON.parse(body) as unknown)
        .then((answer) => {
          if (n !== asked.current) return;
          setPreview(answer);
          setRefusal(null);
        })
        .catch((err: unknown) => {
          if (n !== asked.current) return;
          setPreview(null);
          // A rule's refusal is said now; anything else (the engine unavailable, a request the dialog cannot send) is
          // left to 确定, which says it in the dialog.
          setRefusal(err instanceof ApiError && (err.status === 422 || err.status === 409) ? err : null);
        });
    }, PREVIEW_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [body, caseId, form]);
  if (refusal) {
    const why = [...new Set([...refusal.violations, ...refusal.errors].map((x) => pick(x.message)))];
    return (
      <Alert
        type="error"
        showIcon
        role="note"
        data-testid="amend-preview-refused"
        title={t('amendPreviewRefused')}
        description={
          <ul style={{ margin: 0, paddingInlineStart: 20 }}>
            {(why.length > 0 ? why : [pick(refusal.bilingual)]).map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        }
        style={{ marginBottom: 16 }}
      />
    );
  }
  if (!preview) return null;
  const stepName = (key: string) => {
    const s = steps.find((x) => x.key === key);
    if (!s) return key;
    const status = code('stepSt_', s.status);
    return lang === 'zh' ? `${key} ${pick(s.name)}（${status}）` : `${key} ${pick(s.name)} (${status})`;
  };
  // Named as the dialog's 保留的成员 names them, with the id (two 王五 told apart: trial 80).
  const memberName = (id: string) => {
    const name = members.find((m) => m.id === id)?.name;
    return name ? `${name}（${id}）` : id;
  };
  const lines = [
    preview.reruns.length > 0
      ? `${t('amendPreviewReruns')}${joinNames(
          preview.reruns.map((r) => stepName(r.key)),
          lang,
        )}`
      : t('amendPreviewNoReruns'),
    ...(preview.membersAdded.length > 0 ? [t('amendPreviewAdded').replace('{n}', String(preview.membersAdded.length))] : []),
    ...(preview.membersRemoved.length > 0 ? [`${t('amendPreviewRemoved')}${joinNames(preview.membersRemoved.map(memberName), lang)}`] : []),
  ];
  return (
    <Alert
      type={preview.reruns.some((r) => r.status === 'done') ? 'warning' : 'info'}
      showIcon
      data-testid="amend-preview"
      title={t('amendPreviewTitle')}
      description={
        <ul style={{ margin: 0, paddingInlineStart: 20 }}>
          {lines.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      }
      style={{ marginBottom: 16 }}
    />
  );
}
