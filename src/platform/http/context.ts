import type { Logger } from '../logger.ts';

/** What the auth layer resolved for a request; `null` when nobody is signed in. */
export type Principal = {
  userId: string;
  email: string;
  name: string;
  role: 'admin' | 'analyst' | 'center_operator' | 'constituent' | 'partner';
  organizationId: string | null;
  centerId: string | null;
  via: 'session' | 'api_key' | 'basic';
  /** The permissions this request carries: the role's, narrowed by an API key's scopes. */
  permissions: ReadonlySet<string>;
  sessionId?: string;
  csrfToken?: string;
  apiKeyId?: string;
};

export type AppEnv = {
  Variables: {
    requestId: string;
    log: Logger;
    principal: Principal | null;
  };
};
