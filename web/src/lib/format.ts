// Numbers as every screen shows them; '—' for a value the server could not compute (null, NaN).

/** A fraction in [0, 1] as a percentage: 0.713 → "71%". The API sends shares as fractions. */
export const pct = (x: number | null | undefined, digits = 0) => (x == null || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(digits)}%`);
export const num = (x: number | null | undefined, digits = 2) => (x == null || !Number.isFinite(x) ? '—' : x.toFixed(digits));

/** An instant's day in the reader's locale ("12/1/2026"); '—' when there is none. */
export const date = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleDateString() : '—');
/** An instant's day and time in the reader's locale; '—' when there is none. */
export const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');
