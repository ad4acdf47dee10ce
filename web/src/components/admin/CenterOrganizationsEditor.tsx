import { useEffect, useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import { adminApi } from '../../api-admin';
import type { Center } from '../../api';
import { plural } from '../../format';
import { useLoad } from '../../hooks';
import { ErrorAlert } from '../Alert';

const SHOWN = 300;

/** Chooses the organizations a center serves: a filterable checklist of the whole constituency. */
export function CenterOrganizationsEditor({
  center,
  onSaved,
  onCancel,
}: {
  center: Center;
  onSaved: (count: number) => void;
  onCancel: () => void;
}) {
  const detail = useLoad(`center:${center.id}`, (signal) => adminApi.center(center.id, signal));
  const orgs = useLoad('all-organizations', (signal) => adminApi.allOrganizations(signal));
  const [selected, setSelected] = useState<Set<string> | null>(null);
  const [filter, setFilter] = useState('');
  const [onlySelected, setOnlySelected] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (detail.data && selected === null) setSelected(new Set(detail.data.organizationIds));
  }, [detail.data, selected]);

  const matches = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return (orgs.data ?? []).filter(
      (o) => (!f || o.name.toLowerCase().includes(f)) && (!onlySelected || selected?.has(o.id)),
    );
  }, [orgs.data, filter, onlySelected, selected]);
  const shown = matches.slice(0, SHOWN);

  const setMany = (ids: string[], on: boolean) =>
    setSelected((prev) => {
      const next = new Set(prev);
      for (const id of ids) {
        if (on) next.add(id);
        else next.delete(id);
      }
      return next;
    });

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!selected) return;
    setBusy(true);
    setError(null);
    try {
      await adminApi.setCenterOrganizations(center.id, [...selected]);
      onSaved(selected.size);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const loading = !selected || orgs.loading;
  const filterId = `center-orgs-filter-${center.id}`;
  return (
    <form className="stack center-editor" onSubmit={save} aria-label={`Organizations served by ${center.name}`} data-testid="center-organizations-form">
      <ErrorAlert error={detail.error ?? orgs.error} title="The organizations could not be loaded" />
      <div className="row">
        <div className="field field-grow">
          <label htmlFor={filterId}>Filter organizations</label>
          <input id={filterId} type="search" autoComplete="off" placeholder="Name…" value={filter} onChange={(e) => setFilter(e.target.value)} />
        </div>
        <div className="field field-check">
          <input id={`${filterId}-only`} type="checkbox" checked={onlySelected} onChange={(e) => setOnlySelected(e.target.checked)} />
          <label htmlFor={`${filterId}-only`}>Selected only</label>
        </div>
        <div className="form-actions">
          <button type="button" className="btn btn-small" disabled={loading} onClick={() => setMany(shown.map((o) => o.id), true)}>
            Select shown
          </button>
          <button type="button" className="btn btn-small" disabled={loading} onClick={() => setMany(shown.map((o) => o.id), false)}>
            Clear shown
          </button>
        </div>
      </div>
      <fieldset className="checklist" aria-busy={loading}>
        <legend className="visually-hidden">Organizations</legend>
        {loading && !detail.error && !orgs.error && <p className="muted">Loading organizations…</p>}
        {!loading && shown.length === 0 && <p className="muted">No organizations match.</p>}
        {!loading &&
          shown.map((o) => (
            <div className="field field-check" key={o.id}>
              <input
                id={`center-org-${center.id}-${o.id}`}
                type="checkbox"
                checked={selected?.has(o.id) ?? false}
                onChange={(e) => setMany([o.id], e.target.checked)}
              />
              <label htmlFor={`center-org-${center.id}-${o.id}`}>{o.name}</label>
            </div>
          ))}
      </fieldset>
      <p className="muted small flush" role="status">
        {selected ? `${plural(selected.size, 'organization')} selected` : ''}
        {matches.length > SHOWN ? ` · showing ${SHOWN} of ${matches.length} matches, narrow the filter` : ''}
      </p>
      {error !== null && <ErrorAlert error={error} title="The organizations were not saved" />}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy || loading}>
          {busy ? 'Saving…' : 'Save organizations'}
        </button>
        <button type="button" className="btn btn-ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
