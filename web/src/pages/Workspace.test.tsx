import { describe, expect, it, vi, beforeEach, afterEach } from 'vitest';
import React from 'react';
import { render, fireEvent, cleanup, waitFor, act } from '@testing-library/react';
import { Workspace } from './Workspace';

const PROJECT = { id: 'p1', name: 'P', instructions: 'Do it', overlap: 1, lease_seconds: 600, template: [
  { type: 'text', source: 'q' }, { type: 'rating', name: 'score', min: 1, max: 5 },
] };
const lease = (n: number) => ({ assignment_id: `as${n}`, lease_token: `tok${n}`, expires_at: new Date(Date.now() + 600_000).toISOString(), item: { id: `i${n}`, data: { q: `Question ${n}` } } });

type Call = { method: string; url: string; body: any };
function fakeServer(opts: { dropFirstSubmit?: boolean; oneLeaseAtATime?: boolean } = {}) {
  const calls: Call[] = []; let leases = 0; let submits = 0; let held = false;
  const seen = new Map<string, any>();
  vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET'; const body = init.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ method, url, body });
    const json = (b: unknown, status = 200) => new Response(JSON.stringify(b), { status });
    if (url.endsWith('/projects/p1') && method === 'GET') return json(PROJECT);
    if (url.endsWith('/leases')) {
      if (opts.oneLeaseAtATime && held) return json(lease(leases)); // the task in hand, again
      held = true; return json(lease(++leases));
    }
    if (url.endsWith('/submit')) {
      submits++;
      const prior = seen.get(body.client_submission_id);
      if (!prior) seen.set(body.client_submission_id, { id: `s${seen.size + 1}`, ...body });
      held = false;
      if (opts.dropFirstSubmit && submits === 1) throw new TypeError('Failed to fetch'); // landed, reply lost
      return json({ submission: seen.get(body.client_submission_id) }, prior ? 200 : 201);
    }
    return json({ error: { code: 'not_found', message: 'no' } }, 404);
  }));
  return { calls, seen };
}

beforeEach(() => { localStorage.clear(); localStorage.setItem('assay.seen.p1', '1'); });
afterEach(() => { cleanup(); vi.unstubAllGlobals(); vi.useRealTimers(); });

describe('Workspace', () => {
  it('keeps the draft across a reload (same assignment, same answer, same client_submission_id)', async () => {
    fakeServer();
    const first = render(<Workspace projectId="p1" />);
    await first.findByText('Question 1');
    fireEvent.click(first.getByLabelText(/^4/, { selector: 'input' }));
    const saved = JSON.parse(localStorage.getItem('assay.draft.as1')!);
    expect(saved.answer).toEqual({ score: 4 });
    first.unmount();
    const second = render(<Workspace projectId="p1" />); // "reload"
    await second.findByText('Question 1');
    expect((second.getByLabelText(/^4/, { selector: 'input' }) as HTMLInputElement).checked).toBe(true);
    expect(JSON.parse(localStorage.getItem('assay.draft.as1')!).client_submission_id).toBe(saved.client_submission_id);
  });

  it('a submit retried after a network error is sent with the same id and creates one submission; next task follows', async () => {
    const srv = fakeServer({ dropFirstSubmit: true });
    const w = render(<Workspace projectId="p1" />);
    await w.findByText('Question 1');
    fireEvent.click(w.getByLabelText(/^2/, { selector: 'input' }));
    await act(async () => { fireEvent.keyDown(window, { key: 'Enter', ctrlKey: true }); });
    await w.findByText('Question 2', undefined, { timeout: 4000 });
    const submits = srv.calls.filter((c) => c.url.endsWith('/as1/submit'));
    expect(submits).toHaveLength(2);
    expect(submits[0].body.client_submission_id).toBe(submits[1].body.client_submission_id);
    expect(submits[0].body).toMatchObject({ lease_token: 'tok1', answer: { score: 2 } });
    expect(typeof submits[0].body.active_ms).toBe('number');
    expect(srv.seen.size).toBe(1);
    expect(localStorage.getItem('assay.draft.as1')).toBeNull();
  });

  it('stops prefetching when the server answers a prefetch with the task in hand', async () => {
    const srv = fakeServer({ oneLeaseAtATime: true });
    const w = render(<Workspace projectId="p1" />);
    await w.findByText('Question 1');
    fireEvent.click(w.getByLabelText(/^2/, { selector: 'input' })); // answering starts the prefetch
    await waitFor(() => expect(srv.calls.filter((c) => c.url.endsWith('/leases'))).toHaveLength(2));
    await act(async () => { fireEvent.keyDown(window, { key: 'Enter', ctrlKey: true }); });
    await w.findByText('Question 2'); // not Question 1 again
    fireEvent.click(w.getByLabelText(/^3/, { selector: 'input' })); // a prefetch would call fetch right here
    expect(srv.calls.filter((c) => c.url.endsWith('/leases'))).toHaveLength(3); // first, the prefetch that came back held, the next task
  });

  it('puts focus on the first question even when the task arrives before the project', async () => {
    let releaseProject!: () => void;
    const projectReady = new Promise<void>((r) => { releaseProject = r; });
    let leased = false;
    vi.stubGlobal('fetch', vi.fn(async (url: string) => {
      if (url.endsWith('/projects/p1')) { await projectReady; return new Response(JSON.stringify(PROJECT)); }
      if (url.endsWith('/leases')) { leased = true; return new Response(JSON.stringify(lease(1))); }
      return new Response('{}', { status: 404 });
    }));
    const w = render(<Workspace projectId="p1" />);
    await waitFor(() => expect(leased).toBe(true));
    await act(async () => { releaseProject(); await projectReady; });
    await w.findByText('Question 1');
    await waitFor(() => expect(document.activeElement?.closest('[data-input]')?.getAttribute('data-input')).toBe('score'));
  });

  it('refuses to submit with a required answer missing and says which', async () => {
    const srv = fakeServer();
    const w = render(<Workspace projectId="p1" />);
    await w.findByText('Question 1');
    await act(async () => { fireEvent.keyDown(window, { key: 'Enter', ctrlKey: true }); });
    expect(w.getByRole('status').textContent).toMatch(/score/);
    expect(srv.calls.some((c) => c.url.endsWith('/submit'))).toBe(false);
  });
});

describe('lease renewal', () => {
  it('renews with the lease token and keeps focus where the expert is typing', async () => {
    const calls: { url: string; body: any }[] = [];
    const tpl = { ...PROJECT, template: [{ type: 'rating', name: 'score', min: 1, max: 5 }, { type: 'textarea', name: 'note' }] };
    vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit = {}) => {
      const body = init.body ? JSON.parse(String(init.body)) : undefined;
      calls.push({ url, body });
      if (url.endsWith('/projects/p1')) return new Response(JSON.stringify(tpl));
      if (url.endsWith('/leases')) return new Response(JSON.stringify(lease(1)));
      if (url.endsWith('/renew')) return new Response(JSON.stringify({ expires_at: new Date(Date.now() + 900_000).toISOString() }));
      return new Response('{}', { status: 404 });
    }));
    const w = render(<Workspace projectId="p1" />);
    await w.findByText(/lease/);
    const ta = w.container.querySelector('textarea')!;
    ta.focus();
    await act(async () => { fireEvent.click(w.getByRole('button', { name: 'Renew' })); });
    await waitFor(() => expect(calls.some((c) => c.url.endsWith('/as1/renew'))).toBe(true));
    expect(calls.find((c) => c.url.endsWith('/as1/renew'))!.body).toEqual({ lease_token: 'tok1' });
    await w.findByText('Lease renewed.');
    expect(document.activeElement).toBe(ta);
  });
});
