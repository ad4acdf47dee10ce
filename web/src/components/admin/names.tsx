// Names for the ids the admin tables show (organizations are fetched one by one, and remembered).
import { useEffect, useState } from 'react';
import { api } from '../../api';
import { Link } from '../../router';

const orgNames = new Map<string, Promise<string | null>>();

function organizationName(id: string): Promise<string | null> {
  let name = orgNames.get(id);
  if (!name) {
    name = api.organization(id).then(
      (o) => o.name,
      () => {
        orgNames.delete(id);
        return null;
      },
    );
    orgNames.set(id, name);
  }
  return name;
}

/** A link to an organization, labelled with its name once known. */
export function OrganizationName({ id }: { id: string }) {
  const [name, setName] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void organizationName(id).then((n) => live && setName(n));
    return () => {
      live = false;
    };
  }, [id]);
  return (
    <Link to={`/organizations/${encodeURIComponent(id)}`} className={name ? undefined : 'mono small'}>
      {name ?? id}
    </Link>
  );
}
