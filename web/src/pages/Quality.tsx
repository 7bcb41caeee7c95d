import React, { useEffect, useState } from 'react';
import { api, type QualityField, type QualityLabel, type QualityMethod, type ScoreField, type SpanAgreement } from '../lib/api';
import { ErrorBox, ScrollX, useLoad } from '../components/ui';
import { ColumnChart, Sized } from '../components/charts';
import { alphaReading, confidenceBins, lowestConfidence, METHODS, methodInfo, rankWorkers, workerLabel } from '../lib/quality';
import { num, pct } from '../lib/format';
import { ProjectNav } from './ManagerProjects';

const STALE_POLL_MS = 3000;

export function QualityPage({ projectId }: { projectId: string }) {
  const [method, setMethod] = useState<QualityMethod>('ds');
  const [q, err, reload] = useLoad(() => api.quality(projectId, 1000, method), [projectId, method]);
  const [proj] = useLoad(() => api.project(projectId), [projectId]);
  const [fieldName, setFieldName] = useState('');
  // The server recomputes in the background after new submissions: look again until it is fresh.
  useEffect(() => {
    if (!q?.stale) return;
    const t = setTimeout(reload, STALE_POLL_MS);
    return () => clearTimeout(t);
  }, [q]); // eslint-disable-line react-hooks/exhaustive-deps
  const field = q?.fields.find((f) => f.field === fieldName) ?? q?.fields[0];
  return (
    <div className="page">
      <ProjectNav id={projectId} here="quality" />
      <div className="quality-head">
        <h1>Quality{proj ? ` · ${proj.name}` : ''}</h1>
        {q ? <span role="status" className={q.stale ? 'chip stale' : 'muted small'}>{q.stale ? 'stale — recomputing…' : `computed ${new Date(q.computed_at).toLocaleString()}`}</span> : null}
        <span className="spacer" />
        <button type="button" onClick={reload}>Refresh</button>
      </div>
      <ErrorBox error={err} />
      {!q ? (err ? null : <p className="muted">Loading…</p>) : (
        <>
          <div className="kpis">
            <div className="kpi"><span className="big">{q.items}</span><span className="muted">item{q.items === 1 ? '' : 's'} · {q.submissions} submission{q.submissions === 1 ? '' : 's'} counted (rejected ones left out)</span></div>
            <div className="kpi"><span className="big">{q.overlap.items_decided}</span><span className="muted">item{q.overlap.items_decided === 1 ? '' : 's'} decided · {q.overlap.items_open} still open</span></div>
            <div className="kpi"><span className="big">{q.overlap.max_overlap > q.overlap.overlap ? `${q.overlap.overlap}–${q.overlap.max_overlap}` : q.overlap.overlap}</span>
              <span className="muted">{q.overlap.max_overlap > q.overlap.overlap ? `experts per item, more until a label reaches ${pct(q.overlap.target_confidence)} confidence` : 'experts per item'}</span></div>
          </div>
          {q.fields.length === 0 ? (q.scores.length || q.spans.length ? null : <p className="muted">This template has no pairwise, choice or rating question, so there is no agreement to measure.</p>) : (
            <>
              <div className="quality-choices">
                {q.fields.length > 1 ? (
                  <label className="block narrow-select">Question
                    <select value={field!.field} onChange={(e) => setFieldName(e.target.value)}>
                      {q.fields.map((f) => <option key={f.field} value={f.field}>{f.field} ({f.component})</option>)}
                    </select>
                  </label>
                ) : null}
                <label className="block narrow-select">Aggregation
                  <select value={method} onChange={(e) => setMethod(e.target.value as QualityMethod)}>
                    {METHODS.map((m) => <option key={m.id} value={m.id}>{m.name}</option>)}
                  </select>
                </label>
              </div>
              <FieldQualityView projectId={projectId} field={field!} />
            </>
          )}
          {q.spans.length ? <SpanAgreementView spans={q.spans} /> : null}
          {q.scores.length ? <ScoresView scores={q.scores} /> : null}
        </>
      )}
    </div>
  );
}

export function FieldQualityView({ projectId, field }: { projectId: string; field: QualityField }) {
  const a = field.agreement;
  const reading = alphaReading(a.krippendorff_alpha, a.items_with_2plus);
  return (
    <section aria-labelledby={`f-${field.field}`}>
      <h2 id={`f-${field.field}`}>“{field.field}” <span className="muted small">{field.component} · {field.level} · labels by {methodInfo(field.method).label}</span></h2>
      <div className="kpis">
        <div className="kpi"><span className="big">{num(a.krippendorff_alpha)}</span><span className="muted">Krippendorff’s α ({field.level})</span></div>
        <div className="kpi"><span className="big">{pct(a.percent)}</span><span className="muted">pairs of labels that agree</span></div>
        <div className="kpi"><span className="big">{num(a.fleiss_kappa)}</span><span className="muted">Fleiss’ κ{a.fleiss_kappa == null && a.items_with_2plus >= 2 ? ' (items have unequal label counts)' : ''} · {a.items_with_2plus} item{a.items_with_2plus === 1 ? '' : 's'} with 2+ labels</span></div>
      </div>
      <p className={`reading ${reading.level}`}><b>{reading.level === 'unknown' ? 'Not measured yet.' : `α = ${num(a.krippendorff_alpha)}.`}</b> {reading.text} <span className="muted small">(α ≥ 0.8 good · 0.667–0.8 tentative · below 0.667 unreliable)</span></p>
      <h3>Expert accuracy</h3>
      <WorkerAccuracy field={field} />
      <h3>Label confidence</h3>
      <Sized>{(w) => <ConfidenceHistogram labels={field.labels} total={field.labels_total} width={w} />}</Sized>
      <h3>Least certain items</h3>
      <LowestConfidence projectId={projectId} labels={field.labels} />
    </section>
  );
}

export function WorkerAccuracy({ field }: { field: QualityField }) {
  const rows = rankWorkers(field.workers);
  if (!rows.length) return <p className="muted">No expert has answered this question yet.</p>;
  const flagged = rows.filter((r) => r.far).length;
  const anyGold = rows.some((r) => r.gold && r.gold.total > 0);
  return (
    <>
      <p className="muted small">
        Bar: {methodInfo(field.method).accuracy}{anyGold ? '; bracket: accuracy on gold items with its 95% interval' : ''}{rows.length > 2 ? '; dashed line: the others’ median' : ''}.
        {rows.some((r) => !r.name && !r.email) ? ' Experts are shown by pseudonyms, the same as in the submissions list: reviewers judge blind.' : null}
        {flagged ? <> <b className="warn">{flagged} expert{flagged === 1 ? '' : 's'} far below the rest.</b></> : null}
      </p>
      <ScrollX label="Expert accuracy table">
        <table className="acc-chart">
          <thead><tr><th scope="col">Expert</th><th scope="col">Accuracy</th><th scope="col" className="acc-num">%</th><th scope="col" className="hide-narrow">Gold</th><th scope="col" className="hide-narrow">Labels</th></tr></thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.expert_id} className={r.far ? 'far' : undefined}>
                <th scope="row" title={r.email} className={r.name || r.email ? undefined : 'mono'}>{workerLabel(r)}{r.far ? <> <span className="chip bad">far below</span></> : null}</th>
                <td>
                  <div className="acc-track" role="img" aria-label={`${workerLabel(r)}: accuracy ${pct(r.accuracy)}${r.gold && r.gold.total ? `, gold ${r.gold.correct} of ${r.gold.total} (95% interval ${pct(r.gold.low)}–${pct(r.gold.high)})` : ''}${r.far ? ', far below the rest' : ''}`}>
                    <span className={`acc-bar ${r.far ? 'far' : ''}`} style={{ width: `${clamp01(r.accuracy) * 100}%` }} />
                    {r.gold && r.gold.total > 0 ? <span className="gold-ci" style={{ left: `${clamp01(r.gold.low) * 100}%`, width: `${Math.max(0.5, (clamp01(r.gold.high) - clamp01(r.gold.low)) * 100)}%` }} /> : null}
                    {rows.length > 2 && Number.isFinite(r.othersMedian) ? <span className="median" style={{ left: `${clamp01(r.othersMedian) * 100}%` }} /> : null}
                  </div>
                </td>
                <td className="acc-num">{pct(r.accuracy)}</td>
                <td className="acc-num hide-narrow">{r.gold && r.gold.total > 0 ? `${r.gold.correct}/${r.gold.total} (${pct(r.gold.low)}–${pct(r.gold.high)})` : '—'}</td>
                <td className="acc-num hide-narrow">{r.labels}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollX>
    </>
  );
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, Number.isFinite(x) ? x : 0));

export function ConfidenceHistogram({ labels, total, width = 960 }: { labels: QualityLabel[]; total: number; width?: number }) {
  if (!labels.length) return <p className="muted">No labels yet.</p>;
  const bins = confidenceBins(labels, 10);
  const low = labels.filter((l) => l.confidence < 0.6).length;
  return (
    <figure className="hist">
      <ColumnChart bins={bins} width={width} padTop={18} barWidth={(bw) => Math.max(2, bw * 0.8)}
        barClass={(k) => (k < 6 ? 'bar-low' : 'bar-fill')}
        barTitle={(n, k) => `${n} label${n === 1 ? '' : 's'} with confidence ${k * 10}–${(k + 1) * 10}%`}
        tick={(k) => (width >= 500 || k % 2 === 0 ? (width >= 700 ? `${k * 10}–${(k + 1) * 10}%` : `${k * 10}%`) : null)}
        ariaLabel={`Label confidence: ${bins.map((n, k) => `${n} between ${k * 10}% and ${(k + 1) * 10}%`).join(', ')}`}
        xCaption="confidence of the chosen label →" />
      <figcaption className="muted small">{low} of {labels.length} labels below 60% confidence{total > labels.length ? ` (the first ${labels.length} of ${total} items)` : ''}.</figcaption>
    </figure>
  );
}

export function LowestConfidence({ projectId, labels }: { projectId: string; labels: QualityLabel[] }) {
  const rows = lowestConfidence(labels, 15);
  if (!rows.length) return <p className="muted">No labels yet.</p>;
  return (
    <ScrollX label="Least certain items">
      <table className="table lowest">
        <thead><tr><th scope="col">Item</th><th scope="col">Label</th><th scope="col">Confidence</th><th scope="col" className="hide-narrow">Votes</th><th scope="col"><span className="sr-only">Submissions</span></th></tr></thead>
        <tbody>
          {rows.map((l) => (
            <tr key={l.item_id}>
              <td className="mono small">{l.external_id ?? l.item_id.slice(-8)}</td>
              <td>{l.label}</td>
              <td className={l.confidence < 0.6 ? 'warn acc-num' : 'acc-num'}>{pct(l.confidence)}</td>
              <td className="small hide-narrow">{Object.entries(l.votes).sort((x, y) => y[1] - x[1]).map(([k, v]) => `${k} ×${v}`).join(' · ')}</td>
              <td><a href={`#/manage/${encodeURIComponent(projectId)}/submissions/${encodeURIComponent(l.item_id)}`} aria-label={`Submissions for item ${l.external_id ?? l.item_id}`}>submissions</a></td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollX>
  );
}

/** Marked text (spans fields): how often two experts mark the same stretch, exactly or overlapping. */
export function SpanAgreementView({ spans }: { spans: SpanAgreement[] }) {
  return (
    <section aria-labelledby="spans-h">
      <h2 id="spans-h">Marked text</h2>
      <ScrollX label="Span agreement table">
        <table className="table">
          <thead><tr><th scope="col">Field</th><th scope="col">Same span (exact F1)</th><th scope="col">Overlapping (F1)</th><th scope="col">Items compared</th><th scope="col" className="hide-narrow">Spans</th></tr></thead>
          <tbody>
            {spans.map((s) => (
              <tr key={s.field}>
                <th scope="row">{s.field}</th>
                <td>{pct(s.exact_f1)}</td><td>{pct(s.overlap_f1)}</td>
                <td>{s.items_with_2plus} ({s.pairs} pair{s.pairs === 1 ? '' : 's'} of experts)</td><td className="hide-narrow">{s.spans}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollX>
      <p className="muted small">F1 over every pair of experts who answered the same item: exact counts a span only when both mark the same characters with the same category; overlapping counts any shared stretch of the same category. Two experts who both mark nothing agree.</p>
    </section>
  );
}

/** Ratings and rubric criteria: the mean, how the scale was used, and each expert's own level. */
export function ScoresView({ scores }: { scores: ScoreField[] }) {
  return (
    <section aria-labelledby="scores-h">
      <h2 id="scores-h">Scores</h2>
      <ScrollX label="Scores table">
        <table className="table scores">
          <thead><tr><th scope="col">Criterion</th><th scope="col">Mean</th><th scope="col">Answers by score</th><th scope="col">Experts: mean ± spread</th></tr></thead>
          <tbody>
            {scores.map((f) => {
              const name = f.criterion ? `${f.field} · ${f.label}` : f.label;
              const most = Math.max(1, ...f.distribution);
              return (
                <tr key={`${f.field}/${f.criterion ?? ''}`}>
                  <th scope="row">{name}</th>
                  <td className="nowrap"><b>{num(f.mean)}</b> <span className="muted small">of {f.scale.min}–{f.scale.max} · {f.answers} answer{f.answers === 1 ? '' : 's'}</span></td>
                  <td>
                    <span className="spark" role="img" aria-label={`${name}: ${f.distribution.map((n, k) => `${n} × ${f.scale.min + k}`).join(', ')}`}>
                      {f.distribution.map((n, k) => (
                        <span key={k} className="spark-col" title={`${n} answer${n === 1 ? '' : 's'} of ${f.scale.min + k}`}>
                          <span className="spark-bar" style={{ height: `${Math.round((n / most) * 30)}px` }} />
                          <span className="spark-tick">{f.scale.min + k}</span>
                        </span>
                      ))}
                    </span>
                  </td>
                  <td className="small">{f.experts.map((e) => `${e.name || e.email || e.expert_id} ${num(e.mean, 1)} ± ${num(e.stddev, 1)}`).join(' · ')}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </ScrollX>
      <p className="muted small">An expert whose mean sits well above or below the others grades more leniently or harshly; each item’s corrected mean (in the export and the API) standardises every expert’s scores first, so both count alike.</p>
    </section>
  );
}
