// #/people/expert/<user id>: one expert as reviewers and managers see her — profile, status
// with its whole history (managers change it, with a reason, among the moves the server
// allows), credentials (open the evidence, verify or reject with a note), qualifications (grant
// with a reason, optional expiry and a value fitting the kind; revoke with a reason) and the
// contracts she accepted.
import React, { useCallback, useEffect, useState } from 'react';
import { Said, type User } from '../lib/api';
import {
  fieldMessage, languageName, people, rateText, STATUS_WORDS,
  type Credential, type ExpertStatus, type ExpertView, type Grant, type Qualification,
} from '../lib/people';
import { Markdown } from '../lib/markdown';
import { ErrorBox, Modal, useLoad } from '../components/ui';
import { domainLabel } from '../components/DomainPicker';
import { AcceptanceTable, CredentialCard, FieldNote, GrantHistory, GrantTable, PeopleNav, StatusChip, StatusHistory, useQualifications, useTaxonomy } from '../components/people';

export function ExpertPage({ userId, user }: { userId: string; user: User }) {
  const [view, err, reload] = useLoad(() => people.expert(userId), [userId]);
  const taxonomy = useTaxonomy();
  const quals = useQualifications();
  // changed on this page (added, uploaded, checked) over what was loaded; a reload starts afresh
  const [changed, setChanged] = useState<Credential[] | null>(null);
  useEffect(() => setChanged(null), [view]);
  const manager = user.role === 'manager' || user.role === 'admin';
  if (!view) return <div className="page"><PeopleNav here="experts" manager={manager} /><ErrorBox error={err} />{err ? null : <p className="muted">Loading…</p>}</div>;
  const own = view.user_id === user.id;
  const credentials = changed ?? view.credentials;
  return (
    <div className="page expert-page">
      <PeopleNav here="experts" manager={manager} />
      <p><a href="#/people">← All experts</a></p>
      <h1>{view.name || view.email} <StatusChip status={view.status} /></h1>
      <p className="muted">{view.email}</p>
      {view.headline ? <p className="headline" dir="auto">{view.headline}</p> : null}
      <dl className="facts">
        <dt>Domains</dt><dd>{view.domains.map((d) => domainLabel(d, taxonomy)).join(', ') || '—'}</dd>
        <dt>Languages</dt><dd>{view.languages.map((l) => `${languageName(l.tag)} (${l.tag}) ${l.level}`).join(', ') || '—'}</dd>
        <dt>Rate</dt><dd>{rateText(view.rate_cents, view.currency)}</dd>
        <dt>Available</dt><dd>{view.availability_hours == null ? '—' : `${view.availability_hours} hours a week`} · {view.timezone}</dd>
      </dl>
      {view.bio ? <div className="card bio"><Markdown source={view.bio} /></div> : null}

      <section className="card" aria-labelledby="x-st-h">
        <h2 id="x-st-h">Status and its history</h2>
        {manager && view.status_moves ? <StatusForm view={view} onChanged={reload} /> : null}
        <StatusHistory history={view.history} />
      </section>
      <section className="card" aria-labelledby="x-cr-h">
        <h2 id="x-cr-h">Credentials</h2>
        {credentials.length ? (
          <ul className="credentials">{credentials.map((c) => (
            <CredentialCard key={c.id} c={c} mode={own ? 'view' : 'staff'} onChanged={(n) => setChanged(credentials.map((x) => (x.id === n.id ? n : x)))} />
          ))}</ul>
        ) : <p className="muted">No credentials.</p>}
      </section>
      <Qualifications view={view} quals={quals} manager={manager} onChanged={reload} />
      <section className="card" aria-labelledby="x-k-h">
        <h2 id="x-k-h">Contracts accepted</h2>
        <AcceptanceTable contracts={view.contracts} />
      </section>
    </div>
  );
}

function StatusForm({ view, onChanged }: { view: ExpertView; onChanged: () => void }) {
  const moves = view.status_moves ?? [];
  const [to, setTo] = useState<ExpertStatus | ''>(moves[0] ?? '');
  useEffect(() => setTo(moves[0] ?? ''), [view.status]); // eslint-disable-line react-hooks/exhaustive-deps
  const [reason, setReason] = useState(''); const [err, setErr] = useState<unknown>(); const [msg, setMsg] = useState(''); const [busy, setBusy] = useState(false);
  if (!moves.length) return <p className="muted small">No status change is open to you from {STATUS_WORDS[view.status]}.</p>;
  const change = async (e: React.FormEvent) => {
    e.preventDefault(); setErr(undefined); setMsg('');
    if (!to) return;
    if (reason.trim().length < 3) { setErr(new Said('Give a reason: the expert reads it.')); return; }
    setBusy(true);
    try {
      await people.setStatus(view.user_id, to, reason.trim());
      setMsg(`${view.name || view.email} is now ${STATUS_WORDS[to]}. She reads your reason on her profile.`); setReason(''); onChanged();
    } catch (x) { setErr(x); } finally { setBusy(false); }
  };
  return (
    <form onSubmit={change} className="status-form">
      <div className="row">
        <label className="block">Change status to<select value={to} onChange={(e) => setTo(e.target.value as ExpertStatus)}>
          {moves.map((m) => <option key={m} value={m}>{STATUS_WORDS[m]}</option>)}
        </select></label>
        <label className="block grow"><span>Reason <span className="muted small">(the expert reads it)</span></span><input dir="auto" value={reason} onChange={(e) => setReason(e.target.value)} /></label>
        <button type="submit" className="primary" disabled={busy}>Change status</button>
      </div>
      <ErrorBox error={err} />
      <p role="status" className="status-line small ok-text">{msg}</p>
    </form>
  );
}

function Qualifications({ view, quals, manager, onChanged }: { view: ExpertView; quals: Qualification[]; manager: boolean; onChanged: () => void }) {
  const [revoking, setRevoking] = useState<Grant | null>(null);
  const close = useCallback(() => setRevoking(null), []);
  const [msg, setMsg] = useState('');
  return (
    <section className="card" aria-labelledby="x-q-h">
      <h2 id="x-q-h">Qualifications</h2>
      <GrantTable grants={view.qualifications} onRevoke={manager ? setRevoking : undefined} />
      <p role="status" className="status-line small ok-text">{msg}</p>
      <GrantHistory history={view.qualification_history} />
      {manager ? <GrantForm userId={view.user_id} quals={quals} onGranted={(m) => { setMsg(m); onChanged(); }} /> : null}
      {revoking ? <RevokeDialog grant={revoking} userId={view.user_id} onClose={close} onDone={(m) => { close(); setMsg(m); onChanged(); }} /> : null}
    </section>
  );
}

function RevokeDialog({ grant, userId, onClose, onDone }: { grant: Grant; userId: string; onClose: () => void; onDone: (msg: string) => void }) {
  const [reason, setReason] = useState(''); const [err, setErr] = useState<unknown>();
  const revoke = async (e: React.FormEvent) => {
    e.preventDefault(); setErr(undefined);
    if (reason.trim().length < 3) { setErr(new Said('Give a reason: the expert reads it.')); return; }
    try { await people.revoke(grant.qualification_id, userId, reason.trim()); onDone(`Revoked “${grant.qualification}”.`); } catch (x) { setErr(x); }
  };
  return (
    <Modal title={`Revoke “${grant.qualification}”?`} onClose={onClose}>
      <form onSubmit={revoke}>
        <p>Projects that require it stop handing her their work. Her earlier work stays.</p>
        <label className="block"><span>Reason <span className="muted small">(the expert reads it)</span></span><textarea rows={3} dir="auto" value={reason} onChange={(e) => setReason(e.target.value)} /></label>
        <ErrorBox error={err} />
        <div className="row"><button type="submit" className="bad-btn">Revoke</button><button type="button" onClick={onClose}>Cancel</button></div>
      </form>
    </Modal>
  );
}

/** The value a grant of `q` takes, as the server wants it: none for a flag, an integer, a set value. */
export function grantValue(q: Qualification, text: string): unknown {
  if (q.kind === 'flag') return undefined;
  if (q.kind === 'scale') return text.trim() === '' ? undefined : Number(text);
  return text || undefined;
}

function GrantForm({ userId, quals, onGranted }: { userId: string; quals: Qualification[]; onGranted: (msg: string) => void }) {
  const [qid, setQid] = useState(''); const [value, setValue] = useState(''); const [reason, setReason] = useState(''); const [expires, setExpires] = useState('');
  const [err, setErr] = useState<unknown>(); const [busy, setBusy] = useState(false);
  const q = quals.find((x) => x.id === qid) ?? quals[0];
  if (!quals.length) return <p className="muted small">No qualifications exist yet: <a href="#/people/qualifications">create one</a> to grant it.</p>;
  const grant = async (e: React.FormEvent) => {
    e.preventDefault(); setErr(undefined);
    if (reason.trim().length < 3) { setErr(new Said('Give a reason: the expert reads it.')); return; }
    setBusy(true);
    try {
      const g = await people.grant(q.id, { user_id: userId, value: grantValue(q, value), reason: reason.trim(), expires_at: expires ? `${expires}T23:59:59Z` : undefined });
      onGranted(`Granted “${g.qualification}”${q.kind === 'flag' ? '' : ` = ${String(g.value)}`}.`); setReason(''); setValue(''); setExpires('');
    } catch (x) { setErr(x); } finally { setBusy(false); }
  };
  const note = (f: string) => fieldMessage(err, f);
  return (
    <form onSubmit={grant} className="grant-form" aria-labelledby="grant-h">
      <h3 id="grant-h">Grant a qualification</h3>
      <div className="row">
        <label className="block">Qualification<select value={q.id} onChange={(e) => { setQid(e.target.value); setValue(''); }}>
          {quals.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
        </select></label>
        {q.kind === 'scale' ? (
          <label className="block"><span>Value <span className="muted small">({q.min}–{q.max})</span></span>
            <input type="number" min={q.min} max={q.max} step={1} value={value} onChange={(e) => setValue(e.target.value)} aria-describedby="grant-value-err" aria-invalid={note('value') ? true : undefined} /></label>
        ) : q.kind === 'set' ? (
          <label className="block">Value<select value={value} onChange={(e) => setValue(e.target.value)} aria-describedby="grant-value-err">
            <option value="">choose…</option>{(q.values ?? []).map((v) => <option key={v}>{v}</option>)}
          </select></label>
        ) : null}
        <label className="block"><span>Expires <span className="muted small">(optional)</span></span><input type="date" value={expires} onChange={(e) => setExpires(e.target.value)} aria-describedby="grant-exp-err" /></label>
      </div>
      <FieldNote id="grant-value-err" message={note('value')} />
      <FieldNote id="grant-exp-err" message={note('expires_at')} />
      <label className="block"><span>Reason <span className="muted small">(the expert reads it)</span></span><input dir="auto" value={reason} onChange={(e) => setReason(e.target.value)} placeholder="e.g. Passed the cardiology test with 92%" /></label>
      {err && !note('value') && !note('expires_at') ? <ErrorBox error={err} /> : null}
      <button type="submit" className="primary" disabled={busy}>Grant</button>
    </form>
  );
}
