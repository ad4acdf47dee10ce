import { useState } from 'react';
import type { FormEvent } from 'react';
import { pipelineApi } from '../../api-pipeline';
import { ErrorAlert } from '../../components/Alert';
import { Pager } from '../../components/Pager';
import { OrganizationName } from '../../components/admin/names';
import { OrganizationFilter } from '../../components/incidents/OrganizationFilter';
import { formatDateTime } from '../../format';
import { useLoad, useTitle } from '../../hooks';
import { href, useNavigate, useSearchParams } from '../../router';

const KEYS = ['organizationId', 'feedId', 'taxonomy', 'type', 'ip', 'asn', 'since', 'until'] as const;
type Key = (typeof KEYS)[number];

// datetime-local inputs are in the browser's zone; the API takes ISO 8601 with a zone.
const toIso = (local: string) => (local ? new Date(local).toISOString() : '');
const toLocal = (iso: string) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

/** The events explorer: filters (organization, feed, classification, address or CIDR, ASN, time) and pages. */
export function EventsPage() {
  useTitle('Events');
  const params = useSearchParams();
  const navigate = useNavigate();
  const filters = Object.fromEntries(KEYS.map((k) => [k, params.get(k) ?? ''])) as Record<Key, string>;
  const cursor = params.get('cursor');
  const [draft, setDraft] = useState<Record<Key, string>>(() => ({ ...filters, since: toLocal(filters.since), until: toLocal(filters.until) }));
  const feeds = useLoad('feeds', (signal) => pipelineApi.feeds(signal));
  const feedName = new Map((feeds.data ?? []).map((f) => [f.id, f.name]));
  const key = href('/pipeline/events', { ...filters, cursor });
  const list = useLoad(key, (signal) => pipelineApi.events({ ...filters, cursor }, signal));
  const items = list.data?.items ?? [];

  const apply = (next: Record<Key, string>) => navigate(href('/pipeline/events', { ...next, since: toIso(next.since), until: toIso(next.until) }));
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    apply(draft);
  };
  const set = (k: Key) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [k]: e.target.value }));

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Events</h1>
          <p className="muted">Harmonized security events, newest first (the last 24 hours unless a range is set).</p>
        </div>
        <div className="row">
          <a className="btn" href={pipelineApi.eventsExportUrl(filters, 'csv')} download>
            Download CSV
          </a>
          <a className="btn" href={pipelineApi.eventsExportUrl(filters, 'intelmq')} download="events.intelmq.jsonl">
            IntelMQ JSON
          </a>
        </div>
      </div>
      <form className="toolbar" role="search" aria-label="Filter events" onSubmit={onSubmit}>
        <div className="row">
          <div className="field-grow">
            <OrganizationFilter id="ev-org" value={draft.organizationId} onChange={(organizationId) => apply({ ...draft, organizationId })} />
          </div>
          <div className="field">
            <label htmlFor="ev-feed">Feed</label>
            <select id="ev-feed" value={draft.feedId} onChange={(e) => apply({ ...draft, feedId: e.target.value })}>
              <option value="">All feeds</option>
              {(feeds.data ?? []).map((f) => (
                <option key={f.id} value={f.id}>
                  {f.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="ev-ip">Source IP or CIDR</label>
            <input id="ev-ip" value={draft.ip} onChange={set('ip')} placeholder="198.18.0.0/15" />
          </div>
          <div className="field">
            <label htmlFor="ev-asn">ASN</label>
            <input id="ev-asn" inputMode="numeric" value={draft.asn} onChange={set('asn')} />
          </div>
        </div>
        <div className="row">
          <div className="field">
            <label htmlFor="ev-taxonomy">Taxonomy</label>
            <input id="ev-taxonomy" value={draft.taxonomy} onChange={set('taxonomy')} placeholder="malicious-code" />
          </div>
          <div className="field">
            <label htmlFor="ev-type">Type</label>
            <input id="ev-type" value={draft.type} onChange={set('type')} placeholder="infected-system" />
          </div>
          <div className="field">
            <label htmlFor="ev-since">From</label>
            <input id="ev-since" type="datetime-local" value={draft.since} onChange={set('since')} />
          </div>
          <div className="field">
            <label htmlFor="ev-until">Until</label>
            <input id="ev-until" type="datetime-local" value={draft.until} onChange={set('until')} />
          </div>
          <button type="submit" className="btn">
            Apply
          </button>
        </div>
      </form>
      <ErrorAlert error={list.error} />
      <div className="table-wrap" aria-busy={list.loading}>
        <table className="table" data-testid="events-table">
          <thead>
            <tr>
              <th scope="col">Observed</th>
              <th scope="col">Organization</th>
              <th scope="col">Classification</th>
              <th scope="col">Source</th>
              <th scope="col">ASN</th>
              <th scope="col">Feed</th>
              <th scope="col">TLP</th>
            </tr>
          </thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.id} data-testid="event-row">
                <td className="nowrap">{formatDateTime(e.timeObservation, { seconds: true })}</td>
                <td data-testid="event-org">{e.organizationId ? <OrganizationName id={e.organizationId} /> : <span className="muted">unattributed</span>}</td>
                <td>
                  {e.classification.taxonomy} / {e.classification.type}
                </td>
                <td className="mono">{[e.source.ip, e.source.port].filter((v) => v !== null).join(':') || e.source.fqdn || e.source.url || '—'}</td>
                <td>{e.source.asn ?? '—'}</td>
                <td>{feedName.get(e.feedId) ?? '—'}</td>
                <td>{e.tlp.toUpperCase()}</td>
              </tr>
            ))}
            {!list.loading && !list.error && items.length === 0 && (
              <tr>
                <td colSpan={7} className="empty">
                  No events match these filters.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <Pager label="Event pages" cursor={cursor} nextCursor={list.data?.nextCursor ?? null} loading={list.loading} hrefFor={(c) => href('/pipeline/events', { ...filters, cursor: c })} />
    </div>
  );
}
