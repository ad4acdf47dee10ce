import { Fragment, useState } from 'react';
import type { FormEvent } from 'react';
import { adminApi } from '../api-admin';
import { centersApi } from '../api-centers';
import type { BoardCenter, BoardCenterDetail } from '../api-centers';
import { ErrorAlert, Notice } from '../components/Alert';
import { AdminOnly } from '../components/admin/AdminOnly';
import { CenterOrganizationsEditor } from '../components/admin/CenterOrganizationsEditor';
import { StatusBadge } from '../components/centers/CenterCard';
import { CenterOpsEditor } from '../components/centers/CenterOpsEditor';
import '../components/centers/centers.css';
import { formatDate, plural } from '../format';
import { useLoad, useTitle } from '../hooks';
import { Link } from '../router';
import { ListStatusRows } from '../components/ListStatusRows';

const COLUMNS = 6;

type Editing = { id: string; what: 'organizations' | 'operations' } | null;

export function CentersPage() {
  useTitle('Centers');
  return (
    <AdminOnly title="Centers">
      <Centers />
    </AdminOnly>
  );
}

function Centers() {
  const list = useLoad('centers', (signal) => centersApi.board(signal));
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [createError, setCreateError] = useState<unknown>(null);
  const [editing, setEditing] = useState<Editing>(null);
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

  const saved = (c: BoardCenter, count: number) => {
    setEditing(null);
    setNotice(`${c.name} now serves ${plural(count, 'organization')}.`);
    list.setData((prev) => prev && prev.map((x) => (x.id === c.id ? { ...x, organizationCount: count } : x)));
  };
  const opsChanged = (next: BoardCenterDetail) => list.setData((prev) => prev && prev.map((x) => (x.id === next.id ? { ...x, ...next } : x)));
  const isEditing = (id: string, what: 'organizations' | 'operations') => editing?.id === id && editing.what === what;
  const toggle = (id: string, what: 'organizations' | 'operations') => setEditing(isEditing(id, what) ? null : { id, what });

  const items = list.data ?? [];
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Centers</h1>
          <p className="muted">
            Cybersecurity centers (SOCs), the organizations each one serves, their heartbeat window and duty contacts. Center operators see only
            those. <Link to="/centers">Open the centers board</Link>
          </p>
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
              <th scope="col">Heartbeat</th>
              <th scope="col" className="num">
                Organizations
              </th>
              <th scope="col" className="num">
                24/7 contacts
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
                  <td>
                    <StatusBadge status={c.status} />
                  </td>
                  <td className="num">{c.organizationCount ?? 0}</td>
                  <td className="num">{c.dutyContacts.length}</td>
                  <td title={c.createdAt}>{formatDate(c.createdAt)}</td>
                  <td className="actions">
                    <button
                      type="button"
                      className="btn btn-small"
                      aria-expanded={isEditing(c.id, 'organizations')}
                      aria-label={`Edit organizations of ${c.name}`}
                      onClick={() => toggle(c.id, 'organizations')}
                    >
                      Edit organizations
                    </button>{' '}
                    <button
                      type="button"
                      className="btn btn-small"
                      aria-expanded={isEditing(c.id, 'operations')}
                      aria-label={`Edit heartbeat and contacts of ${c.name}`}
                      onClick={() => toggle(c.id, 'operations')}
                    >
                      Heartbeat &amp; contacts
                    </button>
                  </td>
                </tr>
                {isEditing(c.id, 'organizations') && (
                  <tr className="detail-row">
                    <td colSpan={COLUMNS}>
                      <CenterOrganizationsEditor center={c} onCancel={() => setEditing(null)} onSaved={(n) => saved(c, n)} />
                    </td>
                  </tr>
                )}
                {isEditing(c.id, 'operations') && (
                  <tr className="detail-row">
                    <td colSpan={COLUMNS}>
                      <CenterOpsEditor centerId={c.id} onChanged={opsChanged} onClose={() => setEditing(null)} />
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
            <ListStatusRows colSpan={COLUMNS} loading={list.loading} hasData={!!list.data} hasError={!!list.error} count={items.length} empty="No centers yet." />
          </tbody>
        </table>
      </div>
    </div>
  );
}
