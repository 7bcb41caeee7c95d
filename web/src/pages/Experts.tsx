// #/people: the experts directory for reviewers and managers — filters (domain, language,
// qualification, status, largest rate, text) combined, a page of 25 at a time with the
// server's cursor, a table that becomes cards on a phone.
import React, { useState } from 'react';
import type { User } from '../lib/api';
import { languageName, people, STATUSES, STATUS_WORDS, type DirectoryFilter, type Profile, type TaxonomyPath } from '../lib/people';
import { cents } from '../lib/money';
import { ErrorBox, useLoad } from '../components/ui';
import { domainLabel } from '../components/DomainPicker';
import { PeopleNav, StatusChip, useQualifications, useTaxonomy } from '../components/people';

export const PAGE_SIZE = 25;
const EMPTY: Filters = { q: '', domain: '', language: '', qualification: '', status: '', maxRate: '' };
interface Filters { q: string; domain: string; language: string; qualification: string; status: string; maxRate: string }

function query(f: Filters, cursor?: string): DirectoryFilter {
  const rate = f.maxRate.trim() === '' ? undefined : Math.round(Number(f.maxRate) * 100);
  return {
    q: f.q.trim() || undefined, domain: f.domain || undefined, language: f.language.trim() || undefined,
    qualification: f.qualification || undefined, status: f.status || undefined,
    max_rate_cents: rate !== undefined && Number.isFinite(rate) ? rate : undefined, limit: PAGE_SIZE, cursor,
  };
}

// The filters last applied, kept for the tab's session: back from an expert's page finds them.
const SAVED = 'assay.experts.filters';
function savedFilters(): Filters {
  try { return { ...EMPTY, ...(JSON.parse(sessionStorage.getItem(SAVED) ?? '{}') as Partial<Filters>) }; } catch { return EMPTY; }
}

export function ExpertsPage({ user }: { user: User }) {
  const [draft, setDraft] = useState<Filters>(savedFilters);
  const [applied, setApplied] = useState<Filters>(draft);
  const [cursors, setCursors] = useState<string[]>([]); // the cursors of the pages before this one
  const cursor = cursors[cursors.length - 1];
  const taxonomy = useTaxonomy();
  const quals = useQualifications();
  const [list, err] = useLoad(() => people.experts(query(applied, cursor)), [applied, cursor]);
  const apply = (f: Filters) => {
    setDraft(f); setApplied(f); setCursors([]);
    try { sessionStorage.setItem(SAVED, JSON.stringify(f)); } catch { /* private mode: not kept */ }
  };
  const set = (k: keyof Filters, now = false) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => {
    const f = { ...draft, [k]: e.target.value };
    if (now) apply(f); else setDraft(f);
  };
  const filtered = Object.values(applied).some((v) => v !== '');
  const manager = user.role === 'manager' || user.role === 'admin';
  return (
    <div className="page wide">
      <PeopleNav here="experts" manager={manager} />
      <h1>Experts</h1>
      <form className="filters-form card" role="search" aria-label="Filter experts" onSubmit={(e) => { e.preventDefault(); apply(draft); }}>
        <label className="block grow">Search<input type="search" dir="auto" value={draft.q} onChange={set('q')} placeholder="name, email or headline" /></label>
        <label className="block">Domain<select value={draft.domain} onChange={set('domain', true)}>
          <option value="">any</option>
          {taxonomy.map((t) => <option key={t.path} value={t.path}>{domainLabel(t.path, taxonomy)}</option>)}
        </select></label>
        <label className="block">Language<input value={draft.language} onChange={set('language')} placeholder="e.g. ar" size={8} autoCapitalize="off" spellCheck={false} /></label>
        <label className="block">Qualification<select value={draft.qualification} onChange={set('qualification', true)}>
          <option value="">any</option>
          {quals.map((q) => <option key={q.id} value={q.id}>{q.name}</option>)}
        </select></label>
        <label className="block">Status<select value={draft.status} onChange={set('status', true)}>
          <option value="">any</option>
          {STATUSES.map((s) => <option key={s} value={s}>{STATUS_WORDS[s]}</option>)}
        </select></label>
        <label className="block">Rate at most<input type="number" min={0} step="0.01" inputMode="decimal" value={draft.maxRate} onChange={set('maxRate')} placeholder="per hour" size={8} /></label>
        <div className="row filter-buttons">
          <button type="submit" className="primary">Search</button>
          {filtered ? <button type="button" className="link" onClick={() => apply(EMPTY)}>Clear filters</button> : null}
        </div>
      </form>
      <ErrorBox error={err} />
      {!list ? (err ? null : <p className="muted">Loading…</p>) : list.experts.length === 0 ? (
        <p className="muted">{filtered ? 'No expert matches all of these filters.' : 'No experts yet.'}</p>
      ) : (
        <>
          <p className="muted small" role="status">{list.experts.length} expert{list.experts.length === 1 ? '' : 's'} on this page{filtered ? ', matching every filter' : ''}.</p>
          <ExpertTable experts={list.experts} taxonomy={taxonomy} />
        </>
      )}
      <div className="row pager">
        {cursors.length ? <button type="button" onClick={() => setCursors((c) => c.slice(0, -1))}>← Previous page</button> : null}
        {list?.next_cursor ? <button type="button" onClick={() => setCursors((c) => [...c, list.next_cursor!])}>Next page →</button> : null}
      </div>
    </div>
  );
}

function ExpertTable({ experts, taxonomy }: { experts: Profile[]; taxonomy: TaxonomyPath[] }) {
  return (
    <table className="table stack-narrow directory">
      <thead><tr>
        <th scope="col">Expert</th><th scope="col">Status</th><th scope="col">Headline</th><th scope="col">Domains</th>
        <th scope="col">Languages</th><th scope="col">Rate an hour</th><th scope="col" className="num">Hours a week</th><th scope="col">Time zone</th>
      </tr></thead>
      <tbody>{experts.map((p) => (
        <tr key={p.user_id}>
          <th scope="row" data-label="Expert"><a href={`#/people/expert/${encodeURIComponent(p.user_id)}`}>{p.name || p.email}</a><div className="muted small">{p.email}</div></th>
          <td data-label="Status"><StatusChip status={p.status} /></td>
          <td data-label="Headline" dir="auto">{p.headline || <span className="muted">—</span>}</td>
          <td data-label="Domains">{p.domains.map((d) => domainLabel(d, taxonomy)).join(', ') || <span className="muted">—</span>}</td>
          <td data-label="Languages">{p.languages.map((l) => `${languageName(l.tag)} ${l.level}`).join(', ') || <span className="muted">—</span>}</td>
          <td data-label="Rate an hour" className="nowrap">{cents(p.rate_cents, p.currency)}</td>
          <td data-label="Hours a week" className="num">{p.availability_hours ?? '—'}</td>
          <td data-label="Time zone">{p.timezone}</td>
        </tr>
      ))}</tbody>
    </table>
  );
}
