import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ActivityClock } from './activity';
import { startHeartbeats } from './heartbeat';
import { ApiError } from './api';
import type { Beat } from './money';

// A person at her desk: the real ActivityClock on fake time, focus and visibility as switches.
function desk() {
  const page = { focused: true, visible: true };
  const clock = new ActivityClock(0, () => Date.now(), () => page.focused);
  const beats: Beat[] = [];
  let answer: () => Promise<unknown> = async () => ({ credited_ms: 0 });
  const send = vi.fn(async (_aid: string, b: Beat) => { beats.push(b); return answer(); });
  const setAnswer = (f: () => Promise<unknown>) => { answer = f; };
  return { page, clock, beats, send, setAnswer };
}

/** Input every `every` ms for `ms` ms (typing, pointing). */
function work(clock: ActivityClock, ms: number, every = 5000) {
  for (let t = 0; t < ms; t += every) { clock.input(); vi.advanceTimersByTime(Math.min(every, ms - t)); }
}

describe('activity heartbeats', () => {
  beforeEach(() => { vi.useFakeTimers(); vi.setSystemTime(new Date('2026-12-01T09:00:00Z')); });
  afterEach(() => vi.useRealTimers());

  it('beats about every 15 s while she works, each with the active time since the last', async () => {
    const d = desk();
    const stop = startHeartbeats({ assignmentId: 'a1', clock: d.clock, send: d.send, visible: () => d.page.visible, tabId: 't1' });
    work(d.clock, 60_000);
    await vi.runOnlyPendingTimersAsync();
    expect(d.beats.length).toBeGreaterThanOrEqual(4);
    expect(d.send.mock.calls.every(([aid]) => aid === 'a1')).toBe(true);
    expect(d.beats[0]).toMatchObject({ tab_id: 't1', active_ms: 15_000, visible: true });
    expect(new Set(d.beats.map((b) => b.beat_id)).size).toBe(d.beats.length); // each beat its own id
    stop();
  });

  it('sends nothing once she has been idle for 60 s, and resumes when she types again', async () => {
    const d = desk();
    const stop = startHeartbeats({ assignmentId: 'a1', clock: d.clock, send: d.send, visible: () => d.page.visible });
    d.clock.input();
    vi.advanceTimersByTime(60_000); // reading: still active for 60 s after the last input
    const whileReading = d.beats.length;
    expect(whileReading).toBe(4);
    vi.advanceTimersByTime(5 * 60_000); // away from the desk
    expect(d.beats.length).toBe(whileReading);
    work(d.clock, 15_000);
    await vi.runOnlyPendingTimersAsync();
    expect(d.beats.length).toBeGreaterThan(whileReading);
    stop();
  });

  it('sends nothing while the page is hidden or unfocused, and never claims that time later', () => {
    const d = desk();
    const stop = startHeartbeats({ assignmentId: 'a1', clock: d.clock, send: d.send, visible: () => d.page.visible });
    d.page.visible = false;
    work(d.clock, 60_000);
    expect(d.beats).toEqual([]);
    d.page.visible = true; d.page.focused = false;
    work(d.clock, 60_000);
    expect(d.beats).toEqual([]);
    d.page.focused = true;
    work(d.clock, 15_000);
    expect(d.beats.map((b) => b.active_ms)).toEqual([15_000]);
    stop();
  });

  it('stops when the lease ends: after stop() and after the server answers 409', async () => {
    const d = desk();
    const stop = startHeartbeats({ assignmentId: 'a1', clock: d.clock, send: d.send, visible: () => true });
    work(d.clock, 30_000);
    expect(d.beats.length).toBe(2);
    stop();
    work(d.clock, 60_000);
    expect(d.beats.length).toBe(2);

    const e = desk();
    const ended = vi.fn();
    e.setAnswer(async () => { throw new ApiError(409, 'conflict', 'This lease has ended.'); });
    startHeartbeats({ assignmentId: 'a2', clock: e.clock, send: e.send, visible: () => true, onEnded: ended });
    work(e.clock, 15_000);
    await vi.runOnlyPendingTimersAsync();
    work(e.clock, 60_000);
    expect(e.beats.length).toBe(1);
    expect(ended).toHaveBeenCalledOnce();
  });

  it('a failed beat (network) does not stop the next ones', async () => {
    const d = desk();
    d.setAnswer(async () => { throw new ApiError(0, 'network', 'Network error'); });
    const stop = startHeartbeats({ assignmentId: 'a1', clock: d.clock, send: d.send, visible: () => true });
    work(d.clock, 45_000);
    await vi.runOnlyPendingTimersAsync();
    expect(d.beats.length).toBeGreaterThanOrEqual(3);
    stop();
  });
});
