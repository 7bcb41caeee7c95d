import React from 'react';
import { api, type User } from '../lib/api';
import { ErrorBox, useLoad } from '../components/ui';
import { pct } from '../lib/format';

const hours = (s: number) => (s >= 3600 ? `${(s / 3600).toFixed(1)} h` : s >= 60 ? `${Math.round(s / 60)} min` : `${Math.round(s)} s`);

export function Home({ user }: { user: User }) {
  const [projects, pErr] = useLoad(() => api.projects(), []);
  const [stats] = useLoad(() => api.myStats().catch(() => ({ projects: [] })), []);
  const [subs] = useLoad(() => api.mySubmissions().catch(() => ({ submissions: [] })), []);
  const statBy = new Map((stats?.projects ?? []).map((s) => [s.project_id, s]));
  const reviewed = (subs?.submissions ?? []).filter((s) => s.review).slice(0, 20);
  const names = new Map((projects?.projects ?? []).map((p) => [p.id, p.name]));
  return (
    <div className="page">
      <h1>Welcome, {user.name || user.email}</h1>
      <ErrorBox error={pErr} />
      <h2>Your projects</h2>
      {!projects ? <p className="muted">Loading…</p> : projects.projects.length === 0 ? <p className="muted">You are not on any project yet.</p> : (
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
