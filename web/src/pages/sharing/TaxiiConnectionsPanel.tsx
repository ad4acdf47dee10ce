import { useState } from 'react';
import { sharingApi } from '../../api-sharing';
import type { Agreement, TaxiiConnection, TaxiiRunResult } from '../../api-sharing';
import { ErrorAlert } from '../../components/Alert';
import { formatDateTime } from '../../format';
import { useAction, useLoad } from '../../hooks';
import { everyLabel, LastRun, OutcomeBadge } from './RunStatus';
import { TaxiiConnectionForm } from './TaxiiConnectionForm';

/** What one run did, in a line. */
function runSummary(r: TaxiiRunResult): string {
  if (r.error) return `Failed: ${r.error.code}: ${r.error.message}`;
  if (r.outcome === 'skipped') return `Skipped: ${r.reason ?? 'not in force'}`;
  if (r.poll) return `${r.poll.pages} page(s), ${r.poll.received} received: ${r.poll.accepted} new, ${r.poll.duplicates} already stored, ${r.poll.rejected} rejected, ${r.poll.refused} refused by the agreement`;
  if (r.push) return `${r.push.examined} examined, ${r.push.pushed} pushed in ${r.push.envelopes} envelope(s), ${r.push.pending} pending at the partner`;
  return r.outcome;
}

function Pushes({ partnerId, connectionId }: { partnerId: string; connectionId: string }) {
  const pushes = useLoad(`taxii-pushes:${connectionId}`, (signal) => sharingApi.taxiiPushes(partnerId, connectionId, signal));
  const items = pushes.data ?? [];
  return (
    <div data-testid="taxii-pushes">
      <ErrorAlert error={pushes.error} />
      {!pushes.loading && items.length === 0 && <p className="muted small flush">Nothing pushed yet.</p>}
      {items.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Sent</th>
              <th scope="col">Status</th>
              <th scope="col">Objects (ok / failed / pending)</th>
            </tr>
          </thead>
          <tbody>
            {items.map((p) => (
              <tr key={p.id} data-testid="taxii-push" data-status={p.status}>
                <td className="nowrap">{formatDateTime(p.createdAt, { seconds: true })}</td>
                <td>
                  {p.status}
                  {p.error && <span className="sharing-run-error">{p.error}</span>}
                </td>
                <td>
                  {p.totalCount} ({p.successCount} / {p.failureCount} / {p.pendingCount})
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function ConnectionFacts({ c, agreement }: { c: TaxiiConnection; agreement: string }) {
  return (
    <dl className="facts facts-inline small">
      <div>
        <dt>{c.apiRootUrl ? 'API root' : 'Discovery'}</dt>
        <dd className="mono">{c.apiRootUrl ?? c.discoveryUrl}</dd>
      </div>
      <div>
        <dt>Collection</dt>
        <dd className="mono">{c.collectionId}</dd>
      </div>
      <div>
        <dt>Agreement</dt>
        <dd>{agreement}</dd>
      </div>
      <div>
        <dt>Authentication</dt>
        <dd data-testid="taxii-auth">
          {c.auth.type === 'none' ? 'none' : `${c.auth.type}${c.auth.username ? ` as ${c.auth.username}` : ''}${c.auth.hasSecret ? ' (secret stored)' : ''}`}
        </dd>
      </div>
      <div>
        <dt>Schedule</dt>
        <dd>
          {c.enabled ? `${everyLabel(c.intervalSeconds)}, next ${formatDateTime(c.nextRunAt)}` : 'disabled'} · pages of {c.pageSize}
        </dd>
      </div>
      <div>
        <dt>Checkpoint</dt>
        <dd data-testid="taxii-checkpoint" className="mono">
          {c.direction === 'poll' ? (c.checkpoint.pollAddedAfter ? `added after ${c.checkpoint.pollAddedAfter}` : 'from the start') : `after #${c.checkpoint.pushAfterSeq}`}
        </dd>
      </div>
      <div>
        <dt>Last run</dt>
        <dd>
          <LastRun lastRun={c.lastRun} countLabel={c.direction === 'poll' ? 'new' : 'pushed'} />
        </dd>
      </div>
    </dl>
  );
}

function ConnectionCard({ c, partnerId, agreement, canEdit, onEdit, onRan }: { c: TaxiiConnection; partnerId: string; agreement: string; canEdit: boolean; onEdit: () => void; onRan: () => void }) {
  const { busy, error, act } = useAction();
  const [result, setResult] = useState<TaxiiRunResult | null>(null);
  const [showPushes, setShowPushes] = useState(false);
  const [pushesTick, setPushesTick] = useState(0);
  const run = async () => {
    await act(async () => {
      setResult(await sharingApi.runTaxiiConnection(partnerId, c.id));
      setPushesTick((n) => n + 1);
      onRan();
    });
  };
  return (
    <article className="sharing-agreement" data-testid="taxii-connection" data-title={c.title} data-direction={c.direction}>
      <div className="row sharing-agreement-head">
        <strong>{c.title}</strong>
        <span className="badge">{c.direction}</span>
        {!c.enabled && <span className="badge badge-off">disabled</span>}
        <OutcomeBadge outcome={c.lastRun.outcome} testId="taxii-outcome" />
        {canEdit && (
          <>
            <button type="button" className="btn btn-small" disabled={busy} onClick={() => void run()}>
              {busy ? 'Running…' : 'Run now'}
            </button>
            <button type="button" className="btn btn-ghost btn-small" onClick={onEdit}>
              Edit
            </button>
          </>
        )}
        {c.direction === 'push' && (
          <button type="button" className="btn btn-ghost btn-small" aria-expanded={showPushes} onClick={() => setShowPushes((v) => !v)}>
            Recent pushes
          </button>
        )}
      </div>
      <ConnectionFacts c={c} agreement={agreement} />
      <ErrorAlert error={error} title="The run did not start" />
      {result && (
        <p className="small flush" data-testid="taxii-run-result" data-outcome={result.outcome}>
          {runSummary(result)}
        </p>
      )}
      {showPushes && <Pushes key={pushesTick} partnerId={partnerId} connectionId={c.id} />}
    </article>
  );
}

/** The TAXII client's connections to this partner's collections: poll theirs in, push ours out, on a schedule or now. */
export function TaxiiConnectionsPanel({ partnerId, canEdit, refresh }: { partnerId: string; canEdit: boolean; refresh: number }) {
  const list = useLoad(`taxii-connections:${partnerId}`, (signal) => sharingApi.taxiiConnections(partnerId, signal));
  const agreements = useLoad(`taxii-agreements:${partnerId}:${refresh}`, (signal) => sharingApi.agreements(partnerId, signal));
  const [editing, setEditing] = useState<TaxiiConnection | 'new' | null>(null);
  const items = list.data ?? [];
  const titleOf = (id: string) => (agreements.data ?? []).find((a: Agreement) => a.id === id)?.title ?? id;
  return (
    <section className="card" aria-labelledby="taxii-connections-title">
      <div className="row sharing-card-head">
        <h2 id="taxii-connections-title">
          TAXII connections <span className="count">{items.length}</span>
        </h2>
        {canEdit && !editing && (
          <button type="button" className="btn btn-small" onClick={() => setEditing('new')}>
            New TAXII connection
          </button>
        )}
      </div>
      <p className="muted small flush">Poll the partner&apos;s TAXII 2.1 collections into the store, or push what an outbound agreement allows into theirs.</p>
      {editing && (
        <TaxiiConnectionForm
          key={editing === 'new' ? 'new' : editing.id}
          partnerId={partnerId}
          agreements={agreements.data ?? []}
          connection={editing === 'new' ? undefined : editing}
          onCancel={() => setEditing(null)}
          onDone={() => {
            setEditing(null);
            list.reload();
          }}
        />
      )}
      <ErrorAlert error={list.error ?? agreements.error} />
      {items.map((c) => (
        <ConnectionCard key={c.id} c={c} partnerId={partnerId} agreement={titleOf(c.agreementId)} canEdit={canEdit && !editing} onEdit={() => setEditing(c)} onRan={list.reload} />
      ))}
      {!list.loading && items.length === 0 && <p className="muted flush">No TAXII connection to this partner.</p>}
    </section>
  );
}
