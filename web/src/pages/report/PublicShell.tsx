import type { ReactNode } from 'react';
import { Logo } from '../../components/Layout';
import { Link } from '../../router';
import './report.css';

/** The frame of the public pages: no sign-in, no navigation into the console. */
export function PublicShell({ children }: { children: ReactNode }) {
  return (
    <div className="public-page">
      <header className="public-head">
        <Link to="/report" className="public-brand">
          <Logo />
          <span>
            <span className="public-brand-name">Vigil</span>
            <span className="public-brand-sub">National CERT · report an incident</span>
          </span>
        </Link>
        <nav className="public-nav" aria-label="Public pages">
          <Link to="/report">Report</Link>
          <Link to="/report/status">Follow a report</Link>
        </nav>
      </header>
      <main className="public-main">{children}</main>
      <footer className="public-foot">Reports go to the national computer incident response team. Do not include passwords.</footer>
    </div>
  );
}
