// Pieces the people pages share: a field's error next to it, an expert's status and its
// history, her qualifications (current and every change), her credentials (the owner uploads
// evidence; staff open it and verify or reject with a note), her accepted contracts, and the
// staff's sub-navigation.
import React, { useState } from 'react';
import { ApiError, Said } from '../lib/api';
import {
  bytesText, EVIDENCE_TYPES, MAX_EVIDENCE_BYTES, people, SOURCE_WORDS, STATUS_CHIP, STATUS_WORDS, valueText,
  type Acceptance, type Credential, type ExpertStatus, type Grant, type Qualification, type StatusChange, type TaxonomyPath,
} from '../lib/people';
import { date, when } from '../lib/format';
import { ErrorBox, ScrollX, useLoad } from './ui';

const NONE: never[] = [];
/** The taxonomy's paths for pickers and labels: none until loaded, and none when it cannot be read. */
export function useTaxonomy(): TaxonomyPath[] {
  const [t] = useLoad(() => people.taxonomy().catch(() => ({ paths: NONE })), []);
  return t?.paths ?? NONE;
}
/** Every qualification for selects and words: none until loaded, and none when they cannot be read. */
export function useQualifications(): Qualification[] {
  const [q] = useLoad(() => people.qualifications().catch(() => ({ qualifications: NONE })), []);
  return q?.qualifications ?? NONE;
}

/** The server's complaint about one field, under it (`id` is what aria-describedby names). */
export function FieldNote({ id, message }: { id: string; message?: string }) {
  return <p id={id} className="field-error small" aria-live="polite">{message ?? ''}</p>;
}

export function StatusChip({ status }: { status: ExpertStatus }) {
  return <span className={`chip ${STATUS_CHIP[status]}`}>{STATUS_WORDS[status]}</span>;
}

export function StatusHistory({ history }: { history: StatusChange[] }) {
  if (!history.length) return <p className="muted small">No changes yet.</p>;
  return (
    <ol className="history">
      {[...history].reverse().map((h, i) => (
        <li key={i}>
          <span className="muted small">{when(h.at)}{h.by ? ` · ${h.by}` : ''}</span>
          <div><StatusChip status={h.from} /> → <StatusChip status={h.to} /></div>
          <p dir="auto">{h.reason}</p>
        </li>
      ))}
    </ol>
  );
}

/** Current grants; with `onRevoke`, a Revoke button on each. */
export function GrantTable({ grants, onRevoke }: { grants: Grant[]; onRevoke?: (g: Grant) => void }) {
  if (!grants.length) return <p className="muted">No qualifications yet.</p>;
  return (
    <ScrollX label="Qualifications">
      <table className="table stack-narrow grants">
        <thead><tr>
          <th scope="col">Qualification</th><th scope="col">Value</th><th scope="col">How</th><th scope="col">Reason</th>
          <th scope="col">Granted</th><th scope="col">Expires</th>{onRevoke ? <th scope="col"><span className="sr-only">Revoke</span></th> : null}
        </tr></thead>
        <tbody>{grants.map((g) => (
          <tr key={g.id}>
            <th scope="row" data-label="Qualification">{g.qualification}</th>
            <td data-label="Value">{valueText(g.value)}</td>
            <td data-label="How">{SOURCE_WORDS[g.source]}{g.granted_by ? ` · ${g.granted_by}` : ''}</td>
            <td data-label="Reason" dir="auto">{g.reason}</td>
            <td data-label="Granted">{date(g.granted_at)}</td>
            <td data-label="Expires">{g.expires_at ? date(g.expires_at) : 'never'}</td>
            {onRevoke ? <td><button type="button" className="bad-btn" onClick={() => onRevoke(g)} aria-label={`Revoke ${g.qualification}`}>Revoke</button></td> : null}
          </tr>
        ))}</tbody>
      </table>
    </ScrollX>
  );
}

/** Every grant, change and revocation with its reason, newest first. */
export function GrantHistory({ history }: { history?: Grant[] }) {
  if (!history?.length) return null;
  return (
    <details className="grant-history">
      <summary>Every change to these qualifications ({history.length})</summary>
      <ol className="history">
        {history.map((g) => (
          <li key={g.id}>
            <span className="muted small">{when(g.granted_at)} · {SOURCE_WORDS[g.source]}{g.granted_by ? ` · ${g.granted_by}` : ''}</span>
            <div>{g.revoked ? <span className="chip bad">revoked</span> : <span className="chip ok">granted</span>} <b>{g.qualification}</b>{g.revoked || g.value === true ? '' : ` = ${valueText(g.value)}`}</div>
            <p dir="auto">{g.reason}</p>
          </li>
        ))}
      </ol>
    </details>
  );
}

const CREDENTIAL_CHIP: Record<Credential['status'], string> = { unverified: 'pend', verified: 'ok', rejected: 'bad' };
const TYPE_WORDS: Record<string, string> = { 'application/pdf': 'PDF', 'image/png': 'PNG image', 'image/jpeg': 'JPEG image' };

/** A refused upload in words (413: too large, 415: not a PDF/PNG/JPEG or not what it says). */
export function uploadWords(e: unknown): unknown {
  if (!(e instanceof ApiError)) return e;
  if (e.status === 413) return new Said(`The file is larger than ${bytesText(MAX_EVIDENCE_BYTES)}. Upload a smaller scan or photo.`);
  if (e.status === 415) return new Said(`The server took this for another kind of file (${e.message}). Upload a PDF, PNG or JPEG.`);
  if (e.status === 422 || e.code === 'failed_precondition') return new Said('This credential has been checked already, so it keeps the evidence it had.');
  return e;
}

/** The file checked before it is sent: its type and size, in words. */
export function evidenceProblem(f: File): string | null {
  if (!EVIDENCE_TYPES.includes(f.type)) return `“${f.name}” is not a PDF, PNG or JPEG file.`;
  if (f.size > MAX_EVIDENCE_BYTES) return `“${f.name}” is ${bytesText(f.size)}: the limit is ${bytesText(MAX_EVIDENCE_BYTES)}.`;
  if (f.size === 0) return `“${f.name}” is empty.`;
  return null;
}

export function CredentialCard({ c, mode, onChanged }: { c: Credential; mode: 'owner' | 'staff' | 'view'; onChanged: (c: Credential) => void }) {
  const facts = [c.kind, c.issuer, c.number && `no. ${c.number}`, c.country, c.expires_on && `expires ${c.expires_on}`].filter(Boolean).join(' · ');
  return (
    <li className="card credential">
      <div className="row">
        <h3 dir="auto">{c.title}</h3>
        <span className={`chip ${CREDENTIAL_CHIP[c.status]}`}>{c.status}</span>
      </div>
      <p className="muted small" dir="auto">{facts}</p>
      {c.status !== 'unverified' ? (
        <p className="small">{c.status === 'verified' ? 'Verified' : 'Rejected'}{c.verified_by ? ` by ${c.verified_by}` : ''} on {date(c.verified_at)}{c.note ? ':' : '.'}
          {c.note ? <q className="note" dir="auto">{c.note}</q> : null}</p>
      ) : null}
      <p className="small">
        {c.evidence ? <>Evidence: {TYPE_WORDS[c.evidence.content_type] ?? c.evidence.content_type}, {bytesText(c.evidence.bytes)} · <a href={people.evidenceUrl(c.id)} download aria-label={`Open the evidence of ${c.title}`}>Open the evidence</a></>
          : <span className="muted">No evidence file yet.</span>}
      </p>
      {mode === 'owner' && c.status === 'unverified' ? <EvidenceUpload c={c} onUploaded={onChanged} /> : null}
      {mode === 'staff' ? <VerifyForm c={c} onDone={onChanged} /> : null}
    </li>
  );
}

function EvidenceUpload({ c, onUploaded }: { c: Credential; onUploaded: (c: Credential) => void }) {
  const [progress, setProgress] = useState<number | null>(null);
  const [err, setErr] = useState<unknown>(); const [msg, setMsg] = useState('');
  const id = `ev-${c.id}`;
  const send = async (f: File | undefined) => {
    setErr(undefined); setMsg('');
    if (!f) return;
    const problem = evidenceProblem(f);
    if (problem) { setErr(new Said(`${problem} Evidence must be a PDF, PNG or JPEG of at most ${bytesText(MAX_EVIDENCE_BYTES)}.`)); return; }
    setProgress(0);
    try {
      const out = await people.uploadEvidence(c.id, f, setProgress);
      setMsg(`Uploaded ${f.name} (${bytesText(f.size)}). A reviewer will check it.`);
      onUploaded(out);
    } catch (e) { setErr(uploadWords(e)); } finally { setProgress(null); }
  };
  return (
    <div className="upload-evidence">
      <label htmlFor={id} className="label-like">{c.evidence ? 'Replace the evidence' : 'Upload evidence'} <span className="muted small">(PDF, PNG or JPEG, at most {bytesText(MAX_EVIDENCE_BYTES)})</span></label>
      <input id={id} type="file" accept="application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg" disabled={progress !== null}
        onChange={(e) => { void send(e.target.files?.[0]); e.target.value = ''; }} />
      {progress !== null ? <div className="upload"><progress max={1} value={progress} aria-label={`Uploading the evidence of ${c.title}`} /> <span className="small">{Math.round(progress * 100)}%</span></div> : null}
      <ErrorBox error={err} />
      <p role="status" className="status-line small ok-text">{msg}</p>
    </div>
  );
}

function VerifyForm({ c, onDone }: { c: Credential; onDone: (c: Credential) => void }) {
  const [note, setNote] = useState(''); const [err, setErr] = useState<unknown>(); const [busy, setBusy] = useState(false);
  const decide = async (status: 'verified' | 'rejected') => {
    setErr(undefined);
    if (status === 'rejected' && note.trim().length < 3) { setErr(new Said('Say why you reject it: the expert reads your note.')); return; }
    setBusy(true);
    try { onDone(await people.verify(c.id, status, note.trim())); setNote(''); }
    catch (e) { setErr(e instanceof ApiError && e.status === 403 ? new Said('You cannot check your own credential: ask another reviewer.') : e); }
    finally { setBusy(false); }
  };
  // Decided: only the other decision, folded away (a verified licence found revoked, a rejected
  // scan replaced by a sharp one), so a checked credential does not read as still waiting.
  const decided = c.status !== 'unverified';
  const form = (
    <>
      <label className="block"><span>Note for the expert <span className="muted small">(required to reject)</span></span>
        <textarea rows={2} dir="auto" value={note} onChange={(e) => setNote(e.target.value)} /></label>
      <div className="row">
        {c.status !== 'verified' ? <button type="button" className="ok-btn" disabled={busy} onClick={() => decide('verified')} aria-label={`Verify ${c.title}`}>Verify</button> : null}
        {c.status !== 'rejected' ? <button type="button" className="bad-btn" disabled={busy} onClick={() => decide('rejected')} aria-label={`Reject ${c.title}`}>Reject</button> : null}
      </div>
      <ErrorBox error={err} />
    </>
  );
  return decided ? (
    <details className="verify"><summary>{c.status === 'verified' ? 'Reject it after all' : 'Verify it after all'}</summary>{form}</details>
  ) : <div className="verify">{form}</div>;
}

/** Accepted contracts; `download` adds the link to the accepted text (her own only). */
export function AcceptanceTable({ contracts, download }: { contracts: Acceptance[]; download?: boolean }) {
  if (!contracts.length) return <p className="muted">{download ? 'No contracts accepted yet. A project that needs one shows it before your first task.' : 'None yet.'}</p>;
  return (
    <ScrollX label="Accepted contracts">
      <table className="table stack-narrow acceptances">
        <thead><tr><th scope="col">Contract</th><th scope="col">Accepted</th><th scope="col">From</th><th scope="col">Text sha256</th>{download ? <th scope="col"><span className="sr-only">Download</span></th> : null}</tr></thead>
        <tbody>{contracts.map((a) => (
          <tr key={a.id}>
            <th scope="row" data-label="Contract" dir="auto">{a.title} <span className="muted">v{a.version}</span></th>
            <td data-label="Accepted">{when(a.accepted_at)}</td>
            <td data-label="From">{a.address || '—'}</td>
            <td data-label="Text sha256"><code title={a.sha256}>{a.sha256.slice(0, 12)}…</code></td>
            {download ? <td><a href={people.acceptanceUrl(a.id)} download aria-label={`Download ${a.title} version ${a.version}`}>Download</a></td> : null}
          </tr>
        ))}</tbody>
      </table>
    </ScrollX>
  );
}

export function PeopleNav({ here, manager }: { here: 'experts' | 'qualifications' | 'contracts'; manager: boolean }) {
  const links: [string, string, string][] = [['experts', '#/people', 'Experts'], ['qualifications', '#/people/qualifications', 'Qualifications']];
  if (manager) links.push(['contracts', '#/people/contracts', 'Contracts']);
  return (
    <nav className="subnav" aria-label="People">
      {links.map(([k, href, label]) => <a key={k} href={href} aria-current={here === k ? 'page' : undefined}>{label}</a>)}
    </nav>
  );
}
