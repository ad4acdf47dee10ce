import { incidentsApi } from '../../api-incidents';
import { useLoad } from '../../hooks';
import { Link } from '../../router';
import { Notice } from '../Alert';

/** Says where a merged incident's work continues. */
export function MergedNotice({ into }: { into: string }) {
  const target = useLoad(`merged-into:${into}`, (signal) => incidentsApi.get(into, signal));
  return (
    <Notice testId="incident-merged">
      Merged into <Link to={`/incidents/${encodeURIComponent(into)}`}>{target.data ? `${target.data.ref} ${target.data.title}` : 'another incident'}</Link>; work continues
      there.
    </Notice>
  );
}
