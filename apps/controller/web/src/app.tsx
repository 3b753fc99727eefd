import { lazy, Suspense, type ComponentType } from 'react';
import { useQuery } from '@tanstack/react-query';
import { health } from './api/client';
import type { Role } from '@bangtin/shared';
import { useI18n } from './i18n/i18n';
import type { MessageKey } from './i18n/messages';
import { useSession } from './session';
import { Link, useRouter } from './router';
import { LoginScreen } from './screens/login';
import { DashboardScreen } from './screens/dashboard';

// Screens past the first are split out so the login and dashboard load fast (<300 KB gzipped).
const ContentScreen = lazy(() => import('./screens/content'));
const PlaylistsScreen = lazy(() => import('./screens/playlists'));
const SchedulesScreen = lazy(() => import('./screens/schedules'));
const ReportsScreen = lazy(() => import('./screens/reports'));
const DevicesScreen = lazy(() => import('./screens/devices'));
const UsersScreen = lazy(() => import('./screens/users'));
const UrgentScreen = lazy(() => import('./screens/urgent'));
const CampaignsScreen = lazy(() => import('./screens/campaigns'));
const KioskScreen = lazy(() => import('./screens/kiosk'));
const AuditScreen = lazy(() => import('./screens/audit'));
const PasswordScreen = lazy(() => import('./screens/password'));
const ApprovalsScreen = lazy(() => import('./screens/approvals'));

interface Route {
  path: string;
  label: MessageKey;
  roles: readonly Role[];
  screen: ComponentType;
}

const HEALTH_POLL_MS = 10_000;

const ALL: readonly Role[] = ['admin', 'editor', 'viewer'];

/** The navigation and the screens it leads to; a new screen (campaigns, urgent message) is one line here. */
export const ROUTES: readonly Route[] = [
  { path: '/', label: 'nav.dashboard', roles: ALL, screen: DashboardScreen },
  { path: '/content', label: 'nav.content', roles: ALL, screen: ContentScreen },
  { path: '/approvals', label: 'nav.approvals', roles: ['admin'], screen: ApprovalsScreen },
  { path: '/playlists', label: 'nav.playlists', roles: ALL, screen: PlaylistsScreen },
  { path: '/schedules', label: 'nav.schedules', roles: ALL, screen: SchedulesScreen },
  { path: '/campaigns', label: 'nav.campaigns', roles: ALL, screen: CampaignsScreen },
  { path: '/urgent', label: 'nav.urgent', roles: ALL, screen: UrgentScreen },
  { path: '/reports', label: 'nav.reports', roles: ALL, screen: ReportsScreen },
  { path: '/devices', label: 'nav.devices', roles: ALL, screen: DevicesScreen },
  { path: '/kiosk', label: 'nav.kiosk', roles: ALL, screen: KioskScreen },
  { path: '/users', label: 'nav.users', roles: ['admin'], screen: UsersScreen },
  { path: '/audit', label: 'nav.audit', roles: ['admin', 'editor'], screen: AuditScreen },
  { path: '/password', label: 'nav.password', roles: ALL, screen: PasswordScreen },
];

export function App() {
  const { t, locale, setLocale } = useI18n();
  const { user, restoring, logout } = useSession();
  const { path } = useRouter();
  // The server's disk state, for everyone (also before login): changes are refused while it is full.
  const status = useQuery({ queryKey: ['health'], queryFn: health, refetchInterval: HEALTH_POLL_MS });
  const storageBanner =
    status.data?.db === 'full' ? (
      <p role="alert" className="alert storage-full">
        {t('error.storage-full')}
      </p>
    ) : null;

  const langButton = (
    <button
      type="button"
      className="link"
      onClick={() => setLocale(locale === 'vi' ? 'en' : 'vi')}
      lang={locale === 'vi' ? 'en' : 'vi'}
    >
      {t('lang.switch')}
    </button>
  );

  if (restoring) return <p className="loading">{t('common.loading')}</p>;
  if (!user)
    return (
      <>
        {storageBanner}
        <LoginScreen langButton={langButton} />
      </>
    );

  const routes = ROUTES.filter((r) => r.roles.includes(user.role));
  const route = routes.find((r) => r.path === path);
  const Screen = route?.screen;
  return (
    <div className="shell">
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <header className="topbar">
        <span className="brand">{t('app.title')}</span>
        <nav aria-label={t('nav.main')}>
          <ul>
            {routes.map((r) => (
              <li key={r.path}>
                <Link to={r.path}>{t(r.label)}</Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span>{t('session.as', { user: user.username, role: t(`role.${user.role}`) })}</span>
          {langButton}
          <button type="button" onClick={() => void logout()}>
            {t('logout')}
          </button>
        </div>
      </header>
      {storageBanner}
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<p className="loading">{t('common.loading')}</p>}>
          {Screen ? (
            <Screen />
          ) : (
            <section>
              <h1>{t('notFound.title')}</h1>
              <Link to="/">{t('notFound.back')}</Link>
            </section>
          )}
        </Suspense>
      </main>
    </div>
  );
}
