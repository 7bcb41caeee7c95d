import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, renderHook, waitFor } from '@testing-library/react';
import { storeLease, useNextLease } from './useNextLease';
import type { Lease } from './api';

const lease = (n: number, ms = 600_000): Lease => ({ assignment_id: `as${n}`, lease_token: `tok${n}`, expires_at: new Date(Date.now() + ms).toISOString(), item: { id: `i${n}`, data: {} } } as Lease);

/** A server that hands out as1, as2, … (204 after `items`), answers renew per `renew`, and logs requests. */
function server({ items = 100, renew = 200 }: { items?: number; renew?: number } = {}) {
  const calls: string[] = []; let n = 0;
  vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit = {}) => {
    const body = init.body ? JSON.parse(String(init.body)) : {};
    const json = (b: unknown, status = 200) => new Response(JSON.stringify(b), { status });
    if (url.endsWith('/leases')) {
      calls.push(body.after ? `lease after ${body.after}` : 'lease');
      return n < items ? json(lease(++n)) : new Response(null, { status: 204 });
    }
    if (url.endsWith('/renew')) {
      calls.push(`renew ${url.split('/').at(-2)}`);
      return renew === 200 ? json({ expires_at: new Date(Date.now() + 900_000).toISOString() }) : json({ error: { code: 'not_found', message: 'gone' } }, renew);
    }
    return json({ error: { code: 'not_found', message: 'no' } }, 404);
  }));
  return calls;
}
const stored = () => JSON.parse(localStorage.getItem('assay.lease.next.p1') ?? 'null') as Lease | null;

beforeEach(() => localStorage.clear());
afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

describe('useNextLease', () => {
  it('leases the task after the one on screen and hands it over without asking again', async () => {
    const calls = server();
    const { result } = renderHook(() => useNextLease('p1', lease(0)));
    await waitFor(() => expect(stored()?.assignment_id).toBe('as1'));
    const next = await act(() => result.current.take());
    expect(next?.assignment_id).toBe('as1');
    expect(calls).toEqual(['lease after as0']);
    expect(stored()).toBeNull();
  });

  it('after a reload takes the stored next task; one that ran out is replaced by a fresh lease', async () => {
    const calls = server();
    storeLease('p1', 'next', lease(7));
    const a = renderHook(() => useNextLease('p1', undefined));
    expect((await act(() => a.result.current.take()))?.assignment_id).toBe('as7');
    expect(calls).toEqual([]);
    a.unmount();
    storeLease('p1', 'next', lease(8, 2000)); // within the 5 s margin: as good as gone
    const b = renderHook(() => useNextLease('p1', undefined));
    expect((await act(() => b.result.current.take()))?.assignment_id).toBe('as1');
    expect(calls).toEqual(['lease']);
  });

  it('asks for the task after the next one only once the send in flight landed', async () => {
    const calls = server();
    let land!: () => void;
    const { result, rerender } = renderHook(({ cur }) => useNextLease('p1', cur), { initialProps: { cur: undefined as Lease | undefined } });
    const sent = result.current.send(lease(9), () => new Promise<void>((r) => { land = () => { calls.push('submit as9'); r(); }; }));
    rerender({ cur: lease(10) }); // the next task is on screen while the submit of as9 is on the wire
    await act(async () => { await Promise.resolve(); });
    expect(calls).toEqual([]); // until as9 is submitted, the server's "other live lease" is as9
    await act(async () => { land(); await sent; });
    await waitFor(() => expect(calls).toEqual(['submit as9', 'lease after as10']));
  });

  it('a failed send does not block later requests, and hold brings a task back as the next one', async () => {
    const calls = server({ items: 0 });
    const { result } = renderHook(() => useNextLease('p1', lease(3)));
    await expect(result.current.send(lease(3), () => Promise.reject(new Error('offline')))).rejects.toThrow('offline');
    expect(await act(() => result.current.take())).toBeNull(); // 204: nothing left
    act(() => result.current.hold(lease(3)));
    expect(stored()?.assignment_id).toBe('as3');
    expect((await act(() => result.current.take()))?.assignment_id).toBe('as3');
    expect(calls).toEqual(['lease after as3', 'lease']);
  });

  it('renews the prefetched lease; one the server no longer knows is dropped for a fresh one', async () => {
    const calls = server({ renew: 404 });
    const { result } = renderHook(() => useNextLease('p1', lease(5)));
    await waitFor(() => expect(stored()?.assignment_id).toBe('as1'));
    act(() => result.current.renew());
    expect((await act(() => result.current.take()))?.assignment_id).toBe('as2');
    expect(calls).toEqual(['lease after as5', 'renew as1', 'lease']);
  });

  it('stops prefetching when the server answers with the task in hand', async () => {
    const calls: string[] = [];
    vi.stubGlobal('fetch', vi.fn(async (_url: string, init: RequestInit = {}) => {
      const after = init.body ? JSON.parse(String(init.body)).after : undefined;
      calls.push(after ? `lease after ${after}` : 'lease');
      return new Response(JSON.stringify(lease(1)));
    }));
    const { result, rerender } = renderHook(({ cur }) => useNextLease('p1', cur), { initialProps: { cur: lease(1) } });
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(await act(() => result.current.take())).toMatchObject({ assignment_id: 'as1' }); // asked afresh: the held task
    rerender({ cur: lease(2) });
    await act(() => result.current.take());
    expect(calls).toEqual(['lease after as1', 'lease', 'lease']); // no prefetch after as2, only the two takes
  });
});
