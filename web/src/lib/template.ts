import type { Component, Template } from './api';

export const DISPLAY = ['text', 'markdown', 'code', 'chat', 'responses'] as const;
export const INPUTS = ['choice', 'rating', 'pairwise', 'ranking', 'rubric', 'spans', 'rewrite', 'claims', 'chat_author', 'textarea'] as const;

export function getPath(data: unknown, path?: string): unknown {
  if (!path) return undefined;
  let cur: unknown = data;
  for (const part of path.split('.')) {
    if (cur == null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export function asText(v: unknown): string {
  if (v == null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v && 'content' in v) return String((v as { content: unknown }).content ?? '');
  return typeof v === 'object' ? JSON.stringify(v, null, 2) : String(v);
}

export interface ResponseView { id: string; model?: string; content: string }
export function responsesOf(v: unknown): ResponseView[] {
  if (!Array.isArray(v)) return [];
  return v.map((r, i) => {
    const o = (typeof r === 'object' && r ? r : { content: r }) as { id?: unknown; model?: unknown; content?: unknown };
    return { id: o.id != null ? String(o.id) : String.fromCharCode(97 + i), model: o.model != null ? String(o.model) : undefined, content: asText(o.content) };
  });
}

export const isInput = (c: Component) => (INPUTS as readonly string[]).includes(c.type);
export const isRequired = (c: Component) => c.required !== false;

/** Names of required inputs with no usable answer yet (client-side hint; the server decides). */
export function missing(template: Template, answer: Record<string, unknown>, data: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const c of template) {
    if (!isInput(c) || !c.name || !isRequired(c)) continue;
    const v = answer[c.name];
    let ok = v !== undefined && v !== null && v !== '';
    if (ok && c.type === 'pairwise') ok = !!(v as { choice?: string }).choice && (!c.strength || (v as { choice: string }).choice === 'tie' || !!(v as { strength?: number }).strength);
    if (ok && c.type === 'rubric') {
      const crit = (c.criteria as { id: string }[]) ?? [];
      ok = crit.every((k) => typeof (v as Record<string, { score?: number }>)[k.id]?.score === 'number');
    }
    if (ok && c.type === 'ranking') ok = Array.isArray(v) && v.length === responsesOf(getPath(data, c.source)).length;
    if (ok && (c.type === 'claims' || c.type === 'chat_author' || (c.type === 'choice' && c.multiple))) ok = Array.isArray(v) && v.length > 0;
    if (ok && c.type === 'textarea' && typeof c.min_length === 'number') ok = String(v).length >= c.min_length;
    if (!ok) out.push(c.name);
  }
  return out;
}

/** How the editor names component i (0-based): `Component 3 (choice "verdict")`. */
export function componentTitle(c: unknown, i: number): string {
  const o = (c && typeof c === 'object' ? c : {}) as Component;
  const type = typeof o.type === 'string' && o.type ? o.type : 'no type';
  const tag = typeof o.name === 'string' && o.name ? ` "${o.name}"` : typeof o.source === 'string' && o.source ? ` of "${o.source}"` : '';
  return `Component ${i + 1} (${type}${tag})`;
}

/** A problem with a template: `index` is the component's (0-based), null for the whole template. */
export interface TemplateProblem { index: number | null; text: string }

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const isInt = (x: unknown) => typeof x === 'number' && Number.isInteger(x);
const strings = (x: unknown): string[] | null => (Array.isArray(x) && x.every((s) => typeof s === 'string') ? x : null);

/** What is wrong with component c (its own fields; names across components are checked by the caller). */
function componentProblems(comp: Component): string[] {
  const out: string[] = [];
  const type = comp.type;
  const needsSource = (DISPLAY as readonly string[]).includes(type) || ['ranking', 'spans', 'rewrite'].includes(type);
  if (needsSource && !comp.source) out.push('source must not be empty (the item field to show, e.g. "prompt")');
  if (isInput(comp)) {
    if (!comp.name) out.push('name must not be empty');
    else if (!NAME_RE.test(comp.name)) out.push('name may hold letters, digits and _ only (at most 64, not starting with a digit)');
  }
  if (type === 'choice') {
    const opts = comp.options;
    if (!Array.isArray(opts) || !opts.length) out.push('options must not be empty');
    else {
      const values = opts.map((o) => (typeof o === 'string' ? o : (o as { value?: unknown })?.value));
      if (values.some((v) => typeof v !== 'string' || !v)) out.push('every option needs a value');
      else if (new Set(values).size !== values.length) out.push('options must not repeat');
    }
  }
  if (type === 'rating' && !(isInt(comp.min) && isInt(comp.max) && (comp.min as number) < (comp.max as number))) out.push('min and max must be whole numbers with min below max');
  if (type === 'rubric') {
    const crit = comp.criteria as { id?: unknown; label?: unknown }[] | undefined;
    if (!Array.isArray(crit) || !crit.length) out.push('criteria must not be empty');
    else {
      crit.forEach((k, j) => { if (!k || !k.id || !k.label) out.push(`criterion ${j + 1} needs an id and a label`); });
      const ids = crit.map((k) => k?.id);
      if (new Set(ids).size !== ids.length) out.push('criteria ids must not repeat');
    }
    const sc = comp.scale as { min?: unknown; max?: unknown } | undefined;
    if (!sc || !isInt(sc.min) || !isInt(sc.max) || (sc.min as number) >= (sc.max as number)) out.push('the scale needs whole numbers with min below max');
  }
  if (type === 'spans') {
    const cats = strings(comp.categories);
    if (!cats || !cats.length) out.push('categories must not be empty');
    if (comp.severities !== undefined && !strings(comp.severities)) out.push('severities must be a list of words');
  }
  if (type === 'textarea' && isInt(comp.min_length) && isInt(comp.max_length) && (comp.min_length as number) > (comp.max_length as number)) out.push('max length must be at least min length');
  return out;
}

/** Checks a template's structure, naming each component as the editor numbers it (empty = valid). */
export function templateProblems(t: unknown): TemplateProblem[] {
  if (!Array.isArray(t)) return [{ index: null, text: 'The template must be a JSON array of components.' }];
  if (!t.length) return [{ index: null, text: 'Add at least one component.' }];
  const out: TemplateProblem[] = [];
  const names = new Map<string, number>();
  t.forEach((c, i) => {
    const at = componentTitle(c, i);
    if (!c || typeof c !== 'object' || Array.isArray(c)) { out.push({ index: i, text: `Component ${i + 1}: must be an object {"type": …}` }); return; }
    const comp = c as Component;
    if (![...DISPLAY, ...INPUTS].includes(comp.type as never)) { out.push({ index: i, text: `${at}: unknown type "${String(comp.type)}"` }); return; }
    for (const p of componentProblems(comp)) out.push({ index: i, text: `${at}: ${p}` });
    if (isInput(comp) && comp.name) {
      const first = names.get(comp.name);
      if (first !== undefined) out.push({ index: i, text: `${at}: name "${comp.name}" is already used by component ${first + 1}` });
      else names.set(comp.name, i);
    }
  });
  if (!t.some((c) => c && typeof c === 'object' && isInput(c as Component))) out.push({ index: null, text: 'Add at least one input (choice, rating, pairwise …): experts need something to answer.' });
  return out;
}

/** templateProblems as sentences. */
export function validateTemplate(t: unknown): string[] {
  return templateProblems(t).map((p) => p.text);
}
