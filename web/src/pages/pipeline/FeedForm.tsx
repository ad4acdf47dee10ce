import { useState } from 'react';
import type { FormEvent } from 'react';
import { validationIssues } from '../../api';
import { pipelineApi } from '../../api-pipeline';
import type { Feed, FeedFormat, FeedKind, FeedMapping, Tlp } from '../../api-pipeline';
import { ErrorAlert } from '../../components/Alert';
import { useAction, useLoad } from '../../hooks';

const KINDS: { value: FeedKind; label: string }[] = [
  { value: 'drop', label: 'Drop directory (files put in <data dir>/drop/<feed name>/)' },
  { value: 'http', label: 'HTTP(S) pull on a schedule' },
  { value: 'push', label: 'Push by API (POST /feeds/{id}/reports)' },
  { value: 'misp', label: 'MISP feed (manifest.json + event files)' },
];
const FORMATS: FeedFormat[] = ['csv', 'jsonl', 'list', 'intelmq', 'stix', 'misp'];
const TLPS: Tlp[] = ['clear', 'green', 'amber', 'amber+strict', 'red'];

/** What the API shows for a stored secret header; sent back, it keeps the secret. */
const SECRET_MASK = '********';

/** The first secret header of a feed (the console edits one; the API takes up to 20). */
function storedSecretName(feed: Feed | undefined): string {
  const s = feed?.config.secretHeaders;
  return s && typeof s === 'object' ? (Object.keys(s)[0] ?? '') : '';
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text || '{}');
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Creates a feed, or edits one (`feed` given): kind, format, a shipped mapping or parser JSON, TLP. */
export function FeedForm({ feed, onDone, onCancel }: { feed?: Feed; onDone: (feed: Feed) => void; onCancel: () => void }) {
  const mappings = useLoad('feed-mappings', (signal) => pipelineApi.mappings(signal));
  const [name, setName] = useState(feed?.name ?? '');
  const [kind, setKind] = useState<FeedKind>(feed?.kind ?? 'drop');
  const [format, setFormat] = useState<FeedFormat>(feed?.format ?? 'csv');
  const [url, setUrl] = useState(typeof feed?.config.url === 'string' ? feed.config.url : '');
  const [keyName, setKeyName] = useState(storedSecretName(feed));
  const [keyValue, setKeyValue] = useState('');
  const [schedule, setSchedule] = useState(String(feed?.scheduleSeconds ?? 3600));
  const [tlp, setTlp] = useState<Tlp>(feed?.tlp ?? 'amber');
  const [provider, setProvider] = useState(feed?.provider ?? '');
  const [mappingId, setMappingId] = useState('');
  const [parser, setParser] = useState(feed ? JSON.stringify(feed.parser, null, 2) : '{\n  "format": "csv",\n  "mapping": {}\n}');
  const { busy, error, setError, act } = useAction();
  const pulled = kind === 'http' || kind === 'misp';
  const choices = (mappings.data ?? []).filter((m) => m.format === format);

  const pick = (id: string) => {
    setMappingId(id);
    const m: FeedMapping | undefined = choices.find((c) => c.id === id);
    if (m) setParser(JSON.stringify(m.parser, null, 2));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseJson(parser);
    if (!parsed) return setError(new Error('The parser settings are not a JSON object.'));
    // An edit keeps the rest of the stored settings (headers, limits); the key's value, left empty, keeps the stored one.
    // The form edits the first secret header; others set through the API stay (masked: kept).
    const keyHeader = keyName.trim();
    const stored = feed?.config.secretHeaders && typeof feed.config.secretHeaders === 'object' ? (feed.config.secretHeaders as Record<string, string>) : {};
    const others = Object.fromEntries(Object.entries(stored).filter(([n]) => n !== storedSecretName(feed)));
    const secretHeaders = { ...others, ...(keyHeader === '' ? {} : { [keyHeader]: keyValue !== '' ? keyValue : SECRET_MASK }) };
    const config = pulled ? { ...(feed?.config ?? {}), url, secretHeaders } : {};
    const common = { name, format, parser: parsed, tlp, provider: provider.trim() || null, config, scheduleSeconds: pulled ? Number(schedule) : null };
    await act(async () => {
      onDone(feed ? await pipelineApi.updateFeed(feed.id, { ...common, version: feed.version }) : await pipelineApi.createFeed({ ...common, kind }));
    });
  };

  const issues = validationIssues(error);
  return (
    <form className="card form" aria-label={feed ? 'Edit feed' : 'New feed'} onSubmit={(e) => void submit(e)}>
      <h2>{feed ? `Edit ${feed.name}` : 'New feed'}</h2>
      <div className="row">
        <div className="field field-grow">
          <label htmlFor="feed-name">Name</label>
          <input id="feed-name" required value={name} onChange={(e) => setName(e.target.value)} placeholder="shadowserver-scan" />
        </div>
        <div className="field">
          <label htmlFor="feed-kind">Kind</label>
          <select id="feed-kind" value={kind} disabled={Boolean(feed)} onChange={(e) => setKind(e.target.value as FeedKind)}>
            {KINDS.map((k) => (
              <option key={k.value} value={k.value}>
                {k.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="feed-format">Format</label>
          <select id="feed-format" value={format} onChange={(e) => setFormat(e.target.value as FeedFormat)}>
            {FORMATS.map((f) => (
              <option key={f}>{f}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="feed-tlp">TLP</label>
          <select id="feed-tlp" value={tlp} onChange={(e) => setTlp(e.target.value as Tlp)}>
            {TLPS.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </div>
      </div>
      {pulled && (
        <div className="row">
          <div className="field field-grow">
            <label htmlFor="feed-url">URL</label>
            <input id="feed-url" type="url" required value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://feeds.example/report.csv" />
          </div>
          <div className="field">
            <label htmlFor="feed-schedule">Every (seconds)</label>
            <input id="feed-schedule" type="number" min={60} value={schedule} onChange={(e) => setSchedule(e.target.value)} />
          </div>
        </div>
      )}
      {pulled && (
        <div className="row">
          <div className="field">
            <label htmlFor="feed-key-name">API key header</label>
            <input id="feed-key-name" value={keyName} onChange={(e) => setKeyName(e.target.value)} placeholder="Auth-Key, Authorization…" />
          </div>
          <div className="field field-grow">
            <label htmlFor="feed-key-value">API key (stored encrypted, never shown)</label>
            <input
              id="feed-key-value"
              type="password"
              autoComplete="off"
              value={keyValue}
              onChange={(e) => setKeyValue(e.target.value)}
              placeholder={storedSecretName(feed) !== '' && keyName.trim() === storedSecretName(feed) ? 'stored: leave empty to keep it' : 'none'}
            />
          </div>
        </div>
      )}
      <div className="row">
        <div className="field field-grow">
          <label htmlFor="feed-provider">Provider</label>
          <input id="feed-provider" value={provider} onChange={(e) => setProvider(e.target.value)} placeholder="Who publishes the feed" />
        </div>
        <div className="field field-grow">
          <label htmlFor="feed-mapping">Shipped mapping</label>
          <select id="feed-mapping" value={mappingId} onChange={(e) => pick(e.target.value)} disabled={choices.length === 0}>
            <option value="">{choices.length ? 'Choose a report layout…' : 'None shipped for this format'}</option>
            {choices.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="field">
        <label htmlFor="feed-parser">Parser settings (JSON: column mapping to IntelMQ fields, delimiter, time format…)</label>
        <textarea id="feed-parser" rows={10} className="mono" value={parser} onChange={(e) => setParser(e.target.value)} spellCheck={false} />
      </div>
      {issues.length > 0 ? (
        <div className="alert alert-error" role="alert">
          <ul>
            {issues.map((i) => (
              <li key={`${i.path}:${i.message}`}>
                <code>{i.path}</code>: {i.message}
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <ErrorAlert error={error} />
      )}
      <div className="row">
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
