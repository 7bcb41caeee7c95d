import React, { useMemo, useState } from 'react';
import { api, ApiError, Said, type Project, type Template } from '../lib/api';
import { go } from '../lib/router';
import { componentTitle, templateProblems } from '../lib/template';
import { TemplateEditor } from '../components/TemplateBuilder';
import { TemplateView } from '../components/Template';
import { ErrorBox, ScrollX, useLoad } from '../components/ui';
import { InvitationsCard } from '../components/Invitations';
import { Members } from './Members';
import { isRulesError, ProjectRules, rulesBody, rulesOf } from '../components/ProjectRules';

/** A project's pages, in the project nav's order; the Projects list's cards link to the same ones. */
export const PROJECT_PAGES: [string, string][] = [['edit', 'Settings'], ['import', 'Import'], ['progress', 'Progress'], ['items', 'Data'], ['submissions', 'Submissions'], ['review', 'Review'], ['quality', 'Quality'], ['leaderboard', 'Leaderboard'], ['costs', 'Costs'], ['disputes', 'Time disputes'], ['export', 'Export']];

export function ProjectNav({ id, here }: { id: string; here: string }) {
  const links = PROJECT_PAGES;
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
              <nav className="links" aria-label={`${p.name}: pages`}>
                {PROJECT_PAGES.map(([k, l]) => <a key={k} href={`#/manage/${encodeURIComponent(p.id)}/${k}`}>{l}</a>)}
                <a href={`#/work/${encodeURIComponent(p.id)}`}>Work</a>
              </nav>
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

/** Labels of the settings the server may refuse by field (details.field). */
const SETTING_LABELS: Record<string, string> = {
  name: 'Name', instructions: 'Instructions', overlap: 'Overlap (experts per item)', lease_seconds: 'Lease (minutes)',
  max_overlap: 'Most labels per item', target_confidence: 'Target confidence', hide_models: 'Hide model names from experts',
  shuffle_responses: 'Shuffle the responses of each item',
};

/** A refusal of a setting or of the template, in words ("Not saved: “Most labels per item” must be at least overlap."). */
export function refusalText(e: unknown, template: Template): string | null {
  if (!(e instanceof ApiError) || e.status !== 400 || typeof e.details.field !== 'string') return null;
  const field = e.details.field;
  const msg = e.message.startsWith(`${field}: `) ? e.message.slice(field.length + 2) : e.message.startsWith(field) ? e.message.slice(field.length).trim() : e.message;
  const t = /^template\[(\d+)\]\.?(.*)$/.exec(field);
  if (t) {
    const i = Number(t[1]);
    return `Not saved: ${componentTitle(template[i], i)}: ${t[2] ? `${t[2]} ` : ''}${msg}.`;
  }
  const label = SETTING_LABELS[field];
  return label ? `Not saved: “${label}” ${msg}.` : null;
}

function ProjectForm({ initial }: { initial?: Project }) {
  const [name, setName] = useState(initial?.name ?? '');
  const [instructions, setInstructions] = useState(initial?.instructions ?? '');
  const [overlap, setOverlap] = useState(initial?.overlap ?? 1);
  const [leaseMin, setLeaseMin] = useState(Math.round((initial?.lease_seconds ?? 1800) / 60));
  const wasDynamic = !!initial && (initial.max_overlap ?? 0) > initial.overlap;
  const [dynamic, setDynamic] = useState(wasDynamic);
  const [maxOverlap, setMaxOverlap] = useState(wasDynamic ? initial!.max_overlap! : Math.min(20, (initial?.overlap ?? 1) + 2));
  const [targetPct, setTargetPct] = useState(Math.round((initial?.target_confidence ?? 0.95) * 1000) / 10);
  const [hideModels, setHideModels] = useState(initial?.hide_models ?? true);
  const [shuffle, setShuffle] = useState(initial?.shuffle_responses ?? true);
  const [template, setTemplate] = useState<Template>(initial?.template ?? EXAMPLE_TEMPLATE);
  const [jsonErr, setJsonErr] = useState('');
  const [itemText, setItemText] = useState(JSON.stringify(EXAMPLE_ITEM, null, 2));
  const [rules, setRules] = useState(() => rulesOf(initial));
  const [err, setErr] = useState<unknown>(); const [saved, setSaved] = useState(''); const [busy, setBusy] = useState(false);
  const problems = useMemo(() => templateProblems(template), [template]);

  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    if (jsonErr) { setErr(new Said('Not saved: the template’s JSON does not parse (see Advanced: JSON).')); return; }
    if (problems.length) { setErr(new Said('Not saved: fix what is said under the template first.')); return; }
    setBusy(true); setErr(undefined);
    const body = {
      name, instructions, template, overlap: Number(overlap), lease_seconds: Number(leaseMin) * 60,
      max_overlap: dynamic ? Number(maxOverlap) : Number(overlap), target_confidence: Number(targetPct) / 100,
      hide_models: hideModels, shuffle_responses: shuffle, ...rulesBody(rules),
    };
    try {
      const p = initial ? await api.updateProject(initial.id, body) : await api.createProject(body);
      setSaved(`Saved ${new Date().toLocaleTimeString()}.`);
      if (!initial) go(`manage/${encodeURIComponent(p.id)}/import`);
    } catch (x) { setErr(x); } finally { setBusy(false); }
  };
  const refused = refusalText(err, template);

  return (
    <div className="page wide">
      {initial ? <ProjectNav id={initial.id} here="edit" /> : null}
      <h1>{initial ? `Settings · ${initial.name}` : 'New project'}</h1>
      <form onSubmit={save} className="editor">
        <div className="editor-form">
          <label className="block">Name<input required value={name} onChange={(e) => setName(e.target.value)} /></label>
          <label className="block">Instructions (markdown)<textarea rows={6} value={instructions} onChange={(e) => setInstructions(e.target.value)} /></label>
          <fieldset className="settings-box">
            <legend>Overlap and display</legend>
            <div className="row">
              <label className="block">Overlap (experts per item)<input type="number" min={1} max={20} value={overlap} onChange={(e) => setOverlap(Number(e.target.value))} /></label>
              <label className="block">Lease (minutes)<input type="number" min={1} max={480} value={leaseMin} onChange={(e) => setLeaseMin(Number(e.target.value))} /></label>
            </div>
            <label className="check"><input type="checkbox" checked={dynamic} onChange={(e) => setDynamic(e.target.checked)} /><span>Dynamic overlap: ask for more labels while the experts disagree</span></label>
            {dynamic ? (
              <>
                <div className="row">
                  <label className="block">Most labels per item<input type="number" min={1} max={20} value={maxOverlap} onChange={(e) => setMaxOverlap(Number(e.target.value))} /></label>
                  <label className="block">Target confidence (%)<input type="number" min={50.1} max={99.9} step={0.1} value={targetPct} onChange={(e) => setTargetPct(Number(e.target.value))} /></label>
                </div>
                <p className="muted small">Each item gets {overlap} label{overlap === 1 ? '' : 's'}, then one more at a time until its consensus is {targetPct}% sure or it has {maxOverlap} labels (at most 20).</p>
              </>
            ) : <p className="muted small">Every item gets exactly {overlap} label{overlap === 1 ? '' : 's'}.</p>}
            <label className="check"><input type="checkbox" checked={hideModels} onChange={(e) => setHideModels(e.target.checked)} /><span>Hide model names from experts (they see A, B …)</span></label>
            <label className="check"><input type="checkbox" checked={shuffle} onChange={(e) => setShuffle(e.target.checked)} /><span>Shuffle the responses of each item (its own order, the same for every expert, recorded in the export)</span></label>
          </fieldset>
          <TemplateEditor template={template} onChange={setTemplate} problems={problems} onJsonError={setJsonErr}
            onGallery={(g) => setItemText(JSON.stringify(g.sample, null, 2))} />
          <ProjectRules initial={rulesOf(initial)} onChange={setRules} error={err} />
          <ErrorBox error={isRulesError(err) ? new Said('Not saved: fix what is said under “Who may work on it”.') : refused ? new Said(refused) : err} />
          <div className="row"><button type="submit" className="primary" disabled={busy}>{initial ? 'Save changes' : 'Create project'}</button><span className="muted small" role="status">{saved}</span></div>
        </div>
        <PreviewPane projectId={initial?.id} template={template} hideModels={hideModels} valid={!problems.length && !jsonErr} itemText={itemText} setItemText={setItemText} />
      </form>
      {initial ? <Members projectId={initial.id} /> : null}
    </div>
  );
}

/** What the expert sees: on one of the project's items (a few to pick from), or on the sample item. */
function PreviewPane({ projectId, template, hideModels, valid, itemText, setItemText }: {
  projectId?: string; template: Template; hideModels: boolean; valid: boolean; itemText: string; setItemText: (s: string) => void;
}) {
  const [page] = useLoad(() => (projectId ? api.browse(projectId, 'limit=8') : Promise.resolve(null)), [projectId]);
  const rows = (page?.items ?? []).filter((r) => r.data);
  const [pick, setPick] = useState('');
  const row = pick === 'sample' ? undefined : rows.find((r) => r.id === pick) ?? rows[0];
  const [answer, setAnswer] = useState<Record<string, unknown>>({});
  const sample = useMemo(() => {
    try { return { data: JSON.parse(itemText) as Record<string, unknown> }; } catch (e) { return { error: `Sample item JSON: ${(e as Error).message}` }; }
  }, [itemText]);
  const raw = row ? row.data! : sample.data;
  const data = useMemo(() => (raw && hideModels ? withoutModels(template, raw) : raw), [raw, hideModels, template]);
  return (
    <div className="editor-preview" aria-label="Preview: what the expert sees">
      <div className="label-like">Preview — exactly what the expert sees</div>
      {rows.length ? (
        <label className="block">Preview on
          <select value={row ? row.id : 'sample'} onChange={(e) => { setPick(e.target.value); setAnswer({}); }}>
            {rows.map((r) => <option key={r.id} value={r.id}>Item {r.external_id ?? `#${r.seq}`}</option>)}
            <option value="sample">The sample item (edit it below)</option>
          </select>
        </label>
      ) : projectId && page ? <p className="muted small">No items yet: the preview uses the sample item.</p> : null}
      {!row ? (
        <label className="block">Sample item data for the preview<textarea className="mono" rows={6} spellCheck={false} value={itemText} onChange={(e) => setItemText(e.target.value)} /></label>
      ) : null}
      {!row && sample.error ? <p className="bad-text">{sample.error}</p> : null}
      {valid && data ? (
        <div className="preview-frame">
          <TemplateView key={row?.id ?? 'sample'} template={template} data={data} answer={answer} idPrefix="pv"
            onChange={(n, v) => setAnswer((a) => { const x = { ...a }; if (v === undefined) delete x[n]; else x[n] = v; return x; })} />
          <details><summary>Answer this preview would submit</summary><pre className="code"><code>{JSON.stringify(answer, null, 2)}</code></pre></details>
        </div>
      ) : <p className="muted">Fix the errors to see the preview.</p>}
    </div>
  );
}

/** The item as an expert sees it when the project hides model names: no `model` on the responses a component reads. */
export function withoutModels(template: Template, data: Record<string, unknown>): Record<string, unknown> {
  const out = structuredClone(data);
  for (const c of template) {
    if ((c.type !== 'responses' && c.type !== 'ranking') || !c.source) continue;
    const path = c.source.split('.'); const last = path.pop()!;
    let at: unknown = out;
    for (const k of path) at = at && typeof at === 'object' ? (at as Record<string, unknown>)[k] : undefined;
    const list = at && typeof at === 'object' ? (at as Record<string, unknown>)[last] : undefined;
    if (Array.isArray(list)) {
      (at as Record<string, unknown>)[last] = list.map((r) => {
        if (!r || typeof r !== 'object') return r;
        const { model: _hidden, ...rest } = r as Record<string, unknown>;
        return rest;
      });
    }
  }
  return out;
}
