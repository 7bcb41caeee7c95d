// #/people/qualifications: every qualification (reviewers and managers), and for managers a
// form to create one — a flag, a scale from min to max, or one of a set of values — with an
// optional gold rule (granted and revoked by accuracy on gold items as reviews arrive).
import React, { useState } from 'react';
import { api, Said, type User } from '../lib/api';
import { fieldMessage, people, type Qualification } from '../lib/people';
import { pct } from '../lib/format';
import { ErrorBox, ScrollX, useLoad } from '../components/ui';
import { FieldNote, PeopleNav } from '../components/people';

export function kindText(q: Qualification): string {
  if (q.kind === 'scale') return `scale ${q.min}–${q.max}`;
  if (q.kind === 'set') return `one of ${(q.values ?? []).join(', ')}`;
  return 'flag (yes or no)';
}
export function goldText(q: Qualification): string {
  if (!q.gold_rule) return 'by hand or by a test';
  const g = q.gold_rule;
  const what = q.kind === 'scale' ? 'set to her percent right' : 'granted';
  return `${what} after ${g.min_answers} gold answers; held while ≥ ${pct(g.threshold)} right${g.project_id ? ' (one project)' : ''}`;
}

export function QualificationsPage({ user }: { user: User }) {
  const [list, err, reload] = useLoad(() => people.qualifications(), []);
  const manager = user.role === 'manager' || user.role === 'admin';
  return (
    <div className="page wide">
      <PeopleNav here="qualifications" manager={manager} />
      <h1>Qualifications</h1>
      <p className="muted">What projects may require of an expert. Grant them on an expert’s page (<a href="#/people">Experts</a>).</p>
      <ErrorBox error={err} />
      {!list ? (err ? null : <p className="muted">Loading…</p>) : list.qualifications.length === 0 ? <p className="muted">No qualifications yet.</p> : (
        <ScrollX label="Qualifications">
          <table className="table stack-narrow qualification-list">
            <thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Granted</th><th scope="col">Description</th></tr></thead>
            <tbody>{list.qualifications.map((q) => (
              <tr key={q.id}>
                <th scope="row" data-label="Name" dir="auto">{q.name}</th>
                <td data-label="Kind">{kindText(q)}</td>
                <td data-label="Granted">{goldText(q)}</td>
                <td data-label="Description" dir="auto">{q.description || <span className="muted">—</span>}</td>
              </tr>
            ))}</tbody>
          </table>
        </ScrollX>
      )}
      {manager ? <CreateQualification onCreated={reload} /> : null}
    </div>
  );
}

function CreateQualification({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState(''); const [kind, setKind] = useState<Qualification['kind']>('flag');
  const [min, setMin] = useState('1'); const [max, setMax] = useState('5'); const [values, setValues] = useState('');
  const [description, setDescription] = useState('');
  const [gold, setGold] = useState(false); const [minAnswers, setMinAnswers] = useState('10'); const [threshold, setThreshold] = useState('80'); const [project, setProject] = useState('');
  const [projects] = useLoad(() => (gold ? api.projects() : Promise.resolve({ projects: [] })), [gold]);
  const [err, setErr] = useState<unknown>(); const [msg, setMsg] = useState(''); const [busy, setBusy] = useState(false);
  const goldScale = gold && kind === 'scale'; // a scale granted by gold accuracy is percent right: 0–100
  const create = async (e: React.FormEvent) => {
    e.preventDefault(); setErr(undefined); setMsg('');
    if (!name.trim()) { setErr(new Said('Give the qualification a name.')); return; }
    const vals = values.split(/[\n,]/).map((v) => v.trim()).filter(Boolean);
    if (kind === 'set' && !vals.length) { setErr(new Said('A set needs its values: one per line or separated by commas.')); return; }
    setBusy(true);
    try {
      const q = await people.createQualification({
        name: name.trim(), kind, description: description.trim(),
        ...(kind === 'scale' ? { min: goldScale ? 0 : Number(min), max: goldScale ? 100 : Number(max) } : {}),
        ...(kind === 'set' ? { values: vals } : {}),
        ...(gold && kind !== 'set' ? { gold_rule: { min_answers: Number(minAnswers), threshold: Number(threshold) / 100, ...(project ? { project_id: project } : {}) } } : {}),
      });
      setMsg(`Created “${q.name}” (${kindText(q)}).`); setName(''); setDescription(''); setValues(''); onCreated();
    } catch (x) { setErr(x); } finally { setBusy(false); }
  };
  const note = (f: string) => fieldMessage(err, f);
  const fieldNoted = ['name', 'max', 'values', 'gold_rule', 'gold_rule.threshold', 'gold_rule.min_answers'].some((f) => note(f));
  return (
    <form className="card create-qualification" onSubmit={create} aria-labelledby="cq-h">
      <h2 id="cq-h">Create a qualification</h2>
      <label className="block">Name<input dir="auto" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} placeholder="e.g. Cardiology board level" aria-describedby="cq-name-err" /></label>
      <FieldNote id="cq-name-err" message={note('name')} />
      <fieldset className="kind">
        <legend>Kind</legend>
        <label className="option"><input type="radio" name="cq-kind" checked={kind === 'flag'} onChange={() => setKind('flag')} /> Flag — she has it or not</label>
        <label className="option"><input type="radio" name="cq-kind" checked={kind === 'scale'} onChange={() => setKind('scale')} /> Scale — a whole number from min to max</label>
        <label className="option"><input type="radio" name="cq-kind" checked={kind === 'set'} onChange={() => { setKind('set'); setGold(false); }} /> Set — one of a list of values</label>
      </fieldset>
      {kind === 'scale' ? (
        <div className="row">
          <label className="block">Min<input type="number" step={1} value={goldScale ? '0' : min} disabled={goldScale} onChange={(e) => setMin(e.target.value)} /></label>
          <label className="block">Max<input type="number" step={1} value={goldScale ? '100' : max} disabled={goldScale} onChange={(e) => setMax(e.target.value)} aria-describedby="cq-max-err" /></label>
          {goldScale ? <span className="muted small">Granted by gold accuracy, the scale is percent right: 0–100.</span> : null}
        </div>
      ) : null}
      <FieldNote id="cq-max-err" message={note('max')} />
      {kind === 'set' ? (
        <label className="block"><span>Values <span className="muted small">(one per line, or separated by commas)</span></span>
          <textarea rows={3} dir="auto" value={values} onChange={(e) => setValues(e.target.value)} placeholder={'Egyptian\nLevantine\nGulf'} aria-describedby="cq-values-err" /></label>
      ) : null}
      <FieldNote id="cq-values-err" message={note('values')} />
      <label className="block"><span>Description <span className="muted small">(what it means and how to get it; experts read it)</span></span>
        <textarea rows={2} dir="auto" value={description} onChange={(e) => setDescription(e.target.value)} /></label>
      {kind !== 'set' ? (
        <fieldset className="gold-rule">
          <legend>Granted by accuracy on gold items <span className="muted small">(optional)</span></legend>
          <label className="option"><input type="checkbox" checked={gold} onChange={(e) => setGold(e.target.checked)} /> Grant and revoke it from each expert’s accuracy on gold items, as reviews arrive</label>
          {gold ? (
            <div className="row">
              <label className="block">Gold answers first<input type="number" min={1} step={1} value={minAnswers} onChange={(e) => setMinAnswers(e.target.value)} aria-describedby="cq-gold-err" /></label>
              <label className="block">Held while right (%)<input type="number" min={1} max={100} step={1} value={threshold} onChange={(e) => setThreshold(e.target.value)} aria-describedby="cq-gold-err" /></label>
              <label className="block">On<select value={project} onChange={(e) => setProject(e.target.value)}>
                <option value="">every project</option>{(projects?.projects ?? []).map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
              </select></label>
            </div>
          ) : null}
          <FieldNote id="cq-gold-err" message={note('gold_rule') ?? note('gold_rule.threshold') ?? note('gold_rule.min_answers')} />
        </fieldset>
      ) : null}
      {err && !fieldNoted ? <ErrorBox error={err} /> : null}
      <div className="row"><button type="submit" className="primary" disabled={busy}>Create qualification</button><span role="status" className="small ok-text">{msg}</span></div>
    </form>
  );
}
