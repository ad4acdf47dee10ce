import { useTitle } from '../hooks';
import { Link } from '../router';

export function NotFoundPage() {
  useTitle('Not found');
  return (
    <div className="page">
      <div className="empty-state">
        <h1>Page not found</h1>
        <p className="muted">There is nothing at this address.</p>
        <Link to="/organizations" className="btn">
          Go to organizations
        </Link>
      </div>
    </div>
  );
}
