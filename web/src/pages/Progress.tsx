import React, { useEffect, useMemo, useState } from 'react';
import { api } from '../lib/api';
import { ErrorBox, useLoad } from '../components/ui';
import { CoverageChart, ExpertChart, expertRows, Sized, StackBar, ThroughputChart } from '../components/charts';
import type { Item, Submission } from '../lib/api';
import { pct } from '../lib/format';
import { ProjectNav } from './ManagerProjects';

/** Items of a project by id, page by page (the coverage chart counts submissions per item). */
function useItems(projectId: string): Map<string, Item> {
  const [m, setM] = useState(new Map<string, Item>());
  useEffect(() => {
    let live = true;
    (async () => {
      const out = new Map<string, Item>(); let cursor: string | undefined;
      for (let page = 0; page < 50; page++) {
        const r = await api.items(projectId, cursor);
        r.items.forEach((it) => out.set(it.id, it));
        if (!live) return;
        setM(new Map(out));
        if (!r.next_cursor) break;
        cursor = r.next_cursor;
      }
    })().catch(() => {});
    return () => { live = false; };
  }, [projectId]);
  return m;
}

export function ProgressPage({ projectId }: { projectId: string }) {
  const [p, err, reload] = useLoad(() => api.progress(projectId), [projectId]);
  const [proj] = useLoad(() => api.project(projectId), [projectId]);
  const items = useItems(projectId);
  const [subs] = useLoad(async () => {
    const all: Submission[] = []; let cursor: string | undefined;
    for (let i = 0; i < 20; i++) { // up to 4000 submissions for the per-expert picture
      const r = await api.submissions(projectId, { limit: 200, cursor });
      all.push(...r.submissions);
      if (!r.next_cursor) break; cursor = r.next_cursor;
    }
    return all;
  }, [projectId]);
  const done = p ? p.approved + p.rejected + p.pending_review : 0;
  const share = p && p.target_submissions ? Math.min(done, p.target_submissions) / p.target_submissions : 0;
  const reviewed = p ? p.approved + p.rejected : 0;
  // each expert's label once (from their first submission), not a search per chart row
  const experts = useMemo(() => {
    const m = new Map<string, string>();
    for (const s of subs ?? []) if (!m.has(s.expert_id)) m.set(s.expert_id, expertLabel(s));
    return m;
  }, [subs]);
  return (
    <div className="page">
      <ProjectNav id={projectId} here="progress" />
      <div className="row"><h1>Progress{proj ? ` · ${proj.name}` : ''}</h1><span className="spacer" /><button type="button" onClick={reload}>Refresh</button></div>
      <ErrorBox error={err} />
      {!p ? <p className="muted">Loading…</p> : (
        <>
          <div className="kpis">
            <div className="kpi"><span className="big">{pct(share)}</span><span className="muted">done ({done} of {p.target_submissions} = {p.items} items × overlap {p.overlap})</span></div>
            <div className="kpi"><span className="big">{reviewed ? pct(p.approved / reviewed) : '—'}</span><span className="muted">approval rate ({reviewed} reviewed)</span></div>
            <div className="kpi"><span className="big">{p.pending_review}</span><span className="muted">waiting for review</span></div>
          </div>
          <StackBar label="Submissions against target" total={p.target_submissions} parts={[
            { label: 'approved', value: p.approved, cls: 'ok' }, { label: 'rejected', value: p.rejected, cls: 'bad' },
            { label: 'pending review', value: p.pending_review, cls: 'pend' }, { label: 'in progress (leased)', value: p.leased, cls: 'lease' },
          ]} />
          <h2>Items against overlap</h2>
          {items.size ? <Sized>{(w) => <CoverageChart width={w} counts={[...items.values()].map((it) => (Array.isArray(it.submissions) ? it.submissions.length : Number(it.submissions ?? 0)))} overlap={p.overlap} />}</Sized> : <p className="muted">No items yet.</p>}
          <h2>Throughput</h2>
          <Sized>{(w) => <ThroughputChart width={w} points={p.throughput ?? []} />}</Sized>
          <h2>Experts</h2>
          {subs ? <ExpertChart rows={expertRows(subs).map((r) => ({ ...r, expert: experts.get(r.expert)! }))} /> : <p className="muted">Loading…</p>}
        </>
      )}
    </div>
  );
}

/**
 * An expert's name for managers (the server sends it to them); reviewers judge blind and get a
 * pseudonym (`expert-3fa2c1d9`, the same on every page of the project), shown whole.
 */
export function expertLabel(s: Pick<Submission, 'expert' | 'expert_id'>): string {
  if (s.expert) return s.expert.name || s.expert.email;
  return isPseudonym(s.expert_id) ? s.expert_id : s.expert_id.slice(-8);
}
export const isPseudonym = (expertId: string) => /^expert-[0-9a-f]{8}$/.test(expertId);
