import { useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { intelApi, MISP_FEED_BASE } from '../../api-intel';
import type { ImportIssue, MispImportResult, StixImportResult } from '../../api-intel';
import { ErrorAlert } from '../../components/Alert';
import { plural } from '../../format';
import { Link } from '../../router';
import { intelHref } from './labels';
import { useAction } from '../../hooks';

function IssueList({ title, issues, testId }: { title: string; issues: ImportIssue[]; testId: string }) {
  if (!issues.length) return null;
  return (
    <div data-testid={testId}>
      <h3 className="small">{title}</h3>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Object</th>
            <th scope="col">Code</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {issues.map((x, i) => (
            <tr key={`${x.id ?? ''}:${i}`} data-testid={`${testId}-row`}>
              <td className="mono small">{x.id ?? <span className="muted">(no id)</span>}</td>
              <td className="mono small">{x.code}</td>
              <td>{x.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** What an import did: accepted, duplicates, rejected (id + reason), warnings, correlations. */
export function ImportOutcome({ result }: { result: StixImportResult }) {
  return (
    <div className="stack" data-testid="intel-import-result">
      <dl className="facts facts-inline">
        <div>
          <dt>Accepted</dt>
          <dd data-testid="intel-import-accepted">{result.accepted.length}</dd>
        </div>
        <div>
          <dt>Duplicates</dt>
          <dd data-testid="intel-import-duplicates">{result.duplicates.length}</dd>
        </div>
        <div>
          <dt>Rejected</dt>
          <dd data-testid="intel-import-rejected">{result.rejected.length}</dd>
        </div>
        <div>
          <dt>Seen in</dt>
          <dd>
            {plural(result.correlations.incidents, 'incident')}, {plural(result.correlations.events, 'event')}
          </dd>
        </div>
      </dl>
      {result.accepted.length > 0 && (
        <details>
          <summary>Accepted objects</summary>
          <ul className="intel-id-list">
            {result.accepted.map((v) => (
              <li key={`${v.id}@${v.modified}`}>
                <Link to={intelHref(v.id)} className="mono small">
                  {v.id}
                </Link>
              </li>
            ))}
          </ul>
        </details>
      )}
      <IssueList title="Rejected" issues={result.rejected} testId="intel-import-rejects" />
      <IssueList title="Stored with warnings" issues={result.warnings} testId="intel-import-warnings" />
      {result.duplicates.length > 0 && <p className="muted small">Duplicates (id + modified already stored) changed nothing.</p>}
    </div>
  );
}

/** True when the file is a MISP event (`{"Event": {...}}`); anything else goes to the STIX route, which reports what is wrong. */
async function isMispEvent(file: File): Promise<boolean> {
  try {
    const doc = JSON.parse(await file.text()) as unknown;
    return typeof doc === 'object' && doc !== null && !Array.isArray(doc) && 'Event' in doc;
  } catch {
    return false;
  }
}

/** The MISP event's uuid and the attributes with no STIX counterpart, above the usual outcome. */
function MispOutcome({ result }: { result: MispImportResult }) {
  return (
    <div className="stack" data-testid="misp-import-result">
      <p className="small flush">
        MISP event <span className="mono" data-testid="misp-import-event">{result.eventUuid}</span> imported.
      </p>
      {result.skipped.length > 0 && (
        <details data-testid="misp-import-skipped" data-count={result.skipped.length}>
          <summary>Attributes not mapped ({result.skipped.length})</summary>
          <ul className="intel-id-list small">
            {result.skipped.map((x, i) => (
              <li key={`${x.uuid ?? ''}:${i}`}>
                <span className="mono">{x.type}</span> {x.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
      <ImportOutcome result={result.result} />
    </div>
  );
}

/** Where partners' MISP instances can read this store as a MISP feed (limited to what the reader may see). */
function MispFeedLinks() {
  return (
    <p className="muted small flush" data-testid="misp-feed-export">
      MISP feed export:{' '}
      <a href={`${MISP_FEED_BASE}/manifest.json`} target="_blank" rel="noreferrer">
        manifest.json
      </a>{' '}
      ·{' '}
      <a href={`${MISP_FEED_BASE}/hashes.csv`} target="_blank" rel="noreferrer">
        hashes.csv
      </a>{' '}
      (feed URL <span className="mono">{`${window.location.origin}${MISP_FEED_BASE}/`}</span>)
    </p>
  );
}

/**
 * Upload a STIX 2.1 bundle or a MISP event file: a bundle's objects are validated one by one and the
 * rest goes on; a MISP event (`{"Event": {...}}`) is mapped to STIX by the MISP route.
 */
export function ImportBundlePanel({ onImported }: { onImported: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const { busy, error, act } = useAction();
  const [result, setResult] = useState<StixImportResult | null>(null);
  const [misp, setMisp] = useState<MispImportResult | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setResult(null);
    setMisp(null);
    await act(async () => {
      if (await isMispEvent(file)) setMisp(await intelApi.importMispEvent(file));
      else setResult(await intelApi.importBundle(file));
      onImported();
    });
  };

  return (
    <form className="card" aria-label="Import a STIX bundle or a MISP event" onSubmit={(e) => void submit(e)}>
      <h2>Import a STIX 2.1 bundle or a MISP event</h2>
      <div className="file-row">
        <label htmlFor="intel-bundle-file" className="visually-hidden">
          Bundle file (STIX bundle or MISP event JSON)
        </label>
        <input id="intel-bundle-file" ref={input} type="file" accept=".json,application/json,application/stix+json" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        <button type="submit" className="btn btn-primary" disabled={!file || busy}>
          {busy ? 'Importing…' : 'Upload and import'}
        </button>
      </div>
      <MispFeedLinks />
      <ErrorAlert error={error} title="The file was not imported" />
      {result && <ImportOutcome result={result} />}
      {misp && <MispOutcome result={misp} />}
    </form>
  );
}
