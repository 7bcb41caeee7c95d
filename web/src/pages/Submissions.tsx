import React, { useState } from 'react';
import { api, type Submission } from '../lib/api';
import { ErrorBox, Modal, useLoad } from '../components/ui';
import { TemplateView } from '../components/Template';
import { ProjectNav } from './ManagerProjects';
import { useItems } from './Review';

export function SubmissionsPage({ projectId }: { projectId: string }) {
  const [state, setState] = useState(''); const [expert, setExpert] = useState('');
  const [cursor, setCursor] = useState<string | undefined>();
  const [data, err] = useLoad(() => api.submissions(projectId, { state, expert_id: expert.trim(), cursor, limit: 50 }), [projectId, state, expert, cursor]);
  const [proj] = useLoad(() => api.project(projectId), [projectId]);
  const items = useItems(projectId);
  const [open, setOpen] = useState<Submission | null>(null);
  return (
    <div className="page">
      <ProjectNav id={projectId} here="submissions" />
      <h1>Submissions</h1>
      <form className="filters row" onSubmit={(e) => e.preventDefault()}>
        <label>State<select value={state} onChange={(e) => { setState(e.target.value); setCursor(undefined); }}>
          <option value="">all</option><option value="pending">pending</option><option value="approved">approved</option><option value="rejected">rejected</option>
        </select></label>
        <label>Expert id<input value={expert} onChange={(e) => { setExpert(e.target.value); setCursor(undefined); }} placeholder="any" /></label>
      </form>
      <ErrorBox error={err} />
      {!data ? <p className="muted">Loading…</p> : data.submissions.length === 0 ? <p className="muted">No submissions match.</p> : (
        <table className="table">
          <thead><tr><th scope="col">Submitted</th><th scope="col">Expert</th><th scope="col">Item</th><th scope="col">Active</th><th scope="col">State</th><th /></tr></thead>
          <tbody>
            {data.submissions.map((s) => (
              <tr key={s.id}>
                <td>{new Date(s.submitted_at).toLocaleString()}</td>
                <td className="mono small"><button type="button" className="link" title="Show only this expert" onClick={() => { setExpert(s.expert_id); setCursor(undefined); }}>{s.expert_id.slice(-8)}</button></td>
                <td className="mono small">{items.get(s.item_id)?.external_id ?? s.item_id.slice(-8)}</td>
                <td>{Math.round(s.active_ms / 1000)} s</td>
                <td><span className={`chip ${s.state === 'approved' ? 'ok' : s.state === 'rejected' ? 'bad' : 'pend'}`}>{s.state}</span></td>
                <td><button type="button" className="link" onClick={() => setOpen(s)}>View</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data?.next_cursor ? <button type="button" onClick={() => setCursor(data.next_cursor!)}>Next page</button> : null}
      {open && proj ? (
        <Modal title="Submission" onClose={() => setOpen(null)}>
          {open.review ? <p><b>{open.review.verdict}</b>: {open.review.reason}</p> : null}
          <TemplateView template={proj.template} data={items.get(open.item_id)?.data ?? {}} answer={open.answer} readOnly idPrefix="sv" />
        </Modal>
      ) : null}
    </div>
  );
}
