import { useState } from 'react';
import { ApiError, api } from '../api';
import type { Asset, Contact, OrganizationDetail } from '../api';
import { ErrorAlert } from '../components/Alert';
import { AssetsSection } from '../components/AssetsSection';
import { ContactsSection } from '../components/ContactsSection';
import { canEditRegistry, useUser } from '../auth';
import { formatDateTime } from '../format';
import { useLoad, useSectors, useTitle } from '../hooks';
import { Link } from '../router';
import { CiiBadge } from './OrganizationsPage';

export function OrganizationPage({ id }: { id: string }) {
  const user = useUser();
  const { nameOf } = useSectors();
  const org = useLoad(`org:${id}`, (signal) => api.organization(id, signal));
  const [actionError, setActionError] = useState<unknown>(null);
  const editable = canEditRegistry(user);
  const notFound = org.error instanceof ApiError && org.error.status === 404;
  useTitle(notFound ? 'Organization not found' : (org.data?.name ?? 'Organization'));

  if (notFound) {
    return (
      <div className="page">
        <div className="empty-state" data-testid="org-not-found">
          <h1>Organization not found</h1>
          <p className="muted">It may have been removed, or the link is wrong.</p>
          <Link to="/organizations" className="btn">
            Back to organizations
          </Link>
        </div>
      </div>
    );
  }
  if (!org.data) {
    return (
      <div className="page">
        <ErrorAlert error={org.error} />
        {org.loading && <p className="muted">Loading…</p>}
      </div>
    );
  }

  const data = org.data;
  const update = (fn: (d: OrganizationDetail) => OrganizationDetail) => org.setData((d) => (d ? fn(d) : d));
  const assetAdded = (a: Asset) =>
    update((d) => ({ ...d, assets: [...d.assets, a], assetCount: d.assetCount + 1 }));
  const assetRemoved = (assetId: string) =>
    update((d) => ({ ...d, assets: d.assets.filter((a) => a.id !== assetId), assetCount: Math.max(0, d.assetCount - 1) }));
  const contactAdded = (c: Contact) =>
    update((d) => ({ ...d, contacts: [...d.contacts, c], contactCount: d.contactCount + 1 }));
  const contactRemoved = (contactId: string) =>
    update((d) => ({
      ...d,
      contacts: d.contacts.filter((c) => c.id !== contactId),
      contactCount: Math.max(0, d.contactCount - 1),
    }));

  return (
    <div className="page">
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <Link to="/organizations">Organizations</Link>
        <span aria-hidden="true">/</span>
        <span aria-current="page">{data.name}</span>
      </nav>
      <div className="page-head">
        <div>
          <h1 data-testid="org-name">{data.name}</h1>
        </div>
      </div>
      <dl className="facts" data-testid="org-facts">
        <div>
          <dt>Sector</dt>
          <dd>{nameOf(data.sector)}</dd>
        </div>
        <div>
          <dt>CII</dt>
          <dd>{data.isCii ? <CiiBadge org={data} /> : 'No'}</dd>
        </div>
        <div>
          <dt>Country</dt>
          <dd>{data.country || '—'}</dd>
        </div>
        <div>
          <dt>Assets</dt>
          <dd>{data.assets.length}</dd>
        </div>
        <div>
          <dt>Contacts</dt>
          <dd>{data.contacts.length}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd title={data.createdAt}>{formatDateTime(data.createdAt)}</dd>
        </div>
        <div>
          <dt>Updated</dt>
          <dd title={data.updatedAt}>{formatDateTime(data.updatedAt)}</dd>
        </div>
      </dl>

      <ErrorAlert error={actionError} />

      <AssetsSection
        orgId={data.id}
        assets={data.assets}
        editable={editable}
        onAdded={assetAdded}
        onRemoved={assetRemoved}
        onError={setActionError}
      />
      <ContactsSection
        orgId={data.id}
        contacts={data.contacts}
        editable={editable}
        onAdded={contactAdded}
        onRemoved={contactRemoved}
        onError={setActionError}
      />
    </div>
  );
}
