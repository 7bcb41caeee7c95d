import React, { useState } from 'react';
import { api, type Submission } from '../lib/api';
import { ErrorBox, Modal, ScrollX, useLoad } from '../components/ui';
import { TemplateView } from '../components/Template';
import { useItem } from '../lib/items';
import { go } from '../lib/router';
import { ProjectNav } from './ManagerProjects';
import { expertLabel } from './Progress';

/** Submissions with filters; `itemId` (from #/manage/{id}/submissions/{item}) shows one item's. */
export function SubmissionsPage({ projectId, itemId }: { projectId: string; itemId?: string }) {
  const [state, setState] = useState(''); const [expert, setExpert] = useState('');
  const [cursor, setCursor] = useState<string | undefined>();
  const [data, err] = useLoad(() => api.submissions(projectId, { state, expert_id: expert.trim(), item_id: itemId, cursor, limit: 50 }), [projectId, state, expert, itemId, cursor]);
  const [proj] = useLoad(() => api.project(projectId), [projectId]);
  const [open, setOpen] = useState<Submission | null>(null);
  const [openItem, openItemErr] = useItem(open?.item_id);
  const [filterItem] = useItem(itemId);
  // managers may list members: pick an expert by name. Reviewers (who may not) judge blind: they
  // see pseudonyms, which the server does not filter by, so they get no expert filter.
  const [members] = useLoad(() => api.members(projectId).catch(() => null), [projectId]);
  const experts = members?.members.filter((m) => m.role === 'expert') ?? null;
  return (
    <div className="page">
      <ProjectNav id={projectId} here="submissions" />
      <h1>Submissions</h1>
      {data && data.submissions.some((s) => !s.expert) ? <p className="muted small">You judge blind: each expert is shown by a pseudonym, the same on the review and quality pages of this project.</p> : null}
      <form className="filters row" onSubmit={(e) => e.preventDefault()}>
        <label>State<select value={state} onChange={(e) => { setState(e.target.value); setCursor(undefined); }}>
          <option value="">all</option><option value="pending">pending</option><option value="approved">approved</option><option value="rejected">rejected</option>
        </select></label>
        {experts ? (
          <label>Expert<select value={expert} onChange={(e) => { setExpert(e.target.value); setCursor(undefined); }}>
            <option value="">all</option>
            {experts.map((m) => <option key={m.user_id} value={m.user_id}>{m.name ? `${m.name} (${m.email})` : m.email}</option>)}
            {expert && !experts.some((m) => m.user_id === expert) ? <option value={expert}>{expert.slice(-8)}</option> : null}
          </select></label>
        ) : null}
        {itemId ? <span className="chip">item {filterItem?.external_id ?? itemId.slice(-8)} <button type="button" className="link" onClick={() => go(`manage/${encodeURIComponent(projectId)}/submissions`)} aria-label="Show all items">×</button></span> : null}
      </form>
      <ErrorBox error={err} />
      {!data ? <p className="muted">Loading…</p> : data.submissions.length === 0 ? <p className="muted">No submissions match.</p> : (
        <ScrollX label="Submissions table">
          <table className="table">
            <thead><tr><th scope="col">Submitted</th><th scope="col">Expert</th><th scope="col">Item</th><th scope="col">Active</th><th scope="col">State</th><th scope="col"><span className="sr-only">Details</span></th></tr></thead>
            <tbody>
              {data.submissions.map((s) => (
                <tr key={s.id}>
                  <td>{new Date(s.submitted_at).toLocaleString()}</td>
                  <td>{s.expert ? <button type="button" className="link" title={`Show only ${s.expert.email}`} onClick={() => { setExpert(s.expert_id); setCursor(undefined); }}>{expertLabel(s)}</button>
                    : <span className="mono small nowrap">{expertLabel(s)}</span>}</td>
                  <td className="mono small">{s.item_external_id ?? s.item_id.slice(-8)}</td>
                  <td>{Math.round(s.active_ms / 1000)} s</td>
                  <td><span className={`chip ${s.state === 'approved' ? 'ok' : s.state === 'rejected' ? 'bad' : 'pend'}`}>{s.state}</span></td>
                  <td><button type="button" className="link" onClick={() => setOpen(s)}>View</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollX>
      )}
      {data?.next_cursor ? <button type="button" onClick={() => setCursor(data.next_cursor!)}>Next page</button> : null}
      {open && proj ? (
        <Modal title="Submission" onClose={() => setOpen(null)}>
          <p className="muted small">{expertLabel(open)} · item {open.item_external_id ?? openItem?.external_id ?? open.item_id.slice(-8)} · {new Date(open.submitted_at).toLocaleString()}</p>
          {open.review ? <p><b>{open.review.verdict}</b>: {open.review.reason}</p> : null}
          <ErrorBox error={openItemErr} />
          {openItem ? <TemplateView template={proj.template} data={openItem.data} answer={open.answer} readOnly idPrefix="sv" /> : <p className="muted">Loading the item…</p>}
        </Modal>
      ) : null}
    </div>
  );
}
