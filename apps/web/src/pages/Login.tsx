import { Alert, Button, Card, Form, Input, Result, Typography } from 'antd';
import { useState } from 'react';
import { login, type Session } from '../api';
import { useErrorText } from '../common';
import { useT } from '../i18n';
import { navigate } from '../router';
import { LangSwitch } from './LangSwitch';

export function LoginPage({ onSignedIn }: { onSignedIn(s: Session): void }) {
  const { t } = useT();
  const errText = useErrorText();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main style={{ display: 'flex', justifyContent: 'center', paddingTop: 80 }}>
      <Card
        style={{ width: 400 }}
        title={
          <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
            {t('appTitle')}
          </Typography.Title>
        }
        extra={<LangSwitch />}
      >
        <Form
          layout="vertical"
          onFinish={(v: { username: string; password: string }) => {
            setBusy(true);
            setError(null);
            login(v.username.trim(), v.password).then(onSignedIn, (e: unknown) => {
              setError(e);
              setBusy(false);
            });
          }}
        >
          <Form.Item label={t('username')} name="username" rules={[{ required: true, message: t('required') }]}>
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item label={t('password')} name="password" rules={[{ required: true, message: t('required') }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          {error ? <Alert type="error" showIcon title={errText(error)} style={{ marginBottom: 16 }} role="alert" /> : null}
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t('signIn')}
          </Button>
        </Form>
        <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0 }}>
          {t('demoHint')}
        </Typography.Paragraph>
      </Card>
    </main>
  );
}

export function ExpiredPage() {
  const { t } = useT();
  return (
    <main>
      <Result
        status="warning"
        title={t('expiredTitle')}
        subTitle={t('expiredText')}
        extra={[
          <Button type="primary" key="again" onClick={() => navigate('/login')}>
            {t('signInAgain')}
          </Button>,
          <LangSwitch key="lang" />,
        ]}
      />
    </main>
  );
}
