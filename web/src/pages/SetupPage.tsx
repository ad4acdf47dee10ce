import { useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api';
import { ErrorAlert } from '../components/Alert';
import { Logo } from '../components/Layout';
import { useAuth } from '../auth';
import { useTitle } from '../hooks';
import { Link, useNavigate } from '../router';

const MIN_PASSWORD = 12;

/** The token comes in the fragment (`/setup#token=...`, never sent to servers or logs) or the query. */
function tokenFromUrl(): string {
  const hash = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  return hash.get('token') ?? new URLSearchParams(window.location.search).get('token') ?? '';
}

/** First start: create the first administrator with the one-time token the server printed. */
export function SetupPage() {
  useTitle('Set up Vigil');
  const { adopt } = useAuth();
  const navigate = useNavigate();
  const [token, setToken] = useState(tokenFromUrl);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (password.length < MIN_PASSWORD) {
      setError(new Error(`The password must be at least ${MIN_PASSWORD} characters.`));
      return;
    }
    if (password !== confirm) {
      setError(new Error('The two passwords do not match.'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const session = await api.bootstrap({ token: token.trim(), name: name.trim(), email: email.trim(), password });
      adopt(session);
      navigate('/organizations', { replace: true });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

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
        <form className="login-form" onSubmit={submit} data-testid="setup-form">
          <h1>Create the first administrator</h1>
          <p className="muted">Use the one-time link printed by the server at its first start.</p>
          {error !== null && <ErrorAlert error={error} />}
          <div className="field">
            <label htmlFor="setup-token">Setup token</label>
            <input
              id="setup-token"
              className="mono"
              required
              autoComplete="off"
              spellCheck={false}
              value={token}
              onChange={(e) => setToken(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="setup-name">Your name</label>
            <input id="setup-name" required autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="setup-email">E-mail</label>
            <input
              id="setup-email"
              type="email"
              required
              autoComplete="username"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="setup-password">Password (at least {MIN_PASSWORD} characters)</label>
            <input
              id="setup-password"
              type="password"
              required
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="setup-confirm">Repeat password</label>
            <input
              id="setup-confirm"
              type="password"
              required
              autoComplete="new-password"
              value={confirm}
              onChange={(e) => setConfirm(e.target.value)}
            />
          </div>
          <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
            {busy ? 'Creating…' : 'Create administrator'}
          </button>
        </form>
        <p className="login-foot">
          Already set up? <Link to="/login">Sign in</Link>
        </p>
      </div>
    </div>
  );
}
