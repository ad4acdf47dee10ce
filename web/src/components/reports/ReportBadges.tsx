import { useEffect, useState } from 'react';
import { incidentsApi } from '../../api-incidents';
import { REPORT_STATUS_LABELS } from '../../api-reports';
import type { ReportStatus } from '../../api-reports';
import { Link } from '../../router';

export function ReportStatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge report-badge-${status}`} data-testid="report-status-badge" data-status={status}>
      {REPORT_STATUS_LABELS[status as ReportStatus] ?? status}
    </span>
  );
}

// Incident references, fetched once per id and remembered (a queue page shows many rows).
const refs = new Map<string, Promise<string | null>>();

function incidentRef(id: string): Promise<string | null> {
  let ref = refs.get(id);
  if (!ref) {
    ref = incidentsApi.get(id).then(
      (i) => i.ref,
      () => {
        refs.delete(id);
        return null;
      },
    );
    refs.set(id, ref);
  }
  return ref;
}

/** A link to the incident a report belongs to, labelled with its reference once known. */
export function IncidentLink({ id }: { id: string }) {
  const [ref, setRef] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void incidentRef(id).then((r) => live && setRef(r));
    return () => {
      live = false;
    };
  }, [id]);
  return (
    <Link to={`/incidents/${encodeURIComponent(id)}`} className="mono" data-testid="report-incident-link">
      {ref ?? 'Incident'}
    </Link>
  );
}
