import React, { useCallback, useState } from 'react';
import { api, ApiError, Said, type ResetLink, type UserInfo } from '../lib/api';
import { Confirm, ErrorBox, ScrollX, useLoad } from '../components/ui';
import { when } from '../lib/format';

/** Admin refusals in words. */
export function usersWords(e: unknown): unknown {
  if (!(e instanceof ApiError)) return e;
  if (e.status === 422) return new Said('This account is deactivated: reactivate it before issuing a reset link.');
  if (e.status === 403) return new Said('Only an admin manages accounts.');
  return e;
}

type Pending = { kind: 'deactivate' | 'reset'; user: UserInfo };

/** #/users (admins, "Accounts"): everyone's accounts; deactivate or reactivate, issue a one-time reset link. `me`: the admin's own id (her row has no actions: she changes her password on her account page). */
export function UsersPage({ me }: { me: string }) {
  const [q, setQ] = useState(''); const [query, setQuery] = useState('');
  const [page, loadErr, reload] = useLoad(() => api.users(query), [query]);
  const [err, setErr] = useState<unknown>(); const [msg, setMsg] = useState('');
  const [pending, setPending] = useState<Pending | null>(null);
  const [link, setLink] = useState<ResetLink | null>(null);
  const close = useCallback(() => setPending(null), []);
  const who = (u: { name?: string; email: string }) => u.name || u.email;

  const act = async (p: Pending) => {
    setPending(null); setErr(undefined); setMsg(''); setLink(null);
    try {
      if (p.kind === 'reset') setLink(await api.issueReset(p.user.id));
      else { await api.setActive(p.user.id, false); setMsg(`${who(p.user)} is deactivated: her sessions and tokens ended.`); }
    } catch (x) { setErr(usersWords(x)); }
    reload();
  };
  const reactivate = async (u: UserInfo) => {
    setErr(undefined); setMsg(''); setLink(null);
    try { await api.setActive(u.id, true); setMsg(`${who(u)} is active again. She signs in anew; her old tokens stay revoked.`); }
    catch (x) { setErr(usersWords(x)); }
    reload();
  };
  const url = link ? `${location.origin}${location.pathname}#/reset/${link.token}` : '';
  const users = page?.users;
  return (
    <div className="page">
      <h1>Accounts</h1>
      <form className="row" onSubmit={(e) => { e.preventDefault(); setQuery(q.trim()); }} role="search">
        <label className="block">Find by email or name<input value={q} maxLength={200} onChange={(e) => setQ(e.target.value)} /></label>
        <button type="submit">Search</button>
      </form>
      {link ? (
        <div className="new-token" role="region" aria-label="Reset link">
          <p><b>Send this link to {who(link.user)} yourself: it is shown once.</b> It works once, until {when(link.expires_at)}; any earlier link of hers no longer works.</p>
          <input className="mono reset-link" readOnly value={url} aria-label={`Reset link for ${who(link.user)}`} onFocus={(e) => e.currentTarget.select()} />
          <button type="button" className="link" onClick={() => setLink(null)}>Done</button>
        </div>
      ) : null}
      <ErrorBox error={err || loadErr} />
      <p role="status" className="status-line small">{msg}</p>
      {!users ? (loadErr ? null : <p className="muted">Loading…</p>) : users.length === 0 ? <p className="muted">Nobody matches.</p> : (
        <ScrollX label="Accounts">
          <table className="table accounts-table">
            <thead><tr><th scope="col">Person</th><th scope="col">Role</th><th scope="col">State</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
            <tbody>{users.map((u) => (
              <tr key={u.id}>
                <th scope="row"><span className="person-name">{who(u)}</span>{u.name ? <> <span className="muted small person-email">{u.email}</span></> : null}</th>
                <td>{u.role}</td>
                <td>{u.active ? <span className="chip ok">active</span> : <span className="chip bad">deactivated</span>}</td>
                <td><div className="row actions">{u.id === me ? <span className="muted small">you</span> : u.active ? (
                  <>
                    <button type="button" onClick={() => setPending({ kind: 'reset', user: u })} aria-label={`Reset link for ${who(u)}`}>Reset link</button>
                    <button type="button" className="bad-btn" onClick={() => setPending({ kind: 'deactivate', user: u })} aria-label={`Deactivate ${who(u)}`}>Deactivate</button>
                  </>
                ) : <button type="button" onClick={() => reactivate(u)} aria-label={`Reactivate ${who(u)}`}>Reactivate</button>}</div></td>
              </tr>
            ))}</tbody>
          </table>
        </ScrollX>
      )}
      {page?.next_cursor ? <p className="muted small">Showing the first {users?.length}; narrow the search to find others.</p> : null}
      {pending ? (
        <Confirm title={pending.kind === 'reset' ? `A reset link for ${who(pending.user)}?` : `Deactivate ${who(pending.user)}?`}
          action={pending.kind === 'reset' ? 'Issue link' : 'Deactivate'} danger={pending.kind !== 'reset'} onConfirm={() => act(pending)} onClose={close}>
          {pending.kind === 'reset'
            ? 'Whoever opens the link sets her password once, within a day; then every session and API token of hers ends. Send it to her only.'
            : 'She is signed out everywhere and her API tokens stop working at once, on every server. Her submitted work stays. You can reactivate her later.'}
        </Confirm>
      ) : null}
    </div>
  );
}
