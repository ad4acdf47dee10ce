import { useState } from 'react';
import type { FormEvent } from 'react';
import { incidentsApi } from '../../api-incidents';
import { formatDateTime } from '../../format';
import { useLoad } from '../../hooks';
import { ErrorAlert } from '../Alert';

/** The case's discussion, oldest first. */
export function CommentsPanel({ incidentId, canWork, onChanged }: { incidentId: string; canWork: boolean; onChanged: () => void }) {
  const comments = useLoad(`comments:${incidentId}`, (signal) => incidentsApi.comments(incidentId, signal));
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (!body.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const comment = await incidentsApi.addComment(incidentId, body.trim());
      comments.setData((list) => [...(list ?? []), comment]);
      setBody('');
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const items = comments.data ?? [];
  return (
    <section className="card" aria-labelledby="comments-title" data-testid="incident-comments">
      <h2 id="comments-title">
        Comments <span className="count">{items.length}</span>
      </h2>
      <ErrorAlert error={comments.error} title="The comments could not be loaded" />
      {comments.data && items.length === 0 && <p className="muted flush">No comments yet.</p>}
      {items.length > 0 && (
        <ul className="plain-list">
          {items.map((c) => (
            <li key={c.id} className="comment" data-testid="comment">
              <div className="comment-meta">
                <span className="strong">{c.authorLabel}</span> · <span title={c.createdAt}>{formatDateTime(c.createdAt)}</span>
              </div>
              <p className="comment-body">{c.body}</p>
            </li>
          ))}
        </ul>
      )}
      {canWork && (
        <form className="stack" onSubmit={add}>
          <div className="field">
            <label htmlFor="new-comment">Comment</label>
            <textarea id="new-comment" rows={3} maxLength={20_000} value={body} onChange={(e) => setBody(e.target.value)} />
          </div>
          <div className="form-actions">
            <button type="submit" className="btn" disabled={busy || !body.trim()}>
              {busy ? 'Adding…' : 'Add comment'}
            </button>
          </div>
        </form>
      )}
      <ErrorAlert error={error} title="The comment was not added" />
    </section>
  );
}
