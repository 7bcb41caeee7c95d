// Numbers as every screen shows them; '—' for a value the server could not compute (null, NaN).

/** A fraction in [0, 1] as a percentage: 0.713 → "71%". The API sends shares as fractions. */
export const pct = (x: number | null | undefined, digits = 0) => (x == null || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(digits)}%`);
export const num = (x: number | null | undefined, digits = 2) => (x == null || !Number.isFinite(x) ? '—' : x.toFixed(digits));
