// The task after the one on screen (docs/api.md: POST /leases {"after"}), held ready so that
// submit and skip can show it at once while their request is still on the wire.
import { useCallback, useEffect, useMemo, useRef } from 'react';
import { api, ApiError, type Lease } from './api';

type Slot = 'cur' | 'next';
const leaseKey = (pid: string, slot: Slot) => `assay.lease.${slot}.${pid}`;
const live = (l: Lease) => Date.parse(l.expires_at) > Date.now() + 5000;

/** The lease kept in `slot` before a reload, if it is still live. */
export function storedLease(pid: string, slot: Slot): Lease | null {
  try {
    const l = JSON.parse(localStorage.getItem(leaseKey(pid, slot)) ?? 'null') as Lease | null;
    return l && live(l) ? l : null;
  } catch { return null; }
}
export function storeLease(pid: string, slot: Slot, l: Lease | null) {
  if (l) localStorage.setItem(leaseKey(pid, slot), JSON.stringify(l)); else localStorage.removeItem(leaseKey(pid, slot));
}

/** A lease with no prefetch: the oldest one held, else a new one; null when nothing is left. */
export async function requestLease(pid: string): Promise<Lease | null> { return (await api.lease(pid)) ?? null; }

/** The task after the one in hand: a lease, null when the server said nothing is left, undefined when unknown. */
type Next = Lease | null | undefined;

export interface NextLease {
  /** Runs `run` (the submit or return of `l`) behind the screen; later prefetches and `take` wait
   *  for it to land. The promise settles as `run` does. */
  send(l: Lease, run: () => Promise<unknown>): Promise<void>;
  /** The task to show next: the prefetched one if it is still live, else (once the sends in flight
   *  have landed, so a task just finished can't come back) a fresh lease; null when none is left. */
  take(): Promise<Lease | null>;
  /** Makes `l` the next task again (the expert went back to an earlier one; `l` stays leased). */
  hold(l: Lease | null): void;
  /** Renews the prefetched lease, so it is still live when its turn comes. */
  renew(): void;
}

/**
 * Keeps one lease ahead of `current` (the task on screen) and survives a reload through
 * localStorage. A server without prefetch (one live lease per expert) answers the prefetch with
 * the task in hand; then asking only costs a request, so the hook stops for this page's life.
 */
export function useNextLease(projectId: string, current: Lease | null | undefined): NextLease {
  const next = useRef<Promise<Next> | null>(null);
  const pending = useRef<Promise<unknown>>(Promise.resolve()); // the last send (never rejects)
  const finished = useRef(new Set<string>()); // assignments submitted or returned on this page
  const ahead = useRef(true);

  useEffect(() => {
    const nx = storedLease(projectId, 'next');
    if (nx) next.current = Promise.resolve(nx);
  }, [projectId]);

  // Lease the task after the one on screen once the sends in flight have landed: until then the
  // server's "other live lease" is the task just finished.
  const currentId = current?.assignment_id;
  useEffect(() => {
    if (!currentId || next.current || !ahead.current) return;
    const p: Promise<Next> = pending.current.then(() => api.lease(projectId, currentId)).then((l) => {
      if (l && l.assignment_id === currentId) { ahead.current = false; return undefined; }
      if (next.current === p) storeLease(projectId, 'next', l ?? null);
      return l ?? null;
    }, () => undefined);
    next.current = p;
  }, [currentId, projectId]);

  const send = useCallback((l: Lease, run: () => Promise<unknown>) => {
    const p = run().then(() => { finished.current.add(l.assignment_id); });
    pending.current = p.catch(() => {});
    return p;
  }, []);

  const take = useCallback(async (): Promise<Lease | null> => {
    const p = next.current; next.current = null;
    let l: Next = p ? await p : undefined;
    storeLease(projectId, 'next', null);
    if (!l || finished.current.has(l.assignment_id) || !live(l)) {
      await pending.current;
      l = await requestLease(projectId);
      if (l && finished.current.has(l.assignment_id)) l = null;
    }
    return l;
  }, [projectId]);

  const hold = useCallback((l: Lease | null) => {
    next.current = Promise.resolve(l ?? undefined);
    storeLease(projectId, 'next', l);
  }, [projectId]);

  const renew = useCallback(() => {
    const p = next.current;
    if (!p) return;
    const q: Promise<Next> = p.then(async (n) => {
      if (!n) return n;
      try {
        const m = { ...n, expires_at: (await api.renew(n.assignment_id, n.lease_token)).expires_at };
        if (next.current === q) storeLease(projectId, 'next', m);
        return m;
      } catch (e) { return e instanceof ApiError && !e.retryable ? undefined : n; } // gone: take asks afresh
    });
    next.current = q;
  }, [projectId]);

  return useMemo(() => ({ send, take, hold, renew }), [send, take, hold, renew]);
}
