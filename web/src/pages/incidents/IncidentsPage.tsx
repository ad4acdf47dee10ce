import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { incidentsApi } from '../../api-incidents';
import type { IncidentState } from '../../api-incidents';
import { useUser } from '../../auth';
import { ErrorAlert } from '../../components/Alert';
import { Pager } from '../../components/Pager';
import { OrganizationName } from '../../components/admin/names';
import { formatAge } from '../../components/centers/time';
import { SeverityBadge, StateBadge, TlpBadge } from '../../components/incidents/Badges';
import { Chips } from '../../components/incidents/Chips';
import { NewIncidentForm } from '../../components/incidents/NewIncidentForm';
import { OrganizationFilter } from '../../components/incidents/OrganizationFilter';
import { useDirectory } from '../../components/incidents/directory';
import { isFiltered, queueHref, readFilters, toQuery } from '../../components/incidents/filters';
import type { QueueFilters } from '../../components/incidents/filters';
import { OPEN_STATES, SEVERITIES, SEVERITY_LABELS, STATES, STATE_LABELS, TLPS, markingLabel } from '../../components/incidents/labels';
import '../../components/incidents/incidents.css';
import { formatDateTime } from '../../format';
import { useLoad, useTitle } from '../../hooks';
import { Link, useNavigate, useSearchParams } from '../../router';
import { ListStatusRows } from '../../components/ListStatusRows';

const PAGE_SIZE = 50;

const toggle = <T extends string>(list: readonly T[], values: readonly T[], on: boolean): T[] =>
  on ? [...new Set([...list, ...values])] : list.filter((v) => !values.includes(v));

export function IncidentsPage() {
  useTitle('Incidents');
  const user = useUser();
  const navigate = useNavigate();
  const params = useSearchParams();
  const filters = readFilters(params);
  const dir = useDirectory(user);
  const [creating, setCreating] = useState(false);
  const canCreate = user.role === 'admin' || user.role === 'analyst';

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
      navigate(queueHref({ ...filtersRef.current, q, cursor: null }), { replace: true });
    }, 300);
    return () => window.clearTimeout(t);
  }, [q, navigate]);

  const key = queueHref(filters);
  const list = useLoad(key, (signal) => incidentsApi.list(toQuery(filters, PAGE_SIZE), signal));
  // "Updated" ages are measured against the time the page arrived.
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => setNow(Date.now()), [list.data]);

  const apply = (patch: Partial<QueueFilters>) => {
    const next = { ...filters, q, ...patch, cursor: null };
    lastPushed.current = next.q;
    navigate(queueHref(next));
  };
  const onSearch = (e: FormEvent) => {
    e.preventDefault();
    apply({ q });
  };

  const allOpen = OPEN_STATES.every((s) => filters.states.includes(s));
  const filtered = isFiltered(filters);
  const items = list.data?.items ?? [];

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Incidents</h1>
          <p className="muted">The case queue: most recently changed first.</p>
        </div>
        {canCreate && !creating && (
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            New incident
          </button>
        )}
      </div>

      {creating && (
        <NewIncidentForm onCancel={() => setCreating(false)} onCreated={(inc) => navigate(`/incidents/${encodeURIComponent(inc.id)}`)} />
      )}

      {/* while the creation form is open it has the page to itself (no second Organization picker around) */}
      {!creating && (
        <>
          <form className="toolbar incident-filters" role="search" aria-label="Filter incidents" onSubmit={onSearch}>
            <div className="row">
              <div className="field field-grow">
                <label htmlFor="inc-q">Search</label>
                <input id="inc-q" type="search" placeholder="Title, description, reference…" value={q} onChange={(e) => setQ(e.target.value)} />
              </div>
              <div className="field-grow">
                <OrganizationFilter id="inc-org" value={filters.organizationId} onChange={(organizationId) => apply({ organizationId })} />
              </div>
              <button type="submit" className="btn">
                Search
              </button>
              {filtered && (
                <button type="button" className="btn btn-ghost" onClick={() => apply({ q: '', states: [], severities: [], tlps: [], organizationId: '' })}>
                  Clear filters
                </button>
              )}
            </div>
            <Chips
              legend="State"
              name="state"
              options={[{ value: 'open', label: 'Open' }, ...STATES.map((s) => ({ value: s, label: STATE_LABELS[s] }))]}
              isChecked={(v) => (v === 'open' ? allOpen : filters.states.includes(v as IncidentState))}
              onToggle={(v, on) => apply({ states: toggle(filters.states, v === 'open' ? OPEN_STATES : [v as IncidentState], on) })}
            />
            <div className="row">
              <Chips
                legend="Severity"
                name="severity"
                options={SEVERITIES.map((s) => ({ value: s, label: SEVERITY_LABELS[s] }))}
                isChecked={(v) => filters.severities.includes(v)}
                onToggle={(v, on) => apply({ severities: toggle(filters.severities, [v], on) })}
              />
              <Chips
                legend="TLP"
                name="tlp"
                options={TLPS.map((t) => ({ value: t, label: markingLabel('TLP', t) }))}
                isChecked={(v) => filters.tlps.includes(v)}
                onToggle={(v, on) => apply({ tlps: toggle(filters.tlps, [v], on) })}
              />
            </div>
          </form>

          <ErrorAlert error={list.error} />

          <div className={list.loading && list.data ? 'table-wrap is-loading' : 'table-wrap'} aria-busy={list.loading}>
            <table className="table" data-testid="incident-table">
              <thead>
                <tr>
                  <th scope="col">Ref</th>
                  <th scope="col">Title</th>
                  <th scope="col">Severity</th>
                  <th scope="col">State</th>
                  <th scope="col">TLP</th>
                  <th scope="col">Organization</th>
                  <th scope="col">Assignee</th>
                  <th scope="col">Updated</th>
                </tr>
              </thead>
              <tbody>
                {items.map((inc) => {
                  const assignee = dir.assigneeText(inc.assigneeUserId, inc.assigneeCenterId);
                  return (
                    <tr key={inc.id} data-testid="incident-row" data-incident-id={inc.id}>
                      <td className="incident-ref">
                        <Link to={`/incidents/${encodeURIComponent(inc.id)}`}>{inc.ref}</Link>
                      </td>
                      <td className="incident-title-cell">
                        <Link to={`/incidents/${encodeURIComponent(inc.id)}`} className="strong-link">
                          {inc.title}
                        </Link>
                      </td>
                      <td>
                        <SeverityBadge severity={inc.severity} />
                      </td>
                      <td>
                        <StateBadge state={inc.state} />
                      </td>
                      <td>
                        <TlpBadge tlp={inc.tlp} />
                      </td>
                      <td>{inc.organizationId ? <OrganizationName id={inc.organizationId} /> : <span className="muted">—</span>}</td>
                      <td>{assignee || <span className="muted">Unassigned</span>}</td>
                      <td className="nowrap" title={formatDateTime(inc.updatedAt, { seconds: true })}>
                        {formatAge(inc.updatedAt, now)}
                      </td>
                    </tr>
                  );
                })}
                <ListStatusRows colSpan={8} loading={list.loading} hasData={!!list.data} hasError={!!list.error} count={items.length} empty={filtered ? 'No incidents match these filters.' : 'No incidents yet.'} />
              </tbody>
            </table>
          </div>

          <Pager
            label="Incident pages"
            cursor={filters.cursor}
            nextCursor={list.data?.nextCursor ?? null}
            loading={list.loading}
            hrefFor={(cursor) => queueHref({ ...filters, cursor })}
          />
        </>
      )}
    </div>
  );
}
