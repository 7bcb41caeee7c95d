// Active time: counted while the page has focus and there was input in the last 60 s.
export const IDLE_MS = 60_000;

export class ActivityClock {
  private last_input_ms: number;
  private last_tick_ms: number;
  active_ms: number;
  constructor(initial_ms = 0, private now: () => number = () => Date.now(), private focused: () => boolean = () => document.hasFocus()) {
    this.active_ms = initial_ms;
    this.last_input_ms = now();
    this.last_tick_ms = now();
  }
  /** True while input happened within the idle window. */
  isActive(): boolean { return this.now() - this.last_input_ms < IDLE_MS && this.focused(); }
  input(): void { this.tick(); this.last_input_ms = this.now(); }
  /** Adds the time since the last tick if the page counted as active during it. */
  tick(): number {
    const t = this.now();
    const from = this.last_tick_ms;
    this.last_tick_ms = t;
    if (!this.focused()) return this.active_ms;
    const until = Math.min(t, this.last_input_ms + IDLE_MS);
    if (until > from) this.active_ms += until - from;
    return this.active_ms;
  }
}
