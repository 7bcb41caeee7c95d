// The expert's earnings (#/earnings): pending (in review), payable, in a payout batch and paid;
// the next payout; per project what she earned and her effective hourly rate; every line of the
// ledger that concerns her (each accrual explained: item, time, floor, bonus, rush); statements
// of a period to download as CSV or open as a printable page.
import React, { useState } from 'react';
import { ErrorBox, useLoad } from '../components/ui';
import { date } from '../lib/format';
import { cents, dayBefore, duration, money, said, type Earnings, type Line } from '../lib/money';

const KIND_WORDS: Record<Line['kind'], string> = { accrual: 'earned', reversal: 'reversed', payout: 'in a payout', payout_paid: 'paid out', adjustment: 'adjustment' };

export function EarningsPage() {
  const [e, err, reload] = useLoad(() => money.earnings(), []);
  return (
    <div className="page earnings">
      <div className="row"><h1>My earnings</h1><span className="spacer" /><button type="button" onClick={reload}>Refresh</button></div>
      <ErrorBox error={said(err)} />
      {!e ? <p className="muted">Loading…</p> : (
        <>
          <Balances e={e} />
          <Statements currency={e.currency} />
          <h2>By project</h2>
          <ProjectTable e={e} />
          <h2>Every line</h2>
          <LineTable lines={e.lines} />
        </>
      )}
    </div>
  );
}

function Balances({ e }: { e: Earnings }) {
  const c = (x: number) => cents(x, e.currency);
  const next = e.next_payout;
  return (
    <>
      <div className="kpis">
        <div className="kpi"><span className="big">{c(e.pending_cents)}</span><span className="muted">pending: work waiting for review</span></div>
        <div className="kpi"><span className="big">{c(e.payable_cents)}</span><span className="muted">payable: approved, not yet paid out</span></div>
        <div className="kpi"><span className="big">{c(e.in_batch_cents)}</span><span className="muted">in a payout being sent</span></div>
        <div className="kpi"><span className="big">{c(e.paid_cents)}</span><span className="muted">paid to you</span></div>
      </div>
      <p className="muted">
        {next?.at ? `Next payout: ${new Date(next.at).toLocaleDateString(undefined, { dateStyle: 'long' })}` : 'Payouts are sent when the platform runs a payout batch'}
        {next ? `, for payable balances of at least ${c(next.min_cents)}.` : '.'}
      </p>
    </>
  );
}

function Statements({ currency }: { currency: string }) {
  const now = new Date();
  const [from, setFrom] = useState(() => `${now.toISOString().slice(0, 7)}-01`);
  const [to, setTo] = useState(() => dayBefore(now, 0));
  const ok = /^\d{4}-\d{2}-\d{2}$/.test(from) && /^\d{4}-\d{2}-\d{2}$/.test(to) && from <= to;
  return (
    <section className="card statements" aria-labelledby="st-h">
      <h2 id="st-h">Statement</h2>
      <p className="muted small">Every item, hour, rate, bonus and adjustment of the period, with the total.</p>
      <div className="row wrap">
        <label>From <input type="date" value={from} onChange={(x) => setFrom(x.target.value)} /></label>
        <label>To <input type="date" value={to} onChange={(x) => setTo(x.target.value)} /></label>
        {ok ? (
          <>
            <a className="button" href={money.statementUrl(from, to, 'csv', currency)} download>Download CSV</a>
            <a className="button" href={money.statementUrl(from, to, 'html', currency)} target="_blank" rel="noopener">Printable statement</a>
          </>
        ) : <span className="bad-text" role="alert">Choose a start day on or before the end day.</span>}
      </div>
    </section>
  );
}

function ProjectTable({ e }: { e: Earnings }) {
  if (!e.projects.length) return <p className="muted">Nothing earned yet: earnings accrue when your work is approved (or when nobody reviews it in the project's time).</p>;
  return (
    <div className="table-wrap">
      <table className="table stack-narrow">
        <thead><tr><th scope="col">Project</th><th scope="col" className="num">Approved</th><th scope="col" className="num">Rejected</th><th scope="col" className="num">In review</th><th scope="col" className="num">Paid time</th><th scope="col" className="num">Earned</th><th scope="col" className="num">Per hour</th></tr></thead>
        <tbody>{e.projects.map((p) => (
          <tr key={p.project_id + p.currency}>
            <th scope="row">{p.name}</th>
            <td data-label="Approved" className="num">{p.approved}</td>
            <td data-label="Rejected" className="num">{p.rejected}</td>
            <td data-label="In review" className="num">{p.pending}</td>
            <td data-label="Paid time" className="num">{duration(p.paid_ms)}</td>
            <td data-label="Earned" className="num">{cents(p.earned_cents, p.currency)}</td>
            <td data-label="Per hour" className="num">{p.effective_hourly_cents == null ? '—' : `${cents(p.effective_hourly_cents, p.currency)}/h`}</td>
          </tr>
        ))}</tbody>
      </table>
    </div>
  );
}

/** An accrual in words: "item $2.00 + 12 min at $60.00/h $12.00 + bonus $1.00 (gold ≥ 90%)". */
export function explain(l: Line): string {
  const d = (l.detail ?? {}) as Record<string, unknown>;
  if (l.kind !== 'accrual' || d.total_cents == null) return l.memo;
  const c = (k: string) => Number(d[k] ?? 0);
  const parts: string[] = [];
  if (c('item_cents')) parts.push(`item ${cents(c('item_cents'), l.currency)}`);
  if (c('time_cents') || c('hourly_cents')) parts.push(`${duration(c('paid_ms'))} at ${cents(c('hourly_cents'), l.currency)}/h ${cents(c('time_cents'), l.currency)}${d.verified === false ? ' (unverified)' : ''}`);
  if (c('floor_cents')) parts.push(`floor top-up ${cents(c('floor_cents'), l.currency)}`);
  if (c('bonus_cents')) parts.push(`bonus ${cents(c('bonus_cents'), l.currency)}${d.bonus_reason ? ` (${d.bonus_reason})` : ''}`);
  if (c('rush_cents')) parts.push(`rush ×${c('rush_multiplier_percent') / 100} ${cents(c('rush_cents'), l.currency)}`);
  const basis = d.basis === 'rejected' ? ' — rejected: your time is still paid' : '';
  return parts.join(' + ') + basis;
}

function LineTable({ lines }: { lines: Line[] }) {
  if (!lines.length) return <p className="muted">No lines yet.</p>;
  return (
    <div className="table-wrap">
      <table className="table stack-narrow lines">
        <thead><tr><th scope="col">Date</th><th scope="col">What</th><th scope="col">Project · item</th><th scope="col">How it adds up</th><th scope="col" className="num">Amount</th></tr></thead>
        <tbody>{lines.map((l) => (
          <tr key={l.transaction_id + l.kind + l.amount_cents}>
            <th scope="row">{date(l.at)}</th>
            <td data-label="What"><span className={`chip ${l.kind === 'reversal' ? 'bad' : l.kind === 'payout_paid' ? 'ok' : ''}`}>{KIND_WORDS[l.kind] ?? l.kind}</span></td>
            <td data-label="Project · item">{[l.project_name, l.item_external_id].filter(Boolean).join(' · ') || '—'}</td>
            <td data-label="How it adds up" className="small">{explain(l)}</td>
            <td data-label="Amount" className="num">{cents(l.amount_cents, l.currency)}</td>
          </tr>
        ))}</tbody>
      </table>
    </div>
  );
}
