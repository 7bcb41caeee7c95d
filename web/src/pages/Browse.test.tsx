import { describe, expect, it, vi, afterEach } from 'vitest';
import React from 'react';
import { render, fireEvent, cleanup, waitFor, within } from '@testing-library/react';
import { BrowsePage, ItemPage, fromQuery, toQuery } from './Browse';
import { refusal, stubApi } from '../test/stubApi';
import type { BrowseRow, Job, SavedView } from '../lib/api';

afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

const row = (n: number, prompt: string): BrowseRow & { prompt: string } => ({
  id: `i${n}`, seq: n, external_id: `case-${n}`, state: 'labelled', labels: 2, submissions: 2, pending: 2, approved: 0, rejected: 0,
  consensus: 'a', confidence: 0.9, agreement: 1, gold_state: 'none', data: { prompt }, gold: null, flags: n === 3 ? 1 : 0, skips: 0, active_ms: 1000,
  last_activity: '2026-12-01T10:00:00Z', risk: 0.1, experts: [], fields: {}, prompt,
});
const ROWS = [row(1, 'chest pain at rest'), row(2, 'a mild headache'), row(3, 'chest tightness')];
const PROJECT = { id: 'p1', name: 'Triage', instructions: '', overlap: 2, lease_seconds: 600, template: [{ type: 'markdown', name: 'prompt', source: 'prompt' }] };

/** The console's routes as docs/api.md says, over three items. */
function consoleServer(opts: { countChangesTo?: number } = {}) {
  const views: SavedView[] = [];
  let job: Job | null = null;
  const calls = stubApi((method, path, body) => {
    const [route, qs = ''] = path.split('?');
    if (method === 'GET' && route === '/projects/p1/items') {
      const q = new URLSearchParams(qs).get('q') ?? '';
      const items = ROWS.filter((r) => r.prompt.includes(q));
      return [200, { items, total: items.length, next_cursor: null, search_pending: 0, stale: 0 }];
    }
    if (method === 'GET' && route === '/projects/p1/views') return [200, { views }];
    if (method === 'GET' && route === '/projects/p1/audit') return [200, { entries: job ? [{ id: 'a1', actor: { id: 'm', name: 'Maya' }, action: `bulk_${job.action}`, items: job.total, detail: {}, job_id: 'j1', at: '2026-12-01T10:00:00Z' }] : [] }];
    if (method === 'GET' && route === '/projects/p1/skips') return [200, { counts: { outside_expertise: 0, broken_item: 1, other: 0 }, recent: [{ id: 'k1', item_id: 'i3', item_external_id: 'case-3', expert_id: 'e1', expert_name: 'Eli', reason: 'broken_item', note: 'B is cut off', at: '' }] }];
    if (method === 'POST' && route === '/projects/p1/views') {
      const v = { id: `v${views.length}`, project_id: 'p1', name: body.name, query: body.query, created_by: 'm', created_at: '' };
      views.push(v); return [201, v];
    }
    if (method === 'POST' && route === '/projects/p1/bulk') {
      const count = ROWS.filter((r) => r.prompt.includes(body.filter.q ?? '')).length;
      if (body.dry_run) return [200, { job_id: null, count, submissions: count * 2 }];
      const now = opts.countChangesTo ?? count;
      if (body.expected_count !== now) return refusal(409, 'conflict', `the selection now holds ${now} items, not ${body.expected_count}: look at it again`, { count: now });
      job = { id: 'j1', project_id: 'p1', action: body.action, state: 'running', total: count, done: 0, changed: 0, error: null, created_by: { id: 'm', name: 'Maya' }, created_at: '', finished_at: null };
      return [202, { job_id: 'j1', count, submissions: count * 2 }];
    }
    if (method === 'GET' && route === '/jobs/j1' && job) {
      job = job.done >= job.total ? { ...job, state: 'done', changed: job.total * 2 } : { ...job, done: job.done + 1 };
      return [200, job];
    }
    return undefined;
  });
  return { calls, views };
}

describe('BrowsePage', () => {
  it('searches, shows the exact count, and saves the search as a tab', async () => {
    const { calls } = consoleServer();
    const r = render(<BrowsePage projectId="p1" />);
    await r.findByText('case-3');
    expect(r.container.querySelector('.count')?.textContent).toBe('3 items match');
    expect((await r.findByRole('region', { name: 'Skips' })).textContent).toContain('item broken: “B is cut off” — Eli');
    fireEvent.change(r.getByLabelText('Search'), { target: { value: 'chest' } });
    fireEvent.click(r.getByRole('button', { name: 'Search' }));
    await waitFor(() => expect(r.queryByText('case-2')).toBeNull());
    expect(r.container.querySelector('.count')?.textContent).toBe('2 items match');
    expect(calls.some((c) => c.path === '/projects/p1/items?q=chest')).toBe(true);
    fireEvent.click(r.getByRole('button', { name: 'Save this view' }));
    fireEvent.change(r.getByLabelText('View name'), { target: { value: 'Chest' } });
    fireEvent.click(r.getByRole('button', { name: 'Save' }));
    const tab = await r.findByRole('button', { name: 'Chest' });
    expect(tab.getAttribute('aria-pressed')).toBe('true');
    expect(calls.find((c) => c.method === 'POST' && c.path === '/projects/p1/views')?.body).toEqual({ name: 'Chest', query: 'q=chest' });
  });

  it('asks to confirm a bulk rejection with its count, sends that count, and shows the job to the end', async () => {
    const { calls } = consoleServer();
    const r = render(<BrowsePage projectId="p1" />);
    await r.findByText('case-3');
    fireEvent.change(r.getByLabelText(/With all 3 items/), { target: { value: 'reject' } });
    fireEvent.change(r.getByLabelText('Reason'), { target: { value: 'Give the triage level, not a guess.' } });
    fireEvent.click(r.getByRole('button', { name: 'Continue…' }));
    const dialog = await r.findByRole('dialog');
    expect(dialog.textContent).toContain('Reject 6 answers waiting for review on 3 items?');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Reject 3' }));
    await r.findByText(/Done: 3 items, 6 changed\./, {}, { timeout: 5000 });
    const sent = calls.filter((c) => c.method === 'POST' && c.path === '/projects/p1/bulk');
    expect(sent.map((c) => [c.body.dry_run, c.body.expected_count])).toEqual([[true, undefined], [undefined, 3]]);
    expect(sent[1].body.reason).toBe('Give the triage level, not a guess.');
  });

  it('says in words that nothing was done when the selection changed since it was counted', async () => {
    consoleServer({ countChangesTo: 4 });
    const r = render(<BrowsePage projectId="p1" />);
    await r.findByText('case-3');
    fireEvent.click(r.getByRole('button', { name: 'Continue…' }));
    fireEvent.click(within(await r.findByRole('dialog')).getByRole('button', { name: 'Approve 3' }));
    expect((await r.findByRole('alert')).textContent).toMatch(/now holds 4 items, not 3.*Nothing was changed/);
  });

  it('keeps a query through its string form', () => {
    expect(fromQuery(toQuery({ q: 'chest pain', state: 'approved', flagged: 'true' }))).toEqual({ q: 'chest pain', state: 'approved', flagged: 'true' });
  });
});

describe('ItemPage', () => {
  it('shows every answer side by side with gold compared and the earlier versions', async () => {
    stubApi((method, path) => {
      if (path === '/projects/p1') return [200, PROJECT];
      if (path !== '/items/i1/context') return undefined;
      const answer = (id: string, name: string, choice: string, match: boolean, earlier: unknown[] = []) => ({
        id, assignment_id: 'a', item_id: 'i1', project_id: 'p1', expert_id: id, client_submission_id: 'c', answer: { preference: { choice } },
        active_ms: 1, submitted_at: '2026-12-01T10:00:00Z', state: 'pending', review: null, expert_name: name, earlier_versions: earlier,
        gold_comparison: [{ field: 'preference', component: 'pairwise', expected: { choice: 'a' }, given: { choice }, match, scored: true, note: '' }],
      });
      return [200, {
        item: { id: 'i1', external_id: 'case-1', data: { prompt: 'chest pain' } }, project_id: 'p1', stats: null,
        consensus: [{ field: 'preference', component: 'pairwise', label: 'a', confidence: 0.75, agreement: 0.5, labels: 2, votes: { a: 1, b: 1 } }],
        answers: [answer('s1', 'Eli', 'a', true), answer('s2', 'Nia', 'b', false, [{ version: 1, answer: { preference: { choice: 'a' } }, submitted_at: '', replaced_at: '' }])],
        history: [{ at: '2026-12-01T09:00:00Z', kind: 'imported', who: '', detail: '' }],
      }];
    });
    const r = render(<ItemPage projectId="p1" itemId="i1" />);
    const table = await r.findByRole('table', { name: undefined });
    const headers = within(table).getAllByRole('columnheader').map((h) => h.textContent);
    expect(headers).toEqual(['Field', 'Eli pending', 'Nia · edited 1× pending']);
    expect(within(table).getByText('matches gold')).toBeTruthy();
    expect(within(table).getByText('gold: choice: a')).toBeTruthy();
    expect(within(table).getByText('(was choice: a)')).toBeTruthy();
    expect(r.getByText(/75% confident/)).toBeTruthy();
  });
});
