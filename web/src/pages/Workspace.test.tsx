import { describe, expect, it, vi, beforeEach, afterEach } from 'vitest';
import React from 'react';
import { render, fireEvent, cleanup, waitFor, act } from '@testing-library/react';
import { Workspace } from './Workspace';

const PROJECT = { id: 'p1', name: 'P', instructions: 'Do it', overlap: 1, lease_seconds: 600, template: [
  { type: 'text', source: 'q' }, { type: 'rating', name: 'score', min: 1, max: 5 },
] };
const lease = (n: number) => ({ assignment_id: `as${n}`, lease_token: `tok${n}`, expires_at: new Date(Date.now() + 600_000).toISOString(), item: { id: `i${n}`, data: { q: `Question ${n}` } } });

type Call = { method: string; url: string; body: any };
type FakeOpts = { dropFirstSubmit?: boolean; oneLeaseAtATime?: boolean; items?: number; submitGate?: Promise<void>; failSubmitOnce?: boolean; shortLived?: number };
/** The lease rules of docs/api.md: a bare request answers the oldest live lease (else a new one);
 *  {after} answers the other live lease (else a new one); at most two live; 204 when none is left. */
function fakeServer(opts: FakeOpts = {}) {
  const calls: Call[] = []; let leases = 0; let submits = 0;
  const live: ReturnType<typeof lease>[] = [];
  const seen = new Map<string, any>();
  const items = opts.items ?? 100;
  vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET'; const body = init.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ method, url, body });
    const json = (b: unknown, status = 200) => new Response(JSON.stringify(b), { status });
    const drop = (id: string) => { const i = live.findIndex((l) => l.assignment_id === id); if (i >= 0) live.splice(i, 1); };
    if (url.endsWith('/projects/p1') && method === 'GET') return json(PROJECT);
    if (url.endsWith('/leases')) {
      if (opts.oneLeaseAtATime && live.length) return json(live[0]); // a server without prefetch: the task in hand
      const other = live.find((l) => l.assignment_id !== body?.after);
      if (other) return json(other);
      if (leases >= items) return new Response(null, { status: 204 });
      const l = lease(++leases);
      if (leases === opts.shortLived) { l.expires_at = new Date(Date.now() + 1000).toISOString(); return json(l); } // runs out at once
      live.push(l); return json(l);
    }
    const aid = url.match(/assignments\/([^/]+)\//)?.[1] ?? '';
    if (url.endsWith('/submit')) {
      submits++;
      if (opts.submitGate) await opts.submitGate;
      if (opts.failSubmitOnce && submits === 1) return json({ error: { code: 'invalid_argument', message: 'score is out of range', details: { field: 'score' } } }, 400);
      const prior = seen.get(body.client_submission_id);
      if (!prior) seen.set(body.client_submission_id, { id: `s${seen.size + 1}`, ...body });
      drop(aid);
      if (opts.dropFirstSubmit && submits === 1) throw new TypeError('Failed to fetch'); // landed, reply lost
      return json({ submission: seen.get(body.client_submission_id) }, prior ? 200 : 201);
    }
    if (url.endsWith('/return')) { drop(aid); return json({ returned: true }); }
    if (url.endsWith('/projects/p1/remaining')) return json({ for_you: items - leases + live.length, in_project: items, live_leases: live.length });
    if (url.endsWith('/renew')) return json({ expires_at: new Date(Date.now() + 900_000).toISOString() });
    return json({ error: { code: 'not_found', message: 'no' } }, 404);
  }));
  const leaseCalls = () => calls.filter((c) => c.url.endsWith('/leases'));
  return { calls, seen, live, leaseCalls };
}

beforeEach(() => { localStorage.clear(); localStorage.setItem('assay.seen.p1', '1'); });
afterEach(() => { cleanup(); vi.unstubAllGlobals(); vi.useRealTimers(); });

describe('Workspace', () => {
  it('skips with a reason and a note the managers see, and says how many tasks are left for her', async () => {
    const srv = fakeServer({ items: 3 });
    const r = render(<Workspace projectId="p1" />);
    await r.findByText(/3 tasks left for you/);
    fireEvent.click(r.getByRole('button', { name: 'Skip…' }));
    fireEvent.change(r.getByLabelText(/Note/), { target: { value: 'Response B is cut off.' } });
    fireEvent.click(r.getByRole('button', { name: 'The item is broken' }));
    await waitFor(() => expect(srv.calls.some((c) => c.url.endsWith('/return'))).toBe(true));
    expect(srv.calls.find((c) => c.url.endsWith('/return'))?.body).toMatchObject({ reason: 'broken_item', note: 'Response B is cut off.' });
    await r.findByText(/2 tasks left for you/);
    expect(r.getByRole('timer').getAttribute('aria-label')).toMatch(/^Lease time left \d+ minutes?$/);
  });

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
    await w.findByText('Question 2');
    await waitFor(() => expect(localStorage.getItem('assay.draft.as1')).toBeNull(), { timeout: 4000 });
    const submits = srv.calls.filter((c) => c.url.endsWith('/as1/submit'));
    expect(submits).toHaveLength(2);
    expect(submits[0].body.client_submission_id).toBe(submits[1].body.client_submission_id);
    expect(submits[0].body).toMatchObject({ lease_token: 'tok1', answer: { score: 2 } });
    expect(typeof submits[0].body.active_ms).toBe('number');
    expect(srv.seen.size).toBe(1);
    expect(w.queryByRole('alert')).toBeNull();
  });

  it('prefetches the next task and shows it on submit while the submit is still on the wire', async () => {
    let release!: () => void;
    const srv = fakeServer({ submitGate: new Promise<void>((r) => { release = r; }) });
    const w = render(<Workspace projectId="p1" />);
    await w.findByText('Question 1');
    await waitFor(() => expect(srv.leaseCalls().map((c) => c.body)).toEqual([undefined, { after: 'as1' }]));
    fireEvent.click(w.getByLabelText(/^3/, { selector: 'input' }));
    await act(async () => { fireEvent.keyDown(window, { key: 'Enter', ctrlKey: true }); });
    await w.findByText('Question 2'); // the submit has not been answered yet
    expect(srv.seen.size).toBe(0);
    expect(srv.leaseCalls()).toHaveLength(2);
    // the next prefetch waits for the submit: until it lands, the server's "other live lease" is as1
    await act(async () => { release(); });
    await waitFor(() => expect(srv.leaseCalls().map((c) => c.body)).toEqual([undefined, { after: 'as1' }, { after: 'as2' }]));
    const order = srv.calls.map((c) => (c.url.endsWith('/submit') ? 'submit' : c.body?.after ?? c.method));
    expect(order.indexOf('submit')).toBeLessThan(order.indexOf('as2'));
    expect(srv.seen.size).toBe(1);
    await waitFor(() => expect(w.getByText('1 done this session')).toBeTruthy());
    expect(srv.live.map((l) => l.assignment_id)).toEqual(['as2', 'as3']);
  });

  it('skip returns the current task and the prefetched one becomes current', async () => {
    const srv = fakeServer();
    const w = render(<Workspace projectId="p1" />);
    await w.findByText('Question 1');
    await waitFor(() => expect(srv.leaseCalls()).toHaveLength(2));
    await act(async () => { fireEvent.keyDown(window, { key: 'S', shiftKey: true }); });
    await w.findByText('Question 2');
    expect(srv.calls.some((c) => c.url.endsWith('/as1/return') && c.body.lease_token === 'tok1')).toBe(true);
    await waitFor(() => expect(srv.leaseCalls().at(-1)!.body).toEqual({ after: 'as2' }));
    await waitFor(() => expect(srv.live.map((l) => l.assignment_id)).toEqual(['as2', 'as3']));
  });

  it('shows "no tasks" after the current one when the prefetch finds nothing left', async () => {
    const srv = fakeServer({ items: 2 });
    const w = render(<Workspace projectId="p1" />);
    await w.findByText('Question 1');
    fireEvent.click(w.getByLabelText(/^1/, { selector: 'input' }));
    await act(async () => { fireEvent.keyDown(window, { key: 'Enter', ctrlKey: true }); });
    await w.findByText('Question 2');
    await waitFor(() => expect(srv.leaseCalls().at(-1)!.body).toEqual({ after: 'as2' })); // → 204
    fireEvent.click(w.getByLabelText(/^5/, { selector: 'input' }));
    await act(async () => { fireEvent.keyDown(window, { key: 'Enter', ctrlKey: true }); });
    await w.findByRole('heading', { name: 'No tasks right now' });
    expect(srv.seen.size).toBe(2);
    expect(srv.live).toHaveLength(0);
  });

  it('renews the prefetched lease with the current one', async () => {
    const srv = fakeServer();
    const w = render(<Workspace projectId="p1" />);
    await w.findByText('Question 1');
    await waitFor(() => expect(srv.leaseCalls()).toHaveLength(2));
    await act(async () => { fireEvent.click(w.getByRole('button', { name: 'Renew' })); });
    await waitFor(() => expect(srv.calls.filter((c) => c.url.endsWith('/renew')).map((c) => c.url.split('/').at(-2) + ' ' + c.body.lease_token).sort()).toEqual(['as1 tok1', 'as2 tok2']));
    await waitFor(() => expect(Date.parse(JSON.parse(localStorage.getItem('assay.lease.next.p1')!).expires_at)).toBeGreaterThan(Date.now() + 800_000));
  });

  it('never shows a prefetched lease that ran out: a fresh lease instead', async () => {
    const srv = fakeServer({ shortLived: 2 });
    const w = render(<Workspace projectId="p1" />);
    await w.findByText('Question 1');
    await waitFor(() => expect(srv.leaseCalls()).toHaveLength(2));
    fireEvent.click(w.getByLabelText(/^4/, { selector: 'input' }));
    await act(async () => { fireEvent.keyDown(window, { key: 'Enter', ctrlKey: true }); });
    await w.findByText('Question 3');
    expect(w.queryByText('Question 2')).toBeNull();
  });

  it('a submit refused behind the next task is shown, with a way back to it and its draft', async () => {
    const srv = fakeServer({ failSubmitOnce: true });
    const w = render(<Workspace projectId="p1" />);
    await w.findByText('Question 1');
    await waitFor(() => expect(srv.leaseCalls()).toHaveLength(2));
    fireEvent.click(w.getByLabelText(/^2/, { selector: 'input' }));
    await act(async () => { fireEvent.keyDown(window, { key: 'Enter', ctrlKey: true }); });
    await w.findByText('Question 2');
    expect((await w.findByRole('alert')).textContent).toMatch(/previous task was not saved: score is out of range \(score\)/);
    await act(async () => { fireEvent.click(w.getByRole('button', { name: 'Back to that task' })); });
    await w.findByText('Question 1');
    expect((w.getByLabelText(/^2/, { selector: 'input' }) as HTMLInputElement).checked).toBe(true);
    await act(async () => { fireEvent.keyDown(window, { key: 'Enter', ctrlKey: true }); });
    await w.findByText('Question 2'); // the task that waited, not a new lease
    await waitFor(() => expect(srv.seen.size).toBe(1));
    expect(srv.live.map((l) => l.assignment_id)).toContain('as2');
    expect(w.queryByRole('alert')).toBeNull();
  });

  it('stops prefetching when the server answers a prefetch with the task in hand', async () => {
    const srv = fakeServer({ oneLeaseAtATime: true });
    const w = render(<Workspace projectId="p1" />);
    await w.findByText('Question 1');
    await waitFor(() => expect(srv.leaseCalls()).toHaveLength(2)); // first, the prefetch that came back held
    fireEvent.click(w.getByLabelText(/^2/, { selector: 'input' }));
    await act(async () => { fireEvent.keyDown(window, { key: 'Enter', ctrlKey: true }); });
    await w.findByText('Question 2'); // not Question 1 again
    fireEvent.click(w.getByLabelText(/^3/, { selector: 'input' }));
    await act(async () => { await new Promise((r) => setTimeout(r, 0)); });
    expect(srv.leaseCalls()).toHaveLength(3); // first, the held prefetch, the next task after the submit
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

  it('a shortcut pressed the moment a task appears acts on that task', async () => {
    // The key goes in the very commit that shows the task, before React has run its passive
    // effects: what a loaded machine did between findByText and the key above, now on purpose.
    const srv = fakeServer();
    const w = render(<Workspace projectId="p1" />);
    await waitFor(() => { w.getByText('Question 1'); fireEvent.keyDown(window, { key: 'Enter', ctrlKey: true }); });
    expect(w.getByRole('status').textContent).toBe('Still to answer: score.');
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
    // The new task puts focus on its first question (after its effects have run); only then
    // does the expert move to the note, or the test would race that first focus.
    await waitFor(() => expect((document.activeElement as HTMLInputElement | null)?.name).toBe('tas1-score'));
    const ta = w.container.querySelector('textarea')!;
    ta.focus();
    await act(async () => { fireEvent.click(w.getByRole('button', { name: 'Renew' })); });
    await waitFor(() => expect(calls.some((c) => c.url.endsWith('/as1/renew'))).toBe(true));
    expect(calls.find((c) => c.url.endsWith('/as1/renew'))!.body).toEqual({ lease_token: 'tok1' });
    await w.findByText('Lease renewed.');
    expect(document.activeElement).toBe(ta);
  });
});
