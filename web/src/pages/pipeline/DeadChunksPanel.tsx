import { useState } from 'react';
import { pipelineApi } from '../../api-pipeline';
import { ErrorAlert, Notice } from '../../components/Alert';
import { useAction, useLoad } from '../../hooks';

/** A feed's dead letters (chunks that failed every attempt) with their last error, and "requeue all". */
export function DeadChunksPanel({ feedId }: { feedId: string }) {
  const list = useLoad(`dead-chunks:${feedId}`, (signal) => pipelineApi.deadChunks(feedId, signal));
  const { busy, error, act } = useAction();
  const [notice, setNotice] = useState<string | null>(null);
  const items = list.data ?? [];

  const requeue = async () => {
    setNotice(null);
    await act(async () => {
      const r = await pipelineApi.requeueDeadChunks(feedId);
      setNotice(`${r.requeued} chunk${r.requeued === 1 ? '' : 's'} back in the queue.`);
      list.reload();
    });
  };

  return (
    <section className="card" aria-label="Dead letters" data-testid="dead-chunks">
      <div className="page-head">
        <div>
          <h2>Dead letters</h2>
          <p className="muted">Parts of reports that failed every attempt; nothing of them was stored. Fix the cause, then requeue.</p>
        </div>
        <button type="button" className="btn" disabled={busy || items.length === 0} onClick={() => void requeue()}>
          Requeue all
        </button>
      </div>
      <ErrorAlert error={list.error ?? error} />
      {notice && <Notice kind="success">{notice}</Notice>}
      {items.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Chunk</th>
                <th scope="col">Lines</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last error</th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id} data-testid="dead-chunk-row">
                  <td>
                    <code>{c.id}</code>
                  </td>
                  <td className="nowrap">
                    {c.firstLine}–{c.firstLine + c.lineCount - 1}
                  </td>
                  <td>{c.attempts}</td>
                  <td>{c.lastError ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        !list.loading && !list.error && <p className="muted">No dead letters.</p>
      )}
    </section>
  );
}
