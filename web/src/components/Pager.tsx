import { useLocation, useNavigate } from '../router';

function cursorStack(state: unknown): string[] {
  if (state && typeof state === 'object' && Array.isArray((state as { cursors?: unknown }).cursors)) {
    return (state as { cursors: unknown[] }).cursors.filter((c): c is string => typeof c === 'string');
  }
  return [];
}

/**
 * Keyset pagination: "Next" follows nextCursor, "Previous" pops a stack of the cursors seen so far.
 * The stack lives in history.state, so browser back/forward and reloads keep it consistent.
 */
export function Pager({
  cursor,
  nextCursor,
  hrefFor,
  loading,
  label,
}: {
  cursor: string | null;
  nextCursor: string | null;
  hrefFor: (cursor: string | null) => string;
  loading?: boolean;
  label: string;
}) {
  const { state } = useLocation();
  const navigate = useNavigate();
  const stack = cursorStack(state);
  const page = cursor ? (stack.length > 0 ? stack.length + 1 : null) : 1;

  const next = () => {
    if (!nextCursor) return;
    navigate(hrefFor(nextCursor), { state: { cursors: [...stack, cursor ?? ''] } });
  };
  const previous = () => {
    if (!cursor) return;
    const prev = stack[stack.length - 1] ?? '';
    navigate(hrefFor(prev || null), { state: { cursors: stack.slice(0, -1) } });
  };

  return (
    <nav className="pager" aria-label={label}>
      <button type="button" className="btn" onClick={previous} disabled={!cursor || loading}>
        Previous
      </button>
      <span className="pager-page">{page ? `Page ${page}` : 'Later page'}</span>
      <button type="button" className="btn" onClick={next} disabled={!nextCursor || loading}>
        Next
      </button>
    </nav>
  );
}
