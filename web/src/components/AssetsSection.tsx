import { useState } from 'react';
import type { FormEvent } from 'react';
import { ASSET_TYPES, ApiError, api } from '../api';
import type { Asset, AssetType, Overlap } from '../api';
import { ASSET_TYPE_LABELS, formatDateTime, plural } from '../format';
import { Link } from '../router';
import { ErrorAlert, Notice } from './Alert';

const PLACEHOLDERS: Record<AssetType, string> = {
  cidr: '192.0.2.0/24 or 2001:db8::/32',
  asn: 'AS64496',
  domain: 'example.org',
  email_domain: 'mail.example.org',
};

// `relation` describes the other organization's asset: it `contains` the new one, is `contained` in it, or is `equal`.
// Worded here from the new asset's side.
const RELATION: Record<Overlap['relation'], string> = {
  contains: 'is inside',
  contained: 'contains',
  equal: 'is the same as',
};

const OVERLAPS_SHOWN = 8;

export function AssetsSection({
  orgId,
  assets,
  editable,
  onAdded,
  onRemoved,
  onError,
}: {
  orgId: string;
  assets: Asset[];
  editable: boolean;
  onAdded: (a: Asset) => void;
  onRemoved: (id: string) => void;
  onError: (e: unknown) => void;
}) {
  const [type, setType] = useState<AssetType>('cidr');
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [overlaps, setOverlaps] = useState<{ value: string; items: Overlap[] } | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [allOverlaps, setAllOverlaps] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setOverlaps(null);
    try {
      const res = await api.addAsset(orgId, { type, value: value.trim() });
      onAdded(res.asset);
      if (res.overlaps?.length) setOverlaps({ value: res.asset.value, items: res.overlaps });
      setAllOverlaps(false);
      setValue('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (asset: Asset) => {
    setDeleting(asset.id);
    onError(null);
    try {
      await api.deleteAsset(orgId, asset.id);
      onRemoved(asset.id);
      setOverlaps(null);
    } catch (err) {
      // already gone: reflect that rather than complain
      if (err instanceof ApiError && err.status === 404) onRemoved(asset.id);
      else onError(err);
    } finally {
      setDeleting(null);
    }
  };

  return (
    <section className="card" aria-labelledby="assets-title">
      <h2 id="assets-title">
        Assets <span className="count">{assets.length}</span>
      </h2>
      <div className="table-wrap">
        <table className="table" data-testid="assets-table">
          <thead>
            <tr>
              <th scope="col">Type</th>
              <th scope="col">Value</th>
              <th scope="col">Added</th>
              {editable && (
                <th scope="col" className="actions">
                  <span className="visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {assets.map((a) => (
              <tr key={a.id} data-testid="asset-row">
                <td>
                  <span className={`badge badge-type badge-${a.type}`}>{ASSET_TYPE_LABELS[a.type] ?? a.type}</span>
                </td>
                <td className="mono">{a.value}</td>
                <td title={a.createdAt}>{formatDateTime(a.createdAt)}</td>
                {editable && (
                  <td className="actions">
                    <button
                      type="button"
                      className="btn btn-small btn-danger-ghost"
                      aria-label={`Delete asset ${a.value}`}
                      disabled={deleting === a.id}
                      onClick={() => void remove(a)}
                    >
                      Delete
                    </button>
                  </td>
                )}
              </tr>
            ))}
            {assets.length === 0 && (
              <tr>
                <td colSpan={editable ? 4 : 3} className="empty">
                  No assets registered.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>

      {overlaps && (
        <Notice kind="warning" testId="overlap-warning">
          <strong>Overlap:</strong> {overlaps.value} overlaps {plural(overlaps.items.length, 'registered asset')}:
          <ul className="overlaps">
            {(allOverlaps ? overlaps.items : overlaps.items.slice(0, OVERLAPS_SHOWN)).map((o) => (
              <li key={o.assetId}>
                <span className="mono">{overlaps.value}</span> {RELATION[o.relation] ?? o.relation}{' '}
                <span className="mono">{o.value}</span> of{' '}
                <Link to={`/organizations/${encodeURIComponent(o.organizationId)}`}>{o.organizationName}</Link>
              </li>
            ))}
          </ul>
          {overlaps.items.length > OVERLAPS_SHOWN && (
            <button type="button" className="btn btn-small btn-ghost" onClick={() => setAllOverlaps((v) => !v)}>
              {allOverlaps ? 'Show fewer' : `Show all ${overlaps.items.length}`}
            </button>
          )}
        </Notice>
      )}

      {editable && (
        <form className="inline-form" onSubmit={submit} aria-label="Add asset" data-testid="add-asset-form">
          <div className="field">
            <label htmlFor="asset-type">Type</label>
            <select id="asset-type" value={type} onChange={(e) => setType(e.target.value as AssetType)}>
              {ASSET_TYPES.map((t) => (
                <option key={t} value={t}>
                  {ASSET_TYPE_LABELS[t]}
                </option>
              ))}
            </select>
          </div>
          <div className="field field-grow">
            <label htmlFor="asset-value">Value</label>
            <input
              id="asset-value"
              className="mono"
              required
              autoComplete="off"
              spellCheck={false}
              placeholder={PLACEHOLDERS[type]}
              value={value}
              onChange={(e) => setValue(e.target.value)}
            />
          </div>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Adding…' : 'Add asset'}
          </button>
        </form>
      )}
      <ErrorAlert error={error} />
    </section>
  );
}
