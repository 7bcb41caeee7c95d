// Renders any project template: display components read item data, input components write
// answer[name]. The same renderer is used by the workspace, the template editor preview and
// the review screen (readOnly), so managers see exactly what experts see.
// Right-to-left: every text block, input and textarea takes its direction from its text
// (dir="auto"; inline text from outside in <bdi>), and an item's `lang` is set on its container.
import React, { useMemo, useRef, useState } from 'react';
import type { Component, Template } from '../lib/api';
import { Markdown } from '../lib/markdown';
import { asText, getPath, isInput, isRequired, responsesOf } from '../lib/template';
import { findQuote, segments, selectionOffsets, type Span } from '../lib/spans';
import { wordDiff } from '../lib/diff';
import { ScrollX } from './ui';

export interface InputProps<T = unknown> {
  c: Component; data: Record<string, unknown>; value: T | undefined; onChange: (v: T | undefined) => void; readOnly?: boolean; id: string;
}

/** Keys typed in text fields never trigger shortcuts. */
export function isTyping(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  if (!el || !el.tagName) return false;
  if (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable) return true;
  return el.tagName === 'INPUT' && !['radio', 'checkbox', 'button', 'range'].includes((el as HTMLInputElement).type);
}

const letter = (i: number) => String.fromCharCode(65 + i);

// ---------- display ----------
function Display({ c, data }: { c: Component; data: Record<string, unknown> }) {
  const v = getPath(data, c.source);
  const label = c.label ? <h3 className="comp-label" dir="auto">{String(c.label)}</h3> : null;
  switch (c.type) {
    case 'text': return <div className="display">{label}<p className="plain" dir="auto">{asText(v)}</p></div>;
    case 'markdown': return <div className="display">{label}<Markdown source={asText(v)} /></div>;
    case 'code': return <div className="display">{label}<pre className="code" data-lang={c.language as string | undefined}><code>{asText(v)}</code></pre></div>;
    case 'chat': return <div className="display">{label}<ChatView messages={Array.isArray(v) ? v : []} /></div>;
    case 'responses': {
      const rs = responsesOf(v);
      return (
        <div className="display">{label}
          <div className="responses" style={{ gridTemplateColumns: `repeat(${Math.min(rs.length, 3)}, minmax(0, 1fr))` }}>
            {rs.map((r, i) => (
              <article key={r.id} className="response" aria-label={`Response ${letter(i)}`}>
                <header><span className="badge">{letter(i)}</span>{r.model ? <span className="muted"> {r.model}</span> : null}</header>
                <Markdown source={r.content} />
              </article>
            ))}
          </div>
        </div>
      );
    }
    default: return null;
  }
}

export function ChatView({ messages }: { messages: unknown[] }) {
  return (
    <ol className="chat">
      {messages.map((m, i) => {
        const o = (m ?? {}) as { role?: string; content?: unknown };
        return <li key={i} className={`turn role-${o.role ?? 'user'}`}><span className="role">{o.role ?? 'user'}</span><Markdown source={asText(o.content)} /></li>;
      })}
    </ol>
  );
}

// ---------- inputs ----------
function Choice({ c, value, onChange, readOnly, id }: InputProps<string | string[]>) {
  const opts = (c.options as string[]) ?? [];
  const multiple = !!c.multiple;
  const sel = multiple ? ((value as string[]) ?? []) : value;
  const toggle = (o: string) => {
    if (!multiple) return onChange(o);
    const cur = (value as string[]) ?? [];
    const next = cur.includes(o) ? cur.filter((x) => x !== o) : [...cur, o];
    onChange(next.length ? opts.filter((x) => next.includes(x)) : undefined);
  };
  const onKey = (e: React.KeyboardEvent) => {
    const n = Number(e.key);
    if (!readOnly && n >= 1 && n <= opts.length && !e.ctrlKey && !e.metaKey && !e.altKey) { e.preventDefault(); toggle(opts[n - 1]); }
  };
  return (
    <div className="options" role="group" onKeyDown={onKey}>
      {opts.map((o, i) => (
        <label key={o} className="option">
          <input type={multiple ? 'checkbox' : 'radio'} name={id} disabled={readOnly} checked={multiple ? (sel as string[]).includes(o) : sel === o} onChange={() => toggle(o)} />
          <kbd>{i + 1}</kbd> <bdi>{o}</bdi>
        </label>
      ))}
    </div>
  );
}

function Rating({ c, value, onChange, readOnly, id }: InputProps<number>) {
  const min = Number(c.min ?? 1); const max = Number(c.max ?? 5);
  const labels = (c.labels as string[] | undefined) ?? [];
  const vals = Array.from({ length: max - min + 1 }, (_, i) => min + i);
  const onKey = (e: React.KeyboardEvent) => {
    const n = Number(e.key);
    if (!readOnly && e.key.length === 1 && vals.includes(n) && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault(); onChange(n);
      (e.currentTarget as HTMLElement).querySelectorAll<HTMLInputElement>('input[type=radio]')[n - min]?.focus();
    }
  };
  return (
    <div className="scale" role="radiogroup" aria-label={String(c.label ?? c.name)} onKeyDown={onKey}>
      {vals.map((v, i) => (
        <label key={v} className={`scale-pt ${value === v ? 'on' : ''}`}>
          <input type="radio" name={id} value={v} disabled={readOnly} checked={value === v} onChange={() => onChange(v)} />
          <span className="num">{v}</span>
          {labels[i] ? <span className="lbl" dir="auto">{labels[i]}</span> : null}
        </label>
      ))}
    </div>
  );
}

type PairVal = { choice: 'a' | 'b' | 'tie'; strength?: number };
const STRENGTH = ['slightly', 'clearly', 'much'];
function Pairwise({ c, value, onChange, readOnly, id }: InputProps<PairVal>) {
  const withStrength = !!c.strength;
  const set = (choice: PairVal['choice']) => {
    const next: PairVal = { choice };
    if (withStrength && choice !== 'tie' && value?.strength) next.strength = value.strength;
    onChange(next);
  };
  const setS = (s: number) => { if (value && value.choice !== 'tie') onChange({ ...value, strength: s }); };
  const onKey = (e: React.KeyboardEvent) => {
    if (readOnly || e.ctrlKey || e.metaKey || e.altKey) return;
    const k = e.key.toLowerCase();
    if (k === 'a' || k === 'b') { e.preventDefault(); set(k); }
    else if (k === 't') { e.preventDefault(); set('tie'); }
    else if (withStrength && ['1', '2', '3'].includes(k)) { e.preventDefault(); setS(Number(k)); }
  };
  return (
    <div onKeyDown={onKey}>
      <div className="seg" role="radiogroup" aria-label="Which response is better?">
        {(['a', 'b', 'tie'] as const).map((o) => (
          <label key={o} className={`seg-btn ${value?.choice === o ? 'on' : ''}`}>
            <input type="radio" name={id} disabled={readOnly} checked={value?.choice === o} onChange={() => set(o)} />
            <kbd>{o === 'tie' ? 'T' : o.toUpperCase()}</kbd> {o === 'tie' ? 'Tie' : `${o.toUpperCase()} is better`}
          </label>
        ))}
      </div>
      {withStrength && value && value.choice !== 'tie' ? (
        <div className="seg small" role="radiogroup" aria-label="How much better?">
          {STRENGTH.map((s, i) => (
            <label key={s} className={`seg-btn ${value.strength === i + 1 ? 'on' : ''}`}>
              <input type="radio" name={`${id}-s`} disabled={readOnly} checked={value.strength === i + 1} onChange={() => setS(i + 1)} />
              <kbd>{i + 1}</kbd> {s} better
            </label>
          ))}
        </div>
      ) : null}
    </div>
  );
}

function Ranking({ c, data, value, onChange, readOnly }: InputProps<string[]>) {
  const rs = responsesOf(getPath(data, c.source));
  const byId = new Map(rs.map((r, i) => [r.id, { ...r, i }]));
  const order = value && value.length === rs.length ? value : rs.map((r) => r.id);
  const [drag, setDrag] = useState<string | null>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const move = (from: number, to: number) => {
    if (to < 0 || to >= order.length || from === to) return;
    const next = order.slice(); const [x] = next.splice(from, 1); next.splice(to, 0, x);
    onChange(next);
    requestAnimationFrame(() => (listRef.current?.querySelectorAll<HTMLElement>('[data-rank-item]')[to])?.focus());
  };
  return (
    <div>
      <ol className="ranking" ref={listRef} aria-label="Ranking, best first">
        {order.map((rid, pos) => {
          const r = byId.get(rid);
          return (
            <li key={rid} data-rank-item tabIndex={0} draggable={!readOnly}
              aria-label={`Position ${pos + 1}: response ${r ? letter(r.i) : rid}. Alt+Up or Alt+Down to move.`}
              className={drag === rid ? 'dragging' : ''}
              onDragStart={(e) => { setDrag(rid); e.dataTransfer.effectAllowed = 'move'; }}
              onDragOver={(e) => e.preventDefault()}
              onDrop={(e) => { e.preventDefault(); if (drag) move(order.indexOf(drag), pos); setDrag(null); }}
              onDragEnd={() => setDrag(null)}
              onKeyDown={(e) => {
                if (readOnly) return;
                if ((e.altKey || e.shiftKey) && e.key === 'ArrowUp') { e.preventDefault(); move(pos, pos - 1); }
                else if ((e.altKey || e.shiftKey) && e.key === 'ArrowDown') { e.preventDefault(); move(pos, pos + 1); }
                else if (e.key === 'ArrowUp') { e.preventDefault(); (e.currentTarget.previousElementSibling as HTMLElement | null)?.focus(); }
                else if (e.key === 'ArrowDown') { e.preventDefault(); (e.currentTarget.nextElementSibling as HTMLElement | null)?.focus(); }
                else if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); onChange(order); }
              }}>
              <span className="rank">{pos + 1}</span>
              <span className="badge">{r ? letter(r.i) : '?'}</span>
              <span className="snippet" dir="auto">{r?.content.replace(/[`*_#>]/g, "").slice(0, 140)}</span>
              {!readOnly ? (
                <span className="rank-btns">
                  <button type="button" tabIndex={-1} aria-label="Move up" onClick={() => move(pos, pos - 1)} disabled={pos === 0}>↑</button>
                  <button type="button" tabIndex={-1} aria-label="Move down" onClick={() => move(pos, pos + 1)} disabled={pos === order.length - 1}>↓</button>
                </span>
              ) : null}
            </li>
          );
        })}
      </ol>
      {!readOnly && !value ? <button type="button" className="link" onClick={() => onChange(order)}>Keep this order</button> : null}
    </div>
  );
}

type RubricVal = Record<string, { score: number; comment?: string }>;
function Rubric({ c, value, onChange, readOnly, id }: InputProps<RubricVal>) {
  const crit = (c.criteria as { id: string; label: string; description?: string }[]) ?? [];
  const scale = (c.scale as { min: number; max: number }) ?? { min: 1, max: 5 };
  const pts = Array.from({ length: scale.max - scale.min + 1 }, (_, i) => scale.min + i);
  const v = value ?? {};
  const setScore = (cid: string, score: number) => onChange({ ...v, [cid]: { ...v[cid], score } });
  const setComment = (cid: string, comment: string) => {
    const cur = { ...v[cid] } as { score: number; comment?: string };
    if (comment) cur.comment = comment; else delete cur.comment;
    onChange({ ...v, [cid]: cur });
  };
  return (
    <ScrollX label={`${String(c.label ?? "Rubric")}, scrolls sideways`}>
    <table className="rubric">
      <thead><tr><th scope="col">Criterion</th>{pts.map((p) => <th key={p} scope="col">{p}</th>)}{c.comments ? <th scope="col">Comment</th> : null}</tr></thead>
      <tbody>
        {crit.map((k) => (
          <tr key={k.id} onKeyDown={(e) => {
            const n = Number(e.key);
            if (!readOnly && !isTyping(e.target) && e.key.length === 1 && pts.includes(n)) {
              e.preventDefault(); setScore(k.id, n);
              // keep focus on the chosen radio so Tab leaves the row from there
              e.currentTarget.querySelectorAll<HTMLInputElement>('input[type=radio]')[n - scale.min]?.focus();
            }
          }}>
            <th scope="row"><span dir="auto">{k.label}</span>{k.description ? <small className="muted" dir="auto">{k.description}</small> : null}</th>
            {pts.map((p) => (
              <td key={p}>
                {readOnly ? (
                  <span className={`dot ${v[k.id]?.score === p ? 'on' : ''}`} aria-label={v[k.id]?.score === p ? `${k.label}: ${p} (chosen)` : undefined}>{v[k.id]?.score === p ? p : ''}</span>
                ) : (
                  <label className="cell">
                    <input type="radio" name={`${id}-${k.id}`} checked={v[k.id]?.score === p} onChange={() => setScore(k.id, p)} aria-label={`${k.label}: ${p}`} />
                  </label>
                )}
              </td>
            ))}
            {c.comments ? (
              <td><input type="text" dir="auto" className="comment" aria-label={`${k.label} comment`} disabled={readOnly || v[k.id]?.score === undefined}
                value={v[k.id]?.comment ?? ''} onChange={(e) => setComment(k.id, e.target.value)} /></td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
    </ScrollX>
  );
}

function Spans({ c, data, value, onChange, readOnly, id }: InputProps<Span[]>) {
  const text = asText(getPath(data, c.source));
  const cats = (c.categories as string[]) ?? []; const sevs = (c.severities as string[]) ?? [];
  const spans = value ?? [];
  const ref = useRef<HTMLDivElement>(null);
  const [pending, setPending] = useState<{ start: number; end: number } | null>(null);
  const [quote, setQuote] = useState(''); const [occ, setOcc] = useState(1);
  const [cat, setCat] = useState(cats[0] ?? ''); const [sev, setSev] = useState(sevs[0] ?? ''); const [comment, setComment] = useState('');
  const [msg, setMsg] = useState('');
  const segs = useMemo(() => segments(text, spans), [text, spans]);
  const capture = () => {
    if (readOnly || !ref.current) return;
    const o = selectionOffsets(ref.current, window.getSelection());
    if (o) { setPending(o); setQuote(text.slice(o.start, o.end)); setOcc(1); setMsg(''); }
  };
  const locate = () => {
    if (pending && text.slice(pending.start, pending.end) === quote) return pending;
    return findQuote(text, quote, Math.max(0, occ - 1));
  };
  const add = () => {
    const o = locate();
    if (!o) { setMsg(quote ? `“${quote}” is not in the text${occ > 1 ? ` ${occ} times` : ''}.` : 'Select text in the response or type a quote from it.'); return; }
    const s: Span = { start: o.start, end: o.end, text: text.slice(o.start, o.end), category: cat, severity: sev };
    if (comment.trim()) s.comment = comment.trim();
    onChange([...spans, s].sort((a, b) => a.start - b.start || a.end - b.end));
    setPending(null); setQuote(''); setComment(''); setOcc(1);
    setMsg(`Added span ${o.start}–${o.end}.`);
  };
  const remove = (i: number) => { const next = spans.filter((_, j) => j !== i); onChange(next.length ? next : undefined); };
  return (
    <div className="spans">
      <div ref={ref} className="span-text" dir="auto" onMouseUp={capture} onKeyUp={capture} role="group" aria-label="Text to annotate; select a passage to mark it">
        {segs.map((s) => s.spans.length
          ? <mark key={s.start} className={`sev-${sevs.indexOf(spans[s.spans[0]].severity)}`} title={s.spans.map((j) => `${spans[j].category} · ${spans[j].severity}`).join('\n')}>{s.text}</mark>
          : <React.Fragment key={s.start}>{s.text}</React.Fragment>)}
      </div>
      {!readOnly ? (
        <div className="span-form" onKeyDown={(e) => { if (e.key === 'Enter' && !(e.target as HTMLElement).matches('textarea')) { e.preventDefault(); add(); } }}>
          <label>Quote<input type="text" dir="auto" id={`${id}-quote`} value={quote} onChange={(e) => { setQuote(e.target.value); setPending(null); }} placeholder="select text above, or type it" /></label>
          <label className="narrow">Occurrence<input type="number" min={1} value={occ} onChange={(e) => setOcc(Math.max(1, Number(e.target.value) || 1))} /></label>
          <label>Category<select value={cat} onChange={(e) => setCat(e.target.value)}>{cats.map((x) => <option key={x}>{x}</option>)}</select></label>
          <label>Severity<select value={sev} onChange={(e) => setSev(e.target.value)}>{sevs.map((x) => <option key={x}>{x}</option>)}</select></label>
          <label className="wide">Comment<input type="text" dir="auto" value={comment} onChange={(e) => setComment(e.target.value)} placeholder="optional: why is it wrong?" /></label>
          <button type="button" onClick={add}>Add span <kbd>Enter</kbd></button>
        </div>
      ) : null}
      <p className="muted small" role="status" aria-live="polite">{msg}</p>
      {spans.length ? (
        <ul className="span-list">
          {spans.map((s, i) => (
            <li key={`${s.start}-${s.end}-${i}`}>
              <span className={`chip sev-${sevs.indexOf(s.severity)}`}>{s.severity}</span> <b><bdi>{s.category}</bdi></b> “<bdi>{s.text}</bdi>” <span className="muted">[{s.start}–{s.end}]</span>
              {s.comment ? <span> — <bdi>{s.comment}</bdi></span> : null}
              {!readOnly ? <button type="button" className="link" onClick={() => remove(i)} aria-label={`Remove span “${s.text}”`}>remove</button> : null}
            </li>
          ))}
        </ul>
      ) : <p className="muted small">No spans marked. If nothing is wrong, leave it empty{isRequired(c) ? ' (this field requires at least one span)' : ''}.</p>}
    </div>
  );
}

export function DiffView({ a, b }: { a: string; b: string }) {
  const parts = useMemo(() => wordDiff(a, b), [a, b]);
  return (
    <div className="diff" dir="auto" role="group" aria-label="Changes against the model's response">
      {parts.map((p, i) => p.op === 'same' ? <span key={i}>{p.text}</span> : p.op === 'add' ? <ins key={i}>{p.text}</ins> : <del key={i}>{p.text}</del>)}
    </div>
  );
}

function Rewrite({ c, data, value, onChange, readOnly, id }: InputProps<string>) {
  const src = asText(getPath(data, c.source));
  const cur = value ?? src;
  if (readOnly) return <div className="rewrite"><div className="label-like">Changes against the model's response</div><DiffView a={src} b={cur} /></div>;
  return (
    <div className="rewrite">
      <div className="two">
        <label className="block">Your rewrite
          <textarea id={`${id}-text`} dir="auto" rows={Math.min(18, Math.max(6, cur.split('\n').length + 1))} value={cur} readOnly={readOnly} onChange={(e) => onChange(e.target.value)} />
        </label>
        <div><div className="label-like">Diff against the model's response</div><DiffView a={src} b={cur} /></div>
      </div>
      {!readOnly && value !== undefined && value !== src ? <button type="button" className="link" onClick={() => onChange(undefined)}>Reset to the model's response</button> : null}
    </div>
  );
}

type Claim = { claim: string; verdict: 'supported' | 'contradicted' | 'unverifiable'; evidence: string };
const VERDICTS = ['supported', 'contradicted', 'unverifiable'] as const;
function Claims({ c, data, value, onChange, readOnly, id }: InputProps<Claim[]>) {
  const seed = getPath(data, c.source);
  const initial: Claim[] = Array.isArray(seed) ? seed.map((x) => ({ claim: typeof x === 'string' ? x : asText((x as { claim?: unknown })?.claim ?? x), verdict: 'unverifiable', evidence: '' })) : [];
  const rows = value ?? initial;
  const set = (i: number, patch: Partial<Claim>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const add = () => { onChange([...rows, { claim: '', verdict: 'unverifiable', evidence: '' }]); requestAnimationFrame(() => document.getElementById(`${id}-claim-${rows.length}`)?.focus()); };
  return (
    <div>
      <table className="claims">
        <thead><tr><th scope="col">Claim</th><th scope="col">Verdict</th><th scope="col">Evidence</th><th /></tr></thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              <td data-label="Claim"><textarea dir="auto" id={`${id}-claim-${i}`} aria-label={`Claim ${i + 1}`} rows={2} value={r.claim} readOnly={readOnly} onChange={(e) => set(i, { claim: e.target.value })} /></td>
              <td data-label="Verdict"><select aria-label={`Verdict for claim ${i + 1}`} value={r.verdict} disabled={readOnly} onChange={(e) => set(i, { verdict: e.target.value as Claim['verdict'] })}>{VERDICTS.map((v) => <option key={v}>{v}</option>)}</select></td>
              <td data-label="Evidence"><textarea dir="auto" aria-label={`Evidence for claim ${i + 1}`} rows={2} value={r.evidence} readOnly={readOnly} onChange={(e) => set(i, { evidence: e.target.value })} /></td>
              <td>{!readOnly ? <button type="button" className="link" onClick={() => { const n = rows.filter((_, j) => j !== i); onChange(n.length ? n : undefined); }} aria-label={`Remove claim ${i + 1}`}>remove</button> : null}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!readOnly ? <button type="button" onClick={add}>Add claim</button> : null}
    </div>
  );
}

type Turn = { role: 'user' | 'assistant'; content: string };
function ChatAuthor({ value, onChange, readOnly, id }: InputProps<Turn[]>) {
  const turns = value ?? [];
  const add = () => {
    const role: Turn['role'] = turns.length % 2 === 0 ? 'user' : 'assistant';
    onChange([...turns, { role, content: '' }]);
    requestAnimationFrame(() => document.getElementById(`${id}-turn-${turns.length}`)?.focus());
  };
  return (
    <div className="chat-author">
      <ol className="chat">
        {turns.map((t, i) => (
          <li key={i} className={`turn role-${t.role}`}>
            <select aria-label={`Role of turn ${i + 1}`} value={t.role} disabled={readOnly} onChange={(e) => onChange(turns.map((x, j) => (j === i ? { ...x, role: e.target.value as Turn['role'] } : x)))}>
              <option value="user">user</option><option value="assistant">assistant</option>
            </select>
            <textarea id={`${id}-turn-${i}`} dir="auto" aria-label={`Turn ${i + 1} (${t.role})`} rows={3} value={t.content} readOnly={readOnly}
              onChange={(e) => onChange(turns.map((x, j) => (j === i ? { ...x, content: e.target.value } : x)))} />
            {!readOnly ? <button type="button" className="link" onClick={() => { const n = turns.filter((_, j) => j !== i); onChange(n.length ? n : undefined); }}>remove</button> : null}
          </li>
        ))}
      </ol>
      {!readOnly ? <button type="button" onClick={add}>Add {turns.length % 2 === 0 ? 'user' : 'assistant'} turn</button> : null}
    </div>
  );
}

function TextArea({ c, value, onChange, readOnly, id }: InputProps<string>) {
  const min = c.min_length as number | undefined; const max = c.max_length as number | undefined;
  const len = (value ?? '').length;
  return (
    <div>
      <textarea id={`${id}-text`} dir="auto" aria-label={String(c.label ?? c.name)} rows={5} value={value ?? ''} readOnly={readOnly} maxLength={max}
        onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)} />
      {min || max ? <div className={`muted small ${min && len < min ? 'warn' : ''}`}>{len}{max ? ` / ${max}` : ''} characters{min ? ` (at least ${min})` : ''}</div> : null}
    </div>
  );
}

const INPUT_VIEWS: Record<string, (p: InputProps<any>) => React.ReactElement> = {
  choice: Choice, rating: Rating, pairwise: Pairwise, ranking: Ranking, rubric: Rubric, spans: Spans,
  rewrite: Rewrite, claims: Claims, chat_author: ChatAuthor, textarea: TextArea,
};

export const HINTS: Record<string, string> = {
  choice: '1–9 pick an option', rating: 'digits set the score', pairwise: 'A / B / T, then 1–3 for strength',
  ranking: '↑↓ focus, Alt+↑↓ move', rubric: 'Tab to a row, digits set its score', spans: 'select text or type a quote, Enter adds',
  rewrite: 'edit the text; the diff updates live', claims: 'Tab through the table', chat_author: 'add turns, write each one', textarea: '',
};

export function TemplateView({ template, data, answer, onChange, readOnly, missingNames = [], idPrefix = 'f' }: {
  template: Template; data: Record<string, unknown>; answer: Record<string, unknown>;
  onChange?: (name: string, v: unknown) => void; readOnly?: boolean; missingNames?: string[]; idPrefix?: string;
}) {
  const lang = typeof data.lang === 'string' ? data.lang : undefined; // the item's language (BCP 47)
  return (
    <div className="template" lang={lang}>
      {template.map((c, i) => {
        if (!isInput(c)) return <Display key={i} c={c} data={data} />;
        const View = INPUT_VIEWS[c.type];
        const name = c.name ?? `field${i}`;
        const id = `${idPrefix}-${name}`;
        const miss = missingNames.includes(name);
        return (
          <section key={i} className={`input-block ${miss ? 'missing' : ''}`} data-input={name} tabIndex={-1} aria-labelledby={`${id}-h`}>
            <h3 id={`${id}-h`} className="comp-label">
              <bdi>{String(c.label ?? name)}</bdi>{isRequired(c) ? <span className="req" aria-label="required"> *</span> : <span className="muted"> (optional)</span>}
              {!readOnly && HINTS[c.type] ? <span className="hint">{HINTS[c.type]}</span> : null}
            </h3>
            {c.description ? <p className="muted small" dir="auto">{String(c.description)}</p> : null}
            <View c={c} data={data} value={answer[name]} id={id} readOnly={readOnly} onChange={(v) => onChange?.(name, v)} />
          </section>
        );
      })}
    </div>
  );
}
