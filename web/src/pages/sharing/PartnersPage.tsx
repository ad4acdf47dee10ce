import { useState } from 'react';
import { sharingApi } from '../../api-sharing';
import { useUser } from '../../auth';
import { ErrorAlert } from '../../components/Alert';
import { formatDate, plural } from '../../format';
import { useLoad, useTitle } from '../../hooks';
import { Link, useNavigate } from '../../router';
import '../../styles/intel.css';
import { PartnerForm } from './PartnerForm';
import { kindLabel, partnerHref } from './labels';

/** Partner CERTs and international bodies the CERT shares with. */
export function PartnersPage() {
  useTitle('Partners');
  const user = useUser();
  const navigate = useNavigate();
  const canEdit = user.role === 'admin' || user.role === 'analyst';
  const [creating, setCreating] = useState(false);
  const partners = useLoad('partners', (signal) => sharingApi.partners(signal));
  const items = partners.data ?? [];

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Partners</h1>
          <p className="muted">Partner CERTs and international bodies. What each may receive is set by its agreements.</p>
        </div>
        <div className="row">
          <Link to="/sharing/ledger" className="btn">
            Ledger
          </Link>
          {canEdit && !creating && (
            <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
              New partner
            </button>
          )}
        </div>
      </div>
      {creating && <PartnerForm onCancel={() => setCreating(false)} onDone={(p) => navigate(partnerHref(p.id))} />}
      <ErrorAlert error={partners.error} />
      <div className="table-wrap" aria-busy={partners.loading}>
        <table className="table" data-testid="partners-table">
          <thead>
            <tr>
              <th scope="col">Partner</th>
              <th scope="col">Country</th>
              <th scope="col">Kind</th>
              <th scope="col">Status</th>
              <th scope="col">Contacts</th>
              <th scope="col">Since</th>
            </tr>
          </thead>
          <tbody>
            {items.map((p) => (
              <tr key={p.id} data-testid="partner-row" data-name={p.name}>
                <td>
                  <Link to={partnerHref(p.id)} className="strong-link">
                    {p.name}
                  </Link>
                </td>
                <td>{p.country}</td>
                <td>{kindLabel(p.kind)}</td>
                <td>{p.status === 'active' ? <span className="badge badge-active">Active</span> : <span className="badge badge-revoked">Suspended</span>}</td>
                <td>{plural(p.contacts.length, 'contact')}</td>
                <td>{formatDate(p.createdAt)}</td>
              </tr>
            ))}
            {!partners.loading && !partners.error && items.length === 0 && (
              <tr>
                <td colSpan={6} className="empty">
                  No partners yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
