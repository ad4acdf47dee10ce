import { useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { intelApi } from '../../api-intel';
import type { ImportIssue, StixImportResult } from '../../api-intel';
import { ErrorAlert } from '../../components/Alert';
import { plural } from '../../format';
import { Link } from '../../router';
import { intelHref } from './labels';

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

/** Upload a STIX 2.1 bundle file; every object is validated on its own and the rest of the bundle goes on. */
export function ImportBundlePanel({ onImported }: { onImported: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<StixImportResult | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await intelApi.importBundle(file));
      onImported();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card" aria-label="Import a STIX bundle" onSubmit={(e) => void submit(e)}>
      <h2>Import a STIX 2.1 bundle</h2>
      <div className="file-row">
        <label htmlFor="intel-bundle-file" className="visually-hidden">
          Bundle file
        </label>
        <input id="intel-bundle-file" ref={input} type="file" accept=".json,application/json,application/stix+json" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        <button type="submit" className="btn btn-primary" disabled={!file || busy}>
          {busy ? 'Importing…' : 'Upload and import'}
        </button>
      </div>
      <ErrorAlert error={error} title="The bundle was not imported" />
      {result && <ImportOutcome result={result} />}
    </form>
  );
}
