// The template builder on a project's Settings: components as numbered cards with a form per
// type (add, move up/down, remove), the JSON as an "Advanced: JSON" view kept in sync both ways,
// and a gallery of starting templates. The template itself lives in the caller; this edits it.
//   <TemplateEditor template={t} onChange={setT} problems={templateProblems(t)} onJsonError={setBroken} />
import React, { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { Component, Template } from '../lib/api';
import { componentTitle, DISPLAY, INPUTS, isInput, type TemplateProblem } from '../lib/template';
import { GALLERY, moveComponent, newComponent, TYPE_NAMES, type ComponentType, type GalleryEntry } from '../lib/templateBuilder';

const fmt = (t: Template) => JSON.stringify(t, null, 2);

/** A JSON text as a template, or why it cannot be one. */
export function parseTemplateJson(text: string): { template: Template } | { error: string } {
  let v: unknown;
  try { v = JSON.parse(text); } catch (e) { return { error: `The JSON does not parse: ${(e as Error).message}` }; }
  if (!Array.isArray(v) || !v.every((c) => c && typeof c === 'object' && !Array.isArray(c))) {
    return { error: 'The template must be a JSON array of objects, one per component.' };
  }
  return { template: v as Template };
}

export function TemplateEditor({ template, onChange, problems, onJsonError, onGallery }: {
  template: Template; onChange: (t: Template) => void; problems: TemplateProblem[];
  /** The JSON view's parse error ('' when it parses): the caller keeps saving off meanwhile. */
  onJsonError: (msg: string) => void;
  /** A gallery template was picked (its sample item can feed the preview). */
  onGallery?: (g: GalleryEntry) => void;
}) {
  const [view, setView] = useState<'form' | 'json'>('form');
  const [text, setText] = useState(() => fmt(template));
  const [jsonErr, setJsonErr] = useState('');
  const fromJson = useRef<Template | null>(null);
  const [undo, setUndo] = useState<{ title: string; before: Template } | null>(null);

  // A template that did not come from the JSON text (forms, gallery, undo) rewrites the text.
  useEffect(() => {
    if (template === fromJson.current) return;
    setText(fmt(template)); setJsonErr(''); onJsonError('');
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [template]);

  const editJson = (next: string) => {
    setText(next);
    const r = parseTemplateJson(next);
    if ('error' in r) { setJsonErr(r.error); onJsonError(r.error); return; }
    setJsonErr(''); onJsonError('');
    fromJson.current = r.template;
    onChange(r.template);
  };
  const pick = (g: GalleryEntry) => {
    setUndo({ title: g.title, before: template });
    onChange(structuredClone(g.template));
    onGallery?.(g);
  };

  return (
    <section className="template-editor" aria-labelledby="tpl-h">
      <div className="row tpl-head">
        <h2 id="tpl-h">Template</h2>
        <span className="spacer" />
        <div className="seg small" role="group" aria-label="Template view">
          <button type="button" className={`seg-btn ${view === 'form' ? 'on' : ''}`} aria-pressed={view === 'form'} onClick={() => setView('form')}>Form</button>
          <button type="button" className={`seg-btn ${view === 'json' ? 'on' : ''}`} aria-pressed={view === 'json'} onClick={() => setView('json')}>Advanced: JSON</button>
        </div>
      </div>
      <details className="gallery">
        <summary>Start from a template</summary>
        <ul>
          {GALLERY.map((g) => (
            <li key={g.id}><button type="button" onClick={() => pick(g)}>{g.title}</button> <span className="muted small">{g.blurb}</span></li>
          ))}
        </ul>
      </details>
      {undo ? (
        <p className="small" role="status">Started from “{undo.title}”; the template before it is kept until you leave the page.{' '}
          <button type="button" className="link" onClick={() => { onChange(undo.before); setUndo(null); }}>Undo</button></p>
      ) : null}
      {view === 'json' ? (
        <>
          <label className="block">Template (JSON array of components)
            <textarea className="mono" rows={18} spellCheck={false} value={text} onChange={(e) => editJson(e.target.value)}
              aria-invalid={jsonErr ? true : undefined} aria-describedby="tpl-json-err tpl-errors" />
          </label>
          <p id="tpl-json-err" className={jsonErr ? 'bad-text' : 'muted small'} aria-live="polite">
            {jsonErr ? `${jsonErr} The forms keep the last template that parsed.` : 'Edits here update the forms as soon as the JSON parses.'}
          </p>
        </>
      ) : (
        <>
          {jsonErr ? <p className="bad-text">The JSON view has an error ({jsonErr}); the forms show the last template that parsed.</p> : null}
          <Builder template={template} onChange={onChange} problems={problems} />
        </>
      )}
      <div id="tpl-errors" aria-live="polite">
        {problems.length ? (
          <ul className="errors">{problems.map((p) => <li key={p.text}>{p.text}</li>)}</ul>
        ) : <p className="ok-text small">Template is valid.</p>}
      </div>
    </section>
  );
}

type Focus = { key: string; act: 'up' | 'down' | 'first' } | { add: true };

/** The cards: one per component, numbered as the validation messages number them. */
export function Builder({ template, onChange, problems }: { template: Template; onChange: (t: Template) => void; problems: TemplateProblem[] }) {
  // Stable keys parallel to the components, so a moved card keeps its focus and its fields' state.
  const keys = useRef<string[]>([]);
  const seq = useRef(0);
  const fresh = () => `k${++seq.current}`;
  if (keys.current.length !== template.length) keys.current = template.map(fresh);
  const [addType, setAddType] = useState<ComponentType>('choice');
  const focus = useRef<Focus | null>(null);
  const root = useRef<HTMLDivElement>(null);

  useLayoutEffect(() => {
    const f = focus.current; focus.current = null;
    if (!f || !root.current) return;
    if ('add' in f) { root.current.querySelector<HTMLElement>('.builder-add select')?.focus(); return; }
    const card = root.current.querySelector<HTMLElement>(`[data-card="${f.key}"]`);
    if (!card) return;
    if (f.act === 'first') { card.querySelector<HTMLElement>('input, select, textarea')?.focus(); return; }
    const want = card.querySelector<HTMLButtonElement>(`button[data-act="${f.act}"]`);
    const other = card.querySelector<HTMLButtonElement>(`button[data-act="${f.act === 'up' ? 'down' : 'up'}"]`);
    (want && !want.disabled ? want : other)?.focus();
  });

  const move = (i: number, to: number) => {
    const k = keys.current.slice(); const [x] = k.splice(i, 1); k.splice(to, 0, x); keys.current = k;
    focus.current = { key: x, act: to < i ? 'up' : 'down' };
    onChange(moveComponent(template, i, to));
  };
  const remove = (i: number) => {
    keys.current = keys.current.filter((_, j) => j !== i);
    const next = keys.current[Math.min(i, keys.current.length - 1)];
    focus.current = next ? { key: next, act: 'down' } : { add: true };
    onChange(template.filter((_, j) => j !== i));
  };
  const add = () => {
    const k = fresh(); keys.current = [...keys.current, k];
    focus.current = { key: k, act: 'first' };
    onChange([...template, newComponent(addType, template)]);
  };
  const edit = (i: number, c: Component) => onChange(template.map((x, j) => (j === i ? c : x)));

  return (
    <div ref={root} className="builder">
      {template.length ? (
        <ol className="builder-list">
          {template.map((c, i) => (
            <li key={keys.current[i]} data-card={keys.current[i]}>
              <ComponentCard c={c} index={i} count={template.length} problems={problems.filter((p) => p.index === i).map((p) => p.text)}
                onChange={(x) => edit(i, x)} onMove={(to) => move(i, to)} onRemove={() => remove(i)} />
            </li>
          ))}
        </ol>
      ) : <p className="muted">No components yet: add one below, or start from a template.</p>}
      <div className="row builder-add">
        <label className="block">Add a component
          <select value={addType} onChange={(e) => setAddType(e.target.value as ComponentType)}>
            <optgroup label="Shows item data">{DISPLAY.map((t) => <option key={t} value={t}>{TYPE_NAMES[t]}</option>)}</optgroup>
            <optgroup label="Asks the expert">{INPUTS.map((t) => <option key={t} value={t}>{TYPE_NAMES[t]}</option>)}</optgroup>
          </select>
        </label>
        <button type="button" onClick={add}>Add</button>
      </div>
    </div>
  );
}

function ComponentCard({ c, index, count, problems, onChange, onMove, onRemove }: {
  c: Component; index: number; count: number; problems: string[];
  onChange: (c: Component) => void; onMove: (to: number) => void; onRemove: () => void;
}) {
  const n = index + 1;
  const errId = `tpl-c${n}-err`;
  return (
    <fieldset className={`builder-card ${problems.length ? 'invalid' : ''}`} aria-describedby={problems.length ? errId : undefined}>
      <legend>{componentTitle(c, index)}</legend>
      <div className="builder-tools">
        <span className="muted small builder-type">{TYPE_NAMES[c.type as ComponentType] ?? c.type}</span>
        <span className="spacer" />
        <button type="button" data-act="up" disabled={index === 0} onClick={() => onMove(index - 1)} aria-label={`Move component ${n} up`}>↑ Up</button>
        <button type="button" data-act="down" disabled={index === count - 1} onClick={() => onMove(index + 1)} aria-label={`Move component ${n} down`}>↓ Down</button>
        <button type="button" className="bad-btn" onClick={onRemove} aria-label={`Remove component ${n}`}>Remove</button>
      </div>
      <ComponentForm c={c} onChange={onChange} />
      {problems.length ? <ul className="errors" id={errId}>{problems.map((p) => <li key={p}>{p}</li>)}</ul> : null}
    </fieldset>
  );
}

/** c with `patch` applied; a key set to undefined is removed (so defaults stay implicit). */
function patched(c: Component, patch: Record<string, unknown>): Component {
  const next: Component = { ...c };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete next[k]; else next[k] = v;
  }
  return next;
}
const orUndef = (s: string) => (s === '' ? undefined : s);
const numOrUndef = (s: string) => (s.trim() === '' || !Number.isFinite(Number(s)) ? undefined : Number(s));
const allStrings = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');

/** The fields of one component, by type. */
export function ComponentForm({ c, onChange }: { c: Component; onChange: (c: Component) => void }) {
  const set = (patch: Record<string, unknown>) => onChange(patched(c, patch));
  const type = c.type;
  const input = isInput(c);
  const sourceLabel = type === 'claims' ? 'Item field with claims to start from (optional)'
    : input ? 'Item field it works on' : 'Item field to show';
  const usesSource = !input || ['ranking', 'spans', 'rewrite', 'claims'].includes(type);
  return (
    <div className="builder-fields">
      {input ? <Text label="Name (the answer's key)" value={c.name} onChange={(v) => set({ name: orUndef(v) })} mono /> : null}
      {usesSource ? <Text label={sourceLabel} value={c.source} onChange={(v) => set({ source: orUndef(v) })} mono placeholder="prompt, responses, meta.text …" /> : null}
      <Text label={input ? 'Question shown to the expert' : 'Heading (optional)'} value={c.label} onChange={(v) => set({ label: orUndef(v) })} />
      {input ? <Text label="Help text (optional)" value={c.description as string | undefined} onChange={(v) => set({ description: orUndef(v) })} /> : null}
      {type === 'code' ? <Text label="Language (optional)" value={c.language as string | undefined} onChange={(v) => set({ language: orUndef(v) })} /> : null}
      {type === 'choice' ? (
        allStrings(c.options) || c.options === undefined
          ? <List label="Options, one per line" value={c.options as string[] | undefined} onChange={(v) => set({ options: v })} />
          : <p className="muted small">Options with labels ({'{value, label}'}): edit them in Advanced: JSON.</p>
      ) : null}
      {type === 'choice' ? <Check label="Several may be chosen" checked={!!c.multiple} onChange={(v) => set({ multiple: v || undefined })} /> : null}
      {type === 'rating' ? (
        <>
          <div className="row">
            <Num label="Lowest score" value={c.min} onChange={(v) => set({ min: v })} />
            <Num label="Highest score" value={c.max} onChange={(v) => set({ max: v })} />
          </div>
          {allStrings(c.labels) || c.labels === undefined
            ? <List label="Words under the scores (optional, one per line, lowest first)" value={c.labels as string[] | undefined} onChange={(v) => set({ labels: v })} />
            : <p className="muted small">Score labels given as an object: edit them in Advanced: JSON.</p>}
        </>
      ) : null}
      {type === 'pairwise' ? <Check label="Ask how much better (slightly, clearly, much)" checked={!!c.strength} onChange={(v) => set({ strength: v || undefined })} /> : null}
      {type === 'rubric' ? <RubricFields c={c} set={set} /> : null}
      {type === 'spans' ? (
        <>
          <List label="Categories, one per line" value={allStrings(c.categories) ? c.categories : undefined} onChange={(v) => set({ categories: v })} />
          <List label="Severities, one per line, mildest first (optional)" value={allStrings(c.severities) ? c.severities : undefined} onChange={(v) => set({ severities: v })} />
        </>
      ) : null}
      {type === 'textarea' ? (
        <div className="row">
          <Num label="Fewest characters (optional)" value={c.min_length} onChange={(v) => set({ min_length: v })} />
          <Num label="Most characters (optional)" value={c.max_length} onChange={(v) => set({ max_length: v })} />
        </div>
      ) : null}
      {input ? <Check label="Required" checked={c.required !== false} onChange={(v) => set({ required: v ? undefined : false })} /> : null}
    </div>
  );
}

type Criterion = { id: string; label: string; description?: string };
function RubricFields({ c, set }: { c: Component; set: (p: Record<string, unknown>) => void }) {
  const crit = (Array.isArray(c.criteria) ? c.criteria : []) as Criterion[];
  const scale = (c.scale && typeof c.scale === 'object' ? c.scale : {}) as { min?: number; max?: number };
  const setCrit = (next: Criterion[]) => set({ criteria: next });
  const setOne = (j: number, patch: Partial<Criterion>) => setCrit(crit.map((k, i) => {
    if (i !== j) return k;
    const x = { ...k, ...patch };
    if (!x.description) delete x.description;
    return x;
  }));
  return (
    <>
      <div className="row">
        <Num label="Scale: lowest" value={scale.min} onChange={(v) => set({ scale: { ...scale, min: v } })} />
        <Num label="Scale: highest" value={scale.max} onChange={(v) => set({ scale: { ...scale, max: v } })} />
      </div>
      <Check label="A comment beside each score" checked={!!c.comments} onChange={(v) => set({ comments: v || undefined })} />
      <ol className="criteria">
        {crit.map((k, j) => (
          <li key={j}>
            <fieldset>
              <legend>Criterion {j + 1}</legend>
              <div className="row">
                <Text label="Id (in the answer)" value={k.id} onChange={(v) => setOne(j, { id: v })} mono />
                <Text label="Label" value={k.label} onChange={(v) => setOne(j, { label: v })} />
              </div>
              <Text label="Description (optional)" value={k.description} onChange={(v) => setOne(j, { description: v })} />
              <button type="button" className="link" onClick={() => setCrit(crit.filter((_, i) => i !== j))} aria-label={`Remove criterion ${j + 1}`}>Remove criterion</button>
            </fieldset>
          </li>
        ))}
      </ol>
      <button type="button" onClick={() => setCrit([...crit, { id: `criterion_${crit.length + 1}`, label: '' }])}>Add criterion</button>
    </>
  );
}

function Text({ label, value, onChange, mono, placeholder }: { label: string; value: string | undefined; onChange: (v: string) => void; mono?: boolean; placeholder?: string }) {
  return <label className="block">{label}<input type="text" className={mono ? 'mono' : undefined} dir="auto" value={value ?? ''} placeholder={placeholder} onChange={(e) => onChange(e.target.value)} /></label>;
}

function Num({ label, value, onChange }: { label: string; value: unknown; onChange: (v: number | undefined) => void }) {
  // Local text, so "-" or an emptied box while typing is not thrown away.
  const [text, setText] = useState(typeof value === 'number' ? String(value) : '');
  useEffect(() => { if (numOrUndef(text) !== value) setText(typeof value === 'number' ? String(value) : ''); /* eslint-disable-next-line react-hooks/exhaustive-deps */ }, [value]);
  return (
    <label className="block narrow">{label}
      <input type="number" step={1} value={text} onChange={(e) => { setText(e.target.value); onChange(numOrUndef(e.target.value)); }} />
    </label>
  );
}

function Check({ label, checked, onChange }: { label: string; checked: boolean; onChange: (v: boolean) => void }) {
  return <label className="check"><input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} /><span>{label}</span></label>;
}

const lines = (s: string) => s.split('\n').map((x) => x.trim()).filter(Boolean);
/** A list of words, one per line; an empty list is no list (undefined). */
function List({ label, value, onChange }: { label: string; value: string[] | undefined; onChange: (v: string[] | undefined) => void }) {
  const [text, setText] = useState((value ?? []).join('\n'));
  // Keep what is being typed (a trailing new line, a blank line) unless the list changed elsewhere.
  useEffect(() => { if (lines(text).join('\n') !== (value ?? []).join('\n')) setText((value ?? []).join('\n')); /* eslint-disable-next-line react-hooks/exhaustive-deps */ }, [value]);
  return (
    <label className="block">{label}
      <textarea rows={Math.min(8, Math.max(3, (value?.length ?? 0) + 1))} dir="auto" value={text}
        onChange={(e) => { setText(e.target.value); const l = lines(e.target.value); onChange(l.length ? l : undefined); }} />
    </label>
  );
}
