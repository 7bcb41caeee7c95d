import React, { useRef, useState } from 'react';
import { median } from '../lib/quality';
import { pct } from '../lib/format';
import { useResize } from './ui';

/** Draws a chart at the container's real width so text stays at its CSS size on any screen. */
export function Sized({ children }: { children: (width: number) => React.ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [w, setW] = useState(0);
  useResize(ref, (el) => setW(el.clientWidth));
  return <div ref={ref}>{children(w || 960)}</div>;
}

/** Throughput over time as bars with a readable axis; drawn by hand in SVG. */
export function ThroughputChart({ points, width = 960, height = 200 }: { points: { bucket_start: string; submissions: number }[]; width?: number; height?: number }) {
  if (!points.length) return <p className="muted">No submissions yet.</p>;
  const pad = { l: 36, r: 8, t: 10, b: 26 };
  const w = width - pad.l - pad.r; const h = height - pad.t - pad.b;
  const max = Math.max(1, ...points.map((p) => p.submissions));
  const nice = max <= 5 ? max : Math.ceil(max / 5) * 5;
  const bw = w / points.length;
  const ticks = [0, nice / 2, nice].map((v) => Math.round(v));
  const fmt = (s: string) => { const d = new Date(s); return isNaN(+d) ? s : d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }); };
  const total = points.reduce((a, p) => a + p.submissions, 0);
  return (
    <svg className="chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`Throughput: ${total} submissions over ${points.length} intervals, peak ${max}`}>
      {ticks.map((t) => {
        const y = pad.t + h - (t / nice) * h;
        return <g key={t}><line x1={pad.l} x2={pad.l + w} y1={y} y2={y} className="grid" /><text x={pad.l - 6} y={y + 4} textAnchor="end" className="axis">{t}</text></g>;
      })}
      {points.map((p, i) => {
        const bh = (p.submissions / nice) * h;
        const barW = Math.max(1, Math.min(36, bw * 0.76));
        return <rect key={i} x={pad.l + i * bw + (bw - barW) / 2} y={pad.t + h - bh} width={barW} height={bh} rx={2} className="bar-fill"><title>{`${fmt(p.bucket_start)}: ${p.submissions}`}</title></rect>;
      })}
      <text x={pad.l} y={height - 6} className="axis">{fmt(points[0].bucket_start)}</text>
      {points.length > 1 ? <text x={pad.l + w} y={height - 6} textAnchor="end" className="axis">{fmt(points[points.length - 1].bucket_start)}</text> : null}
    </svg>
  );
}

/** One stacked horizontal bar: parts of a whole, with a legend. */
export function StackBar({ parts, total, label }: { parts: { label: string; value: number; cls: string }[]; total: number; label: string }) {
  const t = Math.max(total, parts.reduce((a, p) => a + p.value, 0), 1);
  return (
    <figure className="stack">
      <figcaption>{label}</figcaption>
      <div className="stackbar" role="img" aria-label={`${label}: ${parts.map((p) => `${p.label} ${p.value}`).join(', ')} of ${total}`}>
        {parts.map((p) => p.value > 0 ? <span key={p.label} className={p.cls} style={{ width: `${(p.value / t) * 100}%` }} title={`${p.label}: ${p.value}`} /> : null)}
      </div>
      <ul className="legend">{parts.map((p) => <li key={p.label}><span className={`sw ${p.cls}`} />{p.label} <b>{p.value}</b></li>)}<li className="muted">of {total}</li></ul>
    </figure>
  );
}

/**
 * Counts in a row of bins as vertical bars, the largest count on the axis and each bar's count
 * above it; drawn by hand in SVG. `tick(k)` labels bin k under the axis (null: no label).
 */
export function ColumnChart({ bins, width, padTop, barWidth, barClass, barTitle, tick, ariaLabel, xCaption }: {
  bins: number[]; width: number; padTop: number; barWidth: (bw: number) => number; barClass: (k: number) => string;
  barTitle: (n: number, k: number) => string; tick: (k: number) => React.ReactNode; ariaLabel: string; xCaption: string;
}) {
  const max = Math.max(1, ...bins);
  const W = width; const H = 170; const pad = { l: 36, r: 8, t: padTop, b: 34 };
  const bw = (W - pad.l - pad.r) / bins.length; const h = H - pad.t - pad.b;
  return (
    <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={ariaLabel}>
      <line x1={pad.l} x2={W - pad.r} y1={pad.t + h} y2={pad.t + h} className="grid" />
      <text x={pad.l - 6} y={pad.t + 10} textAnchor="end" className="axis">{max}</text>
      {bins.map((n, k) => {
        const bh = (n / max) * h; const barW = barWidth(bw); const t = tick(k);
        return (
          <g key={k}>
            <rect x={pad.l + k * bw + (bw - barW) / 2} y={pad.t + h - bh} width={barW} height={bh} rx={2} className={barClass(k)}><title>{barTitle(n, k)}</title></rect>
            {t != null ? <text x={pad.l + k * bw + bw / 2} y={H - 18} textAnchor="middle" className="axis">{t}</text> : null}
            {n ? <text x={pad.l + k * bw + bw / 2} y={pad.t + h - bh - 3} textAnchor="middle" className="axis">{n}</text> : null}
          </g>
        );
      })}
      <text x={pad.l} y={H - 3} className="axis">{xCaption}</text>
    </svg>
  );
}

/** Items by how many submissions they have, 0 … overlap (and more): where the work stands. */
export function CoverageChart({ counts, overlap, width = 960 }: { counts: number[]; overlap: number; width?: number }) {
  const top = Math.max(overlap, ...counts, 0);
  const buckets = Array.from({ length: top + 1 }, (_, k) => counts.filter((c) => c === k).length);
  return (
    <ColumnChart bins={buckets} width={width} padTop={20} barWidth={(bw) => Math.min(60, bw * 0.7)}
      barClass={(k) => (k >= overlap ? 'bar-done' : 'bar-fill')}
      barTitle={(n, k) => `${n} item${n === 1 ? "" : "s"} with ${k} submission${k === 1 ? "" : "s"}`}
      tick={(k) => `${k}${k === overlap ? ' (done)' : ''}`}
      ariaLabel={`Items by submissions: ${buckets.map((n, k) => `${n} with ${k}`).join(', ')}; target ${overlap}`}
      xCaption="submissions per item →" />
  );
}

export interface ExpertRow { expert: string; approved: number; rejected: number; pending: number; median_active_s: number }
/** One row per expert: stacked approved / rejected / pending, and median active time per task. */
export function ExpertChart({ rows }: { rows: ExpertRow[] }) {
  if (!rows.length) return <p className="muted">No submissions yet.</p>;
  const max = Math.max(1, ...rows.map((r) => r.approved + r.rejected + r.pending));
  return (
    <table className="expert-chart">
      <thead><tr><th scope="col">Expert</th><th scope="col">Submissions (approved / rejected / pending)</th><th scope="col">Approval</th><th scope="col">Median time</th></tr></thead>
      <tbody>
        {rows.map((r) => {
          const reviewed = r.approved + r.rejected;
          const width = (n: number) => `${(n / max) * 100}%`;
          return (
            <tr key={r.expert}>
              <th scope="row" className="mono small">{r.expert}</th>
              <td><div className="hbar" role="img" aria-label={`${r.approved} approved, ${r.rejected} rejected, ${r.pending} pending`}>
                <span className="ok" style={{ width: width(r.approved) }} /><span className="bad" style={{ width: width(r.rejected) }} /><span className="pend" style={{ width: width(r.pending) }} />
                <b>{r.approved + r.rejected + r.pending}</b></div></td>
              <td className={reviewed && r.approved / reviewed < 0.8 ? 'warn' : ''}>{reviewed ? pct(r.approved / reviewed) : '—'}</td>
              <td>{r.median_active_s >= 60 ? `${(r.median_active_s / 60).toFixed(1)} min` : `${Math.round(r.median_active_s)} s`}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function expertRows(subs: { expert_id: string; state: string; active_ms: number }[]): ExpertRow[] {
  const by = new Map<string, { a: number; r: number; p: number; t: number[] }>();
  for (const s of subs) {
    const x = by.get(s.expert_id) ?? { a: 0, r: 0, p: 0, t: [] };
    if (s.state === 'approved') x.a++; else if (s.state === 'rejected') x.r++; else x.p++;
    x.t.push(s.active_ms / 1000); by.set(s.expert_id, x);
  }
  return [...by].map(([expert, x]) => ({ expert, approved: x.a, rejected: x.r, pending: x.p, median_active_s: median(x.t) })).sort((a, b) => b.approved + b.rejected + b.pending - (a.approved + a.rejected + a.pending));
}

/**
 * Money spent per day as bars, drawn by hand in SVG: the largest day on the axis, the burn rate
 * as a dashed line, the first and last day under the axis. `money` formats cents.
 */
export function SpendChart({ days, burnPerDay, money, width = 960 }: { days: { day: string; cents: number }[]; burnPerDay: number; money: (c: number) => string; width?: number }) {
  if (!days.length) return <p className="muted">Nothing spent yet.</p>;
  const H = 190; const pad = { l: 64, r: 8, t: 12, b: 26 };
  const w = width - pad.l - pad.r; const h = H - pad.t - pad.b;
  const max = Math.max(1, burnPerDay, ...days.map((d) => d.cents));
  const bw = w / days.length; const barW = Math.max(2, Math.min(28, bw * 0.7));
  const y = (c: number) => pad.t + h - (c / max) * h;
  const total = days.reduce((a, d) => a + d.cents, 0);
  const label = (day: string) => new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
  return (
    <svg className="chart spend" viewBox={`0 0 ${width} ${H}`} role="img" aria-label={`Spend by day: ${money(total)} over ${days.length} days, the largest day ${money(Math.max(...days.map((d) => d.cents)))}, burn rate ${money(burnPerDay)} a day`}>
      {[0, max / 2, max].map((t) => <g key={t}><line x1={pad.l} x2={pad.l + w} y1={y(t)} y2={y(t)} className="grid" /><text x={pad.l - 6} y={y(t) + 4} textAnchor="end" className="axis">{money(Math.round(t))}</text></g>)}
      {days.map((d, i) => <rect key={d.day} x={pad.l + i * bw + (bw - barW) / 2} y={y(d.cents)} width={barW} height={pad.t + h - y(d.cents)} rx={2} className="bar-fill"><title>{`${label(d.day)}: ${money(d.cents)}`}</title></rect>)}
      {burnPerDay > 0 ? <line x1={pad.l} x2={pad.l + w} y1={y(burnPerDay)} y2={y(burnPerDay)} className="burn" /> : null}
      <text x={pad.l} y={H - 6} className="axis">{label(days[0].day)}</text>
      {days.length > 1 ? <text x={pad.l + w} y={H - 6} textAnchor="end" className="axis">{label(days[days.length - 1].day)}</text> : null}
    </svg>
  );
}
