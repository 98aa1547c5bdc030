import { Alert, Button, Card, Form, Input, Radio, Result, Space, Typography } from 'antd';
import { useState } from 'react';
import { login, type Grant, type Session } from '../api';
import { useErrorText, useUnitNames } from '../common';
import { useT, type Bilingual } from '../i18n';
import { navigate } from '../router';
import { LangSwitch } from './LangSwitch';

export function LoginPage({ onSignedIn }: { onSignedIn(s: Session): void }) {
  const { t } = useT();
  const errText = useErrorText();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // Several grants: the first sign-in answers them; the pick signs in again for the chosen one.
  const [picking, setPicking] = useState<{ session: Session; username: string; password: string } | null>(null);
  const [grantKey, setGrantKey] = useState('');
  const keyOf = (g: Grant) => `${g.role}@${g.unit}`;
  if (picking)
    return (
      <GrantPicker
        session={picking.session}
        value={grantKey}
        onChange={setGrantKey}
        busy={busy}
        error={error ? errText(error) : null}
        onPick={() => {
          const g = picking.session.grants.find((x) => keyOf(x) === grantKey);
          if (!g || keyOf(g) === keyOf(picking.session.user)) return onSignedIn(picking.session);
          setBusy(true);
          setError(null);
          login(picking.username, picking.password, g).then(onSignedIn, (e: unknown) => {
            setError(e);
            setBusy(false);
          });
        }}
      />
    );
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
            login(v.username.trim(), v.password).then(
              (s) => {
                // A forced password change comes first; the grant is picked at a later sign-in.
                if (s.grants.length > 1 && !s.mustChangePassword) {
                  setBusy(false);
                  setGrantKey(keyOf(s.user));
                  setPicking({ session: s, username: v.username.trim(), password: v.password });
                } else onSignedIn(s);
              },
              (e: unknown) => {
                setError(e);
                setBusy(false);
              },
            );
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

function GrantPicker(props: {
  session: Session;
  value: string;
  onChange(v: string): void;
  busy: boolean;
  error: string | null;
  onPick(): void;
}) {
  const { t, code } = useT();
  const { unitName } = useUnitNames();
  return (
    <main style={{ display: 'flex', justifyContent: 'center', paddingTop: 80 }}>
      <Card
        style={{ width: 440 }}
        title={
          <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
            {t('grant')}
          </Typography.Title>
        }
        extra={<LangSwitch />}
      >
        <Typography.Paragraph id="grant-pick-label">{t('pickGrant')}</Typography.Paragraph>
        <Radio.Group value={props.value} onChange={(e) => props.onChange(String(e.target.value))} aria-labelledby="grant-pick-label">
          <Space orientation="vertical">
            {props.session.grants.map((g) => (
              <Radio key={`${g.role}@${g.unit}`} value={`${g.role}@${g.unit}`} data-testid={`grant-${g.role}-${g.unit}`}>
                {code('role_', g.role)} · {unitName(g.unit)}
              </Radio>
            ))}
          </Space>
        </Radio.Group>
        {props.error ? <Alert type="error" showIcon title={props.error} style={{ marginTop: 16 }} role="alert" /> : null}
        <Button type="primary" block style={{ marginTop: 16 }} loading={props.busy} onClick={props.onPick} data-testid="grant-continue">
          {t('continue')}
        </Button>
      </Card>
    </main>
  );
}

/** The session ended: why, in the API's words when it said (`reason`, its 401), else the token's lifetime ran out. */
export function ExpiredPage({ reason }: { reason?: Bilingual }) {
  const { t, pick } = useT();
  return (
    <main>
      <Result
        status="warning"
        title={t('expiredTitle')}
        subTitle={reason ? pick(reason) : t('expiredText')}
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
