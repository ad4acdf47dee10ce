import { Fragment, useState } from 'react';
import type { FormEvent } from 'react';
import { adminApi } from '../api-admin';
import type { Center } from '../api';
import { ErrorAlert, Notice } from '../components/Alert';
import { AdminOnly } from '../components/admin/AdminOnly';
import { CenterOrganizationsEditor } from '../components/admin/CenterOrganizationsEditor';
import { formatDate, plural } from '../format';
import { useLoad, useTitle } from '../hooks';

export function CentersPage() {
  useTitle('Centers');
  return (
    <AdminOnly title="Centers">
      <Centers />
    </AdminOnly>
  );
}

function Centers() {
  const list = useLoad('centers', (signal) => adminApi.centers(signal));
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [createError, setCreateError] = useState<unknown>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setCreateError(null);
    setNotice(null);
    try {
      const center = await adminApi.createCenter(name.trim());
      setName('');
      setNotice(`Created center ${center.name}.`);
      list.reload();
    } catch (err) {
      setCreateError(err);
    } finally {
      setBusy(false);
    }
  };

  const saved = (c: Center, count: number) => {
    setEditing(null);
    setNotice(`${c.name} now serves ${plural(count, 'organization')}.`);
    list.setData((prev) => prev && prev.map((x) => (x.id === c.id ? { ...x, organizationCount: count } : x)));
  };

  const items = list.data ?? [];
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Centers</h1>
          <p className="muted">Cybersecurity centers (SOCs) and the organizations each one serves. Center operators see only those.</p>
        </div>
      </div>

      <form className="toolbar" aria-label="New center" onSubmit={create} data-testid="new-center-form">
        <div className="field field-grow">
          <label htmlFor="new-center-name">Center name</label>
          <input
            id="new-center-name"
            required
            maxLength={200}
            autoComplete="off"
            placeholder="e.g. Energy sector SOC"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create center'}
        </button>
      </form>
      <ErrorAlert error={createError} title="The center was not created" />
      {notice && (
        <Notice kind="success" testId="centers-notice">
          {notice}
        </Notice>
      )}
      <ErrorAlert error={list.error} />

      <div className={list.loading && list.data ? 'table-wrap is-loading' : 'table-wrap'} aria-busy={list.loading}>
        <table className="table" data-testid="centers-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col" className="num">
                Organizations
              </th>
              <th scope="col">Created</th>
              <th scope="col" className="actions">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <Fragment key={c.id}>
                <tr data-testid="center-row" data-center-id={c.id}>
                  <td className="strong">{c.name}</td>
                  <td className="num">{c.organizationCount ?? 0}</td>
                  <td title={c.createdAt}>{formatDate(c.createdAt)}</td>
                  <td className="actions">
                    <button
                      type="button"
                      className="btn btn-small"
                      aria-expanded={editing === c.id}
                      aria-label={`Edit organizations of ${c.name}`}
                      onClick={() => setEditing(editing === c.id ? null : c.id)}
                    >
                      Edit organizations
                    </button>
                  </td>
                </tr>
                {editing === c.id && (
                  <tr className="detail-row">
                    <td colSpan={4}>
                      <CenterOrganizationsEditor center={c} onCancel={() => setEditing(null)} onSaved={(n) => saved(c, n)} />
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
            {!list.loading && !list.error && items.length === 0 && (
              <tr>
                <td colSpan={4} className="empty">
                  No centers yet.
                </td>
              </tr>
            )}
            {list.loading && !list.data && (
              <tr>
                <td colSpan={4} className="empty">
                  Loading…
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
