import React, { useCallback, useEffect, useRef, useState } from 'react';
import { api, type Submission, type SubmissionContext } from '../lib/api';
import { loadItem, useItem } from '../lib/items';
import { pct } from '../lib/format';
import { ErrorBox, useKeydown, useLoad } from '../components/ui';
import { isTyping, TemplateView } from '../components/Template';
import { ProjectNav } from './ManagerProjects';
import { expertLabel } from './Progress';

export const MIN_REASON = 20;
export const MIN_NOTE = 10;

export function ReviewPage({ projectId }: { projectId: string }) {
  // Riskiest first from the server (reported broken, gold missed, disagreement, low confidence), then
  // oldest; or simply oldest first. The count is exact however long the queue.
  const [order, setOrder] = useState<'risk' | 'asc'>('risk');
  const [data, err, reload] = useLoad(() => api.submissions(projectId, { state: 'pending', order, limit: 100 }), [projectId, order]);
  const [proj] = useLoad(() => api.project(projectId), [projectId]);
  const [idx, setIdx] = useState(0);
  const [rejecting, setRejecting] = useState(false);
  const [sending, setSending] = useState(false);
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('');
  const [doneIds, setDoneIds] = useState<Set<string>>(new Set());
  const [actErr, setActErr] = useState<unknown>();
  const [msg, setMsg] = useState('');
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const queue: Submission[] = (data?.submissions ?? []).filter((s) => !doneIds.has(s.id));
  const at = Math.min(idx, Math.max(0, queue.length - 1));
  const cur = queue[at];
  const [item, itemErr] = useItem(cur?.item_id);
  const [ctx] = useLoad(() => (cur ? api.submissionContext(cur.id).catch(() => null) : Promise.resolve(null)), [cur?.id]);
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

  const sendBack = useCallback(async () => {
    if (!cur || note.trim().length < MIN_NOTE) return;
    setActErr(undefined);
    try {
      await api.sendBack(cur.id, note.trim());
      setDoneIds((s) => new Set(s).add(cur.id)); setSending(false); setNote('');
      setMsg('Sent back to the expert with your note.');
    } catch (e) { setActErr(e); }
  }, [cur, note]);

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
      <div className="row"><h1>Review queue</h1><span className="muted">{Math.max(0, (data?.total ?? queue.length) - doneIds.size)} waiting</span>
        <span className="filters"><label>Order<select value={order} onChange={(e) => { setOrder(e.target.value as 'risk' | 'asc'); setIdx(0); setDoneIds(new Set()); }}><option value="risk">riskiest first</option><option value="asc">oldest first</option></select></label></span><span className="spacer" /><button type="button" onClick={() => { setDoneIds(new Set()); reload(); }}>Refresh</button></div>
      <p className="muted small"><kbd>A</kbd> approve · <kbd>R</kbd> reject (reason ≥ {MIN_REASON} characters, <kbd>Ctrl+↵</kbd> to confirm) · <kbd>J</kbd>/<kbd>K</kbd> next / previous</p>
      <ErrorBox error={err || actErr} onDismiss={() => setActErr(undefined)} />
      <p role="status" aria-live="polite" className="muted small">{msg}</p>
      {!data || !proj ? <p className="muted">Loading…</p> : !cur ? <div className="card empty"><h2>Queue is empty</h2><p>Nothing waits for review.</p></div> : (
        <div id="review-main" tabIndex={-1} className="review">
          <div className="review-meta muted small">
            {at + 1} / {queue.length}{data?.next_cursor ? '+' : ''} · {cur.expert ? <>by {expertLabel(cur)}</> : <>by <span className="mono">{expertLabel(cur)}</span> (judged blind)</>} · item {item?.external_id ?? cur.item_external_id ?? cur.item_id.slice(-8)} · {Math.round(cur.active_ms / 1000)} s active · submitted {new Date(cur.submitted_at).toLocaleString()}
          </div>
          <ErrorBox error={itemErr} />
          {item ? <TemplateView template={proj.template} data={item.data} answer={cur.answer} readOnly idPrefix="rv" />
            : itemErr ? <pre className="code"><code>{JSON.stringify(cur.answer, null, 2)}</code></pre> : <p className="muted">Loading the item…</p>}
          <GoldCheck gold={item?.gold} answer={cur.answer} />
          {ctx?.item?.answers && ctx.expert ? <ReviewContext ctx={ctx} /> : null}
          <div className="review-actions">
            <button type="button" className="ok-btn" onClick={() => act('approve')}>Approve <kbd>A</kbd></button>
            <button type="button" className="bad-btn" onClick={() => { setRejecting(true); requestAnimationFrame(() => reasonRef.current?.focus()); }}>Reject… <kbd>R</kbd></button>
            <button type="button" onClick={() => { setSending(true); setRejecting(false); }}>Send back with a note…</button>
          </div>
          {sending ? (
            <div className="reject-box">
              <label className="block">Note for the expert: what to change (at least {MIN_NOTE} characters). The answer leaves the queue until she sends her revision.
                <textarea autoFocus rows={3} value={note} onChange={(e) => setNote(e.target.value)} aria-invalid={note.trim().length < MIN_NOTE} />
              </label>
              <div className="row">
                <span className="spacer" />
                <button type="button" onClick={() => setSending(false)}>Cancel</button>
                <button type="button" className="primary" disabled={note.trim().length < MIN_NOTE} onClick={() => void sendBack()}>Send back</button>
              </div>
            </div>
          ) : null}
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

/** Beside the answer: how the other experts answered, the consensus, and this expert's record. */
function ReviewContext({ ctx }: { ctx: SubmissionContext }) {
  const others = ctx.item.answers.filter((a) => a.id !== ctx.answer.id);
  const e = ctx.expert;
  const share = (n: number, d: number) => (d ? `${Math.round((100 * n) / d)}% (${n} of ${d})` : '—');
  return (
    <div className="card context" aria-label="Review context">
      <p><b>Other answers</b>: {others.length === 0 ? 'none yet' : others.map((a) => Object.entries(a.answer).map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(', ')).join(' · ')}</p>
      {ctx.item.consensus.map((c) => <p key={c.field}><b>Consensus on {c.field}</b>: {c.label ?? '—'}{c.confidence != null ? ` (${pct(c.confidence)} confident)` : ''}</p>)}
      <p><b>This expert here</b>: {e.submitted} submitted, {e.approved} approved, {e.rejected} rejected · gold {share(e.gold.correct, e.gold.total)} · agrees with consensus {share(e.consensus.agreed, e.consensus.compared)}</p>
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
