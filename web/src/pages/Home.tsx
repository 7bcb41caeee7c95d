import React, { useState } from 'react';
import { api, type Submission, type User } from '../lib/api';
import { ErrorBox, Modal, useLoad } from '../components/ui';
import { TemplateView } from '../components/Template';
import { InvitationsCard } from '../components/Invitations';
import { pct, when } from '../lib/format';

const hours = (s: number) => (s >= 3600 ? `${(s / 3600).toFixed(1)} h` : s >= 60 ? `${Math.round(s / 60)} min` : `${Math.round(s)} s`);

export function Home({ user }: { user: User }) {
  const [projects, pErr, reloadProjects] = useLoad(() => api.projects(), []);
  const [stats] = useLoad(() => api.myStats().catch(() => ({ projects: [] })), []);
  const [subs, , reloadSubs] = useLoad(() => api.mySubmissions().catch(() => ({ submissions: [] as Submission[] })), []);
  const [editing, setEditing] = useState<Submission | null>(null);
  const waiting = (subs?.submissions ?? []).filter((s) => s.state === 'pending').slice(0, 20);
  const statBy = new Map((stats?.projects ?? []).map((s) => [s.project_id, s]));
  const reviewed = (subs?.submissions ?? []).filter((s) => s.review).slice(0, 20);
  const names = new Map((projects?.projects ?? []).map((p) => [p.id, p.name]));
  return (
    <div className="page">
      <h1>Welcome, {user.name || user.email}</h1>
      <ErrorBox error={pErr} />
      <nav className="row money-links" aria-label="My time and pay"><a className="button" href="#/timesheet">My timesheet</a><a className="button" href="#/earnings">My earnings</a></nav>
      <InvitationsCard onJoined={reloadProjects} />
      <h2>Your projects</h2>
      {!projects ? <p className="muted">Loading…</p> : projects.projects.length === 0 ? <p className="muted">You are not on any project yet. When a manager invites you, the invitation shows here.</p> : (
        <ul className="cards">
          {projects.projects.map((p) => {
            const s = statBy.get(p.id);
            const total = s ? s.approved + s.rejected : 0;
            return (
              <li key={p.id} className="card project-card">
                <h3>{p.name}</h3>
                {s ? (
                  <div className="stats-row">
                    <span><b>{s.submitted}</b> submitted</span>
                    {total ? <span><b>{pct(s.approval_rate)}</b> approved ({s.approved}/{total})</span> : null}
                    {s.submitted > total ? <span><b>{s.submitted - total}</b> awaiting review</span> : null}
                    <span><b>{hours(s.active_seconds)}</b> active</span>
                  </div>
                ) : <p className="muted small">No submissions yet.</p>}
                {s && total ? <div className="bar" aria-hidden="true"><span className="ok" style={{ width: `${(s.approved / total) * 100}%` }} /><span className="bad" style={{ width: `${(s.rejected / total) * 100}%` }} /></div> : null}
                <a className="button primary" href={`#/work/${encodeURIComponent(p.id)}`}>Start working</a>
              </li>
            );
          })}
        </ul>
      )}
      <h2>Waiting for review</h2>
      {waiting.length === 0 ? <p className="muted">Nothing of yours waits for review.</p> : (
        <ul className="reviews">
          {waiting.map((s) => {
            const editable = s.editable_until && Date.parse(s.editable_until) > Date.now();
            return (
              <li key={s.id} className="review-item">
                {s.sent_back ? <span className="chip bad">sent back to you</span> : <span className="chip pend">waiting</span>}
                <span className="muted"> {names.get(s.project_id) ?? s.project_id} · {when(s.submitted_at)}{(s.version ?? 1) > 1 ? ` · edited (version ${s.version})` : ''}</span>
                {s.sent_back ? <p>{s.sent_back.note}</p> : null}
                {editable ? <button type="button" onClick={() => setEditing(s)}>Edit <span className="sr-only">this answer</span></button> : null}
                {editable ? <span className="muted small"> until {new Date(s.editable_until!).toLocaleTimeString()}</span> : null}
              </li>
            );
          })}
        </ul>
      )}
      {editing ? <EditAnswer sub={editing} onClose={() => setEditing(null)} onSaved={() => { setEditing(null); reloadSubs(); }} /> : null}
      <h2>Reviews of your work</h2>
      {reviewed.length === 0 ? <p className="muted">No reviews yet. Reviewers' reasons will show here.</p> : (
        <ul className="reviews">
          {reviewed.map((s) => (
            <li key={s.id} className={`review-item ${s.review!.verdict}`}>
              <span className={`chip ${s.review!.verdict === 'approve' ? 'ok' : 'bad'}`}>{s.review!.verdict === 'approve' ? 'approved' : 'rejected'}</span>
              <span className="muted"> {names.get(s.project_id) ?? s.project_id} · {new Date(s.review!.reviewed_at ?? s.submitted_at).toLocaleString()}</span>
              {s.review!.reason ? <p>{s.review!.reason}</p> : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Her answer again, as she gave it, to change while it waits for review; the earlier version is kept. */
function EditAnswer({ sub, onClose, onSaved }: { sub: Submission; onClose: () => void; onSaved: () => void }) {
  const [proj] = useLoad(() => api.project(sub.project_id), [sub.project_id]);
  const [asg, loadErr] = useLoad(() => api.assignment(sub.assignment_id), [sub.assignment_id]);
  const [answer, setAnswer] = useState<Record<string, unknown>>(sub.answer);
  const [err, setErr] = useState<unknown>();
  const save = async () => {
    try { await api.editSubmission(sub.id, answer); onSaved(); } catch (e) { setErr(e); }
  };
  return (
    <Modal title="Edit your answer" onClose={onClose}>
      <p className="muted small">Your earlier answer is kept; the reviewer sees that you edited it.</p>
      <ErrorBox error={loadErr || err} onDismiss={() => setErr(undefined)} />
      {proj && asg ? <TemplateView template={proj.template} data={asg.item.data} answer={answer} onChange={(name, v) => setAnswer((a) => ({ ...a, [name]: v }))} idPrefix="ed" /> : <p className="muted">Loading…</p>}
      <div className="row"><button type="button" className="primary" onClick={() => void save()}>Save the new version</button><button type="button" onClick={onClose}>Cancel</button></div>
    </Modal>
  );
}
