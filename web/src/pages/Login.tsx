import React, { useState } from 'react';
import { api, ApiError, retryText, Said, type User } from '../lib/api';
import { ErrorBox } from '../components/ui';

/** Sign-in refusals in words: too many failures (429, with the wait) and a wrong email or password. */
export function loginWords(e: unknown): unknown {
  if (!(e instanceof ApiError)) return e;
  if (e.status === 429) return new Said(`Too many failed sign-ins from here. ${retryText(e)}`);
  if (e.status === 401) return new Said('The email or the password is not right.');
  return e;
}

export function Login({ onLogin }: { onLogin: (u: User) => void }) {
  const [email, setEmail] = useState(''); const [password, setPassword] = useState('');
  const [err, setErr] = useState<unknown>(); const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault(); setBusy(true); setErr(undefined);
    try {
      const r = await api.login(email, password);
      onLogin(r.user ?? (await api.me()));
    } catch (x) { setErr(loginWords(x)); } finally { setBusy(false); }
  };
  return (
    <main className="login" id="main">
      <form onSubmit={submit} className="card" aria-labelledby="login-h">
        <h1 id="login-h">Sign in to assay</h1>
        <label className="block">Email<input type="email" autoComplete="username" required autoFocus value={email} onChange={(e) => setEmail(e.target.value)} /></label>
        <label className="block">Password<input type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} /></label>
        <ErrorBox error={err} />
        <button type="submit" className="primary" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </main>
  );
}
