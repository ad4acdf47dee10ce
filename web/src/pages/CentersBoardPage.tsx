import { useEffect, useMemo, useState } from 'react';
import { useUser } from '../auth';
import { centersApi } from '../api-centers';
import type { BoardCenter, CenterStatus, VigilAlert } from '../api-centers';
import { ErrorAlert } from '../components/Alert';
import { AlertsPanel } from '../components/centers/AlertsPanel';
import { CenterCard, STATUS_LABELS } from '../components/centers/CenterCard';
import '../components/centers/centers.css';
import { formatDateTime } from '../format';
import { useLoad, useTitle } from '../hooks';
import { Link } from '../router';

const REFRESH_MS = 15_000;
// Problems first: a silent center is what an analyst must see without scrolling.
const ORDER: CenterStatus[] = ['silent', 'late', 'never', 'up'];

export function CentersBoardPage() {
  useTitle('Centers board');
  const user = useUser();
  const isNational = user.role === 'admin' || user.role === 'analyst';
  if (!isNational && user.role !== 'center_operator') {
    return (
      <div className="page">
        <h1>Centers board</h1>
        <div className="alert alert-error" role="alert">
          Only national CERT staff and center operators can open this page.
        </div>
      </div>
    );
  }
  return <Board isNational={isNational} isAdmin={user.role === 'admin'} />;
}

function Board({ isNational, isAdmin }: { isNational: boolean; isAdmin: boolean }) {
  const board = useLoad('centers-board', (signal) => centersApi.board(signal));
  const alerts = useLoad(`alerts:${isNational}`, (signal) => (isNational ? centersApi.unresolvedAlerts(signal).then((p) => p.items) : Promise.resolve([] as VigilAlert[])));
  const [now, setNow] = useState(() => Date.now());
  const { reload: reloadBoard } = board;
  const { reload: reloadAlerts } = alerts;

  useEffect(() => {
    const timer = setInterval(() => {
      if (document.hidden) return;
      reloadBoard();
      reloadAlerts();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reloadBoard, reloadAlerts]);
  // Ages are measured against the time the data arrived.
  useEffect(() => setNow(Date.now()), [board.data, alerts.data]);

  const centers = useMemo(
    () => [...(board.data ?? [])].sort((a, b) => ORDER.indexOf(a.status) - ORDER.indexOf(b.status) || a.name.localeCompare(b.name)),
    [board.data],
  );
  const counts = useMemo(() => countByStatus(board.data ?? []), [board.data]);

  const alertChanged = (updated: VigilAlert | null) => {
    if (updated) alerts.setData((prev) => prev && prev.map((a) => (a.id === updated.id ? updated : a)));
    else alerts.reload();
  };

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Centers board</h1>
          <p className="muted">
            Each cybersecurity center by its last heartbeat: up within its interval, late past it, silent past its silence threshold (an alert is raised).
            {isAdmin && (
              <>
                {' '}
                <Link to="/admin/centers">Manage centers</Link>
              </>
            )}
          </p>
        </div>
      </div>

      <div className="board-summary" aria-label="Centers by status" data-testid="board-summary">
        {ORDER.map((s) => (
          <span key={s} className={`center-status center-${s}`}>
            {STATUS_LABELS[s]}: {counts[s]}
          </span>
        ))}
        <span className="board-refresh muted small" role="status">
          Refreshes every {REFRESH_MS / 1000} s · updated {formatDateTime(new Date(now).toISOString(), { seconds: true })}
          <button
            type="button"
            className="btn btn-small"
            onClick={() => {
              reloadBoard();
              reloadAlerts();
            }}
          >
            Refresh now
          </button>
        </span>
      </div>

      {isNational && <AlertsPanel alerts={alerts.data ?? []} loading={alerts.loading} error={alerts.error} now={now} onChanged={alertChanged} />}

      <ErrorAlert error={board.error} title="The centers could not be loaded" />
      {board.loading && !board.data && <p className="muted">Loading centers…</p>}
      {!board.loading && !board.error && centers.length === 0 && <div className="empty-state">No centers registered yet.</div>}
      <div className="center-grid" data-testid="center-grid">
        {centers.map((c) => (
          <CenterCard key={c.id} center={c} now={now} />
        ))}
      </div>
    </div>
  );
}

function countByStatus(centers: BoardCenter[]): Record<CenterStatus, number> {
  const counts: Record<CenterStatus, number> = { up: 0, late: 0, silent: 0, never: 0 };
  for (const c of centers) counts[c.status]++;
  return counts;
}
