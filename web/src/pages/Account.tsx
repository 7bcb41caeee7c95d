import React, { useCallback, useState } from 'react';
import { api, ApiError, retryText, Said, type ApiToken, type TokenScope, type User } from '../lib/api';
import { Confirm, ErrorBox, ScrollX, useLoad } from '../components/ui';
import { date } from '../lib/format';

const DAY_MS = 24 * 3600 * 1000;
const MAX_TOKEN_DAYS = 366; // docs/api.md: a token lasts at most 366 days
const MIN_PASSWORD = 8;

/** #/account: change my password, and my API tokens. */
export function AccountPage({ user }: { user: User }) {
  const [tokens, tokensErr, reloadTokens] = useLoad(() => api.tokens(), []);
  return (
    <div className="page">
      <h1>Your account</h1>
      <p className="muted">{user.name ? `${user.name} · ` : ''}{user.email} · {user.role} account</p>
      <PasswordForm onChanged={reloadTokens} />
      <Tokens tokens={tokens?.tokens} error={tokensErr} reload={reloadTokens} />
    </div>
  );
}

export function passwordWords(e: unknown): unknown {
  if (!(e instanceof ApiError)) return e;
  if (e.status === 403 && e.details.field === 'current_password') return new Said('The current password is not right. Nothing was changed.');
  if (e.status === 400 && e.details.field === 'new_password') return new Said(`The new password needs ${MIN_PASSWORD} to 1024 characters.`);
  if (e.status === 429) return new Said(`Too many wrong current passwords. ${retryText(e)}`);
  return e;
}

function PasswordForm({ onChanged }: { onChanged: () => void }) {
  const [current, setCurrent] = useState(''); const [next, setNext] = useState(''); const [confirm, setConfirm] = useState('');
  const [err, setErr] = useState<unknown>(); const [msg, setMsg] = useState(''); const [busy, setBusy] = useState(false);
  const mismatch = confirm !== '' && next !== confirm;
  const submit = async (e: React.FormEvent) => {
    e.preventDefault(); setErr(undefined); setMsg('');
    if (next.length < MIN_PASSWORD) { setErr(new Said(`The new password needs at least ${MIN_PASSWORD} characters.`)); return; }
    if (next !== confirm) { setErr(new Said('The new password and its confirmation differ. Type the same password twice.')); return; }
    setBusy(true);
    try {
      await api.changePassword(current, next);
      setCurrent(''); setNext(''); setConfirm('');
      setMsg('Password changed. You stay signed in here; every other session has ended and every API token was revoked.');
      onChanged();
    } catch (x) { setErr(passwordWords(x)); } finally { setBusy(false); }
  };
  return (
    <section className="card account-section" aria-labelledby="pw-h">
      <h2 id="pw-h">Change password</h2>
      <p className="muted small">This browser stays signed in. Every other session ends (other browsers sign in again) and every API token you have is revoked, so scripts need a new one.</p>
      <form onSubmit={submit} className="narrow-form">
        <label className="block">Current password<input type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} /></label>
        <label className="block"><span>New password <span className="muted small">(at least {MIN_PASSWORD} characters)</span></span>
          <input type="password" autoComplete="new-password" required minLength={MIN_PASSWORD} value={next} onChange={(e) => setNext(e.target.value)} /></label>
        <label className="block">Confirm new password<input type="password" autoComplete="new-password" required value={confirm} aria-invalid={mismatch || undefined}
          aria-describedby="pw-mismatch" onChange={(e) => setConfirm(e.target.value)} /></label>
        <p id="pw-mismatch" className="bad-text small" aria-live="polite">{mismatch ? 'The two new passwords differ.' : ''}</p>
        <ErrorBox error={err} />
        <button type="submit" className="primary" disabled={busy}>{busy ? 'Changing…' : 'Change password'}</button>
      </form>
      <p role="status" className="status-line ok-text">{msg}</p>
    </section>
  );
}

export function tokenWords(e: unknown): unknown {
  if (!(e instanceof ApiError)) return e;
  if (e.status === 400 && e.details.field === 'expires_at') return new Said(`A token lasts from 1 to ${MAX_TOKEN_DAYS} days.`);
  if (e.status === 429) return new Said('You have too many live tokens. Revoke one you no longer use, then create the new one.');
  if (e.status === 404) return new Said('That token is gone already.');
  if (e.status === 400 && String(e.details.field ?? '').startsWith('scopes')) return new Said('Choose at least one thing the token may do.');
  return e;
}

/** What each scope lets a token do, in words (docs/api.md, "Tokens"). */
export const SCOPES: { scope: TokenScope; label: string; hint: string }[] = [
  { scope: 'read', label: 'Read', hint: 'see projects, items, submissions and reports' },
  { scope: 'work', label: 'Expert work', hint: 'take and submit tasks, environments and MCP' },
  { scope: 'manage', label: 'Manage', hint: 'change projects, items, members and reviews, make tokens' },
];
const scopeText = (scopes: TokenScope[] | undefined) =>
  !scopes || scopes.length === SCOPES.length ? 'everything' : SCOPES.filter((s) => scopes.includes(s.scope)).map((s) => s.label.toLowerCase()).join(', ');

const STATE_CHIP: Record<ApiToken['state'], string> = { live: 'ok', expired: 'pend', revoked: 'bad' };

function Tokens({ tokens, error, reload }: { tokens?: ApiToken[]; error: unknown; reload: () => void }) {
  const [name, setName] = useState(''); const [days, setDays] = useState(90);
  const [scopes, setScopes] = useState<TokenScope[]>(['read', 'work', 'manage']);
  const toggle = (s: TokenScope) => setScopes((now) => (now.includes(s) ? now.filter((x) => x !== s) : [...now, s]));
  const [fresh, setFresh] = useState<{ id: string; name: string; token: string } | null>(null);
  const [copied, setCopied] = useState('');
  const [err, setErr] = useState<unknown>(); const [msg, setMsg] = useState(''); const [busy, setBusy] = useState(false);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const closeRevoke = useCallback(() => setRevoking(null), []);
  const label = (t: { name: string }) => t.name || 'unnamed token';

  const create = async (e: React.FormEvent) => {
    e.preventDefault(); setErr(undefined); setMsg(''); setCopied('');
    if (!(days >= 1 && days <= MAX_TOKEN_DAYS)) { setErr(new Said(`A token lasts from 1 to ${MAX_TOKEN_DAYS} days.`)); return; }
    if (scopes.length === 0) { setErr(new Said('Choose at least one thing the token may do.')); return; }
    setBusy(true);
    try {
      const t = await api.createToken({ name: name.trim() || undefined, expires_at: new Date(Date.now() + days * DAY_MS).toISOString(),
        scopes: SCOPES.map((x) => x.scope).filter((x) => scopes.includes(x)) });
      setFresh({ id: t.id, name: t.name, token: t.token }); setName(''); reload();
    } catch (x) { setErr(tokenWords(x)); } finally { setBusy(false); }
  };
  const copy = async () => {
    if (!fresh) return;
    try { await navigator.clipboard.writeText(fresh.token); setCopied('Copied to the clipboard.'); }
    catch { (document.getElementById('new-token') as HTMLInputElement | null)?.select(); setCopied('Could not copy here: the token is selected, press Ctrl+C (⌘C on a Mac).'); }
  };
  const revoke = async (t: ApiToken) => {
    setRevoking(null); setErr(undefined); setMsg('');
    try {
      await api.revokeToken(t.id);
      setMsg(`Revoked “${label(t)}”. Anything using it is refused from now on.`);
      if (fresh?.id === t.id) setFresh(null);
    } catch (x) { setErr(tokenWords(x)); }
    reload();
  };

  return (
    <section className="card account-section" aria-labelledby="tok-h">
      <h2 id="tok-h">API tokens</h2>
      <p className="muted small">For scripts and agents: send <code>Authorization: Bearer &lt;token&gt;</code>. A token acts as you, with your role, limited to what you let it do, until it expires or you revoke it. A script that only reads needs only <b>Read</b>.</p>
      <form onSubmit={create} className="row token-form">
        <label className="block"><span>Name <span className="muted small">(what it is for)</span></span><input value={name} maxLength={200} onChange={(e) => setName(e.target.value)} placeholder="e.g. export script" /></label>
        <label className="block">Expires in (days)<input type="number" min={1} max={MAX_TOKEN_DAYS} required value={days} onChange={(e) => setDays(Number(e.target.value))} /></label>
        <fieldset className="scopes">
          <legend>It may</legend>
          {SCOPES.map((x) => (
            <label key={x.scope} className="check"><input type="checkbox" checked={scopes.includes(x.scope)} onChange={() => toggle(x.scope)} />
              {x.label} <span className="muted small">({x.hint})</span></label>
          ))}
        </fieldset>
        <button type="submit" className="primary" disabled={busy}>Create token</button>
      </form>
      {fresh ? (
        <div className="new-token" role="region" aria-label="New token">
          <p><b>Copy your new token now: it will not be shown again.</b> Anyone who has it can act as you; keep it out of code and chats.</p>
          <div className="row">
            <input id="new-token" className="mono" readOnly value={fresh.token} aria-label={`New token “${label(fresh)}”`} onFocus={(e) => e.currentTarget.select()} />
            <button type="button" onClick={copy}>Copy</button>
            <button type="button" className="link" onClick={() => { setFresh(null); setCopied(''); }}>I have copied it</button>
          </div>
          <p role="status" className="status-line small">{copied}</p>
        </div>
      ) : null}
      <ErrorBox error={err || error} />
      <p role="status" className="status-line small">{msg}</p>
      {!tokens ? (error ? null : <p className="muted">Loading…</p>) : tokens.length === 0 ? <p className="muted">No tokens yet.</p> : (
        <ScrollX label="API tokens">
          <table className="table token-list">
            <thead><tr><th scope="col">Name</th><th scope="col">Created</th><th scope="col">Expires</th><th scope="col">May</th><th scope="col">State</th><th scope="col"><span className="sr-only">Revoke</span></th></tr></thead>
            <tbody>{tokens.map((t) => (
              <tr key={t.id}>
                <th scope="row">{t.name || <span className="muted">unnamed</span>}</th>
                <td>{date(t.created_at)}</td>
                <td>{t.state === 'revoked' ? <span className="muted">revoked {date(t.revoked_at)}</span> : date(t.expires_at)}</td>
                <td>{scopeText(t.scopes)}</td>
                <td><span className={`chip ${STATE_CHIP[t.state]}`}>{t.state}</span></td>
                <td>{t.state === 'live' ? <button type="button" className="bad-btn" onClick={() => setRevoking(t)} aria-label={`Revoke ${label(t)}`}>Revoke</button> : null}</td>
              </tr>
            ))}</tbody>
          </table>
        </ScrollX>
      )}
      {revoking ? (
        <Confirm title={`Revoke “${label(revoking)}”?`} action="Revoke token" onConfirm={() => revoke(revoking)} onClose={closeRevoke}>
          Scripts and agents using this token are refused from the moment you revoke it, on every server. This cannot be undone: create a new token if you need one.
        </Confirm>
      ) : null}
    </section>
  );
}
