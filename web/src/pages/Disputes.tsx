// A project's time disputes (#/manage/<project>/disputes, managers): open ones first, each with
// the expert, the segment, what was measured, what she asks and why; accept (granting minutes,
// at most what she asked) or reject, always with a reason she reads on her timesheet.
import React, { useState } from 'react';
import { Said } from '../lib/api';
import { ErrorBox, useLoad } from '../components/ui';
import { duration, money, said, type Dispute } from '../lib/money';
import { ProjectNav } from './ManagerProjects';

export function DisputesPage({ projectId }: { projectId: string }) {
  const [list, err, reload] = useLoad(() => money.disputes(projectId), [projectId]);
  const open = (list?.disputes ?? []).filter((d) => d.status === 'open');
  const done = (list?.disputes ?? []).filter((d) => d.status !== 'open');
  return (
    <div className="page">
      <ProjectNav id={projectId} here="disputes" />
      <div className="row"><h1>Time disputes</h1><span className="spacer" /><button type="button" onClick={reload}>Refresh</button></div>
      <p className="muted">An expert disputes a 10-minute segment of her measured time when it shows less than she worked. Granted time is paid; she reads your reason either way.</p>
      <ErrorBox error={said(err)} />
      {!list ? <p className="muted">Loading…</p> : (
        <>
          <h2>To resolve ({open.length})</h2>
          {open.length === 0 ? <p className="muted">No open disputes.</p> : <ul className="cards disputes">{open.map((d) => <DisputeCard key={d.id} d={d} onDone={reload} />)}</ul>}
          {done.length ? <><h2>Resolved</h2><ul className="cards disputes">{done.map((d) => <DisputeCard key={d.id} d={d} onDone={reload} />)}</ul></> : null}
        </>
      )}
    </div>
  );
}

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }) + ' UTC';

function DisputeCard({ d, onDone }: { d: Dispute; onDone: () => void }) {
  return (
    <li className="card dispute">
      <h3>{d.expert_name} · {when(d.segment_start)}</h3>
      <dl className="facts">
        <dt>Measured</dt><dd>{duration(d.segment_active_ms)}</dd>
        <dt>She asks for</dt><dd>{duration(d.claimed_ms)}</dd>
        <dt>Her reason</dt><dd dir="auto">{d.reason}</dd>
      </dl>
      {d.status === 'open' ? <ResolveForm d={d} onDone={onDone} /> : (
        <p><span className={`chip ${d.status === 'accepted' ? 'ok' : 'bad'}`}>{d.status}</span>{d.status === 'accepted' ? ` ${duration(d.granted_ms ?? 0)} granted` : ''}{d.resolution ? ` — “${d.resolution}”` : ''}</p>
      )}
    </li>
  );
}

function ResolveForm({ d, onDone }: { d: Dispute; onDone: () => void }) {
  const room = Math.max(0, Math.min(d.claimed_ms, 600_000) - d.segment_active_ms); // what she asks beyond what was measured
  const [minutes, setMinutes] = useState(String(Math.floor(room / 6_000) / 10));
  const [reason, setReason] = useState('');
  const [err, setErr] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const id = `resolve-${d.id}`;
  const decide = async (decision: 'accept' | 'reject') => {
    if (!reason.trim()) { setErr(new Said('Give a reason: the expert reads it on her timesheet.')); return; }
    const m = Number(minutes);
    if (decision === 'accept' && (!Number.isFinite(m) || m <= 0 || Math.round(m * 60_000) > room)) { setErr(new Said(`Grant more than 0 and at most the ${duration(room)} she asked for beyond what was measured.`)); return; }
    setBusy(true); setErr(undefined);
    try { await money.resolve(d.id, decision, reason.trim(), decision === 'accept' ? Math.round(m * 60_000) : undefined); onDone(); }
    catch (x) { setErr(said(x)); } finally { setBusy(false); }
  };
  return (
    <form className="resolve" onSubmit={(e) => { e.preventDefault(); void decide('accept'); }} aria-label={`Resolve ${d.expert_name}'s dispute`}>
      <label htmlFor={`${id}-m`}>Extra minutes to grant (if you accept; at most {duration(room)})</label>
      <input id={`${id}-m`} type="number" min="0.1" step="0.1" value={minutes} onChange={(e) => setMinutes(e.target.value)} />
      <label htmlFor={`${id}-r`}>Reason</label>
      <textarea id={`${id}-r`} dir="auto" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
      <ErrorBox error={err} />
      <div className="row"><button type="submit" className="primary" disabled={busy}>Accept</button><button type="button" disabled={busy} onClick={() => void decide('reject')}>Reject</button></div>
    </form>
  );
}
