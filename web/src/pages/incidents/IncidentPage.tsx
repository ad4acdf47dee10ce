import { useCallback, useState } from 'react';
import { ApiError } from '../../api';
import { incidentsApi } from '../../api-incidents';
import type { Incident, IncidentDetail } from '../../api-incidents';
import { useUser } from '../../auth';
import { ErrorAlert, Notice } from '../../components/Alert';
import { OrganizationName } from '../../components/admin/names';
import { AssignmentPanel } from '../../components/incidents/AssignmentPanel';
import { PapBadge, SeverityBadge, StateBadge, TlpBadge } from '../../components/incidents/Badges';
import { ClocksPanel } from '../../components/incidents/ClocksPanel';
import { MergedNotice } from '../../components/incidents/MergedNotice';
import { CommentsPanel } from '../../components/incidents/CommentsPanel';
import { ObservablesList } from '../../components/incidents/ObservablesList';
import { RelatedPanel } from '../../components/incidents/RelatedPanel';
import { StateActions } from '../../components/incidents/StateActions';
import { TasksPanel } from '../../components/incidents/TasksPanel';
import { Timeline } from '../../components/incidents/Timeline';
import { useDirectory } from '../../components/incidents/directory';
import { SOURCE_LABELS, humanize } from '../../components/incidents/labels';
import '../../components/incidents/incidents.css';
import { formatDateTime } from '../../format';
import { useLoad, useTitle } from '../../hooks';
import { Link } from '../../router';

export function IncidentPage({ id }: { id: string }) {
  const user = useUser();
  const dir = useDirectory(user);
  const incident = useLoad(`incident:${id}`, (signal) => incidentsApi.get(id, signal));
  // Bumped after every change, so the timeline, clocks and related incidents reload.
  const [tick, setTick] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const canWork = user.role === 'admin' || user.role === 'analyst' || user.role === 'center_operator';
  const notFound = incident.error instanceof ApiError && incident.error.status === 404;
  useTitle(notFound ? 'Incident not found' : incident.data ? `${incident.data.ref} ${incident.data.title}` : 'Incident');

  const { setData, reload } = incident;
  const touched = useCallback(() => setTick((n) => n + 1), []);
  const changed = useCallback(
    (next: Incident) => {
      setNotice(null);
      setData((d: IncidentDetail | null) => (d ? { ...next, observables: d.observables } : d));
      setTick((n) => n + 1);
    },
    [setData],
  );
  const conflict = useCallback(
    (message: string) => {
      setNotice(message);
      reload();
      setTick((n) => n + 1);
    },
    [reload],
  );

  if (notFound) {
    return (
      <div className="page">
        <div className="empty-state" data-testid="incident-not-found">
          <h1>Incident not found</h1>
          <p className="muted">It may not exist, or it is not shared with you.</p>
          <Link to="/incidents" className="btn">
            Back to incidents
          </Link>
        </div>
      </div>
    );
  }
  if (!incident.data) {
    return (
      <div className="page">
        <ErrorAlert error={incident.error} />
        {incident.loading && <p className="muted">Loading…</p>}
      </div>
    );
  }

  const inc = incident.data;
  const refresh = `${inc.version}:${tick}`;
  const assignee = dir.assigneeText(inc.assigneeUserId, inc.assigneeCenterId);

  return (
    <div className="page">
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <Link to="/incidents">Incidents</Link>
        <span aria-hidden="true">/</span>
        <span aria-current="page">{inc.ref}</span>
      </nav>
      <div className="page-head incident-head" data-testid="incident-header">
        <div className="stack">
          <h1>
            <span className="incident-ref" data-testid="incident-ref">
              {inc.ref}
            </span>
            <span data-testid="incident-title">{inc.title}</span>
          </h1>
          <div className="badges">
            <SeverityBadge severity={inc.severity} />
            <StateBadge state={inc.state} />
            <TlpBadge tlp={inc.tlp} />
            <PapBadge pap={inc.pap} />
          </div>
        </div>
      </div>

      <dl className="facts" data-testid="incident-facts">
        <div>
          <dt>Organization</dt>
          <dd>{inc.organizationId ? <OrganizationName id={inc.organizationId} /> : '—'}</dd>
        </div>
        <div>
          <dt>Classification</dt>
          <dd>
            {humanize(inc.rsit.taxonomy)} / {humanize(inc.rsit.type)}
          </dd>
        </div>
        <div>
          <dt>Source</dt>
          <dd>
            {SOURCE_LABELS[inc.source] ?? inc.source}
            {inc.sourceCenterId && ` · ${dir.centerName(inc.sourceCenterId) ?? 'a center'}`}
            {inc.externalId && <span className="muted mono small"> ({inc.externalId})</span>}
          </dd>
        </div>
        <div>
          <dt>Assignee</dt>
          <dd data-testid="incident-assignee">{assignee || <span className="muted">Unassigned</span>}</dd>
        </div>
        <div>
          <dt>Aware since</dt>
          <dd title={inc.awareAt}>{formatDateTime(inc.awareAt)}</dd>
        </div>
        <div>
          <dt>Updated</dt>
          <dd title={inc.updatedAt}>{formatDateTime(inc.updatedAt)}</dd>
        </div>
        {inc.closedAt && (
          <div>
            <dt>Ended</dt>
            <dd title={inc.closedAt}>{formatDateTime(inc.closedAt)}</dd>
          </div>
        )}
      </dl>

      {notice && (
        <Notice kind="warning" testId="incident-notice">
          {notice}
        </Notice>
      )}
      {incident.error !== null && <ErrorAlert error={incident.error} title="The incident could not be reloaded" />}
      {inc.mergedInto && <MergedNotice into={inc.mergedInto} />}

      <div className="incident-layout">
        <div className="incident-col">
          {canWork && <StateActions incident={inc} onChanged={changed} onConflict={conflict} />}
          <section className="card" aria-labelledby="description-title">
            <h2 id="description-title">Description</h2>
            {inc.description ? <p className="description">{inc.description}</p> : <p className="muted flush">No description.</p>}
            {inc.affectedSystems && (
              <>
                <h3 className="small muted">Affected systems</h3>
                <p className="description">{inc.affectedSystems}</p>
              </>
            )}
          </section>
          <TasksPanel incidentId={inc.id} canWork={canWork} onChanged={touched} />
          <CommentsPanel incidentId={inc.id} canWork={canWork} onChanged={touched} />
          <Timeline incidentId={inc.id} refresh={refresh} names={dir} />
        </div>
        <div className="incident-col">
          <ClocksPanel incidentId={inc.id} refresh={refresh} canWork={canWork} onChanged={touched} />
          <AssignmentPanel incident={inc} me={user} dir={dir} canWork={canWork} onChanged={changed} onConflict={conflict} />
          <ObservablesList observables={inc.observables} />
          <RelatedPanel incident={inc} refresh={refresh} canWork={canWork} onChanged={changed} onConflict={conflict} />
        </div>
      </div>
    </div>
  );
}
