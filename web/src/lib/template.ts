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

/** Checks a template's structure; returns human-readable problems (empty = valid). */
export function validateTemplate(t: unknown): string[] {
  const errs: string[] = [];
  if (!Array.isArray(t)) return ['The template must be a JSON array of components.'];
  const names = new Set<string>();
  t.forEach((c, i) => {
    const at = `component ${i + 1}`;
    if (!c || typeof c !== 'object') { errs.push(`${at}: must be an object`); return; }
    const type = (c as Component).type;
    if (![...DISPLAY, ...INPUTS].includes(type as never)) { errs.push(`${at}: unknown type "${type}"`); return; }
    const comp = c as Component;
    if ((DISPLAY as readonly string[]).includes(type) && !comp.source) errs.push(`${at} (${type}): needs "source"`);
    if ((INPUTS as readonly string[]).includes(type)) {
      if (!comp.name) errs.push(`${at} (${type}): needs "name"`);
      else if (names.has(comp.name)) errs.push(`${at}: duplicate name "${comp.name}"`);
      else names.add(comp.name);
    }
    if (type === 'choice' && (!Array.isArray(comp.options) || comp.options.length < 2)) errs.push(`${at} (choice): "options" needs at least 2 entries`);
    if (type === 'rating' && !(typeof comp.min === 'number' && typeof comp.max === 'number' && comp.min < comp.max)) errs.push(`${at} (rating): needs numeric "min" < "max"`);
    if (type === 'rubric') {
      if (!Array.isArray(comp.criteria) || !comp.criteria.length) errs.push(`${at} (rubric): needs "criteria"`);
      const sc = comp.scale as { min?: number; max?: number } | undefined;
      if (!sc || typeof sc.min !== 'number' || typeof sc.max !== 'number' || sc.min >= sc.max) errs.push(`${at} (rubric): needs "scale": {"min", "max"}`);
    }
    if (type === 'spans' && (!comp.source || !Array.isArray(comp.categories) || !Array.isArray(comp.severities))) errs.push(`${at} (spans): needs "source", "categories" and "severities"`);
    if ((type === 'ranking' || type === 'rewrite') && !comp.source) errs.push(`${at} (${type}): needs "source"`);
  });
  return errs;
}
