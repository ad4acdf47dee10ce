import type { ReactNode } from 'react';
import { ApiError, errorMessage, validationIssues } from '../api';

/** Shows an API error: its message, field issues for validation failures, and the request id for support. */
export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const issues = validationIssues(error);
  const requestId = error instanceof ApiError ? error.requestId : null;
  return (
    <div className="alert alert-error" role="alert">
      {title && <strong className="alert-title">{title}</strong>}
      <div>{errorMessage(error)}</div>
      {issues.length > 0 && (
        <ul className="issues">
          {issues.map((i, n) => (
            <li key={n}>
              {i.path && <code>{i.path}</code>} {i.message}
            </li>
          ))}
        </ul>
      )}
      {requestId && <div className="alert-meta">Request ID: {requestId}</div>}
    </div>
  );
}

export function Notice({ kind = 'info', children, testId }: { kind?: 'info' | 'warning' | 'success'; children: ReactNode; testId?: string }) {
  return (
    <div className={`alert alert-${kind}`} role={kind === 'warning' ? 'alert' : 'status'} data-testid={testId}>
      {children}
    </div>
  );
}
