import { App as AntApp, Badge, Button, ConfigProvider, Dropdown, Layout, Menu, Result, Space, Typography } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { api, currentSession, onPasswordChangeRequired, onSessionExpired, setSession, type InboxItem, type Session } from './api';
import { LangContext, initialLang, useT, type Bilingual, type Lang, type LabelKey } from './i18n';
import { useUnitNames } from './common';
import { discardAllDrafts } from './drafts';
import { navigate, usePath } from './router';
import { CasesPage } from './pages/Cases';
import { ExpiredPage, LoginPage } from './pages/Login';
import { InboxPage, ManagerInboxPage } from './pages/Inbox';
import { NewTripPage } from './pages/NewTrip';
import { NotificationsPage, notificationsOf } from './pages/Notifications';
import { PasswordPage } from './pages/Password';
import { UsersPage } from './pages/Users';
import { ApecClerkPage } from './pages/ApecClerk';
import { ApecDeskPage } from './pages/ApecDesk';
import { LangSwitch } from './pages/LangSwitch';
import { BOARD_ROLES } from '../../../libs/domain/src/access';

// The case page and the board draw ECharts: their chunks (and ECharts') load only when opened.
const CasePage = lazy(() => import('./pages/CasePage'));
const BoardPage = lazy(() => import('./pages/Board'));
// The registries (登记簿) are a few roles' work: their chunk loads when opened.
const RegistriesPage = lazy(() => import('./pages/Registries'));

/** Roles that may read the managers' board (GET /api/dashboard answers 403 to the others). */
/** Who reads the board: the API's own table (libs/domain BOARD_ROLES; trial 74: the APEC desk had no board here). */
const BOARD_READERS: ReadonlySet<string> = new Set(BOARD_ROLES);

/** Ant Design's grey secondary texts darkened to WCAG AA contrast (axe-core's color-contrast rule). */
const THEME = {
  colorPrimary: '#0958d9',
  colorError: '#cf1322',
  colorPrimaryHover: '#003eb3',
  colorLink: '#0958d9',
  colorLinkHover: '#003eb3',
  colorTextDisabled: 'rgba(0, 0, 0, 0.55)',
  colorTextQuaternary: 'rgba(0, 0, 0, 0.55)',
  colorTextDescription: 'rgba(0, 0, 0, 0.65)',
  colorTextPlaceholder: 'rgba(0, 0, 0, 0.6)',
  colorTextTertiary: 'rgba(0, 0, 0, 0.6)',
};

/**
 * The user's "reduce motion" setting (prefers-reduced-motion, WCAG 2.3.3), followed as it changes: Ant Design's
 * zoom, fade and slide animations are switched off for those who asked (and for the browser tests, which ask:
 * a click during a dialog's entrance on a loaded machine is a race no user should have to win).
 */
function usePrefersReducedMotion(): boolean {
  const query = useMemo(() => (typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-reduced-motion: reduce)') : null), []);
  const [reduced, setReduced] = useState(query?.matches ?? false);
  useEffect(() => {
    if (!query) return;
    const changed = (e: MediaQueryListEvent) => setReduced(e.matches);
    query.addEventListener('change', changed);
    return () => query.removeEventListener('change', changed);
  }, [query]);
  return reduced;
}

export function homeOf(role: string): string {
  if (role === 'organizer') return '/cases';
  if (role === 'manager') return '/board';
  // The admin administers users and reaches no case (docs/security.md "Users and roles").
  if (role === 'admin') return '/users';
  return '/inbox';
}

const TEXT_AREA_COUNT = { position: 'static', display: 'block', textAlign: 'end' } as const;

export function App() {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const reducedMotion = usePrefersReducedMotion();
  const setLang = (l: Lang) => {
    localStorage.setItem('lang', l);
    document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
    setLangState(l);
  };
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  }, [lang]);
  return (
    <LangContext.Provider value={{ lang, setLang }}>
      <ConfigProvider
        locale={lang === 'zh' ? zhCN : enUS}
        theme={{ token: { ...THEME, motion: !reducedMotion } }}
        // A text box's character count in the flow below it, not laid over what follows (trial 71: the 挂失 dialog's
        // count covered its hint; every box with a form item's hint or error under it had the same).
        textArea={{ styles: { count: TEXT_AREA_COUNT } }}
      >
        <AntApp>
          <Shell />
        </AntApp>
      </ConfigProvider>
    </LangContext.Provider>
  );
}

function Shell() {
  const path = usePath();
  const [session, setSess] = useState<Session | null>(currentSession);
  // Why the session ended, in the API's words (its 401); none when the token's own lifetime ran out.
  const [endedBecause, setEndedBecause] = useState<Bilingual | undefined>(undefined);
  const { t } = useT();

  useEffect(() => {
    onSessionExpired((reason) => {
      setSess(null);
      setEndedBecause(reason);
      navigate('/expired');
    });
    // An API call refused with PASSWORD_CHANGE_REQUIRED: the session is marked; the forced change page shows.
    onPasswordChangeRequired(() => setSess(currentSession()));
  }, []);
  // The token's own lifetime: show the expired page when it runs out, even without a request.
  useEffect(() => {
    if (!session) return;
    const timer = setTimeout(
      () => {
        setSession(null);
        setSess(null);
        setEndedBecause(undefined);
        navigate('/expired');
      },
      Math.max(0, session.expiresAt - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [session]);

  if (path === '/expired') return <ExpiredPage reason={endedBecause} />;
  if (!session || path === '/login')
    return (
      <LoginPage
        onSignedIn={(s) => {
          setSess(s);
          navigate(homeOf(s.user.role));
        }}
      />
    );
  if (session.mustChangePassword)
    return (
      <main>
        <PasswordPage
          forced
          onChanged={(s) => {
            setSess(s);
            navigate(homeOf(s.user.role));
          }}
        />
      </main>
    );
  if (path === '/') return <Redirect to={homeOf(session.user.role)} />;
  return (
    <Frame
      session={session}
      path={path}
      onSignOut={() => {
        discardAllDrafts();
        setSession(null);
        setSess(null);
        navigate('/login');
      }}
    >
      <Suspense fallback={<Typography.Text>{t('loading')}</Typography.Text>}>
        <Page path={path} session={session} onSession={setSess} />
      </Suspense>
    </Frame>
  );
}

/** Navigates after rendering (navigating while rendering would update the router during another render). */
function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to), [to]);
  return null;
}

function Page({ path, session, onSession }: { path: string; session: Session; onSession(s: Session): void }) {
  const { t } = useT();
  const { message } = AntApp.useApp();
  if (path === '/password')
    return (
      <PasswordPage
        forced={false}
        onCancel={() => navigate('/')}
        onChanged={(s) => {
          void message.success(t('passwordChanged'));
          onSession(s);
          navigate(homeOf(s.user.role));
        }}
      />
    );
  if (session.user.role === 'admin') return path === '/users' ? <UsersPage /> : <Redirect to="/users" />;
  const caseMatch = /^\/cases\/([0-9a-f-]{36})$/.exec(path);
  if (path === '/cases') return <CasesPage session={session} />;
  if (path === '/cases/new' && session.user.role === 'organizer') return <NewTripPage session={session} />;
  if (caseMatch) return <CasePage caseId={caseMatch[1]!} session={session} />;
  // The manager decides nothing (no inbox in the menu): their /inbox says so and leads to the board.
  if (path === '/inbox') return session.user.role === 'manager' ? <ManagerInboxPage /> : <InboxPage />;
  if (path === '/board' && BOARD_READERS.has(session.user.role)) return <BoardPage />;
  if (path === '/notifications') return <NotificationsPage />;
  // Every role but the admin reads some registry (the API scopes each: a unit's roles their own unit's).
  if (path === '/registries') return <RegistriesPage session={session} />;
  // The two APEC roles' page (issue 17); what each may do is the API's answer.
  if (path === '/apec' && session.user.role === 'enterprise-clerk') return <ApecClerkPage session={session} />;
  if (path === '/apec' && session.user.role === 'apec-desk') return <ApecDeskPage />;
  return <Result status="404" title={t('notFound')} extra={<Button onClick={() => navigate('/')}>{t('backHome')}</Button>} />;
}

function Frame({ session, path, onSignOut, children }: { session: Session; path: string; onSignOut(): void; children: React.ReactNode }) {
  const { t, code } = useT();
  const { unitName } = useUnitNames();
  const [count, setCount] = useState<number | null>(null);
  // The header's count: the user's notifications, derived from the inbox (refreshed every 30 s).
  useEffect(() => {
    if (session.user.role === 'admin') return;
    let alive = true;
    const load = () =>
      api<{ items: InboxItem[] }>('GET', '/api/inbox?pageSize=200').then(
        (r) => alive && setCount(notificationsOf(r.items, Date.now()).length),
        () => undefined,
      );
    void load();
    const timer = setInterval(load, 30_000);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [path, session.user.role]);

  const role = session.user.role;
  const items = useMemo(() => {
    const entries: Array<[string, LabelKey]> = [];
    if (role === 'admin') entries.push(['/users', 'navUsers']);
    else if (role === 'organizer') entries.push(['/cases', 'navCases'], ['/cases/new', 'navNew']);
    else entries.push(['/cases', 'navAllCases']);
    if (role !== 'manager' && role !== 'admin') entries.push(['/inbox', 'navInbox']);
    if (BOARD_READERS.has(role)) entries.push(['/board', 'navBoard']);
    if (role === 'enterprise-clerk' || role === 'apec-desk') entries.push(['/apec', 'navApec']);
    // The administrator reads no registry (docs/registries.md): the API answers them no unit, roster or ledger.
    if (role !== 'admin') entries.push(['/registries', 'navRegistries']);
    return entries.map(([key, label]) => ({
      key,
      label: (
        <a
          href={key}
          tabIndex={-1}
          onClick={(e) => {
            // The menu navigates (its onClick, also on Enter); a new tab or window is the browser's.
            if (!e.ctrlKey && !e.metaKey && !e.shiftKey) e.preventDefault();
            else e.stopPropagation();
          }}
        >
          {t(label)}
        </a>
      ),
    }));
  }, [role, t]);

  const name = session.user.name || session.user.username;
  const grant = `${code('role_', role)} · ${unitName(session.user.unit)}`;
  const cut = { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' } as const;
  return (
    <Layout style={{ minHeight: '100vh' }}>
      {/* At 1024 px with a Chinese font (a common office screen) every menu item stays in sight: the grant sits under
          the user's name in the account's button, and the sides keep to what they need. */}
      <Layout.Header
        style={{ display: 'flex', alignItems: 'center', gap: 12, padding: '0 16px', background: '#fff', borderBottom: '1px solid #f0f0f0' }}
      >
        <Typography.Title level={1} style={{ margin: 0, fontSize: 18, whiteSpace: 'nowrap', flex: 'none' }}>
          {t('appTitle')}
        </Typography.Title>
        <nav aria-label={t('appTitle')} style={{ flex: 1, minWidth: 0 }}>
          <Menu
            mode="horizontal"
            selectedKeys={[path.startsWith('/cases/') && path !== '/cases/new' ? '/cases' : path]}
            items={items}
            onClick={({ key, domEvent }) => {
              // A link opened in a new tab or window (Ctrl/Shift/middle click) is the browser's; otherwise the app's.
              const e = domEvent as React.MouseEvent;
              if (e.ctrlKey || e.metaKey || e.shiftKey) return;
              navigate(key);
            }}
            style={{ borderBottom: 'none' }}
          />
        </nav>
        <Space size={8} style={{ flex: 'none' }}>
          {role === 'admin' ? null : (
            // A count of nothing is no alert: the red badge shows only when something waits.
            <Badge count={count ?? 0} data-testid="notifications-badge">
              <Button
                data-testid="notifications"
                aria-label={count ? `${t('notifications')} (${count})` : undefined}
                onClick={() => navigate('/notifications')}
              >
                {t('notifications')}
              </Button>
            </Badge>
          )}
          <LangSwitch />
          {/* The account's menu under the user's own name, the current grant beneath it in small print (a long unit
              name is cut, in full on hover). */}
          <Dropdown
            trigger={['click']}
            menu={{
              items: [
                { key: 'password', label: <span data-testid="change-password">{t('changePassword')}</span> },
                { key: 'sign-out', label: <span data-testid="sign-out">{t('signOut')}</span> },
              ],
              onClick: ({ key }) => (key === 'password' ? navigate('/password') : onSignOut()),
            }}
          >
            <Button
              data-testid="user"
              title={`${name} · ${grant}`}
              aria-label={`${t('userMenu')}: ${name} · ${grant}`}
              style={{ height: 'auto', padding: '2px 10px', lineHeight: 1.35 }}
            >
              <span style={{ display: 'inline-flex', flexDirection: 'column', alignItems: 'flex-start', maxWidth: 180 }}>
                <span data-testid="user-name" style={{ ...cut, maxWidth: '100%', fontWeight: 600 }}>
                  {name}
                </span>
                <span data-testid="grant" style={{ ...cut, maxWidth: '100%', fontSize: 12, color: 'rgba(0, 0, 0, 0.65)' }}>
                  {grant}
                </span>
              </span>
              <span aria-hidden="true">▾</span>
            </Button>
          </Dropdown>
        </Space>
      </Layout.Header>
      {/* Ant Design's Content is the page's one <main> landmark (trial 70: a <main> inside it made two, nested). */}
      <Layout.Content style={{ padding: 24 }}>{children}</Layout.Content>
    </Layout>
  );
}
