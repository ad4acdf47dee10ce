import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { incidentsApi, versionConflict } from '../../api-incidents';
import type { Incident } from '../../api-incidents';
import type { User } from '../../api-types';
import { ROLE_LABELS } from '../../auth';
import { ErrorAlert } from '../Alert';
import type { Directory } from './directory';

/**
 * Who works the case: an analyst (administrators pick from every account; others may take it
 * themselves) and a center.
 */
export function AssignmentPanel({
  incident,
  me,
  dir,
  canWork,
  onChanged,
  onConflict,
}: {
  incident: Incident;
  me: User;
  dir: Directory;
  canWork: boolean;
  onChanged: (next: Incident) => void;
  onConflict: (message: string) => void;
}) {
  const [userId, setUserId] = useState(incident.assigneeUserId ?? '');
  const [centerId, setCenterId] = useState(incident.assigneeCenterId ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // follow the case when it is reloaded or changed elsewhere
  useEffect(() => setUserId(incident.assigneeUserId ?? ''), [incident.assigneeUserId]);
  useEffect(() => setCenterId(incident.assigneeCenterId ?? ''), [incident.assigneeCenterId]);

  const assign = async (input: { userId?: string | null; centerId?: string | null }) => {
    setBusy(true);
    setError(null);
    try {
      onChanged(await incidentsApi.assign(incident.id, { version: incident.version, ...input }));
    } catch (err) {
      if (versionConflict(err)) onConflict('Someone else changed this incident; reloaded.');
      else setError(err);
    } finally {
      setBusy(false);
    }
  };

  const userChanged = userId !== (incident.assigneeUserId ?? '');
  const centerChanged = centerId !== (incident.assigneeCenterId ?? '');
  const save = (e: FormEvent) => {
    e.preventDefault();
    void assign({ ...(userChanged ? { userId: userId || null } : {}), ...(centerChanged ? { centerId: centerId || null } : {}) });
  };

  const currentUser = incident.assigneeUserId ? (dir.userName(incident.assigneeUserId) ?? 'An analyst') : null;
  const currentCenter = incident.assigneeCenterId ? (dir.centerName(incident.assigneeCenterId) ?? 'A center') : null;
  const mine = incident.assigneeUserId === me.id;

  return (
    <section className="card" aria-labelledby="assignment-title" data-testid="incident-assignment">
      <h2 id="assignment-title">Assignment</h2>
      <dl className="kv">
        <dt>Analyst</dt>
        <dd data-testid="assignee-user">{currentUser ?? <span className="muted">Unassigned</span>}</dd>
        <dt>Center</dt>
        <dd data-testid="assignee-center">{currentCenter ?? <span className="muted">None</span>}</dd>
      </dl>
      {canWork && (
        <form className="stack" onSubmit={save}>
          {dir.knowsUsers ? (
            <div className="field">
              <label htmlFor="assign-user">Assign analyst</label>
              <select id="assign-user" value={userId} onChange={(e) => setUserId(e.target.value)}>
                <option value="">Unassigned</option>
                {dir.assignees.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name || u.email} ({ROLE_LABELS[u.role]})
                  </option>
                ))}
                {incident.assigneeUserId && !dir.assignees.some((u) => u.id === incident.assigneeUserId) && (
                  <option value={incident.assigneeUserId}>{currentUser}</option>
                )}
              </select>
            </div>
          ) : (
            <div className="form-actions">
              {!mine ? (
                <button type="button" className="btn btn-small" disabled={busy} onClick={() => void assign({ userId: me.id })}>
                  Assign to me
                </button>
              ) : (
                <button type="button" className="btn btn-small" disabled={busy} onClick={() => void assign({ userId: null })}>
                  Unassign me
                </button>
              )}
            </div>
          )}
          <div className="field">
            <label htmlFor="assign-center">Assign center</label>
            <select id="assign-center" value={centerId} onChange={(e) => setCenterId(e.target.value)}>
              <option value="">No center</option>
              {dir.centers.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
              {incident.assigneeCenterId && !dir.centers.some((c) => c.id === incident.assigneeCenterId) && (
                <option value={incident.assigneeCenterId}>{currentCenter}</option>
              )}
            </select>
          </div>
          <div className="form-actions">
            <button type="submit" className="btn btn-primary btn-small" disabled={busy || (!userChanged && !centerChanged)}>
              {busy ? 'Saving…' : 'Save assignment'}
            </button>
          </div>
        </form>
      )}
      <ErrorAlert error={error} title="The assignment was not changed" />
    </section>
  );
}
