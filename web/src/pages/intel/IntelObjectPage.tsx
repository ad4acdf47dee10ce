import { useState } from 'react';
import { ApiError } from '../../api';
import { intelApi } from '../../api-intel';
import type { StixRecord, StixVersion } from '../../api-intel';
import { ErrorAlert } from '../../components/Alert';
import { PapBadge, TlpBadge } from '../../components/incidents/Badges';
import '../../components/incidents/incidents.css';
import { formatDateTime } from '../../format';
import { useLoad, useTitle } from '../../hooks';
import { Link } from '../../router';
import '../../styles/intel.css';
import { IndicatorPanel } from './IndicatorPanel';
import { RelationshipGraph } from './RelationshipGraph';
import { shortLabel, sourceLabel } from './labels';

function VersionPicker({ versions, value, onChange }: { versions: StixVersion[]; value: string; onChange: (modified: string) => void }) {
  return (
    <div className="field">
      <label htmlFor="intel-version">Version</label>
      <select id="intel-version" value={value} onChange={(e) => onChange(e.target.value)} data-testid="intel-version">
        {[...versions].reverse().map((v, i) => (
          <option key={v.modified} value={v.modified}>
            {formatDateTime(v.modified, { seconds: true })} · TLP:{v.tlp.toUpperCase()}
            {i === 0 ? ' (latest)' : ''}
          </option>
        ))}
      </select>
    </div>
  );
}

function ObjectJson({ id, current, modified }: { id: string; current: StixRecord; modified: string }) {
  const isCurrent = modified === current.modified;
  const version = useLoad(`intel-version:${id}:${modified}`, (signal) => (isCurrent ? Promise.resolve(current) : intelApi.version(id, modified, signal)));
  const shown = isCurrent ? current : version.data;
  return (
    <>
      <ErrorAlert error={version.error} />
      <pre className="intel-json" data-testid="intel-json" aria-busy={version.loading}>
        {shown ? JSON.stringify(shown.object, null, 2) : 'Loading…'}
      </pre>
    </>
  );
}

function Facts({ r }: { r: StixRecord }) {
  return (
    <dl className="facts" data-testid="intel-facts">
      <div>
        <dt>Type</dt>
        <dd>{r.type}</dd>
      </div>
      <div>
        <dt>Source</dt>
        <dd>{sourceLabel(r.source)}</dd>
      </div>
      <div>
        <dt>Created</dt>
        <dd title={r.created}>{formatDateTime(r.created)}</dd>
      </div>
      <div>
        <dt>Modified</dt>
        <dd title={r.modified}>{formatDateTime(r.modified)}</dd>
      </div>
      <div>
        <dt>Added to Vigil</dt>
        <dd title={r.dateAdded}>{formatDateTime(r.dateAdded)}</dd>
      </div>
    </dl>
  );
}

/** One STIX object: its JSON per version, relationships as a graph; for indicators the pattern, observables and sightings. */
export function IntelObjectPage({ id }: { id: string }) {
  const detail = useLoad(`intel-object:${id}`, (signal) => intelApi.object(id, signal));
  const graph = useLoad(`intel-graph:${id}`, (signal) => intelApi.relationships(id, signal));
  const [picked, setPicked] = useState<string | null>(null);
  const notFound = detail.error instanceof ApiError && detail.error.status === 404;
  const r = detail.data?.current;
  useTitle(notFound ? 'Intel not found' : r ? shortLabel(r) : 'Intel');

  if (notFound) {
    return (
      <div className="page">
        <div className="empty-state" data-testid="intel-not-found">
          <h1>Object not found</h1>
          <p className="muted">It may not exist, or its TLP is above what you may see.</p>
          <Link to="/intel" className="btn">
            Back to intel
          </Link>
        </div>
      </div>
    );
  }
  if (!detail.data || !r) {
    return (
      <div className="page">
        <ErrorAlert error={detail.error} />
        {detail.loading && <p className="muted">Loading…</p>}
      </div>
    );
  }
  const modified = picked ?? r.modified;
  return (
    <div className="page">
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <Link to="/intel">Intel</Link>
        <span aria-hidden="true">/</span>
        <span aria-current="page">{r.type}</span>
      </nav>
      <div className="page-head">
        <div className="stack">
          <h1 data-testid="intel-title">{shortLabel(r)}</h1>
          <div className="badges">
            <span className="badge">{r.type}</span>
            <TlpBadge tlp={r.tlp} />
            {r.pap && <PapBadge pap={r.pap} />}
            {r.revoked && <span className="badge badge-revoked">Revoked</span>}
          </div>
          <div className="mono small muted" data-testid="intel-id">
            {r.id}
          </div>
        </div>
      </div>
      <Facts r={r} />
      <div className="intel-layout">
        <div className="intel-col">
          {r.type === 'indicator' && <IndicatorPanel record={r} />}
          <section className="card" aria-labelledby="intel-graph-title">
            <h2 id="intel-graph-title">
              Relationships <span className="count">{graph.data?.edges.length ?? 0}</span>
            </h2>
            <ErrorAlert error={graph.error} />
            {graph.data && <RelationshipGraph focus={r} edges={graph.data.edges} objects={graph.data.objects} />}
          </section>
        </div>
        <div className="intel-col">
          <section className="card" aria-labelledby="intel-json-title">
            <div className="row intel-json-head">
              <h2 id="intel-json-title">Object</h2>
              <VersionPicker versions={detail.data.versions} value={modified} onChange={setPicked} />
            </div>
            <p className="muted small flush">{detail.data.versions.length} stored version(s), kept by id + modified.</p>
            <ObjectJson id={id} current={r} modified={modified} />
          </section>
        </div>
      </div>
    </div>
  );
}
