import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { ApiError, changePassword, type FieldError, type Session } from '../api';
import { useErrorText } from '../common';
import { useT } from '../i18n';
import { validate } from '../validation';

interface Values {
  currentPassword?: string;
  newPassword?: string;
  confirm?: string;
}

/**
 * Change password (POST /api/auth/password): reached from the header at any time, and forced (`forced`)
 * while the password is one an administrator set. The rules come from the OpenAPI schema PasswordChangeRequest;
 * the confirmation is the page's own. On success the new token becomes the session.
 */
export function PasswordPage({ forced, onChanged, onCancel }: { forced: boolean; onChanged(s: Session): void; onCancel?: () => void }) {
  const { t, pick } = useT();
  const errText = useErrorText();
  const [form] = Form.useForm<Values>();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const body = (v: Values) => ({ currentPassword: v.currentPassword ?? '', newPassword: v.newPassword ?? '' });
  const revalidate = () => {
    validate('PasswordChangeRequest', body(form.getFieldsValue(true))).then(setErrors, () => undefined);
  };
  const status = (field: string) => {
    const e = errors.find((x) => x.field === field);
    return e && touched.has(field) ? { validateStatus: 'error' as const, help: pick(e.message) } : {};
  };

  const submit = (v: Values) => {
    const all = new Set(['currentPassword', 'newPassword']);
    setTouched(all);
    // Validated afresh: a refusal's field errors from the last attempt must not block the next one.
    void validate('PasswordChangeRequest', body(v)).then((errs) => {
      setErrors(errs);
      if (errs.length > 0) return;
      setBusy(true);
      setError(null);
      changePassword(body(v).currentPassword, body(v).newPassword).then(onChanged, (e: unknown) => {
        if (e instanceof ApiError && e.errors.length > 0) setErrors(e.errors);
        setError(e);
        setBusy(false);
      });
    });
  };

  // A lockout's message says the wait in minutes (the API's RetryLaterError): shown as it is.
  const refusal = (e: unknown): string => errText(e);

  return (
    <div style={{ display: 'flex', justifyContent: 'center', paddingTop: forced ? 80 : 24 }}>
      <Card
        style={{ width: 440 }}
        title={
          <Typography.Title level={forced ? 1 : 2} style={{ fontSize: 20, margin: 0 }}>
            {forced ? t('mustChangeTitle') : t('changePassword')}
          </Typography.Title>
        }
      >
        {forced ? <Alert type="warning" showIcon title={t('mustChangeText')} style={{ marginBottom: 16 }} /> : null}
        <Form
          form={form}
          layout="vertical"
          onFinish={submit}
          onValuesChange={(changed: Values) => {
            setTouched((s) => new Set([...s, ...Object.keys(changed)]));
            revalidate();
          }}
        >
          <Form.Item label={t('currentPassword')} name="currentPassword" {...status('currentPassword')}>
            <Input.Password autoComplete="current-password" autoFocus data-testid="current-password" />
          </Form.Item>
          <Form.Item label={t('newPassword')} name="newPassword" {...status('newPassword')}>
            <Input.Password autoComplete="new-password" data-testid="new-password" />
          </Form.Item>
          <Form.Item
            label={t('confirmPassword')}
            name="confirm"
            dependencies={['newPassword']}
            rules={[
              { required: true, message: t('required') },
              ({ getFieldValue }) => ({
                validator: (_r, value) =>
                  value === getFieldValue('newPassword') ? Promise.resolve() : Promise.reject(new Error(t('passwordsDiffer'))),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" data-testid="confirm-password" />
          </Form.Item>
          {error ? <Alert type="error" showIcon title={refusal(error)} style={{ marginBottom: 16 }} role="alert" /> : null}
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="change-password-submit">
            {t('changePassword')}
          </Button>
          {onCancel ? (
            <Button block style={{ marginTop: 8 }} onClick={onCancel}>
              {t('cancel')}
            </Button>
          ) : null}
        </Form>
      </Card>
    </div>
  );
}
