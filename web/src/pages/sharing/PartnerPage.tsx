import { useState } from 'react';
import { ApiError } from '../../api';
import { sharingApi } from '../../api-sharing';
import { useUser } from '../../auth';
import { ErrorAlert } from '../../components/Alert';
import '../../components/incidents/incidents.css';
import { formatDateTime } from '../../format';
import { useLoad, useTitle } from '../../hooks';
import { Link, href } from '../../router';
import '../../styles/intel.css';
import { AccountsPanel } from './AccountsPanel';
import { AgreementsPanel } from './AgreementsPanel';
import { MispFeedsPanel } from './MispFeedsPanel';
import { PartnerForm } from './PartnerForm';
import { PreviewPanel } from './PreviewPanel';
import { TaxiiConnectionsPanel } from './TaxiiConnectionsPanel';
import { kindLabel } from './labels';

/** One partner: its details, agreements, accounts, TAXII connections, MISP feeds and the preview of what it would receive. */
export function PartnerPage({ id }: { id: string }) {
  const user = useUser();
  const partner = useLoad(`partner:${id}`, (signal) => sharingApi.partner(id, signal));
  const [editing, setEditing] = useState(false);
  const [tick, setTick] = useState(0);
  const canEdit = user.role === 'admin' || user.role === 'analyst';
  const notFound = partner.error instanceof ApiError && partner.error.status === 404;
  const p = partner.data;
  useTitle(notFound ? 'Partner not found' : (p?.name ?? 'Partner'));

  if (notFound) {
    return (
      <div className="page">
        <div className="empty-state">
          <h1>Partner not found</h1>
          <Link to="/sharing/partners" className="btn">
            Back to partners
          </Link>
        </div>
      </div>
    );
  }
  if (!p) {
    return (
      <div className="page">
        <ErrorAlert error={partner.error} />
        {partner.loading && <p className="muted">Loading…</p>}
      </div>
    );
  }
  return (
    <div className="page">
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <Link to="/sharing/partners">Partners</Link>
        <span aria-hidden="true">/</span>
        <span aria-current="page">{p.name}</span>
      </nav>
      <div className="page-head">
        <div className="stack">
          <h1 data-testid="partner-name">{p.name}</h1>
          <div className="badges">
            <span className="badge">{kindLabel(p.kind)}</span>
            <span className="badge">{p.country}</span>
            {p.status === 'active' ? <span className="badge badge-active">Active</span> : <span className="badge badge-revoked">Suspended</span>}
          </div>
        </div>
        <div className="row">
          <Link to={href('/sharing/ledger', { partner: p.id })} className="btn">
            Ledger
          </Link>
          {canEdit && !editing && (
            <button type="button" className="btn" onClick={() => setEditing(true)}>
              Edit partner
            </button>
          )}
        </div>
      </div>
      {editing && (
        <PartnerForm
          partner={p}
          onCancel={() => setEditing(false)}
          onDone={(next) => {
            setEditing(false);
            partner.setData(() => next);
            setTick((n) => n + 1);
          }}
        />
      )}
      {p.description && <p>{p.description}</p>}
      <dl className="facts">
        {p.contacts.map((c) => (
          <div key={c.email}>
            <dt>{c.role ?? 'Contact'}</dt>
            <dd>
              {c.name} · <a href={`mailto:${c.email}`}>{c.email}</a>
              {c.phone && ` · ${c.phone}`}
            </dd>
          </div>
        ))}
        <div>
          <dt>Updated</dt>
          <dd>{formatDateTime(p.updatedAt)}</dd>
        </div>
      </dl>
      <div className="intel-layout">
        <div className="intel-col">
          <AgreementsPanel partnerId={p.id} canEdit={canEdit} onChanged={() => setTick((n) => n + 1)} />
          <AccountsPanel partnerId={p.id} isAdmin={user.role === 'admin'} />
          <TaxiiConnectionsPanel partnerId={p.id} canEdit={canEdit} refresh={tick} />
          {canEdit && <MispFeedsPanel partnerId={p.id} canEdit={canEdit} />}
        </div>
        <div className="intel-col">
          <PreviewPanel partnerId={p.id} refresh={tick} />
        </div>
      </div>
    </div>
  );
}
