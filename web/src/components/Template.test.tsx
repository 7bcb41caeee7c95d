import { describe, expect, it, afterEach } from 'vitest';
import React, { useState } from 'react';
import { render, fireEvent, cleanup, act } from '@testing-library/react';
import { TemplateView } from './Template';
import type { Template } from '../lib/api';
import { selectionOffsets } from '../lib/spans';

afterEach(cleanup);

const DATA = {
  prompt: 'Q?',
  text: 'Paris is the capital of Germany. 😀 It has 2 million people.',
  responses: [{ id: 'r1', content: 'First answer' }, { id: 'r2', content: 'Second answer' }, { id: 'r3', content: 'Third' }],
  claims: ['Paris is in France'],
};

function harness(template: Template) {
  const out: { answer: Record<string, unknown> } = { answer: {} };
  function H() {
    const [a, setA] = useState<Record<string, unknown>>({});
    out.answer = a;
    return <TemplateView template={template} data={DATA} answer={a} onChange={(n, v) => setA((x) => { const y = { ...x }; if (v === undefined) delete y[n]; else y[n] = v; return y; })} />;
  }
  const r = render(<H />);
  return { ...r, out };
}
const key = (el: Element, k: string, extra: object = {}) => fireEvent.keyDown(el, { key: k, ...extra });

describe('input components produce the answer shapes of docs/api.md', () => {
  it('choice: string, and [string] when multiple', () => {
    const { getByLabelText, out } = harness([{ type: 'choice', name: 'c', options: ['yes', 'no'] }, { type: 'choice', name: 'm', options: ['x', 'y', 'z'], multiple: true }]);
    fireEvent.click(getByLabelText(/no/));
    fireEvent.click(getByLabelText(/z/)); fireEvent.click(getByLabelText(/x/));
    expect(out.answer).toEqual({ c: 'no', m: ['x', 'z'] });
  });
  it('rating: integer, by click and by digit key', () => {
    const { container, out } = harness([{ type: 'rating', name: 'r', min: 1, max: 5 }]);
    const radios = container.querySelectorAll('input[type=radio]');
    fireEvent.click(radios[1]); expect(out.answer).toEqual({ r: 2 });
    key(radios[1], '4'); expect(out.answer).toEqual({ r: 4 });
  });
  it('pairwise: {choice, strength} with keys A/B/T and 1–3', () => {
    const { container, out } = harness([{ type: 'pairwise', name: 'p', strength: true }]);
    const r = container.querySelector('input[type=radio]')!;
    key(r, 'b'); expect(out.answer).toEqual({ p: { choice: 'b' } });
    key(r, '3'); expect(out.answer).toEqual({ p: { choice: 'b', strength: 3 } });
    key(r, 't'); expect(out.answer).toEqual({ p: { choice: 'tie' } });
  });
  it('ranking: all response ids, best first, moved by keyboard', () => {
    const { container, out } = harness([{ type: 'ranking', name: 'rk', source: 'responses' }]);
    const items = () => container.querySelectorAll('[data-rank-item]');
    act(() => { key(items()[2], 'ArrowUp', { altKey: true }); });
    expect(out.answer).toEqual({ rk: ['r1', 'r3', 'r2'] });
    act(() => { key(items()[1], 'ArrowUp', { altKey: true }); });
    expect(out.answer).toEqual({ rk: ['r3', 'r1', 'r2'] });
  });
  it('rubric: {criterion: {score, comment?}}', () => {
    const { getByLabelText, out } = harness([{ type: 'rubric', name: 'rb', comments: true, criteria: [{ id: 'acc', label: 'Accuracy' }, { id: 'clar', label: 'Clarity' }], scale: { min: 1, max: 3 } }]);
    fireEvent.click(getByLabelText('Accuracy: 3'));
    key(getByLabelText('Clarity: 1'), '2');
    fireEvent.change(getByLabelText('Accuracy comment'), { target: { value: 'wrong capital' } });
    expect(out.answer).toEqual({ rb: { acc: { score: 3, comment: 'wrong capital' }, clar: { score: 2 } } });
  });
  it('spans: typed quote gives UTF-16 offsets whose slice equals text', () => {
    const { getByPlaceholderText, getByText, out } = harness([{ type: 'spans', name: 's', source: 'text', categories: ['factual', 'style'], severities: ['minor', 'major'] }]);
    fireEvent.change(getByPlaceholderText(/select text above/), { target: { value: 'million' } });
    fireEvent.click(getByText(/Add span/));
    const s = (out.answer.s as any[])[0];
    expect(s).toEqual({ start: 45, end: 52, text: 'million', category: 'factual', severity: 'minor' });
    expect(DATA.text.slice(s.start, s.end)).toBe('million');
  });
  it('rewrite: string, starting from the source; diff shows the change', () => {
    const { container, out } = harness([{ type: 'rewrite', name: 'rw', source: 'text' }]);
    const ta = container.querySelector('textarea')!;
    expect(ta.value).toBe(DATA.text);
    fireEvent.change(ta, { target: { value: DATA.text.replace('Germany', 'France') } });
    expect(out.answer).toEqual({ rw: DATA.text.replace('Germany', 'France') });
    expect(container.querySelector('ins')!.textContent).toContain('France');
    expect(container.querySelector('del')!.textContent).toContain('Germany');
  });
  it('claims: [{claim, verdict, evidence}]', () => {
    const { getByLabelText, out } = harness([{ type: 'claims', name: 'cl', source: 'claims' }]);
    fireEvent.change(getByLabelText('Verdict for claim 1'), { target: { value: 'supported' } });
    fireEvent.change(getByLabelText('Evidence for claim 1'), { target: { value: 'Any atlas' } });
    expect(out.answer).toEqual({ cl: [{ claim: 'Paris is in France', verdict: 'supported', evidence: 'Any atlas' }] });
  });
  it('chat_author: [{role, content}] alternating user/assistant', () => {
    const { getByText, getByLabelText, out } = harness([{ type: 'chat_author', name: 'ca' }]);
    fireEvent.click(getByText(/Add user turn/));
    fireEvent.change(getByLabelText('Turn 1 (user)'), { target: { value: 'Hi' } });
    fireEvent.click(getByText(/Add assistant turn/));
    fireEvent.change(getByLabelText('Turn 2 (assistant)'), { target: { value: 'Hello!' } });
    expect(out.answer).toEqual({ ca: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello!' }] });
  });
  it('textarea: string; empty removes the answer', () => {
    const { container, out } = harness([{ type: 'textarea', name: 't', min_length: 3 }]);
    const ta = container.querySelector('textarea')!;
    fireEvent.change(ta, { target: { value: 'abc' } }); expect(out.answer).toEqual({ t: 'abc' });
    fireEvent.change(ta, { target: { value: '' } }); expect(out.answer).toEqual({});
  });
});

describe('span selector', () => {
  it('computes UTF-16 offsets from a DOM selection across highlighted marks', () => {
    const root = document.createElement('div');
    root.innerHTML = 'I 😀 <mark>like</mark> cats and dogs';
    document.body.appendChild(root);
    const text = root.textContent!;
    const sel = window.getSelection()!;
    const r = document.createRange();
    r.setStart(root.querySelector('mark')!.firstChild!, 1); // "ike"
    r.setEnd(root.lastChild!, 5); // " cats"
    sel.removeAllRanges(); sel.addRange(r);
    const o = selectionOffsets(root, sel)!;
    expect(o).toEqual({ start: 6, end: 14 });
    expect(text.slice(o.start, o.end)).toBe('ike cats');
    root.remove();
  });
  it('ignores selections outside the text', () => {
    const root = document.createElement('div'); root.textContent = 'abc';
    const other = document.createElement('p'); other.textContent = 'zzz';
    document.body.append(root, other);
    const r = document.createRange(); r.selectNodeContents(other);
    const sel = window.getSelection()!; sel.removeAllRanges(); sel.addRange(r);
    expect(selectionOffsets(root, sel)).toBeNull();
  });
});

describe('ranking by drag and drop', () => {
  it('dropping the third response on the first position puts it first', () => {
    const { container, out } = harness([{ type: 'ranking', name: 'rk', source: 'responses' }]);
    const items = container.querySelectorAll('[data-rank-item]');
    fireEvent.dragStart(items[2], { dataTransfer: { effectAllowed: '' } });
    fireEvent.dragOver(items[0]);
    fireEvent.drop(items[0]);
    expect(out.answer).toEqual({ rk: ['r3', 'r1', 'r2'] });
  });
});

describe('read-only rendering (review)', () => {
  it('shows the chosen values without editable controls', () => {
    const t: Template = [{ type: 'rubric', name: 'rb', criteria: [{ id: 'acc', label: 'Accuracy' }], scale: { min: 1, max: 3 } }, { type: 'rewrite', name: 'rw', source: 'text' }];
    const { container } = render(<TemplateView template={t} data={DATA} answer={{ rb: { acc: { score: 2 } }, rw: 'Paris is the capital of France.' }} readOnly />);
    expect(container.querySelector('.dot.on')!.textContent).toBe('2');
    expect(container.querySelector('textarea')).toBeNull();
    expect(container.querySelector('ins')!.textContent).toContain('France');
  });
});

describe('right to left: every display and input takes its direction from its text', () => {
  const ALL: Template = [
    { type: 'text', source: 'prompt', label: 'السؤال' }, { type: 'markdown', source: 'prompt' }, { type: 'chat', source: 'chat' },
    { type: 'responses', source: 'responses' }, { type: 'choice', name: 'c', options: ['نعم', 'لا'] },
    { type: 'rating', name: 'r', min: 1, max: 3, labels: ['ضعيف', 'متوسط', 'جيد'] }, { type: 'ranking', name: 'k', source: 'responses' },
    { type: 'rubric', name: 'g', comments: true, criteria: [{ id: 'a', label: 'دقة', description: 'هل هي صحيحة؟' }] },
    { type: 'spans', name: 's', source: 'prompt', categories: ['خطأ'], severities: ['minor'] }, { type: 'rewrite', name: 'w', source: 'prompt' },
    { type: 'claims', name: 'cl', source: 'claims' }, { type: 'chat_author', name: 'ca' }, { type: 'textarea', name: 't', label: 'لماذا؟' },
  ];
  const AR = {
    lang: 'ar', prompt: 'ما هي عاصمة أستراليا؟\n\nالجواب: كانبرا.', chat: [{ role: 'user', content: 'مرحبا' }],
    responses: [{ id: 'a', content: 'كانبرا' }, { id: 'b', content: 'سيدني' }], claims: ['كانبرا هي العاصمة'],
  };
  it('sets the item’s lang on its container and dir="auto" on every text block, input and textarea', () => {
    const { container, getByText } = render(<TemplateView template={ALL} data={AR} answer={{ ca: [{ role: 'user', content: 'שלום' }] }} onChange={() => {}} />);
    expect(container.querySelector('.template')!.getAttribute('lang')).toBe('ar');
    const noDir = [...container.querySelectorAll('textarea, input[type=text]')].filter((el) => el.getAttribute('dir') !== 'auto');
    expect(noDir.map((el) => el.outerHTML)).toEqual([]);
    expect(container.querySelectorAll('textarea').length).toBeGreaterThanOrEqual(5); // rewrite, 2 claims, chat turn, textarea
    // display text: the plain text, every markdown block (prompt, chat, responses), the span text and the diff
    for (const sel of ['p.plain', '.md p', '.chat .md p', '.response .md p', '.span-text', '.diff', '.ranking .snippet', '.scale-pt .lbl', '.rubric th span']) {
      const els = [...container.querySelectorAll(sel)];
      expect(els.length, sel).toBeGreaterThan(0);
      for (const el of els) expect(el.getAttribute('dir'), sel).toBe('auto');
    }
    // labels and options written by managers are isolated, so an Arabic word does not reorder the line
    expect(getByText('نعم').tagName).toBe('BDI');
    expect(getByText('لماذا؟').tagName).toBe('BDI');
  });
  it('an item without lang leaves its container without one', () => {
    const { container } = render(<TemplateView template={[{ type: 'text', source: 'prompt' }]} data={{ prompt: 'hi' }} answer={{}} />);
    expect(container.querySelector('.template')!.hasAttribute('lang')).toBe(false);
  });
});
