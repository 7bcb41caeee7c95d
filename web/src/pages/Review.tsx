import React, { useCallback, useEffect, useRef, useState } from 'react';
import { api, type Submission } from '../lib/api';
import { loadItem, useItem } from '../lib/items';
import { ErrorBox, useKeydown, useLoad } from '../components/ui';
import { isTyping, TemplateView } from '../components/Template';
import { ProjectNav } from './ManagerProjects';

export const MIN_REASON = 20;

export function ReviewPage({ projectId }: { projectId: string }) {
  // Oldest first from the server: a reviewer works the queue in the order experts submitted.
  const [data, err, reload] = useLoad(() => api.submissions(projectId, { state: 'pending', order: 'asc', limit: 100 }), [projectId]);
  const [proj] = useLoad(() => api.project(projectId), [projectId]);
  const [idx, setIdx] = useState(0);
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [doneIds, setDoneIds] = useState<Set<string>>(new Set());
  const [actErr, setActErr] = useState<unknown>();
  const [msg, setMsg] = useState('');
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const queue: Submission[] = (data?.submissions ?? []).filter((s) => !doneIds.has(s.id));
  const at = Math.min(idx, Math.max(0, queue.length - 1));
  const cur = queue[at];
  const [item, itemErr] = useItem(cur?.item_id);
  const nextItemId = queue[at + 1]?.item_id;
  useEffect(() => { if (nextItemId) loadItem(nextItemId).catch(() => {}); }, [nextItemId]); // next one shows at once
  // the page of 100 is worked through: fetch the next oldest ones
  const exhausted = !!data && queue.length === 0 && !!data.next_cursor;
  useEffect(() => { if (exhausted) { setDoneIds(new Set()); reload(); } }, [exhausted]); // eslint-disable-line react-hooks/exhaustive-deps

  const act = useCallback(async (verdict: 'approve' | 'reject') => {
    if (!cur) return;
    if (verdict === 'reject' && reason.trim().length < MIN_REASON) { setRejecting(true); requestAnimationFrame(() => reasonRef.current?.focus()); return; }
    setActErr(undefined);
    try {
      await api.review(cur.id, verdict, verdict === 'reject' ? reason.trim() : reason.trim());
      setDoneIds((s) => new Set(s).add(cur.id)); setRejecting(false); setReason('');
      setMsg(`${verdict === 'approve' ? 'Approved' : 'Rejected'}.`);
      (document.getElementById('review-main') as HTMLElement | null)?.focus();
    } catch (e) { setActErr(e); }
  }, [cur, reason]);

  useKeydown((e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter' && rejecting) { e.preventDefault(); void act('reject'); return; }
    if (e.key === 'Escape' && rejecting) { e.preventDefault(); setRejecting(false); return; }
    if (isTyping(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'a') { e.preventDefault(); void act('approve'); }
    else if (e.key === 'r') { e.preventDefault(); if (rejecting) reasonRef.current?.focus(); else setRejecting(true); } // autoFocus at commit: no typed letter is lost
    else if (e.key === 'j') { e.preventDefault(); setIdx((i) => Math.min(queue.length - 1, i + 1)); }
    else if (e.key === 'k') { e.preventDefault(); setIdx((i) => Math.max(0, i - 1)); }
  });

  const short = reason.trim().length < MIN_REASON;
  return (
    <div className="page wide">
      <ProjectNav id={projectId} here="review" />
      <div className="row"><h1>Review queue</h1><span className="muted">{queue.length} pending</span><span className="spacer" /><button type="button" onClick={() => { setDoneIds(new Set()); reload(); }}>Refresh</button></div>
      <p className="muted small"><kbd>A</kbd> approve · <kbd>R</kbd> reject (reason ≥ {MIN_REASON} characters, <kbd>Ctrl+↵</kbd> to confirm) · <kbd>J</kbd>/<kbd>K</kbd> next / previous</p>
      <ErrorBox error={err || actErr} onDismiss={() => setActErr(undefined)} />
      <p role="status" aria-live="polite" className="muted small">{msg}</p>
      {!data || !proj ? <p className="muted">Loading…</p> : !cur ? <div className="card empty"><h2>Queue is empty</h2><p>Nothing waits for review.</p></div> : (
        <div id="review-main" tabIndex={-1} className="review">
          <div className="review-meta muted small">
            {at + 1} / {queue.length}{data?.next_cursor ? '+' : ''} · {cur.expert ? <>by {cur.expert.name || cur.expert.email}</> : <>expert <span className="mono">{cur.expert_id.slice(-8)}</span></>} · item {item?.external_id ?? cur.item_external_id ?? cur.item_id.slice(-8)} · {Math.round(cur.active_ms / 1000)} s active · submitted {new Date(cur.submitted_at).toLocaleString()}
          </div>
          <ErrorBox error={itemErr} />
          {item ? <TemplateView template={proj.template} data={item.data} answer={cur.answer} readOnly idPrefix="rv" />
            : itemErr ? <pre className="code"><code>{JSON.stringify(cur.answer, null, 2)}</code></pre> : <p className="muted">Loading the item…</p>}
          <GoldCheck gold={item?.gold} answer={cur.answer} />
          <div className="review-actions">
            <button type="button" className="ok-btn" onClick={() => act('approve')}>Approve <kbd>A</kbd></button>
            <button type="button" className="bad-btn" onClick={() => { setRejecting(true); requestAnimationFrame(() => reasonRef.current?.focus()); }}>Reject… <kbd>R</kbd></button>
          </div>
          {rejecting ? (
            <div className="reject-box">
              <label className="block">Reason for the expert (at least {MIN_REASON} characters; they will read it)
                <textarea ref={reasonRef} autoFocus rows={3} value={reason} onChange={(e) => setReason(e.target.value)} aria-invalid={short} />
              </label>
              <div className="row">
                <span className={`small ${short ? 'warn' : 'muted'}`}>{reason.trim().length} characters{short ? ` — at least ${MIN_REASON}` : ""}</span>
                <span className="spacer" />
                <button type="button" onClick={() => setRejecting(false)}>Cancel <kbd>Esc</kbd></button>
                <button type="button" className="bad-btn" disabled={short} onClick={() => act('reject')}>Confirm reject <kbd>Ctrl+↵</kbd></button>
              </div>
            </div>
          ) : null}
        </div>
      )}
    </div>
  );
}

const canon = (v: unknown): string => JSON.stringify(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x));

/** For gold items: which answer fields match the gold answer. */
export function GoldCheck({ gold, answer }: { gold: unknown; answer: Record<string, unknown> }) {
  if (gold == null || typeof gold !== 'object') return null;
  const fields = Object.keys(gold as Record<string, unknown>);
  return (
    <div className="card gold" aria-label="Gold comparison">
      <b>Gold item</b>{' '}
      {fields.map((f) => {
        const ok = canon((gold as Record<string, unknown>)[f]) === canon(answer[f]);
        return <span key={f} className={`chip ${ok ? 'ok' : 'bad'}`}>{f}: {ok ? 'matches' : 'differs'}</span>;
      })}
      <details><summary>Gold answer</summary><pre className="code"><code>{JSON.stringify(gold, null, 2)}</code></pre></details>
    </div>
  );
}
