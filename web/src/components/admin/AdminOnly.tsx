import type { ReactNode } from 'react';
import { useUser } from '../../auth';

/** Renders `children` for administrators only (so their data is never requested by other roles). */
export function AdminOnly({ title, children }: { title: string; children: ReactNode }) {
  const user = useUser();
  if (user.role !== 'admin') {
    return (
      <div className="page">
        <h1>{title}</h1>
        <div className="alert alert-error" role="alert">
          Only administrators can open this page.
        </div>
      </div>
    );
  }
  return <>{children}</>;
}
