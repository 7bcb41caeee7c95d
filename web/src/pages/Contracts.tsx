// #/people/contracts (managers): the contracts and every version, read any version, publish a
// contract (markdown beside its preview) or a new version of one. A version's text never
// changes; a project names the version experts must accept (its Settings).
import React, { useCallback, useMemo, useState } from 'react';
import { Said, type User } from '../lib/api';
import { families, fieldMessage, people, type Contract } from '../lib/people';
import { date } from '../lib/format';
import { Markdown } from '../lib/markdown';
import { ErrorBox, Modal, useLoad } from '../components/ui';
import { FieldNote, PeopleNav } from '../components/people';

const STARTER = '# Expert services agreement\n\n## Your work\n…\n\n## Intellectual property\nYou assign to us the rights in what you produce for these projects.\n\n## Confidentiality\nKeep the tasks and their data to yourself.';

export function ContractsPage({ user }: { user: User }) {
  const [list, err, reload] = useLoad(() => people.contracts(), []);
  const [editing, setEditing] = useState<{ of?: Contract; title: string; body: string } | null>(null);
  const [reading, setReading] = useState<Contract | null>(null);
  // said once the list shows it, so the message and the list never disagree
  const [published, setPublished] = useState<Contract | null>(null);
  const msg = published && list?.contracts.some((k) => k.id === published.id) ? `Published “${published.title}”, version ${published.version}.` : '';
  const fams = useMemo(() => families(list?.contracts ?? []), [list]);
  const closeReading = useCallback(() => setReading(null), []);
  const newVersion = async (latest: Contract) => {
    const full = await people.contract(latest.id);
    setEditing({ of: full, title: full.title, body: full.body ?? '' }); setPublished(null);
  };
  return (
    <div className="page wide">
      <PeopleNav here="contracts" manager />
      <div className="row"><h1>Contracts</h1><span className="spacer" />
        {!editing ? <button type="button" className="primary" onClick={() => { setEditing({ title: '', body: STARTER }); setPublished(null); }}>Publish a contract</button> : null}</div>
      <p className="muted">Terms, IP assignment, confidentiality. A project names the version its experts accept before their first task (project Settings); a new version asks them to accept again.</p>
      <p role="status" className="status-line ok-text">{msg}</p>
      {editing ? <ContractEditor {...editing} onCancel={() => setEditing(null)} onPublished={(k) => { setEditing(null); setPublished(k); reload(); }} /> : null}
      <ErrorBox error={err} />
      {!list ? (err ? null : <p className="muted">Loading…</p>) : fams.length === 0 ? <p className="muted">No contracts yet.</p> : (
        <ul className="contract-families">
          {fams.map((versions) => {
            const latest = versions[versions.length - 1];
            return (
              <li key={latest.family_id} className="card">
                <div className="row"><h2 dir="auto">{latest.title}</h2><span className="spacer" />
                  <button type="button" onClick={() => void newVersion(latest)} aria-label={`New version of ${latest.title}`}>New version</button></div>
                <ol className="versions">
                  {[...versions].reverse().map((k) => (
                    <li key={k.id}>
                      <b>Version {k.version}</b>{k === latest ? <span className="chip ok">latest</span> : null}
                      <span className="muted small"> published {date(k.created_at)} · sha256 <code title={k.sha256}>{k.sha256.slice(0, 12)}…</code></span>
                      <button type="button" className="link" onClick={() => void people.contract(k.id).then(setReading)} aria-label={`Read version ${k.version} of ${k.title}`}>Read</button>
                    </li>
                  ))}
                </ol>
              </li>
            );
          })}
        </ul>
      )}
      {reading ? (
        <Modal title={`${reading.title} — version ${reading.version}`} onClose={closeReading}>
          <div className="contract-text"><Markdown source={reading.body ?? ''} /></div>
        </Modal>
      ) : null}
    </div>
  );
}

function ContractEditor({ of, title: t0, body: b0, onCancel, onPublished }: { of?: Contract; title: string; body: string; onCancel: () => void; onPublished: (k: Contract) => void }) {
  const [title, setTitle] = useState(t0); const [body, setBody] = useState(b0);
  const [err, setErr] = useState<unknown>(); const [busy, setBusy] = useState(false);
  const publish = async (e: React.FormEvent) => {
    e.preventDefault(); setErr(undefined);
    if (!title.trim() || !body.trim()) { setErr(new Said('A contract needs a title and its text.')); return; }
    if (of && body === of.body && title.trim() === of.title) { setErr(new Said('This is the text of version ' + of.version + ': change something first.')); return; }
    setBusy(true);
    try { onPublished(of ? await people.newContractVersion(of.id, title.trim(), body) : await people.publishContract(title.trim(), body)); }
    catch (x) { setErr(x); } finally { setBusy(false); }
  };
  const note = (f: string) => fieldMessage(err, f);
  return (
    <form className="card contract-editor" onSubmit={publish} aria-labelledby="ce-h">
      <h2 id="ce-h">{of ? `New version of “${of.title}” (version ${of.version + 1})` : 'Publish a contract'}</h2>
      <label className="block">Title<input dir="auto" value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} aria-describedby="ce-title-err" /></label>
      <FieldNote id="ce-title-err" message={note('title')} />
      <div className="two">
        <label className="block">Text (markdown)<textarea dir="auto" rows={18} value={body} onChange={(e) => setBody(e.target.value)} aria-describedby="ce-body-err" /></label>
        <div><div className="label-like">Preview — what experts read</div><div className="contract-text preview-frame"><Markdown source={body} /></div></div>
      </div>
      <FieldNote id="ce-body-err" message={note('body')} />
      <p className="muted small">Once published, this text never changes: experts accept exactly it (its sha256 is recorded). To change it, publish a new version.</p>
      {err && !note('title') && !note('body') ? <ErrorBox error={err} /> : null}
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>{of ? `Publish version ${of.version + 1}` : 'Publish'}</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
