/**
 * The rows a list table shows instead of data: "Loading…" before the first page arrives, and the
 * empty message once a page came back with nothing (not while loading, not after an error).
 */
export function ListStatusRows(props: { colSpan: number; loading: boolean; hasData: boolean; hasError: boolean; count: number; empty: string }) {
  const { colSpan, loading, hasData, hasError, count, empty } = props;
  const text = !loading && !hasError && count === 0 ? empty : loading && !hasData ? 'Loading…' : null;
  if (text === null) return null;
  return (
    <tr>
      <td colSpan={colSpan} className="empty">
        {text}
      </td>
    </tr>
  );
}
