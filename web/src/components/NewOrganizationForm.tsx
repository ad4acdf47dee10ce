import { useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api';
import type { Organization, Sector } from '../api';
import { ErrorAlert } from './Alert';

export function NewOrganizationForm({
  sectors,
  onCreated,
  onCancel,
}: {
  sectors: Sector[];
  onCreated: (org: Organization) => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState('');
  const [sector, setSector] = useState('');
  const [country, setCountry] = useState('');
  const [isCii, setIsCii] = useState(false);
  const [ciiCategory, setCiiCategory] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const org = await api.createOrganization({
        name: name.trim(),
        sector,
        country: country.trim().toUpperCase(),
        isCii,
        ...(isCii && ciiCategory.trim() ? { ciiCategory: ciiCategory.trim() } : {}),
      });
      onCreated(org);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="new-org-title">
      <h2 id="new-org-title">New organization</h2>
      <form className="form-grid" onSubmit={submit} data-testid="new-organization-form">
        <div className="field span-2">
          <label htmlFor="new-org-name">Name</label>
          <input id="new-org-name" required autoFocus value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="new-org-sector">Sector</label>
          <select id="new-org-sector" required value={sector} onChange={(e) => setSector(e.target.value)}>
            <option value="">Choose a sector…</option>
            {sectors.map((s) => (
              <option key={s.code} value={s.code}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="new-org-country">Country</label>
          <input
            id="new-org-country"
            required
            maxLength={2}
            placeholder="ISO code, e.g. NL"
            autoComplete="off"
            value={country}
            onChange={(e) => setCountry(e.target.value)}
          />
        </div>
        <div className="field field-check">
          <input id="new-org-cii" type="checkbox" checked={isCii} onChange={(e) => setIsCii(e.target.checked)} />
          <label htmlFor="new-org-cii">Critical infrastructure (CII)</label>
        </div>
        <div className="field">
          <label htmlFor="new-org-cii-category">CII category</label>
          <input
            id="new-org-cii-category"
            disabled={!isCii}
            placeholder={isCii ? 'e.g. energy distribution' : 'Only for CII'}
            value={ciiCategory}
            onChange={(e) => setCiiCategory(e.target.value)}
          />
        </div>
        {error !== null && (
          <div className="span-all">
            <ErrorAlert error={error} title="The organization was not created" />
          </div>
        )}
        <div className="form-actions span-all">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create organization'}
          </button>
          <button type="button" className="btn btn-ghost" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
