import React, { useCallback, useEffect, useState } from 'react';
import { api, ApiError, Said, type Member, type ProjectRole } from '../lib/api';
import { Confirm, ErrorBox, ScrollX, useLoad } from '../components/ui';

const ROLES: ProjectRole[] = ['expert', 'reviewer', 'manager'];
const who = (m: Member) => m.name || m.email;
const leasesBack = (n: number) => (n === 0 ? 'No tasks were leased to them.' : n === 1 ? '1 leased task went back to the pool.' : `${n} leased tasks went back to the pool.`);

/** What removing a member does to her leases and submissions, before the manager confirms. */
function removeNote(m: Member): string {
  const leases = m.live_leases ?? 0; const subs = m.submissions ?? 0;
  const l = leases === 0 ? '' : leases === 1 ? 'The task leased to them goes back to the pool for others. ' : `The ${leases} tasks leased to them go back to the pool for others. `;
  const s = subs === 0 ? 'They have not submitted anything here.' : subs === 1 ? 'Their submission stays, with its review.' : `Their ${subs} submissions stay, with their reviews.`;
  return l + s;
}

/** A refused role change or removal in words (422: above the account's role, or the last manager). */
export function memberWords(e: unknown, name: string, wanted?: ProjectRole): unknown {
  if (!(e instanceof ApiError)) return e;
  const max = e.details.max_role;
  if (e.status === 422 && typeof max === 'string') return new Said(`${name} cannot be ${wanted ? `a ${wanted}` : 'given that role'} here: their account allows at most ${max} on a project.`);
  if (e.status === 422) return new Said('A project needs at least one manager: make someone else a manager first.');
  if (e.status === 404) return new Said(`${name} is no longer on this project.`);
  return e;
}

/** The manager's people on a project: invite (or create the account and invite), members, pending invitations. */
export function Members({ projectId }: { projectId: string }) {
  const [list, listErr, reload] = useLoad(() => api.members(projectId), [projectId]);
  // a role picked but not yet on the server's list; cleared by the next list
  const [picked, setPicked] = useState<Record<string, ProjectRole>>({});
  useEffect(() => setPicked({}), [list]);
  const [msg, setMsg] = useState(''); const [err, setErr] = useState<unknown>();
  const [removing, setRemoving] = useState<Member | null>(null);
  const closeRemove = useCallback(() => setRemoving(null), []);

  const changeRole = async (m: Member, role: ProjectRole) => {
    setMsg(''); setErr(undefined); setPicked((p) => ({ ...p, [m.user_id]: role }));
    try {
      await api.setMemberRole(projectId, m.user_id, role);
      setMsg(`${who(m)} is now ${role === 'expert' ? 'an' : 'a'} ${role} on this project.`);
    } catch (x) {
      setErr(memberWords(x, who(m), role));
      setPicked((p) => { const q = { ...p }; delete q[m.user_id]; return q; });
    }
    reload();
  };
  const remove = async (m: Member) => {
    setRemoving(null); setMsg(''); setErr(undefined);
    try {
      const r = await api.removeMember(projectId, m.user_id);
      setMsg(`Removed ${who(m)} from this project. ${leasesBack(r.leases_returned)} Their submissions stay.`);
    } catch (x) { setErr(memberWords(x, who(m))); }
    reload();
  };

  const invitations = list?.invitations ?? [];
  return (
    <section className="card members" aria-labelledby="members-h">
      <h2 id="members-h">People on this project</h2>
      <InviteForm projectId={projectId} onInvited={reload} />
      <h3>Members</h3>
      <ErrorBox error={listErr} />
      {!list ? <p className="muted">Loading…</p> : list.members.length === 0 ? <p className="muted">Nobody yet.</p> : (
        <ScrollX label="Members">
          <table className="table member-list">
            <thead><tr>
              <th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col" className="num">Live leases</th>
              <th scope="col" className="num">Submissions</th><th scope="col">Last submitted</th><th scope="col"><span className="sr-only">Remove</span></th>
            </tr></thead>
            <tbody>{list.members.map((m) => (
              <tr key={m.user_id}>
                <th scope="row">{m.name || '—'}</th>
                <td>{m.email}</td>
                <td>
                  <select aria-label={`Role of ${who(m)}`} value={picked[m.user_id] ?? m.role} onChange={(e) => changeRole(m, e.target.value as ProjectRole)}>
                    {ROLES.map((r) => <option key={r}>{r}</option>)}
                  </select>
                </td>
                <td className="num">{m.live_leases ?? '—'}</td>
                <td className="num">{m.submissions ?? '—'}</td>
                <td>{m.last_submitted_at ? new Date(m.last_submitted_at).toLocaleString() : <span className="muted">never</span>}</td>
                <td><button type="button" className="bad-btn" onClick={() => setRemoving(m)} aria-label={`Remove ${who(m)}`}>Remove</button></td>
              </tr>
            ))}</tbody>
          </table>
        </ScrollX>
      )}
      <ErrorBox error={err} />
      <p role="status" className="status-line small">{msg}</p>
      <h3>Invited, not joined yet</h3>
      {!list ? null : invitations.length === 0 ? <p className="muted">No invitations waiting for an answer.</p> : (
        <ScrollX label="Pending invitations">
          <table className="table invitation-list-table">
            <thead><tr><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Invited by</th><th scope="col">Sent</th></tr></thead>
            <tbody>{invitations.map((v) => (
              <tr key={v.id}><td>{v.email}</td><td>{v.role}</td><td>{v.invited_by || '—'}</td><td>{new Date(v.created_at).toLocaleString()}</td></tr>
            ))}</tbody>
          </table>
        </ScrollX>
      )}
      {removing ? (
        <Confirm title={`Remove ${who(removing)}?`} action={`Remove ${who(removing)}`} onConfirm={() => remove(removing)} onClose={closeRemove}>
          {who(removing)} will no longer see this project. {removeNote(removing)} You can invite them again later.
        </Confirm>
      ) : null}
    </section>
  );
}

/** Invite by email; optionally create the account first (managers may create expert and reviewer accounts). */
function InviteForm({ projectId, onInvited }: { projectId: string; onInvited: () => void }) {
  const [email, setEmail] = useState(''); const [role, setRole] = useState<ProjectRole>('expert');
  const [create, setCreate] = useState(false); const [password, setPassword] = useState(''); const [name, setName] = useState('');
  const [err, setErr] = useState<unknown>(); const [msg, setMsg] = useState(''); const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault(); setErr(undefined); setMsg(''); setBusy(true);
    try {
      if (create) {
        try { await api.createUser({ email, password, role, name: name || undefined }); } catch (x) { setErr(createWords(x, email, role)); return; }
      }
      await api.invite(projectId, email, role);
      setMsg(`${create ? `Created the account for ${email} and invited it` : `Invited ${email}`} as ${role}. They join the project when they accept the invitation on their home page.`);
      setEmail(''); setPassword(''); setName(''); onInvited();
    } catch (x) { setErr(x); } finally { setBusy(false); }
  };
  return (
    <>
      <h3>Invite someone</h3>
      <form onSubmit={submit} className="row">
        <label className="block">Email<input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} /></label>
        <label className="block">Role<select value={role} onChange={(e) => setRole(e.target.value as ProjectRole)}>{ROLES.map((r) => <option key={r}>{r}</option>)}</select></label>
        <label className="option"><input type="checkbox" checked={create} onChange={(e) => setCreate(e.target.checked)} /> create the account</label>
        {create ? <>
          <label className="block">Name<input value={name} onChange={(e) => setName(e.target.value)} /></label>
          <label className="block">Initial password<input type="password" required minLength={8} autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} /></label>
        </> : null}
        <button type="submit" className="primary" disabled={busy}>{create ? 'Create and invite' : 'Invite'}</button>
      </form>
      <ErrorBox error={err} />
      <p role="status" className="status-line small">{msg}</p>
    </>
  );
}

function createWords(e: unknown, email: string, role: ProjectRole): unknown {
  if (!(e instanceof ApiError)) return e;
  if (e.status === 409) return new Said(`An account with ${email} exists already, so nothing was created or sent. Untick “create the account” to invite it.`);
  if (e.status === 403) return new Said(`Your account may not create a ${role} account. Ask an admin, or invite someone who has one.`);
  return e;
}
