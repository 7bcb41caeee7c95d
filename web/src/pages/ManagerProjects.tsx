import React, { useMemo, useState } from 'react';
import { api, Said, type Project, type Template } from '../lib/api';
import { go } from '../lib/router';
import { validateTemplate } from '../lib/template';
import { TemplateView } from '../components/Template';
import { ErrorBox, ScrollX, useLoad } from '../components/ui';
import { InvitationsCard } from '../components/Invitations';
import { Members } from './Members';
import { isRulesError, ProjectRules, rulesBody, rulesOf } from '../components/ProjectRules';

export function ProjectNav({ id, here }: { id: string; here: string }) {
  const links: [string, string][] = [['edit', 'Settings'], ['import', 'Import'], ['progress', 'Progress'], ['items', 'Data'], ['submissions', 'Submissions'], ['review', 'Review'], ['quality', 'Quality'], ['leaderboard', 'Leaderboard'], ['costs', 'Costs'], ['disputes', 'Time disputes'], ['export', 'Export']];
  return (
    <nav className="subnav" aria-label="Project">
      <a href="#/manage">← Projects</a>
      {links.map(([k, l]) => <a key={k} href={`#/manage/${encodeURIComponent(id)}/${k}`} aria-current={here === k ? 'page' : undefined}>{l}</a>)}
    </nav>
  );
}

export function ManagerProjects() {
  const [data, err, reload] = useLoad(() => api.projects(), []);
  return (
    <div className="page">
      <div className="row"><h1>Projects</h1><span className="spacer" /><a className="button primary" href="#/manage/new">New project</a></div>
      <ErrorBox error={err} />
      <InvitationsCard onJoined={reload} />
      {!data ? <p className="muted">Loading…</p> : data.projects.length === 0 ? <p className="muted">No projects yet. Create one to start.</p> : (
        <ul className="cards">
          {data.projects.map((p) => (
            <li key={p.id} className="card project-card">
              <h3>{p.name}</h3>
              <p className="muted small">{p.template.length} components · overlap {p.overlap} · lease {Math.round(p.lease_seconds / 60)} min{p.my_role ? ` · you: ${p.my_role}` : ''}</p>
              <div className="links">
                <a href={`#/manage/${encodeURIComponent(p.id)}/progress`}>Progress</a>
                <a href={`#/manage/${encodeURIComponent(p.id)}/review`}>Review</a>
                <a href={`#/manage/${encodeURIComponent(p.id)}/quality`}>Quality</a>
                <a href={`#/manage/${encodeURIComponent(p.id)}/submissions`}>Submissions</a>
                <a href={`#/manage/${encodeURIComponent(p.id)}/import`}>Import</a>
                <a href={`#/manage/${encodeURIComponent(p.id)}/edit`}>Settings</a>
                <a href={`#/work/${encodeURIComponent(p.id)}`}>Work</a>
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export const EXAMPLE_TEMPLATE: Template = [
  { type: 'markdown', source: 'prompt', label: 'Prompt' },
  { type: 'responses', source: 'responses', label: 'Responses' },
  { type: 'pairwise', name: 'preference', label: 'Which response is better?', strength: true },
  { type: 'textarea', name: 'why', label: 'Why?', required: false },
];
export const EXAMPLE_ITEM = {
  prompt: 'Explain **photosynthesis** to a 10-year-old in two sentences.',
  responses: [
    { id: 'a', model: 'model-1', content: 'Plants use sunlight, water and air to make their own food. They give off the oxygen we breathe.' },
    { id: 'b', model: 'model-2', content: 'Photosynthesis is the conversion of light energy into chemical energy via chlorophyll.' },
  ],
};

export function ProjectEdit({ projectId }: { projectId?: string }) {
  const [loaded, loadErr] = useLoad<Project | null>(() => (projectId ? api.project(projectId) : Promise.resolve(null)), [projectId]);
  if (projectId && !loaded) return <div className="page"><ErrorBox error={loadErr} /><p className="muted">Loading…</p></div>;
  return <ProjectForm key={projectId ?? 'new'} initial={loaded ?? undefined} />;
}

function ProjectForm({ initial }: { initial?: Project }) {
  const [name, setName] = useState(initial?.name ?? '');
  const [instructions, setInstructions] = useState(initial?.instructions ?? '');
  const [overlap, setOverlap] = useState(initial?.overlap ?? 1);
  const [leaseMin, setLeaseMin] = useState(Math.round((initial?.lease_seconds ?? 1800) / 60));
  const [tplText, setTplText] = useState(JSON.stringify(initial?.template ?? EXAMPLE_TEMPLATE, null, 2));
  const [itemText, setItemText] = useState(JSON.stringify(EXAMPLE_ITEM, null, 2));
  const [previewAnswer, setPreviewAnswer] = useState<Record<string, unknown>>({});
  const [rules, setRules] = useState(() => rulesOf(initial));
  const [err, setErr] = useState<unknown>(); const [saved, setSaved] = useState(''); const [busy, setBusy] = useState(false);

  const parsed = useMemo(() => {
    let t: unknown; let item: unknown;
    try { t = JSON.parse(tplText); } catch (e) { return { errors: [`Template JSON: ${(e as Error).message}`] }; }
    const errors = validateTemplate(t);
    try { item = JSON.parse(itemText); } catch (e) { errors.push(`Sample item JSON: ${(e as Error).message}`); }
    return { template: t as Template, item: item as Record<string, unknown>, errors };
  }, [tplText, itemText]);

  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    if (parsed.errors.some((x) => !x.startsWith('Sample'))) { setErr(new Error('Fix the template errors first.')); return; }
    setBusy(true); setErr(undefined);
    const body = { name, instructions, template: parsed.template, overlap: Number(overlap), lease_seconds: Number(leaseMin) * 60, ...rulesBody(rules) };
    try {
      const p = initial ? await api.updateProject(initial.id, body) : await api.createProject(body);
      setSaved(`Saved ${new Date().toLocaleTimeString()}.`);
      if (!initial) go(`manage/${encodeURIComponent(p.id)}/import`);
    } catch (x) { setErr(x); } finally { setBusy(false); }
  };

  return (
    <div className="page wide">
      {initial ? <ProjectNav id={initial.id} here="edit" /> : null}
      <h1>{initial ? `Settings · ${initial.name}` : 'New project'}</h1>
      <form onSubmit={save} className="editor">
        <div className="editor-form">
          <label className="block">Name<input required value={name} onChange={(e) => setName(e.target.value)} /></label>
          <div className="row">
            <label className="block">Overlap (experts per item)<input type="number" min={1} max={20} value={overlap} onChange={(e) => setOverlap(Number(e.target.value))} /></label>
            <label className="block">Lease (minutes)<input type="number" min={1} max={480} value={leaseMin} onChange={(e) => setLeaseMin(Number(e.target.value))} /></label>
          </div>
          <label className="block">Instructions (markdown)<textarea rows={6} value={instructions} onChange={(e) => setInstructions(e.target.value)} /></label>
          <label className="block">Template (JSON array of components)<textarea className="mono" rows={16} spellCheck={false} value={tplText} onChange={(e) => setTplText(e.target.value)} aria-describedby="tpl-errors" /></label>
          <div id="tpl-errors" aria-live="polite">
            {parsed.errors.length ? <ul className="errors">{parsed.errors.map((x) => <li key={x}>{x}</li>)}</ul> : <p className="ok-text small">Template is valid.</p>}
          </div>
          <label className="block">Sample item data for the preview<textarea className="mono" rows={8} spellCheck={false} value={itemText} onChange={(e) => setItemText(e.target.value)} /></label>
          <ProjectRules initial={rulesOf(initial)} onChange={setRules} error={err} />
          <ErrorBox error={isRulesError(err) ? new Said('Not saved: fix what is said under “Who may work on it”.') : err} />
          <div className="row"><button type="submit" className="primary" disabled={busy}>{initial ? 'Save changes' : 'Create project'}</button><span className="muted small" role="status">{saved}</span></div>
        </div>
        <div className="editor-preview" aria-label="Preview: what the expert sees">
          <div className="label-like">Preview — exactly what the expert sees</div>
          {parsed.template && parsed.item && !parsed.errors.length ? (
            <div className="preview-frame">
              <TemplateView template={parsed.template} data={parsed.item} answer={previewAnswer} idPrefix="pv"
                onChange={(n, v) => setPreviewAnswer((a) => { const x = { ...a }; if (v === undefined) delete x[n]; else x[n] = v; return x; })} />
              <details><summary>Answer this preview would submit</summary><pre className="code"><code>{JSON.stringify(previewAnswer, null, 2)}</code></pre></details>
            </div>
          ) : <p className="muted">Fix the errors to see the preview.</p>}
        </div>
      </form>
      {initial ? <Members projectId={initial.id} /> : null}
    </div>
  );
}
