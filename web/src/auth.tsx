// Session state: who is signed in, and the CSRF token for non-GET requests.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { ApiError, api, errorMessage, onUnauthorized, setCsrfToken } from './api';
import type { Role, Session, User } from './api';
import { href, useNavigate } from './router';

type Status = 'loading' | 'signed-in' | 'signed-out' | 'unavailable';

interface AuthValue {
  status: Status;
  user: User | null;
  /** Why the session probe failed when the server could not be reached. */
  problem: string | null;
  signIn: (email: string, password: string) => Promise<User>;
  /** Adopt a session obtained another way (first-administrator setup). */
  adopt: (session: Session) => void;
  signOut: () => Promise<void>;
  retry: () => void;
}

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const navigate = useNavigate();
  const [status, setStatus] = useState<Status>('loading');
  const [user, setUser] = useState<User | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [probe, setProbe] = useState(0);
  // Bumped by sign-in/sign-out so a slow session probe cannot overwrite a newer state.
  const generation = useRef(0);

  useEffect(() => {
    const gen = generation.current;
    let live = true;
    const current = () => live && gen === generation.current;
    api.me().then(
      (s) => {
        if (!current()) return;
        setCsrfToken(s.csrfToken);
        setUser(s.user);
        setStatus('signed-in');
      },
      (e: unknown) => {
        if (!current()) return;
        setCsrfToken(null);
        setUser(null);
        if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
          setStatus('signed-out');
        } else {
          setProblem(errorMessage(e));
          setStatus('unavailable');
        }
      },
    );
    return () => {
      live = false;
    };
  }, [probe]);

  // Any 401 from the API: the session is gone, so go to sign-in and come back here afterwards.
  useEffect(() => {
    onUnauthorized(() => {
      generation.current++;
      setCsrfToken(null);
      setUser(null);
      setStatus('signed-out');
      const { pathname, search } = window.location;
      if (pathname !== '/login') navigate(href('/login', { next: pathname + search }), { replace: true });
    });
    return () => onUnauthorized(null);
  }, [navigate]);

  const adopt = useCallback((s: Session) => {
    generation.current++;
    setCsrfToken(s.csrfToken);
    setUser(s.user);
    setProblem(null);
    setStatus('signed-in');
  }, []);

  const signIn = useCallback(
    async (email: string, password: string) => {
      const s = await api.login(email, password);
      adopt(s);
      return s.user;
    },
    [adopt],
  );

  const signOut = useCallback(async () => {
    try {
      await api.logout();
    } catch {
      // the session may already be gone; signing out locally is what matters
    }
    generation.current++;
    setCsrfToken(null);
    setUser(null);
    setStatus('signed-out');
    navigate('/login', { replace: true });
  }, [navigate]);

  const retry = useCallback(() => {
    setStatus('loading');
    setProblem(null);
    setProbe((n) => n + 1);
  }, []);

  const value = useMemo(
    () => ({ status, user, problem, signIn, adopt, signOut, retry }),
    [status, user, problem, signIn, adopt, signOut, retry],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside <AuthProvider>');
  return ctx;
}

/** The signed-in user (only call inside the authenticated shell). */
export function useUser(): User {
  const { user } = useAuth();
  if (!user) throw new Error('no signed-in user');
  return user;
}

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Administrator',
  analyst: 'Analyst',
  center_operator: 'Center operator',
  constituent: 'Constituent',
  partner: 'Partner',
};

export type Permission = 'constituency:read' | 'constituency:write' | 'constituency:import' | 'lookup' | 'audit:read';

// Mirrors the server's role table; the server stays the authority (403s are shown as errors).
const PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: ['constituency:read', 'constituency:write', 'constituency:import', 'lookup', 'audit:read'],
  analyst: ['constituency:read', 'constituency:write', 'constituency:import', 'lookup'],
  center_operator: ['constituency:read', 'lookup'],
  constituent: ['constituency:read', 'lookup'],
  partner: [],
};

export function can(user: User, permission: Permission): boolean {
  return PERMISSIONS[user.role]?.includes(permission) ?? false;
}

/** Roles that maintain the constituency registry (organizations, assets, contacts). */
export function canEditRegistry(user: User): boolean {
  return can(user, 'constituency:write');
}
