import { App as AntApp, Button, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography, type ButtonProps } from 'antd';
import { useState } from 'react';
import { api, ApiError, currentSession, type FieldError, type Grant, type UnitSummary } from '../api';
import { fmtDateTime, Loaded, rememberUnits, TAG, useErrorText, useLoad, useUnitNames } from '../common';
import { ROLE_NAMES, useT } from '../i18n';
import { validate } from '../validation';

/** A user as GET /api/users answers it (docs/api.md, the OpenAPI component User). */
interface UserRow {
  id: string;
  username: string;
  displayName: string;
  grants: Grant[];
  status: 'active' | 'disabled';
  mustChangePassword: boolean;
  lastSignInAt: string | null;
  /** The grants no other enabled account holds: disabling this user leaves them with no one (the API's soleHolderOf). */
  soleHolderOf?: Grant[];
}

interface CreateValues {
  username?: string;
  displayName?: string;
  grants?: Array<Partial<Grant>>;
  password?: string;
}

const enc = encodeURIComponent;

/**
 * User administration for the admin role (GET/POST /api/users…): list with filters, create with grants and an
 * initial password (or a generated one, shown once), disable / enable, grant / revoke, reset password.
 * The API decides every rule (last grant, last admin, self-disable); its bilingual refusals are shown as they come.
 */
export function UsersPage() {
  const { t, pick, code, lang } = useT();
  const { unitName } = useUnitNames();
  const errText = useErrorText();
  const { message, modal } = AntApp.useApp();
  const [filters, setFilters] = useState<{ unit?: string; role?: string; status?: string }>({});
  const query = new URLSearchParams(Object.entries(filters).filter((e): e is [string, string] => Boolean(e[1]))).toString();
  const state = useLoad(async () => {
    const r = await api<{ items: UserRow[]; total: number; units?: UnitSummary[] }>('GET', `/api/users${query ? `?${query}` : ''}`);
    // The grants' units by name (the administrator reads no registry: the answer names them).
    rememberUnits(r.units ?? []);
    return r;
  }, [query]);
  const [creating, setCreating] = useState(false);
  const [granting, setGranting] = useState<string | null>(null);
  // Narrows the loaded list by username or name (the API filters by unit, role and status only).
  const [search, setSearch] = useState('');
  const matches = (u: UserRow) => !search || `${u.username} ${u.displayName}`.toLowerCase().includes(search.toLowerCase());

  const roleOptions = Object.entries(ROLE_NAMES).map(([value, name]) => ({ value, label: pick(name) }));
  const roleName = (r: string) => code('role_', r);
  // One's own account: the API refuses every change of its grants and disabling it (403 SELF_GRANT, 409
  // ADMIN_SELF_DISABLE: another administrator does them), so none is offered; resetting one's password is allowed.
  const me = currentSession()?.user.username;

  /** Runs one change; refusals (409 LAST_GRANT, ADMIN_SELF_DISABLE, …) in the user's language. */
  const act = (p: Promise<unknown>) =>
    p.then(
      () => {
        void message.success(t('saved'));
        state.reload();
      },
      (e: unknown) => void message.error(errText(e)),
    );

  const showPassword = (username: string, password: string | undefined) => {
    if (!password) return;
    modal.info({
      title: t('oneTimePassword'),
      content: (
        <Typography.Paragraph copyable={{ text: password }} data-testid="one-time-password">
          {username}: <code>{password}</code>
        </Typography.Paragraph>
      ),
      okText: t('close'),
    });
  };

  return (
    <section>
      <Typography.Title level={2} style={{ fontSize: 20 }}>
        {t('navUsers')}
      </Typography.Title>
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search
          allowClear
          placeholder={t('unit')}
          aria-label={t('unit')}
          onSearch={(v) => setFilters((f) => ({ ...f, unit: v.trim() || undefined }))}
          style={{ width: 200 }}
        />
        <Input
          allowClear
          placeholder={t('searchUser')}
          aria-label={t('searchUser')}
          value={search}
          onChange={(e) => setSearch(e.target.value.trim())}
          style={{ width: 200 }}
          data-testid="user-search"
        />
        <Select
          allowClear
          aria-label={t('role')}
          placeholder={t('allRoles')}
          options={roleOptions}
          style={{ width: 220 }}
          onChange={(v?: string) => setFilters((f) => ({ ...f, role: v }))}
        />
        <Select
          allowClear
          id="user-status-filter"
          aria-label={t('status')}
          placeholder={t('allStatuses')}
          options={[
            { value: 'active', label: t('us_active') },
            { value: 'disabled', label: t('us_disabled') },
          ]}
          style={{ width: 140 }}
          onChange={(v?: string) => setFilters((f) => ({ ...f, status: v }))}
        />
        <Button type="primary" onClick={() => setCreating(true)} data-testid="new-user">
          {t('newUser')}
        </Button>
      </Space>
      <Loaded state={state}>
        {(d) => (
          <Table<UserRow>
            rowKey="username"
            dataSource={d.items.filter(matches)}
            pagination={{ defaultPageSize: 20, showSizeChanger: true }}
            columns={[
              { title: t('username'), dataIndex: 'username' },
              { title: t('displayName'), dataIndex: 'displayName' },
              {
                title: t('grants'),
                render: (_, u) => (
                  <Space wrap size={4}>
                    {u.grants.map((g) => (
                      <Tag
                        key={`${g.role}@${g.unit}`}
                        closable={u.username !== me}
                        closeIcon={<span aria-label={`${t('revoke')} ${roleName(g.role)} ${unitName(g.unit)}`}>×</span>}
                        onClose={(e) => {
                          e.preventDefault();
                          // Asked once more, naming the grant, and warned when no one else holds it (trial 86: one click
                          // on × took a role away; the only leader's steps had no one).
                          const sole = u.soleHolderOf?.some((x) => x.role === g.role && x.unit === g.unit);
                          modal.confirm({
                            title: t('revokeConfirm')
                              .replace('{grant}', `${roleName(g.role)} · ${unitName(g.unit)}`)
                              .replace('{user}', u.username),
                            content: (
                              <>
                                <div>{t('endsSignIn')}</div>
                                {sole ? (
                                  <Typography.Text type="danger" data-testid="sole-holder-warning">
                                    {t('soleHolderWarning').replace('{grants}', `${roleName(g.role)} · ${unitName(g.unit)}`)}
                                  </Typography.Text>
                                ) : null}
                              </>
                            ),
                            okText: t('revoke'),
                            okButtonProps: { danger: true, 'data-testid': 'revoke-confirm' } as ButtonProps,
                            cancelText: t('cancel'),
                            onOk: () => void act(api('DELETE', `/api/users/${enc(u.username)}/grants/${enc(g.role)}/${enc(g.unit)}`)),
                          });
                        }}
                      >
                        {roleName(g.role)} · {unitName(g.unit)}
                      </Tag>
                    ))}
                    {u.username === me ? (
                      <Tag title={t('ownAccountHint')} data-testid="own-account">
                        {t('ownAccount')}
                      </Tag>
                    ) : (
                      <Button size="small" onClick={() => setGranting(u.username)} data-testid={`grant-${u.username}`}>
                        {t('addGrant')}
                      </Button>
                    )}
                  </Space>
                ),
              },
              {
                title: t('status'),
                render: (_, u) => (
                  <Space size={4}>
                    <Tag color={u.status === 'active' ? TAG.green : TAG.red}>{t(u.status === 'active' ? 'us_active' : 'us_disabled')}</Tag>
                    {u.mustChangePassword ? <Tag color={TAG.gold}>{t('mustChange')}</Tag> : null}
                  </Space>
                ),
              },
              { title: t('lastSignIn'), render: (_, u) => fmtDateTime(u.lastSignInAt) },
              {
                title: t('userActions'),
                render: (_, u) => (
                  <Space size={4} wrap>
                    {u.username === me ? (
                      <Typography.Text type="secondary" data-testid="own-account-hint">
                        {t('ownAccountHint')}
                      </Typography.Text>
                    ) : u.status === 'active' ? (
                      // Both end the user's sign-in at once (token_version): asked once more, naming the user (trial 56:
                      // one click disabled a signed-in clerk).
                      <Popconfirm
                        title={t('disableConfirm').replace('{user}', u.username)}
                        description={
                          <>
                            <div>{t('endsSignIn')}</div>
                            {/* The only account of a role at a unit: its steps would have no one (trial 86: the only
                                approving leader was disabled unwarned). */}
                            {u.soleHolderOf?.length ? (
                              <Typography.Text type="danger" data-testid="sole-holder-warning">
                                {t('soleHolderWarning').replace(
                                  '{grants}',
                                  u.soleHolderOf.map((g) => `${roleName(g.role)} · ${unitName(g.unit)}`).join(lang === 'zh' ? '、' : ', '),
                                )}
                              </Typography.Text>
                            ) : null}
                          </>
                        }
                        okText={t('disable')}
                        okButtonProps={{ danger: true, 'data-testid': 'disable-confirm' } as ButtonProps}
                        cancelText={t('cancel')}
                        onConfirm={() => void act(api('POST', `/api/users/${enc(u.username)}/disable`))}
                      >
                        <Button size="small" danger>
                          {t('disable')}
                        </Button>
                      </Popconfirm>
                    ) : (
                      <Button size="small" onClick={() => void act(api('POST', `/api/users/${enc(u.username)}/enable`))}>
                        {t('enable')}
                      </Button>
                    )}
                    <Popconfirm
                      title={t('resetConfirm').replace('{user}', u.username)}
                      description={t('endsSignIn')}
                      okText={t('resetPassword')}
                      okButtonProps={{ 'data-testid': 'reset-confirm' } as ButtonProps}
                      cancelText={t('cancel')}
                      onConfirm={() =>
                        void act(
                          api<{ oneTimePassword?: string }>('POST', `/api/users/${enc(u.username)}/password-reset`, {}).then((r) =>
                            showPassword(u.username, r.oneTimePassword),
                          ),
                        )
                      }
                    >
                      <Button size="small">{t('resetPassword')}</Button>
                    </Popconfirm>
                  </Space>
                ),
              },
            ]}
          />
        )}
      </Loaded>
      <CreateUserDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(username, password) => {
          setCreating(false);
          state.reload();
          showPassword(username, password);
        }}
      />
      <GrantDialog
        username={granting}
        onClose={() => setGranting(null)}
        onDone={() => {
          setGranting(null);
          state.reload();
        }}
      />
    </section>
  );
}

/** Field status from the OpenAPI schema's errors (shown once the field was touched). */
function useFieldErrors() {
  const { pick } = useT();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const status = (field: string) => {
    const e = errors.find((x) => x.field === field);
    return e && touched.has(field) ? { validateStatus: 'error' as const, help: pick(e.message) } : {};
  };
  return { errors, setErrors, touched, setTouched, status };
}

function CreateUserDialog({ open, onClose, onCreated }: { open: boolean; onClose(): void; onCreated(u: string, p?: string): void }) {
  const { t, pick } = useT();
  const errText = useErrorText();
  const [form] = Form.useForm<CreateValues>();
  const { errors, setErrors, setTouched, status } = useFieldErrors();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const body = (v: CreateValues) => ({
    username: (v.username ?? '').trim(),
    displayName: (v.displayName ?? '').trim(),
    grants: (v.grants ?? []).map((g) => ({ role: g.role ?? '', unit: (g.unit ?? '').trim() })),
    ...(v.password ? { password: v.password } : {}),
  });
  const revalidate = () => void validate('CreateUserRequest', body(form.getFieldsValue(true))).then(setErrors, () => undefined);
  const roleOptions = Object.entries(ROLE_NAMES).map(([value, name]) => ({ value, label: pick(name) }));

  const submit = () => {
    const v = body(form.getFieldsValue(true));
    void validate('CreateUserRequest', v).then((errs) => {
      setErrors(errs);
      setTouched(new Set(errs.map((e) => e.field)));
      if (errs.length > 0) return;
      setBusy(true);
      setError(null);
      api<{ user: { username: string }; oneTimePassword?: string }>('POST', '/api/users', v).then(
        (r) => {
          setBusy(false);
          form.resetFields();
          setErrors([]);
          setTouched(new Set());
          onCreated(r.user.username, r.oneTimePassword);
        },
        (e: unknown) => {
          if (e instanceof ApiError && e.errors.length > 0) {
            setErrors(e.errors);
            setTouched(new Set(e.errors.map((x) => x.field)));
          }
          setError(e);
          setBusy(false);
        },
      );
    });
  };

  return (
    <Modal
      open={open}
      title={t('newUser')}
      onCancel={onClose}
      onOk={submit}
      okText={t('create')}
      cancelText={t('cancel')}
      confirmLoading={busy}
      okButtonProps={{ 'data-testid': 'create-user' } as Record<`data-${string}`, string>}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ grants: [{ role: 'organizer', unit: '' }] }}
        onValuesChange={(changed: CreateValues) => {
          setTouched((s) => {
            const n = new Set(s);
            for (const k of Object.keys(changed)) n.add(k);
            (changed.grants ?? []).forEach((g, i) => {
              if (g) for (const k of Object.keys(g)) n.add(`grants[${i}].${k}`);
            });
            return n;
          });
          revalidate();
        }}
      >
        <Form.Item label={t('username')} name="username" {...status('username')}>
          <Input autoComplete="off" data-testid="user-username" />
        </Form.Item>
        <Form.Item label={t('displayName')} name="displayName" {...status('displayName')}>
          <Input data-testid="user-display-name" />
        </Form.Item>
        <Form.List name="grants">
          {(fields, { add, remove }) => (
            <fieldset style={{ border: 'none', padding: 0, margin: 0 }}>
              <legend style={{ fontSize: 14 }}>{t('grants')}</legend>
              {fields.map((f, i) => (
                <Space key={f.key} align="start" wrap>
                  <Form.Item label={t('role')} name={[f.name, 'role']} {...status(`grants[${i}].role`)}>
                    <Select options={roleOptions} virtual={false} style={{ width: 180 }} data-testid={`user-grant-role-${i}`} />
                  </Form.Item>
                  <Form.Item label={t('unit')} name={[f.name, 'unit']} {...status(`grants[${i}].unit`)}>
                    <Input style={{ width: 160 }} data-testid={`user-grant-unit-${i}`} />
                  </Form.Item>
                  {fields.length > 1 ? (
                    <Button style={{ marginTop: 30 }} onClick={() => remove(f.name)} aria-label={`${t('revoke')} ${i + 1}`}>
                      ×
                    </Button>
                  ) : null}
                </Space>
              ))}
              <Button onClick={() => add({ role: 'organizer', unit: '' })} style={{ marginBottom: 16 }}>
                {t('addGrant')}
              </Button>
            </fieldset>
          )}
        </Form.List>
        <Form.Item label={t('initialPassword')} name="password" {...status('password')}>
          <Input.Password autoComplete="new-password" data-testid="user-password" />
        </Form.Item>
        {errors.some((e) => e.field === 'grants') ? (
          <Typography.Text type="danger">{pick(errors.find((e) => e.field === 'grants')!.message)}</Typography.Text>
        ) : null}
        {error ? (
          <Typography.Paragraph type="danger" role="alert">
            {errText(error)}
          </Typography.Paragraph>
        ) : null}
      </Form>
    </Modal>
  );
}

function GrantDialog({ username, onClose, onDone }: { username: string | null; onClose(): void; onDone(): void }) {
  const { t, pick } = useT();
  const errText = useErrorText();
  const [form] = Form.useForm<Partial<Grant>>();
  const { setErrors, setTouched, status } = useFieldErrors();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const roleOptions = Object.entries(ROLE_NAMES).map(([value, name]) => ({ value, label: pick(name) }));
  const submit = () => {
    const v = form.getFieldsValue(true);
    const g = { role: v.role ?? '', unit: (v.unit ?? '').trim() };
    void validate('RoleGrant', g).then((errs) => {
      setErrors(errs);
      setTouched(new Set(errs.map((e) => e.field)));
      if (errs.length > 0 || !username) return;
      setBusy(true);
      setError(null);
      api('POST', `/api/users/${enc(username)}/grants`, g).then(
        () => {
          setBusy(false);
          form.resetFields();
          onDone();
        },
        (e: unknown) => {
          setError(e);
          setBusy(false);
        },
      );
    });
  };
  return (
    <Modal
      open={username !== null}
      title={`${t('addGrant')}: ${username ?? ''}`}
      onCancel={onClose}
      onOk={submit}
      okText={t('addGrant')}
      cancelText={t('cancel')}
      confirmLoading={busy}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" initialValues={{ role: 'organizer' }}>
        <Form.Item label={t('role')} name="role" {...status('role')}>
          <Select options={roleOptions} virtual={false} />
        </Form.Item>
        <Form.Item label={t('unit')} name="unit" {...status('unit')}>
          <Input />
        </Form.Item>
        {error ? (
          <Typography.Paragraph type="danger" role="alert">
            {errText(error)}
          </Typography.Paragraph>
        ) : null}
      </Form>
    </Modal>
  );
}
