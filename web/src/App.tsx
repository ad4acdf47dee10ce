import { AuthProvider, useAuth } from './auth';
import { Layout, Logo } from './components/Layout';
import { ApiKeysPage } from './pages/ApiKeysPage';
import { AuditPage } from './pages/AuditPage';
import { CentersBoardPage } from './pages/CentersBoardPage';
import { CentersPage } from './pages/CentersPage';
import { ImportPage } from './pages/ImportPage';
import { IncidentPage } from './pages/incidents/IncidentPage';
import { IncidentsPage } from './pages/incidents/IncidentsPage';
import { IntelObjectPage } from './pages/intel/IntelObjectPage';
import { IntelObjectsPage } from './pages/intel/IntelObjectsPage';
import { LoginPage } from './pages/LoginPage';
import { LookupPage } from './pages/LookupPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { OrganizationPage } from './pages/OrganizationPage';
import { OrganizationsPage } from './pages/OrganizationsPage';
import { EventsPage } from './pages/pipeline/EventsPage';
import { FeedErrorsPage } from './pages/pipeline/FeedErrorsPage';
import { FeedsPage } from './pages/pipeline/FeedsPage';
import { NotificationsLogPage } from './pages/pipeline/NotificationsLogPage';
import { ReportPage } from './pages/report/ReportPage';
import { ReportStatusPage } from './pages/report/ReportStatusPage';
import { ReportDetailPage } from './pages/reports/ReportDetailPage';
import { ReportsPage } from './pages/reports/ReportsPage';
import { SetupPage } from './pages/SetupPage';
import { LedgerPage } from './pages/sharing/LedgerPage';
import { PartnerPage } from './pages/sharing/PartnerPage';
import { PartnersPage } from './pages/sharing/PartnersPage';
import { UsersPage } from './pages/UsersPage';
import { Navigate, RouterProvider, href, matchPath, useLocation } from './router';

function Page({ pathname }: { pathname: string }) {
  if (pathname === '/' || pathname === '') return <Navigate to="/organizations" />;
  if (matchPath('/organizations', pathname)) return <OrganizationsPage />;
  const org = matchPath('/organizations/:id', pathname);
  if (org?.id) return <OrganizationPage key={org.id} id={org.id} />;
  if (matchPath('/incidents', pathname)) return <IncidentsPage />;
  const incident = matchPath('/incidents/:id', pathname);
  if (incident?.id) return <IncidentPage key={incident.id} id={incident.id} />;
  if (matchPath('/reports', pathname)) return <ReportsPage />;
  const report = matchPath('/reports/:id', pathname);
  if (report?.id) return <ReportDetailPage key={report.id} id={report.id} />;
  if (matchPath('/pipeline/feeds', pathname)) return <FeedsPage />;
  const feedErrors = matchPath('/pipeline/feeds/:id/errors', pathname);
  if (feedErrors?.id) return <FeedErrorsPage key={feedErrors.id} id={feedErrors.id} />;
  if (matchPath('/pipeline/events', pathname)) return <EventsPage />;
  if (matchPath('/pipeline/notifications', pathname)) return <NotificationsLogPage />;
  if (matchPath('/intel', pathname)) return <IntelObjectsPage />;
  const intelObject = matchPath('/intel/objects/:id', pathname);
  if (intelObject?.id) return <IntelObjectPage key={intelObject.id} id={intelObject.id} />;
  if (matchPath('/sharing/partners', pathname)) return <PartnersPage />;
  const partner = matchPath('/sharing/partners/:id', pathname);
  if (partner?.id) return <PartnerPage key={partner.id} id={partner.id} />;
  if (matchPath('/sharing/ledger', pathname)) return <LedgerPage />;
  if (matchPath('/import', pathname)) return <ImportPage />;
  if (matchPath('/lookup', pathname)) return <LookupPage />;
  if (matchPath('/centers', pathname)) return <CentersBoardPage />;
  if (matchPath('/audit', pathname)) return <AuditPage />;
  if (pathname === '/admin' || pathname === '/admin/') return <Navigate to="/admin/users" />;
  if (matchPath('/admin/users', pathname)) return <UsersPage />;
  if (matchPath('/admin/api-keys', pathname)) return <ApiKeysPage />;
  if (matchPath('/admin/centers', pathname)) return <CentersPage />;
  return <NotFoundPage />;
}

function Screens() {
  const { pathname, search } = useLocation();
  const { status, problem, retry } = useAuth();

  // Public pages: anyone may report and follow a report without signing in.
  if (matchPath('/report', pathname)) return <ReportPage />;
  if (matchPath('/report/status', pathname)) return <ReportStatusPage />;
  if (pathname === '/login') return <LoginPage />;
  if (pathname === '/setup') return <SetupPage />;
  if (status === 'loading') {
    return (
      <div className="splash" role="status">
        <Logo />
        <span>Loading Vigil…</span>
      </div>
    );
  }
  if (status === 'unavailable') {
    return (
      <div className="splash">
        <Logo />
        <div className="alert alert-error" role="alert">
          {problem ?? 'The Vigil server is not available.'}
        </div>
        <button type="button" className="btn" onClick={retry}>
          Try again
        </button>
      </div>
    );
  }
  if (status === 'signed-out') return <Navigate to={href('/login', { next: pathname === '/' ? null : pathname + search })} />;
  return (
    <Layout>
      <Page pathname={pathname} />
    </Layout>
  );
}

export function App() {
  return (
    <RouterProvider>
      <AuthProvider>
        <Screens />
      </AuthProvider>
    </RouterProvider>
  );
}
