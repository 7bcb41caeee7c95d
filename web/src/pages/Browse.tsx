import React, { useEffect, useState } from 'react';
import { api, ApiError, type BulkAction, type Job } from '../lib/api';
import { ErrorBox, Modal, ScrollX, useLoad } from '../components/ui';
import { TemplateView } from '../components/Template';
import { pct, when } from '../lib/format';
import { isInput } from '../lib/template';
import { ProjectNav } from './ManagerProjects';

/** The browser's filter as its query string's parameters (empty ones left out). */
type Filter = Record<string, string>;
const FILTER_KEYS = ['q', 'state', 'gold', 'flagged', 'confidence_lt', 'sort', 'order'] as const;

export function toQuery(f: Filter): string {
  const qs = new URLSearchParams();
  for (const k of FILTER_KEYS) if (f[k]) qs.set(k, f[k]);
  return qs.toString();
}
export function fromQuery(query: string): Filter {
  const out: Filter = {};
  new URLSearchParams(query).forEach((v, k) => { if ((FILTER_KEYS as readonly string[]).includes(k)) out[k] = v; });
  return out;
}

const ACTIONS: [BulkAction, string][] = [['approve', 'Approve pending answers'], ['reject', 'Reject pending answers'], ['requeue', 'Send for another label'], ['export', 'Export']];
const VERB: Record<string, string> = { approve: 'Approve', reject: 'Reject', requeue: 'Send for another label', export: 'Export' };

/** The manager's data browser: search, filters, sort, saved views as tabs, bulk actions as jobs. */
export function BrowsePage({ projectId }: { projectId: string }) {
  const [filter, setFilter] = useState<Filter>({});
  const [search, setSearch] = useState('');
  const [cursors, setCursors] = useState<string[]>([]);
  const query = toQuery(filter);
  const cursor = cursors[cursors.length - 1];
  const [page, err] = useLoad(() => api.browse(projectId, query + (cursor ? `${query ? '&' : ''}cursor=${encodeURIComponent(cursor)}` : '')), [projectId, query, cursor]);
  const [views, viewsErr, reloadViews] = useLoad(() => api.views(projectId), [projectId]);
  const set = (k: string, v: string) => { setFilter({ ...filter, [k]: v }); setCursors([]); };
  const apply = (f: Filter) => { setFilter(f); setSearch(f.q ?? ''); setCursors([]); };
  return (
    <div className="page">
      <ProjectNav id={projectId} here="items" />
      <h1>Data</h1>
      <Tabs projectId={projectId} query={query} views={views?.views} onPick={(q) => apply(fromQuery(q))} onChanged={reloadViews} />
      <ErrorBox error={viewsErr} />
      <form className="filters row" role="search" onSubmit={(e) => { e.preventDefault(); set('q', search.trim()); }}>
        <label>Search<input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="words in the item or its answers" /></label>
        <button type="submit">Search</button>
        <label>State<select value={filter.state ?? ''} onChange={(e) => set('state', e.target.value)}>
          <option value="">any</option><option value="new">new</option><option value="labelling">labelling</option><option value="labelled">labelled</option>
          <option value="pending_review">waiting for review</option><option value="approved">approved</option><option value="rejected">rejected</option>
        </select></label>
        <label>Gold<select value={filter.gold ?? ''} onChange={(e) => set('gold', e.target.value)}>
          <option value="">any</option><option value="any">has gold</option><option value="mismatch">answers miss gold</option><option value="match">answers match gold</option><option value="none">no gold</option>
        </select></label>
        <label>Confidence<select value={filter.confidence_lt ?? ''} onChange={(e) => set('confidence_lt', e.target.value)}>
          <option value="">any</option><option value="0.5">below 50%</option><option value="0.8">below 80%</option>
        </select></label>
        <label className="check"><input type="checkbox" checked={filter.flagged === 'true'} onChange={(e) => set('flagged', e.target.checked ? 'true' : '')} />Reported broken</label>
        <label>Sort<select value={`${filter.sort ?? 'seq'}:${filter.order ?? 'asc'}`} onChange={(e) => { const [s, o] = e.target.value.split(':'); setFilter({ ...filter, sort: s === 'seq' ? '' : s, order: o === 'asc' ? '' : o }); setCursors([]); }}>
          <option value="seq:asc">import order</option><option value="risk:desc">riskiest first</option><option value="confidence:asc">least confident first</option>
          <option value="agreement:asc">least agreement first</option><option value="last_activity:desc">latest activity first</option><option value="labels:asc">fewest labels first</option>
        </select></label>
      </form>
      <ErrorBox error={err} />
      {!page ? <p className="muted">Loading…</p> : (
        <>
          <p className="count" aria-live="polite"><b>{page.total.toLocaleString()}</b> item{page.total === 1 ? '' : 's'} match{page.total === 1 ? 'es' : ''}{page.search_pending ? <span className="muted"> · {page.search_pending.toLocaleString()} just imported are not searchable yet</span> : null}</p>
          {page.total > 0 ? <BulkBar projectId={projectId} filter={filter} total={page.total} /> : null}
          {page.items.length === 0 ? <p className="muted">No items match. Loosen a filter or clear the search.</p> : (
            <ScrollX label="Items table">
              <table className="table">
                <thead><tr><th scope="col">Item</th><th scope="col">State</th><th scope="col">Labels</th><th scope="col">Consensus</th><th scope="col">Confidence</th><th scope="col">Agreement</th><th scope="col">Gold</th><th scope="col">Reports</th><th scope="col">Last activity</th></tr></thead>
                <tbody>
                  {page.items.map((r) => (
                    <tr key={r.id}>
                      <td><a href={`#/manage/${encodeURIComponent(projectId)}/items/${encodeURIComponent(r.id)}`} className="mono small nowrap">{r.external_id ?? `#${r.seq}`}</a></td>
                      <td>{r.state.replace('_', ' ')}</td>
                      <td>{r.labels}{r.pending ? <span className="muted small"> ({r.pending} to review)</span> : null}</td>
                      <td>{r.consensus ?? '—'}</td>
                      <td>{pct(r.confidence)}</td>
                      <td>{pct(r.agreement)}</td>
                      <td>{r.gold_state === 'none' ? '—' : r.gold_state}</td>
                      <td>{r.flags ? <span className="chip bad">{r.flags} broken</span> : r.skips ? <span className="muted">{r.skips} skipped</span> : ''}</td>
                      <td className="nowrap small">{when(r.last_activity)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollX>
          )}
          <div className="row">
            {cursors.length ? <button type="button" onClick={() => setCursors(cursors.slice(0, -1))}>Previous page</button> : null}
            {page.next_cursor ? <button type="button" onClick={() => setCursors([...cursors, page.next_cursor!])}>Next page</button> : null}
          </div>
          <Activity projectId={projectId} />
        </>
      )}
    </div>
  );
}

const REASONS: Record<string, string> = { outside_expertise: 'outside her expertise', broken_item: 'item broken', other: 'another reason' };

/** What happened to the project's items in bulk (the audit log) and why experts skipped them. */
function Activity({ projectId }: { projectId: string }) {
  const [audit] = useLoad(() => api.audit(projectId).catch(() => null), [projectId]);
  const [skips] = useLoad(() => api.skips(projectId).catch(() => null), [projectId]);
  return (
    <div className="grid2">
      {audit ? (
        <section aria-label="Bulk actions">
          <h2>Bulk actions</h2>
          {audit.entries.length === 0 ? <p className="muted">None yet.</p> : (
            <ul>{audit.entries.filter((e) => !e.action.endsWith('_done')).map((e) => <li key={e.id}>{e.actor.name} · {e.action.replace('bulk_', '').replace('_', ' ')} · {e.items.toLocaleString()} item{e.items === 1 ? '' : 's'} <span className="muted small">{when(e.at)}</span></li>)}</ul>
          )}
        </section>
      ) : null}
      {skips ? (
        <section aria-label="Skips">
          <h2>Skips</h2>
          <p>{skips.counts.outside_expertise} outside expertise · {skips.counts.broken_item} item broken · {skips.counts.other} other</p>
          <ul>{skips.recent.slice(0, 5).map((k) => <li key={k.id}><a href={`#/manage/${encodeURIComponent(projectId)}/items/${encodeURIComponent(k.item_id)}`} className="mono small">{k.item_external_id ?? k.item_id.slice(-8)}</a> · {REASONS[k.reason] ?? k.reason}{k.note ? `: “${k.note}”` : ''} <span className="muted small">— {k.expert_name ?? k.expert_id}</span></li>)}</ul>
        </section>
      ) : null}
    </div>
  );
}

/** Saved views as tabs: "All items", each saved query, and saving the one on screen. */
function Tabs({ projectId, query, views, onPick, onChanged }: { projectId: string; query: string; views?: { id: string; name: string; query: string }[]; onPick: (q: string) => void; onChanged: () => void }) {
  const [naming, setNaming] = useState<string | null>(null);
  const [err, setErr] = useState<unknown>();
  const saved = views?.some((v) => v.query === query) || !query;
  const save = async () => {
    try { await api.saveView(projectId, (naming ?? '').trim(), query); setNaming(null); onChanged(); } catch (e) { setErr(e); }
  };
  return (
    <div className="row tabs" role="group" aria-label="Saved views">
      <button type="button" className={query === '' ? 'tab active' : 'tab'} aria-pressed={query === ''} onClick={() => onPick('')}>All items</button>
      {views?.map((v) => (
        <span key={v.id} className="nowrap">
          <button type="button" className={v.query === query ? 'tab active' : 'tab'} aria-pressed={v.query === query} onClick={() => onPick(v.query)}>{v.name}</button>
          <button type="button" className="link small" aria-label={`Delete the view ${v.name}`} onClick={() => api.deleteView(v.id).then(onChanged, setErr)}>×</button>
        </span>
      ))}
      {!saved && naming === null ? <button type="button" className="link" onClick={() => setNaming('')}>Save this view</button> : null}
      {naming !== null ? (
        <form className="row" onSubmit={(e) => { e.preventDefault(); void save(); }}>
          <label>View name<input value={naming} onChange={(e) => setNaming(e.target.value)} required maxLength={80} /></label>
          <button type="submit" className="primary">Save</button>
          <button type="button" className="link" onClick={() => setNaming(null)}>Cancel</button>
        </form>
      ) : null}
      <ErrorBox error={err} onDismiss={() => setErr(undefined)} />
    </div>
  );
}

/** A bulk action on every item the filter matches: counted, confirmed by that count, then a job with progress. */
function BulkBar({ projectId, filter, total }: { projectId: string; filter: Filter; total: number }) {
  const [action, setAction] = useState<BulkAction>('approve');
  const [reason, setReason] = useState('');
  const [confirm, setConfirm] = useState<{ count: number; submissions: number } | null>(null);
  const [job, setJob] = useState<Job | null>(null);
  const [err, setErr] = useState<unknown>();
  const request = { action, filter, reason: reason.trim() || undefined };
  const ask = async () => {
    setErr(undefined);
    try { const r = await api.bulk(projectId, { ...request, dry_run: true }); setConfirm({ count: r.count, submissions: r.submissions }); } catch (e) { setErr(e); }
  };
  const run = async () => {
    if (!confirm) return;
    try {
      const r = await api.bulk(projectId, { ...request, expected_count: confirm.count });
      setConfirm(null);
      if (r.job_id) setJob(await api.job(r.job_id));
    } catch (e) {
      setConfirm(null);
      setErr(e instanceof ApiError && e.status === 409 ? new Error(`${e.message}. Nothing was changed.`) : e);
    }
  };
  useEffect(() => {
    if (!job || job.state === 'done' || job.state === 'failed') return;
    const t = setTimeout(() => { api.job(job.id).then(setJob, setErr); }, 500);
    return () => clearTimeout(t);
  }, [job]);
  const nothing = !!confirm && (action === 'approve' || action === 'reject') && confirm.submissions === 0;
  const what = confirm && (action === 'approve' || action === 'reject')
    ? `${VERB[action]} ${confirm.submissions.toLocaleString()} answer${confirm.submissions === 1 ? '' : 's'} waiting for review on ${confirm.count.toLocaleString()} item${confirm.count === 1 ? '' : 's'}?`
    : confirm ? `${VERB[action]} ${confirm.count.toLocaleString()} item${confirm.count === 1 ? '' : 's'}?` : '';
  return (
    <div className="bulk">
      <form className="filters row" onSubmit={(e) => { e.preventDefault(); void ask(); }}>
        <label>With all {total.toLocaleString()} item{total === 1 ? '' : 's'}<select value={action} onChange={(e) => setAction(e.target.value as BulkAction)}>
          {ACTIONS.map(([a, l]) => <option key={a} value={a}>{l}</option>)}
        </select></label>
        {action === 'reject' || action === 'approve' ? <label>Reason{action === 'reject' ? '' : ' (optional)'}<input value={reason} onChange={(e) => setReason(e.target.value)} placeholder={action === 'reject' ? 'what the experts should do instead' : ''} /></label> : null}
        <button type="submit">Continue…</button>
      </form>
      <ErrorBox error={err} onDismiss={() => setErr(undefined)} />
      {job ? (
        <div className="job" role="status">
          <progress value={job.done} max={Math.max(1, job.total)} aria-label="Bulk progress" /> {job.state === 'done' ? `Done: ${job.total.toLocaleString()} items, ${job.changed.toLocaleString()} changed.` : job.state === 'failed' ? `Stopped: ${job.error ?? 'failed'}` : `${job.done.toLocaleString()} of ${job.total.toLocaleString()}…`}
          {job.state === 'done' && job.download ? <> <a href={job.download} download>Download the export</a></> : null}
        </div>
      ) : null}
      {confirm ? (
        <Modal title="Confirm the bulk action" onClose={() => setConfirm(null)}>
          {nothing ? <p>No answers on these items wait for review: there is nothing to {action}.</p> : (
            <>
              <p>{what}</p>
              <p className="muted small">It runs in the background and is recorded in the project's audit log under your name.</p>
            </>
          )}
          <div className="row">{nothing ? null : <button type="button" className="primary" onClick={() => void run()}>{VERB[action]} {confirm.count.toLocaleString()}</button>}<button type="button" onClick={() => setConfirm(null)}>{nothing ? 'Close' : 'Cancel'}</button></div>
        </Modal>
      ) : null}
    </div>
  );
}

/** An item's page: its data, every answer side by side, consensus, gold compared, history. */
export function ItemPage({ projectId, itemId }: { projectId: string; itemId: string }) {
  const [ctx, err] = useLoad(() => api.itemContext(itemId), [itemId]);
  const [proj] = useLoad(() => api.project(projectId), [projectId]);
  const fields = [...new Set(ctx?.answers.flatMap((a) => Object.keys(a.answer)) ?? [])];
  return (
    <div className="page">
      <ProjectNav id={projectId} here="items" />
      <p><a href={`#/manage/${encodeURIComponent(projectId)}/items`}>← Data</a></p>
      <h1>Item {ctx ? ctx.item.external_id ?? `#${ctx.stats?.seq ?? ''}` : ''}</h1>
      <ErrorBox error={err} />
      {!ctx || !proj ? <p className="muted">Loading…</p> : (
        <>
          <TemplateView template={proj.template.filter((c) => !isInput(c))} data={ctx.item.data} answer={{}} readOnly idPrefix="it" />
          <h2>Consensus</h2>
          {ctx.consensus.length === 0 ? <p className="muted">No labels yet.</p> : (
            <ul>{ctx.consensus.map((c) => <li key={c.field}><b>{c.field}</b>: {c.label ?? '—'} <span className="muted">({pct(c.confidence)} confident, {c.labels} label{c.labels === 1 ? '' : 's'}, {pct(c.agreement)} agreement)</span></li>)}</ul>
          )}
          <h2>Answers ({ctx.answers.length})</h2>
          {ctx.answers.length === 0 ? <p className="muted">No answers yet.</p> : (
            <ScrollX label="Answers side by side">
              <table className="table">
                <thead><tr><th scope="col">Field</th>{ctx.answers.map((a) => <th scope="col" key={a.id}>{a.expert_name || a.expert_id.slice(-8)}{a.earlier_versions.length ? ` · edited ${a.earlier_versions.length}×` : ''} <span className={`chip ${a.state === 'approved' ? 'ok' : a.state === 'rejected' ? 'bad' : 'pend'}`}>{a.state}</span></th>)}</tr></thead>
                <tbody>
                  {fields.map((f) => (
                    <tr key={f}><th scope="row">{f}</th>{ctx.answers.map((a) => {
                      const g = a.gold_comparison?.find((x) => x.field === f);
                      const was = a.earlier_versions.map((v) => short((v.answer as Record<string, unknown> | null)?.[f])).filter((v) => v !== short(a.answer[f]));
                      return <td key={a.id}>{short(a.answer[f])}{was.length ? <span className="muted small"> (was {was.join(', then ')})</span> : null}{g && g.scored ? <> <span className={`chip ${g.match ? 'ok' : 'bad'}`}>{g.match ? 'matches gold' : `gold: ${short(g.expected)}`}</span></> : null}</td>;
                    })}</tr>
                  ))}
                </tbody>
              </table>
            </ScrollX>
          )}
          <h2>History</h2>
          <ol className="history">{ctx.history.map((h, i) => <li key={i}><span className="nowrap small muted">{when(h.at)}</span> {h.kind.replace('_', ' ')}{h.who ? ` · ${h.who}` : ''}{h.detail ? ` — ${h.detail}` : ''}</li>)}</ol>
        </>
      )}
    </div>
  );
}

/** An answer's value in words: nested objects in parentheses, lists joined by "; ". */
function short(v: unknown, depth = 0): string {
  if (v == null) return '—';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((x) => short(x, depth + 1)).join('; ');
  if (typeof v === 'object') {
    const inner = Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}: ${short(x, depth + 1)}`).join(', ');
    return depth ? `(${inner})` : inner;
  }
  return String(v);
}
