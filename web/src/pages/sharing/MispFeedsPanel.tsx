import { useState } from 'react';
import type { FormEvent } from 'react';
import { intelApi } from '../../api-intel';
import type { MispFeed, MispFeedRun } from '../../api-intel';
import { ErrorAlert } from '../../components/Alert';
import { formatDateTime } from '../../format';
import { useAction, useLoad } from '../../hooks';
import { everyLabel, LastRun, OutcomeBadge } from './RunStatus';

/** Creates or edits a MISP feed of this partner (its events are stored with the partner's provenance). */
function MispFeedForm({ partnerId, feed, onDone, onCancel }: { partnerId: string; feed?: MispFeed; onDone: () => void; onCancel: () => void }) {
  const [name, setName] = useState(feed?.name ?? '');
  const [url, setUrl] = useState(feed?.url ?? '');
  const [minutes, setMinutes] = useState(String((feed?.intervalSeconds ?? 3600) / 60));
  const [max, setMax] = useState(String(feed?.maxEventsPerRun ?? 200));
  const [enabled, setEnabled] = useState(feed?.enabled ?? true);
  const { busy, error, act } = useAction();
  const id = (k: string) => `misp-${feed?.id ?? 'new'}-${k}`;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const fields = { name: name.trim(), url: url.trim(), intervalSeconds: Math.round(Number(minutes) * 60), maxEventsPerRun: Number(max), enabled };
    await act(async () => {
      await (feed ? intelApi.updateMispFeed(feed.id, fields) : intelApi.createMispFeed({ ...fields, partnerId }));
      onDone();
    });
  };
  return (
    <form className="card form" aria-label={feed ? 'Edit MISP feed' : 'New MISP feed'} onSubmit={(e) => void submit(e)}>
      <h3>{feed ? `Edit ${feed.name}` : 'New MISP feed'}</h3>
      <div className="row">
        <div className="field field-grow">
          <label htmlFor={id('name')}>Feed name</label>
          <input id={id('name')} required value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field field-grow">
          <label htmlFor={id('url')}>Feed URL (the directory holding manifest.json)</label>
          <input id={id('url')} type="url" required value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://misp.partner.example/feeds/cert/" />
        </div>
      </div>
      <div className="row">
        <div className="field">
          <label htmlFor={id('every')}>Every (minutes)</label>
          <input id={id('every')} type="number" required min={1} max={10080} value={minutes} onChange={(e) => setMinutes(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={id('max')}>Events per run</label>
          <input id={id('max')} type="number" required min={1} max={10000} value={max} onChange={(e) => setMax(e.target.value)} />
        </div>
        <label className="field-check">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
          Enabled (imports on its schedule)
        </label>
      </div>
      <ErrorAlert error={error} title="The feed was not saved" />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {feed ? 'Save feed' : 'Create feed'}
        </button>
        <button type="button" className="btn btn-ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function runSummary(r: MispFeedRun): string {
  if (r.error) return `Failed: ${r.error.code}: ${r.error.message}`;
  const failed = r.failed.length ? `, ${r.failed.length} failed (first: ${r.failed[0]?.code ?? ''})` : '';
  return `${r.listed} event(s) listed, ${r.imported} imported${failed}`;
}

function FeedCard({ f, onEdit, onRan, canEdit }: { f: MispFeed; onEdit: () => void; onRan: () => void; canEdit: boolean }) {
  const { busy, error, act } = useAction();
  const [result, setResult] = useState<MispFeedRun | null>(null);
  const run = async () => {
    await act(async () => {
      setResult(await intelApi.runMispFeed(f.id));
      onRan();
    });
  };
  return (
    <article className="sharing-agreement" data-testid="misp-feed" data-name={f.name}>
      <div className="row sharing-agreement-head">
        <strong>{f.name}</strong>
        {!f.enabled && <span className="badge badge-off">disabled</span>}
        <OutcomeBadge outcome={f.lastRun.outcome} testId="misp-outcome" />
        {canEdit && (
          <>
            <button type="button" className="btn btn-small" disabled={busy} onClick={() => void run()}>
              {busy ? 'Importing…' : 'Run now'}
            </button>
            <button type="button" className="btn btn-ghost btn-small" onClick={onEdit}>
              Edit
            </button>
          </>
        )}
      </div>
      <dl className="facts facts-inline small">
        <div>
          <dt>URL</dt>
          <dd className="mono">{f.url}</dd>
        </div>
        <div>
          <dt>Schedule</dt>
          <dd>
            {f.enabled ? `${everyLabel(f.intervalSeconds)}, next ${formatDateTime(f.nextRunAt)}` : 'disabled'} · up to {f.maxEventsPerRun} events
          </dd>
        </div>
        <div>
          <dt>Last run</dt>
          <dd>
            <LastRun lastRun={f.lastRun} countLabel="imported" />
          </dd>
        </div>
      </dl>
      <ErrorAlert error={error} title="The run did not start" />
      {result && (
        <p className="small flush" data-testid="misp-run-result" data-outcome={result.outcome}>
          {runSummary(result)}
        </p>
      )}
    </article>
  );
}

/** The partner's MISP feeds: Vigil imports their events on a schedule (national CERT staff only). */
export function MispFeedsPanel({ partnerId, canEdit }: { partnerId: string; canEdit: boolean }) {
  const list = useLoad('misp-feeds', (signal) => intelApi.mispFeeds(signal));
  const [editing, setEditing] = useState<MispFeed | 'new' | null>(null);
  const items = (list.data ?? []).filter((f) => f.partnerId === partnerId);
  return (
    <section className="card" aria-labelledby="misp-feeds-title">
      <div className="row sharing-card-head">
        <h2 id="misp-feeds-title">
          MISP feeds <span className="count">{items.length}</span>
        </h2>
        {canEdit && !editing && (
          <button type="button" className="btn btn-small" onClick={() => setEditing('new')}>
            New MISP feed
          </button>
        )}
      </div>
      {editing && (
        <MispFeedForm
          key={editing === 'new' ? 'new' : editing.id}
          partnerId={partnerId}
          feed={editing === 'new' ? undefined : editing}
          onCancel={() => setEditing(null)}
          onDone={() => {
            setEditing(null);
            list.reload();
          }}
        />
      )}
      <ErrorAlert error={list.error} />
      {items.map((f) => (
        <FeedCard key={f.id} f={f} canEdit={canEdit && !editing} onEdit={() => setEditing(f)} onRan={list.reload} />
      ))}
      {!list.loading && items.length === 0 && <p className="muted flush">No MISP feed from this partner.</p>}
    </section>
  );
}
