import { describe, expect, it, afterEach } from 'vitest';
import React from 'react';
import { render, fireEvent, cleanup } from '@testing-library/react';
import { ProjectEdit } from './ManagerProjects';
import { CoverageChart, ThroughputChart } from '../components/charts';

afterEach(cleanup);

describe('template editor', () => {
  it('validates the JSON live and previews with the workspace renderer', () => {
    const r = render(<ProjectEdit />);
    const tpl = r.getByLabelText('Template (JSON array of components)');
    fireEvent.change(tpl, { target: { value: '[{"type": "rating", "name": "q"' } });
    expect(r.getByText(/Template JSON:/)).toBeTruthy();
    expect(r.getByText('Fix the errors to see the preview.')).toBeTruthy();
    fireEvent.change(tpl, { target: { value: '[{"type":"rating","name":"q","label":"How good?","min":1,"max":3}]' } });
    expect(r.getByText('Template is valid.')).toBeTruthy();
    const preview = r.getByLabelText('Preview: what the expert sees');
    expect(preview.textContent).toContain('How good?');
    fireEvent.click(preview.querySelectorAll('input[type=radio]')[2]);
    expect(preview.querySelector('pre')!.textContent).toContain('"q": 3');
    fireEvent.change(tpl, { target: { value: '[{"type":"rating","name":"q","min":5,"max":1}]' } });
    expect(r.getByText(/needs numeric "min" < "max"/)).toBeTruthy();
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
