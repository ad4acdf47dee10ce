import type { ReactNode } from 'react';
import { ROLE_LABELS, can, useAuth, useUser } from '../auth';
import { Link, useLocation } from '../router';

interface NavItem {
  to: string;
  label: string;
  icon: ReactNode;
}

const icon = (d: string) => (
  <svg className="nav-icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
    <path d={d} fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />
  </svg>
);

const ORGANIZATIONS: NavItem = {
  to: '/organizations',
  label: 'Organizations',
  icon: icon('M3 17V5l6-2v14M9 7l8 2v8M2 17h16M5 7h1M5 10h1M5 13h1M12 11h2M12 14h2'),
};
const INCIDENTS: NavItem = { to: '/incidents', label: 'Incidents', icon: icon('M10 2.5l7.5 13.5h-15zM10 8v3.5M10 13.5v.5') };
const REPORTS: NavItem = { to: '/reports', label: 'Reports', icon: icon('M3 11l2.5-7h9L17 11v5a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1zM3 11h4l1 2h4l1-2h4') };
const IMPORT: NavItem = { to: '/import', label: 'Import', icon: icon('M10 3v9M6 8l4 4 4-4M3 14v2a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1v-2') };
const LOOKUP: NavItem = { to: '/lookup', label: 'Lookup', icon: icon('M8.5 14a5.5 5.5 0 1 0 0-11 5.5 5.5 0 0 0 0 11zM17 17l-4.5-4.5') };
const AUDIT: NavItem = { to: '/audit', label: 'Audit log', icon: icon('M5 3h10v14H5zM8 7h4M8 10h4M8 13h2') };
const USERS: NavItem = {
  to: '/admin/users',
  label: 'Users',
  icon: icon('M7.5 9a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM2 17c0-3 2.5-5 5.5-5s5.5 2 5.5 5M13 3.5a3 3 0 0 1 0 5.5M15 12c1.8.6 3 2.4 3 5'),
};
const API_KEYS: NavItem = {
  to: '/admin/api-keys',
  label: 'API keys',
  icon: icon('M7 13a4 4 0 1 1 0-8 4 4 0 0 1 0 8zM11 9h7M15 9v3M18 9v2'),
};
const CENTERS: NavItem = {
  to: '/admin/centers',
  label: 'Centers',
  icon: icon('M10 2.5l6 2.5v4.5c0 4-2.7 6.8-6 8-3.3-1.2-6-4-6-8V5zM7.5 10l2 2 3.5-4'),
};
const CENTERS_BOARD: NavItem = {
  to: '/centers',
  label: 'Centers board',
  icon: icon('M3 4h6v5H3zM11 4h6v5h-6zM3 11h6v5H3zM11 11h6v5h-6z'),
};
const FEEDS: NavItem = { to: '/pipeline/feeds', label: 'Feeds', icon: icon('M4 4a12 12 0 0 1 12 12M4 9a7 7 0 0 1 7 7M5 16h.01') };
const EVENTS: NavItem = { to: '/pipeline/events', label: 'Events', icon: icon('M2 10h3l2-5 3 10 2-5h6') };
const NOTIFICATIONS_LOG: NavItem = { to: '/pipeline/notifications', label: 'Notifications log', icon: icon('M3 5h14v10H3zM3 5l7 6 7-6') };
const INTEL: NavItem = { to: '/intel', label: 'Intel', icon: icon('M10 3a7 7 0 1 0 0 14 7 7 0 0 0 0-14zM10 7a3 3 0 1 0 0 6 3 3 0 0 0 0-6zM10 1.5v3M10 15.5v3M1.5 10h3M15.5 10h3') };
const PARTNERS: NavItem = { to: '/sharing/partners', label: 'Partners', icon: icon('M6 9a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5zM14 9a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5zM2 16c0-2.5 1.8-4 4-4s4 1.5 4 4M10 16c0-2.5 1.8-4 4-4s4 1.5 4 4') };
const LEDGER: NavItem = { to: '/sharing/ledger', label: 'Sharing ledger', icon: icon('M4 3h12v14H4zM7 7h6M7 10h6M7 13h3M14 13l1 1 2-2') };
// Only administrators see (and may use) these.
const ADMIN_ITEMS: NavItem[] = [USERS, API_KEYS, CENTERS, AUDIT];

function NavList({ items, pathname, labelledBy }: { items: NavItem[]; pathname: string; labelledBy?: string }) {
  return (
    <ul className="nav" aria-labelledby={labelledBy}>
      {items.map((item) => {
        const active = pathname === item.to || pathname.startsWith(`${item.to}/`);
        return (
          <li key={item.to}>
            <Link to={item.to} className={active ? 'nav-link active' : 'nav-link'} aria-current={active ? 'page' : undefined}>
              {item.icon}
              <span>{item.label}</span>
            </Link>
          </li>
        );
      })}
    </ul>
  );
}

export function Logo() {
  return (
    <svg className="logo" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="7" fill="currentColor" />
      <path d="M8 9l8 15 8-15" fill="none" stroke="#fff" strokeWidth="3.2" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '') + (parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '')).toUpperCase() || '?';
}

export function Layout({ children }: { children: ReactNode }) {
  const user = useUser();
  const { signOut } = useAuth();
  const { pathname } = useLocation();
  // Import only for roles that may import; administration (users, keys, centers, audit) only for administrators.
  const items = [
    ...(user.role === 'admin' || user.role === 'analyst' || user.role === 'center_operator' || user.role === 'constituent' ? [INCIDENTS] : []),
    // public reports carry personal data of the public: national CERT staff only
    ...(user.role === 'admin' || user.role === 'analyst' ? [REPORTS] : []),
    ORGANIZATIONS,
    ...(user.role === 'admin' || user.role === 'analyst' ? [FEEDS] : []),
    ...(user.role === 'admin' || user.role === 'analyst' || user.role === 'center_operator' ? [EVENTS] : []),
    ...(user.role === 'admin' || user.role === 'analyst' || user.role === 'center_operator' || user.role === 'constituent' ? [NOTIFICATIONS_LOG] : []),
    // intel: staff see all TLP levels, center operators and constituents what their TLP clearance allows
    ...(user.role === 'admin' || user.role === 'analyst' || user.role === 'center_operator' || user.role === 'constituent' ? [INTEL] : []),
    ...(user.role === 'admin' || user.role === 'analyst' ? [PARTNERS, LEDGER] : []),
    ...(can(user, 'constituency:import') ? [IMPORT] : []),
    LOOKUP,
    ...(user.role === 'admin' || user.role === 'analyst' || user.role === 'center_operator' ? [CENTERS_BOARD] : []),
  ];
  const admin = user.role === 'admin';

  return (
    <div className="app">
      <a className="skip-link" href="#content">
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="brand">
          <Logo />
          <div>
            <div className="brand-name">Vigil</div>
            <div className="brand-sub">National CERT</div>
          </div>
        </div>
        <nav aria-label="Main">
          <NavList items={items} pathname={pathname} />
          {admin && (
            <>
              <div className="nav-section" id="nav-admin">
                Administration
              </div>
              <NavList items={ADMIN_ITEMS} pathname={pathname} labelledBy="nav-admin" />
            </>
          )}
        </nav>
        <div className="sidebar-foot">Constituency registry</div>
      </aside>
      <div className="main">
        <header className="topbar">
          <div className="topbar-title">Vigil console</div>
          <div className="topbar-user" data-testid="current-user">
            <span className="avatar" aria-hidden="true">
              {initials(user.name || user.email)}
            </span>
            <span className="user-text">
              <span className="user-name">{user.name || user.email}</span>
              <span className="user-meta">
                {user.email} · <span className="role">{ROLE_LABELS[user.role] ?? user.role}</span>
              </span>
            </span>
            <button type="button" className="btn btn-ghost" onClick={() => void signOut()}>
              Sign out
            </button>
          </div>
        </header>
        <main id="content" className="content" tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}
