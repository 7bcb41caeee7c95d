import { describe, expect, it, vi, afterEach } from 'vitest';
import React from 'react';
import { render, cleanup, waitFor, fireEvent } from '@testing-library/react';
import { QualityPage, WorkerAccuracy, ConfidenceHistogram, FieldQualityView, ScoresView, SpanAgreementView } from './Quality';
import { ReviewPage } from './Review';
import { alphaReading, confidenceBins, lowestConfidence, rankWorkers } from '../lib/quality';
import { clearItemCache } from '../lib/items';
import type { Quality, QualityField, QualityWorker } from '../lib/api';

afterEach(() => { cleanup(); vi.unstubAllGlobals(); vi.useRealTimers(); clearItemCache(); });

const worker = (name: string, accuracy: number, gold: QualityWorker['gold'] = null): QualityWorker =>
  ({ expert_id: `id-${name}`, name, email: `${name}@x.org`, labels: 10, accuracy, gold });
const FIELD: QualityField = {
  field: 'preference', component: 'pairwise', level: 'nominal', method: 'ds',
  agreement: { percent: 0.71, krippendorff_alpha: 0.52, fleiss_kappa: 0.5, items_with_2plus: 40 },
  workers: [worker('ana', 0.9, { correct: 9, total: 10, low: 0.6, high: 0.98 }), worker('bo', 0.86), worker('cy', 0.88), worker('dee', 0.55, { correct: 2, total: 10, low: 0.06, high: 0.51 })],
  labels: [
    { item_id: 'i1', external_id: 'q1', label: 'a', confidence: 0.97, votes: { a: 3 } },
    { item_id: 'i2', external_id: 'q2', label: 'b', confidence: 0.41, votes: { b: 2, a: 1 } },
    { item_id: 'i3', external_id: null, label: 'tie', confidence: 0.55, votes: { tie: 1, a: 1 } },
  ],
  labels_total: 3,
};
const REPORT = (stale: boolean): Quality => ({
  project_id: 'p1', version: 3, computed_at: '2026-11-23T10:00:00Z', stale, items: 3, submissions: 8,
  overlap: { overlap: 2, max_overlap: 4, target_confidence: 0.9, items_decided: 1, items_open: 2 }, fields: [FIELD], scores: [], spans: [],
});

describe('quality readings', () => {
  it('reads alpha with Krippendorff’s cut-offs and says when there is too little data', () => {
    expect(alphaReading(0.85, 100).level).toBe('good');
    expect(alphaReading(0.7, 100).level).toBe('tentative');
    expect(alphaReading(0.6669, 100).level).toBe('unreliable');
    expect(alphaReading(null, 0).level).toBe('unknown');
    expect(alphaReading(0.9, 5).text).toMatch(/Only 5 items/);
  });
  it('ranks workers best first and flags the one far below the others', () => {
    const rows = rankWorkers(FIELD.workers);
    expect(rows.map((r) => r.name)).toEqual(['ana', 'cy', 'bo', 'dee']);
    expect(rows.filter((r) => r.far).map((r) => r.name)).toEqual(['dee']);
    // a gold interval wholly under the others' median flags even a close accuracy
    const close = rankWorkers([worker('a', 0.9), worker('b', 0.88), worker('c', 0.8, { correct: 3, total: 10, low: 0.1, high: 0.6 })]);
    expect(close.find((r) => r.name === 'c')!.far).toBe(true);
    expect(rankWorkers([worker('a', 0.9), worker('b', 0.2)]).some((r) => r.far)).toBe(false); // two workers: no "rest"
  });
  it('bins confidences over [0, 1] and lists the least certain first', () => {
    expect(confidenceBins(FIELD.labels, 10)).toEqual([0, 0, 0, 0, 1, 1, 0, 0, 0, 1]);
    expect(confidenceBins([{ ...FIELD.labels[0], confidence: 1 }], 10)[9]).toBe(1);
    expect(lowestConfidence(FIELD.labels, 2).map((l) => l.item_id)).toEqual(['i2', 'i3']);
  });
});

describe('quality components', () => {
  it('draws one accuracy row per worker with the gold interval, flagged in words', () => {
    const r = render(<WorkerAccuracy field={FIELD} />);
    const tracks = r.getAllByRole('img');
    expect(tracks).toHaveLength(4);
    expect(tracks[3].getAttribute('aria-label')).toBe('dee: accuracy 55%, gold 2 of 10 (95% interval 6%–51%), far below the rest');
    const ci = tracks[3].querySelector('.gold-ci') as HTMLElement;
    expect(ci.style.left).toBe('6%');
    expect(parseFloat(ci.style.width)).toBeCloseTo(45);
    expect(r.getByText('1 expert far below the rest.')).toBeTruthy();
  });
  it('shows pairwise agreement as the fraction the server sends, full agreement as 100%, none measured as —', () => {
    const agreeing = (percent: number | null) => {
      const r = render(<FieldQualityView projectId="p1" field={{ ...FIELD, agreement: { ...FIELD.agreement, percent } }} />);
      const text = r.getByText('pairs of labels that agree').previousElementSibling!.textContent;
      r.unmount();
      return text;
    };
    expect(agreeing(0.71)).toBe('71%');
    expect(agreeing(1.0000000000000002)).toBe('100%'); // a mean of shares may round just past 1
    expect(agreeing(null)).toBe('—');
  });
  it('histogram bars follow the bins', () => {
    const { container } = render(<ConfidenceHistogram labels={FIELD.labels} total={10} />);
    const titles = [...container.querySelectorAll('rect title')].map((t) => t.textContent);
    expect(titles[4]).toBe('1 label with confidence 40–50%');
    expect(titles[0]).toBe('0 labels with confidence 0–10%');
    expect(container.textContent).toContain('the first 3 of 10 items');
  });
  it('shows "stale — recomputing" and looks again until the report is fresh', async () => {
    let calls = 0;
    vi.stubGlobal('fetch', vi.fn(async (url: string) => {
      const json = (b: unknown) => new Response(JSON.stringify(b), { status: 200 });
      if (url.includes('/quality')) return json(REPORT(calls++ === 0));
      return json({ id: 'p1', name: 'Capitals', template: [], instructions: '', overlap: 2, lease_seconds: 60 });
    }));
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const r = render(<QualityPage projectId="p1" />);
    await r.findByText('stale — recomputing…');
    expect(r.getByText(/Unreliable: experts disagree/)).toBeTruthy();
    const link = r.getByRole('link', { name: 'Submissions for item q2' });
    expect(link.getAttribute('href')).toBe('#/manage/p1/submissions/i2');
    await vi.advanceTimersByTimeAsync(3100);
    await waitFor(() => expect(r.queryByText('stale — recomputing…')).toBeNull());
    expect(calls).toBe(2);
  });
});

describe('choosing the aggregation', () => {
  it('asks the server for the chosen method and says which one the labels and accuracies come from', async () => {
    const urls: string[] = [];
    vi.stubGlobal('fetch', vi.fn(async (url: string) => {
      urls.push(url);
      const method = new URL(url, 'http://x').searchParams.get('method') ?? 'ds';
      const body = url.includes('/quality') ? { ...REPORT(false), fields: [{ ...FIELD, method }] } : { id: 'p1', name: 'P', template: [] };
      return new Response(JSON.stringify(body), { status: 200 });
    }));
    const r = render(<QualityPage projectId="p1" />);
    await r.findByText(/labels by Dawid–Skene/);
    expect(urls.find((u) => u.includes('/quality'))).toContain('method=ds');
    fireEvent.change(r.getByLabelText('Aggregation'), { target: { value: 'glad' } });
    await r.findByText(/labels by GLAD \(expert ability and item difficulty\)/);
    expect(urls.filter((u) => u.includes('/quality')).pop()).toContain('method=glad');
    expect(r.getByText(/Bar: chance of a right answer on an item of average difficulty \(GLAD\)/)).toBeTruthy();
  });
});

describe('scores and marked text', () => {
  it('shows each criterion with its mean, how the scale was used and each expert’s level', () => {
    const r = render(<ScoresView scores={[{
      field: 'grade', criterion: 'accuracy', label: 'Medically accurate', scale: { min: 1, max: 5 }, answers: 5, mean: 3,
      distribution: [1, 0, 2, 1, 1], items_total: 2, items: [],
      experts: [{ expert_id: 'e1', name: 'Ana', answers: 3, mean: 4, stddev: 0.5 }, { expert_id: 'expert-0b1c2d3e', answers: 2, mean: 1.5, stddev: 0.7 }],
    }]} />);
    expect(r.getByRole('rowheader').textContent).toBe('grade · Medically accurate');
    expect(r.getByText('3.00')).toBeTruthy();
    expect(r.getByRole('img').getAttribute('aria-label')).toBe('grade · Medically accurate: 1 × 1, 0 × 2, 2 × 3, 1 × 4, 1 × 5');
    expect(r.getByText('Ana 4.0 ± 0.5 · expert-0b1c2d3e 1.5 ± 0.7')).toBeTruthy();
  });
  it('shows span agreement as exact and overlapping F1', () => {
    const r = render(<SpanAgreementView spans={[{ field: 'errors', items_with_2plus: 2, pairs: 3, spans: 7, exact_f1: 0.25, overlap_f1: 2 / 3 }]} />);
    const cells = r.getAllByRole('cell').map((c) => c.textContent);
    expect(cells).toEqual(['25%', '67%', '2 (3 pairs of experts)', '7']);
  });
});

describe('review queue', () => {
  it('asks the server for the riskiest first (then oldest) and shows each item, prefetching the next', async () => {
    const urls: string[] = [];
    vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit = {}) => {
      urls.push(`${init.method ?? 'GET'} ${url}`);
      const json = (b: unknown) => new Response(JSON.stringify(b), { status: 200 });
      if (url.includes('/submissions?')) return json({ next_cursor: null, submissions: ['s1', 's2'].map((id, n) => ({
        id, item_id: `i${n + 1}`, expert_id: 'e1', expert: { id: 'e1', email: 'eli@x.org', name: 'Eli' }, answer: { score: n + 1 },
        active_ms: 1000, submitted_at: '2026-11-23T10:00:00Z', state: 'pending', review: null })) });
      if (url.includes('/items/')) { const id = url.split('/items/')[1]; return json({ id, external_id: `ext-${id}`, data: { q: `Question of ${id}` }, gold: null }); }
      if (url.includes('/review')) return json({ verdict: 'approve', reason: '' });
      return json({ id: 'p1', name: 'P', instructions: '', overlap: 1, lease_seconds: 60, template: [{ type: 'text', source: 'q' }, { type: 'rating', name: 'score', min: 1, max: 5 }] });
    }));
    const r = render(<ReviewPage projectId="p1" />);
    await r.findByText('Question of i1');
    expect(urls.find((u) => u.includes('/submissions?'))).toContain('order=risk');
    expect(r.getByText(/by Eli/)).toBeTruthy();
    await waitFor(() => expect(urls).toContain('GET /api/v1/items/i2')); // the next one, before it is needed
    fireEvent.keyDown(window, { key: 'a' });
    await r.findByText('Question of i2');
    expect(urls.filter((u) => u === 'GET /api/v1/items/i2')).toHaveLength(1);
    expect(urls).toContain('POST /api/v1/submissions/s1/review');
  });
});

describe('what a reviewer sees (experts as pseudonyms, no names or emails)', () => {
  const blind = (id: string, accuracy: number): QualityWorker => ({ expert_id: id, labels: 10, accuracy, gold: null });
  it('ranks and names experts by their pseudonyms, ties included', () => {
    const field = { ...FIELD, workers: [blind('expert-3fa2c1d9', 0.8), blind('expert-0b1c2d3e', 0.8), blind('expert-99aa77bb', 0.75)] };
    const r = render(<WorkerAccuracy field={field} />);
    expect(r.getAllByRole('rowheader').map((th) => th.textContent)).toEqual(['expert-0b1c2d3e', 'expert-3fa2c1d9', 'expert-99aa77bb']);
    expect(r.getAllByRole('img')[0].getAttribute('aria-label')).toBe('expert-0b1c2d3e: accuracy 80%');
    expect(r.getByText(/Experts are shown by pseudonyms/)).toBeTruthy();
  });
  it('the review queue names the expert by the pseudonym, whole', async () => {
    vi.stubGlobal('fetch', vi.fn(async (url: string) => {
      const json = (b: unknown) => new Response(JSON.stringify(b), { status: 200 });
      if (url.includes('/submissions?')) return json({ next_cursor: null, submissions: [{ id: 's1', item_id: 'i1', expert_id: 'expert-3fa2c1d9', answer: { score: 2 },
        active_ms: 1000, submitted_at: '2026-11-23T10:00:00Z', state: 'pending', review: null }] });
      if (url.includes('/items/')) return json({ id: 'i1', external_id: 'q1', data: { q: 'Question one' }, gold: null });
      return json({ id: 'p1', name: 'P', instructions: '', overlap: 1, lease_seconds: 60, template: [{ type: 'text', source: 'q' }, { type: 'rating', name: 'score', min: 1, max: 5 }] });
    }));
    const r = render(<ReviewPage projectId="p1" />);
    await r.findByText('Question one');
    expect(r.container.querySelector('.review-meta')!.textContent).toContain('by expert-3fa2c1d9 (judged blind)');
  });
});
