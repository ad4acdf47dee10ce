import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api';
import type { Organization } from '../api';
import { ErrorAlert } from '../components/Alert';
import { Pager } from '../components/Pager';
import { NewOrganizationForm } from '../components/NewOrganizationForm';
import { canEditRegistry, useUser } from '../auth';
import { useLoad, useSectors, useTitle } from '../hooks';
import { Link, href, useNavigate, useSearchParams } from '../router';
import { ListStatusRows } from '../components/ListStatusRows';

const PAGE_SIZE = 25;

interface Filters {
  q: string;
  sector: string;
  isCii: '' | 'true' | 'false';
  cursor: string | null;
}

function listHref(f: Filters): string {
  return href('/organizations', { q: f.q.trim() || undefined, sector: f.sector, isCii: f.isCii, cursor: f.cursor });
}

export function CiiBadge({ org }: { org: Pick<Organization, 'isCii' | 'ciiCategory'> }) {
  if (!org.isCii) return <span className="muted">—</span>;
  return (
    <span className="cii">
      <span className="badge badge-cii">CII</span>
      {org.ciiCategory && <span className="cii-category">{org.ciiCategory}</span>}
    </span>
  );
}

export function OrganizationsPage() {
  useTitle('Organizations');
  const user = useUser();
  const navigate = useNavigate();
  const params = useSearchParams();
  const { sectors, nameOf } = useSectors();
  const ciiParam = params.get('isCii');
  const filters: Filters = {
    q: params.get('q') ?? '',
    sector: params.get('sector') ?? '',
    isCii: ciiParam === 'true' || ciiParam === 'false' ? ciiParam : '',
    cursor: params.get('cursor') || null,
  };
  const [creating, setCreating] = useState(false);

  // The search box updates the URL shortly after typing stops.
  const [q, setQ] = useState(filters.q);
  const lastPushed = useRef(filters.q);
  const filtersRef = useRef(filters);
  filtersRef.current = filters;
  useEffect(() => {
    if (filters.q !== lastPushed.current) {
      lastPushed.current = filters.q;
      setQ(filters.q);
    }
  }, [filters.q]);
  useEffect(() => {
    if (q === lastPushed.current) return;
    const t = window.setTimeout(() => {
      if (q === lastPushed.current) return;
      lastPushed.current = q;
      navigate(listHref({ ...filtersRef.current, q, cursor: null }), { replace: true });
    }, 300);
    return () => window.clearTimeout(t);
  }, [q, navigate]);

  const key = listHref(filters);
  const list = useLoad(key, (signal) =>
    api.organizations(
      {
        q: filters.q.trim() || undefined,
        sector: filters.sector || undefined,
        isCii: filters.isCii === '' ? undefined : filters.isCii === 'true',
        limit: PAGE_SIZE,
        cursor: filters.cursor ?? undefined,
      },
      signal,
    ),
  );

  const apply = (patch: Partial<Filters>, replace = false) => {
    const next = { ...filters, q, ...patch, cursor: null };
    lastPushed.current = next.q;
    navigate(listHref(next), { replace });
  };

  const onSearch = (e: FormEvent) => {
    e.preventDefault();
    apply({ q });
  };

  const filtered = Boolean(filters.q || filters.sector || filters.isCii);
  const items = list.data?.items ?? [];

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Organizations</h1>
          <p className="muted">The constituency: organizations, their networks and their contacts.</p>
        </div>
        {canEditRegistry(user) && !creating && (
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            New organization
          </button>
        )}
      </div>

      {creating && (
        <NewOrganizationForm
          sectors={sectors}
          onCancel={() => setCreating(false)}
          onCreated={(org) => navigate(`/organizations/${encodeURIComponent(org.id)}`)}
        />
      )}

      {/* while the creation form is open it has the page to itself (no second Sector/CII control around) */}
      {!creating && (
        <>
          <form className="toolbar" role="search" aria-label="Filter organizations" onSubmit={onSearch}>
            <div className="field field-grow">
              <label htmlFor="org-q">Search</label>
              <input
                id="org-q"
                type="search"
                placeholder="Name…"
                value={q}
                onChange={(e) => setQ(e.target.value)}
              />
            </div>
            <div className="field">
              <label htmlFor="org-sector">Sector</label>
              <select id="org-sector" value={filters.sector} onChange={(e) => apply({ sector: e.target.value })}>
                <option value="">All sectors</option>
                {sectors.map((s) => (
                  <option key={s.code} value={s.code}>
                    {s.name}
                  </option>
                ))}
                {filters.sector && !sectors.some((s) => s.code === filters.sector) && (
                  <option value={filters.sector}>{filters.sector}</option>
                )}
              </select>
            </div>
            <div className="field">
              <label htmlFor="org-cii">CII</label>
              <select
                id="org-cii"
                value={filters.isCii}
                onChange={(e) => apply({ isCii: e.target.value as Filters['isCii'] })}
              >
                <option value="">All</option>
                <option value="true">CII only</option>
                <option value="false">Non-CII</option>
              </select>
            </div>
            <button type="submit" className="btn">
              Search
            </button>
            {filtered && (
              <button type="button" className="btn btn-ghost" onClick={() => apply({ q: '', sector: '', isCii: '' })}>
                Clear filters
              </button>
            )}
          </form>

          <ErrorAlert error={list.error} />

          <div className={list.loading && list.data ? 'table-wrap is-loading' : 'table-wrap'} aria-busy={list.loading}>
            <table className="table" data-testid="org-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Sector</th>
                  <th scope="col">CII</th>
                  <th scope="col">Country</th>
                  <th scope="col" className="num">
                    Assets
                  </th>
                  <th scope="col" className="num">
                    Contacts
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((org) => (
                  <tr key={org.id} data-testid="org-row" data-org-id={org.id}>
                    <td>
                      <Link to={`/organizations/${encodeURIComponent(org.id)}`} className="strong-link">
                        {org.name}
                      </Link>
                    </td>
                    <td>{nameOf(org.sector)}</td>
                    <td>
                      <CiiBadge org={org} />
                    </td>
                    <td>{org.country || <span className="muted">—</span>}</td>
                    <td className="num">{org.assetCount}</td>
                    <td className="num">{org.contactCount}</td>
                  </tr>
                ))}
                <ListStatusRows colSpan={6} loading={list.loading} hasData={!!list.data} hasError={!!list.error} count={items.length} empty={filtered ? 'No organizations match these filters.' : 'No organizations yet.'} />
              </tbody>
            </table>
          </div>

          <Pager
            label="Organization pages"
            cursor={filters.cursor}
            nextCursor={list.data?.nextCursor ?? null}
            loading={list.loading}
            hrefFor={(cursor) => listHref({ ...filters, cursor })}
          />
        </>
      )}
    </div>
  );
}
