import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError, errorMessage } from '../api';
import { useAuth } from '../auth';
import { Logo } from '../components/Layout';
import { useTitle } from '../hooks';
import { Navigate, safeNext, useSearchParams } from '../router';

export function LoginPage() {
  useTitle('Sign in');
  const { status, signIn, problem } = useAuth();
  const params = useSearchParams();
  const next = safeNext(params.get('next'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [waitUntil, setWaitUntil] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());

  // Count down a throttling delay so the analyst knows when to try again.
  useEffect(() => {
    if (waitUntil === null) return;
    const t = window.setInterval(() => {
      setNow(Date.now());
      if (Date.now() >= waitUntil) setWaitUntil(null);
    }, 1000);
    return () => window.clearInterval(t);
  }, [waitUntil]);

  if (status === 'signed-in') return <Navigate to={next} />;

  const remaining = waitUntil !== null ? Math.max(0, Math.ceil((waitUntil - now) / 1000)) : 0;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email.trim(), password);
      // the signed-in render redirects to `next`
    } catch (err) {
      setError(err);
      if (err instanceof ApiError && err.status === 429 && err.retryAfter) {
        setNow(Date.now());
        setWaitUntil(Date.now() + err.retryAfter * 1000);
      }
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  let message: string | null = null;
  if (error) {
    message = errorMessage(error);
    if (error instanceof ApiError && error.status === 429) {
      const secs = remaining || error.retryAfter;
      if (secs) {
        const minutes = secs >= 120 ? ` (about ${Math.ceil(secs / 60)} minutes)` : '';
        message = `${message.replace(/[.\s]*$/, '')}. Try again in ${secs} second${secs === 1 ? '' : 's'}${minutes}.`;
      }
    }
  }

  return (
    <div className="login-page">
      <div className="login-panel">
        <div className="login-brand">
          <Logo />
          <div>
            <div className="login-brand-name">Vigil</div>
            <div className="login-brand-sub">National CERT platform</div>
          </div>
        </div>
        <form className="login-form" onSubmit={submit} data-testid="login-form">
          <h1>Sign in</h1>
          <p className="muted">Use your Vigil account to open the console.</p>
          {message && (
            <div className="alert alert-error" role="alert" data-testid="login-error">
              {message}
            </div>
          )}
          {!message && status === 'unavailable' && problem && (
            <div className="alert alert-warning" role="alert">
              {problem}
            </div>
          )}
          <div className="field">
            <label htmlFor="login-email">E-mail</label>
            <input
              id="login-email"
              name="email"
              type="email"
              autoComplete="username"
              autoFocus
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="login-password">Password</label>
            <input
              id="login-password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </div>
          <button type="submit" className="btn btn-primary btn-block" disabled={busy || remaining > 0}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        <p className="login-foot">Authorized use only. Activity is logged.</p>
      </div>
    </div>
  );
}
