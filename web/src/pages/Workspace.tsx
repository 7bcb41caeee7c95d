import React, { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, ApiError, errorText, submitWithRetry, type Lease, type Project, type SkipReason } from '../lib/api';
import { clearDraft, loadDraft, saveDraft, type Draft } from '../lib/draft';
import { requestLease, storedLease, storeLease, useNextLease } from '../lib/useNextLease';
import { ActivityClock } from '../lib/activity';
import { startHeartbeats } from '../lib/heartbeat';
import { missing } from '../lib/template';
import { Markdown } from '../lib/markdown';
import { isTyping, TemplateView } from '../components/Template';
import { ErrorBox, Modal, useKeydown } from '../components/ui';
import { LeaseRefused } from '../components/LeaseRefused';
import { leaseRefusal, type Refusal } from '../lib/people';

export const SHORTCUTS: [string, string][] = [
  ['Ctrl+Enter', 'Submit (works while typing)'],
  ['J / K', 'Next / previous question'],
  ['Esc', 'Leave a text field (then shortcuts work)'],
  ['A / B / T', 'Pairwise: A better, B better, tie'],
  ['1 – 3', 'Pairwise strength: slightly / clearly / much'],
  ['digits', 'Rating, rubric row, choice option'],
  ['↑ ↓, Alt+↑ ↓', 'Ranking: move focus, move the response'],
  ['Enter', 'Spans: add the quoted span'],
  ['Shift+R', 'Renew the lease'],
  ['Shift+S', 'Skip this task (returns it)'],
  ['Shift+I', 'Show / hide instructions'],
  ['?', 'This help'],
];

/** A submit or skip that ran behind the next task and did not reach the server. */
interface Failed { lease: Lease; kind: 'submit' | 'skip'; error: unknown }

function fmtLeft(ms: number) {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** Time left in words for a screen reader and a tooltip: "12 minutes", "45 seconds". */
function inWords(ms: number) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s >= 120) return `${Math.round(s / 60)} minutes`;
  if (s >= 60) return '1 minute';
  return `${s} second${s === 1 ? '' : 's'}`;
}

export function Workspace({ projectId }: { projectId: string }) {
  const [project, setProject] = useState<Project>();
  const [lease, setLease] = useState<Lease | null | undefined>(undefined); // null = no work left
  const [asking, setAsking] = useState(false); // the skip dialog: why?
  const [remaining, setRemaining] = useState<{ for_you: number } | null>(null);
  useEffect(() => { api.remaining(projectId).then(setRemaining, () => {}); }, [projectId, lease?.assignment_id]);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [err, setErr] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [help, setHelp] = useState(false);
  const [showInstr, setShowInstr] = useState(false);
  const [now, setNow] = useState(Date.now());
  const [done, setDone] = useState(0);
  const [status, setStatus] = useState('');
  const [showMissing, setShowMissing] = useState(false);
  const [failed, setFailed] = useState<Failed | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null); // a lease refused for who she is, in words
  const next = useNextLease(projectId, lease);
  const clockRef = useRef<ActivityClock | null>(null);
  const switchStart = useRef<number | null>(null);
  const focusedFor = useRef<string | null>(null);
  const draftRef = useRef<Draft | null>(null);
  draftRef.current = draft;

  useEffect(() => { api.project(projectId).then((p) => { setProject(p); if (!localStorage.getItem(`assay.seen.${projectId}`)) { setShowInstr(true); localStorage.setItem(`assay.seen.${projectId}`, '1'); } }, setErr); }, [projectId]);

  const show = useCallback((l: Lease | null) => {
    storeLease(projectId, 'cur', l);
    setLease(l); setShowMissing(false);
    if (l) {
      const d = loadDraft(l.assignment_id);
      setDraft(d);
      clockRef.current = new ActivityClock(d.active_ms);
    } else setDraft(null);
  }, [projectId]);

  const fetchLease = useCallback(() => requestLease(projectId), [projectId]);
  // A refusal (a requirement, a contract, her status, a cap) is said in words with what to do.
  const leaseFailed = useCallback((e: unknown) => {
    const r = leaseRefusal(e);
    if (r) { setRefusal(r); show(null); } else setErr(e);
  }, [show]);
  const askAgain = useCallback(() => {
    setErr(undefined); setRefusal(null);
    fetchLease().then(show, (e) => { leaseFailed(e); setLease(null); });
  }, [fetchLease, show, leaseFailed]);

  // first lease: resume the one held before a reload, else ask for one
  useEffect(() => {
    const held = storedLease(projectId, 'cur');
    if (held) show(held);
    else fetchLease().then(show, (e) => { leaseFailed(e); setLease(null); });
  }, [projectId, fetchLease, show, leaseFailed]);

  const takeNext = useCallback(async () => show(await next.take()), [next, show]);

  // Submit or skip: the next task goes on screen at once while `send` runs behind it; a failure
  // is shown with a way back to that task (its draft stays on this device until it is accepted).
  const finish = useCallback(async (l: Lease, kind: Failed['kind'], send: () => Promise<unknown>, t0: number) => {
    setErr(undefined); setFailed(null);
    next.send(l, send).then(() => clearDraft(l.assignment_id), (error) => setFailed({ lease: l, kind, error }));
    switchStart.current = t0;
    try { await takeNext(); } catch (e) { switchStart.current = null; leaseFailed(e); }
  }, [next, takeNext, leaseFailed]);

  // back to a task whose submit failed; the task on screen waits as the next one (its lease is live)
  const backTo = useCallback((f: Failed) => {
    next.hold(lease ?? null);
    setFailed(null); show(f.lease);
  }, [lease, next, show]);

  // time to next task on screen (exposed for the e2e test)
  useEffect(() => {
    if (switchStart.current != null && lease) {
      const t0 = switchStart.current; switchStart.current = null;
      requestAnimationFrame(() => { const ms = performance.now() - t0; (window as any).__assayNextTaskMs = ms; setStatus((s) => `${s} Next task on screen in ${Math.round(ms)} ms.`); });
    }
    // a new task puts focus on its first question (effects run after the commit, so the inputs
    // are in the DOM); a renewed lease on the same task must not move the expert's focus
    // (the lease may arrive before the project's template: focus once the questions are there)
    if (lease && project && focusedFor.current !== lease.assignment_id && focusInput(0)) focusedFor.current = lease.assignment_id;
  }, [lease, project]);

  // active time + countdown
  useEffect(() => {
    const onInput = () => clockRef.current?.input();
    const evs = ['keydown', 'pointerdown', 'wheel', 'input', 'touchstart'] as const;
    evs.forEach((e) => addEventListener(e, onInput, { passive: true }));
    let lastMove = 0;
    const onMove = () => { const t = Date.now(); if (t - lastMove > 2000) { lastMove = t; onInput(); } };
    addEventListener('pointermove', onMove, { passive: true });
    const iv = setInterval(() => {
      setNow(Date.now());
      const c = clockRef.current; const d = draftRef.current;
      if (c && d && lease) { c.tick(); d.active_ms = c.active_ms; saveDraft(lease.assignment_id, d); }
    }, 1000);
    return () => { evs.forEach((e) => removeEventListener(e, onInput)); removeEventListener('pointermove', onMove); clearInterval(iv); };
  }, [lease]);

  // measured time: heartbeats for the lease in hand, until it ends or another task opens
  const beatFor = lease?.assignment_id;
  useEffect(() => {
    if (!beatFor) return;
    const clock = { tick: () => clockRef.current?.tick() ?? 0, get active_ms() { return clockRef.current?.active_ms ?? 0; } };
    return startHeartbeats({ assignmentId: beatFor, clock });
  }, [beatFor]);

  const leftMs = lease ? Date.parse(lease.expires_at) - now : 0;
  const renew = useCallback(async () => {
    if (!lease) return;
    next.renew(); // the prefetched lease is renewed with the one in hand
    try {
      const r = await api.renew(lease.assignment_id, lease.lease_token);
      const l = { ...lease, expires_at: r.expires_at };
      storeLease(projectId, 'cur', l); setLease(l); setStatus('Lease renewed.');
    } catch (e) { setErr(e); }
  }, [lease, projectId, next]);
  // auto-renew while the expert is active: at 20% of the lease left
  const renewing = useRef(false);
  useEffect(() => {
    if (!lease || !project || renewing.current) return;
    const total = project.lease_seconds * 1000;
    // renew only for an expert who is actually working (input in the last 60 s)
    if (leftMs > 0 && leftMs < Math.max(30_000, total * 0.2) && clockRef.current?.isActive()) {
      renewing.current = true; renew().finally(() => { renewing.current = false; });
    }
  }, [leftMs, lease, project, renew]);

  const setAnswer = (name: string, v: unknown) => {
    if (!lease || !draft) return;
    const answer = { ...draft.answer };
    if (v === undefined) delete answer[name]; else answer[name] = v;
    const d = { ...draft, answer, active_ms: clockRef.current?.active_ms ?? draft.active_ms };
    setDraft(d); saveDraft(lease.assignment_id, d);
  };

  const miss = useMemo(() => (project && lease && draft ? missing(project.template, draft.answer, lease.item.data) : []), [project, lease, draft]);

  const submit = useCallback(async () => {
    if (!lease || !draft || busy) return;
    if (miss.length) { setShowMissing(true); setStatus(`Still to answer: ${miss.join(', ')}.`); focusSection(miss[0]); return; }
    const t0 = performance.now();
    clockRef.current?.tick();
    const l = lease;
    const body = {
      lease_token: l.lease_token, client_submission_id: draft.client_submission_id,
      answer: draft.answer, active_ms: Math.round(clockRef.current?.active_ms ?? draft.active_ms),
    };
    setBusy(true); setStatus('Submitted.');
    try {
      await finish(l, 'submit', () => submitWithRetry(l.assignment_id, body).then(() => setDone((n) => n + 1)), t0);
    } finally { setBusy(false); }
  }, [lease, draft, busy, miss, finish]);

  const skip = useCallback(async (reason?: SkipReason, note?: string) => {
    if (!lease || busy) return;
    const l = lease;
    setAsking(false);
    setBusy(true); setStatus(reason ? 'Task skipped; the project\'s managers see why.' : 'Task skipped.');
    try {
      // a lease already gone (4xx) is as good as returned
      await finish(l, 'skip', () => api.returnLease(l.assignment_id, l.lease_token, reason, note).catch((e) => { if (!(e instanceof ApiError && e.status < 500)) throw e; }), performance.now());
      api.remaining(projectId).then(setRemaining, () => {});
    } finally { setBusy(false); }
  }, [lease, busy, finish, projectId]);

  // global shortcuts (a key pressed as a task appears reaches that task's submit)
  useKeydown((e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') { e.preventDefault(); void submit(); return; }
    if (e.key === 'Escape' && isTyping(e.target)) { (e.target as HTMLElement).closest<HTMLElement>('[data-input]')?.focus(); return; }
    if (isTyping(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === '?') { e.preventDefault(); setHelp((h) => !h); }
    else if (e.key === 'j') { e.preventDefault(); focusInput(+1); }
    else if (e.key === 'k') { e.preventDefault(); focusInput(-1); }
    else if (e.key === 'R') { e.preventDefault(); void renew(); }
    else if (e.key === 'S') { e.preventDefault(); void skip(); }
    else if (e.key === 'I') { e.preventDefault(); setShowInstr((x) => !x); }
  });

  if (!project || lease === undefined) return <div className="page"><ErrorBox error={err} /><p className="muted">Loading task…</p></div>;
  const low = leftMs < 60_000;
  return (
    <div className="workspace">
      <div className="ws-bar" role="region" aria-label="Task controls">
        <strong className="ws-title">{project.name}</strong>
        {lease ? <span className={`countdown ${low ? 'low' : ''}`} role="timer" aria-label={`Lease time left ${inWords(leftMs)}`} title={`${inWords(leftMs)} left on this task`}><span className="muted">lease</span> {fmtLeft(leftMs)}</span> : null}
        {lease ? <button type="button" className="lg" onClick={renew} title="Shift+R">Renew</button> : null}
        <span className="muted small">{done} done this session</span>
        {remaining ? <span className="muted small">{remaining.for_you.toLocaleString()} task{remaining.for_you === 1 ? '' : 's'} left for you</span> : null}
        <span className="spacer" />
        <button type="button" onClick={() => setShowInstr((x) => !x)} aria-expanded={showInstr} title="Shift+I"><span className="lg">Instructions</span><span className="sm">Info</span></button>
        <button type="button" onClick={() => setHelp(true)} aria-label="Keyboard shortcuts" title="?">?</button>
        {lease ? <button type="button" onClick={() => setAsking(true)} disabled={busy} title="Shift+S skips without a reason">Skip…</button> : null}
        {lease ? <button type="button" className="primary" onClick={submit} disabled={busy} title="Ctrl+Enter">{busy ? 'Submitting…' : 'Submit'} <kbd>Ctrl+↵</kbd></button> : null}
      </div>
      <ErrorBox error={err} onDismiss={() => setErr(undefined)} />
      {lease && leftMs <= 0 ? (
        <div className="error" role="alert">The lease on this task has run out, so the server may refuse the submission. Try <b>Submit</b> anyway (it is refused cleanly if too late) or skip to another task; your draft stays on this device.</div>
      ) : null}
      {err instanceof ApiError && lease && (err.status === 409 || err.status === 404 || err.status === 410) ? (
        <div className="card row">
          <span>This task's lease is no longer valid (it expired or was taken back). Your draft stays saved on this device.</span>
          <button type="button" onClick={() => { setErr(undefined); storeLease(projectId, 'cur', null); void takeNext().catch(setErr); }}>Get another task</button>
        </div>
      ) : null}
      {failed ? <FailedNotice failed={failed} onBack={() => backTo(failed)} /> : null}
      <p className="sr-status muted small" role="status" aria-live="polite">{status}</p>
      {showInstr ? <aside className="instructions card" aria-label="Instructions"><Markdown source={project.instructions} /></aside> : null}
      {lease === null && refusal ? <LeaseRefused refusal={refusal} onRetry={askAgain} /> : lease === null ? (
        <div className="card empty"><h2>No tasks right now</h2><p>Everything available to you is done or taken by others right now. Thank you!</p>
          <div className="row" style={{ justifyContent: 'center' }}>
            <button type="button" onClick={askAgain}>Check again</button>
            <a href="#/expert" className="button">Back to my projects</a>
          </div></div>
      ) : draft ? (
        <TemplateView key={lease.assignment_id} template={project.template} data={lease.item.data} answer={draft.answer} onChange={setAnswer} missingNames={showMissing ? miss : []} idPrefix={`t${lease.assignment_id.slice(-6)}`} />
      ) : null}
      {asking ? <SkipDialog onSkip={(reason, note) => void skip(reason, note)} onClose={() => setAsking(false)} /> : null}
      {help ? (
        <Modal title="Keyboard shortcuts" onClose={() => setHelp(false)}>
          <table className="shortcuts"><tbody>{SHORTCUTS.map(([k, d]) => <tr key={k}><th scope="row"><kbd>{k}</kbd></th><td>{d}</td></tr>)}</tbody></table>
        </Modal>
      ) : null}
    </div>
  );
}

function FailedNotice({ failed, onBack }: { failed: Failed; onBack: () => void }) {
  const e = failed.error;
  const gone = e instanceof ApiError && (e.status === 404 || e.status === 409 || e.status === 410);
  const live = !gone && Date.parse(failed.lease.expires_at) > Date.now();
  if (failed.kind === 'skip') {
    return <div className="error" role="alert">Skipping the previous task did not reach the server ({errorText(e)}); it goes back to the pool when its lease runs out.</div>;
  }
  return (
    <div className="error row" role="alert">
      <span>Your answer to the previous task was not saved: {errorText(e)}. {live ? 'The draft stays on this device.' : 'Its lease is gone, so it cannot be sent again.'}</span>
      {live ? <button type="button" onClick={onBack}>Back to that task</button> : null}
    </div>
  );
}

function sections(): HTMLElement[] { return [...document.querySelectorAll<HTMLElement>('[data-input]')]; }
function focusTarget(s: HTMLElement): HTMLElement {
  return s.querySelector<HTMLElement>('input:checked:not([disabled]), [data-rank-item], input:not([disabled]), textarea, select, button') ?? s;
}
/** dir 0 = first; +1/-1 relative to the section holding focus. */
function focusInput(dir: number): boolean {
  const ss = sections(); if (!ss.length) return false;
  const cur = ss.findIndex((s) => s.contains(document.activeElement));
  const i = dir === 0 ? 0 : cur < 0 ? 0 : Math.max(0, Math.min(ss.length - 1, cur + dir));
  const t = focusTarget(ss[i]); t.focus(); ss[i].scrollIntoView?.({ block: 'nearest' });
  return true;
}
function focusSection(name: string) {
  const s = sections().find((x) => x.dataset.input === name);
  if (s) { focusTarget(s).focus(); s.scrollIntoView?.({ block: 'center' }); }
}

const SKIP_REASONS: [SkipReason, string][] = [['outside_expertise', 'Outside my expertise'], ['broken_item', 'The item is broken'], ['other', 'Another reason']];

/** Why she skips: the reason (and a note) go to the project's managers; the task never comes back to her. */
function SkipDialog({ onSkip, onClose }: { onSkip: (reason?: SkipReason, note?: string) => void; onClose: () => void }) {
  const [note, setNote] = useState('');
  return (
    <Modal title="Skip this task" onClose={onClose}>
      <p className="muted small">The project's managers see your reason and note. This task will not come back to you.</p>
      <label className="block">Note (optional)<textarea rows={2} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} placeholder="e.g. response B is cut off" /></label>
      <div className="row">
        {SKIP_REASONS.map(([r, label]) => <button key={r} type="button" onClick={() => onSkip(r, note.trim() || undefined)}>{label}</button>)}
        <button type="button" className="link" onClick={() => onSkip()}>Skip without a reason</button>
      </div>
    </Modal>
  );
}
