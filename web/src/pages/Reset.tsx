import React, { useEffect, useState } from 'react';
import { api, ApiError, Said } from '../lib/api';
import { go } from '../lib/router';
import { ErrorBox } from '../components/ui';

const MIN_PASSWORD = 8;

/** Reset-link refusals in words: a dead link (used, expired, superseded) and a password out of bounds. */
export function resetWords(e: unknown): unknown {
  if (!(e instanceof ApiError)) return e;
  if (e.status === 404) return new Said('This reset link no longer works: it was used, it expired, or a newer one was issued. Ask your admin for a new link.');
  if (e.status === 400 && e.details.field === 'new_password') return new Said(`The new password needs ${MIN_PASSWORD} to 1024 characters.`);
  return e;
}

/** #/reset/<token>: a one-time link an admin issued; sets a new password, then the person signs in. */
export function ResetPage({ token }: { token: string }) {
  const [who, setWho] = useState<{ email: string; name: string } | null>(null);
  const [dead, setDead] = useState<unknown>();
  const [next, setNext] = useState(''); const [confirm, setConfirm] = useState('');
  const [err, setErr] = useState<unknown>(); const [busy, setBusy] = useState(false); const [done, setDone] = useState(false);
  useEffect(() => { api.inspectReset(token).then(setWho, (e) => setDead(resetWords(e))); }, [token]);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault(); setErr(undefined);
    if (next.length < MIN_PASSWORD) { setErr(new Said(`The new password needs at least ${MIN_PASSWORD} characters.`)); return; }
    if (next !== confirm) { setErr(new Said('The new password and its confirmation differ. Type the same password twice.')); return; }
    setBusy(true);
    try { await api.resetPassword(token, next); setDone(true); } catch (x) { setErr(resetWords(x)); } finally { setBusy(false); }
  };
  return (
    <main className="login" id="main">
      <div className="card" aria-labelledby="reset-h">
        <h1 id="reset-h">Set a new password</h1>
        {dead ? <ErrorBox error={dead} /> : !who ? <p className="muted">Checking the link…</p> : done ? (
          <>
            <p role="status">Your password is set. Every earlier session and API token of yours has ended.</p>
            <button type="button" className="primary" onClick={() => go('')}>Sign in</button>
          </>
        ) : (
          <form onSubmit={submit}>
            <p>For <b>{who.name ? `${who.name} (${who.email})` : who.email}</b>. This link works once.</p>
            <label className="block"><span>New password <span className="muted small">(at least {MIN_PASSWORD} characters)</span></span>
              <input type="password" autoComplete="new-password" required minLength={MIN_PASSWORD} autoFocus value={next} onChange={(e) => setNext(e.target.value)} /></label>
            <label className="block">Confirm new password<input type="password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} /></label>
            <ErrorBox error={err} />
            <button type="submit" className="primary" disabled={busy}>{busy ? 'Setting…' : 'Set password'}</button>
          </form>
        )}
      </div>
    </main>
  );
}
