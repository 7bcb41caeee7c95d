import { describe, expect, it, afterEach } from 'vitest';
import React from 'react';
import { render, fireEvent, cleanup, within } from '@testing-library/react';
import { ProjectEdit } from './ManagerProjects';
import { ProgressPage } from './Progress';
import { CoverageChart, ThroughputChart } from '../components/charts';

afterEach(cleanup);

describe('template editor', () => {
  it('validates the JSON live and previews with the workspace renderer', () => {
    const r = render(<ProjectEdit />);
    fireEvent.click(r.getByRole('button', { name: 'Advanced: JSON' }));
    const tpl = r.getByLabelText('Template (JSON array of components)');
    fireEvent.change(tpl, { target: { value: '[{"type": "rating", "name": "q"' } });
    expect(r.getByText(/The JSON does not parse:/)).toBeTruthy();
    fireEvent.change(tpl, { target: { value: '[{"type":"rating","name":"q","label":"How good?","min":1,"max":3}]' } });
    expect(r.getByText('Template is valid.')).toBeTruthy();
    const preview = r.getByLabelText('Preview: what the expert sees');
    expect(preview.textContent).toContain('How good?');
    fireEvent.click(preview.querySelectorAll('input[type=radio]')[2]);
    expect(preview.querySelector('pre')!.textContent).toContain('"q": 3');
    fireEvent.change(tpl, { target: { value: '[{"type":"rating","name":"q","min":5,"max":1}]' } });
    expect(r.getByText('Component 1 (rating "q"): min and max must be whole numbers with min below max')).toBeTruthy();
    expect(r.getByText('Fix the errors to see the preview.')).toBeTruthy();
  });
});

describe('charts', () => {
  it('throughput draws one bar per bucket, with counts in titles', () => {
    const { container } = render(<ThroughputChart points={[{ bucket_start: '2026-01-01T00:00:00Z', submissions: 3 }, { bucket_start: '2026-01-01T01:00:00Z', submissions: 0 }, { bucket_start: '2026-01-01T02:00:00Z', submissions: 6 }]} />);
    const bars = container.querySelectorAll('rect');
    expect(bars).toHaveLength(3);
    expect(Number(bars[2].getAttribute('height'))).toBeGreaterThan(Number(bars[0].getAttribute('height')));
    expect(Number(bars[1].getAttribute('height'))).toBe(0);
  });
  it('coverage groups items by submission count up to the overlap', () => {
    const { container } = render(<CoverageChart counts={[0, 0, 1, 2, 2, 2]} overlap={2} />);
    const titles = [...container.querySelectorAll('rect title')].map((t) => t.textContent);
    expect(titles).toEqual(['2 items with 0 submissions', '1 item with 1 submission', '3 items with 2 submissions']);
    expect(container.querySelectorAll('rect.bar-done')).toHaveLength(1);
  });
});

import { expertRows } from '../components/charts';
describe('expertRows', () => {
  it('counts states and takes the median active time per expert', () => {
    const rows = expertRows([
      { expert_id: 'e1', state: 'approved', active_ms: 10_000 }, { expert_id: 'e1', state: 'rejected', active_ms: 30_000 },
      { expert_id: 'e1', state: 'pending', active_ms: 20_000 }, { expert_id: 'e2', state: 'approved', active_ms: 5_000 },
    ]);
    expect(rows).toEqual([
      { expert: 'e1', approved: 1, rejected: 1, pending: 1, median_active_s: 20 },
      { expert: 'e2', approved: 1, rejected: 0, pending: 0, median_active_s: 5 },
    ]);
  });
});

import { GoldCheck } from './Review';
describe('GoldCheck', () => {
  it('marks each gold field as matching or not, ignoring key order', () => {
    const { container } = render(<GoldCheck gold={{ pref: { choice: 'a', strength: 2 }, score: 4 }} answer={{ pref: { strength: 2, choice: 'a' }, score: 3 }} />);
    expect([...container.querySelectorAll('.chip')].map((c) => c.textContent)).toEqual(['pref: matches', 'score: differs']);
  });
});

import { vi } from 'vitest';
import { waitFor } from '@testing-library/react';
import { SubmissionsPage } from './Submissions';
describe('submissions browser', () => {
  afterEach(() => vi.unstubAllGlobals());
  it('shows managers the expert by name, filters by a picked expert and by the item in the route', async () => {
    const urls: string[] = [];
    vi.stubGlobal('fetch', vi.fn(async (url: string) => {
      urls.push(url);
      const json = (b: unknown) => new Response(JSON.stringify(b), { status: 200 });
      if (url.includes('/members')) return json({ members: [{ user_id: 'e1', email: 'eli@x.org', name: 'Eli', role: 'expert' }, { user_id: 'm1', email: 'm@x.org', name: 'Maya', role: 'manager' }] });
      if (url.includes('/submissions')) return json({ next_cursor: null, submissions: [{ id: 's1', item_id: 'i7', expert_id: 'e1', expert: { id: 'e1', email: 'eli@x.org', name: 'Eli' }, item_external_id: 'q7', answer: {}, active_ms: 3000, submitted_at: '2026-11-23T10:00:00Z', state: 'pending', review: null }] });
      if (url.includes('/items/')) return json({ id: 'i7', external_id: 'q7', data: {}, gold: null });
      return json({ id: 'p1', name: 'P', instructions: '', overlap: 1, lease_seconds: 60, template: [] });
    }));
    const r = render(<SubmissionsPage projectId="p1" itemId="i7" />);
    await r.findByRole('button', { name: 'Eli' });
    expect(r.getByRole('cell', { name: 'q7' })).toBeTruthy();
    expect(urls.find((u) => u.includes('/submissions?'))).toContain('item_id=i7');
    const pick = await r.findByLabelText('Expert') as HTMLSelectElement;
    expect([...pick.options].map((o) => o.textContent)).toEqual(['all', 'Eli (eli@x.org)']); // experts only
    fireEvent.change(pick, { target: { value: 'e1' } });
    await waitFor(() => expect(urls.some((u) => u.includes('expert_id=e1') && u.includes('item_id=i7'))).toBe(true));
  });
});

describe('submissions browser for a reviewer', () => {
  afterEach(() => vi.unstubAllGlobals());
  it('shows each expert by the pseudonym, whole, and offers no expert filter the server cannot apply', async () => {
    vi.stubGlobal('fetch', vi.fn(async (url: string) => {
      const json = (b: unknown, status = 200) => new Response(JSON.stringify(b), { status });
      if (url.includes('/members')) return json({ error: { code: 'not_found', message: 'no such project' } }, 404); // reviewers may not list members
      if (url.includes('/submissions')) return json({ next_cursor: null, submissions: [{ id: 's1', item_id: 'i7', expert_id: 'expert-3fa2c1d9', answer: {}, active_ms: 3000, submitted_at: '2026-11-23T10:00:00Z', state: 'pending', review: null }] });
      return json({ id: 'p1', name: 'P', instructions: '', overlap: 1, lease_seconds: 60, template: [], my_role: 'reviewer' });
    }));
    const r = render(<SubmissionsPage projectId="p1" />);
    expect(await r.findByText('expert-3fa2c1d9')).toBeTruthy();
    expect(r.queryByRole('button', { name: 'expert-3fa2c1d9' })).toBeNull();
    expect(r.queryByLabelText(/^Expert/)).toBeNull();
    expect(r.getByText(/You judge blind/)).toBeTruthy();
  });
});

describe('progress', () => {
  afterEach(() => vi.unstubAllGlobals());
  it('shows shares as percentages and each expert by name, once per expert', async () => {
    const sub = (n: number, expert: string, state: string) => ({ id: `s${n}`, item_id: `i${n % 3}`, expert_id: `id-${expert}`, expert: { id: `id-${expert}`, email: `${expert}@x.org`, name: expert === 'bo' ? '' : expert },
      state, active_ms: 30_000, submitted_at: '2026-11-23T10:00:00Z', answer: {}, review: null });
    const subs = [sub(1, 'ana', 'approved'), sub(2, 'bo', 'rejected'), sub(3, 'ana', 'approved'), sub(4, 'ana', 'pending'), sub(5, 'bo', 'approved')];
    vi.stubGlobal('fetch', vi.fn(async (url: string) => {
      const json = (b: unknown) => new Response(JSON.stringify(b), { status: 200 });
      if (url.endsWith('/progress')) return json({ items: 3, overlap: 2, target_submissions: 6, submitted: 5, approved: 3, rejected: 1, pending_review: 1, leased: 0, throughput: [] });
      if (url.includes('/items?')) return json({ items: [], next_cursor: null });
      if (url.includes('/submissions')) return json({ submissions: subs, next_cursor: null });
      return json({ id: 'p1', name: 'Capitals', template: [], instructions: '', overlap: 2, lease_seconds: 60 });
    }));
    const r = render(<ProgressPage projectId="p1" />);
    expect((await r.findByText(/^done \(5 of 6/)).previousElementSibling!.textContent).toBe('83%');
    expect(r.getByText(/^approval rate/).previousElementSibling!.textContent).toBe('75%');
    const rows = (await r.findAllByRole('row')).slice(1).map((tr) => within(tr).getByRole('rowheader').textContent + ' ' + tr.lastElementChild!.previousElementSibling!.textContent);
    expect(rows).toEqual(['ana 100%', 'bo@x.org 50%']);
  });
});
