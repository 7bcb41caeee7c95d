import React, { useState } from 'react';
import { api, type User } from '../lib/api';
import { ErrorBox } from '../components/ui';

export function Login({ onLogin }: { onLogin: (u: User) => void }) {
  const [email, setEmail] = useState(''); const [password, setPassword] = useState('');
  const [err, setErr] = useState<unknown>(); const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault(); setBusy(true); setErr(undefined);
    try {
      const r = await api.login(email, password);
      onLogin(r.user ?? (await api.me()));
    } catch (x) { setErr(x); } finally { setBusy(false); }
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
