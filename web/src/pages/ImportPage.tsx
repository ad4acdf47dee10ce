import { useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { api, errorMessage, importRejection } from '../api';
import type { ImportFormat, ImportResult, ImportSummary, RowError } from '../api';
import { ErrorAlert, Notice } from '../components/Alert';
import { can, useUser } from '../auth';
import { plural } from '../format';
import { useTitle } from '../hooks';

const CSV_COLUMNS = [
  'name',
  'sector',
  'country',
  'is_cii',
  'cii_category',
  'networks',
  'asns',
  'domains',
  'email_domains',
  'contact_name',
  'contact_role',
  'contact_email',
  'contact_phone',
  'contact_24x7',
  'contact_pgp_key',
];

type FormatChoice = 'auto' | ImportFormat;

function formatFromName(name: string): ImportFormat | null {
  const lower = name.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.csv')) return 'csv';
  return null;
}

function sniff(text: string): ImportFormat {
  const first = text.trimStart()[0];
  return first === '[' || first === '{' ? 'json' : 'csv';
}

type Outcome =
  | { kind: 'done'; result: ImportResult }
  | { kind: 'rejected'; errors: RowError[]; summary: ImportSummary | null; message: string };

export function ImportPage() {
  useTitle('Import');
  const user = useUser();
  const fileInput = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [text, setText] = useState('');
  const [choice, setChoice] = useState<FormatChoice>('auto');
  const [partial, setPartial] = useState(false);
  const [dryRun, setDryRun] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const detected: ImportFormat | null = file ? (formatFromName(file.name) ?? 'csv') : text.trim() ? sniff(text) : null;
  const format: ImportFormat | null = choice === 'auto' ? detected : choice;
  const hasInput = Boolean(file) || text.trim().length > 0;

  const pickFile = (f: File | null) => {
    setFile(f);
    setOutcome(null);
    setError(null);
    // a picked file decides the format from its extension (the select can still override it)
    if (f) setChoice(formatFromName(f.name) ?? 'auto');
  };

  const clearFile = () => {
    setFile(null);
    if (fileInput.current) fileInput.current.value = '';
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!hasInput || !format) {
      setError(new Error('Choose a file or paste CSV or JSON data first.'));
      return;
    }
    setBusy(true);
    setError(null);
    setOutcome(null);
    try {
      // Send the file's bytes untouched so the server can judge the encoding itself.
      const body = file ?? text;
      const result = await api.importConstituency(body, format, { partial, dryRun });
      setOutcome({ kind: 'done', result });
    } catch (err) {
      const rejection = importRejection(err);
      if (rejection) setOutcome({ kind: 'rejected', ...rejection, message: errorMessage(err) });
      else setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Import constituency</h1>
          <p className="muted">Load organizations, their assets and contacts from CSV or JSON.</p>
        </div>
        <div className="export-links">
          <span className="muted">Export:</span>
          <a className="btn btn-small" href={api.exportUrl('json')} download>
            Download JSON export
          </a>
          <a className="btn btn-small" href={api.exportUrl('csv')} download>
            Download CSV export
          </a>
        </div>
      </div>

      {!can(user, 'constituency:import') && (
        <Notice kind="warning">Your role cannot import into the registry; only administrators and analysts can.</Notice>
      )}

      <div className="split">
        <section className="card" aria-labelledby="import-form-title">
          <h2 id="import-form-title">Data</h2>
          <form onSubmit={submit} className="stack" data-testid="import-form">
            <div className="field">
              <label htmlFor="import-file">File (.csv or .json)</label>
              <div className="file-row">
                <input
                  id="import-file"
                  ref={fileInput}
                  type="file"
                  accept=".csv,.json,text/csv,application/json"
                  onChange={(e) => pickFile(e.target.files?.[0] ?? null)}
                />
                {file && (
                  <button type="button" className="btn btn-small btn-ghost" onClick={clearFile}>
                    Clear file
                  </button>
                )}
              </div>
            </div>
            <div className="field">
              <label htmlFor="import-text">Or paste CSV or JSON</label>
              <textarea
                id="import-text"
                className="mono"
                rows={10}
                spellCheck={false}
                disabled={Boolean(file)}
                placeholder={file ? `Using the file ${file.name}` : 'name,sector,country,is_cii,...'}
                value={text}
                onChange={(e) => setText(e.target.value)}
              />
            </div>
            <div className="row">
              <div className="field">
                <label htmlFor="import-format">Format</label>
                <select id="import-format" value={choice} onChange={(e) => setChoice(e.target.value as FormatChoice)}>
                  <option value="auto">Automatic{detected ? ` (${detected.toUpperCase()})` : ''}</option>
                  <option value="csv">CSV</option>
                  <option value="json">JSON</option>
                </select>
              </div>
              <div className="checks">
                <div className="field-check">
                  <input id="import-partial" type="checkbox" checked={partial} onChange={(e) => setPartial(e.target.checked)} />
                  <label htmlFor="import-partial">Apply rows that pass (partial)</label>
                </div>
                <div className="field-check">
                  <input id="import-dry-run" type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} />
                  <label htmlFor="import-dry-run">Validate only (dry run)</label>
                </div>
              </div>
            </div>
            <div className="form-actions">
              <button type="submit" className="btn btn-primary" disabled={busy}>
                {busy ? 'Importing…' : 'Import'}
              </button>
              <span className="muted small">
                {partial
                  ? 'Rows with errors are skipped; the others are applied.'
                  : 'If any row has an error, nothing is applied.'}
              </span>
            </div>
          </form>
        </section>

        <aside className="card help" aria-labelledby="import-help-title">
          <h2 id="import-help-title">Columns and fields</h2>
          <p>
            <strong>CSV</strong> needs a header row with these columns; only <code>name</code> and <code>sector</code>{' '}
            are required:
          </p>
          <p className="columns mono" data-testid="csv-columns">
            {CSV_COLUMNS.join(',')}
          </p>
          <ul>
            <li>
              List fields (<code>networks</code>, <code>asns</code>, <code>domains</code>, <code>email_domains</code>) take
              several values separated by spaces or <code>;</code>.
            </li>
            <li>Several rows with the same name add more assets and contacts to the same organization.</li>
            <li>
              <code>is_cii</code> and <code>contact_24x7</code> are true/false; <code>sector</code> is a sector code.
            </li>
          </ul>
          <p>
            <strong>JSON</strong> is an array of <code>{'{ name, sector, country, isCii, ciiCategory, assets, contacts }'}</code>{' '}
            objects — the same shape as the JSON export.
          </p>
        </aside>
      </div>

      <ErrorAlert error={error} title="Import failed" />
      {outcome?.kind === 'done' && <ImportDone result={outcome.result} />}
      {outcome?.kind === 'rejected' && (
        <section className="card" aria-labelledby="import-rejected-title" data-testid="import-rejected">
          <div className="alert alert-error" role="alert">
            <strong className="alert-title" id="import-rejected-title">
              {outcome.message}
            </strong>
            <div>
              {plural(outcome.errors.length, 'problem')} found. Fix the rows below, or allow a partial import to apply
              only the valid rows.
            </div>
          </div>
          {outcome.summary && <SummaryTable summary={outcome.summary} />}
          <RowErrors errors={outcome.errors} />
        </section>
      )}
    </div>
  );
}

function ImportDone({ result }: { result: ImportResult }) {
  const failed = result.summary.failedRows;
  let headline: string;
  if (result.dryRun) {
    headline = failed
      ? `Dry run: ${plural(failed, 'row')} would fail. Nothing was written.`
      : 'Dry run: all rows are valid. Nothing was written.';
  } else if (result.applied) {
    headline = failed ? `Import applied; ${plural(failed, 'row')} skipped.` : 'Import applied.';
  } else {
    headline = 'Nothing was applied.';
  }
  return (
    <section className="card" aria-labelledby="import-summary-title" data-testid="import-summary">
      <div className={`alert ${failed ? 'alert-warning' : 'alert-success'}`} role="status">
        <strong className="alert-title" id="import-summary-title">
          {headline}
        </strong>
      </div>
      <SummaryTable summary={result.summary} />
      {result.errors.length > 0 && <RowErrors errors={result.errors} />}
    </section>
  );
}

function SummaryTable({ summary }: { summary: ImportSummary }) {
  const stats: [string, number][] = [
    ['Rows', summary.rows],
    ['Organizations created', summary.organizationsCreated],
    ['Organizations updated', summary.organizationsUpdated],
    ['Assets added', summary.assetsAdded],
    ['Contacts added', summary.contactsAdded],
    ['Failed rows', summary.failedRows],
  ];
  return (
    <dl className="stats">
      {stats.map(([label, n]) => (
        <div key={label} className={label === 'Failed rows' && n > 0 ? 'stat stat-bad' : 'stat'}>
          <dt>{label}</dt>
          <dd>{n ?? 0}</dd>
        </div>
      ))}
    </dl>
  );
}

function RowErrors({ errors }: { errors: RowError[] }) {
  const sorted = [...errors].sort((a, b) => a.line - b.line);
  return (
    <div className="table-wrap">
      <table className="table" data-testid="import-errors">
        <caption>Row errors</caption>
        <thead>
          <tr>
            <th scope="col" className="num">
              Line
            </th>
            <th scope="col">Field</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((e, i) => (
            <tr key={`${e.line}-${e.field ?? ''}-${i}`} data-testid="import-error-row" data-code={e.code}>
              <td className="num">{e.line}</td>
              <td className="mono">{e.field ?? '—'}</td>
              <td title={e.code}>{e.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
