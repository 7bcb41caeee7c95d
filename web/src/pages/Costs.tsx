// A project's costs (#/manage/<project>/costs, managers): spend by day as a chart, budget left,
// burn rate and the days it lasts, cost per approved item and per correct label with how the
// correct labels were counted, and a form to fund the budget (idempotent: a retry adds nothing).
import React, { useState } from 'react';
import { newId, Said } from '../lib/api';
import { ErrorBox, useLoad } from '../components/ui';
import { Sized, SpendChart } from '../components/charts';
import { cents, money, parseAmount, said, type Costs } from '../lib/money';
import { ProjectNav } from './ManagerProjects';
import { api } from '../lib/api';

const METHOD_WORDS: Record<Costs['correct_label_method'], string> = {
  gold: 'counted against gold answers', estimated: 'estimated from each expert’s measured accuracy',
  'gold+estimated': 'gold answers where there are some, estimated accuracy elsewhere', none: 'not measurable yet',
};

export function CostsPage({ projectId }: { projectId: string }) {
  const [c, err, reload] = useLoad(() => money.costs(projectId), [projectId]);
  const [proj] = useLoad(() => api.project(projectId), [projectId]);
  return (
    <div className="page costs">
      <ProjectNav id={projectId} here="costs" />
      <div className="row"><h1>Costs{proj ? ` · ${proj.name}` : ''}</h1><span className="spacer" /><button type="button" onClick={reload}>Refresh</button></div>
      <ErrorBox error={said(err)} />
      {!c ? (err ? null : <p className="muted">Loading…</p>) : <CostsBody c={c} onFunded={reload} />}
    </div>
  );
}

function CostsBody({ c, onFunded }: { c: Costs; onFunded: () => void }) {
  const m = (x: number | null) => cents(x, c.currency);
  return (
    <>
      {c.leases_stopped ? <div className="error" role="alert"><strong>New tasks are stopped.</strong> {c.leases_stopped_reason || 'The budget is used up.'} Add funds below to open them again.</div> : null}
      <div className="kpis">
        <div className="kpi"><span className="big">{m(c.budget_left_cents)}</span><span className="muted">budget left of {m(c.funded_cents)} funded{c.committed_cents ? ` (${m(c.committed_cents)} owed for work in review or in hand)` : ''}</span></div>
        <div className="kpi"><span className="big">{m(c.burn_rate_cents_per_day)}/day</span><span className="muted">burn rate over the last 7 days{c.days_left != null ? ` · lasts about ${Math.floor(c.days_left)} more days` : ''}</span></div>
        <div className="kpi"><span className="big">{m(c.spend_cents)}</span><span className="muted">spent{c.fee_cents ? `, of which ${m(c.fee_cents)} platform fee` : ''}</span></div>
        <div className="kpi"><span className="big">{m(c.cost_per_approved_item_cents)}</span><span className="muted">per approved item ({c.approved_items} approved)</span></div>
        <div className="kpi correct-label"><span className="big">{m(c.cost_per_correct_label_cents)}</span><span className="muted">per correct label{c.correct_labels != null ? ` (${Math.round(c.correct_labels * 10) / 10} correct labels)` : ''}</span></div>
      </div>
      <p className="how small"><b>How correct labels are counted:</b> {METHOD_WORDS[c.correct_label_method] ?? c.correct_label_method}. {c.correct_label_explanation}</p>
      <h2>Spend by day</h2>
      <Sized>{(w) => <SpendChart width={w} days={c.spend_by_day} burnPerDay={c.burn_rate_cents_per_day} money={(x) => cents(x, c.currency)} />}</Sized>
      <p className="muted small">The last 30 days; the dashed line is the burn rate.</p>
      <FundForm projectId={c.project_id} currency={c.currency} onFunded={onFunded} />
    </>
  );
}

function FundForm({ projectId, currency, onFunded }: { projectId: string; currency: string; onFunded: () => void }) {
  const [amount, setAmount] = useState('');
  const [key, setKey] = useState(newId); // the same key on a retry of the same amount: added once
  const [err, setErr] = useState<unknown>();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault(); setNote('');
    const c = parseAmount(amount);
    if (c == null || c <= 0) { setErr(new Said('Enter an amount such as 500 or 1250.50.')); return; }
    setBusy(true); setErr(undefined);
    try {
      const r = await money.fund(projectId, c, currency, key);
      setNote(`Added ${cents(c, currency)}. Budget left: ${cents(r.budget_left_cents, currency)}.`);
      setAmount(''); setKey(newId()); onFunded();
    } catch (x) { setErr(said(x)); } finally { setBusy(false); }
  };
  return (
    <form className="card fund" onSubmit={submit} aria-labelledby="fund-h">
      <h2 id="fund-h">Fund this project</h2>
      <label htmlFor="fund-amount">Amount ({currency})</label>
      <div className="row">
        <input id="fund-amount" inputMode="decimal" value={amount} onChange={(e) => { setAmount(e.target.value); setKey(newId()); }} placeholder="500.00" />
        <button type="submit" className="primary" disabled={busy}>Add funds</button>
      </div>
      <ErrorBox error={err} />
      <p role="status" className="muted">{note}</p>
    </form>
  );
}
