// The expert's timesheet (#/timesheet): her measured time by day, project and 10-minute segment
// with its activity level, a memo per day, and a dispute on any segment (its state and the
// manager's reason once resolved). Time is measured by the server from the workspace's beats.
import React, { useState } from 'react';
import { ErrorBox, useLoad } from '../components/ui';
import { Said } from '../lib/api';
import { when } from '../lib/format';
import { dayBefore, dayName, duration, LEVEL_WORDS, money, said, type Day, type Segment } from '../lib/money';

const SPAN_DAYS = 14;
const hhmm = (iso: string) => new Date(iso).toISOString().slice(11, 16);
const segEnd = (iso: string) => hhmm(new Date(Date.parse(iso) + 600_000).toISOString());

export function TimesheetPage() {
  const [to, setTo] = useState(() => dayBefore(new Date(), 0));
  const from = dayBefore(new Date(`${to}T00:00:00Z`), SPAN_DAYS - 1);
  const [sheet, err, reload] = useLoad(() => money.timesheet(from, to), [from, to]);
  const days = (sheet?.days ?? []).filter((d) => d.segments.length || d.memo).sort((a, b) => b.day.localeCompare(a.day));
  const total = days.reduce((a, d) => a + d.active_ms + d.granted_ms, 0);
  const today = dayBefore(new Date(), 0);
  return (
    <div className="page timesheet">
      <div className="row"><h1>My timesheet</h1><span className="spacer" /><button type="button" onClick={reload}>Refresh</button></div>
      <p className="muted">Time is measured while you work on a task with the page in front of you (it pauses after a minute without typing, pointing or scrolling). Times are in UTC. If a segment looks wrong, dispute it: a manager of the project decides, with a reason.</p>
      <div className="row period" role="group" aria-label="Period">
        <button type="button" onClick={() => setTo(dayBefore(new Date(`${to}T00:00:00Z`), SPAN_DAYS))}>← Earlier</button>
        <button type="button" disabled={to >= today} onClick={() => setTo(dayBefore(new Date(`${to}T00:00:00Z`), -SPAN_DAYS))}>Later →</button>
        <span><b>{dayName(from)}</b> to <b>{dayName(to)}</b></span>
      </div>
      <ErrorBox error={said(err)} />
      {!sheet ? <p className="muted">Loading…</p> : (
        <>
          <div className="kpis">
            <div className="kpi"><span className="big">{duration(total)}</span><span className="muted">measured in these {SPAN_DAYS} days</span></div>
            <div className="kpi"><span className="big">{days.length}</span><span className="muted">days worked</span></div>
            <div className="kpi"><span className="big">{sheet.unverified.length}</span><span className="muted">submissions without measured time</span></div>
          </div>
          {days.length === 0 ? <p className="muted">No measured time in this period. Time shows here once you work on a task.</p> : days.map((d) => <DayCard key={d.day} day={d} onChange={reload} />)}
          {sheet.unverified.length ? <Unverified rows={sheet.unverified} /> : null}
        </>
      )}
    </div>
  );
}

function DayCard({ day, onChange }: { day: Day; onChange: () => void }) {
  const byProject = new Map<string, number>();
  for (const s of day.segments) byProject.set(s.project_name, (byProject.get(s.project_name) ?? 0) + s.active_ms + s.granted_ms);
  const id = `day-${day.day}`;
  return (
    <section className="card day" aria-labelledby={id}>
      <div className="row"><h2 id={id}>{dayName(day.day)}</h2><span className="spacer" /><b>{duration(day.active_ms + day.granted_ms)}</b></div>
      <p className="muted small">{[...byProject].map(([p, ms]) => `${p}: ${duration(ms)}`).join(' · ')}{day.granted_ms ? ` · ${duration(day.granted_ms)} granted on dispute` : ''}</p>
      <DayStrip segments={day.segments} />
      <StripHours />
      <div className="table-wrap">
        <table className="table stack-narrow segments">
          <thead><tr><th scope="col">Time (UTC)</th><th scope="col">Project</th><th scope="col" className="num">Measured</th><th scope="col">Activity</th><th scope="col">Dispute</th></tr></thead>
          <tbody>{day.segments.map((s) => <SegmentRow key={s.id} s={s} onChange={onChange} />)}</tbody>
        </table>
      </div>
      <Memo day={day} />
    </section>
  );
}

/** The day's 144 ten-minute buckets as a strip, each worked one shaded by its activity level. */
function DayStrip({ segments }: { segments: Segment[] }) {
  const at = new Map<number, Segment>();
  for (const s of segments) { const d = new Date(s.start); at.set(d.getUTCHours() * 6 + Math.floor(d.getUTCMinutes() / 10), s); }
  const worked = segments.length;
  return (
    <svg className="daystrip" viewBox="0 0 144 14" preserveAspectRatio="none" role="img" aria-label={`${worked} ten-minute segments worked between 00:00 and 24:00 UTC`}>
      <rect x="0" y="0" width="144" height="14" className="daystrip-bg" />
      {[...at].map(([i, s]) => <rect key={i} x={i} y="0" width="1" height="14" className={`lvl-${s.level}`}><title>{`${hhmm(s.start)}–${segEnd(s.start)} ${s.project_name}: ${duration(s.active_ms)}`}</title></rect>)}
      {[36, 72, 108].map((x) => <line key={x} x1={x} x2={x} y1="0" y2="14" className="daystrip-tick" />)}
    </svg>
  );
}

function StripHours() {
  return <div className="daystrip-hours" aria-hidden="true">{['00:00', '06:00', '12:00', '18:00', '24:00'].map((h) => <span key={h}>{h}</span>)}</div>;
}

function SegmentRow({ s, onChange }: { s: Segment; onChange: () => void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <tr>
        <th scope="row">{hhmm(s.start)}–{segEnd(s.start)}</th>
        <td data-label="Project">{s.project_name}</td>
        <td data-label="Measured" className="num">{duration(s.active_ms)}{s.granted_ms ? ` + ${duration(s.granted_ms)} granted` : ''}</td>
        <td data-label="Activity"><span className={`level lvl-${s.level}`} aria-hidden="true" /> {LEVEL_WORDS[s.level] ?? s.level}</td>
        <td data-label="Dispute">
          {s.dispute ? <DisputeState d={s.dispute} /> : open ? <span className="muted">writing one below</span> : <button type="button" className="link" onClick={() => setOpen(true)}>Dispute…</button>}
        </td>
      </tr>
      {open && !s.dispute ? <tr className="dispute-row"><td colSpan={5}><DisputeForm s={s} onDone={() => { setOpen(false); onChange(); }} onCancel={() => setOpen(false)} /></td></tr> : null}
    </>
  );
}

function DisputeState({ d }: { d: NonNullable<Segment['dispute']> }) {
  if (d.status === 'open') return <span><span className="chip pend">open</span> you asked for {duration(d.claimed_ms)}: waiting for a manager</span>;
  const ok = d.status === 'accepted';
  return (
    <span>
      <span className={`chip ${ok ? 'ok' : 'bad'}`}>{d.status}</span>{ok ? ` ${duration(d.granted_ms ?? 0)} granted` : ''}
      {d.resolution ? <span className="resolution"> — “{d.resolution}”</span> : null}
    </span>
  );
}

function DisputeForm({ s, onDone, onCancel }: { s: Segment; onDone: () => void; onCancel: () => void }) {
  const [minutes, setMinutes] = useState(String(Math.max(1, Math.round(s.active_ms / 60_000))));
  const [reason, setReason] = useState('');
  const [err, setErr] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const id = `dispute-${s.id}`;
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const m = Number(minutes);
    if (!Number.isFinite(m) || m <= 0 || m > 10) { setErr(new Said('Say how many minutes this segment should show: more than 0 and at most 10.')); return; }
    if (!reason.trim()) { setErr(new Said('Say why: the manager reads your reason before deciding.')); return; }
    setBusy(true); setErr(undefined);
    try { await money.dispute(s.id, Math.round(m * 60_000), reason.trim()); onDone(); } catch (x) { setErr(said(x)); } finally { setBusy(false); }
  };
  return (
    <form className="dispute-form" onSubmit={submit} aria-label={`Dispute ${hhmm(s.start)}–${segEnd(s.start)}`}>
      <p className="small">Measured: {duration(s.active_ms)} of these 10 minutes. What should it show, and why?</p>
      <label htmlFor={`${id}-m`}>Minutes it should show</label>
      <input id={`${id}-m`} type="number" min="0.5" max="10" step="0.5" value={minutes} onChange={(e) => setMinutes(e.target.value)} />
      <label htmlFor={`${id}-r`}>Why</label>
      <textarea id={`${id}-r`} dir="auto" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="e.g. I was reading the long source document without touching the page." />
      <ErrorBox error={err} />
      <div className="row"><button type="submit" className="primary" disabled={busy}>Send dispute</button><button type="button" onClick={onCancel}>Cancel</button></div>
    </form>
  );
}

function Memo({ day }: { day: Day }) {
  const [memo, setMemo] = useState(day.memo);
  const [saved, setSaved] = useState(day.memo);
  const [err, setErr] = useState<unknown>();
  const [note, setNote] = useState('');
  const id = `memo-${day.day}`;
  const save = async (e: React.FormEvent) => {
    e.preventDefault(); setErr(undefined);
    try { const r = await money.setMemo(day.day, memo); setSaved(r.memo); setNote('Memo saved.'); } catch (x) { setErr(said(x)); }
  };
  return (
    <form className="memo" onSubmit={save}>
      <label htmlFor={id}>Memo for {dayName(day.day)}</label>
      <textarea id={id} dir="auto" rows={2} value={memo} onChange={(e) => { setMemo(e.target.value); setNote(''); }} placeholder="What you worked on, anything the manager should know." />
      <ErrorBox error={err} />
      <div className="row"><button type="submit" disabled={memo === saved}>Save memo</button><span role="status" className="muted small">{note}</span></div>
    </form>
  );
}

function Unverified({ rows }: { rows: { submission_id: string; project_name: string; submitted_at: string; claimed_ms: number; paid_ms: number }[] }) {
  return (
    <section className="card">
      <h2>Submissions without measured time</h2>
      <p className="muted small">Sent without the workspace's activity beats (for example by a script): the time claimed is paid up to how long the task was held, and marked unverified.</p>
      <div className="table-wrap">
        <table className="table stack-narrow">
          <thead><tr><th scope="col">Submitted</th><th scope="col">Project</th><th scope="col" className="num">Claimed</th><th scope="col" className="num">Paid</th></tr></thead>
          <tbody>{rows.map((u) => <tr key={u.submission_id}><th scope="row">{when(u.submitted_at)}</th><td data-label="Project">{u.project_name}</td><td data-label="Claimed" className="num">{duration(u.claimed_ms)}</td><td data-label="Paid" className="num">{duration(u.paid_ms)}</td></tr>)}</tbody>
        </table>
      </div>
    </section>
  );
}
