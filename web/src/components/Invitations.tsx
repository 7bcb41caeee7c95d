import React, { useState } from 'react';
import { api, ApiError, Said, type Invitation } from '../lib/api';
import { ErrorBox, useLoad } from './ui';

/** An invitation's refusal in words: a role above the account's, answered already, gone. */
export function invitationWords(e: unknown, v: Invitation): unknown {
  if (!(e instanceof ApiError)) return e;
  const max = e.details.max_role;
  if (e.status === 422 && typeof max === 'string') {
    return new Said(`This invitation is for a ${v.role}, but your account can be at most ${max} on a project. Ask ${v.invited_by || 'the manager'} to invite you as ${max}.`);
  }
  if (e.status === 409) return new Said(`You already answered the invitation to ${v.project_name}.`);
  if (e.status === 404) return new Said(`The invitation to ${v.project_name} is no longer open.`);
  return e;
}

/**
 * The signed-in person's pending invitations (GET /me/invitations) with Accept / Decline; shows
 * nothing when there are none. `onJoined` runs after an accept (to reload the project list).
 */
export function InvitationsCard({ onJoined }: { onJoined: () => void }) {
  const [data, err, reload] = useLoad(() => api.myInvitations(), []);
  const [answered, setAnswered] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState('');
  const [msg, setMsg] = useState(''); const [fail, setFail] = useState<unknown>();
  const answer = async (v: Invitation, accept: boolean) => {
    setBusy(v.id); setFail(undefined); setMsg('');
    try {
      await (accept ? api.acceptInvitation(v.id) : api.declineInvitation(v.id));
      setAnswered((s) => new Set(s).add(v.id));
      setMsg(accept ? `You joined ${v.project_name} as ${v.role}.` : `You declined the invitation to ${v.project_name}.`);
      if (accept) onJoined();
    } catch (x) {
      setFail(invitationWords(x, v));
      reload();
    } finally { setBusy(''); }
  };
  const open = (data?.invitations ?? []).filter((v) => !answered.has(v.id));
  if (!open.length && !msg && !fail && !err) return null;
  return (
    <section className="card invitations" aria-labelledby="inv-h">
      <h2 id="inv-h">Invitations</h2>
      <ErrorBox error={err} />
      {open.length ? (
        <ul className="invitation-list">
          {open.map((v) => (
            <li key={v.id}>
              <div>
                <b>{v.project_name}</b> <span className="chip">{v.role}</span>
                <div className="muted small">Invited by {v.invited_by || 'a manager'} · {new Date(v.created_at).toLocaleDateString()}</div>
              </div>
              <div className="row">
                <button type="button" className="primary" disabled={busy !== ''} onClick={() => answer(v, true)} aria-label={`Accept the invitation to ${v.project_name}`}>Accept</button>
                <button type="button" disabled={busy !== ''} onClick={() => answer(v, false)} aria-label={`Decline the invitation to ${v.project_name}`}>Decline</button>
              </div>
            </li>
          ))}
        </ul>
      ) : null}
      <ErrorBox error={fail} />
      <p role="status" className="status-line ok-text">{msg}</p>
    </section>
  );
}
