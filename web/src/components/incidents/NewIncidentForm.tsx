import { useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import { incidentsApi } from '../../api-incidents';
import type { IncidentDetail, Pap, Severity, Tlp } from '../../api-incidents';
import { ErrorAlert } from '../Alert';
import { OrganizationPicker } from '../admin/OrganizationPicker';
import type { PickedOrganization } from '../admin/OrganizationPicker';
import { PAPS, RSIT, SEVERITIES, SEVERITY_LABELS, TLPS, humanize, markingLabel } from './labels';
import { parseObservables } from './observables';

/** Opens an incident (national CERT staff): classification, markings, organization, observables. */
export function NewIncidentForm({ onCreated, onCancel }: { onCreated: (incident: IncidentDetail) => void; onCancel: () => void }) {
  const [title, setTitle] = useState('');
  const [severity, setSeverity] = useState<Severity>('medium');
  const [taxonomy, setTaxonomy] = useState('');
  const [type, setType] = useState('');
  const [tlp, setTlp] = useState<Tlp>('amber');
  const [pap, setPap] = useState<Pap>('amber');
  const [org, setOrg] = useState<PickedOrganization | null>(null);
  const [description, setDescription] = useState('');
  const [observablesText, setObservablesText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const parsed = useMemo(() => parseObservables(observablesText), [observablesText]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (parsed.errors.length) return;
    setBusy(true);
    setError(null);
    try {
      const created = await incidentsApi.create({
        title: title.trim(),
        severity,
        rsitTaxonomy: taxonomy,
        rsitType: type,
        tlp,
        pap,
        organizationId: org?.id ?? null,
        description: description.trim() || null,
        observables: parsed.observables,
      });
      onCreated(created);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="new-incident-title">
      <h2 id="new-incident-title">New incident</h2>
      <form className="form-grid" onSubmit={submit} data-testid="new-incident-form">
        <div className="field span-all">
          <label htmlFor="new-inc-title">Title</label>
          <input id="new-inc-title" required maxLength={300} autoFocus value={title} onChange={(e) => setTitle(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="new-inc-severity">Severity</label>
          <select id="new-inc-severity" value={severity} onChange={(e) => setSeverity(e.target.value as Severity)}>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {SEVERITY_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="new-inc-class">RSIT class</label>
          <select
            id="new-inc-class"
            required
            value={taxonomy}
            onChange={(e) => {
              setTaxonomy(e.target.value);
              setType('');
            }}
          >
            <option value="">Choose a class…</option>
            {Object.keys(RSIT).map((c) => (
              <option key={c} value={c}>
                {humanize(c)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="new-inc-type">RSIT type</label>
          <select id="new-inc-type" required disabled={!taxonomy} value={type} onChange={(e) => setType(e.target.value)}>
            <option value="">{taxonomy ? 'Choose a type…' : 'Choose a class first'}</option>
            {(RSIT[taxonomy] ?? []).map((t) => (
              <option key={t} value={t}>
                {humanize(t)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="new-inc-tlp">TLP</label>
          <select id="new-inc-tlp" value={tlp} onChange={(e) => setTlp(e.target.value as Tlp)}>
            {TLPS.map((t) => (
              <option key={t} value={t}>
                {markingLabel('TLP', t)}
              </option>
            ))}
          </select>
        </div>
        <div className="span-2">
          <OrganizationPicker id="new-inc-org" label="Organization" value={org} onChange={setOrg} />
        </div>
        <div className="field">
          <label htmlFor="new-inc-pap">PAP</label>
          <select id="new-inc-pap" value={pap} onChange={(e) => setPap(e.target.value as Pap)}>
            {PAPS.map((p) => (
              <option key={p} value={p}>
                {markingLabel('PAP', p)}
              </option>
            ))}
          </select>
        </div>
        <div className="field span-2">
          <label htmlFor="new-inc-description">Description</label>
          <textarea id="new-inc-description" rows={6} value={description} onChange={(e) => setDescription(e.target.value)} />
        </div>
        <div className="field span-2">
          <label htmlFor="new-inc-observables">Observables</label>
          <textarea
            id="new-inc-observables"
            className="mono"
            rows={6}
            placeholder={'One per line, type:value or just the value\nipv4:198.18.0.10\nhxxps://login.bank[.]example/x'}
            aria-describedby="new-inc-observables-help"
            value={observablesText}
            onChange={(e) => setObservablesText(e.target.value)}
          />
          <span id="new-inc-observables-help" className="muted small" data-testid="observables-summary">
            {parsed.observables.length
              ? `${parsed.observables.length} recognised: ${[...new Set(parsed.observables.map((o) => o.type))].join(', ')}`
              : 'url, ipv4, ipv6, domain, email, md5, sha1, sha256, asn; defanged forms are fine.'}
          </span>
        </div>
        {parsed.errors.length > 0 && (
          <div className="span-all alert alert-warning" role="alert" data-testid="observable-errors">
            <ul className="issues">
              {parsed.errors.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          </div>
        )}
        {error !== null && (
          <div className="span-all">
            <ErrorAlert error={error} title="The incident was not opened" />
          </div>
        )}
        <div className="form-actions span-all">
          <button type="submit" className="btn btn-primary" disabled={busy || parsed.errors.length > 0}>
            {busy ? 'Opening…' : 'Open incident'}
          </button>
          <button type="button" className="btn btn-ghost" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
