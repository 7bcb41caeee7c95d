// Activity heartbeats for the lease in hand (docs/api.md, "Measured time"): about every 15 s
// while the person works with the page focused and visible, each beat carrying the active time
// since the previous one; none while idle (60 s without input) or hidden; they stop for good
// when the server says the lease ended (409) or when stop() is called.
//
//   const stop = startHeartbeats({ assignmentId: lease.assignment_id, clock });
//   ...
//   stop(); // a new task, the page left
import { ApiError, newId } from './api';
import type { ActivityClock } from './activity';
import { money, type Beat } from './money';

export const BEAT_MS = 15_000;

export interface HeartbeatOptions {
  assignmentId: string;
  clock: Pick<ActivityClock, 'tick' | 'active_ms'>;
  send?: (aid: string, b: Beat) => Promise<unknown>;
  visible?: () => boolean;
  tabId?: string;
  every_ms?: number;
  /** Called once when the server refuses a beat because the lease ended. */
  onEnded?: () => void;
}

let pageTab: string | undefined;
/** One id per page load: two tabs on one lease are two tabs to the server. */
const tabIdOf = () => (pageTab ??= newId());

export function startHeartbeats(o: HeartbeatOptions): () => void {
  const send = o.send ?? money.heartbeat;
  const visible = o.visible ?? (() => typeof document === 'undefined' || document.visibilityState !== 'hidden');
  const tab = o.tabId ?? tabIdOf();
  let sentMs = o.clock.active_ms;
  let stopped = false;
  const beat = async () => {
    const total = o.clock.tick();
    const active = Math.round(total - sentMs);
    if (stopped) return;
    sentMs = total; // time counted while hidden is not claimed later either
    if (active <= 0 || !visible()) return; // idle or hidden: nothing to say
    try {
      await send(o.assignmentId, { tab_id: tab, beat_id: newId(), active_ms: active, client_at: new Date().toISOString(), visible: true });
    } catch (e) {
      if (e instanceof ApiError && (e.status === 409 || e.status === 404)) { stop(); o.onEnded?.(); }
      // any other failure: the next beat carries on (the server credits by its own clock)
    }
  };
  const iv = setInterval(() => void beat(), o.every_ms ?? BEAT_MS);
  function stop() { stopped = true; clearInterval(iv); }
  return stop;
}
