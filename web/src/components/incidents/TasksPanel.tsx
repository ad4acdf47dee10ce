import { useState } from 'react';
import type { FormEvent } from 'react';
import { incidentsApi } from '../../api-incidents';
import type { IncidentTask } from '../../api-incidents';
import { useLoad } from '../../hooks';
import { ErrorAlert } from '../Alert';

/** The case's to-do list: add a task, tick it off. */
export function TasksPanel({ incidentId, canWork, onChanged }: { incidentId: string; canWork: boolean; onChanged: () => void }) {
  const tasks = useLoad(`tasks:${incidentId}`, (signal) => incidentsApi.tasks(incidentId, signal));
  const [title, setTitle] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (!title.trim()) return;
    setBusy('new');
    setError(null);
    try {
      const task = await incidentsApi.addTask(incidentId, { title: title.trim() });
      tasks.setData((list) => [...(list ?? []), task]);
      setTitle('');
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  const replace = (task: IncidentTask) => tasks.setData((list) => (list ?? []).map((x) => (x.id === task.id ? task : x)));
  // The box flips at once; it flips back if the server refuses.
  const toggle = async (t: IncidentTask, done: boolean) => {
    setBusy(t.id);
    setError(null);
    replace({ ...t, status: done ? 'done' : 'open' });
    try {
      replace(await incidentsApi.updateTask(incidentId, t.id, { status: done ? 'done' : 'open' }));
      onChanged();
    } catch (err) {
      replace(t);
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  const items = tasks.data ?? [];
  const done = items.filter((t) => t.status === 'done').length;
  return (
    <section className="card" aria-labelledby="tasks-title" data-testid="incident-tasks">
      <h2 id="tasks-title">
        Tasks <span className="count">{items.length ? `${done}/${items.length}` : 0}</span>
      </h2>
      <ErrorAlert error={tasks.error} title="The tasks could not be loaded" />
      {tasks.data && items.length === 0 && <p className="muted flush">No tasks yet.</p>}
      {items.length > 0 && (
        <ul className="plain-list">
          {items.map((t) => (
            <li key={t.id} className={t.status === 'done' ? 'task task-done field-check' : 'task field-check'} data-testid="task" data-status={t.status}>
              <input
                id={`task-${t.id}`}
                type="checkbox"
                checked={t.status === 'done'}
                disabled={!canWork || busy !== null}
                onChange={(e) => void toggle(t, e.target.checked)}
              />
              <label htmlFor={`task-${t.id}`}>{t.title}</label>
            </li>
          ))}
        </ul>
      )}
      {canWork && (
        <form className="inline-form" onSubmit={add}>
          <div className="field field-grow">
            <label htmlFor="new-task-title">New task</label>
            <input id="new-task-title" maxLength={300} value={title} onChange={(e) => setTitle(e.target.value)} placeholder="e.g. Ask the constituent for firewall logs" />
          </div>
          <button type="submit" className="btn" disabled={busy !== null || !title.trim()}>
            {busy === 'new' ? 'Adding…' : 'Add task'}
          </button>
        </form>
      )}
      <ErrorAlert error={error} title="The task was not saved" />
    </section>
  );
}
